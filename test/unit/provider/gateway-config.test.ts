/** Pure parts of the GatewayConfig provider: validation messages, detailed diffs, drift classification, read parsing. */
import { describe, expect, it } from "vitest";
import { diffInputs, flowsOutput, gatewayConfig, movedTarget, validate } from "../../../providers/resources/gateway-config";
import { isSecret } from "../../../providers/secrets";
import { ownerRecordScript, recordedInstanceOf } from "../../../providers/gateway/owner";
import { classify, inSync, modeOfLs, parseReadOutput, readScript, type LiveState } from "../../../providers/gateway/read-script";
import { applyScript, stageScript } from "../../../providers/gateway/commit-script";
import { writeFileLines } from "../../../providers/gateway/shell";
import { keyFingerprint, parseHostKey } from "../../../providers/transport/hostkey";
import { maskSecrets } from "../../../providers/transport/ssh";
import { gwState, PSK } from "../../provider/fixtures";
import { TEST_PRIVATE_KEY } from "../../support/ssh-key";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIDhPUN+SiwXu9uU3Y2TyQFMDg1phBcwnVILW7sslqXB";
const conn = { host: "192.0.2.153", privateKey: TEST_PRIVATE_KEY, hostKey: KEY };

describe("validate", () => {
  it("accepts the site-to-site state", () => {
    expect(validate({ connection: conn, state: gwState("gw1") })).toEqual([]);
  });
  it("names field, value and what is allowed", () => {
    const s = gwState("gw1");
    s.files["/etc/iked.conf"] = { content: "", mode: "0644", owner: "root", group: "wheel", check: "iked" };
    s.files["/etc/x"] = { content: "", mode: "rw", owner: "root", group: "wheel", check: "pfx" as never };
    s.services.isakmpd!.flags = "-K -S";
    s.interfaces.push("gif0");
    s.sysctls["net.inet.gre.allow"] = "2";
    const f = validate({ connection: { ...conn, port: 70000, hostKey: undefined }, state: s, rollbackSeconds: 1 }).map((x) => x.reason);
    expect(f).toEqual([
      "connection.port: `70000` is not a TCP port; give 1–65535 (default 22)",
      "connection.hostKey: missing; pin the gateway's key (`ssh-keyscan -t ed25519 HOST`) or set insecureSkipHostKeyCheck: true (dangerous)",
      "rollbackSeconds: `1` must be a whole number of seconds from 5 to 3600 (default 60)",
      'state.files["/etc/iked.conf"].mode: `0644`: iked refuses a config file with group or other access; give 0600',
      'state.files["/etc/x"].mode: `rw` is not an octal mode; give e.g. 0600',
      'state.files["/etc/x"].check: unknown check `pfx`; one of pf, pf-anchor, ipsec, iked, sasyncd, sshd, none',
      'state.sysctls["net.inet.gre.allow"]: value `2`: net.inet.gre.allow (accept GRE (gre, egre, mgre, nvgre, eoip)) takes 0 or 1; give one of 0, 1 (default 0)',
      'state.services["isakmpd"].flags: `-K -S`: do not set -S, rc.d/isakmpd adds it when sasyncd is enabled (it would appear twice)',
      "state.interfaces: `gif0` has no /etc/hostname.gif0 in state.files",
    ]);
  });
  it("a file path with a `.`, `..` or empty segment is refused, and a key's control characters never reach the terminal raw", () => {
    const paths = ["/etc/..", "/etc/./pf.conf", "/etc//pf.conf", "/etc/pf.conf/.", "/.."];
    for (const p of paths) {
      const s = gwState("gw1");
      s.files[p] = { content: "", mode: "0600", owner: "root", group: "wheel", check: "none" };
      expect(validate({ connection: conn, state: s }).map((x) => x.reason)).toEqual([`state.files["${p}"]: \`${p}\` is not an absolute file path of letters, digits and ._+@-/ (no \`.\`, \`..\` or empty segment)`]);
    }
    const s = gwState("gw1");
    s.sysctls["net.inet.ip.forwarding\u001b[2J"] = "1";
    const f = validate({ connection: conn, state: s });
    expect(f.map((x) => x.property)).toEqual(['state.sysctls["net.inet.ip.forwarding\\u001b[2J"]']);
    expect(f[0]!.reason).not.toMatch(/[\u0000-\u001f]/);
  });
  it("checks the typed kernel entries with the one ipsecctl grammar: a flow must read back as itself, no SA key, peers are addresses", () => {
    const flowIn = (k: NonNullable<ReturnType<typeof gwState>["ipsecKernel"]>) => k.tunnels[0]!;
    const withSrcid = gwState("gw1");
    flowIn(withSrcid.ipsecKernel!).srcid = "a b; reboot";
    const keyed = gwState("gw1");
    keyed.ipsecKernel!.sas.push({ satype: "esp", mode: "tunnel", from: { kind: "ip", address: "192.0.2.153" }, to: { kind: "ip", address: "192.0.123.85" }, spi: 0x1000, enc: "aes", enckey: "00".repeat(16) });
    const peer = gwState("gw1");
    peer.ipsecKernel!.peers.push("gw2.example.com");
    const shape = gwState("gw1");
    (shape.ipsecKernel as unknown as Record<string, unknown>).flows = "x";
    expect([withSrcid, keyed, peer, shape].map((s) => validate({ connection: conn, state: s }).map((x) => x.reason))).toEqual([
      ["state.ipsecKernel: flow `flow esp in from 192.168.15.0/24 to 172.16.0.0/24 peer 192.0.123.85 srcid a b; reboot type use` does not read back as itself (flow: unknown field `b;`; one of local, peer, srcid, dstid, psk, rsa, type)"],
      ["state.ipsecKernel: an SA carries a key: keys are never stored in the state's kernel entries"],
      ["state.ipsecKernel: peer `gw2.example.com` is not an IP address"],
      ["state.ipsecKernel: must be { flows, sas, tunnels, peers }, each a list"],
    ]);
  });
  it("check hands the typed kernel entries on to the commit unchanged", async () => {
    const s = gwState("gw1");
    const r = await gatewayConfig.check!("urn:pulumi:dev::vpn::openbsd:index:GatewayConfig::gw1", {}, { connection: conn, state: s });
    expect(r.failures).toEqual([]);
    expect((r.inputs as { state: { ipsecKernel: unknown } }).state.ipsecKernel).toEqual(s.ipsecKernel);
    expect(s.ipsecKernel!.tunnels).toHaveLength(2);
  });
  it("check refuses a host and a port run together, and a colon outside an IPv6 address; an IPv6 address passes", async () => {
    const check = (host: string) => gatewayConfig.check!("urn:pulumi:dev::vpn::openbsd:index:GatewayConfig::gw1", {}, { connection: { ...conn, host }, state: gwState("gw1") }).then((r) => r.failures);
    expect(await check("192.0.2.153:2222")).toEqual([{ property: "", reason: 'connection.host: `192.0.2.153:2222`: a host and a port in one (`HOST:PORT`); give the host alone and the port apart: `host: "192.0.2.153", port: 2222`' }]);
    expect(await check("gw1:x")).toEqual([{ property: "", reason: "connection.host: `gw1:x`: not a host name or address (only an IPv6 address holds `:`); give e.g. `192.0.2.153`, `2001:db8::153` or `gw1.example.org`" }]);
    expect(await check("2001:db8::153")).toEqual([]);
  });

  it("check names a nested field in the reason, not as the engine's `property` (it would print `value {<nil>}`)", async () => {
    const r = await gatewayConfig.check!("urn:pulumi:dev::vpn::openbsd:index:GatewayConfig::gw1", {}, { connection: { ...conn, host: "bad host" }, state: gwState("gw1"), rollbackSeconds: 3 });
    expect(r.failures).toEqual([
      { property: "", reason: "connection.host: `bad host`: not a host name or address; give e.g. `192.0.2.153` or `gw1.example.org`" },
      { property: "rollbackSeconds", reason: "rollbackSeconds: `3` must be a whole number of seconds from 5 to 3600 (default 60)" },
    ]);
  });
  it("a bastion (connection.proxy): checked as the connection is; one sent empty (a connection given as an Output, without one) is none", async () => {
    const check = (proxy: unknown) => gatewayConfig.check!("urn:pulumi:dev::vpn::openbsd:index:GatewayConfig::gw1", {}, { connection: { ...conn, proxy }, state: gwState("gw1") });
    expect((await check({ host: "198.51.100.7", hostKey: KEY })).failures).toEqual([]);
    expect((await check({ host: "198.51.100.7:2222", port: 0, user: "a b", privateKey: "hunter2-secret" })).failures!.map((f) => f.reason)).toEqual([
      'connection.proxy.host: `198.51.100.7:2222`: a host and a port in one (`HOST:PORT`); give the host alone and the port apart: `host: "198.51.100.7", port: 2222`',
      "connection.proxy.port: `0` is not a TCP port; give 1–65535 (default 22)",
      "connection.proxy.user: `a b` is not a user name; default root",
      "connection.proxy.privateKey: is not an OpenSSH/PEM private key (value not shown); give the key file's contents, e.g. `pulumi config set --secret sshKey < PATH_TO_KEY`",
      "connection.proxy.hostKey: missing; pin the bastion's key (`ssh-keyscan -t ed25519 BASTION`) or set insecureSkipHostKeyCheck: true (dangerous)",
    ]);
    const reasons = async (proxy: unknown) => (await check(proxy)).failures!.map((f) => f.reason);
    expect(await reasons([])).toEqual(["connection.proxy: not a bastion; give { host, hostKey } (user, port and privateKey optional)"]);
    expect(await reasons({ hostKey: KEY })).toEqual(["connection.proxy.host: missing; give the bastion's address or host name"]);
    expect(await reasons({ host: "198.51.100.7", hostKey: KEY, proxy: { host: "198.51.100.8" } })).toEqual([
      "connection.proxy.proxy: a bastion behind a bastion is not supported; reach the last bastion directly, or give the gateway's connection through it alone",
    ]);
    // a string would count as true and drop the pin
    expect(await reasons({ host: "198.51.100.7", hostKey: KEY, insecureSkipHostKeyCheck: "yes" })).toEqual(["connection.proxy.insecureSkipHostKeyCheck: `yes` is not a boolean; give true or false (default false)"]);
    const top = await gatewayConfig.check!("urn:pulumi:dev::vpn::openbsd:index:GatewayConfig::gw1", {}, { connection: { ...conn, insecureSkipHostKeyCheck: "false" }, state: gwState("gw1") });
    expect(top.failures).toEqual([{ property: "", reason: "connection.insecureSkipHostKeyCheck: `false` is not a boolean; give true or false (default false)" }]);
    const empty = await check({ host: null, port: null, user: null, privateKey: null, hostKey: null, insecureSkipHostKeyCheck: null });
    expect(empty.failures).toEqual([]);
    expect(Object.keys(empty.inputs!.connection as object)).not.toContain("proxy");
  });
  it("a bastion added, changed or removed is an update (the same gateway, another way to it), never a replacement", () => {
    const via = { ...conn, proxy: { host: "198.51.100.7", hostKey: KEY } };
    for (const [a, b] of [[conn, via], [via, { ...via, proxy: { ...via.proxy, port: 2222 } }], [via, conn]] as const) {
      expect(diffInputs({ connection: a, state: gwState("gw1") }, { connection: b, state: gwState("gw1") })).toEqual({ changes: true, replaces: [], detailedDiff: { "connection.proxy": { kind: "update" } } });
    }
  });
  it("a string where the state holds a boolean is refused: \"false\" would count as true (a service enabled, started; a file's content kept in the clear or not)", () => {
    const s = gwState("gw1");
    s.services.isakmpd = { ...s.services.isakmpd!, enabled: "false" as never, running: "no" as never };
    s.files["/etc/ipsec.conf"] = { ...s.files["/etc/ipsec.conf"]!, secret: "false" as never };
    expect(validate({ connection: conn, state: s }).map((x) => x.reason)).toEqual([
      'state.files["/etc/ipsec.conf"].secret: `false` is not a boolean; give true or false',
      'state.services["isakmpd"].enabled: `false` is not a boolean; give true or false',
      'state.services["isakmpd"].running: `no` is not a boolean; give true or false',
    ]);
  });
  it("never shows the private key", () => {
    const f = validate({ connection: { ...conn, privateKey: "hunter2-secret" }, state: gwState("gw1") });
    expect(f.map((x) => x.reason)).toEqual(["connection.privateKey: is not an OpenSSH/PEM private key (value not shown); give the key file's contents, e.g. `pulumi config set --secret sshKey < PATH_TO_KEY`"]);
  });
});

describe("diffInputs", () => {
  it("no change, no diff", () => {
    expect(diffInputs({ connection: conn, state: gwState("gw1") }, { connection: conn, state: gwState("gw1") })).toEqual({ changes: false, replaces: [], detailedDiff: {} });
  });
  it("keys each changed item", () => {
    const d = diffInputs({ connection: conn, state: gwState("gw1") }, { connection: conn, state: gwState("gw1", { psk: "other", forwarding: "2" }) });
    expect(d.detailedDiff).toEqual({
      'state.files["/etc/ipsec.conf"]': { kind: "update" },
      'state.files["/etc/sysctl.conf"]': { kind: "update" },
      'state.sysctls["net.inet.ip.forwarding"]': { kind: "update" },
    });
  });
  it("items a read found drifted are changes; a new host or port is an update (the old address is never needed again), committed as a create is", () => {
    const drift = { ...inSync(gwState("gw1")), 'anchors["vpn"]': "running drifted", flows: "running drifted", 'sysctls["net.inet.ip.forwarding"]': "running drifted" };
    const olds = { connection: conn, state: gwState("gw1"), drift };
    const news = { connection: { ...conn, host: "192.0.2.154", port: 2222 }, state: gwState("gw1") };
    expect(diffInputs(olds, news)).toEqual({
      changes: true,
      replaces: [],
      detailedDiff: {
        'drift["anchors[\\"vpn\\"]"]': { kind: "update" },
        'drift["flows"]': { kind: "update" },
        'state.sysctls["net.inet.ip.forwarding"]': { kind: "update" },
        "connection.host": { kind: "update" },
        "connection.port": { kind: "update" },
      },
    });
    expect(movedTarget(olds, news)).toBe(true);
    expect(movedTarget(olds, { ...news, connection: { ...conn, port: 22, user: "admin" } })).toBe(false);
  });
});

const live = (over: Partial<LiveState> = {}): LiveState => {
  const s = gwState("gw1");
  return {
    files: Object.fromEntries(Object.entries(s.files).map(([p, f]) => [p, { content: f.content, mode: f.mode, owner: f.owner, group: f.group }])),
    sysctls: { ...s.sysctls },
    on: ["ipsec", "isakmpd", "pf"],
    started: ["isakmpd", "sshd"],
    flags: { isakmpd: "-K" },
    ifconfig: { em0: "em0: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> mtu 1500\n\tinet 172.16.0.1 netmask 0xffffff00 broadcast 172.16.0.255\n" },
    anchors: { vpn: { loaded: ["pass all flags S/SA"], expected: ["pass all flags S/SA"] } },
    flows: ["flow esp out from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85 type require"],
    ...over,
  };
};

describe("classify (two-layer drift)", () => {
  const baseline = ["flow esp out from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85 type require"];
  it("all in sync; the observed state equals the desired one", () => {
    const c = classify(gwState("gw1"), live(), baseline);
    expect(Object.values(c.drift).every((v) => v === "in sync")).toBe(true);
    expect(c.observed).toEqual(gwState("gw1"));
  });
  it("reports each kind of hand edit under its item", () => {
    const l = live({
      sysctls: { "net.inet.ip.forwarding": "0", "net.inet.esp.enable": "1" },
      started: ["sshd"],
      ifconfig: { em0: "em0: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> mtu 1500\n" },
      anchors: { vpn: { loaded: [], expected: ["pass all flags S/SA"] } },
      flows: [],
      on: ["pf", "isakmpd"],
    });
    l.files["/etc/pf.conf"] = { content: "pass\n", mode: "0644", owner: "root", group: "wheel" };
    const c = classify(gwState("gw1"), l, baseline);
    expect(Object.fromEntries(Object.entries(c.drift).filter(([, v]) => v !== "in sync"))).toEqual({
      'files["/etc/pf.conf"]': "file drifted",
      'sysctls["net.inet.ip.forwarding"]': "running drifted",
      'services["isakmpd"]': "running drifted",
      'services["ipsec"]': "not persisted",
      'interfaces["em0"]': "running drifted",
      'anchors["vpn"]': "running drifted",
      flows: "running drifted",
    });
    expect(c.observed.files["/etc/pf.conf"]).toMatchObject({ content: "pass\n", mode: "0644" });
    expect(c.observed.sysctls["net.inet.ip.forwarding"]).toBe("0");
    expect(c.observed.services.isakmpd!.running).toBe(false);
  });
  it("a tunnel interface repointed or taken down by hand is drifted, as the commit checks it after netstart", () => {
    const d = gwState("gw1");
    d.files["/etc/hostname.gre0"] = { content: "tunnel 192.0.2.153 192.0.123.85\ninet 10.77.0.1 255.255.255.255\ndest 10.77.0.2\nkeepalive 10 3\nup\n", mode: "0640", owner: "root", group: "wheel", check: "none" };
    d.interfaces = [...d.interfaces, "gre0"];
    const gre0 = (flags: string, tunnel: string) =>
      `gre0: flags=${flags} mtu 1476\n\tindex 8 priority 0 llprio 6\n\tkeepalive: timeout 10 count 3\n\tencap: vnetid none txprio payload rxprio packet\n\tgroups: gre\n` +
      `\ttunnel: inet ${tunnel} ttl 64 nodf ecn\n\tinet 10.77.0.1 --> 10.77.0.2 netmask 0xffffffff\n`;
    const at = (text: string) => {
      const l = live({ ifconfig: { ...live().ifconfig, gre0: text } });
      l.files["/etc/hostname.gre0"] = { content: d.files["/etc/hostname.gre0"]!.content, mode: "0640", owner: "root", group: "wheel" };
      return classify(d, l, baseline).drift['interfaces["gre0"]'];
    };
    expect(at(gre0("8051<UP,POINTOPOINT,RUNNING,MULTICAST>", "192.0.2.153 --> 192.0.123.85"))).toBe("in sync");
    expect(at(gre0("8051<UP,POINTOPOINT,RUNNING,MULTICAST>", "192.0.2.153 --> 198.51.100.7"))).toBe("running drifted");
    expect(at(gre0("8010<POINTOPOINT,MULTICAST>", "192.0.2.153 --> 192.0.123.85"))).toBe("running drifted");
    // the keepalive the file sets: another one, or none, set by hand
    const inSync = gre0("8051<UP,POINTOPOINT,RUNNING,MULTICAST>", "192.0.2.153 --> 192.0.123.85");
    expect(at(inSync.replace("timeout 10 count 3", "timeout 10 count 30"))).toBe("running drifted");
    expect(at(inSync.replace("\tkeepalive: timeout 10 count 3\n", ""))).toBe("running drifted");
  });
  it("a sysctl set live but missing from sysctl.conf is not persisted", () => {
    const l = live();
    l.files["/etc/sysctl.conf"] = { content: "net.inet.esp.enable=1\n", mode: "0644", owner: "root", group: "wheel" };
    const c = classify(gwState("gw1"), l, baseline);
    expect(c.drift['sysctls["net.inet.ip.forwarding"]']).toBe("not persisted");
    expect(c.drift['files["/etc/sysctl.conf"]']).toBe("file drifted");
  });
  it("sysctl.conf is read as /etc/rc applies it: a later line for the same MIB wins, a trailing comment is no value", () => {
    const l = live();
    l.files["/etc/sysctl.conf"] = { content: "net.inet.ip.forwarding=1 # on\nnet.inet.esp.enable=1\nnet.inet.ip.forwarding=0\n", mode: "0644", owner: "root", group: "wheel" };
    expect(classify(gwState("gw1"), l, baseline).drift['sysctls["net.inet.ip.forwarding"]']).toBe("not persisted");
    l.files["/etc/sysctl.conf"] = { content: "net.inet.ip.forwarding=0\nnet.inet.ip.forwarding=1 # on\nnet.inet.esp.enable=1\n", mode: "0644", owner: "root", group: "wheel" };
    expect(classify(gwState("gw1"), l, baseline).drift['sysctls["net.inet.ip.forwarding"]']).toBe("in sync");
  });
});

describe("the read script and its output", () => {
  it("parses every section", () => {
    const out = [
      "@@m file /etc/pf.conf",
      "pass",
      "",
      "@@m end",
      "@@m file /etc/x",
      "no newline",
      "@@m end",
      "@@m missing /etc/ipsec.conf",
      "@@m ls",
      "-rw------- 1 root wheel 5 Nov 24 21:31 /etc/pf.conf",
      "-rw-r----- 1 root wheel 10 Nov 24 21:31 /etc/x",
      "@@m sysctl",
      "net.inet.ip.forwarding=1",
      "@@m on",
      "ipsec",
      "pf",
      "@@m started",
      "isakmpd(ok)",
      "sasyncd(failed)",
      "@@m flags isakmpd",
      "-K",
      "@@m anchor vpn",
      "pass in on em1 inet proto esp all",
      "@@m expect vpn",
      'ext = "em1"',
      "pass in on em1 inet proto esp all",
      "@@m flows",
      "flow esp in from 192.168.15.0/24 to 172.16.0.0/24 peer 192.0.123.85 type use",
      "@@m done",
      "",
    ].join("\n");
    expect(parseReadOutput(out, "m")).toEqual({
      files: {
        "/etc/pf.conf": { content: "pass\n", mode: "0600", owner: "root", group: "wheel", bytes: 5 },
        "/etc/x": { content: "no newline", mode: "0640", owner: "root", group: "wheel", bytes: 10 },
        "/etc/ipsec.conf": null,
      },
      sysctls: { "net.inet.ip.forwarding": "1" },
      on: ["ipsec", "pf"],
      started: ["isakmpd"],
      flags: { isakmpd: "-K" },
      ifconfig: {},
      anchors: { vpn: { loaded: ["pass in on em1 inet proto esp all"], expected: ["pass in on em1 inet proto esp all"] } },
      flows: ["flow esp in from 192.168.15.0/24 to 172.16.0.0/24 peer 192.0.123.85 type use"],
    });
    expect(parseReadOutput("@@m on\npf\n", "m")).toBe("the read script's output is incomplete (no `done` section)");
  });
  it("takes each file's mode, owner and group from its own line of the one `ls -ld`, in any order; a file gone before ls is drift", () => {
    const out = [
      "@@m file /etc/x", "a", "@@m end",
      "@@m file /etc/etc/x", "b", "@@m end",
      "@@m file /etc/y", "c", "@@m end",
      "@@m file /etc/gone", "d", "@@m end",
      "@@m ls",
      "lrwxr-xr-x  1 root  wheel  6 Nov 24 21:31 /etc/y -> /etc/x",
      "-rw-r-----  1 _isakmpd  staff  1 Nov 24 21:31 /etc/x",
      "-rw-------  1 root  wheel  1 Nov 24 21:31 /etc/etc/x",
      "@@m done",
      "",
    ].join("\n");
    const live = parseReadOutput(out, "m") as LiveState;
    expect(live.files).toEqual({
      "/etc/x": { content: "a", mode: "0640", owner: "_isakmpd", group: "staff", bytes: 1 },
      "/etc/etc/x": { content: "b", mode: "0600", owner: "root", group: "wheel", bytes: 1 },
      "/etc/y": { content: "c", mode: "0755", owner: "root", group: "wheel" },
      "/etc/gone": { content: "d", mode: "", owner: "", group: "" },
    });
    const desired = { ...gwState("gw1"), files: { "/etc/gone": { content: "d", mode: "0600", owner: "root", group: "wheel", check: "none" as const } } };
    expect(classify(desired, live).drift['files["/etc/gone"]']).toBe("file drifted");
  });
  it("a file whose content did not come through whole (a NUL byte the shell dropped) is drifted, even if the rest matches", () => {
    const desired = { ...gwState("gw1"), files: { "/etc/a": { content: "pass\n", mode: "0600", owner: "root", group: "wheel", check: "none" as const } } };
    const live = (bytes: number) => parseReadOutput(["@@m file /etc/a", "pass", "", "@@m end", "@@m ls", `-rw-------  1 root  wheel  ${bytes} Nov 24 21:31 /etc/a`, "@@m done", ""].join("\n"), "m") as LiveState;
    expect(classify(desired, live(5)).drift['files["/etc/a"]']).toBe("in sync");
    expect(classify(desired, live(6)).drift['files["/etc/a"]']).toBe("file drifted");
  });
  it("prints the whole output in one write at the end, the commands reading no stdin", () => {
    const s = readScript(gwState("gw1"), "m");
    expect(s.split("\n").slice(0, 3)).toEqual(["set +e", "PATH=/sbin:/usr/sbin:/bin:/usr/bin:$PATH", "o=$({"]);
    // ksh (OpenBSD's /bin/sh, mksh) prints with its builtin `print`, any other shell with printf
    expect(s.endsWith(`echo "@@m done"\n} </dev/null)\nif [ -n "\${KSH_VERSION-}\${SH_VERSION-}" ]; then print -r -- "$o"; else printf '%s\\n' "$o"; fi\nexit 0\n`)).toBe(true);
  });
  it("lists every managed file in one `ls -ld`, after their contents", () => {
    const s = readScript(gwState("gw1"), "m");
    const files = Object.keys(gwState("gw1").files).sort();
    expect(s.match(/^ls -ld .*$/gm)).toEqual([`ls -ld ${files.map((f) => `'${f}'`).join(" ")} 2>/dev/null`]);
    expect(s.indexOf('echo "@@m ls"')).toBeGreaterThan(s.lastIndexOf("cat '"));
  });
  it("is one script with no secret in it", () => {
    const s = readScript(gwState("gw1"), "m");
    expect(s).not.toContain(PSK);
    expect(s).toContain("pfctl -a 'vpn' -sr");
    expect(s).toContain("ipsecctl -sf");
  });
  it("modeOfLs", () => {
    expect(["-rw-------", "-rw-r-----", "-rwsr-xr-x", "drwxrwxrwt", "-rwxr-sr-T"].map(modeOfLs)).toEqual(["0600", "0640", "4755", "1777", "3754"]);
  });
});

describe("commit scripts", () => {
  it("secrets travel only in heredocs on stdin, never as arguments", () => {
    const s = stageScript({ id: "0123456789ab", news: gwState("gw1"), rollbackSeconds: 60 });
    const lines = s.split("\n");
    const i = lines.findIndex((l) => l.includes(PSK));
    expect(lines[i - 1]).toMatch(/^put '\/etc\/ipsec\.conf\.pulumi-new' 171 <<'PULUMI_OPENBSD_EOF_[0-9a-f]{12}'$/);
    expect(lines.filter((l) => l.includes(PSK))).toHaveLength(1);
    expect(lines.slice(3, 5)).toEqual(["set -u", "umask 077"]); // after the shellcheck directives and the `{`
    expect(s).toContain("v ipsecctl -nf '/etc/ipsec.conf.pulumi-new'");
    expect(s).toContain("v pfctl -a 'vpn' -nf '/etc/pf.anchors/vpn.pulumi-new'");
    expect(s).toContain('nohup sh -c "sleep 60; sh $R/restore.sh timer" </dev/null >/dev/null 2>&1 &');
  });
  it("applies in /etc/rc order: sysctl, netstart, pf, isakmpd, ipsecctl", () => {
    const s = applyScript({ id: "0123456789ab", news: gwState("gw1"), rollbackSeconds: 60 });
    const at = (x: string) => s.indexOf(x);
    expect(at("step sysctl")).toBeGreaterThan(0);
    expect(at("step sysctl")).toBeLessThan(at("netup em0"));
    expect(at("netup em0")).toBeLessThan(at("step pfctl -f /etc/pf.conf"));
    expect(at("step pfctl -f /etc/pf.conf")).toBeLessThan(at("step pfctl -a 'vpn' -f"));
    expect(at("step pfctl -a 'vpn' -f")).toBeLessThan(at("step rcctl enable 'isakmpd'"));
    expect(at("step rcctl enable 'isakmpd'")).toBeLessThan(at("step rcctl set 'isakmpd' flags '-K'"));
    expect(at("step rcctl set 'isakmpd' flags '-K'")).toBeLessThan(at('ipdel "$R/files"'));
    expect(at('ipdel "$R/files"')).toBeLessThan(at("step ipsecctl -f '/etc/ipsec.conf'"));
  });
  it("a service no longer managed goes back to its baseline", () => {
    const news = gwState("gw1");
    delete news.services.isakmpd;
    const s = applyScript({ id: "0123456789ab", olds: gwState("gw1"), news, rollbackSeconds: 60 });
    expect(s).toContain('grep "^isakmpd " "$D/baseline-svc" >> "$R/svc-dropped"');
    expect(s).not.toContain("rcctl start 'isakmpd'");
  });
  it("writes exact bytes, with or without a final newline", () => {
    expect(writeFileLines("/f", "a\n")[0]).toMatch(/^put '\/f' 2 <<'PULUMI_OPENBSD_EOF_[0-9a-f]{12}'$/);
    expect(writeFileLines("/f", "a")[0]).toMatch(/^put '\/f' 1 cut <<'PULUMI_OPENBSD_EOF_[0-9a-f]{12}'$/);
    expect(writeFileLines("/f", "")).toEqual(["put '/f' 0 < /dev/null"]);
  });
});

describe("host keys and masking", () => {
  it("fingerprints as ssh-keygen -l prints them; rejects what is not a key", () => {
    const k = parseHostKey(KEY);
    expect(typeof k).toBe("object");
    expect(keyFingerprint((k as { blob: Buffer }).blob)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(parseHostKey("ssh-ed25519")).toBe("hostKey: `ssh-ed25519` is not an OpenSSH public key; give it as in known_hosts without the host name, e.g. `ssh-ed25519 AAAAC3Nz…`");
    expect(parseHostKey("ssh-rsa " + KEY.split(" ")[1])).toBe("hostKey: the key data does not hold a `ssh-rsa` key");
  });
  it("tells the usual mix-ups apart, and never quotes a private key given as the host key", () => {
    const fake = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIFAKEprivateSCALARnotakey\n-----END EC PRIVATE KEY-----\n";
    expect(parseHostKey(fake)).toBe("hostKey: a private key, not the gateway's public host key; the key you log in with goes in `privateKey`; pin the gateway's own public host key here, e.g. `ssh-ed25519 AAAAC3Nz…` (`ssh-keyscan -t ed25519 HOST` prints it)");
    expect(parseHostKey(`192.0.2.153 ${KEY}`)).toBe(`hostKey: starts with \`192.0.2.153\`, as ssh-keyscan and known_hosts print a key; give the key alone, without the host name: \`${KEY.split(" ")[0]} ${KEY.split(" ")[1]!.slice(0, 16)}…\``);
    expect(parseHostKey("SHA256:Y8aG1n3C4mZl8pQbE1X9t7wBq3kzZ1bq8z7m8h9wq0A")).toMatch(/^hostKey: a fingerprint, not the key: the whole key is pinned; give the key whose fingerprint this is/);
  });
  it("masks secrets in error text", () => {
    expect(maskSecrets(`ipsecctl: line 1: psk "${PSK}" bad`, [PSK])).toBe('ipsecctl: line 1: psk "***" bad');
  });
});

describe("a CARP backup whose commit fails", () => {
  it("says that its master, committed after it, was not changed either", async () => {
    const { gatewayConfig } = await import("../../../providers/resources/gateway-config");
    const { TEST_PRIVATE_KEY } = await import("../../support/ssh-key");
    const s = gwState("gw2");
    s.files["/etc/hostname.carp1"] = { content: "inet 192.0.2.10 255.255.255.0 NONE vhid 1 carpdev em1 advskew 100 pass (secret)\n", mode: "0640", owner: "root", group: "wheel", check: "none" };
    // port 2 of loopback: refused at once, before anything could run
    const connection = { host: "127.0.0.1", port: 2, privateKey: TEST_PRIVATE_KEY, hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl" };
    const urn = "urn:pulumi:dev::vpn::openbsd:index:Gateway$openbsd:index:GatewayConfig::gw2";
    const err = await gatewayConfig.create(urn, { connection, state: s, rollbackSeconds: 60 }).then(() => "", (e: Error) => e.message);
    expect(err.split("\n").slice(-1)[0]).toBe(
      "This gateway is the backup of a CARP pair (carp1 advskew 100); the pair's master is committed after it, so the master was not changed either: " +
        "it stays on its OLD configuration and keeps the shared addresses. The next `pulumi up` commits the backup, then the master.",
    );
    // the master itself (advskew 0) says nothing of the kind
    s.files["/etc/hostname.carp1"]!.content = s.files["/etc/hostname.carp1"]!.content.replace("advskew 100", "advskew 0");
    const master = await gatewayConfig.create(urn, { connection, state: s, rollbackSeconds: 60 }).then(() => "", (e: Error) => e.message);
    expect(master).toContain("cannot connect as root");
    expect(master).not.toContain("CARP");
  });
});

describe("the flows stored with the state", () => {
  const flows = ["flow esp out from 172.31.77.0/24 to 192.168.15.0/24 peer 192.0.123.85 type require"];
  it("are a secret when a flow names a value of the state's secrets list (a network the program marked secret), plain otherwise", () => {
    const s = gwState();
    expect(isSecret(flowsOutput(flows, { ...s, secrets: ["172.31.77.0/24", PSK] }))).toBe(true);
    expect(flowsOutput(flows, { ...s, secrets: [PSK] })).toEqual(flows);
    expect(flowsOutput(flows, s)).toEqual(flows);
  });
});

describe("the owner record a moved connection reads", () => {
  const out = (record: string | undefined) => `@@m owner\n${record ?? ""}@@m done\n`;
  it("names the instance of its fourth line; none for a record without one, no record, or output cut short", () => {
    expect(recordedInstanceOf(out("vpn/dev\nurn:pulumi:dev::vpn::T::gw1\n192.0.2.153:22\nabc123\n"), "m")).toBe("abc123");
    expect(recordedInstanceOf(out("vpn/dev\nurn:pulumi:dev::vpn::T::gw1\n192.0.2.153:22\n"), "m")).toBeUndefined();
    expect(recordedInstanceOf(out(undefined), "m")).toBeUndefined();
    expect(recordedInstanceOf("@@m owner\nvpn/dev\nu\nt\nabc123\n", "m")).toBeUndefined();
  });
  it("reads the record without failing when there is none", () => {
    expect(ownerRecordScript("m")).toBe('echo "@@m owner"\n[ -f /var/db/pulumi-openbsd/owner ] && cat /var/db/pulumi-openbsd/owner 2>/dev/null\necho "@@m done"\nexit 0\n');
  });
});

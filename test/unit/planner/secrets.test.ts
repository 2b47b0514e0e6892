/**
 * The secret flow in the planner (sdk/planner/secrets.ts): each gateway's state lists the secret values its
 * files hold (for the provider's redaction), every file holding one is `secret` and 0600 — whatever kind of
 * file it is —, and files holding none stay readable. Plus the tunnels' identities (sdk/planner/identities.ts).
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { gatewaySecrets, ikedKeyPair, occurring, planAndRender, PlanError, sealSecrets, tunnelIdentities } from "../../../sdk/planner/index";
import { redactError, secretsByGateway } from "../../../sdk/planner/secrets";
import { markedForms } from "../../../sdk/planner/marked-forms";
import type { HostState } from "../../../sdk/state";
import type { Topology } from "../../../sdk/planner/spec";
import { FP_KEY, gw, gw2, PSK, topo, tunnel } from "./fixtures";

const plan = (t: Topology) => planAndRender(t, { fingerprintKey: FP_KEY });
const SHAREDKEY = "da23169c9f49bb1fcdfab7d556588975433f831b3723d273a06e9d780f2cc0ab";
const KEYS = {
  spi: { leftToRight: 0xdeadbeef, rightToLeft: 0xfeedbeef },
  auth: "hmac-sha2-256",
  enc: "aes",
  authkey: { leftToRight: "ebfd3e8038fd1c9eadcc32308e5f12aba813114614855e4a93e7407f3c40f827", rightToLeft: "7a5a5832c43395c62aa1c443cfda68f3f8fff89378fdb2df40419df01547a40a" },
  enckey: { leftToRight: "46c670e4ad2ef30a29a0ce64738d01e5", rightToLeft: "811ce51cebcaed4280aae9cb2e195f93" },
};
const carp = (): Topology =>
  topo({
    gateways: [gw("gw1a", "192.0.2.154", "172.16.0.0/24"), gw("gw1b", "192.0.2.155", "172.16.0.0/24"), gw2()],
    tunnels: [tunnel({ left: { node: "gw1", networks: ["172.16.0.0/24"], mode: "active", rules: [] } })],
    pairs: [
      {
        name: "gw1",
        members: [
          { gateway: "gw1a", advskew: 0, syncAddress: "172.16.0.2" },
          { gateway: "gw1b", advskew: 100, syncAddress: "172.16.0.3" },
        ],
        segments: [
          { interface: "carp1", carpdev: "em0", address: { address: "172.16.0.1", prefix: 24 }, vhid: 1, password: "carp-one-secret" },
          { interface: "carp2", carpdev: "em1", address: { address: "192.0.2.153", prefix: 24 }, vhid: 2, password: "p2" },
        ],
        external: "carp2",
        pfsyncDev: "em2",
        sharedkey: SHAREDKEY,
        preempt: true,
      },
    ],
  });
const secretFiles = (s: HostState) => Object.entries(s.files).filter(([, f]) => f.secret).map(([p, f]) => `${p} ${f.mode}`).sort();
const plainFiles = (s: HostState) => Object.entries(s.files).filter(([, f]) => !f.secret).map(([p]) => p).sort();

describe("which files hold secrets, and the values handed to the provider", () => {
  it("site-to-site: ipsec.conf is secret and 0600, pf and sysctl files stay readable; the PSK is listed", () => {
    const s = plan(topo()).states.gw1!;
    expect(secretFiles(s)).toEqual(["/etc/ipsec.conf 0600"]);
    expect(plainFiles(s)).toEqual(["/etc/pf.anchors/vpn", "/etc/pf.conf", "/etc/sysctl.conf"]);
    expect(s.secrets).toEqual([PSK]);
  });

  it("CARP: every hostname.carpN holding a password is 0600 (even a 2-letter one), sasyncd.conf too; pfsync stays 0640", () => {
    const s = plan(carp()).states.gw1a!;
    expect(secretFiles(s)).toEqual(["/etc/hostname.carp1 0600", "/etc/hostname.carp2 0600", "/etc/ipsec.conf 0600", "/etc/sasyncd.conf 0600"]);
    expect(s.files["/etc/hostname.pfsync0"]!.mode).toBe("0640");
    expect(s.secrets).toEqual([PSK, SHAREDKEY, "carp-one-secret", "p2"].sort());
  });

  it("manual keying: the four keys of the gateway's SAs are listed, ipsec.conf is secret", () => {
    const s = plan(topo({ tunnels: [tunnel({ keying: { kind: "manual", keys: KEYS } })] })).states.gw2!;
    expect(secretFiles(s)).toEqual(["/etc/ipsec.conf 0600"]);
    expect(s.secrets).toEqual([KEYS.authkey.leftToRight, KEYS.authkey.rightToLeft, KEYS.enckey.leftToRight, KEYS.enckey.rightToLeft].sort());
  });

  it("iked public keys: the derived private key is secret and listed; public keys and a PSK-less iked.conf stay readable", () => {
    const t = topo({
      gateways: [gw("gw1", "192.0.2.153", "172.16.0.0/24", { ike: "iked" }), gw("gw2", "192.0.123.85", "192.168.15.0/24", { ike: "iked" })],
      tunnels: [tunnel({ keying: { kind: "ike", auth: { kind: "publickey" } } })],
    });
    const s = plan(t).states.gw1!;
    expect(secretFiles(s)).toEqual(["/etc/iked/private/local.key 0600"]);
    expect(s.secrets).toEqual([ikedKeyPair("seed-gw1", "gw1").privateKey.trim()]);
    expect(s.files["/etc/iked/local.pub"]!.content).toBe(ikedKeyPair("seed-gw1", "gw1").publicKey);
    expect(s.files["/etc/iked.conf"]!.secret).toBeUndefined();
  });

  it("iked public keys: two gateways sharing one key seed (one SSH key) still get two identities", () => {
    const same = (name: string, ext: string, net: string) => ({ ...gw(name, ext, net, { ike: "iked" }), keySeed: "one-ssh-key-for-all" });
    const t = topo({ gateways: [same("gw1", "192.0.2.153", "172.16.0.0/24"), same("gw2", "192.0.123.85", "192.168.15.0/24")], tunnels: [tunnel({ keying: { kind: "ike", auth: { kind: "publickey" } } })] });
    const p = plan(t);
    const pub1 = p.states.gw1!.files["/etc/iked/local.pub"]!.content;
    const pub2 = p.states.gw2!.files["/etc/iked/local.pub"]!.content;
    expect(pub1).not.toBe(pub2);
    expect(p.states.gw2!.files["/etc/iked/pubkeys/ipv4/192.0.2.153"]!.content).toBe(pub1);
    expect(p.states.gw1!.files["/etc/iked/pubkeys/ipv4/192.0.123.85"]!.content).toBe(pub2);
  });

  it("iked public keys on a CARP pair: both members install the first member's key pair, the one the peer trusts", () => {
    const t = carp();
    t.gateways = t.gateways.map((g) => ({ ...g, ike: "iked" as const }));
    t.tunnels = [{ ...t.tunnels[0]!, keying: { kind: "ike", auth: { kind: "publickey" } } }];
    const p = plan(t);
    const key = ikedKeyPair("seed-gw1a", "gw1a");
    expect(p.states.gw1a!.files["/etc/iked/private/local.key"]!.content).toBe(key.privateKey);
    expect(p.states.gw1b!.files["/etc/iked/private/local.key"]!.content).toBe(key.privateKey);
    expect(p.states.gw2!.files["/etc/iked/pubkeys/ipv4/192.0.2.153"]!.content).toBe(key.publicKey);
  });

  it("a gateway is handed only its own secrets: a tunnel between two others does not reach it", () => {
    const t = topo({
      gateways: [gw("gw1", "192.0.2.153", "172.16.0.0/24"), gw2(), gw("gw3", "198.51.100.1", "10.3.0.0/24")],
      tunnels: [tunnel(), tunnel({ name: "t23", left: { node: "gw2", networks: ["192.168.15.0/24"], mode: "active", rules: [] }, right: { node: "gw3", networks: ["10.3.0.0/24"], mode: "active", rules: [] }, keying: { kind: "ike", auth: { kind: "psk", psk: "other-psk-2-3" } } })],
    });
    expect(gatewaySecrets(t, "gw1")).toEqual([PSK]);
    expect(gatewaySecrets(t, "gw3")).toEqual(["other-psk-2-3"]);
    expect(plan(t).states.gw2!.secrets).toEqual([PSK, "other-psk-2-3"].sort());
  });

  it("marks any file a secret reaches, whatever its kind, and drops a stale list", () => {
    const s: HostState = {
      files: { "/etc/x": { content: "a line with hunter22 in it\n", mode: "0644", owner: "root", group: "wheel", check: "none" }, "/etc/y": { content: "nothing\n", mode: "0644", owner: "root", group: "wheel", check: "none" } },
      sysctls: {}, services: {}, interfaces: [], anchors: {}, ipsec: { daemon: "none" }, secrets: ["stale"],
    };
    const r = sealSecrets(s, ["hunter22", "not-used-here"]);
    expect(r.files["/etc/x"]).toMatchObject({ secret: true, mode: "0600" });
    expect(r.files["/etc/y"]).toEqual(s.files["/etc/y"]);
    expect(r.secrets).toEqual(["hunter22"]);
    expect(sealSecrets(s, []).secrets).toBeUndefined();
  });
});

describe("a planner error never carries a secret", () => {
  it("a message or issue echoing a PSK or key seed has it masked (the safety net under each check's own rule)", () => {
    const t = topo();
    const e = new PlanError([{ resources: ['Gateway "gw1"'], field: "psk", value: `${PSK} / seed-gw1`, reason: `was ${PSK}`, fix: "none" }]);
    expect(redactError(e, t)).toBe(e);
    expect(e.message).toBe('Gateway "gw1": psk = (secret) / (secret): was (secret); none');
    expect(e.issues[0]!.value).toBe("(secret) / (secret)");
  });
});

describe("occurring (one rolling-hash pass per file)", () => {
  it("finds exactly the candidates that are substrings, as a scan per candidate would", () => {
    const alphabet = fc.constantFrom("a", "b", "0", "x", " ", "\n");
    const str = (max: number) => fc.array(alphabet, { maxLength: max }).map((a) => a.join(""));
    fc.assert(
      fc.property(str(300), fc.array(str(14), { maxLength: 12 }), (text, extra) => {
        // some candidates cut from the text itself, so that hits of every length occur
        const cut = [3, 8, 9, 13].map((n, i) => text.slice(i * 7, i * 7 + n));
        const candidates = [...new Set([...cut, ...extra])];
        expect(occurring(text, candidates)).toEqual(candidates.filter((c) => c.length > 0 && text.includes(c)));
      }),
      { numRuns: 300 },
    );
  });

  it("values sharing a prefix or a suffix, and characters beyond ASCII, are each found exactly", () => {
    const part = fc.array(fc.constantFrom("k", "-", "1", "é", "😀", "\u0000"), { minLength: 0, maxLength: 6 }).map((a) => a.join(""));
    fc.assert(
      fc.property(part, part, fc.array(fc.integer({ min: 0, max: 120 }), { minLength: 1, maxLength: 40 }), fc.array(fc.nat(60), { maxLength: 20 }), (pre, post, ids, used) => {
        const candidates = [...new Set(ids.map((i) => `${pre}psk-${i}${post}`))];
        const text = used.map((u) => `psk "${candidates[u % candidates.length]!.slice(0, 3 + (u % 40))}"\n`).join("");
        expect(occurring(text, candidates)).toEqual(candidates.filter((c) => text.includes(c)));
      }),
      { numRuns: 300 },
    );
  });

  it("a thousand values of one prefix in a long text: found exactly as a scan per value finds them", () => {
    const candidates = Array.from({ length: 1000 }, (_, i) => `psk-gateway-000-${i}.`);
    const text = candidates.filter((_, i) => i % 3 === 0).map((c) => `ike esp from any to any psk "${c}"\n`).join("");
    expect(occurring(text, candidates)).toEqual(candidates.filter((_, i) => i % 3 === 0));
    expect(occurring(text.replaceAll("-000-", "-001-"), candidates)).toEqual([]);
  });
});

describe("tunnel identities", () => {
  it("isakmpd: each end's address; a CARP end its CARP address; a given srcid wins", () => {
    expect(tunnelIdentities(topo())["net1-net2"]).toEqual({
      left: { node: "gw1", address: "192.0.2.153", kind: "address", id: "192.0.2.153" },
      right: { node: "gw2", address: "192.0.123.85", kind: "address", id: "192.0.123.85" },
    });
    expect(tunnelIdentities(carp())["net1-net2"]!.left).toEqual({ node: "gw1", address: "192.0.2.153", kind: "address", id: "192.0.2.153" });
    const t = topo({ tunnels: [tunnel({ right: { node: "gw2", networks: ["192.168.15.0/24"], mode: "active", srcid: "gw2.example.org", rules: [] } })] });
    expect(tunnelIdentities(t)["net1-net2"]!.right).toEqual({ node: "gw2", address: "192.0.123.85", kind: "srcid", id: "gw2.example.org" });
  });

  it("iked: the address with public keys, the host name (fqdn) with a PSK; manual keying has none", () => {
    const gws = [gw("gw1", "192.0.2.153", "172.16.0.0/24", { ike: "iked" }), gw("gw2", "192.0.123.85", "192.168.15.0/24", { ike: "iked" })];
    const pub = topo({ gateways: gws, tunnels: [tunnel({ keying: { kind: "ike", auth: { kind: "publickey" } } })] });
    expect(tunnelIdentities(pub)["net1-net2"]!.left).toEqual({ node: "gw1", address: "192.0.2.153", kind: "address", id: "192.0.2.153" });
    expect(tunnelIdentities(topo({ gateways: gws }))["net1-net2"]!.right).toEqual({ node: "gw2", address: "192.0.123.85", kind: "fqdn" });
    const manual = topo({ tunnels: [tunnel({ keying: { kind: "manual", keys: KEYS } })] });
    expect(tunnelIdentities(manual)["net1-net2"]!.left).toEqual({ node: "gw1", address: "192.0.2.153", kind: "none" });
  });
});

describe("values the user marked secret in ordinary fields (marked-forms.ts)", () => {
  it("are looked for as given and as the planner writes them: a network's canonical text and its address, an IPv6 one as inet_ntop prints it", () => {
    expect(markedForms(" 10.1.0.5/16 ")).toEqual([" 10.1.0.5/16 ", "10.1.0.5/16", "10.1.0.0/16", "10.1.0.0", "10.1.0.5"]);
    expect(markedForms("2001:DB8:0:0::1")).toEqual(["2001:DB8:0:0::1", "2001:db8::1"]);
    expect(markedForms("7733")).toEqual(["7733"]);
    expect(markedForms("")).toEqual([]);
  });

  it("mark every gateway's files that hold one, and only values secret by type stay with their own gateways", () => {
    const t = topo({ gateways: [gw("gw1", "192.0.2.153", "172.16.0.0/24"), gw2()], tunnels: [tunnel()] });
    const marked = { ...t, marked: ["2001:DB8:0:0::1", "7733"] };
    const by = secretsByGateway(marked);
    for (const g of t.gateways) expect(by.get(g.name)).toEqual(expect.arrayContaining(["2001:db8::1", "7733"]));
    const sealed = sealSecrets({ files: { "/etc/sysctl.conf": { content: "net.inet.ip.mtudisc=7733\n", mode: "0644", owner: "root", group: "wheel", check: "none" }, "/etc/pf.conf": { content: "pass\n", mode: "0600", owner: "root", group: "wheel", check: "pf" } }, sysctls: {}, services: {}, interfaces: [], anchors: {}, ipsec: { daemon: "none" } }, by.get(t.gateways[0]!.name)!);
    expect(sealed.files["/etc/sysctl.conf"]).toMatchObject({ secret: true, mode: "0600" });
    expect(sealed.files["/etc/pf.conf"]!.secret).toBeUndefined();
    expect(sealed.secrets).toEqual(["7733"]);
  });
});

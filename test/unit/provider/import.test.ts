/** Import: the id format and what the discovery script's output turns into. */
import { describe, expect, it } from "vitest";
import { discoveredState, parseImportId } from "../../../providers/gateway/import";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIDhPUN+SiwXu9uU3Y2TyQFMDg1phBcwnVILW7sslqXB";

describe("parseImportId", () => {
  it("reads [USER@]HOST[:PORT] HOSTKEY with the defaults root and 22", () => {
    expect(parseImportId(`root@192.0.2.153:22 ${KEY}`)).toEqual({ host: "192.0.2.153", hostKey: KEY });
    expect(parseImportId(`admin@gw1.example.com:2222 ${KEY}`)).toEqual({ host: "gw1.example.com", port: 2222, user: "admin", hostKey: KEY });
    expect(parseImportId(`[2001:db8::1] ${KEY}`)).toEqual({ host: "2001:db8::1", hostKey: KEY });
    // the key as /etc/ssh/ssh_host_ed25519_key.pub holds it, its comment left out
    expect(parseImportId(`root@192.0.2.153 ${KEY} root@gw1.example.org`)).toEqual({ host: "192.0.2.153", hostKey: KEY });
  });
  it("names what is wrong", () => {
    expect(parseImportId("192.0.2.153")).toBe(
      "import id `192.0.2.153` has no host key; give `[USER@]HOST[:PORT] HOSTKEY`, e.g. `root@192.0.2.153:22 ssh-ed25519 AAAAC3…`, and for a gateway behind a bastion ` via [USER@]BASTION[:PORT] BASTIONKEY` after it (`ssh-keyscan -t ed25519 HOST` prints it)",
    );
    expect(parseImportId(`root@h:70000 ${KEY}`)).toBe(`import id \`root@h:70000 ${KEY}\`: port 70000 is not 1–65535`);
    const FORMAT = "`[USER@]HOST[:PORT] HOSTKEY`, e.g. `root@192.0.2.153:22 ssh-ed25519 AAAAC3…`, and for a gateway behind a bastion ` via [USER@]BASTION[:PORT] BASTIONKEY` after it";
    expect(parseImportId(`Admin@h ${KEY}`)).toBe(`import id \`Admin@h ${KEY}\` is not ${FORMAT}`);
    expect(parseImportId("a b c d")).toBe(`import id \`a b c d\` is not ${FORMAT}`);
    expect(parseImportId(`10.0.0.5 ${KEY} via jump@198.51.100.7`)).toBe(`import id \`10.0.0.5 ${KEY} via jump@198.51.100.7\` has no host key for the bastion; give ${FORMAT} (\`ssh-keyscan -t ed25519 BASTION\` prints it)`);
    expect(parseImportId(`10.0.0.5 ${KEY} via b1 ${KEY} via b2 ${KEY}`)).toBe(`import id \`10.0.0.5 ${KEY} via b1 ${KEY} via b2 ${KEY}\`: a bastion behind a bastion is not supported; give ${FORMAT}`);
  });
  it("a gateway behind a bastion: ` via [USER@]BASTION[:PORT] BASTIONKEY` after the gateway's own", () => {
    expect(parseImportId(`root@10.0.0.5 ${KEY} root@gw1 via jump@198.51.100.7:2222 ${KEY}`)).toEqual({ host: "10.0.0.5", hostKey: KEY, proxy: { host: "198.51.100.7", port: 2222, user: "jump", hostKey: KEY } });
  });
});

describe("discoveredState", () => {
  it("well-known files, hostname.if interfaces, anchors pf.conf loads, sysctls of sysctl.conf", () => {
    const out = [
      "@@n ls", "/etc/ipsec.conf", "/etc/pf.conf", "/etc/sysctl.conf", "/etc/hostname.em0", "/etc/hostname.carp1", "/etc/hostname.wg0", "/etc/hostname.pppoe0", "/etc/pf.anchors/vpn", "/etc/pf.anchors/unused",
      "@@n pf", 'set skip on lo', 'anchor "vpn"', 'load anchor "vpn" from "/etc/pf.anchors/vpn"',
      "@@n sysctl", "# forwarding", "net.inet.ip.forwarding=1 # on", "net.inet.esp.enable=1",
      "@@n done", "",
    ].join("\n");
    const s = discoveredState(out, "n");
    if (typeof s === "string") throw new Error(s);
    expect(Object.keys(s.files).sort()).toEqual(["/etc/hostname.carp1", "/etc/hostname.em0", "/etc/hostname.pppoe0", "/etc/hostname.wg0", "/etc/ipsec.conf", "/etc/pf.anchors/vpn", "/etc/pf.conf", "/etc/sysctl.conf"]);
    // every hostname.if may hold a secret: carp `pass`, wg `wgkey`/`wgpsk`, pppoe `authkey`, a wireless NIC's `wpakey`
    for (const f of ["/etc/hostname.carp1", "/etc/hostname.wg0", "/etc/hostname.pppoe0", "/etc/hostname.em0"]) expect([f, s.files[f]!.secret]).toEqual([f, true]);
    expect(s.files["/etc/ipsec.conf"]).toMatchObject({ check: "ipsec", secret: true });
    expect(s.files["/etc/pf.conf"]!.secret).toBeUndefined();
    expect(s.files["/etc/sysctl.conf"]!.secret).toBeUndefined();
    expect(s.files["/etc/pf.anchors/vpn"]).toMatchObject({ check: "pf-anchor" });
    expect(s.interfaces).toEqual(["carp1", "em0", "pppoe0", "wg0"]);
    expect(s.anchors).toEqual({ vpn: { file: "/etc/pf.anchors/vpn" } });
    expect(s.sysctls).toEqual({ "net.inet.ip.forwarding": "1", "net.inet.esp.enable": "1" });
    expect(s.ipsec).toEqual({ daemon: "none", ruleFile: "/etc/ipsec.conf" });
    expect(Object.keys(s.services)).toEqual(["isakmpd", "iked", "ipsec", "sasyncd"]);
  });
  it("names go through the token rules the provider's check applies: anchors (`web.v2` yes, `_x` and `a/b` no) and interfaces (`em01`, `hostname.EM0` no)", () => {
    const out = [
      "@@n ls", "/etc/pf.conf", "/etc/hostname.em01", "/etc/hostname.EM0", "/etc/hostname.vether0", "/etc/pf.anchors/web.v2", "/etc/pf.anchors/_x", "/etc/pf.anchors/a",
      "@@n pf", 'load anchor "web.v2" from "/etc/pf.anchors/web.v2"', 'load anchor _x from "/etc/pf.anchors/_x"', 'load anchor "a/b" from "/etc/pf.anchors/a"',
      "@@n sysctl", "@@n done", "",
    ].join("\n");
    const s = discoveredState(out, "n");
    if (typeof s === "string") throw new Error(s);
    expect(s.anchors).toEqual({ "web.v2": { file: "/etc/pf.anchors/web.v2" } });
    expect(s.interfaces).toEqual(["vether0"]);
    expect(Object.keys(s.files).sort()).toEqual(["/etc/hostname.vether0", "/etc/pf.anchors/web.v2", "/etc/pf.conf"]);
  });
  it("a truncated output is an error", () => {
    expect(discoveredState("@@n ls\n/etc/pf.conf\n", "n")).toBe("the discovery script's output is incomplete (no `done` section)");
  });
});

import { describe, expect, it } from "vitest";
import { lintHostnameIf, parseHostnameIf, renderHostnameIf } from "../../../sdk/model/hostnameif/index";
import { parseWg, wgLines, type WgInterface } from "../../../sdk/model/wg/index";
import { udpPort, wgKey } from "../../../sdk/model/tokens/wg";
import { refusalOf } from "../../../sdk/model/tokens/refusal";

// keys of wg(4)'s EXAMPLES style: 32 bytes of base64
const PRIV = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=";
const PUB = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=";
const PSK = "FpCyhws9cxwWoV4xELtfJvjJN+zQVRPISllRWgeopVE=";

const wg: WgInterface = {
  privateKey: PRIV,
  port: 51820,
  peers: [{ publicKey: PUB, description: "site-b", psk: PSK, keepalive: 25, endpoint: { host: "192.0.2.2", port: 51821 }, allowedIps: ["10.9.0.2", "172.16.2.0/24"] }],
};

describe("wg(4) lines of hostname.wgN", () => {
  it("renders the ifconfig keywords in wg(4)'s order, line for line", () => {
    const text = renderHostnameIf({ interface: "wg0", lines: [...wgLines(wg), { kind: "inet", address: "10.9.0.1", prefixlen: 24 }, { kind: "up" }] });
    expect(text.split("\n")).toEqual([
      `wgkey ${PRIV} wgport 51820`,
      `wgpeer ${PUB} wgdescr site-b wgpsk ${PSK} wgpka 25 wgendpoint 192.0.2.2 51821 wgaip 10.9.0.2/32 wgaip 172.16.2.0/24`,
      "inet 10.9.0.1 255.255.255.0",
      "up",
      "",
    ]);
  });

  it("parses what it renders back to the same settings", () => {
    const text = renderHostnameIf({ interface: "wg0", lines: [...wgLines(wg), { kind: "up" }] });
    const h = parseHostnameIf(text, "hostname.wg0");
    expect(h.diagnostics).toEqual([]);
    const p = parseWg(h.value.lines);
    expect(p.errors).toEqual([]);
    expect(p.wg).toEqual({ ...wg, peers: [{ ...wg.peers[0], allowedIps: ["10.9.0.2/32", "172.16.2.0/24"] }] });
    expect(p.rest).toEqual([{ kind: "up" }]);
  });

  it("reports what ifconfig refuses, in ifconfig's words", () => {
    const h = parseHostnameIf(`wgkey ${PRIV}\nwgaip 10.0.0.0/8\nwgpeer abc= wgpka 99999\nup\n`, "hostname.wg0");
    expect(parseWg(h.value.lines).errors).toEqual([
      "wgaip: wgpeer not set",
      "wgpeer: a wgpeer key is 32 bytes in base64 (44 characters ending in =); this decodes to 2 bytes",
      "wgpka: wgpeer not set",
    ]);
  });

  it("lint reports them for a hostname.wgN file", () => {
    expect(lintHostnameIf(`wgkey ${PRIV}\nwgaip 10.0.0.0/8\nup\n`, "/etc/hostname.wg0").map((d) => `${d.severity}: ${d.message}`)).toEqual(["error: wg0: wgaip: wgpeer not set"]);
    expect(lintHostnameIf(`wgkey ${PRIV}\nwgpeer ${PUB} wgaip 10.0.0.0/8\nup\n`, "/etc/hostname.wg0")).toEqual([]);
  });

  it("refuses bad keys, ports and prefixes before writing", () => {
    expect(() => wgLines({ ...wg, privateKey: "not a key" })).toThrow("wg.privateKey: a wgkey is 32 bytes in base64 (44 characters of A-Z a-z 0-9 + / ending in =); this is not base64; generate one with `openssl rand -base64 32` (a private key) or `wg pubkey` (a public key)");
    expect(() => wgLines({ ...wg, port: 70000 })).toThrow("wg.port: wgport is a UDP port, an integer in 1–65535; this is out of range; give a port such as 51820");
    expect(() => wgLines({ ...wg, peers: [{ ...wg.peers[0]!, allowedIps: ["10.0.0.0/33"] }] })).toThrow("wg.peers[0].allowedIps[0]: ");
    expect(() => wgLines({ ...wg, peers: [wg.peers[0]!, wg.peers[0]!] })).toThrow("two peers have this public key");
    expect(() => wgLines({ ...wg, peers: [{ ...wg.peers[0]!, description: "a;reboot" }] })).toThrow("wg.peers[0].description: holds a character the shell interprets");
  });

  it("never puts a private key in an error", () => {
    const bad = PRIV.slice(0, 43) + "x";
    let msg = "";
    try {
      wgLines({ ...wg, privateKey: bad });
    } catch (e) {
      msg = String((e as Error).message) + JSON.stringify(e);
    }
    expect(msg).toContain("a wgkey is 32 bytes");
    expect(msg).not.toContain(bad);
  });

  it("key rule: exactly 32 bytes of canonical base64", () => {
    expect(refusalOf(wgKey("a wgkey"), PRIV)).toBeUndefined();
    expect(refusalOf(wgKey("a wgkey"), PRIV.slice(0, 42) + "B=")?.reason).toBe("a wgkey is 32 bytes in base64 (44 characters ending in =); this decodes to 32 bytes");
    expect(refusalOf(wgKey("a wgkey"), Buffer.alloc(16).toString("base64"))?.reason).toBe("a wgkey is 32 bytes in base64 (44 characters ending in =); this decodes to 16 bytes");
    expect(refusalOf(udpPort("wgport"), 0)?.reason).toBe("wgport is a UDP port, an integer in 1–65535; this is out of range");
  });
});

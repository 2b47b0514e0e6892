import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseIpsecctlAll, parseIpsecctlFlows, parseIpsecctlSas } from "../../../sdk/model/output";
import { fixture } from "./fixture";
import { SHARED } from "../../support/shared";

const ip = (address: string, prefix?: number) => (prefix === undefined ? { kind: "ip", address } : { kind: "ip", address, prefix });

// Fixtures follow reference/openbsd.md B.2 (`ipsecctl -s …`, ipsecctl.c ipsecctl_print_flow, pfkdump.c pfkey_print_sa).
describe("parseIpsecctlAll (reference B.2, `-s all`)", () => {
  it("reads the FLOWS: and SAD: sections", () => {
    const { value, diagnostics } = parseIpsecctlAll(fixture("ipsecctl-s-all.txt"));
    expect(diagnostics).toEqual([]);
    expect(value.flows).toHaveLength(2);
    const [fin, fout] = value.flows;
    expect(fin).toEqual({
      line: 2, satype: "esp", direction: "in", from: ip("10.2.0.0", 24), to: ip("10.1.0.0", 24), family: 4, peer: ip("198.51.100.2"), srcid: "192.0.2.1/32", dstid: "198.51.100.2/32", type: "use",
    });
    expect(fout!.type).toBe("require");
    expect(value.sas).toEqual([
      { line: 6, satype: "esp", mode: "tunnel", from: ip("192.0.2.1"), to: ip("198.51.100.2"), spi: 0x3a1b2c4d, auth: "hmac-sha2-256", enc: "aes" },
      { line: 7, satype: "esp", mode: "tunnel", from: ip("198.51.100.2"), to: ip("192.0.2.1"), spi: 0xc9d8e7f6, auth: "hmac-sha2-256", enc: "aes" },
    ]);
  });

  it("reads `No flows` / `No entries` as empty sections", () => {
    expect(parseIpsecctlAll(fixture("ipsecctl-s-all-empty.txt"))).toEqual({ value: { flows: [], sas: [] }, diagnostics: [] });
  });

  it("reports a missing title", () => {
    const r = parseIpsecctlAll("flow esp out from 10.1.0.0/24 to 10.2.0.0/24 type require\n");
    expect(r.diagnostics.map((d) => `${d.line}:${d.column}: ${d.message}`)).toEqual(["1:1: ipsecctl -s all: expected the `FLOWS:` title, got `flow`"]);
  });
});

describe("parseIpsecctlFlows (reference B.2, `-sf`)", () => {
  it("reads iked identities, deny flows, proto/ports/local/psk and `-vv` rule numbers", () => {
    const { value, diagnostics } = parseIpsecctlFlows(fixture("ipsecctl-sf-iked.txt"));
    expect(diagnostics).toEqual([]);
    expect(value[0]!.srcid).toBe("FQDN/server1.domain");
    expect([value[1]!.from, value[1]!.to, value[1]!.family, value[1]!.type]).toEqual([{ kind: "any" }, { kind: "any" }, 6, "deny"]);
    expect(value[2]).toEqual({
      line: 3, satype: "esp", direction: "out", proto: "udp", from: ip("10.0.1.0", 24), fromPort: 500, to: ip("10.0.2.5"), toPort: 1701, family: 4,
      local: ip("192.0.2.1"), peer: ip("198.51.100.1"), auth: "psk", type: "require",
    });
    expect([value[3]!.rule, value[3]!.satype, value[3]!.from, value[3]!.to]).toEqual([3, "ah", { kind: "any" }, ip("10.0.1.7")]);
  });

  it("expands `-c` collapsed lists (every source × destination)", () => {
    const { value, diagnostics } = parseIpsecctlFlows("flow esp out from { 10.1.0.0/24, 10.3.0.0/24 } to { 10.2.0.0/24 } peer 192.0.2.2 type require\n");
    expect(diagnostics).toEqual([]);
    expect(value.map((f) => [f.from, f.to, f.peer])).toEqual([
      [ip("10.1.0.0", 24), ip("10.2.0.0", 24), ip("192.0.2.2")],
      [ip("10.3.0.0", 24), ip("10.2.0.0", 24), ip("192.0.2.2")],
    ]);
  });

  it("reads back every field the ipsec model's printer writes, as the kernel keeps it", () => {
    const line = "flow esp out proto tcp from 10.1.0.5/24 port ssh to 2001:DB8::1 port 8080 local 192.0.2.1 peer 192.0.2.2 srcid a dstid b rsa type dontacq";
    expect(parseIpsecctlFlows(line).value).toEqual([{
      line: 1, satype: "esp", direction: "out", proto: "tcp", from: ip("10.1.0.5", 24), fromPort: 22, to: ip("2001:db8::1"), toPort: 8080, family: 4,
      local: ip("192.0.2.1"), peer: ip("192.0.2.2"), srcid: "a", dstid: "b", auth: "rsa", type: "dontacq",
    }]);
    expect(parseIpsecctlFlows("flow esp in from 10.0.0.0/8 port nosuchservice to 0.0.0.0/0 type use").diagnostics.map((d) => `${d.line}:${d.column}: ${d.message}`)).toEqual([
      "1:34: flow.fromPort: `nosuchservice` is not a known service name or port 0–65535",
    ]);
  });

  it("parses every flow line that OpenBSD's ipsecctl -nv printed in golden/ipsecctl", () => {
    const dir = `${SHARED}/golden/ipsecctl`;
    let n = 0;
    for (const f of readdirSync(dir).filter((x) => x.endsWith(".out"))) {
      const lines = readFileSync(`${dir}/${f}`, "utf8").split("\n").filter((l) => /^(@[0-9]+ )?flow /.test(l));
      const r = parseIpsecctlFlows(lines.join("\n"), f);
      expect(r.diagnostics, f).toEqual([]);
      expect(r.value).toHaveLength(lines.length);
      n += lines.length;
    }
    expect(n).toBeGreaterThan(5);
  });

  it("reports bad lines with the field, the value and what is allowed", () => {
    const r = parseIpsecctlFlows("flow esp sideways from 10.1.0.0/24 to 10.2.0.0/24 type use\nflow esp in from 10.1.0.0/33 to 10.2.0.0/24 type use\nflow esp in from 10.1.0.0/24 to 10.2.0.0/24 type maybe\nflow esp in from 10.1.0.0/24 to 10.2.0.0/24\n");
    expect(r.value).toEqual([]);
    expect(r.diagnostics.map((d) => `${d.line}:${d.column}: ${d.message}`)).toEqual([
      "1:10: flow.direction: unknown direction `sideways`; one of in, out",
      "2:18: flow.from: `10.1.0.0/33` is not an address or network",
      "3:50: flow.type: unknown flow type `maybe`; one of use, acquire, require, deny, bypass, dontacq",
      "4:44: flow: missing `type TYPE` at the end of the line",
    ]);
  });
});

describe("parseIpsecctlSas (reference B.2, `-ss`)", () => {
  it("reads `-k` keys on continuation lines, AEAD SAs without auth, and tcpmd5 without a mode", () => {
    const { value, diagnostics } = parseIpsecctlSas(fixture("ipsecctl-ss-k.txt"));
    expect(diagnostics).toEqual([]);
    expect(value).toHaveLength(3);
    expect([value[0]!.enc, value[0]!.authkey?.length, value[0]!.enckey?.slice(0, 4)]).toEqual(["aes-256", 64, "ffee"]);
    expect([value[1]!.mode, value[1]!.from, value[1]!.auth, value[1]!.enc, value[1]!.spi]).toEqual(["transport", ip("2001:db8::1"), undefined, "aes-128-gcm", 0xdeadbeef]);
    expect([value[2]!.satype, value[2]!.mode, value[2]!.spi]).toEqual(["tcpmd5", undefined, 0x10]);
  });

  it("skips `-v` extension lines under an SA", () => {
    const { value, diagnostics } = parseIpsecctlSas(fixture("ipsecctl-ss-v.txt"));
    expect(diagnostics).toEqual([]);
    expect(value.map((s) => s.spi)).toEqual([0x3a1b2c4d]);
  });

  it("parses every SA line that OpenBSD's ipsecctl -nv printed in golden/ipsecctl", () => {
    const dir = `${SHARED}/golden/ipsecctl`;
    for (const f of readdirSync(dir).filter((x) => x.endsWith(".out"))) {
      const lines = readFileSync(`${dir}/${f}`, "utf8").split("\n").filter((l) => /^(esp|ah|ipcomp|tcpmd5|ipip) /.test(l));
      const r = parseIpsecctlSas(lines.join("\n"), f);
      expect(r.diagnostics, f).toEqual([]);
      expect(r.value).toHaveLength(lines.length);
    }
  });

  it("never shows key material in a diagnostic", () => {
    const secret = "0xnotahexkey123456";
    const r = parseIpsecctlSas(`esp tunnel from 192.0.2.1 to 192.0.2.2 spi 0x1 enc aes \\\n\tenckey ${secret}\n`);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.message).not.toContain("notahexkey");
    expect(r.diagnostics[0]!.message).toBe("sa: expected `authkey 0xHEX` or `enckey 0xHEX` on a key line; value not shown");
  });

  it("reports an SPI that is not hex", () => {
    const r = parseIpsecctlSas("esp tunnel from 192.0.2.1 to 192.0.2.2 spi 4096 enc aes\n");
    expect(r.diagnostics.map((d) => `${d.line}:${d.column}: ${d.message}`)).toEqual(["1:44: sa.spi: expected `spi 0xHEX` (at most 8 hex digits)"]);
  });
});

describe("output index", () => {
  it("re-exports the pf module's `pfctl -sr` parser", async () => {
    const [output, pf] = await Promise.all([import("../../../sdk/model/output"), import("../../../sdk/model/pf")]);
    expect(output.parsePfctlSr).toBe(pf.parsePfctlSr);
    const r = output.parsePfctlSr("pass in quick on em0 inet proto udp from 198.51.100.2 to (em0) port = 500\n");
    expect(r.diagnostics).toEqual([]);
    expect(r.value).toHaveLength(1);
  });
});

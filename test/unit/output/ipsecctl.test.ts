import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseIpsecctlAll, parseIpsecctlFlows, parseIpsecctlSas } from "../../../sdk/model/output";
import { fixture } from "./fixture";
import { SHARED } from "../../support/shared";

const text = (p: { range: { toCidrString(): string } }[]) => p.map((x) => x.range.toCidrString());

// Fixtures follow reference/openbsd.md B.2 (`ipsecctl -s …`, ipsecctl.c ipsecctl_print_flow, pfkdump.c pfkey_print_sa).
describe("parseIpsecctlAll (reference B.2, `-s all`)", () => {
  it("reads the FLOWS: and SAD: sections", () => {
    const { value, diagnostics } = parseIpsecctlAll(fixture("ipsecctl-s-all.txt"));
    expect(diagnostics).toEqual([]);
    expect(value.flows).toHaveLength(2);
    const [fin, fout] = value.flows;
    expect([fin!.satype, fin!.direction, text(fin!.from), text(fin!.to), fin!.peer?.address.toString(), fin!.srcid, fin!.dstid, fin!.type]).toEqual([
      "esp", "in", ["10.2.0.0/24"], ["10.1.0.0/24"], "198.51.100.2", "192.0.2.1/32", "198.51.100.2/32", "use",
    ]);
    expect(fout!.type).toBe("require");
    expect(value.sas.map((s) => [s.satype, s.mode, s.from.address.toString(), s.to.address.toString(), s.spi, s.auth, s.enc])).toEqual([
      ["esp", "tunnel", "192.0.2.1", "198.51.100.2", 0x3a1b2c4d, "hmac-sha2-256", "aes"],
      ["esp", "tunnel", "198.51.100.2", "192.0.2.1", 0xc9d8e7f6, "hmac-sha2-256", "aes"],
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
    expect([text(value[1]!.from), value[1]!.from[0]!.family, value[1]!.type]).toEqual([["0:0:0:0:0:0:0:0/0"], "inet6", "deny"]);
    const f = value[2]!;
    expect([f.proto, f.fromPort, text(f.to), f.toPort, f.local?.address.toString(), f.auth]).toEqual(["udp", "isakmp", ["10.0.2.5/32"], "1701", "192.0.2.1", "psk"]);
    expect([value[3]!.rule, value[3]!.satype, text(value[3]!.from)]).toEqual([3, "ah", ["0.0.0.0/0"]]);
  });

  it("expands `-c` collapsed lists", () => {
    const { value, diagnostics } = parseIpsecctlFlows("flow esp out from { 10.1.0.0/24, 10.3.0.0/24 } to { 10.2.0.0/24 } peer 192.0.2.2 type require\n");
    expect(diagnostics).toEqual([]);
    expect([text(value[0]!.from), text(value[0]!.to)]).toEqual([["10.1.0.0/24", "10.3.0.0/24"], ["10.2.0.0/24"]]);
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
    expect([value[0]!.enc, value[0]!.authkey?.length, value[0]!.enckey?.slice(0, 6)]).toEqual(["aes-256", 66, "0xffee"]);
    expect([value[1]!.mode, value[1]!.from.family, value[1]!.auth, value[1]!.enc, value[1]!.spi]).toEqual(["transport", "inet6", undefined, "aes-128-gcm", 0xdeadbeef]);
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

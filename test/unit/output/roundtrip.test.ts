import fc from "fast-check";
import { IPv4CidrRange } from "ip-num";
import { describe, expect, it } from "vitest";
import { flowsOf, formatFlows, formatSas, kernelFlow, parseIpsecConf, sasOf, type Flow, type IpsecAddress, type Sa } from "../../../sdk/model/ipsec";
import { parseIpsecctlFlows, parseIpsecctlSas } from "../../../sdk/model/output";
import { seedFiles } from "../fuzz/harness";
import { SHARED } from "../../support/shared";

// Round trip: the ipsec model's printers of `ipsecctl -sf` / `-ss` (formatFlow/formatSa, reference B.2)
// → these parsers → the same values of the one type (Flow, Sa), in the form the kernel keeps (kernelFlow:
// a full-length prefix is a host, 0.0.0.0/0 is any), every field compared.

function expectFlowsRoundTrip(flows: Flow[], where: string): void {
  const r = parseIpsecctlFlows(formatFlows(flows), where);
  expect(r.diagnostics).toEqual([]);
  expect(r.value.map(({ line: _l, ...f }) => f), where).toEqual(flows.map(kernelFlow));
}

function expectSasRoundTrip(sas: Sa[], where: string): void {
  const sorted = [...sas].sort((a, b) => a.spi - b.spi);
  const r = parseIpsecctlSas(formatSas(sas, { showKeys: true }), where);
  expect(r.diagnostics).toEqual([]);
  const printed = (s: Sa): Sa => {
    const mode = s.satype === "tcpmd5" || s.satype === "ipip" ? undefined : (s.mode ?? "tunnel");
    const { mode: _m, udpencapPort: _u, auth, enc, comp, ...rest } = s;
    return { ...rest, ...(mode ? { mode } : {}), ...(s.satype === "tcpmd5" ? {} : { ...(auth ? { auth } : {}), ...(enc ? { enc } : {}), ...(comp ? { comp } : {}) }) };
  };
  expect(r.value.map(({ line: _l, ...s }) => s), where).toEqual(sorted.map(printed));
}

const printable = (a: IpsecAddress | undefined) => a === undefined || a.kind !== "name";

describe("ipsecctl -sf/-ss round trip with the ipsec model's printers (reference B.2)", () => {
  const confs = [...seedFiles(`${SHARED}/golden/ipsecctl`, /\.conf$/), ...seedFiles(new URL("../ipsec/fixtures", import.meta.url).pathname, /\.conf$/)];

  it("flows and SAs of every golden and guide ipsec.conf", () => {
    let flows = 0;
    let sas = 0;
    confs.forEach((text, n) => {
      const r = parseIpsecConf(text, `case${n}`);
      if (r.diagnostics.some((d) => d.severity === "error")) return;
      const fs = flowsOf(r.value, { localAddress: "192.0.2.1", remoteAddress: "198.51.100.2" }).filter((f) => printable(f.from) && printable(f.to) && printable(f.local) && printable(f.peer));
      expectFlowsRoundTrip(fs, `case${n}`);
      const ss = sasOf(r.value).filter((s) => printable(s.from) && printable(s.to));
      expectSasRoundTrip(ss, `case${n}`);
      flows += fs.length;
      sas += ss.length;
    });
    console.log(`round trip: ${flows} flows, ${sas} SAs from ${confs.length} files`);
    expect(flows).toBeGreaterThan(10);
    expect(sas).toBeGreaterThan(3);
  });

  const v4 = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })).map((o) => o.join("."));
  const v4host: fc.Arbitrary<IpsecAddress> = v4.map((address) => ({ kind: "ip", address }));
  const v4net: fc.Arbitrary<IpsecAddress> = fc.tuple(v4, fc.integer({ min: 0, max: 32 })).map(([a, prefix]) => ({ kind: "ip", address: IPv4CidrRange.fromCidr(`${a}/${prefix}`).getFirst().toString(), prefix }));
  const end = fc.oneof(fc.constant<IpsecAddress>({ kind: "any" }), v4host, v4net);
  const flowArb: fc.Arbitrary<Flow> = fc
    .record({
      satype: fc.constantFrom("esp", "ah", "ipcomp", "tcpmd5", "ipip") as fc.Arbitrary<Flow["satype"]>,
      direction: fc.constantFrom("in", "out") as fc.Arbitrary<"in" | "out">,
      proto: fc.option(fc.constantFrom("tcp", "udp", "ipencap", "gre"), { nil: undefined }),
      from: end,
      to: end,
      fromPort: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
      toPort: fc.option(fc.constantFrom(500, 4500, 1701, 22), { nil: undefined }),
      local: fc.option(v4host, { nil: undefined }),
      peer: fc.option(v4host, { nil: undefined }),
      srcid: fc.option(fc.constantFrom("192.0.2.1/32", "FQDN/gw1.example.com", "gw1.example.com"), { nil: undefined }),
      dstid: fc.option(fc.constantFrom("198.51.100.2/32", "UFQDN/admin@example.com"), { nil: undefined }),
      type: fc.constantFrom("use", "acquire", "require", "deny", "bypass", "dontacq") as fc.Arbitrary<Flow["type"]>,
    })
    .map((r) => {
      const f: Flow = { satype: r.satype, direction: r.direction, from: r.from, to: r.to, family: 4, type: r.type };
      for (const k of ["proto", "local", "peer", "srcid", "dstid"] as const) if (r[k] !== undefined) (f as unknown as Record<string, unknown>)[k] = r[k];
      if (r.proto === "tcp" || r.proto === "udp") {
        if (r.fromPort !== undefined) f.fromPort = r.fromPort;
        if (r.toPort !== undefined) f.toPort = r.toPort;
      }
      return f;
    });

  it("generated flows (property)", () => {
    let runs = 0;
    fc.assert(
      fc.property(fc.array(flowArb, { maxLength: 5 }), (fs) => {
        runs++;
        expectFlowsRoundTrip(fs, "generated");
      }),
      { numRuns: 1000, seed: 20261124 },
    );
    console.log(`round trip generated flows: ${runs} runs`);
  });

  it("generated SAs (property)", () => {
    const hex = (n: number) => fc.array(fc.integer({ min: 0, max: 255 }), { minLength: n, maxLength: n }).map((b) => b.map((x) => x.toString(16).padStart(2, "0")).join(""));
    const saArb: fc.Arbitrary<Sa> = fc
      .record({
        satype: fc.constantFrom("esp", "ah", "tcpmd5", "ipip") as fc.Arbitrary<Sa["satype"]>,
        mode: fc.constantFrom("tunnel", "transport") as fc.Arbitrary<"tunnel" | "transport">,
        from: v4host,
        to: v4host,
        spi: fc.integer({ min: 0x100, max: 0xffffffff }),
        auth: fc.option(fc.constantFrom("hmac-sha1", "hmac-sha2-256", "hmac-sha2-512"), { nil: undefined }),
        enc: fc.option(fc.constantFrom("aes", "aes-256", "aes-128-gcm", "3des-cbc", "blowfish"), { nil: undefined }),
        authkey: fc.option(hex(32), { nil: undefined }),
        enckey: fc.option(hex(16), { nil: undefined }),
      })
      .map((r) => {
        const sa: Sa = { satype: r.satype, from: r.from, to: r.to, spi: r.spi };
        if (r.satype !== "tcpmd5" && r.satype !== "ipip") sa.mode = r.mode;
        if (r.satype !== "tcpmd5") {
          if (r.auth !== undefined) sa.auth = r.auth;
          if (r.enc !== undefined && r.satype === "esp") sa.enc = r.enc;
          if (r.enckey !== undefined && r.satype === "esp") sa.enckey = r.enckey;
        }
        if (r.authkey !== undefined) sa.authkey = r.authkey;
        return sa;
      });
    let runs = 0;
    fc.assert(
      fc.property(fc.uniqueArray(saArb, { maxLength: 5, selector: (s) => s.spi }), (ss) => {
        runs++;
        expectSasRoundTrip(ss, "generated");
      }),
      { numRuns: 1000, seed: 20261124 },
    );
    console.log(`round trip generated SAs: ${runs} runs`);
  });
});

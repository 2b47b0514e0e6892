import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AUTH_METHODS,
  allowedNames,
  formatIPv6,
  parseIkedConf,
  renderIkedConf,
  type IkedConf,
  type IkedFlow,
  type IkedPolicy,
  type IkedTransforms,
} from "../../../sdk/model/iked";
import { IKED_KEYWORDS } from "../../../sdk/model/iked/lexer";

const RUNS = 400;
const text = fc.stringMatching(/^[ -[\]-~]{0,16}$/);
const nonEmpty = fc.stringMatching(/^[ -[\]-~]{1,16}$/);
const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join("."));
const v6 = fc.bigInt(0n, (1n << 128n) - 1n).map(formatIPv6);
const v4net = fc.tuple(v4, fc.nat(32)).map(([a, n]) => `${a}/${n}`);
const v6net = fc.tuple(v6, fc.nat(128)).map(([a, n]) => `${a}/${n}`);
const host = fc.oneof(v4, v4net, v6, v6net, fc.constant("any"), fc.constant("dynamic"));
const port = fc.oneof(fc.nat(65535), fc.constantFrom("isakmp", "ipsec-nat-t", "ssh"));
const flow: fc.Arbitrary<IkedFlow> = fc.oneof(
  fc.record({ from: host, fromPort: port, to: host, toPort: port }, { requiredKeys: ["from", "to"] }),
  fc.record({ from: v4net, fromNat: v4net, to: v4net }),
);
const xforms = (sa: "ikesa" | "childsa"): fc.Arbitrary<IkedTransforms> => {
  const pick = (kind: "enc" | "auth" | "prf" | "group") => fc.array(fc.constantFrom(...allowedNames(kind, sa)), { minLength: 1, maxLength: 3 });
  const keys = sa === "ikesa" ? { enc: pick("enc"), prf: pick("prf"), auth: pick("auth"), group: pick("group") } : { enc: pick("enc"), auth: pick("auth"), group: pick("group"), esn: fc.array(fc.constantFrom("esn" as const, "noesn" as const), { minLength: 1, maxLength: 2 }) };
  return fc.record(keys as unknown as Record<string, fc.Arbitrary<string[]>>, { requiredKeys: [] }).filter((x) => Object.keys(x).length > 0) as fc.Arbitrary<IkedTransforms>;
};
const ident = fc.oneof(fc.stringMatching(/^[a-z][a-z0-9.-]{0,12}$/).filter((s) => !IKED_KEYWORDS.has(s)), v4, nonEmpty);
const policy: fc.Arbitrary<IkedPolicy> = fc.record(
  {
    name: text,
    match: fc.constantFrom("quick" as const, "skip" as const, "default" as const),
    mode: fc.constantFrom("active" as const, "passive" as const),
    ipcomp: fc.constant(true as const),
    encapsulation: fc.constantFrom("tunnel" as const, "transport" as const),
    natt: fc.constant(true as const),
    saProto: fc.constantFrom("esp" as const, "ah" as const),
    af: fc.constantFrom("inet" as const, "inet6" as const),
    proto: fc.array(fc.oneof(fc.constantFrom("tcp", "udp", "gre", "icmp"), fc.nat(255)), { minLength: 1, maxLength: 3 }),
    rdomain: fc.nat(255),
    flows: fc.array(flow, { minLength: 1, maxLength: 3 }),
    local: fc.oneof(v4, v6, fc.constant("any")),
    peer: fc.oneof(v4, v6, fc.constant("any")),
    ikesa: fc.array(xforms("ikesa"), { minLength: 1, maxLength: 2 }),
    childsa: fc.array(xforms("childsa"), { minLength: 1, maxLength: 2 }),
    srcid: ident,
    dstid: ident,
    ikelifetime: fc.nat(1_000_000),
    lifetime: fc.record({ seconds: fc.nat(1_000_000), bytes: fc.nat(2 ** 40) }, { requiredKeys: ["seconds"] }),
    auth: fc.oneof(
      nonEmpty.filter((s) => !s.startsWith("0x")).map((value) => ({ kind: "psk" as const, value })),
      fc.stringMatching(/^0x([0-9a-f]{2}){1,20}$/).map((value) => ({ kind: "psk" as const, value })),
      nonEmpty.map((path) => ({ kind: "psk-file" as const, path })),
      fc.constantFrom(...AUTH_METHODS).map((method) => ({ kind: "method" as const, method })),
      fc.constantFrom("mschap-v2" as const, "radius" as const).map((method) => ({ kind: "eap" as const, method })),
    ),
    config: fc.array(
      fc.oneof(
        fc.record({ action: fc.constant("config" as const), option: fc.constantFrom("address", "name-server", "netmask"), address: v4 }),
        fc.record({ action: fc.constant("request" as const), option: fc.constantFrom("address", "name-server"), address: fc.oneof(v6, fc.constant("any")) }),
      ),
      { minLength: 1, maxLength: 2 },
    ),
    iface: fc.stringMatching(/^[a-z]{1,4}[0-9]$/),
    tag: text,
    tap: fc.nat(9).map((n) => `enc${n}`),
  },
  { requiredKeys: ["mode", "encapsulation", "saProto", "flows"] },
);
const macroName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,8}$/).filter((s) => !IKED_KEYWORDS.has(s));
const conf: fc.Arbitrary<IkedConf> = fc.record({
  macros: fc.uniqueArray(fc.record({ name: macroName, value: text }), { selector: (m) => m.name, maxLength: 3 }),
  settings: fc.array(
    fc.oneof(
      fc.constantFrom("active", "passive", "couple", "decouple", "fragmentation", "nomobike", "vendorid", "cert_partial_chain").map((flag) => ({ kind: "flag" as const, flag: flag as "active" })),
      fc.nat(3600).map((seconds) => ({ kind: "dpd_check_interval" as const, seconds })),
      fc.record({ kind: fc.constant("ocsp" as const), url: nonEmpty, tolerate: fc.nat(3600) }, { requiredKeys: ["kind", "url"] }),
    ),
    { maxLength: 3 },
  ),
  users: fc.array(fc.record({ name: nonEmpty, password: nonEmpty }), { maxLength: 2 }),
  policies: fc.array(policy, { minLength: 0, maxLength: 3 }),
});

describe("iked.conf round trip", () => {
  it(`parse(render(x)) deep-equals x (${RUNS} runs)`, () => {
    let runs = 0;
    fc.assert(
      fc.property(conf, (c) => {
        runs++;
        const r = parseIkedConf(renderIkedConf(c));
        expect(r.diagnostics).toEqual([]);
        expect(r.value).toEqual(c);
      }),
      { numRuns: RUNS },
    );
    expect(runs).toBe(RUNS);
  }, 60_000);
  it(`render is a fixed point: render(parse(render(x))) = render(x) (${RUNS} runs)`, () => {
    fc.assert(fc.property(conf, (c) => renderIkedConf(parseIkedConf(renderIkedConf(c)).value) === renderIkedConf(c)), { numRuns: RUNS });
  }, 60_000);
});

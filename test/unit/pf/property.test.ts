import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  expandRules,
  expandStatement,
  formatStatement,
  parsePf,
  parsePfctlSr,
  renderPfConf,
  renderPfRule,
  type PfFilterRule,
  type PfHost,
  type PfPort,
  type PfRule,
  type PfRuleset,
} from "../../../sdk/model/pf";
import { GOLDEN_INTERFACES } from "../../lab/emu/pfctl-nv";

const RUNS = 300;

const v4 = fc.tuple(fc.integer({ min: 1, max: 223 }), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join("."));
const host: fc.Arbitrary<PfHost> = fc.oneof(
  v4.map((a) => ({ kind: "address" as const, address: a })),
  fc.tuple(v4, fc.integer({ min: 8, max: 31 })).map(([a, l]) => {
    const r = parsePf(`pass from ${a}/${l}`).value.rules[0] as PfFilterRule;
    return r.from.hosts[0];
  }),
  fc.constantFrom<PfHost>(
    { kind: "address", address: "2001:db8::2" },
    { kind: "dynamic", name: "em1" },
    { kind: "dynamic", name: "em0", modifier: "network" },
    { kind: "table", name: "vpn_peers" },
    { kind: "interface", name: "em0" },
    { kind: "interface", name: "em1" },
    { kind: "interface", name: "em0", modifier: "network" },
    { kind: "interface", name: "egress" },
    { kind: "address", address: "10.0.0.0/8", not: true },
  ),
);
const port: fc.Arbitrary<PfPort> = fc.oneof(
  fc.tuple(fc.constantFrom("=", "!=", "<", "<=", ">", ">=") as fc.Arbitrary<PfPort["op"]>, fc.nat(65535)).map(([op, p]) => ({ op, port: p })),
  fc.tuple(fc.nat(60000), fc.integer({ min: 1, max: 5000 }), fc.constantFrom(":", "><", "<>") as fc.Arbitrary<PfPort["op"]>).map(([p, d, op]) => ({ op, port: p, to: p + d })),
);

const rule: fc.Arbitrary<PfRule> = fc
  .record({
    action: fc.constantFrom("pass", "block", "match") as fc.Arbitrary<PfFilterRule["action"]>,
    direction: fc.option(fc.constantFrom("in", "out") as fc.Arbitrary<"in" | "out">, { nil: undefined }),
    quick: fc.boolean(),
    log: fc.boolean(),
    on: fc.array(fc.record({ name: fc.constantFrom("em0", "em1", "enc0", "egress", "gif0"), not: fc.boolean() }), { maxLength: 2 }),
    protos: fc.array(fc.constantFrom("tcp", "udp", "esp", "ah", "ipencap", "carp", "pfsync", "gre"), { maxLength: 2 }),
    fromHosts: fc.array(host, { maxLength: 2 }),
    toHosts: fc.array(host, { maxLength: 2 }),
    ports: fc.array(port, { maxLength: 2 }),
    state: fc.option(fc.constantFrom("keep", "no", "modulate") as fc.Arbitrary<"keep" | "no" | "modulate">, { nil: undefined }),
    ifBound: fc.boolean(),
    noSync: fc.boolean(),
    tag: fc.option(fc.constantFrom("VPNIN", "net1-to-net2"), { nil: undefined }),
    tagged: fc.option(fc.record({ name: fc.constantFrom("VPNIN", "VPN2"), not: fc.boolean() }), { nil: undefined }),
  })
  .map((g) => {
    const tcpudp = g.ports.length > 0;
    const protos = tcpudp ? (g.protos.filter((p) => p === "tcp" || p === "udp").length ? g.protos.filter((p) => p === "tcp" || p === "udp") : ["tcp"]) : g.protos;
    const r: PfFilterRule = {
      kind: "filter",
      action: g.action,
      ...(g.direction ? { direction: g.direction } : {}),
      ...(g.quick ? { quick: true } : {}),
      ...(g.log ? { log: true } : {}),
      on: g.on.map((i) => (i.not ? { name: i.name, not: true } : { name: i.name })),
      protos: [...new Set(protos)],
      from: { hosts: g.fromHosts, ports: [] },
      to: { hosts: g.toHosts, ports: g.ports },
      ...(g.state && !(g.state === "no" && (g.ifBound || g.noSync)) ? { state: g.state } : {}),
      ...(g.state !== "no" && (g.state || g.action === "pass") && (g.ifBound || g.noSync) ? { stateOptions: { ...(g.ifBound ? { ifBound: true } : {}), ...(g.noSync ? { noSync: true } : {}) } } : {}),
      ...(g.tag ? { tag: g.tag } : {}),
      ...(g.tagged ? { tagged: g.tagged.not ? { name: g.tagged.name, not: true } : { name: g.tagged.name } } : {}),
    };
    if ((r.state === "keep" && r.action === "pass") || (r.state === "no" && r.action !== "pass")) delete r.state;
    return r;
  });

/** Canonical rules: what pfctl loads for a random statement on the golden host. */
const canonical = rule.map((r) => expandStatement(r, { interfaces: GOLDEN_INTERFACES }).rules).filter((rs) => rs.length > 0);

describe("pf language properties", () => {
  it("parse(render(rule)) == rule for canonical rules", () => {
    fc.assert(
      fc.property(canonical, (rules) => {
        for (const c of rules) {
          const text = renderPfRule(c);
          expect(text.includes("\n")).toBe(false);
          const back = parsePf(text, "r.conf");
          expect(back.diagnostics).toEqual([]);
          expect(back.value.rules).toEqual([c]);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("parsePfctlSr reads back every rendered canonical rule set", () => {
    fc.assert(
      fc.property(fc.array(canonical, { maxLength: 4 }), (sets) => {
        const rules = sets.flat();
        const out = rules.map(renderPfRule).join("\n") + "\n";
        const back = parsePfctlSr(out);
        expect(back.diagnostics).toEqual([]);
        expect(back.value).toEqual(rules);
      }),
      { numRuns: RUNS },
    );
  });

  it("renderPfConf(ruleset) parses back to the same ruleset and loads the same rules", () => {
    fc.assert(
      fc.property(fc.array(rule.filter((r) => expandStatement(r).rules.length > 0), { maxLength: 5 }), (rules) => {
        const rs: PfRuleset = { macros: [{ name: "ext_if", value: "em1" }], tables: [], options: [{ kind: "skip", interfaces: ["lo"] }], rules };
        const text = renderPfConf(rs);
        const back = parsePf(text, "pf.conf");
        expect(back.diagnostics).toEqual([]);
        expect(back.value).toEqual(rs);
        expect(expandRules(back.value, GOLDEN_INTERFACES)).toEqual(expandRules(rs, GOLDEN_INTERFACES));
      }),
      { numRuns: RUNS },
    );
  });

  it("expansion is one rule per list element combination, in pfctl's nesting order", () => {
    fc.assert(
      fc.property(rule, (r) => {
        const n = Math.max(1, r.on.length) * Math.max(1, r.protos.length) * Math.max(1, r.from.hosts.length) * Math.max(1, r.to.hosts.length) * Math.max(1, r.to.ports.length);
        const out = expandStatement(r).rules;
        expect(out.length).toBeLessThanOrEqual(n);
        for (const c of out) expect(formatStatement(c)).not.toContain("{");
      }),
      { numRuns: RUNS },
    );
  });
});

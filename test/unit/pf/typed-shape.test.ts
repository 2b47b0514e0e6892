/**
 * Typed pf rules built in plain JavaScript or from JSON: whatever a field holds, validation ends in one ModelError
 * naming the field (never a TypeError from inside the renderer), and a valid rule still renders.
 */
import { describe, expect, it } from "vitest";
import { ModelError } from "../../../sdk/model/diagnostics";
import { formatStatementForFile } from "../../../sdk/model/pf/render";
import { validatePfStatement } from "../../../sdk/model/pf/validate";
import { rng } from "../../../scripts/seeded-random";

const FILTER = {
  kind: "filter", action: "pass", direction: "in", quick: true, on: [{ name: "em0" }], af: "inet", protos: ["tcp"],
  from: { hosts: [{ kind: "address", address: "10.0.0.1" }, { kind: "range", from: "10.0.0.2", to: "10.0.0.9" }], ports: [{ op: "=", port: 22 }] },
  to: { hosts: [{ kind: "table", name: "peers" }], ports: [] }, state: "keep", stateOptions: { max: 10, timeouts: [{ name: "tcp.first", seconds: 60 }] },
  label: "ssh", tag: "t", icmpTypes: [], users: [{ op: "=", id: "root" }],
};
const ANCHOR = { kind: "anchor", name: "x", on: [], protos: [], from: { hosts: [], ports: [] }, to: { hosts: [], ports: [] }, inline: [FILTER] };
const WEIRD: unknown[] = [null, undefined, 0, -1, Number.NaN, "", "x\ny", '"', [], {}, [null], [{}], true, "any", { kind: "address" }, { kind: "table", name: null }, { kind: "nope" }];

function paths(o: unknown, p: string[] = []): string[][] {
  const out: string[][] = [p];
  if (o && typeof o === "object") for (const k of Object.keys(o)) out.push(...paths((o as Record<string, unknown>)[k], [...p, k]));
  return out;
}

describe("typed pf rules of any shape", () => {
  it("the valid base rules render", () => {
    expect(() => validatePfStatement(structuredClone(FILTER) as never)).not.toThrow();
    expect(formatStatementForFile(structuredClone(ANCHOR) as never)).toContain('anchor "x" all {');
  });
  it("one or two fields replaced by anything: a ModelError naming a field of the rule, or a rule that renders", () => {
    const r = rng(7);
    const escaped: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const rule = structuredClone(r() < 0.5 ? FILTER : ANCHOR) as Record<string, unknown>;
      const ps = paths(rule).filter((p) => p.length > 0);
      for (let m = 0; m < 1 + Math.floor(r() * 2); m++) {
        const p = ps[Math.floor(r() * ps.length)]!;
        let o: unknown = rule;
        for (const k of p.slice(0, -1)) o = (o as Record<string, unknown> | null)?.[k];
        if (o && typeof o === "object") (o as Record<string, unknown>)[p[p.length - 1]!] = structuredClone(WEIRD[Math.floor(r() * WEIRD.length)]);
      }
      try {
        validatePfStatement(rule as never, "rules[0]");
        formatStatementForFile(rule as never);
      } catch (e) {
        if (e instanceof ModelError && e.field.startsWith("rules[0]")) continue;
        escaped.push(`${JSON.stringify(rule).slice(0, 200)}: ${String(e)}`);
      }
    }
    expect(escaped.slice(0, 5)).toEqual([]);
  });
  it("names the field and what belongs there", () => {
    const bad = { ...structuredClone(FILTER), from: { hosts: [null], ports: [] } };
    expect(() => validatePfStatement(bad as never, "rules[3]")).toThrow(new ModelError("rules[3].from.hosts[0]", null, "expected an object"));
    expect(() => validatePfStatement({ ...structuredClone(ANCHOR), inline: [{ kind: "load-anchor", name: "y", file: "/etc/passwd" }] } as never, "rules[0]")).toThrow(/rules\[0\]\.inline\[0\]\.kind/);
  });
});

describe("typed diverts (divertTo, divertReply, divertPacket)", () => {
  const rule = (o: object) => ({ kind: "filter", action: "pass", on: [], protos: [], from: { hosts: [], ports: [] }, to: { hosts: [], ports: [] }, ...o });
  const refusal = (o: object) => {
    try {
      validatePfStatement(rule(o) as never, "rules[0]");
    } catch (e) {
      return e instanceof ModelError ? `${e.field}: ${e.message}` : String(e);
    }
    return "accepted";
  };
  it("render as pfctl reads them", () => {
    expect(formatStatementForFile(rule({ direction: "in", divertPacket: { port: 700 } }) as never)).toBe("pass in all divert-packet port 700");
    expect(formatStatementForFile(rule({ direction: "out", divertReply: true }) as never)).toBe("pass out all divert-reply");
  });
  it("are refused where pfctl refuses them: two at once, divert-reply inbound, on a match rule, port 0", () => {
    expect(refusal({ divertReply: true, divertPacket: { port: 1 } })).toMatch(/^rules\[0\]\.divertPacket: .*more than one divert option/);
    expect(refusal({ direction: "in", divertReply: true })).toMatch(/^rules\[0\]\.divertReply: .*divert-reply used with incoming rule/);
    expect(refusal({ action: "match", divertPacket: { port: 5 } })).toMatch(/^rules\[0\]\.divertPacket: .*divert is not supported on match rules/);
    expect(refusal({ divertPacket: { port: 0 } })).toMatch(/^rules\[0\]\.divertPacket\.port: .*1-65535/);
  });
});

describe("a typed rule some of whose combinations pfctl refuses", () => {
  it("is refused: pfctl counts the refused combination's error and loads nothing of the file", () => {
    // `pass proto { tcp icmp } user 0`: pfctl adds the tcp rule, refuses the icmp one (`user only applies to
    // tcp/udp`), and the load fails; the tcp rule alone used to pass the model's check
    const rule = { kind: "filter", action: "pass", on: [], protos: ["tcp", "icmp"], from: { hosts: [], ports: [] }, to: { hosts: [], ports: [] }, users: [{ op: "=", id: 0 }] };
    expect(() => validatePfStatement(rule as never, "rules[0]")).toThrow(/user only applies to tcp\/udp: pfctl refuses this rule/);
  });
});

describe("typed weights (pool addresses and table entries)", () => {
  const pool = (h: object) => ({ kind: "filter", action: "pass", direction: "in", on: [{ name: "em0" }], protos: ["tcp"], from: { hosts: [], ports: [] }, to: { hosts: [], ports: [{ op: "=", port: 80 }] }, ...h });
  it("are written after the address in a pool, as pf.conf(5)'s example writes them", () => {
    const r = pool({ rdrTo: { host: { kind: "table", name: "__automatic_0" } }, pool: { type: "round-robin", list: [{ kind: "address", address: "10.1.2.155", weight: 2 }, { kind: "address", address: "10.1.2.161", weight: 8 }] } });
    expect(formatStatementForFile(r as never)).toBe("pass in on em0 proto tcp from any to any port = 80 rdr-to { 10.1.2.155 weight 2 10.1.2.161 weight 8 } round-robin");
  });
  it("are refused on a rule's from or to, and out of 1-65535", () => {
    expect(() => validatePfStatement(pool({ from: { hosts: [{ kind: "address", address: "10.0.0.1", weight: 2 }], ports: [] } }) as never, "rules[0]")).toThrow(/rules\[0\]\.from\.hosts\[0\]\.weight: .*a weight belongs to a table's entries or a translation pool's addresses/);
    expect(() => validatePfStatement(pool({ rdrTo: { host: { kind: "address", address: "10.0.0.1", weight: 0 } } }) as never, "rules[0]")).toThrow(/rules\[0\]\.rdrTo\.host\.weight: .*weight out of range; 1-65535/);
  });
});

/**
 * Hostile strings in every field of a typed pf rule: a rule either is refused with a ModelError naming a field of
 * it, or renders as exactly one statement of the anchor file, which pf's parser reads back as one rule without
 * errors. Before, a newline in a route-to table name, a user, a source-hash key, an overload table, a divert-to
 * address, a received-on interface or a label started another statement (`pass all`) that pfctl accepts; and an anchor
 * rule's label was written unchecked (`anchor "vpn" all label "x"` + a newline + `pass all`).
 */
import { describe, expect, it } from "vitest";
import { ModelError } from "../../../sdk/model/diagnostics";
import { parsePfDetailed } from "../../../sdk/model/pf/parser";
import { formatStatementForFile } from "../../../sdk/model/pf/render";
import { validatePfStatement } from "../../../sdk/model/pf/validate";
import { rng } from "../../../scripts/seeded-random";

const host = (address: string) => ({ kind: "address", address });
/** One rule with every option that writes a string or a number of the user's into the file. */
const FULL = {
  kind: "filter", action: "pass", direction: "in", quick: true, log: true, logOptions: { to: 1 }, on: [{ name: "em0" }], af: "inet", protos: ["tcp"],
  from: { hosts: [host("10.0.0.1"), { kind: "table", name: "peers" }, { kind: "route", label: "DTAG" }], ports: [{ op: "=", port: 22 }] },
  to: { hosts: [{ kind: "dynamic", name: "em1", modifier: "network" }], ports: [{ op: ":", port: 80, to: 90 }] },
  users: [{ op: "=", id: "root" }], groups: [{ op: "><", id: 10, to: 20 }], receivedOn: { name: "em1" }, prio: 3, tos: 16, setPrio: [1, 2], setTos: 16,
  maxPktRate: { limit: 100, seconds: 10 }, probability: 2147483648, rtable: 1, tag: "web", tagged: { name: "inbound" }, label: "ssh $srcaddr",
  state: "keep", stateOptions: { max: 100, sourceTrack: "rule", maxSrcNodes: 10, maxSrcConn: 5, overload: { table: "abusers", flush: "global" }, timeouts: [{ name: "tcp.first", seconds: 30 }] },
  rdrTo: { host: host("192.168.1.10"), port: 8000, portTo: "*" }, pool: { type: "source-hash", key: "0x0123456789abcdef0123456789abcdef", sticky: true },
  route: { kind: "route-to", host: host("10.1.1.1") }, divertTo: { address: "127.0.0.1", port: 8080 }, once: true,
};
/** An anchor rule with every option an anchor rule takes (types.ts PfRuleOptions). */
const FULL_ANCHOR = {
  kind: "anchor", name: "vpn/in", direction: "in", quick: true, on: [{ name: "em0" }], af: "inet", protos: ["tcp"],
  from: { hosts: [host("10.0.0.1"), { kind: "table", name: "peers" }, { kind: "route", label: "DTAG" }], ports: [{ op: "=", port: 22 }] },
  to: { hosts: [{ kind: "dynamic", name: "em1", modifier: "network" }], ports: [{ op: ":", port: 80, to: 90 }] },
  users: [{ op: "=", id: "root" }], groups: [{ op: "><", id: 10, to: 20 }], receivedOn: { name: "em1", not: true }, prio: 3, tos: 16, setPrio: [1, 2], setTos: 16,
  setDelay: 20, maxPktRate: { limit: 100, seconds: 10 }, probability: 2147483648, rtable: 1, tag: "web", tagged: { name: "inbound" }, label: "ssh $srcaddr",
  flags: "S/SA", os: "OpenBSD", scrub: { maxMss: 1400, minTtl: 10 }, fragment: false, allowOpts: true,
};
const HOSTILE: unknown[] = [-1, 1.5, 256, 65536, 4294967296, "in", "all", "x\npass all", 'x" pass all #', "x>\npass all #", "x)\npass all #", "x}\npass all", "x\\", "\u202e", "x\r\npass all", "", "a b", "0x1\npass"];

function leaves(o: unknown, p: string[] = []): string[][] {
  if (o === null || typeof o !== "object") return [p];
  return Object.keys(o).flatMap((k) => leaves((o as Record<string, unknown>)[k], [...p, k]));
}

describe.each([["filter", FULL], ["anchor", FULL_ANCHOR]] as const)("typed pf %s rules with hostile strings in any field", (_, FULL) => {
  it("the full rule is valid and reads back as one rule", () => {
    const text = formatStatementForFile(FULL as never);
    expect(() => validatePfStatement(FULL as never)).not.toThrow();
    const back = parsePfDetailed(text, "anchor", { verbose: false });
    expect(back.stderr).toEqual([]);
    expect(back.ruleset.rules).toHaveLength(1);
  });
  it("each leaf replaced by a hostile string: refused naming a field, or one statement that reads back as one rule", () => {
    const r = rng(11);
    const paths = leaves(FULL).filter((p) => p.length > 0);
    const escaped: string[] = [];
    for (let i = 0; i < 4000; i++) {
      const rule = structuredClone(FULL) as Record<string, unknown>;
      const p = paths[Math.floor(r() * paths.length)]!;
      let o: unknown = rule;
      for (const k of p.slice(0, -1)) o = (o as Record<string, unknown>)[k];
      (o as Record<string, unknown>)[p[p.length - 1]!] = HOSTILE[Math.floor(r() * HOSTILE.length)];
      let text: string;
      try {
        validatePfStatement(rule as never, "rules[0]");
        text = formatStatementForFile(rule as never);
      } catch (e) {
        if (e instanceof ModelError && e.field.startsWith("rules[0]")) continue;
        escaped.push(`${p.join(".")}: ${String(e)}`);
        continue;
      }
      const back = parsePfDetailed(text, "anchor", { verbose: false });
      if (/[\p{Cc}\p{Cf}]/u.test(text) || back.ruleset.rules.length !== 1 || back.errors > 0) escaped.push(`${p.join(".")} = ${JSON.stringify(text)}`);
    }
    expect([...new Set(escaped.map((e) => e.split(" = ")[0]))]).toEqual([]);
  });
});

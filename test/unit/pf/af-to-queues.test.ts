/**
 * af-to, queues and table files in the pf model, beyond the oracle recordings (test/unit/pf/oracle.test.ts):
 * typed rules built in code, the files the model writes, pfctl's unit spellings, lint's words.
 */
import { describe, expect, it } from "vitest";
import { ModelError } from "../../../sdk/model/diagnostics";
import { lintPf } from "../../../sdk/model/pf/lint";
import { parsePf } from "../../../sdk/model/pf/parser";
import { parseBandwidth, renderQueue } from "../../../sdk/model/pf/queues";
import { renderPfConf, renderPfRule } from "../../../sdk/model/pf/render";
import { checkTableFile, tableFileWords } from "../../../sdk/model/pf/table-file";
import type { PfFilterRule } from "../../../sdk/model/pf/types";
import { validatePfStatement } from "../../../sdk/model/pf/validate";
import { GOLDEN_PF_INTERFACES } from "../lint/golden-cases";

const nat64: PfFilterRule = {
  kind: "filter", action: "pass", direction: "in", on: [{ name: "em0" }], af: "inet6", protos: [],
  from: { hosts: [], ports: [] }, to: { hosts: [{ kind: "address", address: "64:ff9b::/96" }], ports: [] },
  afTo: { af: "inet", from: { kind: "address", address: "203.0.113.1" } },
};

function reason(f: () => void): string {
  try {
    f();
  } catch (e) {
    if (e instanceof ModelError) return `${e.field}: ${e.reason}`;
    throw e;
  }
  return "(no error)";
}

describe("af-to in typed rules", () => {
  it("renders as pfctl prints it", () => {
    expect(renderPfRule(nat64)).toBe("pass in on em0 inet6 from any to 64:ff9b::/96 flags S/SA af-to inet from 203.0.113.1");
  });
  it("refuses what pfctl refuses, naming the field", () => {
    expect(reason(() => validatePfStatement({ ...nat64, direction: "out" }))).toBe('rule.direction: af-to can only be used with direction in; set direction: "in"');
    expect(reason(() => validatePfStatement({ ...nat64, af: "inet" }))).toBe("rule.af: must indicate different address family with af-to");
    expect(reason(() => validatePfStatement({ ...nat64, afTo: { af: "inet", from: { kind: "address", address: "2001:db8::1" } } }))).toBe(
      "rule.afTo.from: af-to addresses must be in the target address family (inet)",
    );
    expect(reason(() => validatePfStatement({ ...nat64, action: "match" }))).toBe("rule.afTo: af-to translates the packets a pass rule lets in, not a match rule");
  });
  it("a file writes the `to` form's pool options after the `to` pool, where pfctl reads them", () => {
    const text = "pass in on em0 inet6 from any to 64:ff9b::/96 af-to inet from { 198.51.100.1 198.51.100.2 } to 198.51.100.7 sticky-address\n";
    const r = parsePf(text, "pf.conf", { interfaces: GOLDEN_PF_INTERFACES });
    expect(r.diagnostics).toEqual([]);
    // the list's table is round-robin, pfctl's choice for a table: not written unless the rule says it
    expect(renderPfConf(r.value)).toBe(text);
    expect(parsePf(renderPfConf(r.value), "again.conf", { interfaces: GOLDEN_PF_INTERFACES }).value.rules).toEqual(r.value.rules);
  });
});

describe("queues", () => {
  it("bandwidth units as parse.y reads them", () => {
    expect(parseBandwidth("1.5Mbit")).toEqual({ bps: 1500000 });
    expect(parseBandwidth("2Gb")).toEqual({ bps: 2000000000 });
    expect(parseBandwidth("50%")).toEqual({ bps: 0, percent: 50 });
    expect(parseBandwidth("10X")).toEqual({ error: 'unknown unit "X"' });
    expect(parseBandwidth("150%")).toEqual({ error: "bandwidth spec out of range" });
  });
  it("printed as print_queuespec does, its quirks included (a bare number keeps print_bwspec's space)", () => {
    expect(renderQueue({ name: "r", on: ["em0"], bandwidth: { bps: 1500 }, max: { bps: 2e9 } })).toBe("queue r on em0 bandwidth 1500 , max 2G");
    expect(renderQueue({ name: "v", on: [], parent: "r", bandwidth: { bps: 1e7 }, min: { bps: 5e6, burst: { bps: 8e6, ms: 50 } } })).toBe("queue v parent r bandwidth 10M, min 5M burst 8M for 50ms");
  });
  it("a file writes the tree back as written; rules assign leaves", () => {
    const text = [
      "queue rootq on em1 bandwidth 100M, max 100M",
      "queue std parent rootq bandwidth 60M default qlimit 300",
      "queue ssh parent rootq bandwidth 1500, min 1M burst 2M for 10ms",
      "pass out on em1 proto tcp from any to any port = 22 set (queue(ssh, std))",
      "",
    ].join("\n");
    const r = parsePf(text, "pf.conf", { interfaces: GOLDEN_PF_INTERFACES });
    expect(r.diagnostics).toEqual([]);
    expect(r.value.queues?.map((q) => q.name)).toEqual(["rootq", "std", "ssh"]);
    expect(renderPfConf(r.value)).toBe(text);
  });
  it("lint: a queue that is not defined is pfctl's error on the rule's line", () => {
    expect(lintPf("queue r on em1 bandwidth 10M\nqueue d parent r bandwidth 5M default\npass out set queue x\n", "pf.conf", { interfaces: GOLDEN_PF_INTERFACES }).map((d) => `${d.line}: ${d.message}`)).toEqual([
      "3: queue x is not defined: define it first with `queue NAME parent …` (a queue with a parent)",
    ]);
  });
  it("lint: the tree's own errors once the file parsed", () => {
    expect(lintPf("queue r on em1 bandwidth 10M\nqueue a parent r bandwidth 5M\n", "pf.conf", { interfaces: GOLDEN_PF_INTERFACES }).map((d) => d.message)).toEqual([
      "no default queue specified (pfctl checks the queue trees once the file parsed)",
    ]);
  });
});

describe("table files", () => {
  it("words as pfr_next_token reads them: `#` starts a comment only at the start of a word", () => {
    expect(tableFileWords("# c\n10.0.0.1 !10.0.0.2 # x\n10.0.0.0/8#not-a-comment\n")).toEqual(["10.0.0.1", "!10.0.0.2", "10.0.0.0/8#not-a-comment"]);
  });
  it("a bad entry is pfctl's error, the word named", () => {
    expect(checkTableFile("t.txt", "192.0.2.1\nem9\n", GOLDEN_PF_INTERFACES)).toEqual({ stderr: ["no IP address found for em9"], message: 'file "t.txt" contains bad data', word: "em9" });
    expect(checkTableFile("t.txt", "10.0.0.0/33\n", GOLDEN_PF_INTERFACES)).toEqual({ stderr: [], message: 'cannot load "t.txt": Invalid argument', word: "10.0.0.0/33" });
    expect(checkTableFile("t.txt", "em0:network !egress 2001:db8::/48 ::ffff:10.0.0.1\n", GOLDEN_PF_INTERFACES)).toBeUndefined();
  });
  it("lint opens the table file and reports the entry on the table's line", () => {
    const files: Record<string, string> = { "/etc/pf.peers": "198.51.100.1\n198.51.100.300\n" };
    expect(lintPf('pass\ntable <peers> persist file "/etc/pf.peers"\n', "pf.conf", { interfaces: GOLDEN_PF_INTERFACES, readFile: (p) => files[p] }).map((d) => `${d.line}: ${d.message}`)).toEqual([
      '2: file "/etc/pf.peers" contains bad data: `198.51.100.300` is not an address, network or interface of this host',
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { parseIfconfig, parseIpsecctlAll, parseIpsecctlFlows, parseIpsecctlSas, parseRcctlGet, parseRcctlLs, parseSysctl } from "../../../sdk/model/output";
import { lintFile } from "../../../sdk/lint";
import { parseIkedConf } from "../../../sdk/model/iked";
import { fuzz, mutate, seedFiles } from "./harness";

// Property tests: every parser of sdk/model gets random strings, token soups and mutated valid inputs
// (golden cases and fixtures); none may throw, and every diagnostic must point inside the input.
// Counts are printed (`fuzz NAME: N inputs`). RUNS keeps the whole file well under 20 s.
const RUNS = 10_000;
const GOLDEN = "/work/shared/golden";
const OUT = new URL("../output/fixtures", import.meta.url).pathname;
const UNIT = new URL("..", import.meta.url).pathname;

const lines = (re: RegExp) => seedFiles(`${GOLDEN}/ipsecctl`, /\.out$/).flatMap((t) => t.split("\n").filter((l) => re.test(l)));

describe("fuzz: command-output parsers (sdk/model/output)", () => {
  it("parseIfconfig", () => {
    expect(fuzz("parseIfconfig", parseIfconfig, seedFiles(OUT, /^ifconfig-/), RUNS)).toBeGreaterThan(RUNS);
  });
  it("parseIpsecctlFlows", () => {
    expect(fuzz("parseIpsecctlFlows", parseIpsecctlFlows, [...seedFiles(OUT, /^ipsecctl-sf/), lines(/^flow /).join("\n")], RUNS)).toBeGreaterThan(RUNS);
  });
  it("parseIpsecctlSas", () => {
    expect(fuzz("parseIpsecctlSas", parseIpsecctlSas, [...seedFiles(OUT, /^ipsecctl-ss/), lines(/^(esp|ah) /).join("\n")], RUNS)).toBeGreaterThan(RUNS);
  });
  it("parseIpsecctlAll", () => {
    expect(fuzz("parseIpsecctlAll", parseIpsecctlAll, seedFiles(OUT, /^ipsecctl-s-all/), RUNS)).toBeGreaterThan(RUNS);
  });
  it("parseRcctlGet", () => {
    const seeds = [...seedFiles(OUT, /^rcctl-get/), "ipsec=YES\n"];
    fuzz("parseRcctlGet", (t, file) => parseRcctlGet(t, { name: "isakmpd", file }), seeds, RUNS / 2);
    fuzz("parseRcctlGet flags", (t, file) => parseRcctlGet(t, { name: "isakmpd", variable: "flags", file }), ["-K\n", "NO\n", ""], RUNS / 2);
  });
  it("parseRcctlLs", () => {
    fuzz("parseRcctlLs", parseRcctlLs, seedFiles(OUT, /^rcctl-ls/), RUNS);
  });
  it("parseSysctl", () => {
    const seeds = [...seedFiles(OUT, /^sysctl-/), "sysctl: second level name foo in net.foo is invalid\n"];
    fuzz("parseSysctl", (t, file) => parseSysctl(t, { file }), seeds, RUNS / 2);
    fuzz("parseSysctl -n", (t, file) => parseSysctl(t, { file, names: ["net.inet.ip.forwarding", "net.inet.esp.enable"] }), ["1\n0\n"], RUNS / 2);
  });
});

describe("fuzz: configuration-language parsers (sdk/model/*)", () => {
  it("parseIkedConf", () => {
    const seeds = [...seedFiles(`${GOLDEN}/iked`, /\.conf$/), ...seedFiles(`${UNIT}/iked/fixtures`, /./)];
    expect(fuzz("parseIkedConf", parseIkedConf, seeds, RUNS)).toBeGreaterThan(RUNS);
  });
  it("lintFile (every kind, through the lint command's library)", () => {
    const seeds = seedFiles(GOLDEN, /\.conf$/);
    for (const kind of ["ipsec", "iked", "pf", "hostname", "sasyncd", "sysctl", "rcconf"] as const) {
      fuzz(`lintFile --kind ${kind}`, (t, file) => lintFile(file, t, { kind, mode: 0o600 }), seeds, RUNS / 6);
    }
  });
});

describe("fuzz harness", () => {
  it("fails on a parser that throws or misplaces a diagnostic", () => {
    const quiet = { ...console };
    expect(() => fuzz("throws", (t) => { if (t.includes("\n")) throw new Error("boom"); return []; }, ["a\nb"], 100)).toThrow();
    expect(() => fuzz("bad line", (t, file) => [{ file, line: t.split("\n").length + 2, column: 1, message: "m", severity: "error" }], ["a"], 10)).toThrow();
    expect(() => fuzz("bad column", (t, file) => [{ file, line: 1, column: 0, message: "m", severity: "error" }], ["a"], 10)).toThrow();
    expect(quiet).toBeDefined();
  });

  it("mutations change the text the way they say", () => {
    expect(mutate("a b c", { op: "deleteToken", i: 1 })).toBe("a  c");
    expect(mutate("a b c", { op: "duplicateToken", i: 0 })).toBe("a a b c");
    expect(mutate("a b c", { op: "swapTokens", i: 0, j: 2 })).toBe("c b a");
    expect(mutate("a b c", { op: "replaceToken", i: 2, junk: "{" })).toBe("a b {");
    expect(mutate("abc", { op: "cut", at: 2 })).toBe("ab");
    expect(mutate("abc", { op: "insert", at: 1, junk: "\n" })).toBe("a\nbc");
    expect(mutate("x\ny\nz", { op: "deleteLine", i: 1 })).toBe("x\nz");
    expect(mutate("x\ny", { op: "duplicateLine", i: 4 })).toBe("x\nx\ny");
  });
});

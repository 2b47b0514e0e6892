import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../../sdk/model/diagnostics";
import { parseIfconfig, parseIfconfigGroup, parseIpsecctlAll, parseIpsecctlFlows, parseIpsecctlSas, parseRcctlGet, parseRcctlLs, parseSysctl } from "../../../sdk/model/output";
import fc from "fast-check";
import { lintFile, runLint } from "../../../sdk/lint";
import { parseHostnameIf } from "../../../sdk/model/hostnameif";
import { parseIkedConf } from "../../../sdk/model/iked";
import { lintIpsecConf, parseIpsecConf } from "../../../sdk/model/ipsec";
import { parsePf, parsePfctlSr } from "../../../sdk/model/pf";
import { parseRcConfLocal } from "../../../sdk/model/rcconf";
import { parseSasyncdConf } from "../../../sdk/model/sasyncd";
import { parseSysctlConf } from "../../../sdk/model/sysctl";
import { GOLDEN_PF_INTERFACES } from "../lint/golden-cases";


import { checkDiagnostic, fuzz, FUZZ_SEED, mutate, seedFiles } from "./harness";
import { SHARED } from "../../support/shared";

// Property tests: every parser of sdk/model gets random strings, token soups and mutated valid inputs
// (golden cases and fixtures); none may throw, and every diagnostic must point inside the input.
// Counts are printed (`fuzz NAME: N inputs`). RUNS keeps the whole file well under 20 s.
const RUNS = 2500;
const T = 60_000;
const GOLDEN = `${SHARED}/golden`;
const OUT = new URL("../output/fixtures", import.meta.url).pathname;
const UNIT = new URL("..", import.meta.url).pathname;

const lines = (re: RegExp) => seedFiles(`${GOLDEN}/ipsecctl`, /\.out$/).flatMap((t) => t.split("\n").filter((l) => re.test(l)));

describe("fuzz: command-output parsers (sdk/model/output)", { timeout: T }, () => {
  it("parseIfconfig", () => {
    expect(fuzz("parseIfconfig", parseIfconfig, seedFiles(OUT, /^ifconfig-/), RUNS)).toBeGreaterThan(RUNS);
  });
  it("parseIfconfigGroup", () => {
    fuzz("parseIfconfigGroup", parseIfconfigGroup, ["carp: carp demote count 0\n"], RUNS / 5);
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

describe("fuzz: configuration-language parsers (sdk/model/*)", { timeout: T }, () => {
  it("parseIkedConf", () => {
    const seeds = [...seedFiles(`${GOLDEN}/iked`, /\.conf$/), ...seedFiles(`${UNIT}/iked/fixtures`, /\.conf$/)];
    expect(fuzz("parseIkedConf", parseIkedConf, seeds, RUNS)).toBeGreaterThan(RUNS);
  });
  it("parseIpsecConf", () => {
    const seeds = [...seedFiles(`${GOLDEN}/ipsecctl`, /\.conf$/), ...seedFiles(`${UNIT}/ipsec/fixtures`, /\.conf$/)];
    expect(fuzz("parseIpsecConf", parseIpsecConf, seeds, RUNS)).toBeGreaterThan(RUNS);
  });
  it("parsePf (with and without an interface table)", () => {
    const seeds = [...seedFiles(`${GOLDEN}/pfctl`, /\.conf$/), ...seedFiles(`${UNIT}/pf/fixtures`, /\.conf$/)];
    fuzz("parsePf", parsePf, seeds, RUNS / 2);
    fuzz("parsePf interfaces", (t, file) => parsePf(t, file, { interfaces: GOLDEN_PF_INTERFACES }), seeds, RUNS / 2);
  });
  it("parsePfctlSr", () => {
    const seeds = seedFiles(`${GOLDEN}/pfctl`, /\.out$/).map((t) => t.split("\n").filter((l) => /^(pass|block|match|anchor)\b/.test(l)).join("\n"));
    expect(fuzz("parsePfctlSr", parsePfctlSr, seeds, RUNS)).toBeGreaterThan(RUNS);
  });
  it("parseSasyncdConf", () => {
    expect(fuzz("parseSasyncdConf", parseSasyncdConf, seedFiles(`${GOLDEN}/sasyncd`, /\.conf$/), RUNS)).toBeGreaterThan(RUNS);
  });
  it("parseHostnameIf", () => {
    const seeds = seedFiles(`${UNIT}/hostnameif/fixtures`, /^(guide|reference)-/);
    expect(fuzz("parseHostnameIf", (t, file) => parseHostnameIf(t, file, "em0"), seeds, RUNS)).toBeGreaterThan(RUNS);
  });
  it("parseSysctlConf", () => {
    const seeds = ["net.inet.ip.forwarding=1\nnet.inet.esp.enable=1 # esp\n# comment\n\nnet.inet.carp.preempt=1\n", ...seedFiles(`${UNIT}/sysctl/fixtures`, /./)];
    expect(fuzz("parseSysctlConf", parseSysctlConf, seeds, RUNS)).toBeGreaterThan(RUNS);
  });
  it("parseRcConfLocal", () => {
    const seeds = ["ipsec=YES\nisakmpd_flags=-K\npkg_scripts=\nsasyncd_flags=\n", ...seedFiles(`${UNIT}/rcconf/fixtures`, /./)];
    expect(fuzz("parseRcConfLocal", parseRcConfLocal, seeds, RUNS)).toBeGreaterThan(RUNS);
  });
  it("lintFile (every kind, through the lint command's library)", () => {
    const seeds = seedFiles(GOLDEN, /\.conf$/);
    for (const kind of ["ipsec", "iked", "pf", "hostname", "sasyncd", "sysctl", "rcconf"] as const) {
      fuzz(`lintFile --kind ${kind}`, (t, file) => lintFile(file, t, { kind, mode: 0o600 }), seeds, RUNS / 5);
    }
  });
});

describe("fuzz: the lint command line", { timeout: T }, () => {
  it("runLint never throws and exits 0, 1 or 2 for any arguments", () => {
    const files: Record<string, string> = { "/etc/ipsec.conf": "ike esp from 10.1.0.0/24 to 10.2.0.0/24 peer 192.0.2.2\n", "/etc/pf.conf": "pass\n", "x.txt": "?" };
    const io = { out: () => {}, err: () => {}, read: (p: string) => files[p] ?? (() => { throw Object.assign(new Error("x"), { code: "ENOENT" }); })(), mode: () => 0o100644 };
    const arg = fc.oneof(fc.constantFrom("--kind", "-k", "--kind=pf", "--kind=x", "--", "-", "--help", "-h", "--fix", ...Object.keys(files), "ipsec", "pf"), fc.string({ maxLength: 6 }));
    let n = 0;
    fc.assert(
      fc.property(fc.array(arg, { maxLength: 6 }), (args) => {
        n++;
        expect([0, 1, 2]).toContain(runLint(args, io));
      }),
      { numRuns: RUNS / 5, seed: FUZZ_SEED },
    );
    console.log(`fuzz runLint: ${n} argument lists`);
  });
});

// Defects fuzzing found, fixed: a `#` comment swallows the rest of its line and, when that ends with
// `\`, the next line too (as in the lexers of iked, pfctl and ipsecctl); the newline ending it is
// placed on its own line, not at the column of the `#` on the line before.
describe("regressions found by fuzzing: `#` comment continued by a trailing `\\`", () => {
  const positions = (ds: readonly Diagnostic[]) => ds.map((d) => `${d.line}:${d.column}: ${d.message}`);
  it("parseIkedConf: the error is on the comment's last line, at its end", () => {
    const text = "ikev2 passive esp from # to 192.168.1.0/24 \\\n\tfr";
    const ds = parseIkedConf(text, "f").diagnostics;
    expect(positions(ds)).toEqual(["2:3: syntax error: unexpected end of line; expected an address or host name"]);
    for (const d of ds) checkDiagnostic(d, text, "f");
    expect(positions(parseIkedConf("ikev2 passive esp from # to \\\n x\nikev2 y\n", "f").diagnostics)).toEqual([
      "2:3: syntax error: unexpected end of line; expected an address or host name",
      "3:8: syntax error: unexpected end of line; expected `from SRC to DST`",
    ]);
  });
  it("parsePf and parsePfctlSr: the error is at the end of the comment's last line (found with FUZZ_SEED=5)", () => {
    const text = "pass in on enc0 proto # from $ipsec_peer to ($ext_if) \\\n keep state (";
    for (const parse of [parsePf, parsePfctlSr]) {
      const ds = parse(text, "f").diagnostics;
      expect(positions(ds)).toEqual(["2:14: syntax error: unexpected end of line"]);
      for (const d of ds) checkDiagnostic(d, text, "f");
    }
    // the continued comment swallows the whole second line; without the `\` it is a rule of its own
    expect(positions(parsePf("pass # c \\\nnot a rule\npass\n", "f").diagnostics)).toEqual([]);
    expect(positions(parsePf("pass # c\nnot a rule\npass\n", "f").diagnostics)).toEqual(["2:5: syntax error: unexpected `a`"]);
  });
  it("parsePf: an error in a macro whose name is continued onto the next line is placed on that line (found with FUZZ_SEED=16)", () => {
    const text = 'p = "\u0000x"\npass in from $\\\np to any\n';
    const ds = parsePf(text, "f").diagnostics;
    expect(positions(ds)).toEqual(["3:1: syntax error: unexpected `\u0000`"]);
    for (const d of ds) checkDiagnostic(d, text, "f");
    expect(positions(parsePf('p = "%"\npass in from $p to any\n', "f").diagnostics)).toEqual(["2:14: syntax error: unexpected `%`"]);
  });
  it("lintIpsecConf: a continued comment swallows the next line too", () => {
    expect(positions(lintIpsecConf("ike esp from 10.1.0.0/24 to 10.2.0.0/24 # c \\\npeer 192.0.2.2 psk\n", "f"))).toEqual([]);
    expect(positions(lintIpsecConf("ike esp from 10.1.0.0/24 to 10.2.0.0/24 # c\npeer 192.0.2.2 psk\n", "f"))).toEqual(["2:1: syntax error; unexpected `peer`"]);
  });
});

describe("regressions found by fuzzing: other", () => {
  it("parseIpsecConf: a Unicode space (U+2029) ends the word and is a token of its own, as its first byte is to ipsecctl (syntax error on line 1), not an endless empty token (found with FUZZ_SEED=31)", () => {
    const ds = parseIpsecConf("ike\u2029esp from any to any\n", "f").diagnostics;
    expect(ds.map((d) => `${d.line}:${d.column}: ${d.message}`)).toEqual(["1:4: syntax error; unexpected `\\u2029`"]);
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

  it("checkDiagnostic accepts positions inside the text (or one past its end) and nothing else", () => {
    const d = (line: number, column: number): Diagnostic => ({ file: "f", line, column, message: "m", severity: "error" });
    for (const [l, c] of [[1, 1], [1, 4], [2, 5], [3, 1], [3, 2]] as const) expect(() => checkDiagnostic(d(l, c), "ab\ncde", "f")).not.toThrow();
    for (const [l, c] of [[0, 1], [1, 5], [2, 6], [3, 3], [4, 1], [1.5, 1]] as const) expect(() => checkDiagnostic(d(l, c), "ab\ncde", "f"), `${l}:${c}`).toThrow();
    expect(() => checkDiagnostic({ ...d(1, 1), file: "g" }, "x", "f")).toThrow();
    expect(() => checkDiagnostic({ ...d(1, 1), message: "" }, "x", "f")).toThrow();
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

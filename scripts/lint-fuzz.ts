/**
 * lint-fuzz.ts BIN [--seed N] [--count N] [--tool pfctl|ipsecctl|iked|sasyncd] [--no-emu] [--keep DIR] [--show N] - a seeded
 * mutation fuzzer of hand-written configuration files. It starts from realistic seed files (the accepted cases of
 * test/fixtures/oracle/{ipsecctl,pfctl,iked,sasyncd} and of the shared golden folders: the guides' examples and the files
 * our examples render), applies one to three mutations users make (a dropped, doubled or swapped token, a typo in a
 * keyword, the other address family, a lost brace or quote, an unknown macro, a bad port or port range, `from any
 * to` variants, options in another order, an extra newline or continuation backslash, comments in odd places, lists
 * with and without commas, …), runs OpenBSD's own parser (BIN as built by ../shared/oracle/build.sh) and our lint
 * (sdk/lint) and, unless --no-emu, the lab emulator's `-nv` (test/unit/emu/harness.ts) on each (sasyncd: BIN/sasyncd
 * as scripts/oracle-sasyncd.sh builds it, run `-d -v -v -n -c`; a file it never finishes counts as refused), and reports the
 * disagreements grouped by kind — verdict (valid vs invalid), first error on another line, first error in other
 * words, emulator stdout/stderr/exit status — and within a kind by OpenBSD's first error, most frequent first. A
 * file OpenBSD refuses only for a name it could not resolve (DNS, or an interface group: lint accepts names, which
 * only the host can resolve) is counted apart from the verdicts.
 *
 * A development tool (CI has no oracle), not part of `npm test`:
 *   npx tsx scripts/lint-fuzz.ts /work/wt/oracle-out/bin --seed 1 --count 300 --tool pfctl
 * --keep DIR writes each disagreeing case in the fixture layout (NAME.conf [+ NAME.anchor]) so that
 * scripts/record-oracle.sh can record it.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { constants as osConstants, tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { hasErrors, lintFile } from "../sdk/lint";
import { goldenInterfaces, sandbox } from "../test/unit/emu/harness";
import { GOLDEN_PF_INTERFACES, goldenCases, type GoldenCase } from "../test/unit/lint/golden-cases";
import { rng } from "./seeded-random";

type Tool = "ipsecctl" | "pfctl" | "iked" | "sasyncd";
const ALL_TOOLS: readonly Tool[] = ["ipsecctl", "pfctl", "iked", "sasyncd"];

// ---------------------------------------------------------------------------------------------- arguments
const argv = process.argv.slice(2);
const opt = (k: string, d: string): string => {
  const i = argv.indexOf(k);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : d;
};
const BIN0 = argv[0];
if (!BIN0 || BIN0.startsWith("--")) {
  console.error("usage: npx tsx scripts/lint-fuzz.ts BIN [--seed N] [--count N] [--tool pfctl|ipsecctl|iked|sasyncd] [--no-emu] [--keep DIR] [--show N]");
  process.exit(2);
}
const BIN = existsSync(path.join(BIN0, "pfctl")) ? path.resolve(BIN0) : path.resolve(BIN0, "bin");
/** sasyncd only when its parser was built next to the others (scripts/oracle-sasyncd.sh). */
const TOOLS: readonly Tool[] = ALL_TOOLS.filter((t) => t !== "sasyncd" || existsSync(path.join(BIN, "sasyncd")));
const SEED = Number(opt("--seed", "1"));
const COUNT = Number(opt("--count", "100"));
const SHOW = Number(opt("--show", "2"));
const ONLY_TOOL = argv.includes("--tool") ? (opt("--tool", "") as Tool) : undefined;
if (ONLY_TOOL !== undefined && !TOOLS.includes(ONLY_TOOL)) {
  console.error(`--tool: one of ${TOOLS.join(", ")} (sasyncd needs BIN/sasyncd)`);
  process.exit(2);
}
const EMU = !argv.includes("--no-emu");
const KEEP = argv.includes("--keep") ? path.resolve(opt("--keep", "lint-fuzz-out")) : undefined;

// ---------------------------------------------------------------------------------------------- random
const rand = rng(SEED);
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

// ---------------------------------------------------------------------------------------------- seeds
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const FIXTURES = path.join(ROOT, "test/fixtures/oracle");
const GOLDEN = "/work/shared/golden";

interface Seed { tool: Tool; name: string; text: string; anchor?: string }

function seedsOf(tool: Tool, dir: string, tag: string): Seed[] {
  if (!existsSync(dir)) return [];
  const out: Seed[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith(".conf")).sort()) {
    const name = f.slice(0, -5);
    if (existsSync(path.join(dir, `${name}.files`))) continue; // needs side files
    const rc = existsSync(path.join(dir, `${name}.rc`)) ? readFileSync(path.join(dir, `${name}.rc`), "utf8").trim() : "";
    if (rc !== "0") continue;
    const text = readFileSync(path.join(dir, f), "utf8");
    if (/^\s*include\b|load anchor|\bfile\s+"/m.test(text)) continue; // names other files
    const a = path.join(dir, `${name}.anchor`);
    out.push({ tool, name: `${tag}/${name}`, text, ...(existsSync(a) ? { anchor: readFileSync(a, "utf8").split("\n")[0]!.trim() } : {}) });
  }
  return out;
}

const SEEDS: Record<Tool, Seed[]> = { ipsecctl: [], pfctl: [], iked: [], sasyncd: [] };
for (const t of TOOLS) SEEDS[t] = [...seedsOf(t, path.join(FIXTURES, t), "fixture"), ...seedsOf(t, path.join(GOLDEN, t), "golden")];

// ---------------------------------------------------------------------------------------------- mutations
/** Tokens of a config file: words, quoted strings, punctuation, whitespace runs, comments. */
function tokenize(text: string): string[] {
  return text.match(/"[^"\n]*"?|#[^\n]*|\\\n|\n|[ \t]+|[{}(),<>=!\/:;]|[^\s{}(),<>=!"#\/:;\\]+|\\/g) ?? [];
}
const isWord = (t: string) => /^[^\s{}(),<>=!"#\/:;\\]+$/.test(t);
const KEYWORDS: Record<Tool, readonly string[]> = {
  pfctl: ["pass", "block", "match", "in", "out", "on", "from", "to", "any", "proto", "tcp", "udp", "icmp", "icmp6", "port", "inet", "inet6", "keep", "state", "quick", "log", "nat-to", "rdr-to", "table", "persist", "const", "set", "skip", "egress", "self", "urpf-failed", "flags", "modulate", "synproxy", "label", "tag", "tagged", "user", "group", "all", "anchor", "no", "scrub", "max-mss", "antispoof", "for", "route-to", "queue", "received-on", "rtable", "divert-to", "timeout", "limit", "block-policy", "return", "drop", "af-to", "binat-to", "static-port", "round-robin", "sticky-address"],
  ipsecctl: ["ike", "esp", "ah", "ipcomp", "ipip", "flow", "from", "to", "any", "peer", "local", "main", "quick", "auth", "enc", "group", "psk", "srcid", "dstid", "tunnel", "transport", "spi", "authkey", "enckey", "active", "passive", "dynamic", "proto", "port", "in", "out", "tag", "type", "require", "use", "deny", "bypass", "lifetime", "aggressive", "rsa", "tcpmd5", "udpencap"],
  sasyncd: ["interface", "group", "peer", "listen", "on", "inet", "inet6", "port", "flushmode", "startup", "never", "sync", "mode", "master", "slave", "skipslave", "control", "isakmpd", "iked", "all", "none", "sharedkey", "carp0", "0x00112233445566778899aabbccddeeff"],
  iked: ["ikev2", "ikev1", "esp", "ah", "from", "to", "any", "peer", "local", "ikesa", "childsa", "auth", "enc", "prf", "group", "psk", "srcid", "dstid", "tunnel", "transport", "active", "passive", "dynamic", "proto", "port", "tag", "tap", "lifetime", "bytes", "config", "address", "name-server", "set", "fragmentation", "mobike", "couple", "decouple", "ocsp", "rsa", "ecdsa256", "eap", "mschap-v2", "quick", "skip", "default", "user", "ipcomp", "sa", "request", "iface"],
};
const ADDRS = ["10.0.0.1", "10.1.0.0/24", "192.0.2.1", "2001:db8::1", "2001:db8::/32", "fe80::1%em0", "::1", "0.0.0.0/0", "::/0", "10.0.0.0/33", "300.1.2.3", "em0", "em1:network", "(em1)", "egress", "self", "any", "$nosuch", "<nosuch>", "10.0.0.1 - 10.0.0.9", "!10.0.0.1", "no-route", "nosuchhost.invalid"];
const PORTS = ["0", "65535", "65536", "70000", "22:80", "80:22", "1024 >< 80", "1024:65535", "ssh", "nosuchsvc", "-1", "{ 22 80 }", "{ 22, 80 }", "!= 22", "> 1024", "<= 0", "isakmp", "ipsec-nat-t"];
const FROMTO = ["from any to any", "from any", "to any", "all", "from any to", "from to any", "from { } to any", "from self to any port 22", "from any port 22", "from ! any to any", "from 10.0.0.0/8 to 2001:db8::/32", "from (em0) to any"];

interface Mutated { text: string; how: string[] }

function lineStarts(text: string): number[] {
  const s = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") s.push(i + 1);
  return s;
}

/** One random mutation; returns the new text and a short description. */
function mutate(tool: Tool, text: string): [string, string] {
  const toks = tokenize(text);
  const words = toks.map((t, i) => [t, i] as const).filter(([t]) => isWord(t));
  const wi = () => (words.length ? pick(words)[1] : 0);
  const lines = text.split("\n");
  const setTok = (i: number, v: string) => [...toks.slice(0, i), v, ...toks.slice(i + 1)].join("");
  const m = int(0, 24);
  switch (m) {
    case 0: { const i = wi(); return [setTok(i, ""), `drop token ${JSON.stringify(toks[i])}`]; }
    case 1: { const i = wi(); return [setTok(i, `${toks[i]} ${toks[i]}`), `double token ${JSON.stringify(toks[i])}`]; }
    case 2: { // swap two adjacent words
      const i = wi(); const j = words.find(([, k]) => k > i)?.[1];
      if (j === undefined) return [text, "noop"];
      const t = [...toks]; [t[i], t[j]] = [t[j]!, t[i]!]; return [t.join(""), `swap ${JSON.stringify(toks[i])} and ${JSON.stringify(toks[j])}`];
    }
    case 3: { // typo in a keyword-ish word
      const i = wi(); const w = toks[i] ?? "";
      if (w.length < 2) return [text, "noop"];
      const k = int(0, w.length - 1); const ops = [w.slice(0, k) + w.slice(k + 1), w.slice(0, k) + w[k]! + w.slice(k), w.slice(0, k) + pick("aeiostnr".split("")) + w.slice(k + 1), k + 1 < w.length ? w.slice(0, k) + w[k + 1]! + w[k]! + w.slice(k + 2) : w.toUpperCase()];
      const v = pick(ops); return [setTok(i, v), `typo ${JSON.stringify(w)} -> ${JSON.stringify(v)}`];
    }
    case 4: { const i = wi(); const v = pick(KEYWORDS[tool]); return [setTok(i, v), `replace ${JSON.stringify(toks[i])} with keyword ${v}`]; }
    case 5: { const i = wi(); const v = pick(KEYWORDS[tool]); return [setTok(i, `${toks[i]} ${v}`), `insert keyword ${v} after ${JSON.stringify(toks[i])}`]; }
    case 6: { // an address in place of an address-looking word
      const cand = words.filter(([t]) => /^[0-9a-f:.]+(\/\d+)?$|^\$|^any$|^egress$|^self$/i.test(t) && /[.:]|any|egress|self|\$/.test(t));
      const i = cand.length ? pick(cand)[1] : wi(); const v = pick(ADDRS); return [setTok(i, v), `address ${JSON.stringify(toks[i])} -> ${v}`];
    }
    case 7: { // a port
      const pi = toks.findIndex((t, k) => t === "port" && k > int(0, toks.length));
      const at = pi >= 0 ? pi : toks.indexOf("port");
      if (at < 0) { const i = wi(); const v = `port ${pick(PORTS)}`; return [setTok(i, `${toks[i]} ${v}`), `insert ${v}`]; }
      let j = at + 1; while (j < toks.length && /^[ \t]+$/.test(toks[j]!)) j++;
      const v = pick(PORTS); return [setTok(j, v), `port ${JSON.stringify(toks[j])} -> ${v}`];
    }
    case 8: { // from/to variants
      const re = /from\s+\S+(\s+port\s+\S+)?\s+to\s+\S+/g; const hits = [...text.matchAll(re)];
      if (!hits.length) return [text, "noop"];
      const h = pick(hits); const v = pick(FROMTO);
      return [text.slice(0, h.index!) + v + text.slice(h.index! + h[0].length), `${JSON.stringify(h[0])} -> ${JSON.stringify(v)}`];
    }
    case 9: { // drop a brace / paren / quote
      const cand = toks.map((t, i) => [t, i] as const).filter(([t]) => /^[{}()]$/.test(t) || t.startsWith('"'));
      if (!cand.length) return [text, "noop"];
      const [t, i] = pick(cand);
      const v = t.startsWith('"') ? (rand() < 0.5 ? t.slice(1) : t.replace(/"$/, "")) : "";
      return [setTok(i, v), `lose ${JSON.stringify(t)} -> ${JSON.stringify(v)}`];
    }
    case 10: { const i = wi(); return [setTok(i, `$${pick(["nosuch", "ext_if", "int_if", "LAN", "peer"])}`), `macro in place of ${JSON.stringify(toks[i])}`]; }
    case 11: { // newline or continuation between words
      const i = wi(); const v = rand() < 0.5 ? "\n" : " \\\n  ";
      return [setTok(i, `${toks[i]}${v}`), `${JSON.stringify(v)} after ${JSON.stringify(toks[i])}`];
    }
    case 12: { // comment in an odd place
      const i = wi(); const v = pick([" # note\n", "# note ", " #", "\\\n# c\n"]);
      return [setTok(i, `${toks[i]}${v}`), `comment ${JSON.stringify(v)} after ${JSON.stringify(toks[i])}`];
    }
    case 13: { // list commas
      const open = toks.indexOf("{", int(0, Math.max(0, toks.length - 1)));
      const o = open >= 0 ? open : toks.indexOf("{");
      if (o < 0) { const i = wi(); return [setTok(i, `{ ${toks[i]}, ${toks[i]} }`), `list of ${JSON.stringify(toks[i])}`]; }
      const close = toks.indexOf("}", o); if (close < 0) return [text, "noop"];
      const t = [...toks];
      const how = pick(["drop commas", "add commas", "trailing comma", "empty list", "leading comma", "no spaces"]);
      for (let k = o + 1; k < close; k++) {
        if (how === "drop commas" && t[k] === ",") t[k] = " ";
        if (how === "add commas" && /^[ \t]+$/.test(t[k]!) && k > o + 1 && k + 1 < close) t[k] = ", ";
        if (how === "empty list") t[k] = "";
        if (how === "no spaces" && /^[ \t]+$/.test(t[k]!)) t[k] = "";
      }
      if (how === "trailing comma") t[close] = ", }";
      if (how === "leading comma") t[o] = "{ ,";
      return [t.join(""), `list: ${how}`];
    }
    case 14: { const i = int(0, lines.length - 1); return [[...lines.slice(0, i), ...lines.slice(i + 1)].join("\n"), `delete line ${i + 1}`]; }
    case 15: { const i = int(0, lines.length - 1); return [[...lines.slice(0, i + 1), lines[i]!, ...lines.slice(i + 1)].join("\n"), `duplicate line ${i + 1}`]; }
    case 16: { // swap two lines
      const i = int(0, lines.length - 1), j = int(0, lines.length - 1); const l = [...lines]; [l[i], l[j]] = [l[j]!, l[i]!];
      return [l.join("\n"), `swap lines ${i + 1} and ${j + 1}`];
    }
    case 17: { // option order: swap two word groups on one line (keyword + its argument)
      const cand = lines.map((l, k) => [l, k] as const).filter(([l]) => l.trim().split(/\s+/).length >= 4 && !l.trim().startsWith("#"));
      if (!cand.length) return [text, "noop"];
      const [l, k] = pick(cand); const ws = l.trim().split(/\s+/); const a = int(1, ws.length - 2);
      const b = Math.min(ws.length - 2, a + 2); const w = [...ws]; [w[a], w[a + 1], w[b], w[b + 1]] = [ws[b]!, ws[b + 1]!, ws[a]!, ws[a + 1]!];
      return [[...lines.slice(0, k), w.join(" "), ...lines.slice(k + 1)].join("\n"), `reorder on line ${k + 1}`];
    }
    case 18: { // wrong family: turn an IPv4 into IPv6 or the reverse, or flip inet/inet6
      const i4 = words.filter(([t]) => /^\d+\.\d+\.\d+\.\d+(\/\d+)?$/.test(t)); const fam = words.filter(([t]) => t === "inet" || t === "inet6");
      if (fam.length && rand() < 0.4) { const [t, i] = pick(fam); return [setTok(i, t === "inet" ? "inet6" : "inet"), `family ${t} flipped`]; }
      if (!i4.length) return [text, "noop"];
      const [t, i] = pick(i4); const v = t.includes("/") ? "2001:db8::/48" : "2001:db8::5";
      return [setTok(i, v), `IPv4 ${t} -> ${v}`];
    }
    case 19: { // a macro definition users get wrong
      const v = pick(['ext_if = "em1"\n', 'lan = "{ 10.0.0.0/8 172.16.0.0/12 }"\n', 'x = em1\n', 'bad-name = "1"\n', 'pass = "1"\n', 'y = "unterminated\n', 'z="1" "2"\n', 'q = $nosuch\n']);
      const k = int(0, lines.length - 1); return [[...lines.slice(0, k), v.replace(/\n$/, ""), ...lines.slice(k)].join("\n"), `insert ${JSON.stringify(v)} at line ${k + 1}`];
    }
    case 20: { // tables (pf) / a stray word elsewhere
      if (tool === "pfctl") {
        const v = pick(["table <t> { 10.0.0.1 }", "table <t> persist { 10.0.0.1, 2001:db8::1 }", "table <t> const { }", "table <t> { 10.0.0.0/33 }", "table t { 10.0.0.1 }", "table <t> { !10.0.0.1 self }", "pass in from <t> to any", "pass in from <nosuch> to any", "block drop in quick on egress from <t>"]);
        const k = int(0, lines.length); return [[...lines.slice(0, k), v, ...lines.slice(k)].join("\n"), `insert ${JSON.stringify(v)} at line ${k + 1}`];
      }
      const i = wi(); return [setTok(i, `${toks[i]} ${pick(["yes", "1", "none", "default", "\"x\""])}`), `stray word after ${JSON.stringify(toks[i])}`];
    }
    case 21: { // a number out of range
      const nums = words.filter(([t]) => /^\d+$/.test(t));
      if (!nums.length) return [text, "noop"];
      const [t, i] = pick(nums); const v = pick(["0", "-1", "4294967296", "65536", "99999999999", "08", "0x10", "1.5"]);
      return [setTok(i, v), `number ${t} -> ${v}`];
    }
    case 22: { // a rule continued on the next line (`\`-newline): which line does each error name?
      const ws = toks.map((t, i) => [t, i] as const).filter(([t, i]) => /^[ \t]+$/.test(t) && i > 0 && toks[i - 1] !== "\n" && toks[i + 1] !== "\n" && !toks[i + 1]?.startsWith("#"));
      if (!ws.length) return [text, "noop"];
      const [, i] = pick(ws); return [setTok(i, " \\\n\t"), `continue the line after ${JSON.stringify(toks[i - 1])}`];
    }
    case 23: { // the line ends early, where a value is due: the newline is the token the parser fails on
      const i = wi(); let j = i + 1;
      while (j < toks.length && toks[j] !== "\n") j++;
      if (j === i + 1) return [text, "noop"];
      return [[...toks.slice(0, i + 1), ...toks.slice(j)].join(""), `line ends after ${JSON.stringify(toks[i])}`];
    }
    default: { // whitespace oddities
      const v = pick(["\t", "\r", "  ", ""]); const ws = toks.map((t, i) => [t, i] as const).filter(([t]) => /^[ \t]+$/.test(t));
      if (!ws.length) return [text, "noop"];
      const [, i] = pick(ws); return [setTok(i, v || ""), `whitespace -> ${JSON.stringify(v)}`];
    }
  }
}

function mutateN(tool: Tool, text: string): Mutated {
  const how: string[] = [];
  let t = text;
  const n = rand() < 0.7 ? 1 : int(2, 3);
  for (let k = 0; k < n; k++) {
    const [t2, h] = mutate(tool, t);
    if (h !== "noop") { t = t2; how.push(h); }
  }
  return { text: t, how };
}

// ---------------------------------------------------------------------------------------------- running
interface OracleRun { stdout: string; stderr: string; code: number }

/** The command line each tool's case runs with (the oracle's and the emulator's). */
function toolArgs(tool: Tool, name: string, anchor: string | undefined): string[] {
  if (tool === "sasyncd") return ["-d", "-v", "-v", "-n", "-c", `${name}.conf`];
  return tool === "pfctl" ? [...(anchor ? ["-a", anchor] : []), "-nv", "-f", `${name}.conf`] : ["-nv", "-f", `${name}.conf`];
}

function runOracle(tool: Tool, dir: string, name: string, anchor: string | undefined): OracleRun {
  const r = spawnSync(path.join(BIN, tool), toolArgs(tool, name, anchor), { cwd: dir, encoding: "utf8", timeout: tool === "sasyncd" ? 3000 : 20000 });
  // killed after the timeout: -1 (a sasyncd that never finishes); killed by a signal of its own (iked's SIGSEGV):
  // 128 + the signal's number, as a shell reports it (and record-oracle.sh records it)
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === "ETIMEDOUT";
  const code = r.status ?? (timedOut || !r.signal ? -1 : 128 + (osConstants.signals[r.signal] ?? 0));
  return { stdout: r.stdout ?? "", stderr: r.stderr ?? "", code };
}

const KIND = { ipsecctl: "ipsec", pfctl: "pf", iked: "iked", sasyncd: "sasyncd" } as const;

function lintOf(c: GoldenCase) {
  return lintFile(c.file, c.text, { kind: KIND[c.tool as Tool], mode: 0o600, include: () => undefined, ...(c.kind === "pf" ? { pfInterfaces: GOLDEN_PF_INTERFACES, ...(c.anchor ? { pfAnchor: c.anchor } : {}) } : {}) });
}

/**
 * True when every error OpenBSD printed is a name it could not resolve (`no IP address found for NAME[/LEN]`): on a
 * host, a DNS name or (with or without a mask) an interface group, which lint cannot tell from the file.
 */
function dnsOnly(stderr: string): boolean {
  const names = [...stderr.matchAll(/^no IP address found for (\S+)$/gm)].map((m) => m[1]!);
  const errors = stderr.split("\n").filter((l) => /: \d+: /.test(l));
  return names.length > 0 && names.every((n) => /^[A-Za-z0-9][A-Za-z0-9.-]*(\/\d+)?$/.test(n) && /[A-Za-z]/.test(n)) && errors.every((l) => l.endsWith("could not parse host specification"));
}

type DKind = "verdict: OpenBSD accepts, lint rejects" | "verdict: OpenBSD rejects, lint accepts" | "name left to the host: DNS or an interface group (lint accepts names)" | "first error on another line" | "first error in other words" | "emulator -nv stdout differs" | "emulator stderr/exit differs";

interface Finding { kind: DKind; tool: Tool; seed: string; how: string[]; text: string; obsd: string; ours: string; group: string; anchor?: string }

/** Groups an error text: quoted values and numbers replaced so that one class is one group. */
const norm = (s: string) => s.replace(/fz\d+\.conf/g, "F").replace(/"[^"]*"|'[^']*'|`[^`]*`/g, "Q").replace(/\b\d+(\.\d+)*\b/g, "N").slice(0, 90);

/** The first line where two outputs differ, normalized: `OpenBSD's | ours`. */
function firstDiff(a: string, b: string): string {
  const x = a.split("\n"), y = b.split("\n");
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return `${norm(x[i] ?? "(end)")} | ours: ${norm(y[i] ?? "(end)")}`;
}

/**
 * Seeds the oracle's host accepts as they are (run once each). A fixture recorded on OpenBSD and corrected by hand
 * for this host's differences (Debian's /etc/protocols names 255 `reserved` otherwise, …) is refused here: every
 * mutation of it would differ for that reason alone, so it is left out (counted in the totals).
 */
const hostVerdicts = new Map<string, boolean>();
function hostAccepts(seed: Seed, work: string): boolean {
  let ok = hostVerdicts.get(seed.name);
  if (ok === undefined) {
    const dir = path.join(work, "seed-check");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    writeFileSync(path.join(dir, "seed.conf"), seed.text, { mode: 0o600 });
    ok = runOracle(seed.tool, dir, "seed", seed.anchor).code === 0;
    hostVerdicts.set(seed.name, ok);
  }
  return ok;
}

async function main(): Promise<void> {
  const tools = ONLY_TOOL ? [ONLY_TOOL] : TOOLS;
  const work = mkdtempSync(path.join(tmpdir(), "lint-fuzz-"));
  const findings: Finding[] = [];
  const totals: Record<string, { n: number; agree: number; oValid: number; same: number } & Partial<Record<DKind, number>>> = {};
  try {
    for (let n = 0; n < COUNT; n++) {
      const tool = tools[n % tools.length]!;
      const seed = pick(SEEDS[tool]);
      if (!hostAccepts(seed, work)) { n--; continue; }
      const m = mutateN(tool, seed.text);
      if (m.how.length === 0 || m.text === seed.text) { n--; continue; }
      const t = (totals[tool] ??= { n: 0, agree: 0, oValid: 0, same: 0 });
      t.n++;
      const dir = path.join(work, `c${n}`);
      mkdirSync(dir);
      const name = `fz${n}`;
      writeFileSync(path.join(dir, `${name}.conf`), m.text);
      chmodSync(path.join(dir, `${name}.conf`), 0o600);
      const o = runOracle(tool, dir, name, seed.anchor);
      writeFileSync(path.join(dir, `${name}.out`), o.stdout);
      writeFileSync(path.join(dir, `${name}.err`), o.stderr);
      writeFileSync(path.join(dir, `${name}.rc`), `${o.code}\n`);
      if (seed.anchor) writeFileSync(path.join(dir, `${name}.anchor`), `${seed.anchor}\n`);
      const c = goldenCases(tool, dir)[0]!;
      if (c.valid) t.oValid++;
      const ds = lintOf(c);
      const first = ds.find((d) => d.severity === "error");
      const ours = first ? `${first.line}: ${first.message}` : "(accepted)";
      const obsd = c.valid ? "(accepted)" : c.errorLine !== undefined ? `${c.errorLine}: ${c.errorText}` : `(rejected) ${o.stderr.split("\n").filter((l) => l.trim())[0] ?? ""}`;
      const add = (kind: DKind, group: string) => {
        findings.push({ kind, tool, seed: seed.name, how: m.how, text: m.text, obsd, ours, group: `${tool}: ${group}`, ...(seed.anchor ? { anchor: seed.anchor } : {}) });
        t[kind] = (t[kind] ?? 0) + 1;
      };
      let lintOk = true;
      if (c.valid && hasErrors(ds)) { add("verdict: OpenBSD accepts, lint rejects", norm(first!.message)); lintOk = false; }
      // a word where an address goes is a name to ipsecctl and iked, resolved on the host at load time (the oracle has
      // no DNS and no groups but egress): lint accepts names by design, so such a file is counted apart
      else if (!c.valid && !first && dnsOnly(o.stderr)) { add("name left to the host: DNS or an interface group (lint accepts names)", norm(c.errorText ?? obsd)); lintOk = false; }
      // a name OpenBSD could not resolve here, and lint's first error after it: what a host that resolves it would say
      else if (!c.valid && first && dnsOnly(o.stderr) && c.errorLine !== undefined && first.line >= c.errorLine && !first.message.includes(c.errorText?.replace(/\.$/, "") ?? "\0")) { add("name left to the host: DNS or an interface group (lint accepts names)", `${norm(c.errorText ?? obsd)} | ours later: ${norm(first.message)}`); lintOk = false; }
      else if (!c.valid && !first) { add("verdict: OpenBSD rejects, lint accepts", norm(c.errorText ?? obsd)); lintOk = false; }
      else if (!c.valid && first) {
        if (c.errorLine !== undefined && first.line !== c.errorLine) { add("first error on another line", `${norm(c.errorText ?? "")} | ours: ${norm(first.message)}`); lintOk = false; }
        else if (c.errorText !== undefined && !first.message.includes(c.errorText.replace(/\.$/, ""))) { add("first error in other words", `${norm(c.errorText)} | ours: ${norm(first.message)}`); lintOk = false; }
      }
      if (lintOk) t.agree++;
      if (EMU) {
        const sb = await sandbox();
        try {
          await sb.setInterfaces(goldenInterfaces());
          await sb.write(`${name}.conf`, m.text);
          let e: { stdout: string; stderr: string; code: number };
          try {
            // a sasyncd that never finishes (the oracle was killed: -1) is not run in the emulator, which hangs too
            e = tool === "sasyncd" && o.code === -1 ? o : await sb.run(tool, toolArgs(tool, name, seed.anchor));
          } catch (err) {
            e = { stdout: "", stderr: `emulator crashed: ${err instanceof Error ? err.message : String(err)}\n`, code: -1 };
          }
          let emuOk = true;
          // a `source-hash` without a key draws a random one (parse.y's hashkey): both print one, never the same
          const drawn = (x: string) => x.replace(/ source-hash 0x[0-9a-f]{32}/g, " source-hash 0x(key)");
          if (e.stdout !== o.stdout && drawn(e.stdout) !== drawn(o.stdout)) { add("emulator -nv stdout differs", `${c.valid ? "valid" : "invalid"} file: ${firstDiff(o.stdout, e.stdout)}`); emuOk = false; }
          else if (e.stderr !== o.stderr || e.code !== o.code) { add("emulator stderr/exit differs", e.stderr !== o.stderr ? firstDiff(o.stderr, e.stderr) : `exit ${o.code} | ours: exit ${e.code}`); emuOk = false; }
          if (emuOk) t.same++;
        } finally {
          await sb.done();
        }
      }
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  // report: by kind, then by group (most frequent first), a few examples each
  const kinds = [...new Set(findings.map((f) => f.kind))];
  for (const k of kinds) {
    const fs = findings.filter((f) => f.kind === k);
    console.log(`\n=== ${k}: ${fs.length}`);
    const groups = new Map<string, Finding[]>();
    for (const f of fs) groups.set(f.group, [...(groups.get(f.group) ?? []), f]);
    for (const [g, gs] of [...groups].sort((a, b) => b[1].length - a[1].length)) {
      console.log(`  [${gs.length}] ${g}`);
      for (const f of gs.slice(0, SHOW)) {
        console.log(`     ${f.seed} + ${f.how.join("; ")}`);
        console.log(`       OpenBSD: ${f.obsd.slice(0, 160)}\n       ours:    ${f.ours.slice(0, 160)}`);
      }
    }
  }
  if (KEEP) {
    mkdirSync(KEEP, { recursive: true });
    findings.forEach((f, i) => {
      const tdir = path.join(KEEP, f.tool); mkdirSync(tdir, { recursive: true });
      writeFileSync(path.join(tdir, `fz${SEED}-${i}.conf`), f.text);
      if (f.anchor) writeFileSync(path.join(tdir, `fz${SEED}-${i}.anchor`), `${f.anchor}\n`);
      writeFileSync(path.join(tdir, `fz${SEED}-${i}.txt`), `${f.kind}\n${f.seed} + ${f.how.join("; ")}\nOpenBSD: ${f.obsd}\nours: ${f.ours}\n`);
    });
  }
  console.log(`\n--- totals (seed ${SEED}, count ${COUNT})`);
  const refused = [...hostVerdicts].filter(([, ok]) => !ok).map(([name]) => name);
  if (refused.length) console.log(`seeds left out (the oracle's host refuses them unmutated): ${refused.join(", ")}`);
  for (const [tool, t] of Object.entries(totals)) {
    const dk = (Object.keys(t) as string[]).filter((k) => !["n", "agree", "oValid", "same"].includes(k)).map((k) => `${k}: ${(t as Record<string, number>)[k]}`).join(", ");
    console.log(`${tool}: ${t.n} files (${t.oValid} accepted by OpenBSD); lint agrees ${t.agree}/${t.n}${EMU ? `, emulator same ${t.same}/${t.n}` : ""}${dk ? `; ${dk}` : ""}`);
  }
  void copyFileSync;
}

void main();

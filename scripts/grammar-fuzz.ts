/**
 * grammar-fuzz.ts BIN TOOL [--seed N] [--count N] [--statements N] [--compose] [--queues] [--show N] - files drawn
 * from the grammar (scripts/grammar-rules.ts) run through OpenBSD's own parser (BIN as ../shared/oracle/build.sh builds
 * it: `pfctl -nv`, `ipsecctl -nv`, `iked -nv`) and the lab emulator's (test/unit/emu/harness.ts), stdout, stderr and
 * exit status compared. Prints the first differing files (default 12) and the totals.
 *
 * Where lint-fuzz.ts mutates files users wrote, this one reaches the grammar's combinations nobody wrote: a statement
 * of several lists with pools and options, expand_rule's checks in their order, the optimizer on rules of many kinds.
 * `--compose` first draws single statements until 120 are accepted by OpenBSD, then builds each file of `--statements`
 * of them (the optimizer, default peers, ordering); `--queues` adds pf queue trees and rules that set queues.
 * `--cut` ends a third of the statements early, after a random word, and adds a statement after each: the newline is
 * then the token the parser fails on, and where yacc's recovery ends decides whether the next line is read.
 *
 * A development tool (CI has no oracle), not part of `npm test`:
 *   npx tsx scripts/grammar-fuzz.ts /work/wt/oracle-out/bin pfctl --seed 1 --count 200 --statements 5 --compose
 * Keep a differing file as a case with scripts/record-oracle.sh once the difference is understood.
 * Known differences: errno text after err() (`ipsecctl: invalid time unit: …`), `set fingerprints` (outside the
 * model).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { tmpdir } from "node:os";
import { goldenInterfaces, sandbox } from "../test/unit/emu/harness";
import { Draw, ikedStatement, ipsecRule, PF_TABLES, pfStatement } from "./grammar-rules";
import { rng } from "./seeded-random";

const argv = process.argv.slice(2);
const opt = (k: string, d: string): string => {
  const i = argv.indexOf(k);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : d;
};
const [BIN, TOOL] = argv;
if (!BIN || (TOOL !== "pfctl" && TOOL !== "ipsecctl" && TOOL !== "iked")) {
  console.error("usage: grammar-fuzz.ts BIN pfctl|ipsecctl|iked [--seed N] [--count N] [--statements N] [--compose] [--queues] [--cut] [--show N]");
  process.exit(2);
}
const SEED = Number(opt("--seed", "1"));
const COUNT = Number(opt("--count", "200"));
const STATEMENTS = Number(opt("--statements", "1"));
const SHOW = Number(opt("--show", "12"));
const d = new Draw(rng(SEED));

const draw = (): string => (TOOL === "pfctl" ? pfStatement(d, argv.includes("--queues")) : TOOL === "ipsecctl" ? ipsecRule(d) : ikedStatement(d));
const CUT = argv.includes("--cut");
/** `--cut`: the statement up to a random word (quoted strings kept whole), and the statement drawn after it. */
const cut = (s: string, next: () => string): string => {
  const words = s.match(/"[^"]*"|\S+/g) ?? [];
  if (!CUT || words.length < 2 || !d.chance(1 / 3)) return s;
  return `${words.slice(0, d.upTo(words.length - 1)).join(" ")}\n${next()}`;
};
const prefix = TOOL === "pfctl" ? PF_TABLES : "";
const dir = path.join(tmpdir(), `grammar-fuzz-${TOOL}-${SEED}`);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const oracle = (file: string) => spawnSync(path.join(BIN, TOOL), ["-nv", "-f", file], { encoding: "utf8", timeout: 10_000 });

// --compose: the statements of each file drawn from single ones OpenBSD accepts
const accepted: string[] = [];
for (let i = 0; argv.includes("--compose") && accepted.length < 120 && i < 5000; i++) {
  const one = draw();
  const f = path.join(dir, "probe.conf");
  writeFileSync(f, `${prefix}${one}\n`, { mode: 0o600 });
  if (oracle(f).status === 0) accepted.push(one);
}

const sb = await sandbox();
await sb.setInterfaces(goldenInterfaces());
let same = 0;
let acceptedFiles = 0;
let shown = 0;
for (let i = 0; i < COUNT; i++) {
  const name = `g${i}.conf`;
  const one = () => (accepted.length ? d.pick(accepted) : draw());
  const text = prefix + Array.from({ length: STATEMENTS }, () => cut(one(), one)).join("\n") + "\n";
  const file = path.join(dir, name);
  writeFileSync(file, text, { mode: 0o600 });
  const o = oracle(file);
  await sb.write(name, text);
  const e = await sb.run(TOOL, ["-nv", "-f", name]);
  if (o.status === 0) acceptedFiles++;
  const oErr = o.stderr.replaceAll(file, name);
  // a parser killed by a signal: the status a shell reports (128 + the signal), as the lab's does
  const status = o.status ?? (o.signal === "SIGSEGV" ? 139 : o.signal === "SIGABRT" ? 134 : -1);
  if (o.stdout === e.stdout && oErr === e.stderr && status === e.code) {
    same++;
    continue;
  }
  if (shown++ < SHOW) console.log(`== ${file}\n${text.slice(prefix.length)}-- OpenBSD (rc ${o.status ?? o.signal})\n${o.stdout}${oErr}-- lab (rc ${e.code})\n${e.stdout}${e.stderr}`);
}
console.log(`${TOOL} seed ${SEED}: ${same}/${COUNT} the same (${acceptedFiles} accepted by OpenBSD); files in ${dir}`);
await sb.done();

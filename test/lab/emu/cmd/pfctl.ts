/**
 * TEST DOUBLE — emulated pfctl(8) of the lab (not OpenBSD's pfctl).
 *
 * Parses with the pure printer test/lab/emu/pfctl-nv.ts (pfctl's own `-nv` output, golden-tested) and keeps the
 * loaded rules in the emulated kernel state (pf-kernel.ts). Emulated: `-n`, `-v`/`-vv`, `-o none|basic|profile`,
 * `-f FILE|-` (main ruleset: atomic, `load anchor … from …` loaded in the same transaction; named anchors
 * survive a main reload), `-a NAME -f FILE` (atomic replace of the anchor), `-s rules|Anchors|Tables|states` (with `-a`;
 * the lab keeps no states, so `-ss` prints nothing),
 * `-F rules|Tables|all` (with `-a`), `-e`, `-d`, `-q`. The order of work is pfctl.c main()'s: disable, show,
 * flush, load, enable. Other options are refused with an `emulator:` message rather than silently ignored.
 */
import type { Command, Io } from "../command";
import { argPath, readArgFile } from "../command";
import { readFileSync } from "node:fs";
import { interfaces, readState, withState } from "../state";
import { getopt, lookupOption } from "../ipsec-getopt";
import { calledAnchors, emptyPf, loadAnchorDirectives, pfInterfaces, splitLoad, type PfKernel, type PfRuleset } from "../pf-kernel";
import { randomBytes } from "node:crypto";
import { pfctlNv } from "../pfctl-nv";
import { Recent } from "../recent";

const USAGE =
  "usage: pfctl [-deghNnPqrvz] [-a anchor] [-D macro=value] [-F modifier] [-f file]\n" +
  "\t[-i interface] [-K key] [-k key] [-L statefile] [-o level]\n" +
  "\t[-p device] [-S statefile] [-s modifier [-R id]]\n" +
  "\t[-t table -T command [address ...]] [-V rdomain] [-x level]\n";

const CLEAR = ["rules", "Sources", "states", "info", "Tables", "osfp", "Reset", "all"];
const SHOW = ["queue", "rules", "Anchors", "Sources", "states", "info", "Interfaces", "labels", "timeouts", "memory", "Tables", "osfp", "all"];
const OPTI = ["none", "basic", "profile"];
/** Options pfctl has that the lab does not emulate: refused loudly. */
const NOT_EMULATED = "ghiKkLNPpRrSTtVxz";

interface Parsed {
  /** `-D NAME=VALUE` macros. */
  defines: Record<string, string>;
  anchor: string;
  recurse: boolean;
  wildcard: boolean;
  noaction: boolean;
  verbose: number;
  quiet: boolean;
  enable: boolean;
  disable: boolean;
  optimize: boolean;
  rules?: string;
  show?: string;
  clear?: string;
}

function usage(io: Io): number {
  io.err(USAGE);
  return 1;
}

const pfctl: Command = async (io) => {
  if (io.argv.length < 1) return usage(io);
  const g = getopt("pfctl", io.argv, "a:dD:eqf:F:ghi:k:K:L:Nno:Pp:R:rS:s:t:T:vV:x:z");
  if (!g.ok) {
    io.err(g.error);
    return usage(io);
  }
  const p: Parsed = { anchor: "", recurse: false, wildcard: false, noaction: false, verbose: 0, quiet: false, enable: false, disable: false, optimize: true, defines: {} };
  let anchoropt: string | undefined;
  let rdwr = false;
  for (const o of g.opts) {
    switch (o.ch) {
      case "a": anchoropt = o.arg!; break;
      case "d": p.disable = true; rdwr = true; break;
      case "e": p.enable = true; rdwr = true; break;
      case "q": p.quiet = true; break;
      case "D": {
        // pfctl_cmdline_symset: NAME=VALUE at the last `=`; the first definition of a name stays
        const eq = o.arg!.lastIndexOf("=");
        if (eq < 0) io.err(`pfctl: could not parse macro definition ${o.arg}\n`);
        else if (!Object.hasOwn(p.defines, o.arg!.slice(0, eq))) p.defines[o.arg!.slice(0, eq)] = o.arg!.slice(eq + 1);
        break;
      }
      case "n": p.noaction = true; break;
      case "v": p.verbose++; break;
      case "f": p.rules = o.arg!; rdwr = true; break;
      case "F": {
        const r = lookupOption(o.arg!, CLEAR, true);
        if (r.ambiguous) { io.err(`pfctl: ${o.arg} is ambigious\n`); return 1; }
        if (!r.item) { io.err(`pfctl: Unknown flush modifier '${o.arg}'\n`); return usage(io); }
        p.clear = r.item;
        rdwr = true;
        break;
      }
      case "s": {
        const r = lookupOption(o.arg!, SHOW, true);
        if (r.ambiguous) { io.err(`pfctl: ${o.arg} is ambigious\n`); return 1; }
        if (!r.item) { io.err(`pfctl: Unknown show modifier '${o.arg}'\n`); return usage(io); }
        p.show = r.item;
        break;
      }
      case "o": {
        const r = lookupOption(o.arg!, OPTI, true);
        if (r.ambiguous) { io.err(`pfctl: ${o.arg} is ambigious\n`); return 1; }
        if (!r.item) { io.err(`pfctl: Unknown optimization '${o.arg}'\n`); return usage(io); }
        p.optimize = r.item !== "none";
        break;
      }
      default:
        if (NOT_EMULATED.includes(o.ch)) {
          io.err(`pfctl: emulator: option -${o.ch} is not emulated by the lab\n`);
          return 1;
        }
        return usage(io);
    }
  }
  if (g.rest.length) {
    io.err(`pfctl: unknown command line argument: ${g.rest[0]} ...\n`);
    return usage(io);
  }
  if (anchoropt !== undefined) {
    if (anchoropt === "") { io.err("pfctl: anchor name must not be empty\n"); return 1; }
    if (!rdwr && p.show === undefined) {
      io.err("pfctl: anchors apply to -f, -F, -s, and -T only\n");
      return usage(io);
    }
    if (rdwr && (anchoropt.startsWith("_") || anchoropt.includes("/_"))) {
      io.err("pfctl: anchor names beginning with '_' cannot be modified from the command line\n");
      return 1;
    }
    let a = anchoropt;
    if (a.endsWith("*")) {
      if (a.length >= 2 && a[a.length - 2] === "/") { a = a.slice(0, -2); p.wildcard = true; } else a = a.slice(0, -1);
      p.recurse = true;
    }
    p.anchor = a;
  }
  if (p.noaction) {
    p.enable = p.disable = false;
    p.clear = p.show = undefined;
  }

  if (p.disable) {
    let was = false;
    await withState<PfKernel>("pf", emptyPf, (k) => {
      was = k.enabled;
      return { ...k, enabled: false };
    });
    if (!was) {
      io.err("pfctl: pf not enabled\n");
      return 1;
    }
    if (!p.quiet) io.err("pf disabled\n");
  }
  return run(io, p);
};

async function run(io: Io, p: Parsed): Promise<number> {
  let exit = 0;
  if (p.show) {
    const k = await readState<PfKernel>("pf", emptyPf);
    const r = show(io, p, k);
    if (r !== 0) return r;
  }
  if (p.clear) {
    const r = await clear(io, p);
    if (r !== 0) exit = r;
  }
  if (p.rules !== undefined) {
    const r = await load(io, p);
    if (r !== 0) return r;
  }
  if (p.enable) {
    let already = false;
    await withState<PfKernel>("pf", emptyPf, (k) => {
      already = k.enabled;
      return { ...k, enabled: true };
    });
    if (already) {
      io.err("pfctl: pf already enabled\n");
      return 1;
    }
    if (!p.quiet) io.err("pf enabled\n");
  }
  return exit;
}

/**
 * pf_remove_if_empty_ruleset(): an anchor without rules and tables goes, unless another anchor is still inside it
 * (an inline anchor's rules outlive a flush of its parent); once its last child goes, it goes too.
 */
function pruneEmpty(k: PfKernel): void {
  for (const a of Object.keys(k.rulesets).sort((x, y) => y.length - x.length)) {
    const rs = k.rulesets[a]!;
    const children = Object.keys(k.rulesets).some((c) => c.startsWith(`${a}/`));
    if (a !== "" && rs.rules.length === 0 && rs.tables.length === 0 && !children) delete k.rulesets[a];
  }
}

function exists(k: PfKernel, anchor: string): boolean {
  return anchor === "" || anchor in k.rulesets || calledAnchors(k.rulesets[""]).includes(anchor);
}

function counters(p: Parsed): string {
  if (!p.verbose) return "";
  return "  [ Evaluations: 0         Packets: 0         Bytes: 0           States: 0     ]\n" +
    `  [ Inserted: uid 0 pid ${process.pid} State Creations: 0     ]\n`;
}

function showRules(io: Io, p: Parsed, k: PfKernel, anchor: string, depth: number): void {
  const pad = p.verbose ? "" : "  ".repeat(depth);
  const rs = k.rulesets[anchor];
  (rs?.rules ?? []).forEach((r, i) => {
    const rule = `${pad}${p.verbose > 1 ? `@${i} ` : ""}${r}`;
    // pfctl_show_rules: an anonymous inline anchor's rules are printed inside braces, one level deeper
    const inline = rs?.inline?.[i];
    if (inline === undefined) return io.out(`${rule}\n${counters(p)}`);
    io.out(`${rule} {\n${counters(p)}`);
    showRules(io, p, k, inline, depth + 1);
    io.out(`${pad}}\n`);
  });
}

function childAnchors(k: PfKernel, parent: string): string[] {
  const all = new Set([...Object.keys(k.rulesets), ...calledAnchors(k.rulesets[""])]);
  all.delete("");
  return [...all].filter((a) => (parent === "" ? !a.includes("/") : a.startsWith(parent + "/") && !a.slice(parent.length + 1).includes("/"))).sort();
}

function show(io: Io, p: Parsed, k: PfKernel): number {
  switch (p.show) {
    case "rules": {
      if (!exists(k, p.anchor)) {
        io.err("pfctl: Anchor does not exist\n");
        return 0;
      }
      if (p.wildcard) {
        for (const c of childAnchors(k, p.anchor)) {
          io.out(`anchor "${c.slice(p.anchor ? p.anchor.length + 1 : 0)}" all {\n`);
          showRules(io, p, k, c, 1);
          io.out("}\n");
        }
        return 0;
      }
      showRules(io, p, k, p.anchor, 0);
      return 0;
    }
    case "Anchors": {
      // pfctl_walk_show: a top-level `_N` (an anonymous inline anchor), or any anchor under a path starting with
      // `_`, is listed only with -v
      const hidden = (c: string) => (c.includes("/") ? c.startsWith("_") : c.slice(c.lastIndexOf("/") + 1).startsWith("_"));
      const walk = (a: string): void => {
        for (const c of childAnchors(k, a)) {
          if (!hidden(c) || p.verbose) io.out(`  ${c}\n`);
          walk(c);
        }
      };
      walk(p.anchor);
      return 0;
    }
    case "states":
      // the lab keeps no pf states
      return 0;
    case "Tables": {
      for (const t of k.rulesets[p.anchor]?.tables ?? []) {
        const m = /^table <([^>]+)>/.exec(t);
        if (m) io.out(`${m[1]}\n`);
      }
      return 0;
    }
    default:
      io.err(`pfctl: emulator: -s ${p.show} is not emulated by the lab\n`);
      return 1;
  }
}

async function clear(io: Io, p: Parsed): Promise<number> {
  const quiet = p.quiet;
  switch (p.clear) {
    case "rules":
    case "Tables":
    case "all": {
      const what = p.clear;
      let tables = 0;
      const removed: string[] = [];
      await withState<PfKernel>("pf", emptyPf, (k) => {
        // pfctl_get_anchors: the anchor, then its descendants depth first in name order, each put at the head of
        // the list, so the deepest last one comes first and the anchor itself last
        const preorder: string[] = [];
        const visit = (a: string): void => {
          preorder.push(a);
          const kids = Object.keys(k.rulesets).filter((c) => c !== "" && (a === "" ? !c.includes("/") : c.startsWith(`${a}/`) && !c.slice(a.length + 1).includes("/")));
          for (const c of kids.sort()) visit(c);
        };
        visit(p.anchor);
        const targets = p.recurse ? preorder.reverse() : [p.anchor];
        for (const a of targets) {
          const rs: PfRuleset = k.rulesets[a] ?? { rules: [], tables: [] };
          if (what !== "rules") { tables += rs.tables.length; rs.tables = []; }
          if (what !== "Tables") {
            rs.rules = [];
            delete rs.inline;
          }
          removed.push(a);
          k.rulesets[a] = rs;
        }
        pruneEmpty(k);
        return k;
      });
      if (p.recurse) {
        io.out("Removing:\n");
        for (const a of removed) io.out(`  ${a === "" ? "/" : a}\n`);
        return 0;
      }
      if (quiet) return 0;
      if (what !== "rules") io.err(`${tables} tables deleted.\n`);
      if (what !== "Tables") io.err("rules cleared\n");
      if (what === "all" && p.anchor === "") {
        io.err("0 states cleared\n");
        io.err("source tracking entries cleared\n");
        io.err("pf: statistics cleared\n");
        io.err("pf: interface flags reset\n");
      }
      return 0;
    }
    case "states":
      if (!quiet) io.err("0 states cleared\n");
      return 0;
    default:
      io.err(`pfctl: emulator: -F ${p.clear} is not emulated by the lab\n`);
      return 1;
  }
}

/**
 * Read a rules file as pfctl does; on failure print pfctl's two warnings: parse.y pushfile's
 * `warn("%s: %s", __func__, name)` and parse_config's `cannot open the main config file!`.
 */
async function readRules(io: Io, file: string): Promise<{ text: string; name: string } | undefined> {
  try {
    return { text: await readArgFile(io, file), name: file === "-" ? "stdin" : file };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "No such file or directory" : code === "EISDIR" ? "Is a directory" : code === "EACCES" ? "Permission denied" : String(code);
    io.err(`pfctl: pushfile: ${file}: ${why}\n`);
    io.err(`pfctl: cannot open the main config file!: ${why}\n`);
    return undefined;
  }
}

/** A table file as pfctl opens it (relative to the working directory); undefined when it cannot be read. */
function readFile(io: Io, f: string): string | { error: string } | undefined {
  try {
    return readFileSync(argPath(io, f), "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === "EISDIR" ? { error: "Is a directory" } : code === "EACCES" ? { error: "Permission denied" } : undefined;
  }
}

/**
 * What {@link pfctlNv} printed for the same input lately (the resident emulator is asked `pfctl -a A -nv -f FILE` for
 * the same file on every read of a gateway): keyed by everything the printer is given, valid while every table file
 * it read (`table <t> file "…"`) still reads the same. The printer is pure, the result what it would print again,
 * except for a `source-hash` key it drew (never kept).
 */
const nvMemo = new Recent<string, { tables: [string, ReturnType<typeof readFile>][]; result: ReturnType<typeof pfctlNv> }>(32);

function memoNv(io: Io, text: string, name: string, o: Parameters<typeof pfctlNv>[2]): ReturnType<typeof pfctlNv> {
  const key = JSON.stringify([text, name, o.optimize, o.interfaces, o.verbose, o.anchor, o.knownQueues, o.defines]);
  const hit = nvMemo.get(key);
  if (hit && hit.tables.every(([f, r]) => JSON.stringify(readFile(io, f)) === JSON.stringify(r))) return hit.result;
  const tables: [string, ReturnType<typeof readFile>][] = [];
  const result = pfctlNv(text, name, {
    ...o,
    readFile: (f) => {
      const r = readFile(io, f);
      tables.push([f, r]);
      return r;
    },
  });
  // a drawn source-hash key is new on every run: such a result is not what the printer would print again
  if (!result.randomKeys) nvMemo.set(key, { tables, result });
  return result;
}

/**
 * The tables pfctl makes itself (a pool's `{ list }`, the optimizer's merged addresses) under the names a load gives
 * them: `-n` keeps add_opt_table()'s temporary `__automatic_N`, a load renames each as pf_opt_create_table() creates
 * it, `__automatic_<table_identifier>_<n>` (an arc4random() word drawn once per pfctl run, in hex; n counts from 0 in
 * the order the tables are made). `named` carries the run's word and count from one file of the load to the next.
 */
function loadedTableNames(stdout: string, named: { id: string; next: number; map: Map<string, string> }): string {
  return stdout.replace(/<__automatic_(\d+)>/g, (_, n: string) => {
    let name = named.map.get(n);
    if (name === undefined) named.map.set(n, (name = `__automatic_${named.id}_${named.next++}`));
    return `<${name}>`;
  });
}

async function load(io: Io, p: Parsed): Promise<number> {
  const nv = (t: string, n: string, o: Parameters<typeof pfctlNv>[2]) => memoNv(io, t, n, { ...o, defines: p.defines });
  const named = { id: randomBytes(4).readUInt32BE(0).toString(16), next: 0, map: new Map<string, string>() };
  const ifs = pfInterfaces(await interfaces());
  const notLoaded = () => {
    if (!p.noaction) io.err("pfctl: Syntax error in config file: pf rules not loaded\n");
    return 1;
  };
  const src = await readRules(io, p.rules!);
  if (!src) return notLoaded();
  const shown = nv(src.text, src.name, { optimize: p.optimize, interfaces: ifs, verbose: p.verbose > 0, anchor: p.anchor });
  io.out(shown.stdout);
  io.err(shown.stderr);
  // pfctl_rules: a queue tree errx()s at once; the leaf check fails the load with its own words
  if (shown.queueFailure === "errx") return 1;
  if (shown.queueFailure === "unloadable") {
    if (!p.noaction) io.err("pfctl: Unable to load queues into kernel\n");
    return 1;
  }
  if (shown.rc !== 0) return notLoaded();
  const staged: Record<string, PfRuleset> = {};
  Object.assign(staged, splitLoad(p.anchor, loadedTableNames(p.verbose > 0 ? shown.stdout : nv(src.text, src.name, { optimize: p.optimize, interfaces: ifs, verbose: true, anchor: p.anchor }).stdout, named)));
  // pfctl_load_anchors(): the `load anchor` directives of the file, named under the anchor it is loaded into (`-a`),
  // then, as each loaded file adds its own to the end of the list, theirs (`one/two`)
  const under = (prefix: string, text: string) => loadAnchorDirectives(text).map((la) => ({ ...la, anchor: prefix ? `${prefix}/${la.anchor}` : la.anchor }));
  const queue = under(p.anchor, src.text);
  for (const la of queue) {
    if (p.verbose) io.err(`\nLoading anchor ${la.anchor} from ${la.file}\n`);
    const sub = await readRules(io, la.file);
    let ok = false;
    if (sub) {
      const r = nv(sub.text, sub.name, { optimize: p.optimize, interfaces: ifs, verbose: true, anchor: la.anchor, knownQueues: shown.queueNames ?? [] });
      if (p.verbose) io.out(r.stdout);
      io.err(r.stderr);
      if (r.rc === 0) {
        // (add_opt_table's counter runs on over the files of one pfctl run)
        named.map.clear();
        Object.assign(staged, splitLoad(la.anchor, loadedTableNames(r.stdout, named)));
        queue.push(...under(la.anchor, sub.text));
        ok = true;
      }
    }
    if (!ok) {
      if (!p.noaction) io.err("pfctl: Syntax error in config file: pf rules not loaded\n");
      io.err("pfctl: load anchors\n");
      return 1;
    }
  }
  if (p.noaction) return 0;
  await withState<PfKernel>("pf", emptyPf, (k) => {
    for (const [a, rs] of Object.entries(staged)) k.rulesets[a] = rs;
    return k;
  });
  return 0;
}

export default pfctl;

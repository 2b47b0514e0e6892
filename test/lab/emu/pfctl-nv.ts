/**
 * Test double of OpenBSD's `pfctl -nv -f FILE` (and `pfctl -o none -nv -f FILE`): parses a pf file
 * with the model's parser (a rendition of pfctl's parse.y), prints what pfctl prints — macros,
 * options and tables while parsing, then every loaded rule — and exits like pfctl.
 * Pure: no I/O. Not OpenBSD: it says so in the lab, and golden/pfctl is the ground truth.
 *
 * Reproduced byte for byte: all 20 golden cases, with `-o none` and with the default optimizer.
 * Queue trees are checked and printed between the parse-time lines and the rules, as pfctl_load_queues does
 * (main ruleset only; `anchor` says which ruleset the file loads into). Not reproduced here: `load anchor`
 * files (cmd/pfctl.ts follows them); pf.conf features outside the model (sdk/model/pf/parser.ts), which are rejected with a message
 * saying so rather than accepted as pfctl would.
 */
import { OPENBSD_GROUPS, OPENBSD_USERS } from "./openbsd-accounts";
import { randomBytes } from "node:crypto";
import { formatStatement } from "../../../sdk/model/pf/render";
import { optimizeRules } from "../../../sdk/model/pf/optimize";
import { LABEL_SIZE, LABEL_TOO_LONG } from "../../../sdk/model/pf/expand-label";
import { parsePfDetailed } from "../../../sdk/model/pf/parser";
import type { PfInterface, PfRule } from "../../../sdk/model/pf/types";

/** The interfaces the golden pfctl cases were recorded with (golden/README.md). */
export const GOLDEN_INTERFACES: PfInterface[] = [
  { name: "em0", addresses: ["172.16.0.1/24"], groups: [] },
  { name: "em1", addresses: ["203.0.113.1/24"], groups: ["egress"] },
  { name: "lo0", addresses: ["::1/128", "fe80::1/64", "127.0.0.1/8"], groups: [] },
  { name: "enc0", addresses: [], groups: [] },
  { name: "carp1", addresses: ["172.16.0.254/24"], groups: ["carp"] },
  { name: "carp2", addresses: ["203.0.113.254/24"], groups: ["carp"] },
  { name: "gif0", addresses: [], groups: [] },
];

/** Options: `optimize: false` is `-o none`; `verbose: false` drops `-v` (default true). */
export interface PfctlNvOptions {
  optimize: boolean;
  interfaces: PfInterface[];
  /** `-a ANCHOR`: the anchor the file is loaded into (default: the main ruleset). */
  anchor?: string;
  /** Queues the main ruleset of the same load defined (for its `load anchor` files). */
  knownQueues?: readonly string[];
  verbose?: boolean;
  /** Reads a table file on the gateway (pfctl -n loads table files); undefined when unreadable. Default: not checked. */
  readFile?: (path: string) => string | { error: string } | undefined;
  /**
   * The key of a `source-hash` pool written without one: parse.y's `hashkey` draws four arc4random() words for it,
   * a new key on every run (so `-nv` twice, or `-nv` and the loaded rule's `-sr`, differ). Default: random.
   */
  hashKey?: () => string;
  /** The gateway's user and group ids by name (`user root`); default: OpenBSD's accounts (./openbsd-accounts). */
  userId?: (name: string) => number | undefined;
  groupId?: (name: string) => number | undefined;
  /** `-D NAME=VALUE` macros. */
  defines?: Readonly<Record<string, string>>;
}

/** OpenBSD's base ids the emulator knows without a passwd/group file. */

/** What pfctl printed and its exit status. */
export interface ToolResult {
  stdout: string;
  stderr: string;
  rc: number;
  /** The queue names the file defined (rules of its `load anchor` files may assign them). */
  queueNames?: string[];
  /** A `source-hash` pool without a key drew a random one: printing the same file again prints another. */
  randomKeys?: boolean;
  /** pfctl ended on its own terms: errx() (its `pfctl: …` line, e.g. a queue tree or anchors too deep), or queues unloadable. */
  queueFailure?: "errx" | "unloadable";
}

function lines(xs: readonly string[]): string {
  return xs.map((l) => l + "\n").join("");
}

/** Reproduces `pfctl [-o none] -nv -f FILE` for `text` read from `file`. */
export function pfctlNv(text: string, file: string, opts: PfctlNvOptions): ToolResult {
  const verbose = opts.verbose !== false;
  const out = parsePfDetailed(text, file, {
    interfaces: opts.interfaces, verbose, ...(opts.defines ? { defines: opts.defines } : {}), ...(opts.anchor ? { anchor: opts.anchor } : {}), ...(opts.knownQueues ? { knownQueues: opts.knownQueues } : {}), ...(opts.readFile ? { readFile: opts.readFile } : {}),
    userId: (n) => opts.userId?.(n) ?? account(OPENBSD_USERS, n), groupId: (n) => opts.groupId?.(n) ?? account(OPENBSD_GROUPS, n),
  });
  if (out.errors > 0) {
    const failure = out.errx ? "errx" : out.queueFailure;
    return { stdout: lines(out.echo), stderr: lines(out.stderr), rc: 1, ...(failure ? { queueFailure: failure } : {}) };
  }
  let level: "none" | "basic" | "profile" = opts.optimize ? "basic" : "none";
  if (opts.optimize) {
    // the first `set ruleset-optimization` wins (parse.y sets PF_OPT_OPTIMIZE with it; a later one is ignored)
    level = out.ruleset.options.find((o) => o.kind === "ruleset-optimization")?.level ?? level;
  }
  // each ruleset is optimized on its own, inline anchors' rules included
  // the optimizer's tables are numbered on from those parsing began (add_opt_table's one counter)
  // (an inline anchor's are printed inside its braces, as pfctl prints the anchor's ruleset)
  const made = { next: out.autoTables ?? 0, printed: [] as string[] };
  const inlineTables = new Map<PfRule, string[]>();
  // pfctl_load_ruleset(): after the optimizer, each rule's `$nr` is its number in its ruleset (pfctl_expand_label_nr);
  // a name that outgrows its buffer stops pfctl there (errx), after the rules loaded (printed) before it
  // (a name too long inside an inline anchor leaves that anchor out whole, although pfctl printed what came before it)
  let overflow = false;
  let tooLong: number | undefined;
  const opt = (rs: PfRule[], into: typeof made, top: boolean): PfRule[] =>
    (level === "none" ? rs : optimizeRules(rs, into)).map((r0, i) => {
      const r = withRuleNumber(r0, i) ?? ((overflow = true), r0);
      let a = r;
      if (r.kind === "anchor" && r.inline) {
        const inner = { next: into.next, printed: [] as string[] };
        a = { ...r, inline: opt(r.inline, inner, false) };
        into.next = inner.next;
        if (inner.printed.length > 0) inlineTables.set(a, inner.printed);
      }
      if (top && overflow) tooLong ??= i;
      return a;
    });
  const keyed = withHashKeys(out.loaded, opts.hashKey ?? randomHashKey);
  const all = opt(keyed.rules, made, true);
  const rules = tooLong === undefined ? all : all.slice(0, tooLong);
  const format = (r: PfRule): string => {
    const text = formatStatement(r);
    const tables = inlineTables.get(r);
    if (!tables) return text;
    const [first, ...rest] = text.split("\n");
    return [first, ...tables, ...rest].join("\n");
  };
  const stdout = verbose ? [...out.echo, ...made.printed, ...out.queues, ...rules.map(format)] : [];
  if (tooLong !== undefined) return { stdout: lines(stdout), stderr: lines([...out.stderr, `pfctl: ${LABEL_TOO_LONG}`]), rc: 1 };
  return { stdout: lines(stdout), stderr: lines(out.stderr), rc: 0, ...(out.queueNames.length > 0 ? { queueNames: out.queueNames } : {}), ...(keyed.drawn ? { randomKeys: true } : {}) };
}

/**
 * pfctl_expand_label_nr(): `$nr` in a rule's label, tag and tagged names replaced by its number in its ruleset;
 * undefined when a name outgrows its 64-byte buffer (expand_label_str's errx).
 */
function withRuleNumber(r: PfRule, n: number): PfRule | undefined {
  const names = [r.label, r.tag, r.tagged?.name];
  if (!names.some((x) => x?.includes("$nr"))) return r;
  const nr = (x: string) => x.replaceAll("$nr", String(n));
  if (names.some((x) => x !== undefined && Buffer.byteLength(nr(x)) >= LABEL_SIZE)) return undefined;
  return {
    ...r,
    ...(r.label !== undefined ? { label: nr(r.label) } : {}),
    ...(r.tag !== undefined ? { tag: nr(r.tag) } : {}),
    ...(r.tagged ? { tagged: { ...r.tagged, name: nr(r.tagged.name) } } : {}),
  } as PfRule;
}

/** parse.y's `hashkey` without a key: four arc4random() words, printed by print_pool() as `0x%08x%08x%08x%08x`. */
function randomHashKey(): string {
  return `0x${randomBytes(16).toString("hex")}`;
}

/**
 * The loaded rules with a drawn key in every `source-hash` pool written without one (inline anchors' rules too). The
 * grammar draws once per statement: the rules one statement expanded into share its pool, and so its key.
 */
function withHashKeys(rules: readonly PfRule[], draw: () => string): { rules: PfRule[]; drawn: boolean } {
  const keys = new Map<object, string>();
  const walk = (rs: readonly PfRule[]): PfRule[] =>
    rs.map((r) => {
      if (r.kind === "anchor") return r.inline ? { ...r, inline: walk(r.inline) } : r;
      if (r.kind !== "filter" || r.pool?.type !== "source-hash" || r.pool.key !== undefined) return r;
      let key = keys.get(r.pool);
      if (key === undefined) keys.set(r.pool, (key = draw()));
      return { ...r, pool: { ...r.pool, key } };
    });
  const out = walk(rules);
  return { rules: out, drawn: keys.size > 0 };
}

/** An account of OpenBSD's own (a name of the table itself, not of Object's prototype). */
function account(table: Readonly<Record<string, number>>, name: string): number | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

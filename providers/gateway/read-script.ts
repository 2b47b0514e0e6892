/**
 * The live-state read (ARCHITECTURE.md D5, D6): ONE script per host per read that prints sections, and
 * the pure parser and classifier of its output.
 *
 * Sections (each introduced by a line `@@NONCE KIND [ARG]`): every managed file's content (or that it is
 * missing, or that it is not a regular file), one `ls -ld` of all of them (mode, owner, group: one process instead of one per file), `sysctl` of
 * the managed MIBs, `rcctl get NAME status` and `rcctl check` of the managed services, `rcctl get NAME flags`
 * per daemon whose flags are declared, `ifconfig IF` per managed interface, per managed anchor `pfctl -a NAME -sr` and what
 * the host's own `pfctl -a NAME -nv -f FILE` prints for its file (same optimizer: never compare
 * `-sr` with the file text), and `ipsecctl -sf`.
 */
import type { HostState, ManagedFile, ServiceState } from "../../sdk/state";
import { parseIfconfig, parseIpsecctlFlows, parseRcctlLs, parseSysctl } from "../../sdk/model/output";
import { isPseudoService } from "./services-script";
import type { DriftClass } from "./drift";
import { sq } from "./shell";
import { hostnameIfAddresses, ifconfigHas, ifconfigShows } from "./interfaces";
import { parseSysctlConf, sysctlSettings } from "../../sdk/model/sysctl/index";
import { wgRunningMatches } from "../../sdk/model/wg/live";
import { wgPublicKey } from "../../sdk/planner/wgkeys";
import { packageParts } from "../../sdk/model/tokens/index";
import { installedStems } from "./packages-script";
import { sameLoadedRules } from "./drawn-keys";

/**
 * The read script. Its sections are gathered in the shell and printed in one write at the end (`o=$(…)`): one or
 * two SSH packets for the whole output instead of one per `echo` and command, which cost both ends (each packet
 * is encrypted, sent, woken up for and decrypted). The commands' stdin is /dev/null (none reads it; none can eat
 * the script's rest). A command substitution drops NUL bytes: the `ls` size of each file is checked against the
 * content read, so a file with bytes that did not survive still counts as drifted.
 */
/** Files per `cat` of the read script: each chunk needs a descriptor per file plus one for its first marker (3 to 9 in sh). */
const FILES_PER_CAT = 6;
/** OpenBSD's ksh parses at most 10 here-documents in one command (lex.h HERES; the whole `$(…)` is one). */
const MAX_HEREDOCS = 10;

/**
 * One file's section printed on its own (`cat F; echo; echo "@@… end"`), when the file is a regular file (or a link to
 * one). Nothing else is ever read: a named pipe would block the read for good, a link to /dev/zero would never end.
 */
const fileSection = (M: string, p: string) => `[ -f ${sq(p)} ] && { echo "${M} file" ${sq(p)}; cat ${sq(p)}; echo; echo "${M} end"; }`;

/**
 * Prints `$o` and a newline. OpenBSD's ksh has `print` built in, as /bin/sh too (which sets SH_VERSION instead of
 * KSH_VERSION), and so has mksh: no `printf` process per read there. Other shells (dash's `printf` is built in) take
 * `printf`. Never `print` by name alone: Debian's run-mailcap installs a /usr/bin/print.
 */
const PRINT_O = `if [ -n "\${KSH_VERSION-}\${SH_VERSION-}" ]; then print -r -- "$o"; else printf '%s\\n' "$o"; fi`;

export function readScript(s: HostState, marker: string): string {
  const M = `@@${marker}`;
  const L: string[] = [];
  const paths = Object.keys(s.files).sort();
  // a path that exists but is no regular file (a directory, a named pipe, a device, a link to one) is not read: it is
  // reported as such (drift; the next up refuses to replace it, commit-script.ts)
  for (const p of paths) L.push(`if [ ! -e ${sq(p)} ]; then echo "${M} missing" ${sq(p)}; elif [ ! -f ${sq(p)} ]; then echo "${M} notfile" ${sq(p)}; fi`);
  // the contents: one `cat` for up to FILES_PER_CAT files, the markers read from heredocs on descriptors of their
  // own (/dev/fd/N): the sections come out as they would from `cat F; echo; echo "@@… end"` per file, with one
  // process instead of one per file. OpenBSD's ksh writes each heredoc to a temporary file: when it cannot (a full
  // /tmp), or a file of the chunk is missing, the chunk is read one `cat` per file instead — a read must work on
  // exactly the host whose disk filled up.
  const tag = `PULUMI_OPENBSD_READ_${marker}`;
  let i = 0;
  let budget = MAX_HEREDOCS;
  while (i < paths.length && budget >= 2) {
    const chunk = paths.slice(i, i + Math.min(FILES_PER_CAT, budget - 1));
    i += chunk.length;
    budget -= chunk.length + 1;
    const fd = (k: number) => `/dev/fd/${3 + k}`;
    const args = [fd(0), ...chunk.flatMap((p, k) => [sq(p), fd(k + 1)])];
    const docs = [
      [`${M} file ${chunk[0]}`, tag],
      ...chunk.map((_, k) => ["", `${M} end`, ...(chunk[k + 1] ? [`${M} file ${chunk[k + 1]}`] : []), tag]),
    ].flat();
    const exist = chunk.map((p) => `[ -f ${sq(p)} ]`).join(" && ");
    const redirs = Array.from({ length: chunk.length + 1 }, (_, k) => `${3 + k}<<'${tag}'`).join(" ");
    L.push(`if ${exist} && cat ${args.join(" ")} 2>/dev/null ${redirs}; then :; else`, ...docs, ...chunk.map((p) => fileSection(M, p)), "fi");
  }
  // past what ksh allows, one `cat` each
  for (const p of paths.slice(i)) L.push(fileSection(M, p));
  // a missing file's complaint goes to /dev/null: its own section above says it is missing
  if (paths.length) L.push(`echo "${M} ls"`, `ls -ld ${paths.map(sq).join(" ")} 2>/dev/null`);
  const mibs = Object.keys(s.sysctls).sort();
  if (mibs.length) L.push(`echo "${M} sysctl"`, `sysctl ${mibs.map(sq).join(" ")} 2>&1`);
  // which managed services are enabled: `rcctl get NAME status` of each (exit 0: enabled), printed as `rcctl ls on`
  // would. Not `rcctl ls on` itself, which works out every service of the host (rcctl.sh svc_ls: some 70 on a stock
  // OpenBSD, each with subshells and an rc.d script sourced), nor `rcctl ls started`, which runs `/etc/rc.d/X check`
  // for every script in /etc/rc.d (a ksh sourcing rc.subr and a pgrep each): on OpenBSD those two were most of a read.
  const names = Object.keys(s.services).sort();
  if (names.length) L.push(`echo "${M} on"`, `for d in ${names.map(sq).join(" ")}; do rcctl get "$d" status >/dev/null 2>&1 && echo "$d"; done`);
  // which managed daemons run: `rcctl check` of those only (`NAME(ok)` / `NAME(failed)`). rcctl refuses the whole list
  // when one has no script (a package not yet installed): those are left out, and count as not running
  const daemons = Object.keys(s.services).filter((n) => !isPseudoService(n)).sort();
  if (daemons.length) {
    L.push(`echo "${M} started"`, `S=; for d in ${daemons.map(sq).join(" ")}; do [ -f "/etc/rc.d/$d" ] && S="$S $d"; done; [ -z "$S" ] || rcctl check $S 2>/dev/null`);
  }
  // a daemon's flags only where they are declared: with none, {@link classify} compares no flags (one `rcctl`
  // process fewer per daemon)
  for (const n of Object.keys(s.services).sort()) {
    if (isPseudoService(n) || s.services[n]!.flags === undefined) continue;
    L.push(`echo "${M} flags ${n}"`, `rcctl get ${sq(n)} flags 2>/dev/null`);
  }
  for (const i of [...s.interfaces].sort()) L.push(`echo "${M} ifconfig ${i}"`, `ifconfig ${sq(i)} 2>&1`);
  for (const [n, a] of Object.entries(s.anchors).sort()) {
    L.push(`echo "${M} anchor ${n}"`, `pfctl -a ${sq(n)} -sr 2>&1`);
    L.push(`echo "${M} expect ${n}"`, `[ -f ${sq(a.file)} ] && pfctl -a ${sq(n)} -nv -f ${sq(a.file)} 2>&1`);
  }
  if (s.ipsec.ruleFile || s.ipsec.daemon !== "none") L.push(`echo "${M} flows"`, "ipsecctl -sf 2>/dev/null");
  if (s.packages?.length) L.push(`echo "${M} packages"`, "pkg_info -q 2>/dev/null");
  L.push(`echo "${M} done"`);
  return ["set +e", "PATH=/sbin:/usr/sbin:/bin:/usr/bin:$PATH", "o=$({", ...L, "} </dev/null)", PRINT_O, "exit 0"].join("\n") + "\n";
}

/** One file as read back. */
export interface LiveFile {
  content: string;
  mode: string;
  owner: string;
  group: string;
  /** A regular file's size as `ls` printed it (bytes); `content` is incomplete when its UTF-8 length differs. */
  bytes?: number;
}

/** What the read script printed, parsed. */
export interface LiveState {
  files: Record<string, LiveFile | null>;
  sysctls: Record<string, string | undefined>;
  on: string[];
  started: string[];
  flags: Record<string, string | undefined>;
  ifconfig: Record<string, string>;
  anchors: Record<string, { loaded: string[]; expected: string[] }>;
  /** `ipsecctl -sf` flows as canonical text lines; undefined when not read. */
  flows?: string[];
  /** Stems of the installed packages (`pkg_info -q`); undefined when not read. */
  packages?: string[];
}

/** `-rw-r-----` → `0640` (setuid/setgid/sticky included). */
export function modeOfLs(perm: string): string {
  const p = perm.slice(1, 10);
  let special = 0;
  let bits = 0;
  for (let i = 0; i < 9; i++) {
    const c = p[i] ?? "-";
    const bit = 1 << (8 - i);
    if (c === "r" || c === "w" || c === "x" || c === "s" || c === "t") bits |= bit;
    if ((c === "s" || c === "S") && i === 2) special |= 4;
    if ((c === "s" || c === "S") && i === 5) special |= 2;
    if ((c === "t" || c === "T") && i === 8) special |= 1;
  }
  return special.toString(8) + bits.toString(8).padStart(3, "0");
}

/** Rule lines of `pfctl -sr` / `pfctl -nv`: macros, `set`, tables and blank lines dropped. */
function ruleLines(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l) => l && !/^\S+ = /.test(l) && !/^set /.test(l) && !/^table /.test(l) && !/^pfctl: /.test(l));
}

/**
 * `pfctl -nv` rule lines as `pfctl -sr` shows the same rules once loaded: a named inline anchor (`anchor "x" … {`,
 * its rules, `}`) is its calling line alone, as its rules live in the anchor PARENT/x; an anonymous one (`anchor
 * … {`) keeps its rules, which -sr prints inside braces (even none: `anchor all {`, `}`).
 */
export function asShown(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const m = /^(\s*)(anchor "[^"]+"(?: .*)?) \{$/.exec(l);
    if (!m) {
      // an anonymous inline anchor without rules: -nv prints no braces, -sr prints them (around nothing)
      const empty = /^(\s*)(anchor(?! ")(?: .*)?[^{])$/.exec(l);
      out.push(...(empty ? [`${l} {`, `${empty[1]}}`] : [l]));
      continue;
    }
    out.push(`${m[1]}${m[2]}`);
    while (i + 1 < lines.length && lines[i + 1] !== `${m[1]}}`) i++;
    i++;
  }
  return out;
}

/** Canonical text of each flow the model's parser accepts (the line as printed, whitespace collapsed). */
function flowLines(text: string): string[] {
  const lines = text.split("\n");
  return parseIpsecctlFlows(text).value.map((f) => (lines[f.line - 1] ?? "").trim().replace(/\s+/g, " ")).sort();
}

/**
 * Which of `paths` an `ls -ld` line is about: the line ends with ` PATH`, or, for a symbolic link (`l…`), holds
 * ` PATH -> ` (its target follows). Managed paths have no blanks (GatewayConfig's check), so one path matches.
 */
export function lsPath(line: string, paths: readonly string[]): string | undefined {
  const link = line.startsWith("l");
  return paths.find((p) => (link ? line.includes(` ${p} -> `) : line.endsWith(` ${p}`)));
}

/** Parses the read script's stdout. Returns an error text when the output is truncated. */
export function parseReadOutput(stdout: string, marker: string): LiveState | string {
  const M = `@@${marker} `;
  const live: LiveState = { files: {}, sysctls: {}, on: [], started: [], flags: {}, ifconfig: {}, anchors: {} };
  if (!stdout.includes(`@@${marker} done`)) return "the read script's output is incomplete (no `done` section)";
  const lines = stdout.split("\n");
  let i = 0;
  const body = (): string[] => {
    const out: string[] = [];
    while (i < lines.length && !lines[i]!.startsWith(M)) out.push(lines[i++]!);
    return out;
  };
  while (i < lines.length) {
    const l = lines[i++]!;
    if (!l.startsWith(M)) continue;
    const [kind, ...rest] = l.slice(M.length).split(" ");
    const arg = rest.join(" ");
    switch (kind) {
      case "file": {
        const content: string[] = [];
        while (i < lines.length && lines[i] !== `@@${marker} end`) content.push(lines[i++]!);
        i++;
        // mode, owner and group come with the `ls` section; none (the file went away meanwhile) is drift. A file
        // found missing stays missing (cat printed nothing for it)
        if (live.files[arg] !== null) live.files[arg] = { content: content.join("\n"), mode: "", owner: "", group: "" };
        break;
      }
      case "ls":
        for (const l of body()) {
          const path = lsPath(l, Object.keys(live.files));
          const f = live.files[path ?? ""];
          if (!f) continue;
          const w = l.trim().split(/\s+/);
          Object.assign(f, { mode: modeOfLs(w[0] ?? ""), owner: w[2] ?? "", group: w[3] ?? "" }, l.startsWith("-") && /^\d+$/.test(w[4] ?? "") ? { bytes: Number(w[4]) } : {});
        }
        break;
      case "missing":
        live.files[arg] = null;
        break;
      case "notfile":
        // not read (see readScript): drift, as a missing file is; the next up's staging refuses to replace it
        live.files[arg] = null;
        break;
      case "sysctl": {
        const r = parseSysctl(body().join("\n"), { file: "sysctl" });
        for (const [k, v] of Object.entries(r.value.values)) live.sysctls[k] = v;
        break;
      }
      case "on":
        live.on = parseRcctlLs(body().join("\n")).value;
        break;
      case "started":
        // `rcctl check` prints `NAME(ok)` for each daemon that runs, `NAME(failed)` for the others
        live.started = body().flatMap((l) => /^(\S+)\(ok\)$/.exec(l.trim())?.slice(1) ?? []);
        break;
      case "flags": {
        const b = body().join("\n").trim();
        live.flags[arg] = b === "NO" ? undefined : b;
        break;
      }
      case "ifconfig":
        live.ifconfig[arg] = body().join("\n");
        break;
      case "anchor":
        (live.anchors[arg] ??= { loaded: [], expected: [] }).loaded = ruleLines(body().join("\n"));
        break;
      case "expect":
        (live.anchors[arg] ??= { loaded: [], expected: [] }).expected = asShown(ruleLines(body().join("\n")));
        break;
      case "flows": {
        live.flows = flowLines(body().join("\n"));
        break;
      }
      case "packages":
        live.packages = installedStems(body().join("\n"));
        break;
      case "done":
        i = lines.length;
        break;
      default:
        body();
    }
  }
  return live;
}

/** Canonical flow keys of `ipsecctl -sf` text (the commit records them as the flow baseline). */
export function flowKeys(text: string): string[] {
  return flowLines(text);
}

/** The drift keys of a state, in sync (what create/update report and an undrifted read returns). */
export function driftKeys(s: HostState): string[] {
  const k: string[] = [];
  for (const p of Object.keys(s.files)) k.push(`files["${p}"]`);
  for (const n of Object.keys(s.sysctls)) k.push(`sysctls["${n}"]`);
  for (const n of Object.keys(s.services)) k.push(`services["${n}"]`);
  for (const n of s.interfaces) k.push(`interfaces["${n}"]`);
  for (const n of Object.keys(s.anchors)) k.push(`anchors["${n}"]`);
  if (s.ipsec.ruleFile && s.ipsec.daemon !== "iked") k.push("flows");
  for (const p of s.packages ?? []) k.push(`packages["${p}"]`);
  return k.sort();
}

export function inSync(s: HostState): Record<string, DriftClass> {
  return Object.fromEntries(driftKeys(s).map((k) => [k, "in sync" as DriftClass]));
}

/** The outcome of comparing the desired state with what the host runs. */
export interface Classified {
  /** Per item: in sync, file drifted, running drifted, not persisted. */
  drift: Record<string, DriftClass>;
  /** The desired state rewritten with what the host has (files, sysctls, services), for the read's inputs. */
  observed: HostState;
}

/**
 * Classifies every managed item (ARCHITECTURE.md D5). `flowBaseline` are the flows seen when the last
 * commit was confirmed: a flow of that set no longer present is `running drifted`.
 */
export function classify(desired: HostState, live: LiveState, flowBaseline: readonly string[] = []): Classified {
  const drift: Record<string, DriftClass> = inSync(desired);
  const files: Record<string, ManagedFile> = {};
  for (const [p, want] of Object.entries(desired.files)) {
    const got = live.files[p];
    if (!got) {
      drift[`files["${p}"]`] = "file drifted";
      continue; // missing on the host: the next up adds it
    }
    files[p] = { ...want, content: got.content, mode: got.mode, owner: got.owner, group: got.group };
    const torn = got.bytes !== undefined && got.bytes !== Buffer.byteLength(got.content);
    if (torn || got.content !== want.content || got.mode !== want.mode || got.owner !== want.owner || got.group !== want.group) drift[`files["${p}"]`] = "file drifted";
  }
  const sysctls: Record<string, string> = {};
  const text = live.files["/etc/sysctl.conf"]?.content;
  // what /etc/rc applies at boot: the last `mib=value` of each MIB (the sysctl.conf model's reading)
  const persisted = text === undefined ? undefined : sysctlSettings(parseSysctlConf(text, "/etc/sysctl.conf").value);
  for (const [k, want] of Object.entries(desired.sysctls)) {
    const got = live.sysctls[k];
    sysctls[k] = got ?? want;
    if (got !== want) drift[`sysctls["${k}"]`] = "running drifted";
    else if (desired.files["/etc/sysctl.conf"] && persisted !== undefined && persisted.get(k) !== want) {
      drift[`sysctls["${k}"]`] = "not persisted";
    }
  }
  const services: Record<string, ServiceState> = {};
  for (const [n, want] of Object.entries(desired.services)) {
    const enabled = live.on.includes(n);
    const pseudo = isPseudoService(n);
    const running = pseudo ? want.running : live.started.includes(n);
    const flags = want.flags === undefined || pseudo ? want.flags : (live.flags[n] ?? want.flags);
    services[n] = { ...want, enabled, running, ...(want.flags !== undefined ? { flags } : {}) };
    if (!pseudo && want.enabled && running !== want.running) drift[`services["${n}"]`] = "running drifted";
    else if (!pseudo && !want.enabled && running) drift[`services["${n}"]`] = "running drifted";
    else if (enabled !== want.enabled || (want.enabled && flags !== want.flags)) drift[`services["${n}"]`] = "not persisted";
  }
  for (const ifc of desired.interfaces) {
    const want = hostnameIfAddresses(ifc, desired.files[`/etc/hostname.${ifc}`]?.content ?? "").map((a) => a.address);
    const parsed = parseIfconfig(live.ifconfig[ifc] ?? "").value.find((x) => x.name === ifc);
    const have = new Set<string>();
    for (const a of [...(parsed?.inet ?? []), ...(parsed?.inet6 ?? [])]) have.add(a.address.address);
    const file = desired.files[`/etc/hostname.${ifc}`]?.content ?? "";
    const text = live.ifconfig[ifc] ?? "";
    const wgDrift = wgRunningMatches(file, text, wgPublicKey) === false;
    // what the commit checked after netstart (tunnel endpoints, up, vnetid, vhid) must still show
    const shown = ifconfigShows(ifc, file).every((w) => ifconfigHas(text, w));
    if (!parsed || want.some((a) => !have.has(a)) || wgDrift || !shown) drift[`interfaces["${ifc}"]`] = "running drifted";
  }
  for (const n of Object.keys(desired.anchors)) {
    const a = live.anchors[n] ?? { loaded: [], expected: [] };
    const file = desired.files[desired.anchors[n]!.file]?.content ?? "";
    if (!sameLoadedRules(a.loaded, a.expected, file)) drift[`anchors["${n}"]`] = "running drifted";
  }
  if ("flows" in drift && live.flows) {
    const have = new Set(live.flows);
    if (flowBaseline.some((f) => !have.has(f))) drift.flows = "running drifted";
  }
  // a package removed by hand: its files are gone (the next up installs it again)
  let packages = desired.packages;
  if (desired.packages?.length && live.packages) {
    const have = new Set(live.packages);
    packages = desired.packages.filter((p) => have.has(packageParts(p).stem));
    for (const p of desired.packages) if (!have.has(packageParts(p).stem)) drift[`packages["${p}"]`] = "file drifted";
  }
  const { packages: _p, ...rest } = desired;
  return { drift, observed: { ...rest, files, sysctls, services, ...(packages?.length ? { packages } : {}) } };
}

/**
 * The scripts of one commit (ARCHITECTURE.md D2, D3, D12), generated here as pure text and run by commit.ts.
 * Each script is the shell library of providers/gateway/script-lib.ts (emitted once, at its top) and a
 * body of calls to it, so every write, copy and rename is checked.
 *
 * A commit is three commands:
 * 1. {@link stageScript} — on the first connection: take the on-host lock (finishing a dead commit that
 *    still holds it), refuse a gateway another stack owns, stage every desired file next to its target
 *    (`PATH.pulumi-new`, 0600 from creation, size checked), keep only those that differ, validate them
 *    with the host's own tools, record the baseline (first takeover), the rollback copies (verified
 *    byte for byte) and the `manifest` (`present PATH` / `absent PATH`: whether each target existed,
 *    recorded explicitly, so a missing copy is never read as "the file did not exist"), write the
 *    restore script, print `@@ready` and wait for the provider's `go` on stdin. The whole script is one
 *    `{ … }` block, so sh reads all of it before running any of it and a truncated script runs nothing.
 *    Without `go` (the connection is gone: EOF) it removes what it staged, releases the lock and exits:
 *    nothing changed. With it: arm the rollback timer, hand the lock to the timer's pid, swap by rename.
 *    Any failure before the swap removes the staged files and releases the lock: nothing changed.
 * 2. {@link applyScript} — same connection: bring the running system in line in /etc/rc order
 *    (sysctl; destroy/netstart of changed interfaces — netstart's stderr is a failure and the
 *    interface must then show what its hostname.if asks for; pf; daemons by `order` with
 *    `ipsecctl -d -f OLD` then `ipsecctl -f NEW` at the `ipsec` position; sasyncd last). A failing step
 *    runs the restore script at once (`@@restore` reports anything it could not put back) and exits 1
 *    with that step's own output.
 * 3. {@link confirmScript} — over a FRESH connection (pf keeps the old connection's state, so it proves
 *    nothing): claim the pending rollback, stop the timer, record the owner, release the lock, print
 *    `ipsecctl -sf` for the flow baseline.
 *
 * If the connection dies after the swap, the detached timer (`sleep N; sh restore.sh`) restores the
 * previous files, sysctls and services, reloads them and releases the lock; the next `up` converges.
 * If the timer is lost too (killed; the host rebooted), the lock's owner is dead and the next commit's
 * `lock` runs the dead commit's restore script before going on (D12).
 *
 * On-host layout, all under {@link STATE_DIR} (0700): `lock/` (mkdir lock; `owner` = `ID PID BOOT`),
 * `owner` (`PROJECT/STACK` and the resource URN), `rollback/ID/` (copies under `files/`, `changed`,
 * `manifest`, `staged`, `sysctl`, `svc`, `pending`, `restore.sh`), `baseline/PATH` (what the gateway had
 * before the resource took a file over; `PATH.pulumi-absent` when it had nothing), `baseline-sysctl`,
 * `baseline-svc`, `baseline-dirs`, `last-rollback`.
 */
import { posix } from "node:path";
import type { HostState, ManagedFile } from "../../sdk/state";
import { sq, writeFileLines } from "./shell";
import { notFileLines } from "./not-file";
import { isClonedInterface } from "../../sdk/model/tokens/interface";
import { interfaceApply } from "./interfaces";
import { IPSEC_DELETE_FN, verifyKernelLines } from "./ipsec-kernel";
import { STATE_DIR } from "./state-dir";
import { who, type Owner } from "./owner";
import { applySysctls, recordSysctls, restoreSysctls } from "./sysctl-script";
import { isPseudoService, recordServices, restoreServices, serviceNames, stopAddedServices } from "./services-script";
import { installLines, removeLines } from "./packages-script";
import { deleteDeadline, STOP_APPLY, stageDeadline, swapLines, watchdogLines } from "./commit-guards";
import { BLOCK_START, LOCK_WAIT_SECONDS, PRELUDE } from "./script-head";
import { confirmScript, flowWaitCap, flowWaitSeconds } from "./confirm-script";
import { ikeGuard, ikeRulesLeftBehind, syncFlagLines } from "./ike-daemon-lines";

export { deleteDeadline, stageDeadline, confirmScript, flowWaitCap, flowWaitSeconds };

export { STATE_DIR, LOCK_WAIT_SECONDS };

export interface CommitInput {
  /** Commit id (hex), names the rollback directory. */
  id: string;
  /** The state recorded before (undefined on create). */
  olds?: HostState;
  news: HostState;
  /** Drift recorded by the last read, by item key (`anchors["vpn"]`, `flows`, `interfaces["em0"]`). */
  drift?: Record<string, string>;
  rollbackSeconds: number;
  /**
   * The owner recorded on the host (ARCHITECTURE.md D12): `PROJECT/STACK`, and the resource's URN. Another
   * owner's gateway is refused unless `takeover` (an adoption after `pulumi import`). Without an
   * owner (tests of the commit alone) ownership is neither checked nor recorded.
   */
  owner?: Owner;
}

/**
 * Empties an unmanaged anchor, first (`NAME/*`) the inline anchors its file loaded: tables and rules (`-F all` in an
 * anchor never clears states; pf lists an anchor while it holds a table, e.g. a pool's `<__automatic_N>`). Errors
 * are ignored: an anchor that was never loaded has nothing to flush.
 */
function flushAnchor(n: string): string {
  return `pfctl -a ${sq(`${n}/*`)} -F all >/dev/null 2>&1; pfctl -a ${sq(n)} -F all >/dev/null 2>&1`;
}

/** The anchor loaded from each file, by path. */
function anchorsByFile(s: HostState): Map<string, string> {
  return new Map(Object.entries(s.anchors).map(([n, a]) => [a.file, n]));
}

function validateLine(path: string, f: ManagedFile, anchor: string | undefined): string {
  const t = sq(path + ".pulumi-new");
  switch (f.check) {
    case "pf":
      return `v pfctl -nf ${sq(path + ".pulumi-check")}`;
    case "pf-anchor":
      return `v pfctl -a ${sq(anchor ?? path.slice(path.lastIndexOf("/") + 1))} -nf ${t}`;
    case "ipsec":
      return `v ipsecctl -nf ${t}`;
    case "iked":
      return `v iked -n -f ${t}`;
    case "sasyncd":
      return `v sasyncd -d -n -c ${t}`;
    case "sshd":
      // sshd(8) -t: the staged file must parse and its host keys load, or the swap never happens
      return `v sshd -t -f ${t}`;
    case "none":
      return ":";
  }
}

/**
 * Lines that reload what changed after files were put back (restore and delete): interfaces, pf,
 * anchors, services, ipsecctl — `changed` is a sh condition on a path.
 */
function reloadLines(s: HostState, changed: (path: string) => string, svcFile: string, ipsecFile?: string): string[] {
  const out: string[] = [];
  for (const ifc of s.interfaces) {
    const p = `/etc/hostname.${ifc}`;
    out.push(`if ${changed(p)}; then ${isClonedInterface(ifc) ? `ifconfig ${ifc} destroy >/dev/null 2>&1; ` : ""}[ -e ${p} ] && sh /etc/netstart ${ifc} >/dev/null 2>&1; fi`);
  }
  if (s.files["/etc/pf.conf"]) out.push(`if ${changed("/etc/pf.conf")}; then pfctl -f /etc/pf.conf >/dev/null 2>&1; fi`);
  for (const p of sshdFiles(s)) out.push(`if ${changed(p)}; then rcctl reload sshd >/dev/null 2>&1; fi`);
  for (const [n, a] of Object.entries(s.anchors)) {
    out.push(`if ${changed(a.file)}; then if [ -e ${sq(a.file)} ]; then pfctl -a ${sq(n)} -f ${sq(a.file)} >/dev/null 2>&1; else ${flushAnchor(n)}; fi; fi`);
  }
  out.push(...restoreServices(svcFile));
  if (ipsecFile) out.push(`if ${changed(ipsecFile)} && [ -e ${sq(ipsecFile)} ] && rcctl get ipsec status >/dev/null 2>&1; then ipsc -f ${sq(ipsecFile)} >/dev/null 2>&1; fi`);
  return out;
}

/** sshd_config files of a state (FileCheck `sshd`): sshd is reloaded when one changed. */
function sshdFiles(s: HostState): string[] {
  return Object.entries(s.files).filter(([, f]) => f.check === "sshd").map(([p]) => p).sort();
}

function ruleFileOf(s: HostState | undefined): string | undefined {
  return s && s.ipsec.daemon !== "iked" ? s.ipsec.ruleFile : undefined;
}

/** The marker the stage script prints before it waits for {@link GO} on stdin. */
export const READY = "@@ready";
/** The marker printed once every file is staged (before validation). */
export const STAGED = "@@staged";
/** What the provider sends on the stage script's stdin to let it swap. */
export const GO = "go";

/** The restore script (run by the timer, a failing step, or the next commit that finds this one dead). */
function restoreScript(c: CommitInput, all: HostState): string {
  const rf = ruleFileOf(c.news);
  return [
    PRELUDE(c.id).join("\n"),
    // the claim: whoever renames `pending` restores; everyone else leaves it alone
    'mv "$R/pending" "$R/claimed" 2>/dev/null || exit 0',
    // the timer first stops an apply still running (a step slower than rollbackSeconds, or hung): it would go on
    // loading the NEW configuration over the restored one
    ...STOP_APPLY,
    "bad=",
    ...(rf ? [`if ch ${sq(rf)} && [ -e ${sq(rf)} ]; then ipsc -d -f ${sq(rf)} >/dev/null 2>&1; fi`] : []),
    ...stopAddedServices('"$R/svc"'),
    'if [ ! -f "$R/manifest" ]; then bad=" (no manifest $R/manifest: no file was put back)"; else',
    "while read -r st f; do",
    '  case "$st" in',
    // the previous file itself, kept at the swap as a hard link beside its target: put back by a rename, which needs
    // no free space (a full disk is when a restore matters most); else from the verified copy
    '    present) if [ -f "$f.pulumi-old" ] && [ ! -L "$f.pulumi-old" ] && mv -f "$f.pulumi-old" "$f" 2>/dev/null; then rm -f "$f.pulumi-old";',
    // a file the swap had not reached yet still holds its previous content: nothing to put back
    '      elif [ ! -e "$f.pulumi-old" ] && [ -f "$R/files$f" ] && cmp -s "$R/files$f" "$f"; then :;',
    '      elif [ -f "$R/files$f" ] && rm -f "$f.pulumi-back" && cp -p "$R/files$f" "$f.pulumi-back" 2>/dev/null && mv -f "$f.pulumi-back" "$f"; then rm -f "$f.pulumi-old";',
    '      else rm -f "$f.pulumi-back" 2>/dev/null; bad="$bad $f"; fi ;;',
    '    absent) rm -f "$f" ;;',
    "  esac",
    'done < "$R/manifest"',
    "fi",
    'if [ -f "$R/sysctl" ]; then while read -r l; do sysctl "$l" >/dev/null 2>&1; done < "$R/sysctl"; fi',
    ...reloadLines(all, (p) => `ch ${sq(p)}`, '"$R/svc"', ruleFileOf(c.olds) ?? rf),
    'echo "$ID $(date)" > "$D/last-rollback"',
    // the lock is released only while this commit holds it (a recovery has renamed it away); the copies are kept
    // when a file could not be put back (`@@notrestored`: the files, then where their copies are)
    'if [ -z "$bad" ]; then rm -rf "$R"; fi; o=; read -r o _ 2>/dev/null < "$D/lock/owner"; [ "$o" != "$ID" ] || rm -rf "$D/lock"',
    'if [ -n "$bad" ]; then printf \'@@notrestored%s\\n@@copies %s\\n\' "$bad" "$R/files" >&2; exit 1; fi',
    "exit 0",
  ].join("\n") + "\n";
}

/**
 * Command 1: lock, owner check, stage, validate, baseline, verified rollback copies and manifest, restore
 * script; `@@ready`, then wait for `go` on stdin; arm the timer, swap. Prints `@@changed PATH` lines.
 */
export function stageScript(c: CommitInput): string {
  const { news, olds } = c;
  const L = [...BLOCK_START, ...PRELUDE(c.id)];
  // the connection's loss must not kill the script half way: it notices it at `read` (EOF) instead
  L.push("trap '' HUP PIPE", ...(c.owner ? [`WHO=${sq(who(c.owner))}`] : []), "lock", "TPID=", "WD=", "DL=");
  L.push('cleanup() { if [ -n "$WD" ]; then kill "$WD" 2>/dev/null; fi; if [ -n "$TPID" ]; then kill "$TPID" 2>/dev/null; fi; if [ -f "$R/staged" ]; then while read -r t; do rm -f "$t"; done < "$R/staged"; fi; rm -rf "$R" "$D/lock"; [ -z "$DL" ] || exit 1; }', "trap cleanup EXIT");
  L.push(...watchdogLines(stageDeadline(news)));
  if (c.owner) L.push(ownsLine(c.owner, !!c.owner.takeover));
  L.push(...notFileLines([...Object.keys(news.files), ...Object.keys(olds?.files ?? {})]));
  L.push('rm -rf "$R"', 'E=$(mkdir -p "$R/files" 2>&1) || fail "mkdir $R/files" "$E"', 'put "$R/changed" 0 < /dev/null', 'put "$R/staged" 0 < /dev/null');
  // packages first: the rc.d scripts they install are what rcctl records and applies (packages-script.ts)
  L.push(...installLines(news.packages));
  const anchors = anchorsByFile(news);
  const paths = Object.keys(news.files).sort();
  // stage each desired file next to its target
  for (const p of paths) {
    const f = news.files[p]!;
    const t = p + ".pulumi-new";
    // directories the resource creates are recorded (first creation) so that delete removes them again; the file's
    // folder is known here (no `dirname` process per file: the usual folder exists and costs one `test`)
    const dir = posix.dirname(p);
    L.push(
      `x=${sq(dir)}; while [ ! -d "$x" ]; do grep -qxF "$x" "$D/baseline-dirs" 2>/dev/null || rec "$x" "$D/baseline-dirs"; x="$(dirname "$x")"; done`,
      `[ -d ${sq(dir)} ] || { E=$(mkdir -p ${sq(dir)} 2>&1) || fail ${sq(`mkdir ${dir}`)} "$E"; }`,
      `rec ${sq(t)} "$R/staged"`,
      `vacate ${sq(t)}`,
    );
    L.push(...writeFileLines(t, f.content));
    L.push(`v chown ${sq(`${f.owner}:${f.group}`)} ${sq(t)}`, `v chmod ${f.mode} ${sq(t)}`);
    // unchanged content and metadata: drop the staged copy
    L.push(
      `if [ -f ${sq(p)} ] && cmp -s ${sq(p)} ${sq(t)} && [ "$(ls -ld ${sq(p)} | awk '{print $1, $3, $4}')" = "$(ls -ld ${sq(t)} | awk '{print $1, $3, $4}')" ]; then :; else rec ${sq(p)} "$R/changed"; fi`,
    );
  }
  L.push(`echo ${STAGED}`);
  // validate every changed file with the host's own tools; a main pf.conf is checked against the staged
  // anchor files (`load anchor … from "F"` → `F.pulumi-new`), so new anchors and rules are checked together
  for (const p of paths) {
    const f = news.files[p]!;
    if (f.check === "none") continue;
    if (f.check === "pf") {
      let text = f.content;
      for (const a of Object.values(news.anchors)) text = text.split(`"${a.file}"`).join(`"${a.file}.pulumi-new"`);
      L.push(`if ch ${sq(p)} || [ -s "$R/changed" ]; then`, `rec ${sq(p + ".pulumi-check")} "$R/staged"`, `vacate ${sq(p + ".pulumi-check")}`, ...writeFileLines(p + ".pulumi-check", text));
      L.push(`v chmod ${f.mode} ${sq(p + ".pulumi-check")}; ${validateLine(p, f, undefined)}; rm -f ${sq(p + ".pulumi-check")}; fi`);
      continue;
    }
    L.push(`if ch ${sq(p)}; then ${validateLine(p, f, anchors.get(p))}; fi`);
  }
  // staged copies identical to their targets are dropped only now (pf.conf's check refers to them)
  L.push('while read -r t; do f="${t%.pulumi-new}"; [ "$f" = "$t" ] && continue; grep -qxF "$f" "$R/changed" || rm -f "$t"; done < "$R/staged"');
  // files no longer managed go back to their baseline
  const removed = Object.keys(olds?.files ?? {}).filter((p) => !news.files[p]).sort();
  for (const p of removed) L.push(`rec ${sq(p)} "$R/changed"`);
  // baseline (first takeover only) and rollback copies, each verified; the manifest says which targets existed
  for (const p of paths) {
    L.push(`B="$D/baseline"${sq(p)}; if [ ! -e "$B" ] && [ ! -e "$B.pulumi-absent" ]; then if [ -e ${sq(p)} ]; then keep ${sq(p)} "$B"; else keep /dev/null "$B.pulumi-absent"; fi; fi`);
  }
  // the paths the swap and a restore use beside each changed target
  L.push('while read -r f; do vacate "$f.pulumi-old"; vacate "$f.pulumi-back"; done < "$R/changed"');
  // a file no longer managed gets its baseline back through its own staged copy
  for (const p of removed) L.push(`vacate ${sq(p + ".pulumi-new")}`);
  L.push('put "$R/manifest" 0 < /dev/null');
  L.push('while read -r f; do if [ -e "$f" ]; then keep "$f" "$R/files$f"; rec "present $f" "$R/manifest"; else rec "absent $f" "$R/manifest"; fi; done < "$R/changed"');
  L.push(...recordSysctls(c));
  const svcs = serviceNames(news, olds);
  L.push(...recordServices(svcs, '"$D/baseline-svc"', true));
  L.push(...recordServices(svcs, '"$R/svc"', false));
  // the restore script
  const all: HostState = {
    ...news,
    interfaces: [...new Set([...news.interfaces, ...(olds?.interfaces ?? [])])],
    anchors: { ...(olds?.anchors ?? {}), ...news.anchors },
    files: { ...(olds?.files ?? {}), ...news.files },
  };
  L.push(...writeFileLines('"$R/restore.sh"', restoreScript(c, all), true));
  // the last point where nothing has changed: go on only while the provider is still connected
  L.push(`echo ${READY}`, "go=", "read -r go || go=", `[ "$go" = ${GO} ] || exit 1`);
  // from here the rollback timer bounds the commit
  L.push('if [ -n "$WD" ]; then kill "$WD" 2>/dev/null; WD=; fi', "trap - TERM");
  // arm the timer (it holds the lock from now on), then swap: rename each staged file over its target
  L.push('put "$R/pending" 0 < /dev/null');
  L.push(`nohup sh -c "sleep ${c.rollbackSeconds}; sh $R/restore.sh timer" </dev/null >/dev/null 2>&1 &`, "TPID=$!", 'own "$TPID" || exit 1', "trap - EXIT");
  const dropped = Object.keys(olds?.services ?? {}).filter((n) => !news.services[n]).sort();
  if (dropped.length) {
    L.push(': > "$R/svc-dropped-pre"');
    for (const n of dropped) L.push(`grep "^${n} " "$D/baseline-svc" >> "$R/svc-dropped-pre" 2>/dev/null`);
    L.push(...stopAddedServices('"$R/svc-dropped-pre"'));
  }
  L.push(...swapLines(paths, removed));
  L.push('sed "s/^/@@changed /" "$R/changed"');
  L.push("exit 0", "}");
  return L.join("\n") + "\n";
}

function flagWords(flags: string): string {
  const w = flags.trim().split(/\s+/).filter(Boolean);
  return w.length ? w.map(sq).join(" ") : "''";
}

/**
 * The apply's own functions: `undo WHAT MSG` restores at once (reporting what it could not put back as
 * `@@restore …`) and fails; `step CMD…` runs a step, `undo` on a non-zero exit; `netup IF` runs
 * `sh /etc/netstart IF`, which exits 0 even when an ifconfig it ran failed, so anything on its stderr
 * (`ifconfig: vnetid -1: invalid`) is the failure; `ifwant IF STR…` checks that `ifconfig IF` shows each
 * STR that /etc/hostname.IF asked for (a `keepalive: …` STR as a whole line, as `ifconfigHas` in interfaces.ts finds it).
 */
const APPLY_FNS = [
  'undo() { RE=$(sh "$R/restore.sh" 2>&1); say "$1" "$2"; [ -z "$RE" ] || printf \'@@restore %s\\n\' "$RE" >&2; exit 1; }',
  // no step runs once the rollback is claimed (the timer restored: the apply outlasted rollbackSeconds)
  'live() { [ -e "$R/pending" ] || { printf \'@@rolledback %s\\n\' "$ID" >&2; exit 4; }; }',
  'step() { live; OUT=$("$@" 2>&1) || undo "$*" "$OUT"; [ -z "$OUT" ] || esc "$OUT"; }',
  'netup() { live; { E=$(sh /etc/netstart "$1" 2>&1 1>&3); } 3>&1 || undo "sh /etc/netstart $1" "$E"; [ -z "$E" ] || undo "sh /etc/netstart $1" "$E"; }',
  "ifwant() {",
  '  i=$1; shift; I=$(ifconfig "$i" 2>&1) || undo "ifconfig $i" "$I"',
  // a keepalive is a line of its own: it must end where the line ends (`count 3` is not `count 30`)
  '  for w in "$@"; do case "$w" in keepalive:*) p="$w',
  '";; *) p=$w;; esac; case "$I',
  '" in *"$p"*) ;; *) undo "sh /etc/netstart $i" "$i does not show \\`$w\\` that /etc/hostname.$i asks for; ifconfig $i prints:',
  '$I" ;; esac; done',
  "}",
];

/** Command 2: apply in /etc/rc order. Any failing step restores at once and exits 1. */
export function applyScript(c: CommitInput): string {
  const { news, olds } = c;
  const drift = c.drift ?? {};
  const drifted = (k: string) => (drift[k] ?? "in sync") !== "in sync";
  const L = [...BLOCK_START, ...PRELUDE(c.id)];
  L.push(...APPLY_FNS);
  L.push(...IPSEC_DELETE_FN);
  // the timer stops this script's process group if it outlasts rollbackSeconds (restore.sh, stopApply)
  L.push('ps -o pgid= -p $$ 2>/dev/null | tr -d " " > "$R/apply.pgid" 2>/dev/null', "live");
  // set when isakmpd is restarted below: a new isakmpd knows no ike rule until ipsecctl -f loads them again
  L.push("reload_ipsec=0");
  // 1. sysctl
  L.push(...applySysctls(c));
  // 2. interfaces (netstart only for changed ones; cloned ones whose config shrank are destroyed first)
  for (const ifc of [...new Set([...(olds?.interfaces ?? []), ...news.interfaces])]) {
    const p = `/etc/hostname.${ifc}`;
    const body = interfaceApply(ifc, olds?.files[p]?.content, news.interfaces.includes(ifc) ? (news.files[p]?.content ?? "") : undefined);
    const cond = drifted(`interfaces["${ifc}"]`) ? "true" : `ch ${sq(p)}`;
    if (body.length) L.push(`if ${cond}; then ${body.join("; ")}; fi`);
  }
  // 3. pf: main ruleset, then anchors
  if (news.files["/etc/pf.conf"]) L.push(`if ch /etc/pf.conf; then step pfctl -f /etc/pf.conf; fi`);
  for (const [n, a] of Object.entries(news.anchors).sort()) {
    const cond = drifted(`anchors["${n}"]`) ? "true" : `ch ${sq(a.file)}`;
    L.push(`if ${cond}; then step pfctl -a ${sq(n)} -f ${sq(a.file)}; fi`);
  }
  for (const n of Object.keys(olds?.anchors ?? {}).filter((n) => !news.anchors[n])) L.push(flushAnchor(n));
  // sshd: SIGHUP (sessions, the provider's own included, stay up); a file no longer managed was put back
  const sshdChanged = [...new Set([...sshdFiles(news), ...(olds ? sshdFiles(olds) : [])])].sort();
  for (const p of sshdChanged) L.push(`if ch ${sq(p)}; then step rcctl reload sshd; fi`);
  // 4. daemons in order; ipsecctl at the `ipsec` position (else before sasyncd, else last)
  const rf = ruleFileOf(news);
  const oldRf = ruleFileOf(olds);
  const ipsecLines: string[] = [];
  // the old file's flows and SAs go first (ipsecctl -f only adds); entries already gone (a hand edit
  // changed an SPI or added a flow that was never loaded) are ESRCH, which ipdel tolerates
  if (oldRf && oldRf !== rf) ipsecLines.push(`if [ -e "$R/files"${sq(oldRf)} ]; then ipdel "$R/files"${sq(oldRf)}; fi`);
  if (rf) {
    const cond = drifted("flows") ? "true" : `ch ${sq(rf)} || [ $reload_ipsec = 1 ]`;
    ipsecLines.push(
      `if ${cond}; then if [ -e "$R/files"${sq(rf)} ]; then ipdel "$R/files"${sq(rf)}; fi; ${ikeGuard(news, rf)}step ipsecctl -f ${sq(rf)}; : > "$R/ipsec-loaded"`,
      ...verifyKernelLines(news.ipsecKernel, rf),
      "fi",
    );
  }
  const names = Object.entries(news.services).sort((a, b) => a[1].order - b[1].order || a[0].localeCompare(b[0])).map(([n]) => n);
  let ipsecAt = names.indexOf("ipsec");
  if (ipsecAt < 0) ipsecAt = names.indexOf("sasyncd") >= 0 ? names.indexOf("sasyncd") : names.length;
  // what a daemon reads only when it starts: its configuration, and the certificates (isakmpd's x509_init,
  // iked's ca process also loads local.key); raw public keys and isakmpd's local.key are read per negotiation
  const readAtStart = (svc: string, p: string, f: { check?: string }) =>
    (f.check === "iked" && svc === "iked") || (f.check === "sasyncd" && svc === "sasyncd") ||
    (svc === "isakmpd" && /^\/etc\/isakmpd\/(ca|certs|crls)\//.test(p)) || (svc === "iked" && /^\/etc\/iked\/(ca|certs|crls|private)\//.test(p));
  const cfgOf = (svc: string) => Object.entries(news.files).filter(([p, f]) => readAtStart(svc, p, f)).map(([p]) => p);
  names.forEach((n, i) => {
    if (i === ipsecAt && n !== "ipsec") L.push(...ipsecLines);
    const s = news.services[n]!;
    const q = sq(n);
    if (!s.enabled) {
      if (!isPseudoService(n)) L.push(`if rcctl check ${q} >/dev/null 2>&1; then step rcctl stop ${q}; fi`);
      L.push(`if rcctl get ${q} status >/dev/null 2>&1; then step rcctl disable ${q}; fi`);
    } else {
      L.push("restart=0");
      L.push(`if ! rcctl get ${q} status >/dev/null 2>&1; then step rcctl enable ${q}; fi`);
      if (s.flags !== undefined && !isPseudoService(n)) {
        L.push(`if [ "$(rcctl get ${q} flags 2>/dev/null)" != ${sq(s.flags)} ]; then step rcctl set ${q} flags ${flagWords(s.flags)}; restart=1; fi`);
      }
      for (const p of [...cfgOf(n), ...(s.restartOn ?? [])]) L.push(`if ch ${sq(p)}; then restart=1; fi`);
      if (n === "isakmpd" && rf && rf === oldRf && ikeRulesLeftBehind(olds, news, rf)) L.push(`if ch ${sq(rf)}; then restart=1; fi`);
      if (s.running && (n === "isakmpd" || n === "iked")) L.push(...syncFlagLines(n, news));
      if (!isPseudoService(n)) {
        if (s.running) {
          L.push(`if rcctl check ${q} >/dev/null 2>&1; then [ $restart = 1 ] && step rcctl restart ${q}; else step rcctl start ${q}; fi`);
          if (n === "isakmpd") L.push("[ $restart = 1 ] && reload_ipsec=1");
        } else {
          L.push(`if rcctl check ${q} >/dev/null 2>&1; then step rcctl stop ${q}; fi`);
        }
      }
    }
    if (n === "ipsec") L.push(...ipsecLines);
  });
  if (ipsecAt >= names.length) L.push(...ipsecLines);
  // services no longer managed go back to what the gateway had before the resource took them over
  const dropped = Object.keys(olds?.services ?? {}).filter((n) => !news.services[n]).sort();
  if (dropped.length) {
    L.push(': > "$R/svc-dropped"');
    for (const n of dropped) L.push(`grep "^${n} " "$D/baseline-svc" >> "$R/svc-dropped" 2>/dev/null`);
    L.push(...restoreServices('"$R/svc-dropped"'));
  }
  // packages no longer wanted, after their daemons stopped: removed when the provider installed them
  L.push(...removeLines((olds?.packages ?? []).filter((p) => !(news.packages ?? []).includes(p))));
  // done: the timer must not stop this process group any more (its number may be another's by the time it fires)
  L.push('rm -f "$R/apply.pgid"', "exit 0", "}");
  return L.join("\n") + "\n";
}

/** The owner check (`owns`, script-lib.ts) of a commit or delete: its stack, whether it adopts, its instance. */
function ownsLine(o: Owner, takeover: boolean): string {
  return `owns ${sq(o.stack)} ${takeover ? "takeover" : "-"}${o.instance ? ` ${sq(o.instance)}` : ""}`;
}

/** Delete: put back each file's baseline (or remove what the resource added), sysctls and services, and reload. */
export function deleteScript(s: HostState, owner?: Owner): string {
  const L = [...BLOCK_START, ...PRELUDE("delete"), "trap '' HUP PIPE", ...(owner ? [`WHO=${sq(who(owner))}`] : []), "lock"];
  L.push('trap \'rm -rf "$D/lock"\' EXIT');
  if (owner) {
    L.push(ownsLine(owner, false));
    // another resource of this stack took the gateway over since (a renamed Gateway, a new parent: Pulumi creates the
    // new resource before it deletes the old one; a replacement has the same URN, and reaches the gateway otherwise
    // or is another instance: `pulumi up --replace`): its configuration stays, nothing is put back
    const differs = (v: string, mine: string | undefined) => (mine ? [`{ [ -n "$${v}" ] && [ "$${v}" != ${sq(mine)} ]; }`] : []);
    const other = [...differs("u", owner.urn), ...differs("t", owner.target), ...differs("i", owner.instance)].join(" || ");
    // (the instance recorded being this one's, it is this resource, whatever its URN or connection says: a renamed stack)
    const mine = owner.instance ? `! [ "$i" = ${sq(owner.instance)} ] && ` : "";
    const vars = ["o", "u", "t", ...(owner.instance ? ["i"] : [])];
    L.push(`if [ -f "$D/owner" ]; then ${vars.map((v) => `${v}=;`).join(" ")} { ${vars.map((v) => `read -r ${v};`).join(" ")} } < "$D/owner"; if ${mine}{ ${other}; }; then printf '@@handedover %s %s\\n' "$u" "$t" >&2; exit 0; fi; fi`);
  }
  const rf = ruleFileOf(s);
  // a regular file only: ipsecctl would wait for good on a named pipe put there by hand (read-script.ts)
  if (rf) L.push(`[ -f ${sq(rf)} ] && ipsc -d -f ${sq(rf)} >/dev/null 2>&1`);
  const names = new Set(Object.keys(s.services));
  L.push(`[ -f "$D/baseline-svc" ] && { : > "$D/svc-restore"; while read -r s rest; do case "$s" in ${[...names].map(sq).join("|") || "''"}) echo "$s $rest" >> "$D/svc-restore";; esac; done < "$D/baseline-svc"; }`);
  L.push(...stopAddedServices('"$D/svc-restore"'));
  // each baseline is copied beside its target and renamed over it (a full disk leaves the target whole); what
  // could not be put back is reported and its baseline kept, so that destroying again retries
  L.push("bad=", "DEL=", 'del() { case "$DEL" in *"|$1|"*) return 0 ;; esac; return 1; }');
  for (const p of Object.keys(s.files).sort()) {
    const q = sq(p);
    const back = sq(p + ".pulumi-back");
    L.push(
      `B="$D/baseline"${q}; if [ -e "$B" ]; then if rm -f ${back} 2>/dev/null && cp -p "$B" ${back} 2>/dev/null && mv -f ${back} ${q}; then rm -f "$B"; else rm -f ${back}; bad="$bad "${q}; fi; elif [ -e "$B.pulumi-absent" ]; then rm -f ${q} "$B.pulumi-absent"; fi; DEL="$DEL"${sq(`|${p}|`)}`,
    );
  }
  L.push(...restoreSysctls(s));
  L.push(...reloadLines(s, (p) => `del ${sq(p)}`, '"$D/svc-restore"', rf));
  L.push(...removeLines(s.packages ?? []));
  L.push('if [ -n "$bad" ]; then printf \'@@notrestored%s\\n\' "$bad" >&2; exit 1; fi');
  L.push('[ -f "$D/baseline-dirs" ] && sort -r "$D/baseline-dirs" | while read -r x; do rmdir "$x" 2>/dev/null; done');
  L.push('rm -f "$D/svc-restore" "$D/baseline-sysctl" "$D/baseline-svc" "$D/baseline-dirs"' + (owner ? ' "$D/owner"' : ""));
  // every baseline is back: those of this state's files above, those of files an earlier commit stopped managing
  // when it did (their records are kept for a later takeover, of no use now); then no rollback is pending
  L.push('rm -rf "$D/baseline"; rmdir "$D/rollback" 2>/dev/null');
  L.push("exit 0", "}");
  return L.join("\n") + "\n";
}

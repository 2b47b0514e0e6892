/**
 * The on-host shell library: the few POSIX sh functions every commit script is made of (ARCHITECTURE.md D2, D3,
 * D12), emitted once at the top of each script the provider runs on a gateway (stage, apply, confirm,
 * restore, delete). Every write, copy and rename goes through a function here that checks it, so a full
 * disk (`No space left on device`), a read-only file system or a vanished file stops the script with the
 * tool's own message instead of being taken for success.
 *
 * The functions (names kept short; the scripts call them hundreds of times):
 * - `fail WHAT MSG` — report a failed step as `@@fail WHAT` + the tool's message on stderr, exit 1 (`say`: the
 *   report alone). A tool's message never starts a line with `@@` (`esc` writes `@ @`): what a tool prints cannot
 *   pass for one of the scripts' own markers, which the provider reads at the start of a line.
 * - `vacate PATH` — remove what is at one of the commit's own paths beside a target (`PATH.pulumi-new`,
 *   `.pulumi-check`, `.pulumi-old`, `.pulumi-back`) before it is written: a leftover symbolic link would be written
 *   through, a named pipe would block the write; a directory there stops the commit.
 * - `v CMD…` — run a check (pfctl -nf, ipsecctl -nf…); its failure is `fail`.
 * - `put FILE SIZE [cut]` — write stdin (a heredoc) to FILE, then check it has SIZE bytes.
 * - `rec LINE FILE` — append a line to a state file, checked.
 * - `keep SRC DST` — copy with mode and owner, then compare byte for byte (a rollback copy is only trusted
 *   once it is verified).
 * - `lock` / `own PID` / `dead` / `recover` — the on-host commit lock (released again when its owner
 *   cannot be recorded) (`$D/lock/owner` = `ID PID BOOT`),
 *   and the detection of a dead commit: its owner process is gone, or the host booted since
 *   (`sysctl -n kern.boottime` changed). A dead commit that swapped files is restored by its own
 *   restore script; one that only staged has its staged files removed. Either way the lock is released
 *   and the script that found it goes on, saying so (`@@recovered ID restored|dropped`). A commit that swapped and
 *   was never confirmed, taken by the same resource of the same stack (`$WHO`, kept as `$D/lock/who`), is
 *   superseded the same way at once, its timer stopped (`@@recovered ID superseded`): the operation that made it is
 *   over (Pulumi runs one operation on a stack at a time, one step on a resource), so its confirm can never come.
 * - `owns OWNER TAKEOVER [INSTANCE]` — one owner per gateway: `$D/owner` holds `PROJECT/STACK`, the URN of the
 *   resource that committed last, its target and its instance (owner.ts); another owner is refused (`@@owner …`,
 *   exit 3) unless the commit is an adoption after `pulumi import` (`takeover`), or the instance recorded is
 *   INSTANCE: the same resource under another stack name (`pulumi stack rename`, `pulumi state move`), said with
 *   `@@moved OWNER URN`.
 *
 * - `ipsc ARGS…` — `ipsecctl ARGS…` that never waits for good: an `ike` rule is written to isakmpd's FIFO, which
 *   isakmpd leaves on disk when it stops (until the next boot), and ipsecctl's open of it then waits for a reader that
 *   never comes. With isakmpd not running (`rcctl check`), the rules go to a FIFO of the script's own that a `cat`
 *   drains: flows and SAs are loaded or deleted as usual, and the ike rules have nothing to act on (isakmpd deleted
 *   its SAs and flows when it stopped; a new one knows none). The script holds the FIFO open for writing while
 *   ipsecctl runs, so every open of it finds a reader and the reader no end; once the script closes it, `cat` reads to
 *   the end and exits by itself (a `kill` could reach it before its exec and be lost: the `cat` then lived on,
 *   holding the `$(…)` of its caller open for good).
 *
 * The pending rollback is claimed by renaming `$R/pending` (atomic): the timer, a failing step and
 * the confirm all claim it, and only the one whose rename succeeds acts. A dead lock is claimed the same
 * way (renamed to `lock.PID`, then checked to still be the dead commit's), so two operations that find it
 * at once do not both recover it; a restore script releases the lock only while its own commit holds it.
 */
import { STATE_DIR } from "./state-dir";

/** `ipsc` (see above): also run on its own by tests. */
export const IPSC_FN = `ipsc() {
  if rcctl check isakmpd >/dev/null 2>&1; then ipsecctl "$@"; return; fi
  IF="$D/ike.fifo.$$"; rm -f "$IF"
  E=$(mkfifo -m 600 "$IF" 2>&1) || { printf 'mkfifo %s: %s\\n' "$IF" "$E" >&2; return 1; }
  # shellcheck disable=SC2094 # the FIFO, opened for writing first so that opening it for reading does not wait
  exec 9<>"$IF" 8<"$IF"
  cat <&8 8<&- 9<&- >/dev/null 2>&1 & IP=$!
  exec 8<&-
  ipsecctl -i "$IF" "$@"; IS=$?
  exec 9<&-
  wait "$IP"; rm -f "$IF"
  return "$IS"
}`;

/** The library's text (POSIX sh; `shellcheck -s sh` clean, see test/unit/provider/commit-scripts.test.ts). */
export const SCRIPT_LIB = `# shellcheck disable=SC2317,SC2012 # library functions a script may not call; \`ls -ld\` of one named file
set -u
umask 077
D=${STATE_DIR}
esc() { printf '%s\\n' "$1" | sed 's/^@@/@ @/'; }
say() { printf '@@fail %s\\n' "$1" >&2; esc "$2" >&2; }
fail() { say "$1" "$2"; exit 1; }
vacate() {
  rm -f "$1" 2>/dev/null
  if [ -e "$1" ] || [ -L "$1" ]; then fail "vacate $1" "$(ls -ld "$1" 2>&1): in the way of this commit's own copy there (a leftover?); move it out of the way by hand"; fi
}
v() { OUT=$("$@" 2>&1) || fail "$*" "$OUT"; }
put() {
  if [ "\${3:-}" = cut ]; then
    E=$(dd bs=1 count="$2" of="$1" 2>&1) || fail "write $1" "$(printf '%s\\n' "$E" | head -n 1)"
  else
    E=$(cat 2>&1 > "$1") || fail "write $1" "$E"
  fi
  n=$(wc -c < "$1")
  [ "$n" -eq "$2" ] 2>/dev/null || fail "write $1" "wrote $((n)) of $2 bytes"
}
rec() { E=$(printf '%s\\n' "$1" | cat 2>&1 >> "$2") || fail "write $2" "$E"; }
keep() {
  kd="\${2%/*}"; kd="\${kd:-/}"
  [ -d "$kd" ] || { E=$(mkdir -p "$kd" 2>&1) || fail "mkdir $kd" "$E"; }
  E=$(cp -p "$1" "$2" 2>&1) || fail "copy $1 to $2" "$E"
  cmp -s "$1" "$2" || fail "copy $1 to $2" "the copy differs from $1"
}
${IPSC_FN}
BOOT=
WHO=
boot() { [ -n "$BOOT" ] || BOOT=$(sysctl -n kern.boottime 2>/dev/null || echo unknown); }
own() {
  boot
  if E=$(printf '%s %s %s\\n' "$ID" "$1" "$BOOT" | cat 2>&1 > "$D/lock/owner.new") && E=$(mv -f "$D/lock/owner.new" "$D/lock/owner" 2>&1); then return 0; fi
  say "write $D/lock/owner" "$E"
  return 1
}
dead() {
  oid=; opid=; oboot=
  [ -f "$D/lock/owner" ] || return 1
  read -r oid opid oboot < "$D/lock/owner" || return 1
  [ -n "$oboot" ] || return 1
  boot
  [ "$oboot" != "$BOOT" ] && return 0
  ! kill -0 "$opid" 2>/dev/null
}
superseded() {
  [ -n "$WHO" ] && [ -f "$D/lock/who" ] || return 1
  oid=; opid=; oboot=; w=
  read -r oid opid oboot < "$D/lock/owner" || return 1
  [ -n "$oid" ] && [ -e "$D/rollback/$oid/pending" ] || return 1
  w=$(cat "$D/lock/who" 2>/dev/null) && [ "$w" = "$WHO" ]
}
recover() {
  mv "$D/lock" "$D/lock.$$" 2>/dev/null || return 0
  c=; read -r c _ 2>/dev/null < "$D/lock.$$/owner"
  if [ "$c" != "$oid" ]; then
    if [ -e "$D/lock" ]; then rm -rf "$D/lock.$$"; else mv "$D/lock.$$" "$D/lock"; fi
    return 0
  fi
  r="$D/rollback/$oid"
  if [ -f "$r/restore.sh" ] && [ -e "$r/pending" ]; then
    # a superseded commit's timer is alive: stopped (its shell first, which then ends with its sleep) so that it
    # does not linger for the rest of its seconds; its apply may still run (a step that hangs: the connection that
    # started it is gone, not the script), and is stopped first by its restore, as the timer would (its timer argument)
    if [ "$1" = superseded ]; then
      if [ -n "$opid" ]; then kill "$opid" 2>/dev/null; pkill -P "$opid" 2>/dev/null; fi
      E=$(sh "$r/restore.sh" timer 2>&1)
    else
      E=$(sh "$r/restore.sh" 2>&1)
    fi
    printf '@@recovered %s %s %s\\n' "$oid" "$1" "$E" >&2
  else
    if [ -f "$r/staged" ]; then while read -r t; do rm -f "$t"; done < "$r/staged"; fi
    printf '@@recovered %s dropped\\n' "$oid" >&2
  fi
  rm -rf "$r" "$D/lock.$$"
}
lock() {
  E=$(mkdir -p "$D" 2>&1 && chmod 700 "$D") || fail "mkdir $D" "$E"
  n=0
  while ! mkdir "$D/lock" 2>/dev/null; do
    if dead; then recover restored; continue; fi
    if superseded; then recover superseded; continue; fi
    n=$((n+1))
    # said once, at once: the provider shows it while this waits (who holds the lock, when the holder wrote it)
    if [ "$n" -eq 1 ]; then printf '@@waiting %s %s\\n' "$(cut -d' ' -f1 "$D/lock/owner" 2>/dev/null)" "$(cat "$D/lock/who" 2>/dev/null)" >&2; fi
    if [ "$n" -ge "$LOCK_WAIT" ]; then
      printf '@@locked %s\\n' "$(cat "$D/lock/owner" 2>/dev/null)" >&2
      exit 75
    fi
    sleep 1
  done
  own $$ || { rm -rf "$D/lock"; exit 1; }
  [ -z "$WHO" ] || printf '%s\\n' "$WHO" > "$D/lock/who" 2>/dev/null || :
}
owns() {
  if [ -f "$D/owner" ] && [ "$2" != takeover ]; then
    o=; u=; i=
    { read -r o; read -r u; read -r _; read -r i; } < "$D/owner"
    if [ -n "\${3-}" ] && [ "$i" = "$3" ]; then
      [ "$o" = "$1" ] || printf '@@moved %s %s\\n' "$o" "$u" >&2
    elif [ "$o" != "$1" ]; then printf '@@owner %s %s\\n' "$o" "$u" >&2; exit 3; fi
  fi
}
`;

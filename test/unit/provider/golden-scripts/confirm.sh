# shellcheck disable=SC2317,SC2012 # library functions a script may not call; `ls -ld` of one named file
{
# shellcheck disable=SC2317,SC2012 # library functions a script may not call; `ls -ld` of one named file
set -u
umask 077
D=/var/db/pulumi-openbsd
esc() { printf '%s\n' "$1" | sed 's/^@@/@ @/'; }
say() { printf '@@fail %s\n' "$1" >&2; esc "$2" >&2; }
fail() { say "$1" "$2"; exit 1; }
vacate() {
  rm -f "$1" 2>/dev/null
  if [ -e "$1" ] || [ -L "$1" ]; then fail "vacate $1" "$(ls -ld "$1" 2>&1): in the way of this commit's own copy there (a leftover?); move it out of the way by hand"; fi
}
v() { OUT=$("$@" 2>&1) || fail "$*" "$OUT"; }
put() {
  if [ "${3:-}" = cut ]; then
    E=$(dd bs=1 count="$2" of="$1" 2>&1) || fail "write $1" "$(printf '%s\n' "$E" | head -n 1)"
  else
    E=$(cat 2>&1 > "$1") || fail "write $1" "$E"
  fi
  n=$(wc -c < "$1")
  [ "$n" -eq "$2" ] 2>/dev/null || fail "write $1" "wrote $((n)) of $2 bytes"
}
rec() { E=$(printf '%s\n' "$1" | cat 2>&1 >> "$2") || fail "write $2" "$E"; }
keep() {
  kd="${2%/*}"; kd="${kd:-/}"
  [ -d "$kd" ] || { E=$(mkdir -p "$kd" 2>&1) || fail "mkdir $kd" "$E"; }
  E=$(cp -p "$1" "$2" 2>&1) || fail "copy $1 to $2" "$E"
  cmp -s "$1" "$2" || fail "copy $1 to $2" "the copy differs from $1"
}
ipsc() {
  if rcctl check isakmpd >/dev/null 2>&1; then ipsecctl "$@"; return; fi
  IF="$D/ike.fifo.$$"; rm -f "$IF"
  E=$(mkfifo -m 600 "$IF" 2>&1) || { printf 'mkfifo %s: %s\n' "$IF" "$E" >&2; return 1; }
  # shellcheck disable=SC2094 # the FIFO, opened for writing first so that opening it for reading does not wait
  exec 9<>"$IF" 8<"$IF"
  cat <&8 8<&- 9<&- >/dev/null 2>&1 & IP=$!
  exec 8<&-
  ipsecctl -i "$IF" "$@"; IS=$?
  exec 9<&-
  wait "$IP"; rm -f "$IF"
  return "$IS"
}
BOOT=
WHO=
boot() { [ -n "$BOOT" ] || BOOT=$(sysctl -n kern.boottime 2>/dev/null || echo unknown); }
own() {
  boot
  if E=$(printf '%s %s %s\n' "$ID" "$1" "$BOOT" | cat 2>&1 > "$D/lock/owner.new") && E=$(mv -f "$D/lock/owner.new" "$D/lock/owner" 2>&1); then return 0; fi
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
    printf '@@recovered %s %s %s\n' "$oid" "$1" "$E" >&2
  else
    if [ -f "$r/staged" ]; then while read -r t; do rm -f "$t"; done < "$r/staged"; fi
    printf '@@recovered %s dropped\n' "$oid" >&2
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
    if [ "$n" -eq 1 ]; then printf '@@waiting %s %s\n' "$(cut -d' ' -f1 "$D/lock/owner" 2>/dev/null)" "$(cat "$D/lock/who" 2>/dev/null)" >&2; fi
    if [ "$n" -ge "$LOCK_WAIT" ]; then
      printf '@@locked %s\n' "$(cat "$D/lock/owner" 2>/dev/null)" >&2
      exit 75
    fi
    sleep 1
  done
  own $$ || { rm -rf "$D/lock"; exit 1; }
  [ -z "$WHO" ] || printf '%s\n' "$WHO" > "$D/lock/who" 2>/dev/null || :
}
owns() {
  if [ -f "$D/owner" ] && [ "$2" != takeover ]; then
    o=; u=; i=
    { read -r o; read -r u; read -r _; read -r i; } < "$D/owner"
    if [ -n "${3-}" ] && [ "$i" = "$3" ]; then
      [ "$o" = "$1" ] || printf '@@moved %s %s\n' "$o" "$u" >&2
    elif [ "$o" != "$1" ]; then printf '@@owner %s %s\n' "$o" "$u" >&2; exit 3; fi
  fi
}
LOCK_WAIT=120
ID=0123456789ab
R="$D/rollback/$ID"
ch() { grep -qxF "$1" "$R/changed" 2>/dev/null; }
trap '' HUP PIPE
if [ -e "$R/pending" ] && [ -e "$R/ipsec-loaded" ]; then
  n=0; F=$(ipsecctl -sf 2>/dev/null); until printf '%s\n' "$F" | grep -F 'flow esp in from 192.168.15.0/24 to 172.16.0.0/24 peer 192.0.123.85 ' | grep -q ' type require$'; do
    if [ $n -ge 100 ]; then echo "@@noflows 20" >&2; break; fi
    sleep 0.2; n=$((n+1)); F=$(ipsecctl -sf 2>/dev/null)
  done
fi
if ! mv "$R/pending" "$R/confirmed" 2>/dev/null; then printf '@@rolledback %s\n' "$ID" >&2; exit 1; fi
if dead; then :; elif [ -n "$opid" ] && [ "$opid" != "$$" ]; then kill "$opid" 2>/dev/null; pkill -P "$opid" 2>/dev/null; fi
if [ -f "$R/changed" ]; then while read -r f; do rm -f "$f.pulumi-old"; done < "$R/changed"; fi
if ! { printf '%s\n' 'vpn/prod' 'urn:pulumi:prod::vpn::openbsd:index:GatewayConfig::gw1' '192.0.2.153:22' 'fp:411faaccec4e' > "$D/owner.new" && mv -f "$D/owner.new" "$D/owner"; } 2>/dev/null; then rm -f "$D/owner.new"; echo "@@noowner" >&2; fi
rm -rf "$R" "$D/lock"
ipsecctl -sf 2>/dev/null
exit 0
}

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
mv "$R/pending" "$R/claimed" 2>/dev/null || exit 0
if [ "${1:-}" = timer ] && [ -f "$R/apply.pgid" ]; then
  read -r ag < "$R/apply.pgid"
  if [ -n "$ag" ] && kill -TERM -"$ag" 2>/dev/null; then n=0; while kill -0 -"$ag" 2>/dev/null && [ $n -lt 25 ]; do sleep 0.2; n=$((n+1)); done; kill -KILL -"$ag" 2>/dev/null; fi
fi
bad=
if ch '/etc/ipsec.conf' && [ -e '/etc/ipsec.conf' ]; then ipsc -d -f '/etc/ipsec.conf' >/dev/null 2>&1; fi
[ -f "$R/svc" ] && while read -r s st run fl; do
  if [ "$st" = off ]; then [ "$run" = "-" ] || rcctl stop "$s" >/dev/null 2>&1; rcctl disable "$s" >/dev/null 2>&1; fi
done < "$R/svc"
if [ ! -f "$R/manifest" ]; then bad=" (no manifest $R/manifest: no file was put back)"; else
while read -r st f; do
  case "$st" in
    present) if [ -f "$f.pulumi-old" ] && [ ! -L "$f.pulumi-old" ] && mv -f "$f.pulumi-old" "$f" 2>/dev/null; then rm -f "$f.pulumi-old";
      elif [ ! -e "$f.pulumi-old" ] && [ -f "$R/files$f" ] && cmp -s "$R/files$f" "$f"; then :;
      elif [ -f "$R/files$f" ] && rm -f "$f.pulumi-back" && cp -p "$R/files$f" "$f.pulumi-back" 2>/dev/null && mv -f "$f.pulumi-back" "$f"; then rm -f "$f.pulumi-old";
      else rm -f "$f.pulumi-back" 2>/dev/null; bad="$bad $f"; fi ;;
    absent) rm -f "$f" ;;
  esac
done < "$R/manifest"
fi
if [ -f "$R/sysctl" ]; then while read -r l; do sysctl "$l" >/dev/null 2>&1; done < "$R/sysctl"; fi
if ch '/etc/hostname.em0'; then [ -e /etc/hostname.em0 ] && sh /etc/netstart em0 >/dev/null 2>&1; fi
if ch '/etc/hostname.gre0'; then ifconfig gre0 destroy >/dev/null 2>&1; [ -e /etc/hostname.gre0 ] && sh /etc/netstart gre0 >/dev/null 2>&1; fi
if ch '/etc/pf.conf'; then pfctl -f /etc/pf.conf >/dev/null 2>&1; fi
if ch '/etc/pf.anchors/vpn'; then if [ -e '/etc/pf.anchors/vpn' ]; then pfctl -a 'vpn' -f '/etc/pf.anchors/vpn' >/dev/null 2>&1; else pfctl -a 'vpn/*' -F all >/dev/null 2>&1; pfctl -a 'vpn' -F all >/dev/null 2>&1; fi; fi
# shellcheck disable=SC2086 # $fl: the recorded flags, split into words on purpose
[ -f "$R/svc" ] && while read -r s st run fl; do
  if [ "$st" = off ]; then [ "$run" = "-" ] || rcctl stop "$s" >/dev/null 2>&1; rcctl disable "$s" >/dev/null 2>&1
  else rcctl enable "$s" >/dev/null 2>&1; [ "$run" = "-" ] || rcctl set "$s" flags $fl >/dev/null 2>&1
    if [ "$run" = yes ]; then rcctl restart "$s" >/dev/null 2>&1; elif [ "$run" = no ]; then rcctl stop "$s" >/dev/null 2>&1; fi
  fi
done < "$R/svc"
if ch '/etc/ipsec.conf' && [ -e '/etc/ipsec.conf' ] && rcctl get ipsec status >/dev/null 2>&1; then ipsc -f '/etc/ipsec.conf' >/dev/null 2>&1; fi
echo "$ID $(date)" > "$D/last-rollback"
if [ -z "$bad" ]; then rm -rf "$R"; fi; o=; read -r o _ 2>/dev/null < "$D/lock/owner"; [ "$o" != "$ID" ] || rm -rf "$D/lock"
if [ -n "$bad" ]; then printf '@@notrestored%s\n@@copies %s\n' "$bad" "$R/files" >&2; exit 1; fi
exit 0

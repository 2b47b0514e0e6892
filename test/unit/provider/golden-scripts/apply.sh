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
undo() { RE=$(sh "$R/restore.sh" 2>&1); say "$1" "$2"; [ -z "$RE" ] || printf '@@restore %s\n' "$RE" >&2; exit 1; }
live() { [ -e "$R/pending" ] || { printf '@@rolledback %s\n' "$ID" >&2; exit 4; }; }
step() { live; OUT=$("$@" 2>&1) || undo "$*" "$OUT"; [ -z "$OUT" ] || esc "$OUT"; }
netup() { live; { E=$(sh /etc/netstart "$1" 2>&1 1>&3); } 3>&1 || undo "sh /etc/netstart $1" "$E"; [ -z "$E" ] || undo "sh /etc/netstart $1" "$E"; }
ifwant() {
  i=$1; shift; I=$(ifconfig "$i" 2>&1) || undo "ifconfig $i" "$I"
  for w in "$@"; do case "$w" in keepalive:*) p="$w
";; *) p=$w;; esac; case "$I
" in *"$p"*) ;; *) undo "sh /etc/netstart $i" "$i does not show \`$w\` that /etc/hostname.$i asks for; ifconfig $i prints:
$I" ;; esac; done
}
ipdel() {
  if OUT=$(ipsc -d -f "$1" 2>&1); then return 0; fi
  BAD=$(printf '%s\n' "$OUT" | grep -v -e '^$' -e '^\(ipsecctl: \)\{0,1\}PF_KEY failed: No such process$' -e '^\(ipsecctl: \)\{0,1\}failed to delete rule [0-9][0-9]*$')
  [ -z "$BAD" ] && return 0
  undo "ipsecctl -d -f $1" "$OUT"
}
ps -o pgid= -p $$ 2>/dev/null | tr -d " " > "$R/apply.pgid" 2>/dev/null
live
reload_ipsec=0
[ "$(sysctl -n 'net.inet.esp.enable' 2>/dev/null)" = '1' ] || step sysctl 'net.inet.esp.enable=1'
[ "$(sysctl -n 'net.inet.ip.forwarding' 2>/dev/null)" = '2' ] || step sysctl 'net.inet.ip.forwarding=2'
if ch '/etc/hostname.em0'; then netup em0; ifwant em0 'inet 172.16.0.1 ' '<UP'; fi
if ch '/etc/hostname.gre0'; then netup gre0; ifwant gre0 'tunnel: inet 192.0.2.153 --> 192.0.123.85 ' 'vnetid 42 ' 'inet 10.9.0.1 ' '<UP'; fi
if ch /etc/pf.conf; then step pfctl -f /etc/pf.conf; fi
if ch '/etc/pf.anchors/vpn'; then step pfctl -a 'vpn' -f '/etc/pf.anchors/vpn'; fi
restart=0
if ! rcctl get 'isakmpd' status >/dev/null 2>&1; then step rcctl enable 'isakmpd'; fi
if [ "$(rcctl get 'isakmpd' flags 2>/dev/null)" != '-K' ]; then step rcctl set 'isakmpd' flags '-K'; restart=1; fi
# shellcheck disable=SC2013 # the run file's flags, split into words on purpose
if [ -f /var/run/rc.d/isakmpd ]; then hs=0; for w in $(sed -n 's/^daemon_flags=//p' /var/run/rc.d/isakmpd); do case "$w" in -*S*) hs=1 ;; esac; done; [ $hs = 0 ] || restart=1; fi
if rcctl check 'isakmpd' >/dev/null 2>&1; then [ $restart = 1 ] && step rcctl restart 'isakmpd'; else step rcctl start 'isakmpd'; fi
[ $restart = 1 ] && reload_ipsec=1
restart=0
if ! rcctl get 'ipsec' status >/dev/null 2>&1; then step rcctl enable 'ipsec'; fi
if ch '/etc/ipsec.conf' || [ $reload_ipsec = 1 ]; then if [ -e "$R/files"'/etc/ipsec.conf' ]; then ipdel "$R/files"'/etc/ipsec.conf'; fi; rcctl check isakmpd >/dev/null 2>&1 || undo 'ipsecctl -f /etc/ipsec.conf' 'isakmpd does not run, so the ike rules of /etc/ipsec.conf cannot be loaded'; step ipsecctl -f '/etc/ipsec.conf'; : > "$R/ipsec-loaded"
fi
rm -f "$R/apply.pgid"
exit 0
}

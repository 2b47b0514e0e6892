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
WHO='vpn/prod urn:pulumi:prod::vpn::openbsd:index:GatewayConfig::gw1'
lock
TPID=
WD=
DL=
cleanup() { if [ -n "$WD" ]; then kill "$WD" 2>/dev/null; fi; if [ -n "$TPID" ]; then kill "$TPID" 2>/dev/null; fi; if [ -f "$R/staged" ]; then while read -r t; do rm -f "$t"; done < "$R/staged"; fi; rm -rf "$R" "$D/lock"; [ -z "$DL" ] || exit 1; }
trap cleanup EXIT
trap 'printf "@@deadline 300\n" >&2; DL=1; exit 1' TERM
PG=$(ps -o pgid= -p $$ 2>/dev/null | tr -d " ")
if [ -n "$PG" ]; then sh -c "trap 'kill \$s 2>/dev/null; exit 0' TERM; sleep 300 & s=\$!; wait \$s && kill -TERM -$PG" </dev/null >/dev/null 2>&1 & WD=$!; fi
owns 'vpn/prod' - 'fp:411faaccec4e'
if [ -e '/etc/hostname.em0' ] && [ ! -f '/etc/hostname.em0' ]; then printf '@@notfile %s\n' "$(ls -ld '/etc/hostname.em0' 2>&1)" >&2; exit 1; fi
if [ -e '/etc/hostname.gre0' ] && [ ! -f '/etc/hostname.gre0' ]; then printf '@@notfile %s\n' "$(ls -ld '/etc/hostname.gre0' 2>&1)" >&2; exit 1; fi
if [ -e '/etc/ipsec.conf' ] && [ ! -f '/etc/ipsec.conf' ]; then printf '@@notfile %s\n' "$(ls -ld '/etc/ipsec.conf' 2>&1)" >&2; exit 1; fi
if [ -e '/etc/pf.anchors/vpn' ] && [ ! -f '/etc/pf.anchors/vpn' ]; then printf '@@notfile %s\n' "$(ls -ld '/etc/pf.anchors/vpn' 2>&1)" >&2; exit 1; fi
if [ -e '/etc/pf.conf' ] && [ ! -f '/etc/pf.conf' ]; then printf '@@notfile %s\n' "$(ls -ld '/etc/pf.conf' 2>&1)" >&2; exit 1; fi
if [ -e '/etc/sysctl.conf' ] && [ ! -f '/etc/sysctl.conf' ]; then printf '@@notfile %s\n' "$(ls -ld '/etc/sysctl.conf' 2>&1)" >&2; exit 1; fi
rm -rf "$R"
E=$(mkdir -p "$R/files" 2>&1) || fail "mkdir $R/files" "$E"
put "$R/changed" 0 < /dev/null
put "$R/staged" 0 < /dev/null
x='/etc'; while [ ! -d "$x" ]; do grep -qxF "$x" "$D/baseline-dirs" 2>/dev/null || rec "$x" "$D/baseline-dirs"; x="$(dirname "$x")"; done
[ -d '/etc' ] || { E=$(mkdir -p '/etc' 2>&1) || fail 'mkdir /etc' "$E"; }
rec '/etc/hostname.em0.pulumi-new' "$R/staged"
vacate '/etc/hostname.em0.pulumi-new'
put '/etc/hostname.em0.pulumi-new' 38 <<'PULUMI_OPENBSD_EOF_X'
inet 172.16.0.1 255.255.255.0 NONE
up
PULUMI_OPENBSD_EOF_X
v chown 'root:wheel' '/etc/hostname.em0.pulumi-new'
v chmod 0640 '/etc/hostname.em0.pulumi-new'
if [ -f '/etc/hostname.em0' ] && cmp -s '/etc/hostname.em0' '/etc/hostname.em0.pulumi-new' && [ "$(ls -ld '/etc/hostname.em0' | awk '{print $1, $3, $4}')" = "$(ls -ld '/etc/hostname.em0.pulumi-new' | awk '{print $1, $3, $4}')" ]; then :; else rec '/etc/hostname.em0' "$R/changed"; fi
x='/etc'; while [ ! -d "$x" ]; do grep -qxF "$x" "$D/baseline-dirs" 2>/dev/null || rec "$x" "$D/baseline-dirs"; x="$(dirname "$x")"; done
[ -d '/etc' ] || { E=$(mkdir -p '/etc' 2>&1) || fail 'mkdir /etc' "$E"; }
rec '/etc/hostname.gre0.pulumi-new' "$R/staged"
vacate '/etc/hostname.gre0.pulumi-new'
put '/etc/hostname.gre0.pulumi-new' 84 <<'PULUMI_OPENBSD_EOF_X'
tunnel 192.0.2.153 192.0.123.85
vnetid 42
inet 10.9.0.1 255.255.255.252 10.9.0.2
up
PULUMI_OPENBSD_EOF_X
v chown 'root:wheel' '/etc/hostname.gre0.pulumi-new'
v chmod 0640 '/etc/hostname.gre0.pulumi-new'
if [ -f '/etc/hostname.gre0' ] && cmp -s '/etc/hostname.gre0' '/etc/hostname.gre0.pulumi-new' && [ "$(ls -ld '/etc/hostname.gre0' | awk '{print $1, $3, $4}')" = "$(ls -ld '/etc/hostname.gre0.pulumi-new' | awk '{print $1, $3, $4}')" ]; then :; else rec '/etc/hostname.gre0' "$R/changed"; fi
x='/etc'; while [ ! -d "$x" ]; do grep -qxF "$x" "$D/baseline-dirs" 2>/dev/null || rec "$x" "$D/baseline-dirs"; x="$(dirname "$x")"; done
[ -d '/etc' ] || { E=$(mkdir -p '/etc' 2>&1) || fail 'mkdir /etc' "$E"; }
rec '/etc/ipsec.conf.pulumi-new' "$R/staged"
vacate '/etc/ipsec.conf.pulumi-new'
put '/etc/ipsec.conf.pulumi-new' 171 <<'PULUMI_OPENBSD_EOF_X'
ike esp from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85 main auth hmac-sha2-256 enc aes-256 quick auth hmac-sha2-256 enc aes-256 psk "t3st-PSK-never-in-logs-7d1e"
PULUMI_OPENBSD_EOF_X
v chown 'root:wheel' '/etc/ipsec.conf.pulumi-new'
v chmod 0600 '/etc/ipsec.conf.pulumi-new'
if [ -f '/etc/ipsec.conf' ] && cmp -s '/etc/ipsec.conf' '/etc/ipsec.conf.pulumi-new' && [ "$(ls -ld '/etc/ipsec.conf' | awk '{print $1, $3, $4}')" = "$(ls -ld '/etc/ipsec.conf.pulumi-new' | awk '{print $1, $3, $4}')" ]; then :; else rec '/etc/ipsec.conf' "$R/changed"; fi
x='/etc/pf.anchors'; while [ ! -d "$x" ]; do grep -qxF "$x" "$D/baseline-dirs" 2>/dev/null || rec "$x" "$D/baseline-dirs"; x="$(dirname "$x")"; done
[ -d '/etc/pf.anchors' ] || { E=$(mkdir -p '/etc/pf.anchors' 2>&1) || fail 'mkdir /etc/pf.anchors' "$E"; }
rec '/etc/pf.anchors/vpn.pulumi-new' "$R/staged"
vacate '/etc/pf.anchors/vpn.pulumi-new'
put '/etc/pf.anchors/vpn.pulumi-new' 270 <<'PULUMI_OPENBSD_EOF_X'
pass in on em1 proto udp from 192.0.123.85 to 192.0.2.153 port { 500 4500 }
pass in on em1 proto esp from 192.0.123.85 to 192.0.2.153
pass out on em1 proto udp from 192.0.2.153 to 192.0.123.85 port { 500 4500 }
pass out on em1 proto esp from 192.0.2.153 to 192.0.123.85
PULUMI_OPENBSD_EOF_X
v chown 'root:wheel' '/etc/pf.anchors/vpn.pulumi-new'
v chmod 0600 '/etc/pf.anchors/vpn.pulumi-new'
if [ -f '/etc/pf.anchors/vpn' ] && cmp -s '/etc/pf.anchors/vpn' '/etc/pf.anchors/vpn.pulumi-new' && [ "$(ls -ld '/etc/pf.anchors/vpn' | awk '{print $1, $3, $4}')" = "$(ls -ld '/etc/pf.anchors/vpn.pulumi-new' | awk '{print $1, $3, $4}')" ]; then :; else rec '/etc/pf.anchors/vpn' "$R/changed"; fi
x='/etc'; while [ ! -d "$x" ]; do grep -qxF "$x" "$D/baseline-dirs" 2>/dev/null || rec "$x" "$D/baseline-dirs"; x="$(dirname "$x")"; done
[ -d '/etc' ] || { E=$(mkdir -p '/etc' 2>&1) || fail 'mkdir /etc' "$E"; }
rec '/etc/pf.conf.pulumi-new' "$R/staged"
vacate '/etc/pf.conf.pulumi-new'
put '/etc/pf.conf.pulumi-new' 78 <<'PULUMI_OPENBSD_EOF_X'
set skip on lo
pass
anchor "vpn"
load anchor "vpn" from "/etc/pf.anchors/vpn"
PULUMI_OPENBSD_EOF_X
v chown 'root:wheel' '/etc/pf.conf.pulumi-new'
v chmod 0600 '/etc/pf.conf.pulumi-new'
if [ -f '/etc/pf.conf' ] && cmp -s '/etc/pf.conf' '/etc/pf.conf.pulumi-new' && [ "$(ls -ld '/etc/pf.conf' | awk '{print $1, $3, $4}')" = "$(ls -ld '/etc/pf.conf.pulumi-new' | awk '{print $1, $3, $4}')" ]; then :; else rec '/etc/pf.conf' "$R/changed"; fi
x='/etc'; while [ ! -d "$x" ]; do grep -qxF "$x" "$D/baseline-dirs" 2>/dev/null || rec "$x" "$D/baseline-dirs"; x="$(dirname "$x")"; done
[ -d '/etc' ] || { E=$(mkdir -p '/etc' 2>&1) || fail 'mkdir /etc' "$E"; }
rec '/etc/sysctl.conf.pulumi-new' "$R/staged"
vacate '/etc/sysctl.conf.pulumi-new'
put '/etc/sysctl.conf.pulumi-new' 47 <<'PULUMI_OPENBSD_EOF_X'
net.inet.ip.forwarding=2
net.inet.esp.enable=1
PULUMI_OPENBSD_EOF_X
v chown 'root:wheel' '/etc/sysctl.conf.pulumi-new'
v chmod 0644 '/etc/sysctl.conf.pulumi-new'
if [ -f '/etc/sysctl.conf' ] && cmp -s '/etc/sysctl.conf' '/etc/sysctl.conf.pulumi-new' && [ "$(ls -ld '/etc/sysctl.conf' | awk '{print $1, $3, $4}')" = "$(ls -ld '/etc/sysctl.conf.pulumi-new' | awk '{print $1, $3, $4}')" ]; then :; else rec '/etc/sysctl.conf' "$R/changed"; fi
echo @@staged
if ch '/etc/ipsec.conf'; then v ipsecctl -nf '/etc/ipsec.conf.pulumi-new'; fi
if ch '/etc/pf.anchors/vpn'; then v pfctl -a 'vpn' -nf '/etc/pf.anchors/vpn.pulumi-new'; fi
if ch '/etc/pf.conf' || [ -s "$R/changed" ]; then
rec '/etc/pf.conf.pulumi-check' "$R/staged"
vacate '/etc/pf.conf.pulumi-check'
put '/etc/pf.conf.pulumi-check' 89 <<'PULUMI_OPENBSD_EOF_X'
set skip on lo
pass
anchor "vpn"
load anchor "vpn" from "/etc/pf.anchors/vpn.pulumi-new"
PULUMI_OPENBSD_EOF_X
v chmod 0600 '/etc/pf.conf.pulumi-check'; v pfctl -nf '/etc/pf.conf.pulumi-check'; rm -f '/etc/pf.conf.pulumi-check'; fi
while read -r t; do f="${t%.pulumi-new}"; [ "$f" = "$t" ] && continue; grep -qxF "$f" "$R/changed" || rm -f "$t"; done < "$R/staged"
B="$D/baseline"'/etc/hostname.em0'; if [ ! -e "$B" ] && [ ! -e "$B.pulumi-absent" ]; then if [ -e '/etc/hostname.em0' ]; then keep '/etc/hostname.em0' "$B"; else keep /dev/null "$B.pulumi-absent"; fi; fi
B="$D/baseline"'/etc/hostname.gre0'; if [ ! -e "$B" ] && [ ! -e "$B.pulumi-absent" ]; then if [ -e '/etc/hostname.gre0' ]; then keep '/etc/hostname.gre0' "$B"; else keep /dev/null "$B.pulumi-absent"; fi; fi
B="$D/baseline"'/etc/ipsec.conf'; if [ ! -e "$B" ] && [ ! -e "$B.pulumi-absent" ]; then if [ -e '/etc/ipsec.conf' ]; then keep '/etc/ipsec.conf' "$B"; else keep /dev/null "$B.pulumi-absent"; fi; fi
B="$D/baseline"'/etc/pf.anchors/vpn'; if [ ! -e "$B" ] && [ ! -e "$B.pulumi-absent" ]; then if [ -e '/etc/pf.anchors/vpn' ]; then keep '/etc/pf.anchors/vpn' "$B"; else keep /dev/null "$B.pulumi-absent"; fi; fi
B="$D/baseline"'/etc/pf.conf'; if [ ! -e "$B" ] && [ ! -e "$B.pulumi-absent" ]; then if [ -e '/etc/pf.conf' ]; then keep '/etc/pf.conf' "$B"; else keep /dev/null "$B.pulumi-absent"; fi; fi
B="$D/baseline"'/etc/sysctl.conf'; if [ ! -e "$B" ] && [ ! -e "$B.pulumi-absent" ]; then if [ -e '/etc/sysctl.conf' ]; then keep '/etc/sysctl.conf' "$B"; else keep /dev/null "$B.pulumi-absent"; fi; fi
while read -r f; do vacate "$f.pulumi-old"; vacate "$f.pulumi-back"; done < "$R/changed"
put "$R/manifest" 0 < /dev/null
while read -r f; do if [ -e "$f" ]; then keep "$f" "$R/files$f"; rec "present $f" "$R/manifest"; else rec "absent $f" "$R/manifest"; fi; done < "$R/changed"
grep -q '^net.inet.esp.enable=' "$D/baseline-sysctl" 2>/dev/null || rec "net.inet.esp.enable=$(sysctl -n 'net.inet.esp.enable')" "$D/baseline-sysctl"
grep -q '^net.inet.ip.forwarding=' "$D/baseline-sysctl" 2>/dev/null || rec "net.inet.ip.forwarding=$(sysctl -n 'net.inet.ip.forwarding')" "$D/baseline-sysctl"
rec "net.inet.esp.enable=$(sysctl -n 'net.inet.esp.enable')" "$R/sysctl"
rec "net.inet.ip.forwarding=$(sysctl -n 'net.inet.ip.forwarding')" "$R/sysctl"
grep -q "^isakmpd " "$D/baseline-svc" 2>/dev/null || { if rcctl get 'isakmpd' status >/dev/null 2>&1; then st=on; else st=off; fi; if rcctl check 'isakmpd' >/dev/null 2>&1; then run=yes; else run=no; fi; fl=$(rcctl get 'isakmpd' flags 2>/dev/null); rec "isakmpd $st $run $fl" "$D/baseline-svc"; }
grep -q "^ipsec " "$D/baseline-svc" 2>/dev/null || { if rcctl get 'ipsec' status >/dev/null 2>&1; then st=on; else st=off; fi; run=-; fl=; rec "ipsec $st $run $fl" "$D/baseline-svc"; }
{ if rcctl get 'isakmpd' status >/dev/null 2>&1; then st=on; else st=off; fi; if rcctl check 'isakmpd' >/dev/null 2>&1; then run=yes; else run=no; fi; fl=$(rcctl get 'isakmpd' flags 2>/dev/null); rec "isakmpd $st $run $fl" "$R/svc"; }
{ if rcctl get 'ipsec' status >/dev/null 2>&1; then st=on; else st=off; fi; run=-; fl=; rec "ipsec $st $run $fl" "$R/svc"; }
put "$R/restore.sh" 7626 <<'PULUMI_OPENBSD_EOF_X'
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
PULUMI_OPENBSD_EOF_X
echo @@ready
go=
read -r go || go=
[ "$go" = go ] || exit 1
if [ -n "$WD" ]; then kill "$WD" 2>/dev/null; WD=; fi
trap - TERM
put "$R/pending" 0 < /dev/null
nohup sh -c "sleep 60; sh $R/restore.sh timer" </dev/null >/dev/null 2>&1 &
TPID=$!
own "$TPID" || exit 1
trap - EXIT
swapfail() { RE=$(sh "$R/restore.sh" 2>&1); say "$1" "$2"; [ -z "$RE" ] || printf '@@restore %s\n' "$RE" >&2; exit 1; }
old() { if [ -f "$1" ] && [ ! -L "$1" ]; then E=$(ln -f "$1" "$1.pulumi-old" 2>&1) || swapfail "ln -f $1 $1.pulumi-old" "$E"; fi; }
if [ -f '/etc/hostname.em0.pulumi-new' ] && [ ! -L '/etc/hostname.em0.pulumi-new' ]; then old '/etc/hostname.em0'; E=$(mv -f '/etc/hostname.em0.pulumi-new' '/etc/hostname.em0' 2>&1) || swapfail 'mv -f /etc/hostname.em0.pulumi-new /etc/hostname.em0' "$E"; elif ch '/etc/hostname.em0'; then swapfail 'mv -f /etc/hostname.em0.pulumi-new /etc/hostname.em0' "the staged copy is gone: $(ls -ld '/etc/hostname.em0.pulumi-new' 2>&1)"; fi
if [ -f '/etc/hostname.gre0.pulumi-new' ] && [ ! -L '/etc/hostname.gre0.pulumi-new' ]; then old '/etc/hostname.gre0'; E=$(mv -f '/etc/hostname.gre0.pulumi-new' '/etc/hostname.gre0' 2>&1) || swapfail 'mv -f /etc/hostname.gre0.pulumi-new /etc/hostname.gre0' "$E"; elif ch '/etc/hostname.gre0'; then swapfail 'mv -f /etc/hostname.gre0.pulumi-new /etc/hostname.gre0' "the staged copy is gone: $(ls -ld '/etc/hostname.gre0.pulumi-new' 2>&1)"; fi
if [ -f '/etc/ipsec.conf.pulumi-new' ] && [ ! -L '/etc/ipsec.conf.pulumi-new' ]; then old '/etc/ipsec.conf'; E=$(mv -f '/etc/ipsec.conf.pulumi-new' '/etc/ipsec.conf' 2>&1) || swapfail 'mv -f /etc/ipsec.conf.pulumi-new /etc/ipsec.conf' "$E"; elif ch '/etc/ipsec.conf'; then swapfail 'mv -f /etc/ipsec.conf.pulumi-new /etc/ipsec.conf' "the staged copy is gone: $(ls -ld '/etc/ipsec.conf.pulumi-new' 2>&1)"; fi
if [ -f '/etc/pf.anchors/vpn.pulumi-new' ] && [ ! -L '/etc/pf.anchors/vpn.pulumi-new' ]; then old '/etc/pf.anchors/vpn'; E=$(mv -f '/etc/pf.anchors/vpn.pulumi-new' '/etc/pf.anchors/vpn' 2>&1) || swapfail 'mv -f /etc/pf.anchors/vpn.pulumi-new /etc/pf.anchors/vpn' "$E"; elif ch '/etc/pf.anchors/vpn'; then swapfail 'mv -f /etc/pf.anchors/vpn.pulumi-new /etc/pf.anchors/vpn' "the staged copy is gone: $(ls -ld '/etc/pf.anchors/vpn.pulumi-new' 2>&1)"; fi
if [ -f '/etc/pf.conf.pulumi-new' ] && [ ! -L '/etc/pf.conf.pulumi-new' ]; then old '/etc/pf.conf'; E=$(mv -f '/etc/pf.conf.pulumi-new' '/etc/pf.conf' 2>&1) || swapfail 'mv -f /etc/pf.conf.pulumi-new /etc/pf.conf' "$E"; elif ch '/etc/pf.conf'; then swapfail 'mv -f /etc/pf.conf.pulumi-new /etc/pf.conf' "the staged copy is gone: $(ls -ld '/etc/pf.conf.pulumi-new' 2>&1)"; fi
if [ -f '/etc/sysctl.conf.pulumi-new' ] && [ ! -L '/etc/sysctl.conf.pulumi-new' ]; then old '/etc/sysctl.conf'; E=$(mv -f '/etc/sysctl.conf.pulumi-new' '/etc/sysctl.conf' 2>&1) || swapfail 'mv -f /etc/sysctl.conf.pulumi-new /etc/sysctl.conf' "$E"; elif ch '/etc/sysctl.conf'; then swapfail 'mv -f /etc/sysctl.conf.pulumi-new /etc/sysctl.conf' "the staged copy is gone: $(ls -ld '/etc/sysctl.conf.pulumi-new' 2>&1)"; fi
sed "s/^/@@changed /" "$R/changed"
exit 0
}

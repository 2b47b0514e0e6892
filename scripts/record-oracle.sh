#!/usr/bin/env bash
# record-oracle.sh BIN [DIR...] - re-record the outputs of OpenBSD's own parsers for the cases under
# test/fixtures/oracle/{ipsecctl,pfctl,iked} (default: all three), in the golden format of
# ../shared/golden/README.md:
#   ipsecctl -nv -f NAME.conf            -> NAME.out NAME.err NAME.rc
#   pfctl [-a ANCHOR] -nv -f NAME.conf   -> NAME.out NAME.err NAME.rc
#   pfctl [-a ANCHOR] -o none -nv -f ... -> NAME.noopt.out
#   iked -nv -f NAME.conf                -> NAME.out NAME.err NAME.rc ; iked -n -f -> NAME.n.{out,err,rc}
#   sasyncd -d -n -c NAME.conf           -> NAME.out NAME.err NAME.rc ; -n -c -> NAME.n.* ; -d -v -v -n -c -> NAME.vv.*
# A pf case with a NAME.anchor file is loaded into that anchor (`-a` + the file's first line).
# A case with a NAME.files/ folder runs next to copies of its files (0600), e.g. the table files a
# pf.conf names relatively (`table <t> file "t.txt"`).
# BIN holds ipsecctl, pfctl and iked as built by ../shared/oracle/build.sh (parse-only, on the emulated
# interfaces of golden/README.md), and sasyncd as scripts/oracle-sasyncd.sh builds it (only needed for sasyncd/; a
# case where sasyncd never finishes, 5 s, is refused: the emulator's hang is tested on its own). This script neither
# builds nor contains OpenBSD code; CI only reads the recordings. Inputs are copied to a scratch dir as 0600 and run from there (file name as given).
set -euo pipefail
BIN=$(cd "${1:?usage: record-oracle.sh BIN [DIR...]}" && pwd); shift
[ -x "$BIN/pfctl" ] || [ ! -x "$BIN/bin/pfctl" ] || BIN=$BIN/bin   # build.sh OUT given instead of OUT/bin
root=$(cd "$(dirname "$0")/.." && pwd)
dirs=("$@"); [ ${#dirs[@]} -gt 0 ] || dirs=("$root/test/fixtures/oracle/ipsecctl" "$root/test/fixtures/oracle/pfctl" "$root/test/fixtures/oracle/iked")
[ "$#" -gt 0 ] || [ ! -x "$BIN/sasyncd" ] || dirs+=("$root/test/fixtures/oracle/sasyncd")
for d in "${dirs[@]}"; do t=$(basename "$d"); [ -x "$BIN/$t" ] || { echo "record-oracle.sh: no $BIN/$t" >&2; exit 1; }; done
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
run() {  # run OUTPREFIX TOOL ARGS... (in $tmp/w)
  local p=$1 tool=$2; shift 2
  (cd "$tmp/w" && timeout 5 "$BIN/$tool" "$@" >"$p.out" 2>"$p.err"; echo $? >"$p.rc") || true
  if [ "$(cat "$p.rc")" = 124 ]; then echo "record-oracle.sh: $tool $* did not finish in 5 s: not recorded" >&2; exit 1; fi
}
n=0
for dir in "${dirs[@]}"; do
  dir=$(cd "$dir" && pwd); tool=$(basename "$dir")
  for conf in "$dir"/*.conf; do
    name=$(basename "${conf%.conf}"); base=${conf%.conf}
    rm -rf "$tmp/w"; mkdir -p "$tmp/w"; cp "$conf" "$tmp/w/$name.conf"; chmod 600 "$tmp/w/$name.conf"
    if [ -d "$base.files" ]; then cp -R "$base.files/." "$tmp/w/"; find "$tmp/w" -type f -exec chmod 600 {} +; fi
    case $tool in
      ipsecctl) run "$base" ipsecctl -nv -f "$name.conf";;
      pfctl)
        a=(); [ -f "$base.anchor" ] && a=(-a "$(head -n1 "$base.anchor")")
        run "$base" pfctl "${a[@]}" -nv -f "$name.conf"
        run "$tmp/noopt" pfctl "${a[@]}" -o none -nv -f "$name.conf"; cp "$tmp/noopt.out" "$base.noopt.out";;
      iked) run "$base" iked -nv -f "$name.conf"; run "$base.n" iked -n -f "$name.conf";;
      sasyncd) run "$base" sasyncd -d -n -c "$name.conf"; run "$base.n" sasyncd -n -c "$name.conf"; run "$base.vv" sasyncd -d -v -v -n -c "$name.conf";;
      *) echo "record-oracle.sh: $dir: folder must be named ipsecctl, pfctl, iked or sasyncd" >&2; exit 2;;
    esac
    n=$((n+1))
  done
done
echo "recorded $n cases" >&2

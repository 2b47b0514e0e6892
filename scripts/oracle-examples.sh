#!/usr/bin/env bash
# oracle-examples.sh BIN - render every example (examples/NN-*) under Pulumi's mocks, as
# test/unit/components/examples.test.ts does, and run each rendered pf.conf (its `load anchor` files
# followed), pf anchor (`pfctl -a NAME`), ipsec.conf and iked.conf through OpenBSD's own parsers built by
# ../shared/oracle/build.sh (BIN = OUT/bin). Prints every rejected file and `accepted N/M`.
# A development tool (CI has no oracle); it builds nothing and contains no OpenBSD code.
set -euo pipefail
BIN=$(cd "${1:?usage: oracle-examples.sh BIN}" && pwd)
[ -x "$BIN/pfctl" ] || { [ -x "$BIN/bin/pfctl" ] && BIN=$BIN/bin; }
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d); dump="$root/test/unit/components/zz-oracle-dump.test.ts"
trap 'rm -rf "$out" "$dump"' EXIT
# the harness of examples.test.ts (mocks, config, run()), then one test per example that writes its files
sed -n '1,/^describe("examples under mocks"/p' "$root/test/unit/components/examples.test.ts" | sed '$d' > "$dump"
cat >> "$dump" <<TS
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
describe("dump rendered files", () => {
  for (const d of readdirSync("$root/examples").filter((x) => /^\d\d-/.test(x)).sort()) {
    it(d, async () => {
      const s = await run(d);
      for (const [gw, st] of Object.entries(s)) for (const [p, f] of Object.entries(st.files)) {
        const dst = \`$out/\${d}/\${gw}\${p}\`;
        mkdirSync(dst.slice(0, dst.lastIndexOf("/")), { recursive: true });
        writeFileSync(dst, (f as { content: string }).content);
      }
    });
  }
});
TS
(cd "$root" && npx vitest run --project 'unit*' "$dump" >/dev/null)
ok=0; n=0
for f in $(find "$out" -type f | grep -E "/etc/pf.conf$|/etc/pf.anchors/|/etc/ipsec.conf$|/etc/iked.conf$" | sort); do
  n=$((n+1)); d=$(mktemp -d); gdir=${f%%/etc/*}; gw=$(basename "$gdir")
  # the emulated host of golden/README.md; the lab's alice and bob have vio0 (examples/06)
  { echo "em0 inet 172.16.0.1/24"; echo "em1 group egress inet 203.0.113.1/24"; echo "lo0 inet 127.0.0.1/8 inet6 ::1/128"; echo "enc0"
    case $gw in alice) echo "vio0 group egress inet 192.0.2.1/24";; bob) echo "vio0 group egress inet 192.0.2.2/24";; esac
    echo "carp1 inet 172.16.0.254/24"; echo "carp2 inet 203.0.113.254/24"; echo "gif0"; echo "lo1"; } > "$d/ifs"
  sed "s|\"/etc/pf.anchors/|\"$gdir/etc/pf.anchors/|" "$f" > "$d/x.conf"; chmod 600 "$d/x.conf"; chmod 600 "$gdir"/etc/pf.anchors/* 2>/dev/null || true
  case $f in
    */pf.conf) a=(pfctl -nv -f x.conf);;
    */pf.anchors/*) a=(pfctl -a "$(basename "$f")" -nv -f x.conf);;
    */ipsec.conf) a=(ipsecctl -nv -f x.conf);;
    */iked.conf) a=(iked -n -f x.conf);;
  esac
  rc=0; (cd "$d" && OBSD_IFCONFIG="$d/ifs" "$BIN/${a[0]}" "${a[@]:1}" >o 2>e) || rc=$?
  # accepted: exit 0 and nothing on stderr but pfctl's -n notes and iked's `configuration OK`
  err=$(grep -v "skipping duplicate table checks\|configuration OK\|^Loading anchor\|^$" "$d/e" || true)
  if [ "$rc" = 0 ] && [ -z "$err" ]; then ok=$((ok+1)); else echo "REJECTED ${f#$out/} (exit $rc): $(head -c 300 "$d/e")"; fi
  rm -rf "$d"
done
echo "accepted $ok/$n"

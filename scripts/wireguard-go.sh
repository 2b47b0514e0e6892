#!/bin/sh
# Builds wireguard-go (the userspace WireGuard the lab uses for wg(4)'s data path: the lab kernel has no
# wireguard module) from the Go module proxy into ~/.cache/pulumi-openbsd/wireguard-go/wireguard, and
# copies it to .state/wireguard-go/wireguard, where the emulator finds it inside a lab gateway (whose
# /root is its own).
set -eu
DIR="${WIREGUARD_GO_DIR:-$HOME/.cache/pulumi-openbsd/wireguard-go}"
if [ ! -x "$DIR/wireguard" ]; then
  mkdir -p "$DIR"
  GOFLAGS=-mod=mod GOBIN="$DIR" GOPATH="$DIR/gopath" GOCACHE="$DIR/cache" go install golang.zx2c4.com/wireguard@latest >&2
fi
REPO="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$REPO/.state/wireguard-go"
cp "$DIR/wireguard" "$REPO/.state/wireguard-go/wireguard"
echo "$REPO/.state/wireguard-go/wireguard"

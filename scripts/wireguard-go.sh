#!/bin/sh
# Builds wireguard-go (the userspace WireGuard the lab uses for wg(4)'s data path: the lab kernel has no
# wireguard module) from the Go module proxy into ~/.cache/pulumi-openbsd/wireguard-go/wireguard.
set -eu
DIR="${WIREGUARD_GO_DIR:-$HOME/.cache/pulumi-openbsd/wireguard-go}"
[ -x "$DIR/wireguard" ] && { echo "$DIR/wireguard"; exit 0; }
mkdir -p "$DIR"
GOFLAGS=-mod=mod GOBIN="$DIR" GOPATH="$DIR/gopath" GOCACHE="$DIR/cache" go install golang.zx2c4.com/wireguard@latest >&2
echo "$DIR/wireguard"

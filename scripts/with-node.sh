#!/usr/bin/env bash
# `bash scripts/with-node.sh CMD ARGS…`: runs CMD (from node_modules/.bin or PATH) on the Node `npm test` runs on
# (scripts/node-env.sh: Node 22 and its compile cache) — for the npm scripts a developer runs one by one.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-env.sh
export PATH="$PWD/node_modules/.bin:$PATH"
exec "$@"

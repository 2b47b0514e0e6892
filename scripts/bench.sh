#!/usr/bin/env bash
# `npm run bench [-- AREA…]`: bench/run.ts on the Node the tests and the demo run on (scripts/node-env.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-env.sh
exec npx tsx bench/run.ts "$@"

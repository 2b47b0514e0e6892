#!/usr/bin/env bash
# `npm run bench [-- AREA…]`: bench/run.ts on the Node the tests and the demo run on (scripts/node-env.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-env.sh
bash scripts/build.sh # the planner benches time the compiled code users run (bench/compiled.ts)
exec npx tsx bench/run.ts "$@"

#!/usr/bin/env bash
# README's first command (`npm run demo`): installs what it needs, then runs scripts/demo.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
# Node 22 and its compile cache (scripts/node-env.sh)
source scripts/node-env.sh
bash scripts/setup.sh
# tsx from node_modules/.bin (npx would start npm first: ~0.3 s)
exec node_modules/.bin/tsx scripts/demo.ts

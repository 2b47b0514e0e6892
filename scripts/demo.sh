#!/usr/bin/env bash
# README's first command (`npm run demo`): installs what it needs, then runs scripts/demo.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
# Node 22 and its compile cache (scripts/node-env.sh)
source scripts/node-env.sh
bash scripts/setup.sh
exec npx tsx scripts/demo.ts

#!/usr/bin/env bash
# README's first command (`npm run demo`): installs what it needs, then runs scripts/demo.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec npx tsx scripts/demo.ts

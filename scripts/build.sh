#!/usr/bin/env bash
# `npm run build`: compiles sdk/, providers/ and tools/ to CommonJS JavaScript + .d.ts in dist/
# (tsconfig.build.json). The repo's package.json says "type": "module" (the sources and tests are
# ESM); dist/package.json marks the compiled files as CommonJS. Node's `import` of CommonJS still gets
# named exports (`import { Gateway } from "pulumi-openbsd"`).
set -euo pipefail
cd "$(dirname "$0")/.."
# build mode: when no source is newer than dist/.tsbuildinfo (the last build), tsc says so in ~0.1 s instead of
# checking the whole program again (~2 CPU-s); a changed, added or removed source rebuilds as `tsc -p` would
npx --no-install tsc -b tsconfig.build.json
printf '{ "type": "commonjs" }\n' > dist/package.json

#!/usr/bin/env bash
# `npm run build`: compiles sdk/, providers/ and tools/ to CommonJS JavaScript + .d.ts in dist/
# (tsconfig.build.json). The repo's package.json says "type": "module" (the sources and tests are
# ESM); dist/package.json marks the compiled files as CommonJS. Node's `import` of CommonJS still gets
# named exports (`import { Gateway } from "pulumi-openbsd"`).
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.build.json
printf '{ "type": "commonjs" }\n' > dist/package.json

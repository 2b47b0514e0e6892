#!/usr/bin/env bash
# The test command of README.md (`npm test`): installs what it needs, then runs, side by side, the type check and the
# unit tests (pure), the support matrix's second combination (scripts/matrix.sh: Node 20, @pulumi/pulumi 3.248.0,
# the CLI at the same release), and the lab tests (namespaces + sshd + emulator, provider against the lab) with the
# end-to-end tests (the real Pulumi engine against the lab).
set -uo pipefail
cd "$(dirname "$0")/.."
# Node 22 (what users run with the newest @pulumi/pulumi and CLI) and its compile cache (scripts/node-env.sh)
source scripts/node-env.sh
# The suite starts some 700 short `pulumi` processes (Go): with the collector's default (GOGC=100) each spends ~20 ms
# of its ~110 ms of CPU collecting garbage it is about to drop at exit; 400 halves that (measured: `pulumi version`
# 0.110 → 0.090 CPU-s, `pulumi stack export` 0.115 → 0.093). Nothing else reads GOGC but the lab's wireguard-go.
export GOGC="${GOGC:-400}"
bash scripts/setup.sh || exit 1
mkdir -p .state/reports
fail=0
t0=$SECONDS
# Three legs side by side (TEST_SERIAL=1 runs them one after another): the type check and the unit tests (pure: no
# lab, no engine), the support matrix's leg (mostly waits on its engines and labs) and the lab and e2e projects. The
# first two print their output once they are done. The matrix's copy runs the same lab tests as the e2e project
# (user-folder's `uf`, …): LAB_PREFIX_TAG gives its labs prefixes of their own (`wquf`, …) and
# PULUMI_OPENBSD_LAB_STATE makes it take this checkout's labs' lock, so both legs see each other's labs.
pure() {
  local f=0 t=$SECONDS
  echo "== typecheck"
  # incremental: a warm run re-checks only what changed since the last one (.state/tsc); a cold one checks all
  npx tsc -p tsconfig.json --incremental --tsBuildInfoFile .state/tsc/tsconfig.tsbuildinfo || f=1
  # the examples are CommonJS programs: their own tsconfig (module CommonJS) against the same sources
  npx tsc -p examples/tsconfig.json --incremental --tsBuildInfoFile .state/tsc/examples.tsbuildinfo || f=1
  echo "== vitest --project 'unit*'"
  npx vitest run --project 'unit*' --reporter=default --reporter=json --outputFile.json=".state/reports/unit.json" || f=1
  echo "== typecheck + unit: $((SECONDS - t)) s"
  return $f
}
matrix() {
  local t=$SECONDS rc=0
  echo "== matrix: Node 20 + @pulumi/pulumi 3.248.0 + CLI 3.248.0 (scripts/matrix.sh)"
  LAB_PREFIX_TAG=wq PULUMI_OPENBSD_LAB_STATE="$PWD/.state/lab" \
    bash scripts/matrix.sh --reporter=default --reporter=json --outputFile.json="$PWD/.state/reports/matrix.json" || rc=1
  echo "== matrix: $((SECONDS - t)) s"
  return $rc
}
# lab and e2e files are isolated (own lab per file, atomic reservation): run them side by side. Most of their time
# is spent waiting (ssh, timers, the engine), so more workers than cores pays; TEST_WORKERS overrides.
labe2e() {
  local t=$SECONDS rc=0
  echo "== vitest --project lab --project e2e (${TEST_WORKERS:-4} workers)"
  npx vitest run --project lab --project e2e --maxWorkers="${TEST_WORKERS:-4}" --reporter=default --reporter=json --outputFile.json=".state/reports/lab-e2e.json" || rc=1
  echo "== lab + e2e: $((SECONDS - t)) s"
  return $rc
}
if [ -n "${TEST_SERIAL:-}" ]; then
  pure || fail=1
  matrix || fail=1
  labe2e || fail=1
else
  pure > .state/reports/pure.log 2>&1 &
  purepid=$!
  matrix > .state/reports/matrix.log 2>&1 &
  matrixpid=$!
  labe2e || fail=1
  wait "$purepid" || fail=1
  cat .state/reports/pure.log
  wait "$matrixpid" || fail=1
  cat .state/reports/matrix.log
fi
echo "== npm test: $((SECONDS - t0)) s after setup"
# The closing line CI reads: totals over the three projects and the matrix leg.
node -e '
  let p = 0, f = 0, s = 0;
  for (const n of ["unit", "lab-e2e", "matrix"]) {
    try { const r = require(`./.state/reports/${n}.json`); p += r.numPassedTests; f += r.numFailedTests; s += r.numPendingTests + r.numTodoTests;
      // a file that failed outside its tests (a beforeAll, an import) skips them: count it as a failure
      f += r.testResults.filter((t) => t.status === "failed" && t.assertionResults.every((a) => a.status !== "failed")).length; }
    catch { f += 1; console.error(`no report for ${n}`); }
  }
  console.log(`${p} passed, ${f} failed, ${s} skipped`);
'
exit $fail

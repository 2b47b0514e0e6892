#!/usr/bin/env bash
# The test command of README.md (`npm test`): installs what it needs, then runs the type check and the unit tests
# (pure) beside the support matrix's second combination (scripts/matrix.sh: Node 22, newest @pulumi/pulumi, CLI at
# the same release), then the lab tests (namespaces + sshd + emulator, provider against the lab) and the end-to-end
# tests (the real Pulumi engine against the lab) side by side.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
mkdir -p .state/reports
fail=0
t0=$SECONDS
# The type check and the unit tests (pure: no lab, no engine) run beside the support matrix's leg, which mostly waits
# on its engines and labs; their output is shown once they are done. TEST_SERIAL=1 runs everything one after another.
# The matrix and the lab/e2e projects are not run side by side: they share lab prefixes (user-folder's `uf`, …).
pure() {
  local f=0 t=$SECONDS
  echo "== typecheck"
  npx tsc -p tsconfig.json || f=1
  echo "== vitest --project unit"
  npx vitest run --project unit --reporter=default --reporter=json --outputFile.json=".state/reports/unit.json" || f=1
  echo "== typecheck + unit: $((SECONDS - t)) s"
  return $f
}
matrix() {
  local t=$SECONDS rc=0
  echo "== matrix: Node 22 + newest @pulumi/pulumi + CLI (scripts/matrix.sh)"
  bash scripts/matrix.sh --reporter=default --reporter=json --outputFile.json="$PWD/.state/reports/matrix.json" || rc=1
  echo "== matrix: $((SECONDS - t)) s"
  return $rc
}
if [ -n "${TEST_SERIAL:-}" ]; then
  pure || fail=1
else
  pure > .state/reports/pure.log 2>&1 &
  purepid=$!
fi
matrix || fail=1
if [ -z "${TEST_SERIAL:-}" ]; then
  wait "$purepid" || fail=1
  cat .state/reports/pure.log
fi
# lab and e2e files are isolated (own lab per file, atomic reservation): run them side by side. Most of their time
# is spent waiting (ssh, timers, the engine), so more workers than cores pays; TEST_WORKERS overrides.
t=$SECONDS
echo "== vitest --project lab --project e2e (${TEST_WORKERS:-4} workers)"
npx vitest run --project lab --project e2e --maxWorkers="${TEST_WORKERS:-4}" --reporter=default --reporter=json --outputFile.json=".state/reports/lab-e2e.json" || fail=1
echo "== lab + e2e: $((SECONDS - t)) s; npm test: $((SECONDS - t0)) s after setup"
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

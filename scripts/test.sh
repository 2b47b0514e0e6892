#!/usr/bin/env bash
# The test command of README.md (`npm test`): installs what it needs, then runs, in order,
# the type check, the unit tests (pure), then the lab tests (namespaces + sshd + emulator, provider
# against the lab) and the end-to-end tests (the real Pulumi engine against the lab) side by side; then the
# support matrix's second combination (scripts/matrix.sh: Node 22, newest @pulumi/pulumi, CLI at the same release).
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
mkdir -p .state/reports
fail=0
echo "== typecheck"
npx tsc -p tsconfig.json || fail=1
echo "== vitest --project unit"
npx vitest run --project unit --reporter=default --reporter=json --outputFile.json=".state/reports/unit.json" || fail=1
# lab and e2e files are isolated (own lab per file, atomic reservation): run them side by side. Most of their time
# is spent waiting (ssh, timers, the engine), so more workers than cores pays; TEST_WORKERS overrides.
echo "== vitest --project lab --project e2e (${TEST_WORKERS:-4} workers)"
npx vitest run --project lab --project e2e --maxWorkers="${TEST_WORKERS:-4}" --reporter=default --reporter=json --outputFile.json=".state/reports/lab-e2e.json" || fail=1
echo "== matrix: Node 22 + newest @pulumi/pulumi + CLI (scripts/matrix.sh)"
bash scripts/matrix.sh --reporter=default --reporter=json --outputFile.json="$PWD/.state/reports/matrix.json" || fail=1
# The closing line CI reads: totals over the three projects and the matrix leg.
node -e '
  let p = 0, f = 0, s = 0;
  for (const n of ["unit", "lab-e2e", "matrix"]) {
    try { const r = require(`./.state/reports/${n}.json`); p += r.numPassedTests; f += r.numFailedTests; s += r.numPendingTests + r.numTodoTests; }
    catch { f += 1; console.error(`no report for ${n}`); }
  }
  console.log(`${p} passed, ${f} failed, ${s} skipped`);
'
exit $fail

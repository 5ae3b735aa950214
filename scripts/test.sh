#!/usr/bin/env bash
# `npm test`: installs what the tests need, then type-checks, lints and runs every tap test against
# real Redis, a real MongoDB-wire server, real gRPC and real HTTP. Ends with "N passed, N failed, N skipped";
# a skipped test (other than by tap's --grep/--only) counts as failed.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
log() { printf '\n== %s\n' "$*"; }

passed=0
failed=0
check() { # name, command...
  local name="$1"; shift
  log "$name"
  if "$@"; then passed=$((passed + 1)); echo "ok: $name"; else failed=$((failed + 1)); echo "FAILED: $name"; fi
}

# npm packages: reinstall when package-lock.json changed since the last install.
log "npm packages"
bash scripts/ensure-npm.sh || { echo "npm ci failed"; echo "0 passed, 1 failed"; exit 1; }
# tap compiles its plugin list (we swap @tapjs/typescript for @tapjs/tsx) into node_modules.
npx tap build >/dev/null

log "tools"
bash scripts/install-tools.sh || { echo "installing tools failed"; echo "0 passed, 1 failed"; exit 1; }
bash scripts/install-browser.sh || { echo "installing chromium failed"; echo "0 passed, 1 failed"; exit 1; }
# The simulated cluster k8s/sim.test.ts runs: about 18 minutes the first time on 2 cores, cached after.
bash scripts/install-k8s-tools.sh || { echo "building the Kubernetes tools failed"; echo "0 passed, 1 failed"; exit 1; }

check "typecheck (tsc)" npx tsc -p tsconfig.json
check "typecheck k6 scripts (tsc, @types/k6)" npx tsc -p loadtest/tsconfig.json
check "typecheck k6 test harness (tsc)" npx tsc -p loadtest/tsconfig.test.json
check "generated dashboards current (grafana/build.ts --check)" npx tsx grafana/build.ts --check
check "lint (eslint)" npx eslint .

log "tap"
tap_out=$(mktemp)
npx tap "$@" 2>&1 | tee "$tap_out"
tap_rc=${PIPESTATUS[0]}
# tap's closing summary line: "# { total: N, pass: N, fail: N, ... }"
summary=$(grep -E '^# \{ total: ' "$tap_out" | tail -1)
tap_pass=$(sed -nE 's/.*pass: ([0-9]+).*/\1/p' <<<"$summary")
tap_fail=$(sed -nE 's/.*fail: ([0-9]+).*/\1/p' <<<"$summary")
tap_skip=$(sed -nE 's/.*skip: ([0-9]+).*/\1/p' <<<"$summary")
# A skip fails the run. The tests skip when a tool is missing (k6, Chromium), and this script has just
# installed every one: a skip here is a broken install, and a skipped test proves nothing. (Skips of
# tap's own --grep/--only filters are asked for: those are not counted.) Each file's tests are indented
# under its "# Subtest: <file>" line.
skipped_tests=$(awk '
  /^# Subtest: / { file = substr($0, 12) }
  / # SKIP / && !/ # SKIP filter: / {
    line = $0; sub(/^[ \t]*ok [0-9]+ - /, "", line); sub(/ # SKIP /, " (skipped: ", line)
    print "  " file ": " line ")"
  }' "$tap_out")
rm -f "$tap_out"
passed=$((passed + ${tap_pass:-0}))
failed=$((failed + ${tap_fail:-0}))
if [[ $tap_rc -ne 0 && ${tap_fail:-0} -eq 0 ]]; then failed=$((failed + 1)); echo "tap exited $tap_rc"; fi
if [[ -z "$summary" ]]; then failed=$((failed + 1)); echo "tap printed no summary"; fi

if [[ -n "$skipped_tests" ]]; then
  n_skipped=$(wc -l <<<"$skipped_tests")
  failed=$((failed + n_skipped))
  echo
  echo "FAILED: $n_skipped test(s) skipped; npm test installs every tool they need, so each skip counts as a failure:"
  echo "$skipped_tests"
fi

echo
# Say how many skipped too, so a skip cannot hide in the pass count.
echo "$passed passed, $failed failed, ${tap_skip:-0} skipped"
[[ $failed -eq 0 ]]

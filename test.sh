#!/usr/bin/env bash
# Runs every test, then the main test project again under the users' own culture (fa-IR). Installs what is
# missing first (Azurite and the OpenAPI linters from package.json, NuGet packages, and Debian's chromium +
# Persian fonts for the browser tests), then prints "N passed, N failed[, N skipped]" over both passes.
# PISHKHAN_FA_PASS=0 skips the fa-IR pass (a quicker local run; CI keeps it).
# The build is the whole solution: the Functions app with the real Worker SDK (which generates
# functions.metadata), the core, the local host, the tests and the benchmarks.
set -uo pipefail
cd "$(dirname "$0")"

if [ ! -x node_modules/.bin/azurite ] || [ ! -x node_modules/.bin/redocly ] || [ ! -x node_modules/.bin/spectral ] || [ ! -f node_modules/axe-core/axe.min.js ]; then
  npm ci --no-audit --no-fund --loglevel=error || { echo "npm ci failed"; echo "0 passed, 1 failed"; exit 1; }
fi
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core >/dev/null) \
    || echo "warning: could not install chromium; browser tests will fail"
fi

log=$(mktemp)
if ! dotnet build Pishkhan.Functions.sln -c Release -nologo -v quiet 2>&1 | tee "$log" | grep -E "error|Warn|Build succeeded" | sort -u; then :; fi
if ! grep -q "Build succeeded" "$log" || grep -qE " error [A-Z]+[0-9]+" "$log"; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

# Sum a pass's per-assembly summaries: "Passed!  - Failed:     0, Passed:   172, Skipped:     0, Total: ..."
summary() {
  grep -E "^(Passed|Failed)! +- Failed:" "$1" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \1 \3/' \
    | awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}'
}

started=$SECONDS
dotnet test Pishkhan.Functions.sln -c Release --no-build -nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
read -r passed failed skipped < <(summary "$log")
assemblies=$(grep -cE "^(Passed|Failed)! +- Failed:" "$log")
if [ "$assemblies" -lt 2 ] && [ "$#" -eq 0 ]; then failed=$((failed + 1)); echo "a test assembly did not report"; fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
line="default culture: $passed passed, $failed failed in $((SECONDS - started)) s"

# The same tests under fa-IR: "yyyy" is then a Solar Hijri year, "٫" the decimal separator and U+2212 the
# minus sign, so a key, stored value or parse left to the current culture fails here. .NET takes the culture
# from LANG through ICU; no glibc locale is needed. Infra (the Bicep CLI on the templates) has no code of ours
# that formats anything, and tests/Pishkhan.Functions.Tests checks what the SDK generated: both run once.
if [ "${PISHKHAN_FA_PASS:-1}" != 0 ]; then
  started=$SECONDS
  if [ "$#" -eq 0 ]; then set -- --filter "FullyQualifiedName!~Pishkhan.Tests.Infra."; fi
  LANG=fa_IR.UTF-8 LC_ALL=fa_IR.UTF-8 dotnet test tests/Pishkhan.Tests -c Release --no-build -nologo "$@" 2>&1 | tee "$log"
  fa_status=${PIPESTATUS[0]}
  read -r fa_passed fa_failed fa_skipped < <(summary "$log")
  if [ "$(grep -cE "^(Passed|Failed)! +- Failed:" "$log")" -lt 1 ]; then fa_failed=$((fa_failed + 1)); echo "the fa-IR pass did not report"; fi
  if [ "$fa_status" -ne 0 ] && [ "$fa_failed" -eq 0 ]; then fa_failed=1; fi
  echo "$line"
  echo "fa-IR: $fa_passed passed, $fa_failed failed in $((SECONDS - started)) s"
  passed=$((passed + fa_passed)); failed=$((failed + fa_failed)); skipped=$((skipped + fa_skipped))
fi
rm -f "$log"
if [ "$skipped" -gt 0 ]; then echo "$passed passed, $failed failed, $skipped skipped"; else echo "$passed passed, $failed failed"; fi
[ "$failed" -eq 0 ]

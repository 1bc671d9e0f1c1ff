#!/usr/bin/env bash
# Runs every test. Installs what is missing first (Azurite from package.json, NuGet packages, and
# Debian's chromium + Persian fonts for the browser tests), then prints "N passed, N failed[, N skipped]".
# The build is the whole solution: the Functions app with the real Worker SDK (which generates
# functions.metadata), the core, the local host, the tests and the benchmarks.
set -uo pipefail
cd "$(dirname "$0")"

if [ ! -x node_modules/.bin/azurite ] || [ ! -f node_modules/axe-core/axe.min.js ]; then
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

dotnet test Pishkhan.Functions.sln -c Release --no-build -nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Sum the per-assembly summaries: "Passed!  - Failed:     0, Passed:   172, Skipped:     0, Total: ..."
read -r passed failed skipped < <(grep -E "^(Passed|Failed)! +- Failed:" "$log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \1 \3/' \
  | awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
assemblies=$(grep -cE "^(Passed|Failed)! +- Failed:" "$log")
rm -f "$log"
if [ "$assemblies" -lt 2 ] && [ "$#" -eq 0 ]; then failed=$((failed + 1)); echo "a test assembly did not report"; fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
if [ "$skipped" -gt 0 ]; then echo "$passed passed, $failed failed, $skipped skipped"; else echo "$passed passed, $failed failed"; fi
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# Benchmarks (not part of ./test.sh): ./bench.sh NAME [--n N] [--concurrency C]
# Each prints its figures and the raw storage floor measured in the same run, last line "ratio=…".
set -euo pipefail
cd "$(dirname "$0")"
[ -x node_modules/.bin/azurite ] || npm ci --no-audit --no-fund --loglevel=error
dotnet build tests/Pishkhan.Bench/Pishkhan.Bench.csproj -c Release -nologo -v quiet >/dev/null
exec dotnet tests/Pishkhan.Bench/bin/Release/net10.0/Pishkhan.Bench.dll "$@"

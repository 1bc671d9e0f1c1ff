#!/usr/bin/env bash
# Runs Pishkhan locally: Azurite (data kept in .azurite/) and the local host on http://127.0.0.1:7071.
# Installs what is missing first. On an empty store it seeds the demo (two provinces, a simulated
# month, a published ranking, digests in .local/outbox); an existing store is never re-seeded.
# Options: --no-demo (skip seeding). Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")"

[ -x node_modules/.bin/azurite ] || npm ci --no-audit --no-fund --loglevel=error
mkdir -p .azurite .local
export AzureWebJobsStorage="${AzureWebJobsStorage:-UseDevelopmentStorage=true}"
export Pishkhan__BootstrapAdminKey="${Pishkhan__BootstrapAdminKey:-local-dev-admin-key}"
export Pishkhan__UnsubscribeSigningKey="${Pishkhan__UnsubscribeSigningKey:-local-dev-unsubscribe-signing-key-0123456789}"
export Pishkhan__ReinspectionDrawSecret="${Pishkhan__ReinspectionDrawSecret:-local-dev-reinspection-draw-secret-0123456789}"
export Pishkhan__PublicBaseUrl="${Pishkhan__PublicBaseUrl:-http://127.0.0.1:7071}"
# Locally every citizen of the demo comes from 127.0.0.1: a per-address filing limit would stop it.
export Pishkhan__Complaints__FilingsPerClient="${Pishkhan__Complaints__FilingsPerClient:-100000}"

demo=--demo
for a in "$@"; do [ "$a" = "--no-demo" ] && demo=""; done

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

if ! (exec 3<>/dev/tcp/127.0.0.1/10002) 2>/dev/null; then
  node node_modules/azurite/dist/src/azurite.js --disableTelemetry --skipApiVersionCheck --loose \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 --location .azurite >.local/azurite.log 2>&1 &
  pids+=($!)
  for _ in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/10002) 2>/dev/null && break; sleep 0.2; done
fi

dotnet build functions/Pishkhan.Local/Pishkhan.Local.csproj -c Release -nologo -v quiet
# Quiet console: warnings, plus the demo's own progress (command-line settings; "$@" may override them).
dotnet functions/Pishkhan.Local/bin/Release/net10.0/Pishkhan.Local.dll $demo \
  --Logging:LogLevel:Default=Warning --Logging:LogLevel:Pishkhan.Local.Demo=Information "$@" &
pids+=($!)
for _ in $(seq 1 100); do curl -fs http://127.0.0.1:7071/api/health >/dev/null 2>&1 && break; sleep 0.3; done
# The demo (when seeding) prints its own summary: report URLs, outbox folder, keys.

cat <<INFO

Pishkhan is running.
  API base URL      http://127.0.0.1:7071/api
  health            curl http://127.0.0.1:7071/api/health
  bootstrap key     X-Api-Key: ${Pishkhan__BootstrapAdminKey}
  storage           Azurite (blob 10000, queue 10001, table 10002), data in .azurite/
Ctrl-C stops both.
INFO
[ -n "$demo" ] && echo "Seeding the demo on an empty store (a minute or two); its summary follows: report URLs, outbox, keys."
wait "${pids[-1]}"

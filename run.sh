#!/usr/bin/env bash
# Runs Pishkhan locally: Azurite (data kept in .azurite/) and the local host on http://127.0.0.1:7071.
# Installs what is missing first. Ctrl-C stops both. Options: --no-demo (skip demo seeding).
set -euo pipefail
cd "$(dirname "$0")"

[ -x node_modules/.bin/azurite ] || npm ci --no-audit --no-fund --loglevel=error
mkdir -p .azurite .local
export AzureWebJobsStorage="${AzureWebJobsStorage:-UseDevelopmentStorage=true}"
export Pishkhan__BootstrapAdminKey="${Pishkhan__BootstrapAdminKey:-local-dev-admin-key}"

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
dotnet functions/Pishkhan.Local/bin/Release/net10.0/Pishkhan.Local.dll "$@" &
pids+=($!)
for _ in $(seq 1 100); do curl -fs http://127.0.0.1:7071/api/health >/dev/null 2>&1 && break; sleep 0.3; done

cat <<INFO

Pishkhan is running.
  API base URL      http://127.0.0.1:7071/api
  health            curl http://127.0.0.1:7071/api/health
  bootstrap key     X-Api-Key: ${Pishkhan__BootstrapAdminKey}
  storage           Azurite (blob 10000, queue 10001, table 10002), data in .azurite/
Ctrl-C stops both.
INFO
wait "${pids[-1]}"

#!/usr/bin/env bash
# Publishes the AppHost's Aspire manifest (publish mode: PostgreSQL and RabbitMQ are the external
# connection-string parameters `dtc` and `rabbitmq`, as in production).
#   scripts/k8s-manifest.sh [output file]     default: deploy/aspire-manifest.json (committed)
# Project paths in the manifest are relative to the output file's folder.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

out=${1:-deploy/aspire-manifest.json}
mkdir -p "$(dirname "$out")"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")   # a relative path would be taken from Dtc.AppHost/

export ASPIRE_ALLOW_UNSECURED_TRANSPORT=true DOTNET_NOLOGO=1
dotnet build Dtc.AppHost/Dtc.AppHost.csproj --verbosity quiet -nologo
dotnet run --no-build --project Dtc.AppHost/Dtc.AppHost.csproj -- --publisher manifest --output-path "$out" >/dev/null
echo "Published $out"

#!/usr/bin/env bash
# Starts the whole topology with the Aspire dashboard. Where a container runtime answers, PostgreSQL
# and RabbitMQ run as containers; otherwise the local servers are installed and started on loopback.
# Ctrl+C stops every service (the local servers keep running; scripts/infra.sh stop ends them).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
mode=${DTC_INFRA:-auto}
if [ "$mode" = auto ]; then
  if timeout 5 docker info >/dev/null 2>&1; then mode=containers; else mode=local; fi
fi
if [ "$mode" = local ]; then
  scripts/infra.sh start
  eval "$(scripts/infra.sh env)"
  export ConnectionStrings__dtc ConnectionStrings__rabbitmq
fi
echo "[run] infrastructure: $mode; dashboard: http://127.0.0.1:18888 (API: http://localhost:5110)"
exec dotnet run --project Dtc.AppHost --launch-profile http -- "Infra=$mode"

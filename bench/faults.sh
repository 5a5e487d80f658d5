#!/usr/bin/env bash
# The fault suite, by hand: bench/faults.sh [results, default 10000] [poison, default 50] [registrations, default 5000]
# Runs on a PostgreSQL cluster and a RabbitMQ node of its own (.data/faults, other ports), so it
# can crash them freely. Two runs, each on a fresh database and virtual host:
# - consumers: LIS results and poison while consumer replicas are SIGKILLed at random moments, the
#   broker restarts once, PostgreSQL crashes once (pg_ctl -m immediate);
# - api: kit registrations round-robin across three API replicas while one is SIGKILLed under load.
# Prints the counts; exit 0 only if both are clean (nothing lost or duplicated, parked = poison, every
# 2xx registration decided, outbox drained). FAULT_RUNS="api" (or "consumers") runs one alone. Small
# versions run in the test suite (Dtc.Tests/Faults).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
export DTC_DATA=$repo/.data/faults DTC_PG_PORT=54529 DTC_MQ_NODE=dtcfaults DTC_MQ_PORT=56929 DTC_MQ_MGMT_PORT=15879 DTC_MQ_DIST_PORT=25879
scripts/infra.sh pg-start
scripts/infra.sh mq-start
eval "$(scripts/infra.sh env)"
export ConnectionStrings__dtc ConnectionStrings__rabbitmq
dotnet build Dtc.sln -c Release -v q -nologo >/dev/null
bin() { echo "$repo/$1/bin/Release/net10.0/$1.dll"; }

# A fresh database and virtual host; the services' topology exists before the first publish.
fresh() {
  psql "$DTC_PG_URL" -qc "drop database if exists dtc with (force)" -c "create database dtc" >/dev/null
  curl -sf -u "$DTC_MQ_USER:$DTC_MQ_PASSWORD" -X DELETE "$DTC_MQ_MANAGEMENT/api/vhosts/%2F" >/dev/null || true
  curl -sf -u "$DTC_MQ_USER:$DTC_MQ_PASSWORD" -X PUT "$DTC_MQ_MANAGEMENT/api/vhosts/%2F" >/dev/null
  curl -sf -u "$DTC_MQ_USER:$DTC_MQ_PASSWORD" -X PUT -H 'content-type: application/json' \
    -d '{"configure":".*","write":".*","read":".*"}' "$DTC_MQ_MANAGEMENT/api/permissions/%2F/$DTC_MQ_USER" >/dev/null
  dotnet "$(bin Dtc.MigrationService)" >/dev/null
}

bench() { dotnet "$repo/bench/Dtc.Bench/bin/Release/net10.0/Dtc.Bench.dll" "$@"; }
status=0
for run in ${FAULT_RUNS:-consumers api}; do
  fresh
  case $run in
    consumers) if ! bench faults --results "${1:-10000}" --poison "${2:-50}" \
                 --consumer-dll "$(bin Dtc.Consumers)" --infra "$repo/scripts/infra.sh"; then status=1; fi ;;
    api) if ! bench api-faults --registrations "${3:-5000}" --replicas 3 \
           --api-dll "$(bin Dtc.Api)" --consumer-dll "$(bin Dtc.Consumers)"; then status=1; fi ;;
    *) echo "unknown fault run: $run" >&2; status=2 ;;
  esac
done
scripts/infra.sh pg-stop; scripts/infra.sh mq-stop
exit $status

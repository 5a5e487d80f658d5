#!/usr/bin/env bash
# The fault suite, by hand: bench/faults.sh [results, default 10000] [poison, default 50]
# Runs on a PostgreSQL cluster and a RabbitMQ node of its own (.data/faults, other ports), so it
# can crash them freely: consumer replicas are SIGKILLed at random moments, the broker restarts once,
# PostgreSQL crashes once (pg_ctl -m immediate). Prints the counts; exit 0 only if nothing was lost,
# nothing duplicated, parked = poison and the outbox drained. A small version runs in the test suite
# (Dtc.Tests/Faults/FaultSuiteTests.cs).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
export DTC_DATA=$repo/.data/faults DTC_PG_PORT=54529 DTC_MQ_NODE=dtcfaults DTC_MQ_PORT=56929 DTC_MQ_MGMT_PORT=15879 DTC_MQ_DIST_PORT=25879
scripts/infra.sh pg-start
scripts/infra.sh mq-start
eval "$(scripts/infra.sh env)"
psql "$DTC_PG_URL" -qc "drop database if exists dtc with (force)" -c "create database dtc" >/dev/null
curl -sf -u "$DTC_MQ_USER:$DTC_MQ_PASSWORD" -X DELETE "$DTC_MQ_MANAGEMENT/api/vhosts/%2F" >/dev/null || true
curl -sf -u "$DTC_MQ_USER:$DTC_MQ_PASSWORD" -X PUT "$DTC_MQ_MANAGEMENT/api/vhosts/%2F" >/dev/null
curl -sf -u "$DTC_MQ_USER:$DTC_MQ_PASSWORD" -X PUT -H 'content-type: application/json' \
  -d '{"configure":".*","write":".*","read":".*"}' "$DTC_MQ_MANAGEMENT/api/permissions/%2F/$DTC_MQ_USER" >/dev/null
export ConnectionStrings__dtc ConnectionStrings__rabbitmq
dotnet build Dtc.sln -c Release -v q -nologo >/dev/null
dotnet Dtc.MigrationService/bin/Release/net10.0/Dtc.MigrationService.dll >/dev/null
# The consumers' topology exists before the first publish.
set +e
dotnet bench/Dtc.Bench/bin/Release/net10.0/Dtc.Bench.dll faults --results "${1:-10000}" --poison "${2:-50}" \
  --consumer-dll "$repo/Dtc.Consumers/bin/Release/net10.0/Dtc.Consumers.dll" --infra "$repo/scripts/infra.sh"
status=$?
scripts/infra.sh pg-stop; scripts/infra.sh mq-stop
exit $status

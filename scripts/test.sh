#!/usr/bin/env bash
# Runs the whole test suite on a fresh Debian 12 machine with the .NET SDK:
# installs and starts the local PostgreSQL and RabbitMQ (idempotent), builds, tests, and prints
# the totals alone on the last line as "N passed, N failed, N skipped".
#   scripts/test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Messaging]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

scripts/infra.sh start
eval "$(scripts/infra.sh env)"
export ConnectionStrings__dtc ConnectionStrings__rabbitmq DTC_PG_ADMIN DTC_MQ_MANAGEMENT DTC_MQ_USER DTC_MQ_PASSWORD
command -v kubectl >/dev/null || echo "[test] kubectl not found: the Kubernetes manifest tests will fail" >&2

dotnet restore Dtc.sln --verbosity quiet
dotnet tool restore >/dev/null
dotnet build Dtc.sln --no-restore --configuration Release --verbosity quiet -nologo

results=$(mktemp -d)
set +e
dotnet test Dtc.Tests/Dtc.Tests.csproj --no-build --configuration Release \
  --logger "trx;LogFileName=results.trx" --results-directory "$results" \
  --logger "console;verbosity=normal" "$@"
status=$?
set -e

# Totals from the TRX file: the line CI reads.
trx=$(find "$results" -name '*.trx' | head -n 1)
if [ -n "$trx" ]; then
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  passed=$(get passed); failed=$(get failed); total=$(get total); executed=$(get executed)
  skipped=$((total - executed))
  failed=$((failed + $(get error) + $(get timeout) + $(get aborted)))
else
  passed=0; failed=1; skipped=0
fi
[ "$status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"

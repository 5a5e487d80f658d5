#!/usr/bin/env bash
# One command runs every benchmark, bounded in time (about 8 minutes):
#   bench/run.sh [seconds-per-http-run, default 10]
# It builds Release, starts 4 API replicas, 2 LIS consumers, the other consumers and the raw
# baseline servers on a database (dtc_bench) and a RabbitMQ virtual host (bench) of their own,
# seeds patients, then measures: HTTP (wrk, replicas' own ports, 64 connections) against the raw
# Npgsql baseline; ingestion against a consume-and-insert baseline; end-to-end latency at 200/s.
# BENCH_ONLY=http or BENCH_ONLY=ingest runs a part. BENCH_SQL='<statements>' runs them on dtc_bench after the
# migrations, before the seed (to measure a schema change, or its undoing, against the same code).
# Figures go to bench/results/<time>.md (git-ignored); docs/PERFORMANCE.md quotes a run.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
secs=${1:-10}
command -v wrk >/dev/null || apt-get install -y -q wrk >/dev/null
[ -z "${BENCH_TRACE:-}" ] || command -v perf >/dev/null || apt-get install -y -q linux-perf >/dev/null

scripts/infra.sh start
eval "$(scripts/infra.sh env)"
psql "$DTC_PG_URL" -qc "drop database if exists dtc_bench with (force)" -c "create database dtc_bench" >/dev/null
curl -sf -u "$DTC_MQ_USER:$DTC_MQ_PASSWORD" -X DELETE "$DTC_MQ_MANAGEMENT/api/vhosts/bench" >/dev/null || true
curl -sf -u "$DTC_MQ_USER:$DTC_MQ_PASSWORD" -X PUT "$DTC_MQ_MANAGEMENT/api/vhosts/bench" >/dev/null
curl -sf -u "$DTC_MQ_USER:$DTC_MQ_PASSWORD" -X PUT -H 'content-type: application/json' \
  -d '{"configure":".*","write":".*","read":".*"}' "$DTC_MQ_MANAGEMENT/api/permissions/bench/$DTC_MQ_USER" >/dev/null
export ConnectionStrings__dtc="${ConnectionStrings__dtc/Database=dtc;/Database=dtc_bench;}"
export ConnectionStrings__rabbitmq="${ConnectionStrings__rabbitmq%/}/bench"
# The services run as in production: no developer exception page, no scope validation on every resolve (until
# 08:00 on 2026-12-02 the bench ran them in Development; two runs each way measured no difference).
export ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production
export Logging__LogLevel__Default=Warning
export RateLimits__General__PermitLimit=100000000 RateLimits__SignIn__PermitLimit=100000 RateLimits__KitRegistration__PermitLimit=100000000
# Access tokens live 15 minutes at most (the API refuses more at start-up); a run takes about 4.

dotnet build Dtc.sln -c Release -v q -nologo >/dev/null
bin() { echo "$repo/$1/bin/Release/net10.0/$1.dll"; }
# Each service runs with its own directory as the content root, as in its container (/app): from the repo, the
# configuration's file watcher would wake on every line this script writes under bench/results.
root() { echo "--contentRoot $(dirname "$(bin "$1")")"; }
dotnet "$(bin Dtc.MigrationService)" >/dev/null
[ -z "${BENCH_SQL:-}" ] || psql "${DTC_PG_URL%/*}/dtc_bench" -v ON_ERROR_STOP=1 -qc "$BENCH_SQL"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
start() { local log=$1; shift; "$@" >"$out/$log.log" 2>&1 & pids+=($!); }
out=bench/results/$(date -u +%Y%m%dT%H%M%SZ); mkdir -p "$out"
# How fast the machine is today: one fixed single-threaded loop, timed before the services start and after the
# last run (these machines' speed moves by half within an hour; the report prints both beside the figures).
probe() { python3 -c 'import time; t = time.perf_counter(); sum(i * i for i in range(10**7)); print(round(time.perf_counter() - t, 3))' >>"$out/probe.txt"; }
probe

# The raw baseline on 8300, and three more of it (8305-8307) for the baseline spread over four processes as the replicas are.
for port in 8300 8305 8306 8307; do
  start "baseline-$port" dotnet bench/Dtc.Bench/bin/Release/net10.0/Dtc.Bench.dll baseline-server --urls "http://127.0.0.1:$port" --contentRoot "$repo/bench/Dtc.Bench/bin/Release/net10.0"
done
# BENCH_API_ENV: extra environment for the API replicas only, for experiments (e.g. "DOTNET_gcServer=0").
# BENCH_LIS_ENV: the same for the two LIS consumers.
for i in 1 2 3 4; do
  start "api$i" env ${BENCH_API_ENV:-} ${BENCH_TRACE:+DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0} dotnet "$(bin Dtc.Api)" $(root Dtc.Api) --urls "http://127.0.0.1:830$i"
done
for i in 1 2; do DOTNET_PerfMapEnabled=${BENCH_TRACE:+1} DOTNET_EnableWriteXorExecute=${BENCH_TRACE:+0} DOTNET_JitStdOutFile=${BENCH_TRACE:+$out/lis$i.jit.txt} DOTNET_JitDisasmSummary=${BENCH_TRACE:+1} start "lis$i" env ${BENCH_LIS_ENV:-} dotnet "$(bin Dtc.Consumers)" $(root Dtc.Consumers) --role lis-testresult --urls "http://127.0.0.1:831$i"; done
start customer dotnet "$(bin Dtc.Consumers)" $(root Dtc.Consumers) --role customer --urls http://127.0.0.1:8313
start homekit dotnet "$(bin Dtc.Consumers)" $(root Dtc.Consumers) --role homekit-register --urls http://127.0.0.1:8314
for port in 8301 8302 8303 8304 8311 8312 8313 8314; do
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.5; done
done
for port in 8300 8305 8306 8307; do
  for _ in $(seq 1 60); do curl -sf -o /dev/null "http://127.0.0.1:$port/baseline/results/00000000-0000-0000-0000-000000000000" && break; sleep 0.5; done
done

bench() { dotnet bench/Dtc.Bench/bin/Release/net10.0/Dtc.Bench.dll "$@"; }
# Where the database's time goes, per HTTP run and over the LIS rounds (scripts/infra.sh loads pg_stat_statements).
pgss=$(psql "$DTC_PG_URL" -tAc "select 1 from pg_settings where name = 'shared_preload_libraries' and setting like '%pg_stat_statements%'" || true)
[ -n "$pgss" ] && psql "${DTC_PG_URL%/*}/dtc_bench" -qc "create extension if not exists pg_stat_statements" >/dev/null
statements() { # file, requests or messages to divide by, extra condition
  psql "${DTC_PG_URL%/*}/dtc_bench" -P pager=off -c "
  select calls, round(total_plan_time::numeric, 0) as plan_ms, round(total_exec_time::numeric, 0) as exec_ms,
         round(((total_plan_time + total_exec_time) / $2)::numeric, 3) as ms_per_message, rows,
         left(regexp_replace(query, '\s+', ' ', 'g'), 110) as query
  from pg_stat_statements join pg_database d on d.oid = dbid
  where d.datname = 'dtc_bench' ${3:-} and query not like '%pg_stat_statements%'
  order by total_plan_time + total_exec_time desc limit 25" >"$1"
}
[ "${BENCH_ONLY:-}" = ingest ] || bench_http=1
bench seed --api http://127.0.0.1:8301 --customers 64 --results 20 --kits 400 --out "$out/seed.json" | tee "$out/seed.txt"
# The four customers the HTTP runs use (customer i on replica i + 1), read from the seed once: their ids, first results,
# last fresh kits and access tokens. Read inside http_run's launch loop (four python calls a wrk, slowed by the wrks
# already running), the four wrks started up to seconds apart, and a wrk that ran while others had not started or
# had finished had the cores to fewer replicas: the four-replica figures before 03:00 on 2026-12-02 read about
# twice the rate four concurrent replicas give (docs/PERFORMANCE.md).
ids=() results=() kits=() tokens=()
while read -r id result kit token; do ids+=("$id"); results+=("$result"); kits+=("$kit"); tokens+=("$token"); done < <(
  python3 -c "import json; [print(p['Id'], p['ResultIds'][0], p['FreshKits'][399], p['AccessToken']) for p in json.load(open('$out/seed.json'))[:4]]")

# HTTP: one wrk per replica (16 connections each, 64 in all); the baseline server alone gets all 64.
# Each endpoint is first warmed up, untimed, in two rounds of 3 s of load and 3 s idle: the first requests of a
# replica JIT-compile its code and EF its queries, and the runtime's tiered JIT then recompiles the hot methods
# in the background, which on two cores shared by four loaded replicas cannot keep up (with one round of 3 s,
# a third of replica 1's CPU in the measured results-list run was the JIT: BENCH_TRACE=1 shows it). A
# production replica is long warm. The baseline gets the same.
warm() { for _ in 1 2; do "$@"; sleep 3; done; } # the two rounds of load (3 s each: the callers') and idle
# How busy the two cores are through a measured run (vmstat, one line a second; report.py gives the mean): the
# per-process counts of bench/cpu.py alone cannot tell a run that fills the cores from one that waits.
cores() { vmstat 1 "$((secs - 1))" >"$out/$1.vmstat.txt" & }
# CPU per component over a measured run (wrk included: <name>.wrk-cpu.txt, written by wrk_json), PostgreSQL's
# statements, the cores (vmstat), and with BENCH_TRACE=1 a perf profile of replica 1 (perf report -i
# bench/results/<run>/<name>.api1.perf --no-children --sort symbol). The first snapshot is taken before the wrks start and the second as soon as they end: taken
# after the launch, on cores the load already filled (a run queue of 80), python's start put the first snapshot
# up to 7 s into a 10 s run, and cpu.md divided a third of the run's CPU by all its requests (before 05:00 on
# 2026-12-02, docs/PERFORMANCE.md).
# One wrk run: its JSON line appended to a file, and its CPU (user, system seconds, from bash's time: it has exited
# by cpu.py's second snapshot) to another: wrk_json CPU-FILE JSON-FILE wrk-command…
wrk_json() { local cpu=$1 file=$2; shift 2; ( TIMEFORMAT='%U %S'; time ("$@" | grep '^JSON' | cut -c6- >>"$file") ) 2>>"$cpu"; }
measure_from() {
  : >"$out/$1.wrk-cpu.txt"
  [ -n "$pgss" ] && psql "${DTC_PG_URL%/*}/dtc_bench" -qc "select pg_stat_statements_reset()" >/dev/null
  bench/cpu.py snap "$out/$1.cpu-before.json"
  cores "$1"
  [ -n "${BENCH_TRACE:-}" ] && perf record -F 499 -g -o "$out/$1.api1.perf" -p "$(pgrep -f 'Dtc.Api.dll.* --urls http://127.0.0.1:8301')" -- sleep "$((secs - 1))" >>"$out/trace.log" 2>&1 &
  return 0
}
measure_to() {
  bench/cpu.py snap "$out/$1.cpu-after.json"
  local requests; requests=$(python3 -c "import json; print(sum(json.loads(l)['requests'] for l in open('$out/$1.jsonl')))")
  bench/cpu.py diff --per request --add "wrk (load generator)=$(awk '{ s += $1 + $2 } END { print s + 0 }' "$out/$1.wrk-cpu.txt")" \
    "$out/$1.cpu-before.json" "$out/$1.cpu-after.json" "$requests" >"$out/$1.cpu.md"
  [ -n "$pgss" ] && statements "$out/$1.statements.txt" "$requests"
  return 0
}
http_run() { # name method path-template(use {c} for the customer, {r} for a result id) body
  local name=$1 method=$2 path=$3 body=${4:-}
  [ -z "${warming:-}" ] && warming=1 warm http_run "$@"
  local file=$out/$name.jsonl dur=${secs}s
  [ -n "${warming:-}" ] && { file=$out/warmup.jsonl; dur=3s; }
  : >"$file"
  [ -z "${warming:-}" ] && measure_from "$name"
  local runs=() c p wrkcpu=/dev/null
  [ -z "${warming:-}" ] && wrkcpu=$out/$name.wrk-cpu.txt
  for c in 0 1 2 3; do
    p=${path//\{c\}/${ids[c]}}
    wrk_json "$wrkcpu" "$file" env TOKEN="${tokens[c]}" METHOD="$method" BODY="${body//\{kit\}/${kits[c]}}" \
      wrk -t1 -c16 -d"$dur" -s bench/wrk.lua "http://127.0.0.1:830$((c + 1))${p//\{r\}/${results[c]}}" &
    runs+=($!)
  done
  wait "${runs[@]}" # not a bare wait: the services are children of this shell too
  [ -z "${warming:-}" ] && measure_to "$name"
  return 0
}
# The one-process baseline, measured three times: before the results list, between it and one result, and after
# registration. report.py reads each endpoint against the mean of the two measured either side of it, as the
# ingestion rounds are: one measurement of it moved between 14,935 and 21,212 req/s in an hour of 2026-12-02, and
# an endpoint read against one of them alone moved with it.
baseline1() {
  : >"$out/$1.jsonl"; measure_from "$1"
  wrk_json "$out/$1.wrk-cpu.txt" "$out/$1.jsonl" wrk -t2 -c64 -d"${secs}s" -s bench/wrk.lua "http://127.0.0.1:8300/baseline/results/${ids[0]}"
  measure_to "$1"
}
if [ -n "${bench_http:-}" ]; then
warm wrk -t2 -c64 -d3s -s bench/wrk.lua "http://127.0.0.1:8300/baseline/results/${ids[0]}" >/dev/null
baseline1 baseline
# The same baseline in four processes, one wrk -t1 -c16 each, as the replicas are measured: the tail that four
# processes sharing two cores cost a handler that does next to nothing.
baseline4() {
  local runs=() port c=0
  for port in 8300 8305 8306 8307; do
    wrk_json /dev/null "$2" wrk -t1 -c16 -d"$1" -s bench/wrk.lua "http://127.0.0.1:$port/baseline/results/${ids[c]}" &
    runs+=($!); c=$((c + 1))
  done
  wait "${runs[@]}"
}
warm baseline4 3s /dev/null
: >"$out/baseline-4.jsonl"; cores baseline-4; baseline4 "${secs}s" "$out/baseline-4.jsonl"
http_run results-list GET "/api/v1/results?limit=20"
# The same list from one replica taking all 64 connections: how much of the tail is four processes sharing two cores.
warm wrk -t2 -c64 -d3s -s bench/wrk.lua "http://127.0.0.1:8301/api/v1/results?limit=20" -H "Authorization: Bearer ${tokens[0]}" >/dev/null
: >"$out/results-list-one-replica.jsonl"; measure_from results-list-one-replica
wrk_json "$out/results-list-one-replica.wrk-cpu.txt" "$out/results-list-one-replica.jsonl" \
  env TOKEN="${tokens[0]}" wrk -t2 -c64 -d"${secs}s" -s bench/wrk.lua "http://127.0.0.1:8301/api/v1/results?limit=20"
measure_to results-list-one-replica
baseline1 baseline-mid
http_run result-one GET "/api/v1/results/{r}"
http_run kit-registration POST "/api/v1/kits/registrations" \
  "{\"barcode\":\"{kit}\",\"collectedAt\":\"$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)\",\"consentToTesting\":true}"
baseline1 baseline-end

fi
[ "${BENCH_ONLY:-}" = http ] && { probe; python3 bench/report.py "$out" --http-only | tee "$out/report.md"; exit 0; }
# Ingestion in rounds that alternate with the baseline (baseline, LIS, baseline, LIS, …, baseline): each LIS round is
# read against the two baselines beside it, so a machine that gets faster or slower during the run (these ones
# move by ±30% within minutes) moves both sides of a ratio; the report gives every round's ratio and their median.
rounds=${BENCH_ROUNDS:-3} per=${BENCH_INGEST_COUNT:-4000}
[ $((rounds * per)) -le 12000 ] || { echo "BENCH_ROUNDS × BENCH_INGEST_COUNT: at most 12,000 kits are set aside for the measured rounds" >&2; exit 1; }
# Warm-up (untimed, the kits after the measured ones): a production consumer is long warm. Two rounds with
# idle pauses: the runtime's tiered JIT recompiles hot methods in the background (tier 0, then instrumented,
# then optimized), and on two busy cores it cannot catch up while the load runs; without the pauses the
# "measured" run spent a fifth of the consumer's CPU in the JIT (BENCH_TRACE=1 shows it in jit-*.txt).
for round in 0 1; do
  bench ingest --count 1500 --offset $((12000 + round * 1500)) --seed "$out/seed.json" >/dev/null
  sleep 5
done
drained() { # the follow-up messages of the LIS rounds published, so that the next round starts on a quiet outbox
  for _ in $(seq 1 300); do
    [ "$(psql "${DTC_PG_URL%/*}/dtc_bench" -tAc "select count(*) from outbox where published_at is null")" = 0 ] && break; sleep 0.2
  done
  # and taken off the queues whose consumers are not part of the bench (wrk-default's notification jobs, the CRM's
  # hand-off queue), as their consumers would in production: a backlog growing by two quorum-queue messages per
  # result over the whole run is not what the broker carries there.
  for q in wrk.default crm.outbound; do
    curl -sf -u "$DTC_MQ_USER:$DTC_MQ_PASSWORD" -X DELETE "$DTC_MQ_MANAGEMENT/api/queues/bench/$q/contents" >/dev/null || true
  done
}
drained
# What every process spends idle (timers, health checks, the relays' polls), to read the run's CPU net of it.
bench/cpu.py snap "$out/cpu-idle-before.json"; sleep 5; bench/cpu.py snap "$out/cpu-idle-after.json"
# Where the database's time goes in the LIS rounds (the baseline's statements are left out when it is read).
[ -n "$pgss" ] && psql "${DTC_PG_URL%/*}/dtc_bench" -qc "select pg_stat_statements_reset()" >/dev/null
[ -n "${BENCH_TRACE:-}" ] && wc -l "$out"/lis*.jit.txt >"$out/jit-before.txt"
bench ingest-baseline --count "$per" | tee "$out/ingest-baseline-0.json"
befores=() afters=()
for r in $(seq 1 "$rounds"); do
  # BENCH_TRACE=1: a CPU profile (perf, JIT symbols from perf maps) of one LIS consumer during the first round:
  # perf report -i bench/results/<run>/lis1.perf --no-children --sort symbol
  if [ -n "${BENCH_TRACE:-}" ] && [ "$r" = 1 ]; then
    perf record -F 499 -g -o "$out/lis1.perf" -p "$(pgrep -f 'Dtc.Consumers.dll.* --role lis-testresult' | head -1)" -- sleep 4 >"$out/trace.log" 2>&1 &
    # and the PostgreSQL backends (perf report -i …/postgres.perf --no-children --sort symbol)
    perf record -F 499 -o "$out/postgres.perf" -p "$(pgrep -d, postgres)" -- sleep 4 >>"$out/trace.log" 2>&1 &
  fi
  bench/cpu.py snap "$out/cpu-before-$r.json"; befores+=("$out/cpu-before-$r.json")
  bench ingest --count "$per" --offset $(((r - 1) * per)) --seed "$out/seed.json" | tee "$out/ingest-$r.json"
  bench/cpu.py snap "$out/cpu-after-$r.json"; afters+=("$out/cpu-after-$r.json")
  drained
  bench ingest-baseline --count "$per" | tee "$out/ingest-baseline-$r.json"
done
[ -n "${BENCH_TRACE:-}" ] && wc -l "$out"/lis*.jit.txt >"$out/jit-after.txt"
measured=$((rounds * per))
[ -n "$pgss" ] && statements "$out/ingest-statements.txt" "$measured" "and query not like '%bench_baseline%'"
bench/cpu.py diff "$(IFS=,; echo "${befores[*]}")" "$(IFS=,; echo "${afters[*]}")" "$measured" \
  "$out/cpu-idle-before.json" "$out/cpu-idle-after.json" | tee "$out/ingest-cpu.md"
drained
# The API replicas answer the end-to-end run's pollers: warm them first when the HTTP part did not (BENCH_ONLY=ingest).
# Cold, their first polls are JIT-slow, the pollers pile up behind them, and the run measures the spiral.
[ -n "${bench_http:-}" ] || warming=1 warm http_run results-list GET "/api/v1/results?limit=5"
# vmstat beside the end-to-end run: its latency spikes read against CPU and I/O wait, second by second.
vmstat -n 1 >"$out/e2e-vmstat.txt" & vmstat_pid=$!
bench e2e --rate 200 --seconds 20 --kit-offset 300 --seed "$out/seed.json" --dump "$out/e2e-latencies.tsv" \
  --apis http://127.0.0.1:8301,http://127.0.0.1:8302,http://127.0.0.1:8303,http://127.0.0.1:8304 | tee "$out/e2e.json"
kill "$vmstat_pid" 2>/dev/null || true
probe

python3 bench/report.py "$out" | tee "$out/report.md"

#!/usr/bin/env bash
# Local PostgreSQL 15 and RabbitMQ servers for development and tests, on loopback only.
#
#   scripts/infra.sh install   install the Debian packages if they are missing
#   scripts/infra.sh start     install, initialise (first time) and start both servers; idempotent
#   scripts/infra.sh stop      stop both servers (data is kept for the next start)
#   scripts/infra.sh env       print the connection strings as shell exports
#   scripts/infra.sh status    say what is running
#   scripts/infra.sh mq-start|mq-stop|mq-restart   the broker alone (the fault tests run a node of
#                              their own: DTC_DATA, DTC_MQ_NODE and the DTC_MQ_*PORT variables)
#   scripts/infra.sh pg-start|pg-stop|pg-crash-restart   PostgreSQL alone (DTC_DATA, DTC_PG_PORT);
#                              pg-crash-restart stops it with "-m immediate" (a crash) and starts it again
#
# Data lives under $DTC_DATA (default: <repo>/.data, ignored by git). The RabbitMQ password is
# generated at the first start and kept there; PostgreSQL trusts loopback connections. Both are
# development settings only: production takes its connection strings from a Kubernetes Secret.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
data=${DTC_DATA:-$repo/.data}
pg_port=${DTC_PG_PORT:-54329}
mq_port=${DTC_MQ_PORT:-56729}
mq_mgmt_port=${DTC_MQ_MGMT_PORT:-15679}
mq_dist_port=${DTC_MQ_DIST_PORT:-25679}
pg_dir=$data/postgres
mq_dir=$data/rabbitmq

log() { printf '[infra] %s\n' "$*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Runs a command as the postgres user when we are root (initdb refuses root), else as ourselves.
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$(printf '%q ' "$@")"; else "$@"; fi; }

pg_bin() {
  local b
  for b in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    [ -x "$b/pg_ctl" ] && { echo "$b"; return; }
  done
  command -v pg_ctl >/dev/null && dirname "$(command -v pg_ctl)"
}

install() {
  local missing=()
  [ -n "$(pg_bin)" ] || missing+=(postgresql-15)
  command -v rabbitmq-server >/dev/null || [ -x /usr/sbin/rabbitmq-server ] || missing+=(rabbitmq-server)
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 \
    || { as_root apt-get update -q >/dev/null && as_root apt-get install -y -q "${missing[@]}" >/dev/null; }
  # The Debian packages try to start their own servers through the init system; ours run from $data.
  as_root service rabbitmq-server stop >/dev/null 2>&1 || true
  as_root pkill -u rabbitmq -f beam.smp >/dev/null 2>&1 || true
}

mq_env() {
  export ERL_EPMD_ADDRESS=127.0.0.1
  export RABBITMQ_NODENAME=${DTC_MQ_NODE:-dtc}@localhost
  export RABBITMQ_CONFIG_FILE=$mq_dir/rabbitmq
  export RABBITMQ_ENABLED_PLUGINS_FILE=$mq_dir/enabled_plugins
  export RABBITMQ_MNESIA_BASE=$mq_dir/mnesia
  export RABBITMQ_LOG_BASE=$mq_dir/log
  export RABBITMQ_PID_FILE=$mq_dir/rabbitmq.pid
  export RABBITMQ_DIST_PORT=$mq_dist_port
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
  export HOME=${HOME:-/root}
}

mq_password() { cat "$mq_dir/password"; }

start_pg() {
  local bin; bin=$(pg_bin)
  if [ ! -f "$pg_dir/PG_VERSION" ]; then
    log "initialising PostgreSQL in $pg_dir"
    mkdir -p "$pg_dir"
    if [ "$(id -u)" = 0 ]; then
      # initdb refuses root and runs as postgres, which must be able to reach the folder (a private one
      # such as mktemp -d makes is not reachable): say so rather than fail inside initdb.
      as_pg test -x "$pg_dir" || { log "the postgres user cannot reach $pg_dir: make its parent folders traversable (chmod o+x) or set DTC_DATA to a folder it can reach"; exit 1; }
      chown postgres:postgres "$pg_dir"
    fi
    chmod 700 "$pg_dir"
    as_pg "$bin/initdb" -D "$pg_dir" -U postgres --auth=trust -E UTF8 >/dev/null
    cat >>"$pg_dir/postgresql.conf" <<EOF
# Dtc development server: loopback only, sized for a laptop or a CI runner.
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = '$pg_dir'
max_connections = 400
shared_buffers = 256MB
fsync = on
# Statement statistics (what bench/run.sh reads to say where the database's time goes).
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track_planning = on
EOF
  fi
  if as_pg "$bin/pg_ctl" -D "$pg_dir" status >/dev/null 2>&1; then
    log "PostgreSQL already running on 127.0.0.1:$pg_port"
  else
    as_pg "$bin/pg_ctl" -D "$pg_dir" -l "$pg_dir/server.log" -w -t 60 start >/dev/null
    log "PostgreSQL started on 127.0.0.1:$pg_port"
  fi
  if ! psql -h 127.0.0.1 -p "$pg_port" -U postgres -tAc "select 1 from pg_database where datname='dtc'" | grep -q 1; then
    psql -h 127.0.0.1 -p "$pg_port" -U postgres -qc "create database dtc" >/dev/null
  fi
}

start_mq() {
  mq_env
  mkdir -p "$mq_dir/mnesia" "$mq_dir/log"
  [ -f "$mq_dir/password" ] || head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$mq_dir/password"
  cat >"$mq_dir/rabbitmq.conf" <<EOF
listeners.tcp.1 = 127.0.0.1:$mq_port
management.tcp.ip = 127.0.0.1
management.tcp.port = $mq_mgmt_port
loopback_users.guest = true
# Consumers ack after a database commit; a stuck one is a bug to see, not a reason to drop a channel soon.
consumer_timeout = 1800000
EOF
  echo '[rabbitmq_management].' >"$mq_dir/enabled_plugins"
  if [ "$(id -u)" = 0 ] && id rabbitmq >/dev/null 2>&1; then chown -R rabbitmq:rabbitmq "$mq_dir"; fi
  if rabbitmqctl -q status >/dev/null 2>&1; then
    log "RabbitMQ already running on 127.0.0.1:$mq_port"
  else
    rabbitmq-server -detached >/dev/null 2>&1
    local i
    for i in $(seq 1 60); do [ -s "$RABBITMQ_PID_FILE" ] && break; sleep 0.5; done
    rabbitmqctl -q wait --timeout 120 "$RABBITMQ_PID_FILE" >/dev/null
    log "RabbitMQ started on 127.0.0.1:$mq_port (management http://127.0.0.1:$mq_mgmt_port)"
  fi
  local pw; pw=$(mq_password)
  if ! rabbitmqctl -q list_users 2>/dev/null | grep -q '^dtc\b'; then
    rabbitmqctl -q add_user dtc "$pw" >/dev/null
    rabbitmqctl -q set_user_tags dtc administrator >/dev/null
    rabbitmqctl -q set_permissions -p / dtc '.*' '.*' '.*' >/dev/null
  fi
}

stop_pg() { # $1: fast (a clean shutdown) or immediate (a crash: recovery runs at the next start)
  local bin; bin=$(pg_bin)
  if [ -f "$pg_dir/PG_VERSION" ] && as_pg "$bin/pg_ctl" -D "$pg_dir" status >/dev/null 2>&1; then
    as_pg "$bin/pg_ctl" -D "$pg_dir" -m "$1" -w stop >/dev/null && log "PostgreSQL stopped ($1)"
  fi
}

stop_mq() {
  mq_env
  if rabbitmqctl -q status >/dev/null 2>&1; then
    rabbitmqctl -q stop "$RABBITMQ_PID_FILE" >/dev/null 2>&1 || rabbitmqctl -q stop >/dev/null 2>&1 || true
    log "RabbitMQ ($RABBITMQ_NODENAME) stopped"
  fi
}

stop() {
  stop_pg fast
  stop_mq
  # epmd outlives the node; end it once no node is registered with it.
  if command -v epmd >/dev/null && ! epmd -names 2>/dev/null | grep -q '^name'; then epmd -kill >/dev/null 2>&1 || true; fi
}

print_env() {
  cat <<EOF
export ConnectionStrings__dtc='Host=127.0.0.1;Port=$pg_port;Database=dtc;Username=postgres;Maximum Pool Size=100'
export ConnectionStrings__rabbitmq='amqp://dtc:$(mq_password)@127.0.0.1:$mq_port/'
export DTC_PG_ADMIN='Host=127.0.0.1;Port=$pg_port;Database=postgres;Username=postgres'
export DTC_PG_URL='postgresql://postgres@127.0.0.1:$pg_port/postgres'
export DTC_MQ_MANAGEMENT='http://127.0.0.1:$mq_mgmt_port'
export DTC_MQ_USER=dtc
export DTC_MQ_PASSWORD='$(mq_password)'
EOF
}

status() {
  local bin; bin=$(pg_bin)
  as_pg "$bin/pg_ctl" -D "$pg_dir" status 2>/dev/null | head -1 || echo "PostgreSQL: not running"
  mq_env
  rabbitmqctl -q status >/dev/null 2>&1 && echo "RabbitMQ: running on $mq_port" || echo "RabbitMQ: not running"
}

case "${1:-start}" in
  install) install ;;
  start) install; start_pg; start_mq ;;
  stop) stop ;;
  env) print_env ;;
  status) status ;;
  mq-start) install; start_mq ;;
  mq-stop) stop_mq ;;
  mq-restart) stop_mq; start_mq ;;
  pg-start) install; start_pg ;;
  pg-stop) stop_pg fast ;;
  pg-crash-restart) stop_pg immediate; start_pg ;;
  *) echo "usage: $0 install|start|stop|env|status" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# A local ScoreGrains cluster for trying it out: one private PostgreSQL and three silos on loopback ports,
# with Orleans' membership in PostgreSQL (ScoreGrains:Cluster:Clustering=postgres).
#
#   cluster-config/local-cluster.sh start [SILOS]   build the silo, start PostgreSQL and SILOS silos (default 3, at most 9)
#   cluster-config/local-cluster.sh status          each silo's pid, URLs and readiness
#   cluster-config/local-cluster.sh stop            SIGTERM every silo (each leaves the cluster and writes its snapshots),
#                                                   then stop PostgreSQL; its data stays for the next start
#   cluster-config/local-cluster.sh clean           stop, then delete the state folder (database and logs)
#
# Silo n (1-based) listens on http://127.0.0.1:508n, silo port 1111n and gateway port 3000n.
# Environment:
#   ConnectionStrings__ScoreGrains   an external PostgreSQL instead of the private one (the silos apply the schema)
#   SCOREGRAINS_CLUSTER_DIR          the state folder (default /tmp/scoregrains-local-cluster-$UID): database, logs, pids
#   SCOREGRAINS_CLUSTER_NO_BUILD=1   use the existing build of src/ScoreGrains.Silo (with SCOREGRAINS_CLUSTER_SILO_BUILD:
#                                    its folder; default the Release one)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
state=${SCOREGRAINS_CLUSTER_DIR:-/tmp/scoregrains-local-cluster-$(id -u)}
silo_build=${SCOREGRAINS_CLUSTER_SILO_BUILD:-$root/src/ScoreGrains.Silo/bin/Release/net10.0}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

say() { printf '%s\n' "$*"; }
fail() { printf 'local-cluster: %s\n' "$*" >&2; exit 1; }

http_url() { echo "http://127.0.0.1:$((5080 + $1))"; }
silo_port() { echo $((11110 + $1)); }
gateway_port() { echo $((30000 + $1)); }

# --- the private PostgreSQL ------------------------------------------------------------------------------
pg_bin() {
  if command -v initdb >/dev/null 2>&1; then dirname "$(readlink -f "$(command -v initdb)")"; return; fi
  local found; found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$found" ] && [ -x "$found/initdb" ] || fail "no PostgreSQL binaries (initdb) found: install PostgreSQL (apt-get install -y postgresql) or set ConnectionStrings__ScoreGrains"
  echo "$found"
}

# initdb refuses to run as root: there the server runs as the postgres user.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- env --chdir=/ "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
    || echo $((20000 + RANDOM % 20000))
}

start_postgres() {
  local bin; bin=$(pg_bin)
  mkdir -p "$state/postgres"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$state/postgres"
    chmod o+x "$state"
    as_pg test -w "$state/postgres" \
      || fail "the postgres user cannot reach $state (a parent folder is closed to it): set SCOREGRAINS_CLUSTER_DIR to a folder under /tmp"
  fi
  if [ ! -f "$state/postgres/data/PG_VERSION" ]; then
    say "initialising PostgreSQL in $state/postgres/data" >&2
    as_pg "$bin/initdb" -D "$state/postgres/data" -U postgres -A trust >/dev/null || fail "initdb failed in $state/postgres/data"
  fi
  [ -f "$state/postgres.port" ] || free_port >"$state/postgres.port"
  local port; port=$(cat "$state/postgres.port")
  if ! as_pg "$bin/pg_ctl" -D "$state/postgres/data" status >/dev/null 2>&1; then
    as_pg "$bin/pg_ctl" -D "$state/postgres/data" -l "$state/postgres/server.log" -w -t 60 start \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $state/postgres -c max_connections=200" >/dev/null \
      || fail "PostgreSQL did not start: see $state/postgres/server.log"
  fi
  echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
}

stop_postgres() {
  [ -f "$state/postgres/data/PG_VERSION" ] || return 0
  local bin; bin=$(pg_bin)
  if as_pg "$bin/pg_ctl" -D "$state/postgres/data" status >/dev/null 2>&1; then
    as_pg "$bin/pg_ctl" -D "$state/postgres/data" -m fast -w stop >/dev/null
    say "PostgreSQL stopped"
  fi
}

# --- silos -----------------------------------------------------------------------------------------------
silo_pid() { [ -f "$state/silo$1.pid" ] && cat "$state/silo$1.pid"; }
silo_running() { local pid; pid=$(silo_pid "$1") && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }
silos_known() { ls "$state"/silo*.pid 2>/dev/null | sed 's/.*silo\([0-9]*\)\.pid/\1/' | sort -n; }

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_silo() {
  local n=$1
  if silo_running "$n"; then say "silo $n already runs (pid $(silo_pid "$n"))"; return; fi
  for port in "$(( 5080 + n ))" "$(silo_port "$n")" "$(gateway_port "$n")"; do
    port_taken "$port" && fail "port $port (silo $n) is in use"
  done
  # The connection string reaches the silo through the environment, not its command line (ps would show it).
  # The silo's folder is its content root: its models and dashboard are found there.
  (cd "$silo_build" && exec nohup dotnet ScoreGrains.Silo.dll \
      --urls="$(http_url "$n")" \
      --ScoreGrains:Cluster:Clustering=postgres \
      --ScoreGrains:Cluster:SiloPort="$(silo_port "$n")" \
      --ScoreGrains:Cluster:GatewayPort="$(gateway_port "$n")" \
      >"$state/silo$n.log" 2>&1 </dev/null) &
  echo $! >"$state/silo$n.pid"
}

wait_ready() {
  local n=$1 deadline=$((SECONDS + 120))
  until curl -fs -o /dev/null "$(http_url "$n")/healthz/ready"; do
    silo_running "$n" || fail "silo $n exited while starting: see $state/silo$n.log"
    [ "$SECONDS" -lt "$deadline" ] || fail "silo $n was not ready within 120 s: see $state/silo$n.log"
    sleep 1
  done
}

stop_silos() {
  local n pid
  for n in $(silos_known); do
    if silo_running "$n"; then kill -TERM "$(silo_pid "$n")"; fi
  done
  for n in $(silos_known); do
    pid=$(silo_pid "$n")
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    if kill -0 "$pid" 2>/dev/null; then say "silo $n did not stop within 60 s of SIGTERM: killing it"; kill -KILL "$pid"; fi
    rm -f "$state/silo$n.pid"
    say "silo $n stopped"
  done
}

status() {
  local n any=0
  for n in $(silos_known); do
    any=1
    if silo_running "$n"; then
      local ready=no; curl -fs -o /dev/null "$(http_url "$n")/healthz/ready" && ready=yes
      say "silo $n  pid $(silo_pid "$n")  $(http_url "$n")  gateway 127.0.0.1:$(gateway_port "$n")  ready: $ready"
    else
      say "silo $n  not running (log: $state/silo$n.log)"
    fi
  done
  [ "$any" = 1 ] || say "no silos started from $state"
}

command=${1:-}
case "$command" in
  start)
    silos=${2:-3}
    [[ "$silos" =~ ^[1-9]$ ]] || fail "SILOS must be 1 to 9, not '$silos'"
    command -v curl >/dev/null || fail "curl is needed to wait for the silos' readiness"
    mkdir -p "$state"
    if [ "${SCOREGRAINS_CLUSTER_NO_BUILD:-}" != 1 ]; then
      say "building the silo (Release)"
      dotnet build "$root/src/ScoreGrains.Silo" -c Release -v quiet -nologo >/dev/null
    fi
    [ -f "$silo_build/ScoreGrains.Silo.dll" ] || fail "no silo build in $silo_build"
    if [ -n "${ConnectionStrings__ScoreGrains:-}" ]; then
      export ConnectionStrings__ScoreGrains
      say "using the PostgreSQL in ConnectionStrings__ScoreGrains"
    else
      ConnectionStrings__ScoreGrains=$(start_postgres) || exit 1
      export ConnectionStrings__ScoreGrains
      say "PostgreSQL on $(sed 's/.*Port=\([0-9]*\).*/127.0.0.1:\1/' <<<"$ConnectionStrings__ScoreGrains") (data in $state/postgres)"
    fi
    # The first silo applies the schema; the others wait on its advisory lock, so they may start together.
    for n in $(seq 1 "$silos"); do start_silo "$n"; done
    for n in $(seq 1 "$silos"); do wait_ready "$n"; done
    status
    say ""
    say "dashboard: $(http_url 1)/   post signals to any silo: $(http_url 1)/v1/signals ... $(http_url "$silos")/v1/signals"
    say "logs: $state/silo<n>.log   stop: cluster-config/local-cluster.sh stop"
    ;;
  stop)
    stop_silos
    stop_postgres
    ;;
  status)
    status
    ;;
  clean)
    stop_silos
    stop_postgres
    rm -rf "$state"
    say "removed $state"
    ;;
  *)
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
    [ -z "$command" ] || exit 2
    ;;
esac

#!/usr/bin/env bash
# AkkaFakeUsers build script.
#   ./build.sh test     build, start a throwaway PostgreSQL on a free loopback port, run every test, stop it;
#                       ends with the line "N passed, N failed".
#   ./build.sh build    build the solution (Release).
#   ./build.sh run ...  run the simulation: ./build.sh run --users 20 --duration 60s
set -euo pipefail
cd "$(dirname "$0")"
CONFIGURATION="${CONFIGURATION:-Release}"

log() { echo "build.sh: $*" >&2; }

pg_bin_dir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}

free_port() {
  local p
  for p in $(seq 55432 55532); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  return 1
}

PG_DATA=""
PG_BIN=""
stop_postgres() {
  if [ -n "$PG_DATA" ] && [ -n "$PG_BIN" ]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DATA"
    log "PostgreSQL stopped"
  fi
}

as_postgres() {
  if [ "$(id -u)" = "0" ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Starts a PostgreSQL server of its own (initdb in a temp dir) and exports AFU_TEST_POSTGRES.
start_postgres() {
  PG_BIN=$(pg_bin_dir || true)
  if [ -z "$PG_BIN" ]; then
    log "installing PostgreSQL from Debian's packages…"
    apt_install postgresql || true
    PG_BIN=$(pg_bin_dir || true)
  fi
  if [ -z "$PG_BIN" ]; then
    log "no PostgreSQL binaries (/usr/lib/postgresql/*/bin) and cannot install them (run as root, or apt-get install postgresql)"
    return 1
  fi
  local port attempt
  PG_DATA=$(mktemp -d /tmp/afu-pg.XXXXXX)
  if [ "$(id -u)" = "0" ]; then chown postgres:postgres "$PG_DATA"; fi
  as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -A trust -U postgres >/dev/null
  # A start can fail for a passing reason (a port taken between the check and the bind): say why, try again.
  for attempt in 1 2 3; do
    port=$(free_port) || { log "no free port for PostgreSQL"; return 1; }
    if as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -w -t 30 -l "$PG_DATA/server.log" \
      -o "-p $port -k $PG_DATA -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null; then
      break
    fi
    log "PostgreSQL did not start on port $port (attempt $attempt); its log:"
    tail -n 20 "$PG_DATA/server.log" >&2 || true
    if [ "$attempt" = 3 ]; then return 1; fi
    sleep 2
  done
  export AFU_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
  export AFU_TEST_POSTGRES_BIN="$PG_BIN"
  export AFU_TEST_POSTGRES_DATA="$PG_DATA"
  export AFU_TEST_POSTGRES_PORT="$port"
  log "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
}

APT_UPDATED=""
apt_install() {
  [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null || return 1
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "$APT_UPDATED" ]; then apt-get update -qq >/dev/null; APT_UPDATED=1; fi
  apt-get install -y -qq "$@" >/dev/null
}

install_compose() {
  if ! command -v docker-compose >/dev/null; then
    log "installing docker-compose (to validate docker-compose.yml)…"
    apt_install docker-compose || log "docker-compose could not be installed: its test will fail"
  fi
}

# Debian's prometheus (with promtool) for the metrics tests; chromium and chromium-driver for the dashboard's browser
# tests; kubectl (Debian's kubernetes-client) to render deploy/k8s offline; python3 for the reference ranking service (examples/).
install_test_tools() {
  local missing=()
  command -v prometheus >/dev/null && command -v promtool >/dev/null || missing+=(prometheus)
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  command -v kubectl >/dev/null || missing+=(kubernetes-client)
  command -v python3 >/dev/null || missing+=(python3)
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing ${missing[*]} (Prometheus, browser, Kubernetes and reference-service tests)…"
    apt_install "${missing[@]}" || log "could not install ${missing[*]}: their tests will fail"
  fi
}

cmd_test() {
  trap stop_postgres EXIT
  # PostgreSQL, compose, Prometheus and browser tests must run (and fail rather than skip) under this command.
  export AFU_REQUIRE_POSTGRES=1 AFU_REQUIRE_COMPOSE=1 AFU_REQUIRE_PROMETHEUS=1 AFU_REQUIRE_CHROMIUM=1 AFU_REQUIRE_KUBECTL=1 AFU_REQUIRE_PYTHON=1
  start_postgres || log "PostgreSQL unavailable: its tests will fail"
  install_compose
  install_test_tools
  dotnet build AkkaFakeUsers.sln -c "$CONFIGURATION" -v q -nologo
  local results
  results=$(mktemp -d /tmp/afu-test-results.XXXXXX)
  set +e
  dotnet test AkkaFakeUsers.sln -c "$CONFIGURATION" --no-build -nologo \
    --logger "trx;LogFileName=results.trx" --logger "console;verbosity=normal" --results-directory "$results"
  local rc=$?
  set -e
  local passed=0 failed=0 trx
  for trx in "$results"/*.trx "$results"/*/*.trx; do
    [ -f "$trx" ] || continue
    local counters
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
    passed=$((passed + $(echo "$counters" | sed -n 's/.* passed="\([0-9]*\)".*/\1/p')))
    failed=$((failed + $(echo "$counters" | sed -n 's/.* failed="\([0-9]*\)".*/\1/p')))
  done
  rm -rf "$results"
  if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; log "dotnet test exited $rc"; fi
  if [ "$failed" -ne 0 ] && [ -n "$PG_DATA" ] && [ -f "$PG_DATA/server.log" ]; then
    log "tests failed: the test PostgreSQL server's log (last 40 lines) follows"
    tail -n 40 "$PG_DATA/server.log" >&2 || true
  fi
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

case "${1:-}" in
  test) shift; cmd_test "$@" ;;
  build) dotnet build AkkaFakeUsers.sln -c "$CONFIGURATION" -nologo ;;
  run) shift; dotnet run --project src/AkkaFakeUsers.Host -c "$CONFIGURATION" -- run "$@" ;;
  *) echo "usage: ./build.sh test | build | run [afu run options]" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on 127.0.0.1 for the tests (CI and local runs use the same script).
#
#   deploy/test-postgres.sh start   # initdb (once) + pg_ctl start + the test database; prints the URL
#   deploy/test-postgres.sh url     # print the URL only
#   deploy/test-postgres.sh stop    # stop the cluster (its folder stays; `start` reuses it)
#
# Needs Debian's postgresql (apt-get install -y postgresql). Runs the server as the `postgres` user when
# started as root. Not for production: trust authentication, fsync off, listens on loopback only.
set -euo pipefail

DIR="${ASSESSOR_PG_DIR:-/tmp/assessor-test-pg}"
PORT="${ASSESSOR_PG_PORT:-55432}"
DB="${ASSESSOR_PG_DB:-assessor_test}"
URL="postgresql+psycopg://postgres@127.0.0.1:${PORT}/${DB}"

pg_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
    echo "PostgreSQL server binaries not found: apt-get install -y postgresql" >&2
    exit 1
  fi
  echo "$dir"
}

as_owner() {  # run a command as the cluster owner
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start() {
  local bin
  bin="$(pg_bin)"
  if [ ! -f "$DIR/PG_VERSION" ]; then
    mkdir -p "$DIR"
    if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$DIR"; fi
    chmod 700 "$DIR"
    as_owner "$bin/initdb" -D "$DIR" -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
  fi
  if ! as_owner "$bin/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
    as_owner "$bin/pg_ctl" -D "$DIR" -w -l "$DIR/server.log" \
      -o "-h 127.0.0.1 -p $PORT -k $DIR -F -c max_connections=200" start >/dev/null
  fi
  if ! "$bin/psql" -h 127.0.0.1 -p "$PORT" -U postgres -Atc "select 1 from pg_database where datname='$DB'" postgres \
      | grep -q 1; then
    "$bin/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB"
  fi
  echo "$URL"
}

stop() {
  local bin
  bin="$(pg_bin)"
  if [ -f "$DIR/PG_VERSION" ]; then
    as_owner "$bin/pg_ctl" -D "$DIR" -m fast stop >/dev/null 2>&1 || true
  fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  url) echo "$URL" ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac

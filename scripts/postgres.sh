# Sourced by scripts/test: starts a throwaway PostgreSQL 15 server on a free
# port under a temp dir, exports STARLING_TEST_POSTGRES_URL, and stops it (and
# removes the dir) when the calling script exits, even on failure.
# PostgreSQL refuses to run as root, so as root it runs as the postgres user.

starling_pg_bin=/usr/lib/postgresql/15/bin

starling_as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

starling_free_port() {
  local port
  for port in $(seq 55432 55632); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  echo "no free port between 55432 and 55632" >&2
  return 1
}

starling_stop_postgres() {
  if [ -n "${STARLING_PG_DIR:-}" ] && [ -d "$STARLING_PG_DIR" ]; then
    starling_as_postgres "$starling_pg_bin/pg_ctl" -D "$STARLING_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$STARLING_PG_DIR"
  fi
}

starling_start_postgres() {
  STARLING_PG_DIR=$(mktemp -d /tmp/starling-pg.XXXXXX)
  trap starling_stop_postgres EXIT
  [ "$(id -u)" -ne 0 ] || chown postgres "$STARLING_PG_DIR"
  local port
  port=$(starling_free_port)
  starling_as_postgres "$starling_pg_bin/initdb" -D "$STARLING_PG_DIR/data" -U postgres --auth=trust -E UTF8 >/dev/null
  starling_as_postgres "$starling_pg_bin/pg_ctl" -D "$STARLING_PG_DIR/data" -l "$STARLING_PG_DIR/log" -w \
    -o "-p $port -k $STARLING_PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
  export STARLING_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$port/postgres"
  echo "scripts/test: throwaway PostgreSQL 15 on 127.0.0.1:$port"
}

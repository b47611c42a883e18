# Sourced by scripts/test: starts a throwaway PostgreSQL 15 server on a free
# port under a temp dir, exports STARLING_TEST_POSTGRES_URL, and stops it (and
# removes the dir) when the calling script exits, even on failure.
# PostgreSQL refuses to run as root, so as root it runs as the postgres user.

starling_pg_bin=/usr/lib/postgresql/15/bin

starling_as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

starling_stop_postgres() {
  if [ -n "${STARLING_PG_DIR:-}" ] && [ -d "$STARLING_PG_DIR" ]; then
    starling_as_postgres "$starling_pg_bin/pg_ctl" -D "$STARLING_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$STARLING_PG_DIR"
  fi
}

starling_start_postgres() {  # [extra server options, e.g. -c fsync=on]
  STARLING_PG_DIR=$(mktemp -d /tmp/starling-pg.XXXXXX)
  trap starling_stop_postgres EXIT
  [ "$(id -u)" -ne 0 ] || chown postgres "$STARLING_PG_DIR"
  starling_as_postgres "$starling_pg_bin/initdb" -D "$STARLING_PG_DIR/data" -U postgres --auth=trust -E UTF8 >/dev/null
  # A port nothing listens on may still refuse the bind (a socket of a client
  # that just left it, in TIME-WAIT): the next port is tried then.
  local port attempts=0
  for port in $(seq 55432 55632); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
    if starling_as_postgres "$starling_pg_bin/pg_ctl" -D "$STARLING_PG_DIR/data" -l "$STARLING_PG_DIR/log" -w \
      -o "-p $port -k $STARLING_PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 $*" \
      start >/dev/null 2>&1; then
      export STARLING_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$port/postgres"
      echo "scripts/test: throwaway PostgreSQL 15 on 127.0.0.1:$port"
      return 0
    fi
    attempts=$((attempts + 1))
    [ "$attempts" -lt 10 ] || break
  done
  echo "scripts/test: PostgreSQL did not start on any port tried; its log:" >&2
  cat "$STARLING_PG_DIR/log" >&2
  return 1
}

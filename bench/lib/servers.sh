# Sourced by bench/run and bench/scale: the servers under test and their
# cleanup (load_pid, a load generator or client still running, is killed too). The caller sets techempower and pg_loop (the binaries) and pool; techempower_args
# (extra options) may be set. Servers are known by name: pid[NAME], base[NAME].
work=$(mktemp -d /tmp/starling-bench.XXXXXX)
chmod 755 "$work"  # nginx workers run as nobody when the script runs as root
mkdir -p "$work/nginx"
declare -A pid=()   # server name -> pid
declare -A base=()  # server name -> URL
load_pid=""

stop_server() {  # name
  local p=${pid[$1]:-}
  [ -n "$p" ] || return 0
  kill -0 "$p" 2>/dev/null || return 0
  kill -TERM "$p" 2>/dev/null || true
  for _ in $(seq 50); do
    kill -0 "$p" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$p" 2>/dev/null; then
    echo "bench: $1 did not stop on SIGTERM; killing it" >&2
    kill -KILL "$p" 2>/dev/null || true
  fi
  wait "$p" 2>/dev/null || true
  unset "pid[$1]"
}

cleanup() {
  local status=$?
  [ -z "$load_pid" ] || kill "$load_pid" 2>/dev/null || true
  for server in "${!pid[@]}"; do stop_server "$server"; done
  if declare -F starling_stop_postgres >/dev/null; then starling_stop_postgres; fi
  if [ "$status" -ne 0 ] && [ "${keep_logs:-0}" = 1 ]; then
    echo "bench: logs kept in $work" >&2
  else
    rm -rf "$work"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {  # message; shows the servers' logs, keeps them
  echo "bench: $*" >&2
  for log in "$work"/nginx/output.log "$work"/nginx/error.log "$work"/*.log; do
    [ -s "$log" ] && { echo "--- $log" >&2; tail -n 20 "$log" >&2; }
  done
  keep_logs=1
  exit 1
}

# A port nothing listens on, below the ephemeral ports wrk's sockets take, and
# not one already handed to a server that may not listen yet.
free_port() {
  local port
  for _ in $(seq 200); do
    port=$((10000 + RANDOM % 20000))
    [[ " ${base[*]} " != *":$port "* ]] || continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

wait_ready() {  # name
  for _ in $(seq 300); do
    kill -0 "${pid[$1]}" 2>/dev/null || fail "$1 exited at startup"
    curl -s -o /dev/null "${base[$1]}/plaintext" && return 0
    sleep 0.1
  done
  fail "$1 not answering on ${base[$1]} after 30 s"
}

techempower_args=()
# extra_args[name]: more options for that server (e.g. --metrics).
declare -A extra_args=()
start_techempower() {  # name database-url threads [prefix...]
  local name=$1 url=$2 count=$3 port
  shift 3
  port=$(free_port) || fail "no free port"
  base[$name]="http://127.0.0.1:$port"
  local -a extra=()
  read -r -a extra <<<"${extra_args[$name]:-}"
  "$@" "$techempower" --port "$port" --threads "$count" --pool-size "$pool" --database-url "$url" \
    "${techempower_args[@]}" "${extra[@]}" >"$work/$name.log" 2>&1 &
  pid[$name]=$!
}

# bench/pg_loop: PostgreSQL /db with libpq driven on the event loops, the reference
# for what moving the database runtime there can win.
start_pg_loop() {  # name database-url threads connections-per-thread
  local port
  port=$(free_port) || fail "no free port"
  base[$1]="http://127.0.0.1:$port"
  "$pg_loop" --port "$port" --threads "$3" --connections-per-thread "$4" --database-url "$2" >"$work/$1.log" 2>&1 &
  pid[$1]=$!
}

# The processes whose CPU is the server's own (see bench/lib/measure.sh).
server_pids() {
  case $1 in
    nginx) echo "${pid[nginx]}" $(pgrep -P "${pid[nginx]}") ;;
    postgresql* | pg-loop) echo "${pid[$1]}" $(pgrep -x postgres) ;;
    pgbench | bare-postgresql) pgrep -x postgres | tr '\n' ' ' ;;
    bare-sqlite) ;;
    *) echo "${pid[$1]}" ;;
  esac
}

# A fresh PostgreSQL database NAME for the db tests, on STARLING_TEST_POSTGRES_URL's
# server or a throwaway one with fsync on (so that /updates pays for durable commits
# on both backends). Sets pg_url.
bench_postgres() {  # name
  # shellcheck source=scripts/postgres.sh
  source scripts/postgres.sh
  if [ -z "${STARLING_TEST_POSTGRES_URL:-}" ]; then
    starling_start_postgres -c fsync=on >/dev/null || true
  fi
  trap cleanup EXIT  # starling_start_postgres set its own
  [ -n "${STARLING_TEST_POSTGRES_URL:-}" ] || fail "PostgreSQL did not start"
  pg_url="${STARLING_TEST_POSTGRES_URL%/*}/$1"
  psql "$STARLING_TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null
}

#!/usr/bin/env bash
# The `notes` command as the README's serve command uses it: on a fresh SQLite
# file it creates its tables, says where it listens, answers, and exits 0 on
# SIGTERM; a bad setting is refused naming it. Usage: cli_check.sh <notes binary>
set -euo pipefail
notes=$(realpath "$1")
work=$(mktemp -d /tmp/notes-cli.XXXXXX)
pid=""
trap '[ -z "$pid" ] || kill -9 "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
# Only what this check sets: a HOST or LOG_LEVEL of the caller's must not change the answers.
run_notes() { env -i PATH="$PATH" "$@"; }

run_notes "$notes" --help | grep -q "serve"
run_notes "$notes" serve --help | grep -q -- "--port"

if run_notes PORT=eighty "$notes" serve > bad.log 2>&1; then echo "PORT=eighty was accepted" >&2; exit 1; fi
grep -q "PORT" bad.log || { echo "the error does not name PORT:" >&2; cat bad.log >&2; exit 1; }

# Not through run_notes: $! must be the server itself, not a subshell around it.
env -i PATH="$PATH" DATABASE_URL="sqlite:///$work/fresh.db" "$notes" serve --port 0 --threads 1 > serve.log 2>&1 &
pid=$!
for _ in $(seq 1 100); do grep -q "serving on" serve.log && break; sleep 0.1; done
url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' serve.log | head -1)
[ -n "$url" ] || { echo "notes serve did not say where it listens:" >&2; cat serve.log >&2; exit 1; }

curl -fsS "$url/health" | grep -q '"ok"'
curl -fsS -X POST -H 'content-type: application/json' -d '{"text": "hi", "completed": false}' "$url/notes" >/dev/null
[ "$(curl -fsS "$url/notes")" = '[{"completed":false,"text":"hi"}]' ]

kill -TERM "$pid"
for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && { echo "notes serve still running 10 s after SIGTERM" >&2; exit 1; }
status=0
wait "$pid" || status=$?
pid=""
[ "$status" = 0 ] || { echo "notes serve exited $status on SIGTERM" >&2; exit 1; }
echo "notes CLI: ok"

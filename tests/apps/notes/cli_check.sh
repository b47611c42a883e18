#!/usr/bin/env bash
# The `notes` command as the README's serve command uses it: on a fresh SQLite
# file it refuses to serve until migrated (or with --migrate), the `db`
# commands migrate and report, and the server says where it listens, answers,
# and exits 0 on SIGTERM; a bad setting is refused naming it.
# Usage: cli_check.sh <notes binary>
set -euo pipefail
notes=$(realpath "$1")
source_dir=$(cd "$(dirname "$0")/../../.." && pwd)
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

fail() { echo "$1" >&2; [ ! -f "${2:-}" ] || cat "$2" >&2; exit 1; }
db_url="sqlite:///$work/fresh.db"
run_notes "$notes" db --help | grep -q "upgrade" || fail "notes db --help lists no upgrade"

# A fresh database: serving is refused, naming the command that fixes it, and no file is made.
if run_notes DATABASE_URL="$db_url" "$notes" serve --port 0 > refused.log 2>&1; then fail "served an empty database" refused.log; fi
grep -q "notes db upgrade head" refused.log || fail "the refusal does not say what to run:" refused.log
[ ! -e "$work/fresh.db" ] || fail "the refused serve created the database file"

# Two upgrades at once on a fresh file: both succeed, each revision applied once.
run_notes DATABASE_URL="sqlite:///$work/raced.db" "$notes" db upgrade head > race1.log 2>&1 & race1=$!
run_notes DATABASE_URL="sqlite:///$work/raced.db" "$notes" db upgrade head > race2.log 2>&1 & race2=$!
wait "$race1" || fail "the first of two concurrent upgrades failed:" race1.log
wait "$race2" || fail "the second of two concurrent upgrades failed:" race2.log
[ "$(cat race1.log race2.log | grep -c -- '-> 0001_notes')" = 1 ] || fail "0001_notes did not run exactly once:" race1.log

# A database made before migrations (create_all: tables, no history) is not
# migrated over: serve says to stamp it, and stamp then upgrade does the rest.
legacy="sqlite:///$work/legacy.db"
run_notes DATABASE_URL="$legacy" "$notes" db upgrade 0001_notes > /dev/null 2>&1
run_notes DATABASE_URL="$legacy" "$notes" db stamp base > /dev/null 2>&1
if run_notes DATABASE_URL="$legacy" "$notes" serve --migrate --port 0 > legacy.log 2>&1; then fail "migrated over a database without history" legacy.log; fi
grep -q "notes db stamp 0001_notes" legacy.log || fail "the refusal does not say to stamp:" legacy.log
run_notes DATABASE_URL="$legacy" "$notes" db stamp 0001_notes > /dev/null 2>&1
run_notes DATABASE_URL="$legacy" "$notes" db upgrade head > legacy_up.log 2>&1 || fail "upgrade after stamp failed:" legacy_up.log

# Offline SQL touches nothing.
run_notes DATABASE_URL="$db_url" "$notes" db upgrade head --sql > offline.sql
grep -q 'CREATE TABLE "notes"' offline.sql || fail "upgrade --sql printed no CREATE TABLE:" offline.sql
[ ! -e "$work/fresh.db" ] || fail "upgrade --sql created the database file"

# Unknown revisions are named, with a non-zero exit.
if run_notes DATABASE_URL="$db_url" "$notes" db upgrade no_such_rev > bad_rev.log 2>&1; then fail "upgraded to no_such_rev"; fi
grep -q "no_such_rev" bad_rev.log || fail "the error does not name the revision:" bad_rev.log

run_notes DATABASE_URL="$db_url" "$notes" db upgrade head > upgrade.log 2>&1 || fail "db upgrade head failed:" upgrade.log
head_rev=$(run_notes "$notes" db heads | cut -d' ' -f1)
run_notes DATABASE_URL="$db_url" "$notes" db current | grep -q ": $head_rev\$" || fail "db current is not $head_rev"
run_notes DATABASE_URL="$db_url" "$notes" db check > check.log 2>&1 || fail "db check found differences:" check.log
run_notes "$notes" db history | grep -q -- "-> 0001_notes" || fail "db history lists no 0001_notes"

# Not through run_notes: $! must be the server itself, not a subshell around it.
# --migrate (scripts/serve's way) brings a fresh database to the head first.
env -i PATH="$PATH" DATABASE_URL="sqlite:///$work/served.db" "$notes" serve --migrate --port 0 --threads 1 > serve.log 2>&1 &
pid=$!
for _ in $(seq 1 100); do grep -q "serving on" serve.log && break; sleep 0.1; done
url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' serve.log | head -1)
[ -n "$url" ] || { echo "notes serve did not say where it listens:" >&2; cat serve.log >&2; exit 1; }

curl -fsS "$url/health" | grep -q '"ok"'
curl -fsS -X POST -H 'content-type: application/json' -d '{"text": "hi", "completed": false}' "$url/notes" >/dev/null
[ "$(curl -fsS "$url/notes")" = '[{"text":"hi","completed":false}]' ]  # the reference's key order
# The access log is on by default: one line per request, with the client, the status and the request id.
grep -Eq '127\.0\.0\.1:[0-9]+ "POST /notes HTTP/1\.1" 200 [0-9]+ [0-9.]+ms id=[0-9a-f]{32}$' serve.log ||
  fail "no access log line for the POST:" serve.log
curl -fsS -o /dev/null -D - -H 'X-Request-ID: trace-7' "$url/health" | tr -d '\r' | grep -qix 'x-request-id: trace-7' ||
  fail "the client's X-Request-ID is not echoed"
# No .env here, and that is normal (a container): no warning about it.
! grep -q "Config file" serve.log || fail "a missing .env was warned about:" serve.log

kill -TERM "$pid"
for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && { echo "notes serve still running 10 s after SIGTERM" >&2; exit 1; }
status=0
wait "$pid" || status=$?
pid=""
[ "$status" = 0 ] || { echo "notes serve exited $status on SIGTERM" >&2; exit 1; }

run_notes DATABASE_URL="sqlite:///$work/served.db" "$notes" db current | grep -q ": $head_rev\$" ||
  fail "serve --migrate did not leave served.db at $head_rev"

# LOG_FORMAT=json: every line a JSON object; the access line names the route template and the request id.
if run_notes LOG_FORMAT=xml "$notes" serve > badformat.log 2>&1; then fail "LOG_FORMAT=xml was accepted"; fi
grep -q "'xml'" badformat.log || fail "the error does not name the format:" badformat.log
env -i PATH="$PATH" LOG_FORMAT=json METRICS=true DATABASE_URL="sqlite:///$work/served.db" "$notes" serve --port 0 --threads 1 > json.log 2>&1 &
pid=$!
for _ in $(seq 1 100); do grep -q '"event":"startup"' json.log && break; sleep 0.1; done
url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' json.log | head -1)
[ -n "$url" ] || fail "notes serve (json) did not say where it listens:" json.log
curl -fsS -H 'X-Request-ID: json-1' "$url/notes/1" > /dev/null
# /openapi.json is a valid OpenAPI 3.1 document (the OpenAPI Initiative's schema, python3-jsonschema).
curl -fsS "$url/openapi.json" > openapi.json
"$source_dir/tests/openapi/validate.py" openapi.json 2> openapi.log || fail "/openapi.json is not valid OpenAPI 3.1:" openapi.log
# METRICS=true: /metrics in Prometheus's text format, as Prometheus's own Python client parses it.
curl -fsS "$url/metrics" > metrics.txt
# Debian's interpreter: python3-prometheus-client is installed there.
/usr/bin/python3 - "$work/metrics.txt" <<'PY' || fail "the metrics are not what they should be:" metrics.txt
import sys
from prometheus_client.parser import text_string_to_metric_families
families = {family.name: family for family in text_string_to_metric_families(open(sys.argv[1]).read())}
requests = {(s.labels["method"], s.labels["route"], s.labels["status"]): s.value
            for s in families["starling_http_requests"].samples if s.name.endswith("_total")}
assert requests[("GET", "/notes/{id:int}", "200")] == 1, requests
assert families["starling_http_request_duration_seconds"].type == "histogram"
assert families["starling_db_pool_connections"].type == "gauge"
assert families["starling_db_pool_timeouts"].type == "counter", families.keys()
PY
kill -TERM "$pid"
wait "$pid" || fail "notes serve (json) did not exit 0 on SIGTERM" json.log
pid=""
python3 - "$work/json.log" <<'PY' || fail "the JSON log is not what it should be:" json.log
import json, sys
lines = [json.loads(line) for line in open(sys.argv[1])]  # every line parses
events = [line.get("event") for line in lines]
assert "database" in events and "startup" in events and events[-1] == "shutdown", events
access = [line for line in lines if line.get("type") == "access"]
assert len(access) == 3, access  # /notes/1, /openapi.json and /metrics
line = access[0]
assert (line["route"], line["status"], line["request_id"], line["method"]) == ("/notes/{id:int}", 200, "json-1", "GET"), line
PY

# Down one revision, up again, down to base.
run_notes DATABASE_URL="$db_url" "$notes" db downgrade -1 > down.log 2>&1 || fail "db downgrade -1 failed:" down.log
run_notes DATABASE_URL="$db_url" "$notes" db current | grep -vq ": $head_rev\$" || fail "still at $head_rev after downgrade -1"
# One revision short: check and autogenerate refuse until upgraded (Alembic's "not up to date").
if run_notes DATABASE_URL="$db_url" "$notes" db check > behind.log 2>&1; then fail "db check passed one revision short" behind.log; fi
grep -q "db upgrade head" behind.log || fail "db check does not say to upgrade:" behind.log
# Stamped at the head without its changes: the schema drifted from the tables, and check lists how.
run_notes DATABASE_URL="$db_url" "$notes" db stamp head > /dev/null
if run_notes DATABASE_URL="$db_url" "$notes" db check > drift.log 2>&1; then fail "db check passed a drifted schema" drift.log; fi
grep -q 'add column "notes"."created_at"' drift.log || fail "db check does not name the missing column:" drift.log
run_notes DATABASE_URL="$db_url" "$notes" db stamp 0001_notes > /dev/null
mkdir "$work/migrations"
if run_notes DATABASE_URL="$db_url" "$notes" db revision -m "too early" --autogenerate --directory "$work/migrations" > early.log 2>&1; then
  fail "autogenerated against a database that is not at the head" early.log
fi
grep -q "db upgrade head" early.log || fail "the refusal does not say to upgrade:" early.log
run_notes DATABASE_URL="$db_url" "$notes" db upgrade head > up.log 2>&1 || fail "db upgrade head failed:" up.log

# At the head, autogenerate finds nothing and writes an empty revision after the head.
run_notes DATABASE_URL="$db_url" "$notes" db revision -m "Nothing new!" --autogenerate --directory "$work/migrations" > revision.log 2>&1 ||
  fail "db revision --autogenerate failed:" revision.log
written=$(ls "$work/migrations")
[ "$written" = "0003_nothing_new.cpp" ] || fail "db revision wrote '$written', not 0003_nothing_new.cpp" revision.log
grep -q "\.parents = {\"$head_rev\"}" "$work/migrations/$written" || fail "the new revision does not follow $head_rev" "$work/migrations/$written"
if run_notes "$notes" db revision -m "merge" --merge --directory "$work/migrations" > merge.log 2>&1; then fail "merged a single head" merge.log; fi
run_notes DATABASE_URL="$db_url" "$notes" db downgrade base > base.log 2>&1 || fail "db downgrade base failed:" base.log
run_notes DATABASE_URL="$db_url" "$notes" db current | grep -q "base" || fail "not at base after downgrade base"
echo "notes CLI: ok"

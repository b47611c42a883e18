#!/usr/bin/env bash
# Serves the notes app for real (`notes serve --migrate` on a fresh SQLite file)
# and runs the browser test against it (browser_test.py: headless Chromium).
# Screenshots are left in $STARLING_ARTIFACTS (default: artifacts/ in the tree).
# Usage: browser_check.sh <notes binary> <source dir>
set -euo pipefail
notes=$(realpath "$1")
source_dir=$(realpath "$2")
artifacts=${STARLING_ARTIFACTS:-$source_dir/artifacts}
work=$(mktemp -d /tmp/notes-browser.XXXXXX)
pid=""
trap '[ -z "$pid" ] || kill -9 "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
env -i PATH="$PATH" DATABASE_URL="sqlite:///$work/notes.db" STATIC_DIR="$source_dir/apps/notes/static" \
  "$notes" serve --migrate --port 0 --threads 2 > serve.log 2>&1 &
pid=$!
for _ in $(seq 1 100); do grep -q "serving on" serve.log && break; sleep 0.1; done
url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' serve.log | head -1)
[ -n "$url" ] || { echo "notes serve did not start:" >&2; cat serve.log >&2; exit 1; }
# Debian's interpreter: python3-selenium is installed there.
/usr/bin/python3 "$source_dir/tests/apps/notes/browser_test.py" "$url/" "$artifacts" || {
  echo "--- notes serve said:" >&2
  cat serve.log >&2
  exit 1
}

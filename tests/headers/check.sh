#!/usr/bin/env bash
# Public headers declare what users call: none names the database runtime's
# internals or the request plumbing that only the framework uses (issue 24).
# Usage: check.sh <source dir>
set -euo pipefail
root=${1:?usage: check.sh <source dir>}
internals='runtime::|\bLease\b|PipelineEntry|PooledConnection|run_work|set_app|\bunhandled_exception\b|body_text'
if found=$(grep -rnE "$internals" "$root/db/include" "$root/framework/include" "$root/db_http/include" 2>/dev/null); then
  echo "public headers name internals (move them behind a pimpl or into src/):" >&2
  echo "$found" >&2
  exit 1
fi
echo "public headers: no internals named"

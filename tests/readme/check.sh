#!/usr/bin/env bash
# The README's code blocks marked `<!-- from PATH -->` must appear, to the
# character, in PATH: a snippet that no longer matches its file fails the suite.
# Usage: check.sh <repository root>
set -euo pipefail
root=$1
readme="$root/README.md"
failures=0
checked=0
source_path=""
block=""
in_block=0
while IFS= read -r line || [ -n "$line" ]; do
  if [ "$in_block" = 0 ] && [[ "$line" =~ ^\<!--\ from\ ([^ ]+)\ --\>$ ]]; then
    source_path=${BASH_REMATCH[1]}
  elif [ -n "$source_path" ] && [ "$in_block" = 0 ] && [[ "$line" == '```'* ]]; then
    in_block=1
    block=""
  elif [ "$in_block" = 1 ] && [ "$line" = '```' ]; then
    checked=$((checked + 1))
    if [ -z "$block" ]; then
      echo "README snippet from $source_path is empty" >&2
      failures=$((failures + 1))
    fi
    content=$(cat "$root/$source_path" 2>/dev/null || true)
    if [[ "$content" != *"${block%$'\n'}"* ]]; then
      echo "README snippet not found in $source_path:" >&2
      printf '%s' "$block" | head -5 >&2
      failures=$((failures + 1))
    fi
    in_block=0
    source_path=""
  elif [ "$in_block" = 1 ]; then
    block+="$line"$'\n'
  fi
done < "$readme"
if [ -n "$source_path" ]; then
  echo "README: the snippet from $source_path never closes (or never opens)" >&2
  failures=$((failures + 1))
fi
echo "checked $checked README snippets, $failures out of date"
[ "$checked" -gt 0 ] && [ "$failures" = 0 ]

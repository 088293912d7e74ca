#!/usr/bin/env bash
# Run each test layer through make, print one line per layer, and fail if any layer failed.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
declare -a lines
passed=0
failed=0
for layer in "$@"; do
  start=$(date +%s)
  echo "=== layer: $layer"
  if make -C "$ROOT" --no-print-directory "$layer"; then
    status=PASS; passed=$((passed + 1))
  else
    status=FAIL; failed=$((failed + 1))
  fi
  lines+=("$(printf '%-12s %s  (%ss)' "$layer" "$status" "$(( $(date +%s) - start ))")")
done
echo
echo "=== summary"
printf '%s\n' "${lines[@]}"
echo "layers: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

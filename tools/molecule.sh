#!/usr/bin/env bash
# `make molecule`: every Molecule scenario of extensions/molecule against one local emulator, reset between
# scenarios. Each scenario: converge, record the request log position, idempotence, verify (which asserts that
# the idempotence run made no write call).
#   tools/molecule.sh [scenario ...]      (no scenario: all of them)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=${VENV:-$ROOT/.venv}
[ -x "$VENV/bin/molecule" ] || VENV=/tmp/trial/venv
export PATH="$VENV/bin:$PATH"
COLL_PARENT=${COLL_PARENT:-/tmp/fleetops-dev}
COLL="$COLL_PARENT/ansible_collections/fleetops/cloud"
mkdir -p "$COLL_PARENT/ansible_collections/fleetops"
[ -e "$COLL" ] || ln -sfn "$ROOT" "$COLL"
export ANSIBLE_COLLECTIONS_PATH="$COLL_PARENT"
RUNDIR=$(mktemp -d "${TMPDIR:-/tmp}/fleetops-molecule.XXXXXX")
cleanup() { "$VENV/bin/python" "$ROOT/tools/emulator_ctl.py" stop "$RUNDIR" || true; rm -rf "$RUNDIR"; }
trap cleanup EXIT INT TERM
"$VENV/bin/python" "$ROOT/tools/emulator_ctl.py" start "$RUNDIR" --speed "${EMULATOR_SPEED:-50}" >/dev/null
eval "$("$VENV/bin/python" "$ROOT/tools/emulator_ctl.py" env "$RUNDIR")"
export ANSIBLE_PIPELINING=true

if [ $# -gt 0 ]; then
  scenarios=("$@")
else
  scenarios=()
  for dir in "$ROOT"/extensions/molecule/*/; do
    [ -f "$dir/molecule.yml" ] && scenarios+=("$(basename "$dir")")
  done
fi
failed=0
cd "$COLL/extensions"
for scenario in "${scenarios[@]}"; do
  echo "=== molecule scenario: $scenario"
  "$VENV/bin/python" -c 'import os, urllib.request
urllib.request.urlopen(urllib.request.Request(os.environ["FLEETOPS_EMULATOR_BASE"] + "/_emulator/reset", method="POST"), timeout=30)'
  rm -rf "$HW_TOKEN_CACHE_DIR"  # the reset dropped the tokens
  molecule reset -s "$scenario" >/dev/null 2>&1 || true  # no state left from an earlier run (prepare runs again)
  start=$(date +%s)
  if molecule test -s "$scenario"; then
    echo "=== $scenario: PASS ($(( $(date +%s) - start ))s)"
  else
    echo "=== $scenario: FAIL ($(( $(date +%s) - start ))s)"; failed=$((failed + 1))
  fi
done
[ "$failed" -eq 0 ]

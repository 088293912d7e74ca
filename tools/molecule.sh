#!/usr/bin/env bash
# `make molecule`: every Molecule scenario of extensions/molecule against one local emulator, reset between
# scenarios. Each scenario: check (--check --diff on the empty account), converge, record the request log
# position, idempotence, check again, verify (which asserts that the idempotence and check runs made no write call).
#   tools/molecule.sh [scenario ...]      (no scenario: all of them)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=${VENV:-$ROOT/.venv}
[ -x "$VENV/bin/molecule" ] || { echo "no $VENV/bin/molecule: run make setup" >&2; exit 1; }
export PATH="$VENV/bin:$PATH"
RUNDIR=$(mktemp -d "${TMPDIR:-/tmp}/fleetops-molecule.XXXXXX")
cleanup() { "$VENV/bin/python" "$ROOT/tools/emulator_ctl.py" stop "$RUNDIR/emulator" || true; rm -rf "$RUNDIR"; }
trap cleanup EXIT INT TERM
# The checkout as ansible_collections/fleetops/cloud, through a link of this run's own.
COLL_PARENT="$RUNDIR/collections"
COLL="$COLL_PARENT/ansible_collections/fleetops/cloud"
mkdir -p "$COLL_PARENT/ansible_collections/fleetops"
ln -sfn "$ROOT" "$COLL"
export ANSIBLE_COLLECTIONS_PATH="$COLL_PARENT:$VENV/collections"
"$VENV/bin/python" "$ROOT/tools/emulator_ctl.py" start "$RUNDIR/emulator" --speed "${EMULATOR_SPEED:-50}" >/dev/null
eval "$("$VENV/bin/python" "$ROOT/tools/emulator_ctl.py" env "$RUNDIR/emulator")"
export ANSIBLE_PIPELINING=true
# Async job results (the roles' long waits) under one absolute directory, whatever HOME is (docs/troubleshooting.md).
export ANSIBLE_ASYNC_DIR=${ANSIBLE_ASYNC_DIR:-$HOME/.ansible_async}

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

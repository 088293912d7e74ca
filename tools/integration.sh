#!/usr/bin/env bash
# Run ansible-test integration targets against a fresh emulator.
#   tools/integration.sh [target ...]      (no target: all of them, in INTEGRATION_JOBS parallel shards)
# Each shard works on its own copy of the collection with its own emulator, so its integration_config.yml
# cannot be overwritten by another run in the same checkout.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=${VENV:-$ROOT/.venv}
[ -x "$VENV/bin/ansible-test" ] || { echo "no $VENV/bin/ansible-test: run make setup" >&2; exit 1; }
JOBS=${INTEGRATION_JOBS:-2}
TMP=${TMPDIR:-/tmp}
PYVER=$("$VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')

run_shard() {  # run_shard LOGFILE target...
  local log=$1; shift
  local rundir coll
  rundir=$(mktemp -d "$TMP/fleetops-integration.XXXXXX")
  coll="$rundir/ansible_collections/fleetops/cloud"
  mkdir -p "$coll"
  (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$coll" 2>/dev/null || true)
  "$VENV/bin/python" "$ROOT/tools/emulator_ctl.py" start "$rundir/emulator" --speed "${EMULATOR_SPEED:-20}" --profile "${EMULATOR_PROFILE:-default}" >/dev/null
  "$VENV/bin/python" "$ROOT/tools/emulator_ctl.py" integration-config "$rundir/emulator" "$coll/tests/integration/integration_config.yml"
  local rc=0
  # ansible-test runs with the checkout's own HOME (tools/private_home.sh), never the user's.
  (export VENV; cd "$coll" && ANSIBLE_TEST_CONTENT_ROOT="$coll" PATH="$VENV/bin:$PATH" \
     "$ROOT/tools/private_home.sh" ansible-test integration --python "$PYVER" --color no --continue-on-error "$@") \
    > "$log" 2>&1 || rc=$?
  "$VENV/bin/python" "$ROOT/tools/emulator_ctl.py" stop "$rundir/emulator"
  rm -rf "$rundir"
  return $rc
}

if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cd "$ROOT/tests/integration/targets" && for t in *; do
    grep -qx hidden "$t/aliases" 2>/dev/null || echo "$t"; done)
fi
[ "${#targets[@]}" -lt "$JOBS" ] && JOBS=${#targets[@]}

logdir=$(mktemp -d "$TMP/fleetops-integration-logs.XXXXXX")
pids=()
for ((i = 0; i < JOBS; i++)); do
  shard=()
  for ((j = i; j < ${#targets[@]}; j += JOBS)); do shard+=("${targets[$j]}"); done
  run_shard "$logdir/shard$i.log" "${shard[@]}" &
  pids+=($!)
done
status=0
for ((i = 0; i < JOBS; i++)); do
  wait "${pids[$i]}" || status=1
  cat "$logdir/shard$i.log"
done
for ((i = 0; i < JOBS; i++)); do
  grep -h -E "^(Running .* integration test role|FATAL|ERROR)" "$logdir/shard$i.log" || true
done
rm -rf "$logdir"
echo "integration: ${#targets[@]} targets in $JOBS shards, $([ $status -eq 0 ] && echo passed || echo FAILED)"
exit $status

#!/usr/bin/env bash
# Run ansible-test integration targets against a fresh emulator.
#   tools/integration.sh [target ...]      (no target: all of them)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=${VENV:-$ROOT/.venv}
[ -x "$VENV/bin/ansible-test" ] || VENV=/tmp/trial/venv
COLL_PARENT=${COLL_PARENT:-/tmp/fleetops-dev}
COLL="$COLL_PARENT/ansible_collections/fleetops/cloud"
mkdir -p "$COLL_PARENT/ansible_collections/fleetops"
[ -e "$COLL" ] || ln -sfn "$ROOT" "$COLL"
RUNDIR=$(mktemp -d /tmp/fleetops-integration.XXXXXX)
cleanup() { "$VENV/bin/python" "$ROOT/tools/emulator_ctl.py" stop "$RUNDIR"; rm -rf "$RUNDIR"; }
trap cleanup EXIT
"$VENV/bin/python" "$ROOT/tools/emulator_ctl.py" start "$RUNDIR" --speed "${EMULATOR_SPEED:-20}" >/dev/null
"$VENV/bin/python" "$ROOT/tools/emulator_ctl.py" integration-config "$RUNDIR" "$ROOT/tests/integration/integration_config.yml"
cd "$COLL"
export ANSIBLE_TEST_CONTENT_ROOT="$COLL"
export PATH="$VENV/bin:$PATH"
ansible-test integration --python 3.11 --color no --continue-on-error "$@"

#!/usr/bin/env bash
# `make demo`: run the fleet / cluster / stack / WDL demo against a local emulator, twice, and stop it.
#   tools/demo.sh                 (FLEETOPS_DEMO_BUILD=1 installs a built tarball instead of using the checkout)
# Everything runs on 127.0.0.1; nothing needs a cloud account.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=${VENV:-$ROOT/.venv}
[ -x "$VENV/bin/ansible-playbook" ] || VENV=/tmp/trial/venv
export PATH="$VENV/bin:$PATH"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/fleetops-demo.XXXXXX")
RUNDIR="$WORK/emulator"
cleanup() {
  "$VENV/bin/python" "$ROOT/tools/emulator_ctl.py" stop "$RUNDIR" || true
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
say() { printf '\n=== %s\n' "$*"; }
started=$(date +%s)

# 1. The collection, where ansible-playbook finds it.
if [ "${FLEETOPS_DEMO_BUILD:-0}" = 1 ]; then
  say "Building the collection and installing it into $WORK/collections"
  export ANSIBLE_COLLECTIONS_PATH="$WORK/collections"
  ansible-galaxy collection build --force --output-path "$WORK/build" "$ROOT" >/dev/null
  ansible-galaxy collection install --offline --force -p "$WORK/collections" "$WORK"/build/fleetops-cloud-*.tar.gz >/dev/null
else
  COLL_PARENT=${COLL_PARENT:-/tmp/fleetops-dev}
  mkdir -p "$COLL_PARENT/ansible_collections/fleetops"
  [ -e "$COLL_PARENT/ansible_collections/fleetops/cloud" ] || ln -sfn "$ROOT" "$COLL_PARENT/ansible_collections/fleetops/cloud"
  export ANSIBLE_COLLECTIONS_PATH="$COLL_PARENT"
  say "Using the collection from the checkout through $COLL_PARENT"
fi

# 2. The emulator (fast: asynchronous steps run ${EMULATOR_SPEED:-50} times faster than real time).
say "Starting the cloud emulator (IAM, UCS, BCE, Heat and the member clusters' Kubernetes APIs) on 127.0.0.1"
"$VENV/bin/python" "$ROOT/tools/emulator_ctl.py" start "$RUNDIR" --speed "${EMULATOR_SPEED:-50}" >/dev/null
eval "$("$VENV/bin/python" "$ROOT/tools/emulator_ctl.py" env "$RUNDIR")"
export FLEETOPS_DEMO_DIR="$WORK/files"
echo "emulator at $FLEETOPS_EMULATOR_BASE; demo files in $FLEETOPS_DEMO_DIR"

export ANSIBLE_DISPLAY_SKIPPED_HOSTS=false ANSIBLE_PIPELINING=true ANSIBLE_NOCOLOR=${ANSIBLE_NOCOLOR:-1}
INVENTORY="$ROOT/playbooks/inventories/demo/hosts.yml"
# The emulator's request log (a test hook, no auth): position now, and calls / writes since a position.
log_position() {
  "$VENV/bin/python" -c 'import json, os, urllib.request
base = os.environ["FLEETOPS_EMULATOR_BASE"]
print(json.load(urllib.request.urlopen(base + "/_emulator/requests?since=1000000000", timeout=30))["next"])'
}
count_calls() {
  "$VENV/bin/python" -c 'import json, os, sys, urllib.request
base = os.environ["FLEETOPS_EMULATOR_BASE"]
log = json.load(urllib.request.urlopen(base + "/_emulator/requests?since=" + sys.argv[1], timeout=30))["requests"]
print(len(log), sum(1 for r in log if r["write"]))' "$1"
}

say "First run: policies and a fleet, federation and its kubeconfig, three clusters registered in parallel"
echo "(one CCE import, two attached clusters whose agent is applied with kubernetes.core.k8s), a Heat stack, a WDL run"
t0=$(date +%s)
ansible-playbook fleetops.cloud.demo -i "$INVENTORY" --forks 10 | tee "$WORK/run1.log"
t1=$(date +%s)

say "Second run: the same playbooks again; nothing should change"
pos=$(log_position)
ansible-playbook fleetops.cloud.demo -i "$INVENTORY" --forks 10 | tee "$WORK/run2.log"
t2=$(date +%s)
read -r calls writes <<<"$(count_calls "$pos")"

say "What happened"
echo "First run:  $((t1 - t0)) s. It created 2 policies, the fleet demo-fleet (federated, kubeconfig downloaded),"
echo "            registered cce-prod-01 (CCE import), edge-sh-1 and edge-bj-1 (attached, agent applied),"
echo "            deployed the stack demo-web and ran the WDL execution demo-hello on the pool demo-cromwell."
echo "Second run: $((t2 - t1)) s, $calls API calls of which $writes writes."
recap=$(sed -n '/^PLAY RECAP/,$p' "$WORK/run2.log")
echo "$recap"
status=0
if echo "$recap" | grep -E 'changed=[1-9]|failed=[1-9]|unreachable=[1-9]' >/dev/null; then
  echo "FAIL: the second run changed something or failed"; status=1
elif [ "$writes" != 0 ]; then
  echo "FAIL: the second run made $writes write calls"; status=1
else
  echo "OK: the second run reported changed=0 on every host and made no write call."
fi
echo "Total: $(( $(date +%s) - started )) s; stopping the emulator."
exit $status

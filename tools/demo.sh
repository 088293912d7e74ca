#!/usr/bin/env bash
# `make demo`: run the fleet / cluster / stack / WDL demo against a local emulator, twice, and stop it.
#   tools/demo.sh                 (FLEETOPS_DEMO_BUILD=1 installs a built tarball instead of using the checkout)
# Everything runs on 127.0.0.1; nothing needs a cloud account.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=${VENV:-$ROOT/.venv}
[ -x "$VENV/bin/ansible-playbook" ] || { echo "no $VENV/bin/ansible-playbook: run make setup-demo" >&2; exit 1; }
export PATH="$VENV/bin:$PATH"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/fleetops-demo.XXXXXX")
RUNDIR="$WORK/emulator"
# shellcheck disable=SC2329  # run by the trap below
cleanup() {
  "$VENV/bin/python" "$ROOT/tools/emulator_ctl.py" stop "$RUNDIR" || true
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
say() { printf '\n=== %s\n' "$*"; }
started=$(date +%s)

# 1. The collection, where ansible-playbook finds it; kubernetes.core (for the attached clusters' agent) from the
#    virtualenv (tools/get_kubernetes_core.sh, or the `ansible` package that make test installs).
if [ "${FLEETOPS_DEMO_BUILD:-0}" = 1 ]; then
  say "Building the collection and installing it into $WORK/collections"
  ansible-galaxy collection build --force --output-path "$WORK/build" "$ROOT" >/dev/null
  # --no-deps: kubernetes.core (galaxy.yml dependencies) is already on the path below, and Galaxy may be out of reach.
  ansible-galaxy collection install --offline --no-deps --force -p "$WORK/collections" "$WORK"/build/fleetops-cloud-*.tar.gz >/dev/null
  export ANSIBLE_COLLECTIONS_PATH="$WORK/collections:$VENV/collections"
else
  COLL_PARENT="$WORK/checkout"
  mkdir -p "$COLL_PARENT/ansible_collections/fleetops"
  ln -sfn "$ROOT" "$COLL_PARENT/ansible_collections/fleetops/cloud"
  export ANSIBLE_COLLECTIONS_PATH="$COLL_PARENT:$VENV/collections"
  say "Using the collection from the checkout (linked from $COLL_PARENT)"
fi

# 2. The emulator (fast: asynchronous steps run ${EMULATOR_SPEED:-50} times faster than real time).
say "Starting the cloud emulator (IAM, UCS, BCE, Heat and the member clusters' Kubernetes APIs) on 127.0.0.1"
"$VENV/bin/python" "$ROOT/tools/emulator_ctl.py" start "$RUNDIR" --speed "${EMULATOR_SPEED:-50}" >/dev/null
eval "$("$VENV/bin/python" "$ROOT/tools/emulator_ctl.py" env "$RUNDIR")"
export FLEETOPS_DEMO_DIR="$WORK/files"
echo "emulator at $FLEETOPS_EMULATOR_BASE; demo files in $FLEETOPS_DEMO_DIR"

# Async job results (the roles' long waits) under one absolute directory, whatever HOME is (docs/troubleshooting.md).
export ANSIBLE_ASYNC_DIR=${ANSIBLE_ASYNC_DIR:-$HOME/.ansible_async}
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
pos1=$(log_position)
t0=$(date +%s)
status=0
ansible-playbook fleetops.cloud.demo -i "$INVENTORY" --forks 10 2>&1 | tee "$WORK/run1.log" || status=$?
t1=$(date +%s)
read -r calls1 writes1 <<<"$(count_calls "$pos1")"
[ "$status" = 0 ] || { echo "FAIL: the first run failed (exit $status)"; exit 1; }
summary1=$(cat "$FLEETOPS_DEMO_DIR/summary.txt")

say "Second run: the same playbooks again; nothing should change"
pos2=$(log_position)
ansible-playbook fleetops.cloud.demo -i "$INVENTORY" --forks 10 2>&1 | tee "$WORK/run2.log" || status=$?
t2=$(date +%s)
read -r calls2 writes2 <<<"$(count_calls "$pos2")"

# Totals of a run from its PLAY RECAP: hosts, and the sum of each counter over the hosts.
recap_totals() {
  sed -n '/^PLAY RECAP/,$p' "$1" | awk '/ : ok=/ { hosts++; for (i = 1; i <= NF; i++) { split($i, kv, "=");
    if (kv[1] ~ /^(ok|changed|failed|unreachable)$/) sum[kv[1]] += kv[2] } }
    END { printf "%d %d %d %d %d\n", hosts, sum["ok"], sum["changed"], sum["failed"], sum["unreachable"] }'
}
read -r hosts1 _ changed1 _ _ <<<"$(recap_totals "$WORK/run1.log")"
read -r hosts2 _ changed2 failed2 unreach2 <<<"$(recap_totals "$WORK/run2.log")"

say "What happened (from this run's results and the emulator's request log)"
echo "First run:  $((t1 - t0)) s, $hosts1 hosts, $changed1 changed tasks, $calls1 API calls of which $writes1 writes."
while IFS= read -r line; do printf '            %s\n' "$line"; done <<<"$summary1"
echo "Second run: $((t2 - t1)) s, $hosts2 hosts, $changed2 changed tasks, $failed2 failed, $unreach2 unreachable;"
echo "            $calls2 API calls of which $writes2 writes."
if [ "$status" != 0 ] || [ "$failed2" != 0 ] || [ "$unreach2" != 0 ]; then
  echo "FAIL: the second run failed"; status=1
elif [ "$changed2" != 0 ]; then
  echo "FAIL: the second run changed $changed2 tasks"; status=1
elif [ "$writes2" != 0 ]; then
  echo "FAIL: the second run made $writes2 write calls"; status=1
else
  echo "OK: the second run reported changed=0 on every host and made no write call."
fi
echo "Total: $(( $(date +%s) - started )) s; stopping the emulator."
exit $status

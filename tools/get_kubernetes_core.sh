#!/usr/bin/env bash
# The kubernetes.core collection (the cluster_registration role applies the UCS agent with kubernetes.core.k8s)
# for `make demo`, without the whole `ansible` package and its 480 MB of other collections.
#   tools/get_kubernetes_core.sh DEST        -> DEST/ansible_collections/kubernetes/core
# Nothing to do when the virtualenv already has it (make test installs `ansible`, which ships it). Otherwise it is
# taken from the wheel of the `ansible` release that matches the installed ansible-core, from PyPI through pip
# (the registry this project's machines reach; with Galaxy access `ansible-galaxy collection install
# kubernetes.core` does the same). Temporary files stay under $TMPDIR.
set -euo pipefail
DEST=$1
PY=${VENV:?VENV is the virtualenv}/bin/python
if [ -f "$DEST/ansible_collections/kubernetes/core/MANIFEST.json" ] \
   || "$PY" -c 'import ansible_collections.kubernetes.core' 2>/dev/null; then
  exit 0
fi
# ansible N ships with ansible-core 2.(N+7): 9 with 2.16 ... 12 with 2.19.
major=$("$PY" -c 'from ansible.release import __version__ as v; print(int(v.split(".")[1]) - 7)')
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fleetops-k8s-core.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$PY" -m pip download --quiet --disable-pip-version-check --no-deps "ansible==$major.*" -d "$tmp" 2>/dev/null
"$PY" - "$tmp" "$DEST" <<'PYEOF'
import glob, sys, zipfile
wheel, dest = glob.glob(sys.argv[1] + "/ansible-*.whl")[0], sys.argv[2]
with zipfile.ZipFile(wheel) as archive:
    members = [m for m in archive.namelist() if m.startswith("ansible_collections/kubernetes/core/")]
    archive.extractall(dest, members)
print("kubernetes.core: %d files from %s into %s" % (len(members), wheel.rsplit("/", 1)[1], dest))
PYEOF

#!/usr/bin/env bash
# Run a command (ansible-test) with a HOME of this checkout's own, so that no run depends on what the user's HOME
# holds or races another run over it:
#   tools/private_home.sh COMMAND [ARG...]
# The HOME is $COLL_PARENT/home (under $TMPDIR, one per checkout, kept between runs like ansible-test's own
# caches). It holds what ansible-test reads from HOME: the offline pip bootstrap (tools/get_pip_bootstrap.py)
# under the name ansible-test looks for, and its SSH key pair, made here once under a lock. ansible-test makes
# that key itself when it is missing, and two runs doing so at once (the parallel integration shards) left the
# second asking "Overwrite (y/n)?" on a terminal nobody reads.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=${VENV:-$ROOT/.venv}
STATE=${COLL_PARENT:-${TMPDIR:-/tmp}/fleetops-$(printf '%s' "$ROOT" | md5sum | cut -c1-10)}
home="$STATE/home"
mkdir -p "$home/.ansible/test/cache"
# The pip version ansible-test bootstraps into its virtual environments names the file it looks for.
pip_version=$("$VENV/bin/python" - <<'PYEOF'
import os, re
import ansible_test
source = os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py")
with open(source) as handle:
    match = re.search(r"\bpip='([0-9.]+)'", handle.read())
print(match.group(1) if match else "24.2")
PYEOF
)
# Copied aside and renamed into place: parallel shards each write it, and a plain cp into a name another shard
# has just created fails with "File exists".
bootstrap="$home/.ansible/test/cache/get_pip_${pip_version//./_}.py"
staged=$(mktemp "$bootstrap.XXXXXX")
cp "$ROOT/tools/get_pip_bootstrap.py" "$staged"
chmod 0644 "$staged"
mv -f "$staged" "$bootstrap"
key="$home/.ansible/test/id_rsa"
if command -v ssh-keygen >/dev/null; then
  (
    flock 9
    if [ ! -f "$key" ] || [ ! -f "$key.pub" ]; then
      rm -f "$key" "$key.pub"
      ssh-keygen -m PEM -q -t rsa -N '' -f "$key" </dev/null
      # The header ansible-test writes too (paramiko reads only the RSA form).
      sed -i -E 's/(BEGIN|END) PRIVATE KEY/\1 RSA PRIVATE KEY/' "$key"
    fi
  ) 9>"$home/.ansible/test/key.lock"
fi
# Ansible writes async job results under $HOME but reads them under the account's home (passwd): name one
# absolute directory for both.
HOME="$home" ANSIBLE_ASYNC_DIR="$home/.ansible_async" exec "$@"

#!/usr/bin/env bash
# Print the Python that `make` builds the virtualenv with: the first interpreter on PATH that ansible-core
# (>=2.16,<2.20, requirements-dev.txt) supports on the controller, newest first. `make PYTHON=/path/to/python`
# skips the search. Fails with a message when none is found.
set -euo pipefail
for candidate in python3.13 python3.12 python3.11 python3.10 python3; do
  path=$(command -v "$candidate" 2>/dev/null) || continue
  # The interpreter itself, not a wrapper on PATH (a pyenv shim depends on the environment of each call).
  if real=$("$path" -c 'import sys, venv, ensurepip
if not (3, 10) <= sys.version_info[:2] <= (3, 13):
    sys.exit(1)
print(sys.executable)' 2>/dev/null); then
    echo "$real"
    exit 0
  fi
done
echo "no Python 3.10 to 3.13 with venv and ensurepip on PATH; install one or run make PYTHON=/path/to/python" >&2
exit 1

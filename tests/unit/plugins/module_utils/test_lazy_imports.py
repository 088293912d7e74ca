# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A module loads only what the path it takes needs: the HTTP and TLS libraries when the first call is sent, the
token cache only for user name and password, ``requests`` never. Each case runs in a fresh interpreter (this one
has loaded everything)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import subprocess
import sys

import pytest

MODULES_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))), "plugins", "modules")
PREFIX = "ansible_collections.fleetops.cloud.plugins."
HTTP = ("http.client", "ssl")
WATCHED = ("requests",) + HTTP + (PREFIX + "module_utils.token_cache",)

# Runs a module as Ansible would (argv[1]: the arguments file) and reports, when it exits, which of WATCHED it
# loaded; the module's own JSON result is on stdout.
RUNNER = """
import atexit, runpy, sys
watched = %r
if "--no-requests" in sys.argv:  # as on a host without the library: every import of it fails
    sys.argv.remove("--no-requests")
    sys.modules["requests"] = None
atexit.register(lambda: sys.stderr.write("LOADED=" + ",".join(m for m in watched if m in sys.modules) + "\\n"))
runpy.run_module(sys.argv.pop(1), run_name="__main__")
"""


def _clean_env():
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith(("HW_", "OS_")))
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    return env


def _loaded(stderr):
    lines = [line for line in stderr.splitlines() if line.startswith("LOADED=")]
    assert lines, stderr
    return set(name for name in lines[-1][len("LOADED="):].split(",") if name)


def _run_module(module, args, tmp_path, *flags):
    path = tmp_path / "args.json"
    path.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
    proc = subprocess.run([sys.executable, "-c", RUNNER % (WATCHED,), PREFIX + "modules." + module, str(path)] + list(flags),
                          env=_clean_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                          timeout=120, check=False)
    return json.loads(proc.stdout.strip().splitlines()[-1]), _loaded(proc.stderr)


def test_no_module_imports_the_http_libraries_when_it_loads():
    modules = sorted(name[:-3] for name in os.listdir(MODULES_DIR) if name.endswith(".py") and name != "__init__.py")
    code = ("import sys\nfor name in %r:\n    __import__(%r + name)\n"
            "print(','.join(m for m in %r if m in sys.modules))" % (modules, PREFIX + "modules.", WATCHED))
    proc = subprocess.run([sys.executable, "-c", code], env=_clean_env(), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""


def test_bad_input_fails_before_the_http_libraries_are_loaded(tmp_path):
    result, loaded = _run_module("bce_pool_info", {"name": "a/b", "access_key": "AK", "secret_key": "SK",
                                                   "project_id": "p", "region": "cn-north-4"}, tmp_path)
    assert result.get("failed") is True
    assert "/" in result["msg"]
    assert loaded == set()


@pytest.mark.parametrize("auth, cache_loaded", [
    ({"access_key": "AK", "secret_key": "SK", "project_id": "p"}, False),
    ({"user_name": "u", "password": "pw", "domain_name": "d", "project_name": "cn-north-4"}, True),
])
def test_token_cache_only_on_the_password_path(tmp_path, auth, cache_loaded):
    # Nothing listens on port 9 of the loopback: the first call fails fast, after the HTTP library was loaded.
    args = dict(auth, region="cn-north-4", max_retries=0, api_timeout=2, token_cache_dir=str(tmp_path / "tokens"),
                endpoints={"iam": "http://127.0.0.1:9/v3", "bce": "http://127.0.0.1:9/bce"})
    result, loaded = _run_module("bce_pool_info", args, tmp_path)
    assert result.get("failed") is True
    assert "http.client" in loaded and "requests" not in loaded
    assert (PREFIX + "module_utils.token_cache" in loaded) is cache_loaded


def test_a_host_without_requests_runs_the_modules(tmp_path):
    """The modules use the standard library only: without ``requests`` a call is sent (and here refused)."""
    args = {"access_key": "AK", "secret_key": "SK", "project_id": "p", "region": "cn-north-4", "max_retries": 0,
            "api_timeout": 2, "endpoints": {"bce": "http://127.0.0.1:9/bce"}}
    result, loaded = _run_module("bce_pool_info", args, tmp_path, "--no-requests")
    assert result.get("failed") is True
    assert "was refused" in result["msg"] and "required Python library" not in result["msg"]
    assert "http.client" in loaded

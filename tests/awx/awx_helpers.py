"""Helpers shared by the tests in tests/awx (a module name of its own, so that it never clashes with another
directory's ``conftest``)."""
import os
import subprocess
import sys

import jinja2
import jinja2.sandbox
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
CTL = os.path.join(ROOT, "tools", "emulator_ctl.py")


def tool(name):
    """Path of a command-line tool of the virtualenv that runs the tests."""
    return os.path.join(BIN, name)


def tool_env(extra=None):
    """The environment for the ansible CLIs: the venv first on PATH, no cloud credentials inherited.

    The checkout is not on any search path (no ``PYTHONPATH``, no ``ANSIBLE_COLLECTIONS_PATH`` inherited from
    ``make``), so the CLIs see the installed artifact only when a test points them at it.
    """
    dropped = ("PYTHONPATH", "ANSIBLE_COLLECTIONS_PATH", "ANSIBLE_COLLECTIONS_PATHS", "ANSIBLE_TEST_CONTENT_ROOT")
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith(("HW_", "OS_")) and k not in dropped)
    env["PATH"] = BIN + os.pathsep + env.get("PATH", "")
    env["ANSIBLE_NOCOLOR"] = "1"
    env.update(extra or {})
    return env


def run(cmd, timeout=300, **kwargs):
    """subprocess.run with text output, a time limit and the tool environment."""
    kwargs.setdefault("env", tool_env())
    return subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=timeout, **kwargs)


CREDENTIAL_TYPE = os.path.join(ROOT, "docs", "awx-credential-type.yml")


def load_credential_type():
    """The AWX custom credential type documented in docs/awx.md."""
    with open(CREDENTIAL_TYPE) as handle:
        return yaml.safe_load(handle)


def render_env_injectors(credential_type, inputs):
    """The environment variables AWX injects for a credential with these ``inputs``.

    Like AWX: every ``env`` injector is rendered in a sandboxed Jinja2 environment, and an input the credential
    does not set renders as an empty string.
    """
    sandbox = jinja2.sandbox.ImmutableSandboxedEnvironment(undefined=jinja2.Undefined)
    known = set(field["id"] for field in credential_type["inputs"]["fields"])
    unknown = set(inputs) - known
    assert not unknown, "inputs the credential type does not define: %s" % sorted(unknown)
    env = {}
    for name, template in credential_type["injectors"]["env"].items():
        env[name] = sandbox.from_string(template).render(**inputs)
    return env

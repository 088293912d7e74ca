"""Shared fixtures of the AWX / Automation Hub readiness tests.

The collection is built once per session with ``ansible-galaxy collection build`` (the artifact users install) and
installed into a temporary collections path; the tests use that installed copy, not the checkout, so that what
they check is what ships.
"""
import glob
import json
import os
import subprocess
import sys

import pytest
import yaml

from awx_helpers import CTL, ROOT, run, tool


@pytest.fixture(scope="session")
def galaxy_meta():
    with open(os.path.join(ROOT, "galaxy.yml")) as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="session")
def tarball(tmp_path_factory, galaxy_meta):
    """The collection artifact, built from the checkout."""
    out = str(tmp_path_factory.mktemp("build"))
    result = run([tool("ansible-galaxy"), "collection", "build", ROOT, "--output-path", out, "--force"])
    assert result.returncode == 0, result.stdout + result.stderr
    artifact = "%s-%s-%s.tar.gz" % (galaxy_meta["namespace"], galaxy_meta["name"], galaxy_meta["version"])
    expected = os.path.join(out, artifact)
    assert glob.glob(os.path.join(out, "*.tar.gz")) == [expected]
    return expected


@pytest.fixture(scope="session")
def installed(tmp_path_factory, tarball):
    """A collections path (``<dir>/ansible_collections/fleetops/cloud``) holding the installed tarball."""
    path = str(tmp_path_factory.mktemp("collections"))
    result = run([tool("ansible-galaxy"), "collection", "install", tarball, "-p", path, "--force"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert os.path.isfile(os.path.join(path, "ansible_collections", "fleetops", "cloud", "MANIFEST.json"))
    return path


@pytest.fixture(scope="session")
def module_names():
    """The modules of the collection (plugins/modules)."""
    names = sorted(n[:-3] for n in os.listdir(os.path.join(ROOT, "plugins", "modules"))
                   if n.endswith(".py") and not n.startswith("_"))
    assert names, "plugins/modules holds no module"
    return names


@pytest.fixture(scope="session")
def action_group():
    """The modules of the action group ``fleetops.cloud.cloud`` (meta/runtime.yml)."""
    with open(os.path.join(ROOT, "meta", "runtime.yml")) as handle:
        return yaml.safe_load(handle)["action_groups"]["cloud"]


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    """A fresh emulator (time runs 50 times faster) and its coordinates (``tools/emulator_ctl.py``)."""
    rundir = str(tmp_path_factory.mktemp("emulator"))
    subprocess.run([sys.executable, CTL, "start", rundir, "--speed", "50"], check=True, stdout=subprocess.DEVNULL,
                   timeout=60)
    try:
        with open(os.path.join(rundir, "info.json")) as handle:
            info = json.load(handle)
        info["rundir"] = rundir
        yield info
    finally:
        subprocess.run([sys.executable, CTL, "stop", rundir], check=True, timeout=60)

# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the conformance suite: one fresh emulator per test session.

The suite drives the emulator with clients nobody in this project wrote (the official Huawei Cloud UCS SDK,
openstacksdk, python-heatclient and the openstack.cloud modules), so every assertion here is about the
emulator speaking the documented API, never about this collection's own code.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import shutil
import sys
import tempfile
import time

import pytest
import requests

COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.append(os.path.join(COLLECTION_ROOT, "tests", "emulator"))  # appended: shadows nothing installed

import launcher  # noqa: E402  pylint: disable=wrong-import-position  # tests/emulator/launcher.py

READY_KEYS = ("iam", "ucs", "bce", "orchestration", "project_id", "project_name", "domain_id", "domain_name",
              "user_name", "password", "access_key", "secret_key")
START_TIMEOUT = 15.0
HOOK_TIMEOUT = 10.0


def _no_proxy_for_loopback():
    """Keep any proxy configured in the environment away from the loopback emulator."""
    for name in ("NO_PROXY", "no_proxy"):
        current = os.environ.get(name, "")
        hosts = [h for h in current.split(",") if h]
        for host in ("127.0.0.1", "localhost"):
            if host not in hosts:
                hosts.append(host)
        os.environ[name] = ",".join(hosts)


class Emulator:
    """Coordinates of the running emulator plus small helpers for its ``/_emulator/`` hooks."""

    def __init__(self, info):
        self.info = info
        self.base = info["iam"].rsplit("/iam/v3", 1)[0]
        self.http = requests.Session()

    def __getitem__(self, key):
        return self.info[key]

    def hook(self, method, path, **kwargs):
        kwargs.setdefault("timeout", HOOK_TIMEOUT)
        resp = self.http.request(method, self.base + "/_emulator/" + path.lstrip("/"), **kwargs)
        resp.raise_for_status()
        return resp

    def log_mark(self):
        """The sequence number the next logged request will get (use with ``requests_since``)."""
        return self.hook("GET", "requests", params={"since": 10 ** 9}).json()["next"]

    def requests_since(self, mark):
        """Every logged request with ``seq > mark``, oldest first."""
        return self.hook("GET", "requests", params={"since": mark}).json()["requests"]

    def state(self):
        return self.hook("GET", "state").json()


def wait_until(predicate, timeout, interval=0.05, max_interval=0.5):
    """Poll ``predicate`` until it returns a truthy value or ``timeout`` seconds pass; return the last value."""
    deadline = time.monotonic() + timeout
    value = predicate()
    while not value and time.monotonic() < deadline:
        time.sleep(min(interval, max(0.0, deadline - time.monotonic())))
        interval = min(interval * 1.5, max_interval)
        value = predicate()
    return value


@pytest.fixture(scope="session")
def emulator():
    """Start a fresh emulator (``python tests/emulator --port 0 --speed 20``) and stop it after the session."""
    _no_proxy_for_loopback()
    main = os.path.join(COLLECTION_ROOT, "tests", "emulator")
    if not os.path.exists(os.path.join(main, "__main__.py")):
        pytest.fail("tests/emulator/__main__.py does not exist: the emulator cannot be started")
    workdir = tempfile.mkdtemp(prefix="fleetops-conformance-")
    stderr_path = os.path.join(workdir, "emulator.stderr")
    try:
        with open(stderr_path, "wb") as stderr:
            try:
                proc, info = launcher.start(["--speed", "20"], timeout=START_TIMEOUT, stderr=stderr)
            except launcher.StartError as exc:
                with open(stderr_path, "r", encoding="utf-8", errors="replace") as handle:
                    pytest.fail("%s: %s" % (exc, handle.read()[-2000:]))
        try:
            assert sorted(info) == sorted(READY_KEYS), "the ready line must have exactly %s: %s" % (READY_KEYS, info)
            yield Emulator(info)
        finally:
            launcher.stop(proc)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def poll():
    """``wait_until`` as a fixture (test modules here are not a package, so they cannot import conftest)."""
    return wait_until

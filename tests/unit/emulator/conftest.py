# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures for the emulator tests.

* ``emulator``: one emulator subprocess for the session (``--port 0 --speed 50 --seed 7``); yields its JSON line
  (a dict) plus nothing else.  ``base_url(info)`` gives ``http://127.0.0.1:PORT``.
* ``fresh``: the same emulator, reset (state, log, faults, config) before the test; yields the JSON line.
* ``start_emulator``: a factory ``start_emulator(*flags)`` for tests that need their own process (state file,
  seed, start-up timing); every process it starts is stopped at the end of the test.
* ``api``: an ``Api`` helper bound to ``fresh`` that gets tokens and sends requests; ``make_api(info)`` builds
  one for another process (``start_emulator(...).api()`` too).

Test modules do not import this file (several ``conftest.py`` exist under ``tests/``): they use the fixtures.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import select
import subprocess
import sys
import time

import pytest
import requests

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
EMULATOR_DIR = os.path.join(ROOT, "tests", "emulator")
if EMULATOR_DIR not in sys.path:
    sys.path.insert(0, EMULATOR_DIR)

START_TIMEOUT = 10.0


def base_url(info):
    return info["ucs"][:-len("/ucs")]


class EmulatorProcess(object):
    def __init__(self, args):
        self.started = time.monotonic()
        self.proc = subprocess.Popen([sys.executable, EMULATOR_DIR] + list(args), cwd=ROOT, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        ready, dummy, dummy2 = select.select([self.proc.stdout], [], [], START_TIMEOUT)
        if not ready:
            self.stop()
            raise RuntimeError("the emulator did not print its JSON line within %s s" % START_TIMEOUT)
        self.first_line = self.proc.stdout.readline()
        self.startup_seconds = time.monotonic() - self.started
        if not self.first_line:
            err = self.proc.stderr.read().decode("utf-8", "replace")
            self.stop()
            raise RuntimeError("the emulator exited: %s" % err)
        self.info = json.loads(self.first_line.decode("utf-8"))
        self.base = base_url(self.info)

    def api(self):
        """An ``Api`` helper for this process."""
        return Api(self.info)

    def stop(self, timeout=5.0):
        """SIGTERM, wait; returns the exit code."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout)
        for stream in (self.proc.stdout, self.proc.stderr):
            stream.close()
        return self.proc.returncode


class Api(object):
    """Small helper: tokens (cached per scope) and calls by service."""

    def __init__(self, info, timeout=10):
        self.info = info
        self.base = base_url(info)
        self.timeout = timeout
        self.session = requests.Session()
        self.tokens = {}

    def token_body(self, scope="domain", password=None):
        info = self.info
        body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
            "name": info["user_name"], "password": password or info["password"],
            "domain": {"name": info["domain_name"]}}}}}}
        if scope == "domain":
            body["auth"]["scope"] = {"domain": {"name": info["domain_name"]}}
        elif scope == "project":
            body["auth"]["scope"] = {"project": {"name": info["project_name"], "domain": {"name": info["domain_name"]}}}
        return body

    def token(self, scope="domain"):
        if scope not in self.tokens:
            resp = self.session.post(self.info["iam"] + "/auth/tokens", json=self.token_body(scope), timeout=self.timeout)
            assert resp.status_code == 201, resp.text
            self.tokens[scope] = resp.headers["X-Subject-Token"]
        return self.tokens[scope]

    def call(self, method, service, path, scope="domain", token=None, **kwargs):
        headers = dict(kwargs.pop("headers", {}) or {})
        if token is not False:
            headers["X-Auth-Token"] = token or self.token(scope)
        kwargs.setdefault("timeout", self.timeout)
        return self.session.request(method, "%s/%s%s" % (self.base, service, path), headers=headers, **kwargs)

    def ucs(self, method, path, **kwargs):
        return self.call(method, "ucs", path, **kwargs)

    def hook(self, method, path, **kwargs):
        kwargs.setdefault("timeout", self.timeout)
        return self.session.request(method, "%s/_emulator%s" % (self.base, path), **kwargs)

    def requests_since(self, since=0):
        resp = self.hook("GET", "/requests", params={"since": since})
        assert resp.status_code == 200
        return resp.json()


@pytest.fixture(scope="session")
def _session_emulator():
    proc = EmulatorProcess(["--port", "0", "--speed", "50", "--seed", "7"])
    yield proc
    proc.stop()


@pytest.fixture(scope="session")
def emulator(_session_emulator):
    yield _session_emulator.info


@pytest.fixture
def fresh(_session_emulator):
    base = _session_emulator.base
    for method, path, body in (("PUT", "/faults", {"spec": ""}), ("POST", "/reset", None),
                               ("PUT", "/config", {"token_lifetime": 86400, "speed": 50, "password": "demo-password",
                                                   "quotas": {"ucs.fleets": 50, "ucs.clusters": 50,
                                                              "ucs.policies": 50}})):
        resp = requests.request(method, base + "/_emulator" + path, json=body, timeout=10)
        assert resp.status_code == 200, resp.text
    yield _session_emulator.info


@pytest.fixture
def api(fresh):
    helper = Api(fresh)
    yield helper
    helper.session.close()


@pytest.fixture
def make_api():
    """``make_api(info)`` -> an ``Api`` helper for any emulator JSON line (sessions closed at the end)."""
    made = []

    def make(info):
        helper = Api(info)
        made.append(helper)
        return helper

    yield make
    for helper in made:
        helper.session.close()


@pytest.fixture
def start_emulator():
    started = []

    def start(*flags):
        proc = EmulatorProcess(list(flags))
        started.append(proc)
        return proc

    yield start
    for proc in started:
        proc.stop()

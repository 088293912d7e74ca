# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared pytest fixtures: a real HTTP server (stdlib, 127.0.0.1, free port) that plays IAM and the services.

``fake_cloud`` gives a ``FakeCloud``:

* IAM under ``/iam/v3``: ``POST /auth/tokens`` (password method; 401 on a wrong password; token in
  ``X-Subject-Token``, body with ``expires_at``, ``project``, ``domain`` and a catalog whose orchestration
  endpoint is ``<base>/heat/v1/<project_id>``), ``GET /auth/tokens``, ``GET /auth/domains``, ``GET /projects``;
* scripted routes: ``cloud.script("GET", "/ucs/v1/clusters", reply(200, {...}), RESET, ...)``; each request
  consumes the next step, the last step repeats; unscripted paths answer 404 with a UCS error body;
* ``cloud.requests``: every request received (method, path, query, headers, body, the client's port ``peer``, the
  request line's ``target``: an absolute URL when the request came as to a proxy);
* ``cloud.require_token = True`` makes service routes answer 401 unless ``X-Auth-Token`` is a live token;
  ``cloud.revoke_tokens()`` kills the live ones.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import json
import socket
import struct
import threading
import time

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest

from ansible.module_utils import basic

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19
    patch_module_args = None


@contextlib.contextmanager
def module_args(args):
    """Expose ``args`` to AnsibleModule as a module's task arguments (old and new ansible-core)."""
    if patch_module_args is not None:
        with patch_module_args(args):
            yield
        return
    saved = basic._ANSIBLE_ARGS
    basic._ANSIBLE_ARGS = json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode("utf-8")
    try:
        yield
    finally:
        basic._ANSIBLE_ARGS = saved


PROJECT_ID = "0123456789abcdef0123456789abcdef"
DOMAIN_ID = "d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0"
RESET = "reset"
HANG = "hang"


def reply(status=200, body=None, headers=None):
    """A scripted answer: ``body`` a dict/list (JSON), str (text) or bytes."""
    return {"status": status, "body": body, "headers": dict(headers or {})}


class FakeCloud(object):
    """State of the fake cloud server; see the module docstring."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []
        self.scripts = {}
        self.password = "Corr3ct-Horse"
        self.user_name = "alice"
        self.domain_name = "acme"
        self.project_name = "cn-north-4"
        self.live_tokens = set()
        self.token_count = 0
        self.token_lifetime = 24 * 3600
        self.token_age = 0  # seconds between the token's issued_at and the moment it is handed out
        self.token_delay = 0.0
        self.require_token = False
        self.base = None
        self.server = None
        self.thread = None

    # -- scripting -------------------------------------------------------------------------------------
    def script(self, method, path, *steps):
        """Answer ``method path`` with ``steps`` in order (the last one repeats)."""
        with self.lock:
            self.scripts[(method.upper(), path)] = {"steps": list(steps), "index": 0}

    def revoke_tokens(self):
        """Make every issued token invalid (the next service call with one gets a 401)."""
        with self.lock:
            self.live_tokens.clear()

    def count(self, method=None, path=None):
        """How many requests matched ``method`` and ``path`` (None matches anything)."""
        with self.lock:
            return sum(1 for r in self.requests
                       if (method is None or r["method"] == method) and (path is None or r["path"] == path))

    def next_step(self, method, path):
        with self.lock:
            entry = self.scripts.get((method, path))
            if entry is None:
                return None
            steps = entry["steps"]
            step = steps[min(entry["index"], len(steps) - 1)]
            entry["index"] += 1
            return step

    def token_body(self, token_scope):
        now = time.time()
        expires = time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime(now + self.token_lifetime))
        issued = time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime(now - self.token_age))
        token = {"expires_at": expires, "issued_at": issued, "methods": ["password"],
                 "user": {"name": self.user_name, "id": "u-1", "domain": {"id": DOMAIN_ID, "name": self.domain_name}},
                 "catalog": [
                     {"type": "orchestration", "name": "heat", "endpoints": [
                         {"interface": "internal", "region": self.project_name, "url": "http://internal.invalid/v1/x"},
                         {"interface": "public", "region": "other-region", "url": "http://other.invalid/v1/%(tenant_id)s"},
                         {"interface": "public", "region": self.project_name,
                          "url": self.base + "/heat/v1/%(tenant_id)s"}]},
                     {"type": "identity", "endpoints": [{"interface": "public", "url": self.base + "/iam/v3"}]}]}
        if token_scope == "domain":
            token["domain"] = {"id": DOMAIN_ID, "name": self.domain_name}
        else:
            token["project"] = {"id": PROJECT_ID, "name": self.project_name, "domain": {"id": DOMAIN_ID}}
        return {"token": token}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeCloud/1.0"

    def log_message(self, *args):  # keep pytest output quiet
        pass

    def _read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status, body=None, headers=None):
        headers = dict(headers or {})
        if isinstance(body, (dict, list)):
            data = json.dumps(body).encode("utf-8")
            headers.setdefault("Content-Type", "application/json")
        elif isinstance(body, str):
            data = body.encode("utf-8")
            headers.setdefault("Content-Type", "text/plain; charset=utf-8")
        else:
            data = body or b""
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if data and self.command != "HEAD":
            self.wfile.write(data)

    def _reset(self):
        """Close the connection abruptly (RST) without an answer."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        try:
            self.connection.close()
        except OSError:
            pass

    def _handle(self):
        cloud = self.server.cloud
        parts = urlsplit(self.path)
        body = self._read_body()
        record = {"method": self.command, "path": parts.path, "raw_path": parts.path, "query": parts.query,
                  "headers": dict(self.headers.items()), "body": body, "time": time.time(),
                  "peer": self.client_address[1], "target": self.path}
        with cloud.lock:
            cloud.requests.append(record)
        step = cloud.next_step(self.command, parts.path)
        if step is None and parts.path.startswith("/iam/v3"):
            return self._iam(cloud, parts, body)
        if cloud.require_token and not parts.path.startswith("/iam/"):
            with cloud.lock:
                live = self.headers.get("X-Auth-Token") in cloud.live_tokens
            if not live:
                return self._send(401, {"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information"})
        if step is None:
            return self._send(404, {"error_code": "UCS.01000404", "error_msg": "not found: %s" % parts.path})
        if step == RESET:
            return self._reset()
        if step == HANG:
            time.sleep(2)
            return self._reset()
        if callable(step):
            step = step(self, record)
        return self._send(step["status"], step["body"], step["headers"])

    def _iam(self, cloud, parts, body):
        path = parts.path[len("/iam/v3"):]
        if self.command == "POST" and path == "/auth/tokens":
            try:
                req = json.loads(body.decode("utf-8"))["auth"]
                user = req["identity"]["password"]["user"]
            except (ValueError, KeyError, TypeError):
                return self._send(400, {"error": {"code": 400, "title": "Bad Request", "message": "bad body"}})
            if user.get("password") != cloud.password or user.get("name") != cloud.user_name:
                return self._send(401, {"error": {"code": 401, "title": "Unauthorized",
                                                  "message": "The request you have made requires authentication."}})
            scope = "domain" if "domain" in (req.get("scope") or {}) else "project"
            if cloud.token_delay:
                time.sleep(cloud.token_delay)
            with cloud.lock:
                cloud.token_count += 1
                token = "tok-%d-%s" % (cloud.token_count, scope)
                cloud.live_tokens.add(token)
            return self._send(201, cloud.token_body(scope), {"X-Subject-Token": token})
        if self.command == "GET" and path == "/auth/tokens":
            subject = self.headers.get("X-Subject-Token")
            with cloud.lock:
                live = subject in cloud.live_tokens or subject == "given-token"
            if not live:
                return self._send(404, {"error": {"code": 404, "title": "Not Found", "message": "token not found"}})
            return self._send(200, cloud.token_body("project"))
        if self.command == "GET" and path == "/auth/domains":
            return self._send(200, {"domains": [{"id": DOMAIN_ID, "name": cloud.domain_name}]})
        if self.command == "GET" and path == "/projects":
            name = dict(parse_qsl(parts.query)).get("name")
            projects = [{"id": PROJECT_ID, "name": cloud.project_name}] if name == cloud.project_name else []
            return self._send(200, {"projects": projects})
        return self._send(404, {"error": {"code": 404, "title": "Not Found", "message": "no such IAM call"}})

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


@pytest.fixture
def fake_cloud():
    """A running ``FakeCloud`` on 127.0.0.1 (free port); stopped after the test."""
    cloud = FakeCloud()
    server = _Server(("127.0.0.1", 0), _Handler)
    server.cloud = cloud
    cloud.server = server
    cloud.base = "http://127.0.0.1:%d" % server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    cloud.thread = thread
    try:
        yield cloud
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def dead_port():
    """A localhost port with nothing listening (connections are refused)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


@pytest.fixture(autouse=True)
def _clean_hw_env(monkeypatch, tmp_path):
    """Unit tests never see the caller's HW_* / OS_* variables nor its token cache."""
    import os
    for name in list(os.environ):
        if name.startswith("HW_") or name.startswith("OS_"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))

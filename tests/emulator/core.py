# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Core of the fleetops.cloud cloud emulator.

Routing, authentication (tokens and SDK-HMAC-SHA256 AK/SK), the request log, fault injection, persistence
and the ``/_emulator/`` test hooks.  Service modules (``iam``, ``ucs``, ``bce``, ``heat``, ``k8s``) only
register handlers through :class:`Router`; see ``docs/emulator.md`` for the user view.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy
import datetime
import hashlib
import json
import os
import random
import re
import socket
import struct
import sys
import threading
import time
import traceback
import uuid

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import TCPServer
from urllib.parse import parse_qsl, unquote, urlsplit

import aksk
import faults as faults_mod
import readings

SERVICES = ("iam", "ucs", "bce", "heat", "k8s")
ISO_MS = "%Y-%m-%dT%H:%M:%S.%f"


def iso_utc(ts):
    """Keystone style timestamp: 2026-01-01T00:00:00.000000Z."""
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime(ISO_MS) + "Z"


def stable_hex(*parts):
    """A deterministic 32 hex digit id (the form Huawei uses for project and domain ids)."""
    return hashlib.md5("/".join(parts).encode("utf-8")).hexdigest()  # nosec - an id, not security


# --------------------------------------------------------------------------------------------------- errors


class HttpError(Exception):
    """An HTTP error answer: body is a dict (JSON) or str (text/plain)."""

    def __init__(self, status, body, headers=None):
        super(HttpError, self).__init__("%s %s" % (status, body))
        self.status = status
        self.body = body
        self.headers = headers or {}


def ucs_error(status, code, msg):
    return HttpError(status, {"error_code": code, "error_msg": msg})


def bce_error(status, code, msg):
    return HttpError(status, {"error_code": code, "error_msg": msg, "extend": "", "show_detail": ""})


def heat_error(status, title, msg):
    return HttpError(status, {"error": {"code": status, "title": title, "message": msg}})


def k8s_error(status, reason, msg):
    return HttpError(status, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                              "message": msg, "reason": reason, "code": status})


HEAT_TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
               405: "Method Not Allowed", 409: "Conflict", 413: "Request Entity Too Large",
               429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
               503: "Service Unavailable"}
K8S_REASONS = {400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 405: "MethodNotAllowed",
               409: "AlreadyExists", 429: "TooManyRequests", 500: "InternalError", 502: "InternalError",
               503: "ServiceUnavailable"}


def service_error(service, status, code, msg):
    """An error in the format of ``service``; ``code`` is used by UCS/BCE, Heat/IAM use the HTTP title."""
    if service == "ucs":
        return ucs_error(status, code, msg)
    if service == "bce":
        return bce_error(status, code, msg)
    if service == "k8s":
        return k8s_error(status, K8S_REASONS.get(status, "Unknown"), msg)
    return heat_error(status, HEAT_TITLES.get(status, "Error"), msg)


def auth_error(service, status, msg):
    """401/403 as the gateway in front of each service answers them."""
    code = "APIGW.0301" if status == 401 else "APIGW.0302"
    return service_error(service, status, code, msg)


# --------------------------------------------------------------------------------------------------- headers


class Headers(object):
    """Case-insensitive, read-only view of the request headers (first value wins)."""

    def __init__(self, pairs):
        self._items = list(pairs)
        self._map = {}
        for key, value in self._items:
            self._map.setdefault(key.lower(), value)

    def get(self, name, default=None):
        return self._map.get(name.lower(), default)

    def __getitem__(self, name):
        return self._map[name.lower()]

    def __contains__(self, name):
        return name.lower() in self._map

    def items(self):
        return list(self._items)

    def keys(self):
        return [k for k, dummy in self._items]


# --------------------------------------------------------------------------------------------------- request


class Request(object):
    def __init__(self, method, service, path, params, query, headers, body, state, raw_path="", raw_query=""):
        self.method = method
        self.service = service
        self.path = path
        self.params = params
        self.query = query
        self.headers = headers
        self.body = body
        self.state = state
        self.auth = None
        self.raw_path = raw_path
        self.raw_query = raw_query
        self._json = None
        self._json_done = False

    def q(self, name, default=None):
        values = self.query.get(name)
        if not values:
            return default
        return values[0]

    def json(self):
        if self._json_done:
            return self._json
        if not self.body:
            self._json, self._json_done = None, True
            return None
        try:
            self._json = json.loads(self.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise service_error(self.service, 400, invalid_body_code(self.service),
                                "the request body is not valid JSON: %s" % exc)
        self._json_done = True
        return self._json

    def multipart(self):
        ctype = self.headers.get("Content-Type", "")
        match = re.search(r'boundary="?([^";]+)"?', ctype)
        if not ctype.lower().startswith("multipart/form-data") or not match:
            raise service_error(self.service, 400, invalid_body_code(self.service),
                                "expected a multipart/form-data body")
        return parse_multipart(self.body, match.group(1).encode("latin-1"))


def invalid_body_code(service):
    return {"ucs": "UCS.01000012", "bce": "BCE.00000001"}.get(service, "BadRequest")


def parse_multipart(body, boundary):
    """Parse a multipart/form-data body: {name: {"filename": str|None, "content": bytes}}."""
    parts = {}
    delim = b"--" + boundary
    chunks = body.split(delim)
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break
        if chunk.startswith(b"\r\n"):
            chunk = chunk[2:]
        if chunk.endswith(b"\r\n"):
            chunk = chunk[:-2]
        head, sep, content = chunk.partition(b"\r\n\r\n")
        if not sep:
            continue
        name = filename = None
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, dummy, value = line.partition(":")
            if key.strip().lower() != "content-disposition":
                continue
            for item in value.split(";"):
                pkey, psep, pval = item.strip().partition("=")
                if not psep:
                    continue
                pval = pval.strip()
                if len(pval) >= 2 and pval[0] == pval[-1] == '"':
                    pval = pval[1:-1]
                if pkey.lower() == "name":
                    name = pval
                elif pkey.lower() == "filename":
                    filename = pval
        if name is not None:
            parts[name] = {"filename": filename, "content": content}
    return parts


# --------------------------------------------------------------------------------------------------- state


DEFAULT_QUOTAS = {"ucs.fleets": 50, "ucs.clusters": 50, "ucs.policies": 50}


class State(object):
    """Everything the emulator knows: credentials, service data, tokens, configuration."""

    def __init__(self, identity, base_url="", state_file=None, speed=1.0, token_lifetime=86400, seed=None):
        self.identity = dict(identity)
        self.base_url = base_url
        self.state_file = state_file
        self.lock = threading.RLock()
        self.seed = seed
        self._rng = random.Random(seed) if seed is not None else random.SystemRandom()
        self.config = {"token_lifetime": token_lifetime, "speed": float(speed), "quotas": dict(DEFAULT_QUOTAS),
                       "readings": {}}
        self.data = {}
        self.tokens = {}
        self.load()

    # identity shortcuts
    project_id = property(lambda self: self.identity["project_id"])
    project_name = property(lambda self: self.identity["project_name"])
    domain_id = property(lambda self: self.identity["domain_id"])
    domain_name = property(lambda self: self.identity["domain_name"])
    user_name = property(lambda self: self.identity["user_name"])
    user_id = property(lambda self: self.identity["user_id"])
    access_key = property(lambda self: self.identity["access_key"])
    secret_key = property(lambda self: self.identity["secret_key"])

    @property
    def password(self):
        return self.config.get("password", self.identity["password"])

    @property
    def speed(self):
        return float(self.config.get("speed") or 1.0)

    def now(self):
        return time.time()

    def elapsed(self, since):
        """Seconds since ``since`` (wall time), scaled by the speed factor."""
        return max(0.0, (self.now() - float(since)) * self.speed)

    def reading(self, name):
        """True when the switch ``name`` (see ``readings.py``) plays the alternative reading."""
        if name not in readings.REGISTRY:
            raise KeyError("undeclared reading %r" % name)
        return bool(self.config.get("readings", {}).get(name))

    def quota(self, name, default=None):
        return self.config.get("quotas", {}).get(name, default)

    def new_id(self):
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def random(self):
        return self._rng.random()

    def reset(self):
        self.data = {}
        self.tokens = {}
        self.save()

    # persistence
    def snapshot(self):
        return {"version": 1, "data": self.data, "tokens": self.tokens, "config": self.config}

    def save(self):
        if not self.state_file:
            return
        tmp = "%s.tmp.%d" % (self.state_file, os.getpid())
        with open(tmp, "w") as handle:
            json.dump(self.snapshot(), handle, sort_keys=True)
        os.replace(tmp, self.state_file)

    def load(self):
        if not self.state_file or not os.path.exists(self.state_file):
            return
        with open(self.state_file) as handle:
            saved = json.load(handle)
        self.data = saved.get("data", {})
        self.tokens = saved.get("tokens", {})
        config = dict(saved.get("config", {}))
        # the command line wins for the knobs it sets; quotas and a changed password are kept
        for key in ("speed", "token_lifetime"):
            config.pop(key, None)
        self.config.update(config)


# --------------------------------------------------------------------------------------------------- routing


class Route(object):
    def __init__(self, service, method, pattern, handler, scope):
        self.service = service
        self.method = method.upper()
        self.pattern = pattern
        self.handler = handler
        self.scope = scope
        regex = "^"
        for piece in re.split(r"(\{[^}]+\})", pattern):
            if piece.startswith("{") and piece.endswith("}"):
                name = piece[1:-1]
                if name.endswith(":path"):
                    regex += "(?P<%s>.+)" % name[:-5]
                else:
                    regex += "(?P<%s>[^/]+)" % name
            else:
                regex += re.escape(piece)
        self.regex = re.compile(regex + "/?$" if pattern != "/" else "^/?$")


class Router(object):
    def __init__(self):
        self.routes = []

    def add(self, service, method, pattern, handler, scope="any"):
        if service not in SERVICES:
            raise ValueError("unknown service %s" % service)
        if scope not in ("any", "domain", "project", None):
            raise ValueError("unknown scope %s" % scope)
        self.routes.append(Route(service, method, pattern, handler, scope))

    def match(self, service, method, path):
        """(route, params) or (None, allowed_methods)."""
        allowed = []
        for route in self.routes:
            if route.service != service:
                continue
            found = route.regex.match(path)
            if not found:
                continue
            if route.method == method or (method == "HEAD" and route.method == "GET"):
                return route, dict((k, unquote(v)) for k, v in found.groupdict().items())
            allowed.append(route.method)
        return None, allowed


def split_service(path):
    """Map a raw URL path to (service, path after the prefix).

    ``/iam/...``, ``/ucs/...``, ``/bce/...``, ``/heat/...``, ``/k8s/...`` are the documented prefixes.  The
    official Huawei SDK keeps only the host of an endpoint, so un-prefixed ``/v3...`` is IAM and any other
    un-prefixed path is UCS.
    """
    for service in SERVICES:
        prefix = "/" + service
        if path == prefix or path.startswith(prefix + "/"):
            return service, path[len(prefix):] or "/"
    if path == "/v3" or path.startswith("/v3/"):
        return "iam", path
    return "ucs", path


# --------------------------------------------------------------------------------------------------- emulator


def is_write(method, service, path, query=None):
    """True for a call that may change state: the request log's ``write`` flag, which idempotency tests count."""
    if method in ("GET", "HEAD"):
        return False
    if service == "iam" and method == "POST" and path.rstrip("/") == "/v3/auth/tokens":
        return False
    if service == "heat" and method == "POST" and path.rstrip("/").endswith("/validate"):
        return False
    # Heat's update preview and a Kubernetes server-side dry run change nothing, whatever their verb.
    if service == "heat" and method == "PUT" and path.rstrip("/").endswith("/preview"):
        return False
    if service == "k8s" and "dryRun" in (query or {}):
        return False
    return True


class Emulator(object):
    """Glue between the HTTP server, the router, the state, the log and the faults."""

    def __init__(self, state, router, fault_spec="", verbose=False):
        self.state = state
        self.router = router
        self.verbose = verbose
        self.log_lock = threading.Lock()
        self.log = []
        self.seq = 0
        self.faults = faults_mod.FaultInjector(fault_spec, state.seed)
        state.emulator = self

    def debug(self, msg):
        if self.verbose:
            sys.stderr.write("emulator: %s\n" % msg)
            sys.stderr.flush()

    def record(self, method, service, path, query, status, write, auth_kind, fault, route=None, raw_path=None):
        """One log entry; ``route`` is the pattern of the handler that answered (None: no handler, or a fault that
        answered before it), ``raw_path`` the path as it arrived (still percent-encoded)."""
        with self.log_lock:
            self.seq += 1
            self.log.append({"seq": self.seq, "time": time.time(), "method": method, "service": service,
                             "path": path, "query": query, "status": status, "write": write,
                             "auth": auth_kind, "fault": fault, "route": route, "raw_path": raw_path})
            if len(self.log) > 100000:
                del self.log[:10000]

    # ---- tokens
    def issue_token(self, auth):
        token = "MIIF" + hashlib.sha256(os.urandom(32)).hexdigest() + hashlib.sha256(os.urandom(32)).hexdigest()
        now = float(int(self.state.now()))
        entry = dict(auth)
        entry["issued_at"] = now
        entry["expires_at"] = now + float(self.state.config.get("token_lifetime", 86400))
        for key in [k for k, v in self.state.tokens.items() if v["expires_at"] < now - 3600]:
            del self.state.tokens[key]  # long expired: an unknown token answers the same 401
        self.state.tokens[hashlib.sha256(token.encode("ascii")).hexdigest()] = entry
        return token, entry

    def lookup_token(self, token):
        """The token entry, or None for unknown or expired tokens."""
        if not token:
            return None
        entry = self.state.tokens.get(hashlib.sha256(token.encode("utf-8", "replace")).hexdigest())
        if entry is None or entry["expires_at"] <= self.state.now():
            return None
        return entry

    # ---- authentication
    def authenticate(self, route, req):
        service = route.service
        token = req.headers.get("X-Auth-Token")
        authz = req.headers.get("Authorization", "")
        if token:
            entry = self.lookup_token(token)
            if entry is None:
                raise auth_error(service, 401, "Incorrect IAM authentication information: the token is missing, "
                                 "invalid or expired")
            auth = {"kind": "token", "user": entry["user"], "user_id": entry.get("user_id"),
                    "domain_id": entry["domain_id"], "project_id": entry.get("project_id"), "scope": entry["scope"]}
        elif authz.startswith(aksk.ALGORITHM):
            error = aksk.verify(req.method, req.raw_path, req.raw_query, req.headers, req.body,
                                {self.state.access_key: self.state.secret_key}, self.state.now())
            if error:
                raise auth_error(service, 401, "Incorrect IAM authentication information: %s" % error)
            domain = req.headers.get("X-Domain-Id")
            if domain and domain != self.state.domain_id:
                raise auth_error(service, 403, "The X-Domain-Id header does not name the account of this access key")
            project = req.headers.get("X-Project-Id")
            if project and project != self.state.project_id:
                raise auth_error(service, 403, "The X-Project-Id header names a project this access key cannot use")
            if not project and req.params.get("project_id", req.params.get("tenant_id")) == self.state.project_id:
                project = self.state.project_id
            auth = {"kind": "aksk", "user": self.state.user_name, "user_id": self.state.user_id,
                    "domain_id": self.state.domain_id, "project_id": project or None,
                    "scope": "project" if project else "domain"}
        else:
            raise auth_error(service, 401, "Incorrect IAM authentication information: no X-Auth-Token and no "
                             "signed Authorization header")
        req.auth = auth
        if route.scope == "project" and auth["scope"] != "project":
            raise auth_error(service, 403, "This API needs a project-scoped token (or X-Project-Id with AK/SK)")
        if route.scope == "domain" and auth["kind"] == "token" and auth["scope"] != "domain":
            raise auth_error(service, 403, "This global service needs a domain-scoped token")
        path_project = req.params.get("project_id", req.params.get("tenant_id"))
        if route.scope == "project" and path_project and auth["project_id"] and path_project != auth["project_id"]:
            raise auth_error(service, 403, "The project in the path does not match the authorised project")
        return auth


# --------------------------------------------------------------------------------------------------- hooks

SECRET_KEYS = frozenset(("password", "kubeconfig", "secret_key", "token"))


def redact(value):
    """Replace the values of secret-looking keys (password, kubeconfig, ...) in a JSON document."""
    if isinstance(value, dict):
        return dict((k, "********" if k in SECRET_KEYS and value[k] else redact(value[k])) for k in value)
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


def handle_hook(emulator, method, path, query, body):
    """The ``/_emulator/`` test hooks. Returns (status, body)."""
    state = emulator.state
    sub = path[len("/_emulator"):].rstrip("/") or "/"

    def payload():
        if not body:
            return {}
        try:
            value = json.loads(body.decode("utf-8"))
        except ValueError:
            raise HttpError(400, {"error": "body must be JSON"})
        if not isinstance(value, dict):
            raise HttpError(400, {"error": "body must be a JSON object"})
        return value

    if sub == "/requests" and method == "GET":
        try:
            since = int((query.get("since") or ["0"])[0])
        except ValueError:
            raise HttpError(400, {"error": "since must be an integer"})
        with emulator.log_lock:
            items = [dict(r) for r in emulator.log if r["seq"] > since]
            nxt = emulator.seq
        return 200, {"next": nxt, "requests": items}
    if sub == "/requests" and method == "DELETE":
        with emulator.log_lock:
            emulator.log = []
        return 200, {"cleared": True}
    if sub == "/reset" and method == "POST":
        with state.lock:
            state.reset()
        with emulator.log_lock:
            emulator.log = []
            emulator.seq = 0
        return 200, {"reset": True}
    if sub == "/faults" and method == "GET":
        return 200, {"spec": emulator.faults.spec}
    if sub == "/faults" and method == "PUT":
        spec = payload().get("spec", "")
        try:
            emulator.faults.configure(spec or "")
        except ValueError as exc:
            raise HttpError(400, {"error": str(exc)})
        return 200, {"spec": emulator.faults.spec}
    if sub == "/readings" and method == "GET":
        with state.lock:
            active = state.config.get("readings", {})
            listing = dict((n, dict(meta, on=bool(active.get(n)))) for n, meta in readings.REGISTRY.items())
        return 200, listing
    if sub == "/config" and method == "GET":
        with state.lock:
            shown = dict((k, v) for k, v in state.config.items() if k != "password")
        return 200, shown
    if sub == "/config" and method == "PUT":
        values = payload()
        with state.lock:
            for key, value in values.items():
                if key == "token_lifetime":
                    if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
                        raise HttpError(400, {"error": "token_lifetime must be a positive number"})
                elif key == "speed":
                    if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
                        raise HttpError(400, {"error": "speed must be a positive number"})
                    value = float(value)
                elif key == "password":
                    if not isinstance(value, str) or not value:
                        raise HttpError(400, {"error": "password must be a non-empty string"})
                elif key == "readings":
                    if not isinstance(value, dict) or any(n not in readings.REGISTRY for n in value):
                        raise HttpError(400, {"error": "readings must map declared reading names to booleans",
                                              "known": sorted(readings.REGISTRY)})
                    merged = dict(state.config.get("readings", {}))
                    merged.update(dict((n, bool(v)) for n, v in value.items()))
                    value = merged
                elif key == "quotas":
                    if not isinstance(value, dict):
                        raise HttpError(400, {"error": "quotas must be an object"})
                    merged = dict(state.config.get("quotas", {}))
                    merged.update(value)
                    value = merged
                state.config[key] = value
            state.save()
            shown = dict((k, v) for k, v in state.config.items() if k != "password")
        return 200, shown
    if sub == "/state" and method == "GET":
        with state.lock:
            dump = redact(copy.deepcopy(state.data))
        return 200, dump
    if sub == "/tokens/expire" and method == "POST":
        with state.lock:
            now = state.now()
            count = 0
            for entry in state.tokens.values():
                if entry["expires_at"] > now:
                    entry["expires_at"] = now - 1
                    count += 1
            state.save()
        return 200, {"expired": count}
    raise HttpError(404, {"error": "no such hook: %s %s" % (method, path)})


# --------------------------------------------------------------------------------------------------- HTTP


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fleetops-emulator/1.0"
    timeout = 120  # an idle keep-alive connection is closed after this many seconds
    sys_version = ""
    emulator = None  # set on the subclass built by make_server

    def setup(self):
        BaseHTTPRequestHandler.setup(self)
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass

    def version_string(self):
        return self.server_version

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        self.emulator.debug("%s - %s" % (self.address_string(), format % args))

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            for dummy in range(100000):
                line = self.rfile.readline(65537)
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _drop(self, rst):
        """Close the connection without answering (rst=True sends a TCP reset)."""
        self.close_connection = True
        try:
            if rst:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            else:
                self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        try:
            self.connection.close()
        except OSError:
            pass

    def _send(self, status, body, headers=None, head_only=False):
        headers = dict(headers or {})
        if body is None:
            data = b""
        elif isinstance(body, bytes):
            data = body
            headers.setdefault("Content-Type", "application/octet-stream")
        elif isinstance(body, str):
            data = body.encode("utf-8")
            headers.setdefault("Content-Type", "text/plain; charset=utf-8")
        else:
            data = json.dumps(body).encode("utf-8")
            headers.setdefault("Content-Type", "application/json")
        request_id = uuid.uuid4().hex
        headers.setdefault("X-Request-Id", request_id)
        headers.setdefault("X-Openstack-Request-Id", "req-" + str(uuid.UUID(request_id)))
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, str(value))
        if status not in (204, 304):
            self.send_header("Content-Length", str(len(data)))
        # one write for the status line, headers and body (no Nagle / delayed-ACK stall on keep-alive)
        self._headers_buffer.append(b"\r\n")
        if data and not head_only and status not in (204, 304):
            self._headers_buffer.append(data)
        self.wfile.write(b"".join(self._headers_buffer))
        self._headers_buffer = []

    def _handle(self):
        emulator = self.emulator
        state = emulator.state
        split = urlsplit(self.path)
        raw_path = split.path or "/"
        raw_query = split.query
        method = self.command
        body = self._read_body()
        query = {}
        for key, value in parse_qsl(raw_query, keep_blank_values=True):
            query.setdefault(key, []).append(value)
        path = unquote(raw_path)

        if path == "/_emulator" or path.startswith("/_emulator/"):
            try:
                status, rbody = handle_hook(emulator, method, path, query, body)
            except HttpError as exc:
                status, rbody = exc.status, exc.body
            self._send(status, rbody)
            return

        service, spath = split_service(path)
        write = is_write(method, service, spath, query)
        log = {"auth": None, "fault": None, "status": None}
        pairs = list(self.headers.items())
        req = Request(method, service, spath, {}, query, Headers(pairs), body, state, raw_path, raw_query)
        recorded = False
        try:
            action, status, rbody, headers = self._dispatch(req, write, log)
            # the backend's status: for a fault answered after the request was applied, what the backend said
            log["status"] = log.get("applied_status", status)
            # record before answering, so a client that reads the log right after its call sees it
            emulator.record(method, service, spath, query, log["status"], write, log["auth"], log["fault"],
                            log.get("route"), raw_path)
            recorded = True
            if action == "drop":
                self._drop(rst=False)
            elif action == "reset":
                self._drop(rst=True)
            else:
                self._send(status, rbody, headers, head_only=method == "HEAD")
        finally:
            if not recorded:
                emulator.record(method, service, spath, query, log["status"], write, log["auth"], log["fault"],
                                log.get("route"), raw_path)

    def _dispatch(self, req, write, log):
        """(action, status, body, headers); action is send, drop (lost response) or reset."""
        emulator = self.emulator
        route, params = emulator.router.match(req.service, req.method, req.path)
        if req.headers.get("X-Auth-Token"):
            log["auth"] = "token"
        elif (req.headers.get("Authorization") or "").startswith(aksk.ALGORITHM):
            log["auth"] = "aksk"

        fault = emulator.faults.decide(req.service, req.method, req.path, write)
        applied_status = None
        if fault and fault.kind.startswith(faults_mod.APPLIED_PREFIX):
            # a gateway that forwarded the request, got it applied, and still answers a 5xx
            applied_status = int(fault.kind[len(faults_mod.APPLIED_PREFIX):])
            log["fault"] = fault.kind
        elif fault and fault.kind == "echo":
            log["fault"] = "echo"
            err = faults_mod.echo_error(req.service, req.method, req.raw_path, req.raw_query, req.headers, req.body)
            return "send", err.status, err.body, {}
        elif fault and fault.kind not in ("latency", "lost"):
            log["fault"] = fault.kind
            if fault.kind == "reset":
                return "reset", None, None, None
            status = int(fault.kind)
            headers = {}
            if status == 429:
                headers["Retry-After"] = faults_mod.format_number(emulator.faults.retry_after)
            return "send", status, faults_mod.fault_error(req.service, status).body, headers
        if fault and fault.kind == "latency":
            log["fault"] = "latency"
            time.sleep(emulator.faults.latency)

        if route is None:
            code = {"ucs": "UCS.01000013", "bce": "BCE.00000404"}.get(req.service, "")
            if params:
                err = service_error(req.service, 405, code, "method %s not allowed on %s" % (req.method, req.path))
                return "send", err.status, err.body, {"Allow": ", ".join(sorted(set(params)))}
            err = service_error(req.service, 404, code, "No requested resources found: %s %s" % (req.method, req.path))
            return "send", err.status, err.body, {}
        req.params = params
        log["route"] = route.pattern
        status, rbody, headers = self._call(route, req, write)
        if fault and fault.kind == "lost":
            log["fault"] = "lost"
            return "drop", status, rbody, headers
        if applied_status is not None:
            # the log keeps the backend's status (so a 2xx counts as applied); the client gets the gateway's
            log["applied_status"] = status
            return "send", applied_status, faults_mod.fault_error(req.service, applied_status).body, {}
        return "send", status, rbody, headers

    def _call(self, route, req, write):
        emulator = self.emulator
        state = emulator.state
        try:
            with state.lock:
                if route.scope is not None:
                    emulator.authenticate(route, req)
                result = route.handler(req)
                status = result[0]
                if status < 400 and (write or req.service == "iam" and req.method == "POST"):
                    state.save()
            rbody = result[1] if len(result) > 1 else None
            headers = result[2] if len(result) > 2 else {}
            return status, rbody, headers
        except HttpError as exc:
            return exc.status, exc.body, exc.headers
        except Exception as exc:  # pylint: disable=broad-except
            # an emulator bug: answer 500 in the service format (the traceback is logged with --verbose)
            emulator.debug("handler error for %s %s\n%s" % (req.method, req.path, traceback.format_exc()))
            err = service_error(req.service, 500, "UCS.01000006" if req.service == "ucs" else "BCE.00000500",
                                "emulator internal error: %s" % type(exc).__name__)
            return err.status, err.body, {}

    def _entry(self):
        try:
            self._handle()
        except (ConnectionError, BrokenPipeError, socket.timeout):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _entry


def socketserver_bind(server):
    TCPServer.server_bind(server)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def server_bind(self):
        # HTTPServer.server_bind resolves the host name (socket.getfqdn), which can stall start-up
        socketserver_bind(self)
        self.server_name = "127.0.0.1"
        self.server_port = self.server_address[1]

    def handle_error(self, request, client_address):
        if self.emulator_verbose:
            ThreadingHTTPServer.handle_error(self, request, client_address)


def make_server(emulator, host, port):
    handler = type("BoundHandler", (Handler,), {"emulator": emulator})
    server = Server((host, port), handler)
    server.emulator_verbose = emulator.verbose
    return server

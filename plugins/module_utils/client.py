# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``CloudClient``: endpoints, authentication per service, signing, 401 refresh, response parsing.

    client = CloudClient(params)      # the module's params; no I/O, no validation error here
    resp = client.call("ucs", "GET", "/v1/clusters", query={"limit": -1})
    resp.status, resp.headers, resp.body, resp.request_id
    client.call("bce", "POST", "/v1/{project_id}/executions-extend", files={...}, data={...}, create=True)
    client.project_id, client.domain_id

Services: ``iam``, ``ucs``, ``bce``, ``orchestration``. Paths are relative to the service endpoint (which may
carry a path prefix); ``{project_id}`` in a path is replaced by the resolved project id. The orchestration
endpoint already ends with ``/v1/<project_id>``: pass ``/stacks``, ``/validate``.

Endpoint of a service, first match wins: ``endpoints.<service>`` option, the ``HW_<SERVICE>_ENDPOINT``
environment variable (``HW_IAM_ENDPOINT``, ``HW_UCS_ENDPOINT``, ``HW_BCE_ENDPOINT``,
``HW_ORCHESTRATION_ENDPOINT``), for iam the ``auth_url`` option, then the default derived from ``region``
(orchestration: the token's service catalog).

Raises ``ConfigurationError`` (bad options, before any call), ``ApiError`` (non-2xx), ``OutcomeUnknownError``.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json as jsonlib
import os

from urllib.parse import quote, urlsplit

from ansible_collections.fleetops.cloud.plugins.module_utils.errors import (
    ApiError,
    ConfigurationError,
    OutcomeUnknownError,
)
from ansible_collections.fleetops.cloud.plugins.module_utils.auth import (
    AKSK,
    PASSWORD,
    SERVICES,
    TOKEN,
    TOKEN_SCOPE,
    Credentials,
    PasswordTokens,
    entry_from_token_response,
)
from ansible_collections.fleetops.cloud.plugins.module_utils import signer
from ansible_collections.fleetops.cloud.plugins.module_utils.transport import Transport

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
RERUN = "run the task again (the module compares before it writes)"

ENDPOINT_ENV = {
    "iam": "HW_IAM_ENDPOINT",
    "ucs": "HW_UCS_ENDPOINT",
    "bce": "HW_BCE_ENDPOINT",
    "orchestration": "HW_ORCHESTRATION_ENDPOINT",
}


def normalize_endpoint(url, service=None):
    """Strip trailing slashes; for ``iam`` make sure the URL ends with ``/v3``."""
    url = (url or "").strip().rstrip("/")
    if not url:
        return None
    if "://" not in url:
        raise ConfigurationError("The %s endpoint %r is not a URL (expected https://host[:port][/prefix])." % (service, url))
    if service == "iam" and not url.endswith("/v3"):
        url += "/v3"
    return url


def default_endpoint(service, region):
    """The public endpoint of ``service`` derived from ``region`` (None for orchestration: catalog)."""
    if service == "ucs":
        if region and not region.startswith("cn-"):
            return "https://ucs-intl.myhuaweicloud.com"
        return "https://ucs.myhuaweicloud.com"
    if service == "orchestration":
        return None
    if not region:
        raise ConfigurationError(
            "The %s endpoint cannot be derived: set region (or endpoints.%s / %s)." % (service, service, ENDPOINT_ENV[service]))
    if service == "iam":
        return "https://iam.%s.myhuaweicloud.com/v3" % region
    return "https://%s.%s.myhuaweicloud.com" % (service, region)


def endpoint_from_catalog(catalog, service_type, region=None, project_id=None, interface="public"):
    """The URL of ``service_type`` in a Keystone service catalog (public interface, ``region`` when given)."""
    for service in catalog or []:
        if not isinstance(service, dict) or service.get("type") != service_type:
            continue
        candidates = [e for e in service.get("endpoints") or [] if isinstance(e, dict) and e.get("url")]
        candidates = [e for e in candidates if e.get("interface", interface) == interface]
        if region:
            matching = [e for e in candidates if region in (e.get("region"), e.get("region_id"))]
            candidates = matching
        if candidates:
            url = candidates[0]["url"]
            if project_id:
                for marker in ("$(tenant_id)s", "%(tenant_id)s", "$(project_id)s", "%(project_id)s"):
                    url = url.replace(marker, project_id)
            return url.rstrip("/")
    return None


def _bool(value, default):
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on", "y")


class ApiResponse(object):
    """A 2xx answer: ``status``, ``headers`` (case-insensitive mapping), ``body`` (parsed JSON, str for plain text,
    None when empty), ``request_id``."""

    def __init__(self, status, headers, body, request_id=None):
        self.status = status
        self.headers = headers
        self.body = body
        self.request_id = request_id

    def __repr__(self):
        return "ApiResponse(status=%r, request_id=%r)" % (self.status, self.request_id)


def _pairs(fields):
    if not fields:
        return []
    return list(fields.items()) if isinstance(fields, dict) else list(fields)


def _quoted(name):
    """A form-data name or file name as a quoted string: quotes and line breaks percent-encoded (as browsers do)."""
    text = name.decode("utf-8") if isinstance(name, bytes) else str(name)
    return '"%s"' % text.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def encode_multipart(data=None, files=None):
    """``(body, content type)`` of a multipart/form-data body (RFC 7578).

    ``data``: fields, a dict or ``(name, value)`` pairs. ``files``: parts, a dict or ``(name, part)`` pairs; a part
    is ``(file name or None, content, content type)`` where content is bytes, text or an open binary file. A part
    without a file name is a plain field with its own content type."""
    import uuid  # pylint: disable=import-outside-toplevel
    boundary = uuid.uuid4().hex
    chunks = []
    parts = [(name, (None, value, None)) for name, value in _pairs(data)] + _pairs(files)
    for name, part in parts:
        filename, content, content_type = (tuple(part) + (None, None))[:3] if isinstance(part, (tuple, list)) \
            else (None, part, None)
        if hasattr(content, "read"):
            content = content.read()
        if isinstance(content, str):
            content = content.encode("utf-8")
        elif not isinstance(content, bytes):
            content = str(content).encode("utf-8")
        disposition = "form-data; name=%s" % _quoted(name)
        if filename is not None:
            disposition += "; filename=%s" % _quoted(filename)
        head = "--%s\r\nContent-Disposition: %s\r\n" % (boundary, disposition)
        if content_type:
            head += "Content-Type: %s\r\n" % content_type
        chunks.extend([head.encode("utf-8"), b"\r\n", content, b"\r\n"])
    chunks.append(("--%s--\r\n" % boundary).encode("ascii"))
    return b"".join(chunks), "multipart/form-data; boundary=%s" % boundary


def parse_body(content, content_type=None):
    """Parse response bytes: JSON when it is JSON, else the text; None when empty."""
    if content is None:
        return None
    if isinstance(content, bytes):
        text = content.decode("utf-8", "replace")
    else:
        text = content
    if not text.strip():
        return None
    stripped = text.strip()
    if "json" in (content_type or "").lower() or stripped[:1] in ("{", "[", '"'):
        try:
            return jsonlib.loads(stripped)
        except ValueError:
            return text
    return text


class CloudClient(object):
    """The one HTTP client of the collection (see the module docstring).

    ``params``: the module params (auth options included). ``transport``: an optional ``Transport`` to use.
    ``transport_options``: keyword arguments for ``Transport`` (``backoff_base``, ``backoff_cap``,
    ``retry_budget``, ``sleep``), used by tests to keep backoffs tiny.
    Constructing a client never does I/O nor raises on bad options: the first call (or property) does.
    """

    def __init__(self, params, transport=None, **transport_options):
        self.params = dict(params or {})
        self.creds = Credentials(self.params)
        self._transport = transport
        self._transport_options = transport_options
        self._endpoints = {}
        self._project_id = self.creds.project_id
        self._domain_id = self.creds.domain_id
        self._token_info = None
        self._tokens = None
        self._cache = None
        # Writes of this client (one module run): sent (reached the server), applied (2xx) and of unknown outcome.
        self.writes_sent = 0
        self.writes_applied = 0
        self.writes_unknown = 0
        # Warnings for the user (plain http, TLS verification off, token cache), each given once: pop_warnings().
        self._warnings = []
        self._warned = set()

    # -- warnings and secrets --------------------------------------------------------------------------
    def warn(self, text):
        """Queue a warning for the module (shown once per run)."""
        if text not in self._warned:
            self._warned.add(text)
            self._warnings.append(text)

    def pop_warnings(self):
        """The warnings queued since the last call (the token cache's included)."""
        if self._cache is not None:
            for text in self._cache.pop_warnings():
                self.warn(text)
        out, self._warnings = self._warnings, []
        return out

    def secrets(self):
        """The secret values this client holds: the secret options and every token it issued or read from the
        cache (so that an API that echoes a request cannot make one appear in a message)."""
        found = list(self.creds.secrets())
        if self._tokens is not None:
            found.extend(entry.get("token") for entry in self._tokens.memory.values() if isinstance(entry, dict))
        if self._token_info:
            found.append(self._token_info.get("token"))
        return [value for value in found if isinstance(value, str) and value]

    # -- configuration -------------------------------------------------------------------------------
    @property
    def transport(self):
        """The ``Transport`` (one pool of connections), created on first use."""
        if self._transport is None:
            ca_path = self.params.get("ca_path")
            verify = ca_path if ca_path else _bool(self.params.get("validate_certs"), True)
            if ca_path and not os.path.exists(os.path.expanduser(ca_path)):
                raise ConfigurationError("ca_path %s does not exist." % ca_path)
            if isinstance(verify, str):
                verify = os.path.expanduser(verify)
            timeout = self.params.get("api_timeout")
            retries = self.params.get("max_retries")
            if timeout is not None and (not isinstance(timeout, (int, float)) or timeout <= 0):
                raise ConfigurationError("api_timeout must be a positive number of seconds.")
            if retries is not None and (not isinstance(retries, int) or retries < 0):
                raise ConfigurationError("max_retries must be a number >= 0.")
            if verify is False:
                self.warn("validate_certs is false: the TLS certificates of the endpoints are not verified, so "
                          "anyone on the network path can impersonate them and read the credentials. Give the CA "
                          "bundle of the endpoints with ca_path (HW_CA_PATH) instead.")
            self._transport = Transport(timeout=timeout if timeout is not None else 60,
                                        max_retries=retries if retries is not None else 5,
                                        verify=verify, **self._transport_options)
        return self._transport

    @property
    def cache(self):
        """The on-disk ``TokenCache`` (disabled when ``token_cache`` is false)."""
        if self._cache is None:
            # Imported here: only the password path (and the token cache options) need it.
            from ansible_collections.fleetops.cloud.plugins.module_utils.token_cache import DEFAULT_DIR, TokenCache
            self._cache = TokenCache(self.params.get("token_cache_dir") or os.environ.get("HW_TOKEN_CACHE_DIR") or DEFAULT_DIR,
                                     enabled=_bool(self.params.get("token_cache"), True))
        return self._cache

    @property
    def region(self):
        """The ``region`` option (None when unset)."""
        return self.creds.region

    def validate(self):
        """Check the credential options (raises ``ConfigurationError``); no I/O."""
        self.creds.validate()

    def auth_method(self, service):
        """The auth method a service will use: ``aksk``, ``token`` or ``password`` (see auth.py for precedence)."""
        self._check_service(service)
        if service == "iam":
            self.creds.validate()
            if self.creds.has_aksk:
                return AKSK
            return TOKEN if self.creds.token else PASSWORD
        return self.creds.method_for(service)

    @staticmethod
    def _check_service(service):
        if service not in SERVICES:
            raise ConfigurationError("Unknown service %r (expected one of %s)." % (service, ", ".join(SERVICES)))

    def endpoint(self, service):
        """The base URL of ``service`` (no trailing slash; iam ends with ``/v3``)."""
        self._check_service(service)
        if service in self._endpoints:
            return self._endpoints[service]
        overrides = self.params.get("endpoints") or {}
        if not isinstance(overrides, dict):
            raise ConfigurationError("endpoints must be a dict with the keys iam, ucs, bce, orchestration.")
        unknown = sorted(set(overrides) - set(SERVICES))
        if unknown:
            raise ConfigurationError("Unknown key(s) in endpoints: %s (expected iam, ucs, bce, orchestration)."
                                     % ", ".join(unknown))
        url = overrides.get(service) or os.environ.get(ENDPOINT_ENV[service])
        if not url and service == "iam":
            url = self.params.get("auth_url")
        if not url and service == "orchestration":
            url = self._orchestration_from_catalog()
        if not url:
            url = default_endpoint(service, self.region)
        url = normalize_endpoint(url, service)
        if url.lower().startswith("http://"):
            self.warn("The %s endpoint %s is plain http: credentials (tokens, passwords, signed requests) travel "
                      "unencrypted. Use an https:// endpoint unless it is a local emulator." % (service, url))
        self._endpoints[service] = url
        return url

    def _orchestration_from_catalog(self):
        method = self.auth_method("orchestration")
        if method == PASSWORD:
            info = self._password_entry("orchestration")
        else:
            info = self._given_token_info()
        url = endpoint_from_catalog(info.get("catalog"), "orchestration", self.region,
                                    info.get("project_id") or self._project_id)
        if not url:
            raise ConfigurationError(
                "The token's service catalog has no public orchestration endpoint%s: set endpoints.orchestration "
                "(or HW_ORCHESTRATION_ENDPOINT)." % (" in region %s" % self.region if self.region else ""))
        return url

    # -- tokens ----------------------------------------------------------------------------------------
    @property
    def tokens(self):
        """The ``PasswordTokens`` helper (password tokens per scope, cached on disk)."""
        if self._tokens is None:
            self._tokens = PasswordTokens(self.creds, self.cache, self.endpoint("iam"), self._issue_token)
        return self._tokens

    def _project_scope(self, service):
        """``(project_id, project_name)`` a project-scoped token is asked for (the options, not the resolved id).

        Huawei IAM names a region's project after the region, so BCE falls back to the region. Keystone (the
        orchestration service) does not: without project_id or project_name it gets no scope and Keystone uses the
        user's default project, ``(None, None)``.
        """
        if service == "orchestration":
            return self.creds.project_id, self.creds.project_name
        project_name = self.creds.project_name or self.region
        if not self.creds.project_id and not project_name:
            raise ConfigurationError(
                "A project-scoped token needs project_id, project_name or region.")
        return self.creds.project_id, project_name

    def _password_entry(self, service):
        if TOKEN_SCOPE[service] == "domain":
            return self.tokens.get("domain")
        project_id, project_name = self._project_scope(service)
        return self.tokens.get("project", project_id, None if project_id else project_name)

    def _invalidate_password_entry(self, service):
        if TOKEN_SCOPE[service] == "domain":
            self.tokens.invalidate("domain")
        else:
            project_id, project_name = self._project_scope(service)
            self.tokens.invalidate("project", project_id, None if project_id else project_name)

    def _issue_token(self, body):
        """POST the password body to ``{iam}/auth/tokens``; returns ``(token, response body)``."""
        url = self.endpoint("iam") + "/auth/tokens"
        payload = jsonlib.dumps(body).encode("utf-8")
        headers = {"Content-Type": "application/json"}
        response = self.transport.send("POST", lambda attempt: (url, headers, payload), create=False, safe_url=url)
        parsed = parse_body(response.content, response.headers.get("Content-Type"))
        if response.status_code in (401, 403):
            error = ApiError.from_response(response.status_code, response.headers, parsed, "POST", url)
            error.message = ("IAM rejected the password credentials (user_name %s, domain %s)%s"
                             % (self.creds.user_name, self.creds.domain_name or self.creds.domain_id,
                                ": %s" % error.message if error.message else ""))
            error.hint = "Check user_name, password and domain_name/domain_id; the token request is not retried."
            error.args = (error.describe(),)
            raise error
        if not 200 <= response.status_code < 300:
            raise ApiError.from_response(response.status_code, response.headers, parsed, "POST", url)
        token = response.headers.get("X-Subject-Token")
        if not token:
            raise ApiError(status=response.status_code, method="POST", url=url,
                           message="IAM answered without an X-Subject-Token header")
        return token, parsed

    def _given_token_info(self):
        """Details of the ``token`` option (project, domain, catalog) from ``GET {iam}/auth/tokens``, once."""
        if self._token_info is None:
            url = self.endpoint("iam") + "/auth/tokens"
            headers = {"Content-Type": "application/json", "X-Auth-Token": self.creds.token,
                       "X-Subject-Token": self.creds.token}
            response = self.transport.send("GET", lambda attempt: (url, headers, None), safe_url=url)
            parsed = parse_body(response.content, response.headers.get("Content-Type"))
            if not 200 <= response.status_code < 300:
                raise ApiError.from_response(response.status_code, response.headers, parsed, "GET", url)
            self._token_info = entry_from_token_response(self.creds.token, parsed)
        return self._token_info

    # -- ids -------------------------------------------------------------------------------------------
    @property
    def project_id(self):
        """The project id: the ``project_id`` option, else from the project-scoped token, else an IAM lookup."""
        return self.project_id_for("bce")

    def project_id_for(self, service):
        """The project id as resolved with the credentials ``service`` uses."""
        if self._project_id:
            return self._project_id
        method = self.auth_method(service)
        if method == PASSWORD:
            entry = self._password_entry("orchestration" if service == "orchestration" else "bce")
            project_id = entry.get("project_id")
        elif method == TOKEN:
            project_id = self._given_token_info().get("project_id")
            if not project_id:
                project_id = self._lookup_project(TOKEN)
        else:
            project_id = self._lookup_project(AKSK)
        if not project_id:
            raise ConfigurationError("The project id could not be resolved: set project_id.")
        self._project_id = project_id
        return project_id

    def _lookup_project(self, method):
        name = self.creds.project_name or self.region
        if not name:
            raise ConfigurationError("The project id cannot be resolved: set project_id, project_name or region.")
        body = self._iam_get("/projects", {"name": name}, method).body or {}
        projects = body.get("projects") if isinstance(body, dict) else None
        if not projects:
            raise ConfigurationError("IAM knows no project named %s: set project_id or project_name." % name)
        return projects[0].get("id")

    @property
    def domain_id(self):
        """The account (domain) id: the ``domain_id`` option, else from the token, else ``GET {iam}/auth/domains``."""
        if self._domain_id:
            return self._domain_id
        method = self.auth_method("ucs")
        if method == PASSWORD:
            domain_id = self._password_entry("ucs").get("domain_id")
        elif method == TOKEN:
            domain_id = self._given_token_info().get("domain_id")
        else:
            body = self._iam_get("/auth/domains", None, AKSK).body or {}
            domains = body.get("domains") if isinstance(body, dict) else None
            domain_id = domains[0].get("id") if domains else None
        if not domain_id:
            raise ConfigurationError("The domain (account) id could not be resolved: set domain_id.")
        self._domain_id = domain_id
        return domain_id

    def _iam_get(self, path, query, method):
        headers = {}
        if method == TOKEN:
            headers["X-Auth-Token"] = self.creds.token
        return self._request("iam", AKSK if method == AKSK else None, "GET", path, query, None, headers, False)

    # -- calls -----------------------------------------------------------------------------------------
    def call(self, service, method, path, query=None, json=None, data=None, files=None, headers=None, create=False,
             read=False):
        """Call ``service`` and return an ``ApiResponse`` for a 2xx answer.

        ``query``: dict or list of pairs (None values dropped, booleans as true/false, list values repeated);
        ``json``: a body serialised as JSON; ``data``/``files``: form or multipart body (as in requests);
        ``headers``: extra headers; ``create=True``: a non-idempotent write, never re-sent once it may have
        reached the server (``OutcomeUnknownError``); ``read=True``: a call with a body that changes nothing (Heat's
        template validation and update preview), retried like a GET and not counted as a write.
        A 401 with a password token drops the cached token, gets a new one and retries once.
        An ``ApiError`` raised here carries an ``outcome_note`` (see ``outcome_note``).
        """
        try:
            return self._call(service, method, path, query, json, data, files, headers, create, read)
        except ApiError as error:
            if error.outcome_note is None:
                error.outcome_note = self.outcome_note(error)
            raise

    def outcome_note(self, error):
        """The sentence saying what is known about the writes of this run when ``error`` ends it.

        ``unknown`` (a write got 500/502/503/504 or lost its connection): it may or may not have been applied;
        ``refused``/``not_sent``: this write was not applied; a read: whether any write was made before.
        None for ``OutcomeUnknownError`` (its message already says so).
        """
        if isinstance(error, OutcomeUnknownError):
            return None
        outcome = error.write_outcome
        if outcome == "unknown":
            what = {"PUT": "update", "PATCH": "update", "DELETE": "deletion"}.get(error.method, "write")
            return "The outcome is unknown: the %s may or may not have been applied; %s." % (what, RERUN)
        earlier = self.writes_applied + self.writes_unknown
        if outcome in ("refused", "not_sent"):
            text = "The write was refused and not applied" if outcome == "refused" else "The write was not sent"
            if earlier:
                return "%s, but earlier writes of this task were (or may have been) applied; %s." % (text, RERUN)
            return "%s: nothing was changed." % text
        if earlier:
            return "Earlier writes of this task were (or may have been) applied; %s." % RERUN
        if self.writes_sent:
            return "Nothing was changed: every write was refused."
        return "Nothing was changed: no write had been sent."

    def _call(self, service, method, path, query, json, data, files, headers, create, read=False):
        self._check_service(service)
        kind = self.auth_method(service)
        if "{project_id}" in path:
            path = path.replace("{project_id}", quote(self.project_id_for(service), safe=""))
        body, content_type = self._encode_body(json, data, files)
        extra = dict(headers or {})
        if content_type and not any(k.lower() == "content-type" for k in extra):
            extra["Content-Type"] = content_type
        if kind == AKSK and body is not None and len(body) > signer.MAX_SIGNED_BODY:
            raise ConfigurationError("The request body is %d bytes; AK/SK signed requests accept at most 12 MB." % len(body))
        if kind == AKSK:
            if service == "ucs":
                extra.setdefault("X-Domain-Id", self.domain_id)
            elif service == "bce":
                extra.setdefault("X-Project-Id", self.project_id_for(service))
            if self.creds.security_token:
                extra["X-Security-Token"] = self.creds.security_token
            return self._request(service, AKSK, method, path, query, body, extra, create, read)
        if kind == TOKEN:
            extra["X-Auth-Token"] = self.creds.token
            return self._request(service, None, method, path, query, body, extra, create, read)
        entry = self._password_entry(service)
        extra["X-Auth-Token"] = entry["token"]
        try:
            return self._request(service, None, method, path, query, body, extra, create, read)
        except ApiError as error:
            if error.status != 401:
                raise
        self._invalidate_password_entry(service)
        extra["X-Auth-Token"] = self._password_entry(service)["token"]
        return self._request(service, None, method, path, query, body, extra, create, read)

    @staticmethod
    def _encode_body(json, data, files):
        if json is not None and (data is not None or files is not None):
            raise ConfigurationError("A request takes either json or data/files, not both.")
        if json is not None:
            return jsonlib.dumps(json).encode("utf-8"), "application/json"
        if files is not None or isinstance(data, (dict, list, tuple)):
            return encode_multipart(data, files)
        if isinstance(data, str):
            return data.encode("utf-8"), None
        if isinstance(data, bytes):
            return data, None
        return None, "application/json"

    def _request(self, service, kind, method, path, query, body, headers, create, read=False):
        """Send one logical request (retries inside the transport) and map the answer."""
        base = self.endpoint(service)
        parts = urlsplit(base)
        full_path = (parts.path.rstrip("/") + "/" + path.lstrip("/")) if path else (parts.path or "/")
        query_string = signer.canonical_query_string(query)
        try:
            sent_path = signer.wire_path(full_path)
        except ValueError:
            # A '.' or '..' segment (literal or encoded) would be resolved by the HTTP stack or the server and
            # reach another resource than the one named: refuse it before anything is sent.
            raise ConfigurationError("Refusing to call %s %s: a path segment is '.' or '..' (an id or name that "
                                     "is not a single path segment)." % (method.upper(), full_path))
        url = "%s://%s%s" % (parts.scheme, parts.netloc, sent_path)
        if query_string:
            url += "?" + query_string
        netloc = parts.netloc.rsplit("@", 1)[-1]
        headers = dict(headers)
        if not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = "application/json"

        def prepare(attempt):
            if kind != AKSK:
                return url, headers, body
            signed, _uri = signer.sign(self.creds.access_key, self.creds.secret_key, method, netloc, full_path,
                                       query, headers, body)
            return url, signed, body

        write = method.upper() in WRITE_METHODS and not read
        try:
            response = self.transport.send(method.upper(), prepare, create=create, read=read)
        except ApiError as error:
            if write:
                self._record_write(error)
            raise
        parsed = parse_body(response.content, response.headers.get("Content-Type"))
        request_id = response.headers.get("X-Request-Id") or response.headers.get("X-Openstack-Request-Id")
        if not 200 <= response.status_code < 300:
            error = ApiError.from_response(response.status_code, response.headers, parsed, method.upper(), url)
            if write:
                self._record_write(error)
            raise error
        if write:
            self.writes_sent += 1
            self.writes_applied += 1
        return ApiResponse(response.status_code, response.headers, parsed, request_id)

    def _record_write(self, error):
        """Count a failed write and set ``error.write_outcome`` from what the transport saw."""
        reached = getattr(self.transport, "last_reached", True) or isinstance(error, OutcomeUnknownError)
        if reached:
            self.writes_sent += 1
        if isinstance(error, OutcomeUnknownError) or getattr(self.transport, "last_maybe_applied", False):
            error.write_outcome = "unknown"
            self.writes_unknown += 1
        else:
            error.write_outcome = "refused" if reached else "not_sent"

    def close(self):
        """Close the HTTP session."""
        if self._transport is not None:
            self._transport.close()

# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP transport on the standard library (``http.client``): pooled keep-alive connections, a timeout on every
call, bounded retries. No third-party library: a module start loads no more than ``ansible.builtin.uri`` does.

Retried: HTTP 429, 502, 503, 504, for reads (GET/HEAD) also 500, and connection errors, with capped, jittered
exponential backoff that honours ``Retry-After`` (seconds or an HTTP date), bounded by ``max_retries`` AND a total
time budget (``retry_budget``, 180 s by default).

A refused connection (nothing listens) or an unknown host name is retried at most ``FAST_FAIL_RETRIES`` times
with short pauses: the task ends within seconds with the URL and a hint, not after the whole budget.

A request marked ``create=True`` (non-idempotent) is re-sent only when it certainly did not reach the
server: a connection that could not be opened, or a 429 (the server refused it without acting). After a
reset while the request was in flight, a read timeout, or a 502/503/504 from a gateway, it raises
``OutcomeUnknownError`` instead. A 500 is never retried for writes. Whether a request was sent is known from the
phase that failed: opening the connection (TCP, the proxy tunnel, TLS) sends nothing.

TLS verification failures are never retried; the message says why verification failed (unknown CA, host name
mismatch, expired or not yet valid certificate, no TLS at all) and what helps. Certificates are checked against
the system's CA store (``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` apply), or only against ``verify`` when it is a CA
bundle path. ``HTTP_PROXY`` / ``HTTPS_PROXY`` / ``NO_PROXY`` are honoured (http:// proxies; https through CONNECT).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import email.utils
import os
import random
import select
import time

from urllib.parse import unquote, urlsplit

from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ApiError, OutcomeUnknownError

RETRY_STATUSES = (429, 502, 503, 504)
# Reads are also retried on a 500 (a read changes nothing, so repeating it is always safe).
READ_RETRY_STATUSES = (429, 500, 502, 503, 504)
READ_METHODS = ("GET", "HEAD")
# A refused connection or an unknown host is retried this many times at most, with pauses of at most
# FAST_FAIL_PAUSE seconds: a gateway that restarts comes back within that, an endpoint that is down does not.
FAST_FAIL_RETRIES = 2
FAST_FAIL_PAUSE = 1.0
# Statuses after which a non-idempotent request may have been applied.
MAYBE_APPLIED_STATUSES = (502, 503, 504)
# Final statuses after which any write (idempotent or not) may have been applied.
UNKNOWN_OUTCOME_STATUSES = (500, 502, 503, 504)
DEFAULT_TIMEOUT = 60
DEFAULT_MAX_RETRIES = 5
USER_AGENT = "fleetops.cloud-ansible"
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


class Response(object):
    """A complete answer: ``status_code``, ``headers`` (case-insensitive ``get``), ``content`` (bytes)."""

    def __init__(self, status_code, headers, content):
        self.status_code = status_code
        self.headers = headers
        self.content = content

    @property
    def text(self):
        return self.content.decode("utf-8", "replace")

    def json(self):
        """The body parsed as JSON; ``ValueError`` when it is not JSON."""
        import json  # pylint: disable=import-outside-toplevel
        return json.loads(self.content.decode("utf-8"))


class _NotSent(Exception):
    """The connection could not be opened: nothing of the request reached the server."""

    def __init__(self, cause):
        Exception.__init__(self, cause)
        self.cause = cause


def parse_retry_after(value, now=None):
    """Seconds to wait from a ``Retry-After`` header (delta seconds or HTTP date); None when absent or invalid."""
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, parsed.timestamp() - current)


def _chain(exc):
    """``exc`` and every exception it wraps (reason, args, cause, context), each once."""
    seen = set()
    stack = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen or not isinstance(current, BaseException):
            continue
        seen.add(id(current))
        yield current
        stack.append(getattr(current, "reason", None))
        stack.extend(arg for arg in getattr(current, "args", ()) if isinstance(arg, BaseException))
        stack.append(current.__cause__)
        stack.append(current.__context__)


def connection_failure_kind(exc, connecting=True):
    """``"refused"``, ``"dns"``, ``"connect-timeout"``, ``"read-timeout"`` or None (another connection error).

    ``connecting``: the error came while the connection was being opened (else: with the request in flight)."""
    import socket  # pylint: disable=import-outside-toplevel
    for current in _chain(exc):
        if isinstance(current, (TimeoutError, socket.timeout)):  # one class from Python 3.10 on, two before
            return "connect-timeout" if connecting else "read-timeout"
        if isinstance(current, ConnectionRefusedError):
            return "refused"
        if isinstance(current, socket.gaierror):
            return "dns"
    return None


def tls_failure(exc):
    """``(reason, hint)`` for a TLS failure: why the verification failed and what helps."""
    import ssl  # pylint: disable=import-outside-toplevel
    verify = None
    for current in _chain(exc):
        if isinstance(current, ssl.SSLCertVerificationError):
            verify = current
            break
    if verify is None:
        reasons = set(getattr(c, "reason", None) for c in _chain(exc) if isinstance(c, ssl.SSLError))
        if reasons & set(("WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "UNKNOWN_PROTOCOL", "HTTP_REQUEST")):
            return ("the endpoint does not speak TLS (is it an http:// endpoint?)",
                    "Check the scheme and port of the endpoint URL.")
        return ("the TLS handshake failed (%s)" % type(exc).__name__,
                "Check the endpoint URL and port, and that the endpoint accepts TLS 1.2 or later.")
    # OpenSSL X509_V_ERR_* codes: the reason is known without reading any message text.
    code = getattr(verify, "verify_code", None)
    if code in (62, 64):
        return ("the certificate does not match the host name (or IP address) of the endpoint",
                "Use the host name the certificate was issued for in the endpoint URL.")
    if code == 10:
        return ("the certificate of the endpoint has expired",
                "Renew the certificate of the endpoint, or check the clock of the controller.")
    if code == 9:
        return ("the certificate of the endpoint is not yet valid",
                "Check the clock of the controller and of the endpoint.")
    if code in (2, 18, 19, 20, 21):
        return ("the certificate was issued by a CA that is not trusted (unknown or self-signed CA)",
                "Give the CA bundle (PEM) of the endpoint with ca_path (HW_CA_PATH); validate_certs: false only "
                "on test endpoints you control.")
    return ("certificate verification failed (%s)" % (getattr(verify, "verify_message", None) or "unknown reason"),
            "Check the certificate of the endpoint, or give its CA bundle with ca_path (HW_CA_PATH).")


def _host_of(url):
    try:
        parts = urlsplit(url)
        return "%s://%s" % (parts.scheme, parts.netloc.rsplit("@", 1)[-1])
    except ValueError:
        return url


def _proxy_for(scheme, host):
    """The proxy URL the environment names for ``scheme://host``, or None (also for a host in NO_PROXY)."""
    if not any(name.lower() in PROXY_VARIABLES for name in os.environ):
        return None
    import urllib.request  # pylint: disable=import-outside-toplevel
    proxies = urllib.request.getproxies_environment()
    proxy = proxies.get(scheme) or proxies.get("all")
    if not proxy or urllib.request.proxy_bypass_environment(host, proxies):
        return None
    return proxy if "://" in proxy else "http://" + proxy


def _connection_dropped(connection):
    """True when a pooled connection cannot carry another request (closed, or the server hung up on it)."""
    sock = connection.sock
    if sock is None:
        return True
    try:
        readable, dummy_w, dummy_x = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    # An idle keep-alive connection has nothing to read: readable means the server closed it (or sent garbage).
    return bool(readable)


class Transport(object):
    """Sends requests with retries, over one pool of keep-alive connections per instance.

    ``timeout``: seconds per request (connecting, and each wait for data); ``max_retries``: retries after the first
    attempt; ``verify``: True, False or a CA bundle path (a file, or a directory of hashed certificates); ``cert``:
    ``(certificate file, key file)`` of a TLS client certificate, or None; ``backoff_base`` / ``backoff_cap``:
    exponential backoff in seconds (capped); ``retry_budget``: total seconds spent in retries at most; ``sleep``:
    injectable for tests.
    """

    def __init__(self, timeout=DEFAULT_TIMEOUT, max_retries=DEFAULT_MAX_RETRIES, verify=True, backoff_base=0.5,
                 backoff_cap=20.0, retry_budget=180.0, sleep=time.sleep, cert=None):
        self.timeout = float(timeout if timeout is not None else DEFAULT_TIMEOUT)
        self.max_retries = int(max_retries if max_retries is not None else DEFAULT_MAX_RETRIES)
        self.verify = verify
        self.cert = cert
        self.backoff_base = float(backoff_base)
        self.backoff_cap = float(backoff_cap)
        self.retry_budget = float(retry_budget)
        self.sleep = sleep
        self._pool = {}
        self._proxies = {}  # (scheme, host) -> proxy URL or None: the environment is read once per host
        self._proxy_headers = {}
        self._context = None
        self.attempts = 0
        # About the last ``send``: did any attempt reach the server, and may any attempt have been applied
        # (a 500/502/503/504 answer, or a connection lost while the request was in flight)?
        self.last_reached = False
        self.last_maybe_applied = False

    def backoff(self, attempt, retry_after=None):
        """Delay before retry number ``attempt`` (1-based).

        Without ``retry_after``: jittered exponential backoff, ``backoff_base * 2**(attempt-1)`` capped at
        ``backoff_cap``, drawn uniformly from its upper half. With ``retry_after`` (seconds): exactly that wait
        (the total time budget still applies).
        """
        if retry_after is not None:
            return retry_after
        ceiling = min(self.backoff_cap, self.backoff_base * (2 ** (attempt - 1)))
        return random.uniform(ceiling / 2.0, ceiling)

    def send(self, method, prepare, create=False, safe_url=None, read=False):
        """Send a request, retrying as described in the module docstring.

        ``prepare(attempt)`` returns ``(url, headers, body)`` for each attempt, so signatures are fresh.
        Returns the final ``Response`` (possibly a retryable status after the retries ran out).
        Raises ``ApiError`` (status None) for a connection failure after the retries, and
        ``OutcomeUnknownError`` when a ``create`` request may have reached the server. ``read=True``: a POST or PUT
        that changes nothing (a validation, a preview) is retried like a GET, on 500 too.
        Sets ``last_reached`` and ``last_maybe_applied`` (see ``__init__``) for the caller's error messages.
        """
        started = time.monotonic()
        attempt = 0
        self.last_reached = False
        self.last_maybe_applied = False
        while True:
            attempt += 1
            self.attempts += 1
            url, headers, body = prepare(attempt)
            shown_url = safe_url or url
            retry_after = None
            try:
                response = self._exchange(method, url, headers, body)
            except _NotSent as failure:
                exc = failure.cause
                import ssl  # pylint: disable=import-outside-toplevel
                if isinstance(exc, ssl.SSLError):
                    reason, hint = tls_failure(exc)
                    raise ApiError(status=None, code="TLSError", method=method, url=shown_url,
                                   message="TLS verification of %s failed: %s" % (_host_of(shown_url), reason),
                                   hint=hint)
                kind = connection_failure_kind(exc, connecting=True)
                fast = kind in ("refused", "dns")
                if not self._may_retry(attempt, started, None) or (fast and attempt > FAST_FAIL_RETRIES):
                    raise self._connection_error(method, shown_url, attempt, kind, exc)
                delay = self._delay(attempt, started, None)
                self.sleep(min(delay, FAST_FAIL_PAUSE) if fast else delay)
                continue
            except (OSError, _http_exception()) as exc:
                kind = connection_failure_kind(exc, connecting=False)
                self.last_reached = True
                self.last_maybe_applied = True
                if create:
                    reason = ("timed out: no answer within api_timeout (%s s)" % _seconds(self.timeout) if kind == "read-timeout"
                              else "%s while waiting for the response" % _describe(exc))
                    raise OutcomeUnknownError(method=method, url=shown_url, reason=reason)
                if not self._may_retry(attempt, started, None):
                    raise self._connection_error(method, shown_url, attempt, kind, exc)
                self.sleep(self._delay(attempt, started, None))
                continue
            self.last_reached = True
            if response.status_code in UNKNOWN_OUTCOME_STATUSES:
                self.last_maybe_applied = True
            retry_statuses = READ_RETRY_STATUSES if read or method.upper() in READ_METHODS else RETRY_STATUSES
            if response.status_code not in retry_statuses:
                return response
            if create and response.status_code in MAYBE_APPLIED_STATUSES:
                raise OutcomeUnknownError(method=method, url=shown_url,
                                          reason="HTTP %d from the endpoint" % response.status_code,
                                          request_id=response.headers.get("X-Request-Id"))
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            if not self._may_retry(attempt, started, retry_after):
                return response
            self.sleep(self._delay(attempt, started, retry_after))

    def _exchange(self, method, url, headers, body):
        """One attempt: the ``Response``; ``_NotSent`` when the connection could not be opened; ``OSError`` or
        ``http.client.HTTPException`` when it failed with the request on its way or in the server's hands."""
        connection, target, key = self._connection(url)
        if connection.sock is None:
            try:
                connection.connect()
            except OSError as exc:  # TCP, DNS, the proxy's CONNECT, the TLS handshake
                self._discard(key)
                raise _NotSent(exc)
        if isinstance(body, str):
            body = body.encode("utf-8")
        sent = dict(headers or {}, **self._proxy_headers.get(key, {}))
        if not any(name.lower() == "user-agent" for name in sent):
            sent["User-Agent"] = USER_AGENT
        try:
            connection.request(method, target, body=body, headers=sent)
            answer = connection.getresponse()
            content = answer.read()
        except BaseException:
            self._discard(key)
            raise
        if answer.will_close:
            self._discard(key)
        if (answer.getheader("Content-Encoding") or "").strip().lower() in ("gzip", "x-gzip"):
            import gzip  # pylint: disable=import-outside-toplevel
            content = gzip.decompress(content)
        return Response(answer.status, answer.msg, content)

    def _connection(self, url):
        """``(connection, request target, pool key)`` for ``url``: a pooled connection when one is still open."""
        import http.client  # pylint: disable=import-outside-toplevel
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https") or not parts.hostname:
            raise ApiError(status=None, code="ConfigurationError", url=_host_of(url),
                           message="the endpoint URL must be http:// or https:// with a host name",
                           hint="Check the endpoint URL (endpoints / HW_*_ENDPOINT / auth_url).")
        host = parts.hostname
        port = parts.port or (443 if scheme == "https" else 80)
        target = (parts.path or "/") + ("?" + parts.query if parts.query else "")
        if (scheme, host) not in self._proxies:
            self._proxies[(scheme, host)] = _proxy_for(scheme, host)
        proxy = self._proxies[(scheme, host)]
        key = (scheme, host, port, proxy)
        connection = self._pool.get(key)
        if connection is not None and _connection_dropped(connection):
            self._discard(key)
            connection = None
        if connection is None:
            connection = self._new_connection(http.client, scheme, host, port, proxy)
            self._pool[key] = connection
        if proxy and scheme == "http":
            # A plain http request through a proxy names the whole URL (without credentials).
            target = "http://%s:%d%s" % (host if ":" not in host else "[%s]" % host, port, target)
        return connection, target, key

    def _new_connection(self, client, scheme, host, port, proxy):
        if not proxy:
            if scheme == "https":
                return client.HTTPSConnection(host, port, timeout=self.timeout, context=self._ssl_context())
            return client.HTTPConnection(host, port, timeout=self.timeout)
        parts = urlsplit(proxy)
        if parts.scheme.lower() != "http" or not parts.hostname:
            raise ApiError(status=None, code="ConfigurationError", url=_host_of(proxy),
                           message="the proxy from the environment (HTTP_PROXY / HTTPS_PROXY) must be an http:// URL",
                           hint="Set the proxy variables to http://host:port, or name the endpoint's host in NO_PROXY.")
        proxy_headers = {}
        if parts.username is not None:
            pair = "%s:%s" % (unquote(parts.username), unquote(parts.password or ""))
            proxy_headers["Proxy-Authorization"] = "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")
        proxy_port = parts.port or 80
        if scheme == "https":
            connection = client.HTTPSConnection(parts.hostname, proxy_port, timeout=self.timeout,
                                                context=self._ssl_context())
            connection.set_tunnel(host, port, headers=proxy_headers)
            return connection
        connection = client.HTTPConnection(parts.hostname, proxy_port, timeout=self.timeout)
        # Sent with every request through this plain http proxy (an https request carries them on its CONNECT).
        self._proxy_headers[(scheme, host, port, proxy)] = proxy_headers
        return connection

    def _ssl_context(self):
        """The TLS context of every https connection: verification as ``verify`` says, the client certificate."""
        if self._context is None:
            import ssl  # pylint: disable=import-outside-toplevel
            try:
                if self.verify is False:
                    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                    context.check_hostname = False
                    context.verify_mode = ssl.CERT_NONE
                elif isinstance(self.verify, str):
                    if os.path.isdir(self.verify):
                        context = ssl.create_default_context(capath=self.verify)
                    else:
                        context = ssl.create_default_context(cafile=self.verify)
                else:
                    context = ssl.create_default_context()
                    if not _system_store_exists():
                        _load_certifi(context)
                context.minimum_version = ssl.TLSVersion.TLSv1_2
                if self.cert:
                    context.load_cert_chain(self.cert[0], self.cert[1])
            except (OSError, ValueError) as exc:
                what = "the client certificate" if self.cert else "the CA bundle %s" % self.verify
                raise ApiError(status=None, code="TLSError",
                               message="%s could not be loaded (%s)" % (what, type(exc).__name__),
                               hint="Give PEM files: ca_path (HW_CA_PATH) for the CA bundle; the kubeconfig's "
                                    "client-certificate and client-key for a client certificate.")
            self._context = context
        return self._context

    def _discard(self, key):
        connection = self._pool.pop(key, None)
        if connection is not None:
            connection.close()

    def _connection_error(self, method, url, attempt, kind, exc):
        """The ``ApiError`` (status None) that ends a request the endpoint never answered."""
        where = _host_of(url)
        if kind == "refused":
            message = "the connection to %s was refused (%d attempt(s)): nothing listens there" % (where, attempt)
            hint = ("Is the endpoint (or the emulator) up? Check the endpoint URL and port (endpoints / "
                    "HW_*_ENDPOINT / auth_url).")
        elif kind == "dns":
            message = "the host name of %s could not be resolved (%d attempt(s))" % (where, attempt)
            hint = "Check the endpoint URL (endpoints / HW_*_ENDPOINT / region) and the DNS settings of the controller."
        elif kind in ("connect-timeout", "read-timeout"):
            what = "connecting to" if kind == "connect-timeout" else "waiting for an answer from"
            message = ("timed out %s %s after %s s, %d attempt(s)" % (what, where, _seconds(self.timeout), attempt))
            hint = ("The endpoint is slow or a firewall drops the traffic: check the network path, or raise "
                    "api_timeout (seconds per request) or max_retries.")
        else:
            message = "the endpoint could not be reached after %d attempt(s): %s" % (attempt, _describe(exc))
            hint = "Check the endpoint URL, the network path to it (and the proxy, if one is set), and its TLS settings."
        return ApiError(status=None, code="ConnectionError", method=method, url=url, message=message, hint=hint)

    def _may_retry(self, attempt, started, retry_after):
        if attempt > self.max_retries:
            return False
        remaining = self.retry_budget - (time.monotonic() - started)
        if remaining <= 0:
            return False
        if retry_after is not None and retry_after > remaining:
            return False
        return True

    def _delay(self, attempt, started, retry_after):
        remaining = max(0.0, self.retry_budget - (time.monotonic() - started))
        return min(self.backoff(attempt, retry_after), remaining)

    def close(self):
        """Close the pooled connections."""
        for key in list(self._pool):
            self._discard(key)


def _http_exception():
    import http.client  # pylint: disable=import-outside-toplevel
    return http.client.HTTPException


def _system_store_exists():
    """True when OpenSSL's default CA file or directory exists (some Python builds ship without one)."""
    import ssl  # pylint: disable=import-outside-toplevel
    paths = ssl.get_default_verify_paths()
    if paths.cafile and os.path.isfile(paths.cafile):
        return True
    return bool(paths.capath and os.path.isdir(paths.capath) and os.listdir(paths.capath))


def _load_certifi(context):
    """Trust the ``certifi`` bundle where the system has no CA store and the library is installed."""
    try:
        import certifi  # pylint: disable=import-outside-toplevel
    except ImportError:
        return
    context.load_verify_locations(cafile=certifi.where())


def _seconds(value):
    return ("%d" % value) if float(value) == int(value) else ("%g" % value)


def _describe(exc):
    """A short, secret-free description of a connection error (class names only, no URL with query)."""
    names = [type(exc).__name__]
    for current in _chain(exc):
        if current is not exc:
            names.append(type(current).__name__)
            break
    return " / ".join(names)

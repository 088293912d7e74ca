# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP transport: one ``requests.Session``, a timeout on every call, bounded retries.

Retried: HTTP 429, 502, 503, 504, for reads (GET/HEAD) also 500, and connection errors, with capped, jittered
exponential backoff that honours ``Retry-After`` (seconds or an HTTP date), bounded by ``max_retries`` AND a total
time budget (``retry_budget``, 180 s by default).

A refused connection (nothing listens) or an unknown host name is retried at most ``FAST_FAIL_RETRIES`` times
with short pauses: the task ends within seconds with the URL and a hint, not after the whole budget.

A request marked ``create=True`` (non-idempotent) is re-sent only when it certainly did not reach the
server: a connection that could not be opened, or a 429 (the server refused it without acting). After a
reset while the request was in flight, a read timeout, or a 502/503/504 from a gateway, it raises
``OutcomeUnknownError`` instead. A 500 is never retried for writes.

TLS verification failures are never retried; the message says why verification failed (unknown CA, host name
mismatch, expired or not yet valid certificate, no TLS at all) and what helps.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import email.utils
import errno
import importlib.util
import random
import socket
import ssl
import time

from urllib.parse import urlsplit

from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ApiError, OutcomeUnknownError

# requests (with urllib3, idna, charset_normalizer) takes tens of milliseconds to import: load_requests() imports
# it when the first transport is made, so a task that stops before its first call (bad input) never pays for it.
# Whether it is installed is known without importing it, for the clear "missing library" error before any work.
HAS_REQUESTS = importlib.util.find_spec("requests") is not None
REQUESTS_IMPORT_ERROR = None if HAS_REQUESTS else "ModuleNotFoundError: No module named 'requests'"
_LIBRARY = {}

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


def load_requests():
    """The ``requests`` module, imported on first use; None when it cannot be imported."""
    if "requests" not in _LIBRARY:
        try:
            import requests  # pylint: disable=import-outside-toplevel
            import requests.exceptions  # noqa: F401  pylint: disable=import-outside-toplevel,unused-import
        except ImportError:  # pragma: no cover - depends on the controller/target
            _LIBRARY["requests"] = None
        else:
            _LIBRARY["requests"] = requests
    return _LIBRARY["requests"]


def _exceptions():
    """``requests.exceptions`` (only called once a request was sent, so the library is loaded)."""
    return load_requests().exceptions


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


def connection_failure_kind(exc):
    """``"refused"``, ``"dns"``, ``"connect-timeout"``, ``"read-timeout"`` or None (another connection error)."""
    exceptions = _exceptions()
    if isinstance(exc, exceptions.ConnectTimeout):
        return "connect-timeout"
    if isinstance(exc, exceptions.ReadTimeout):
        return "read-timeout"
    for current in _chain(exc):
        name = type(current).__name__
        if isinstance(current, ConnectionRefusedError) or getattr(current, "errno", None) == errno.ECONNREFUSED:
            return "refused"
        if name == "NameResolutionError" or isinstance(current, socket.gaierror):
            return "dns"
        if name in ("ConnectTimeoutError",):
            return "connect-timeout"
        if name in ("ReadTimeoutError",) or isinstance(current, TimeoutError):
            return "read-timeout"
    return None


def tls_failure(exc):
    """``(reason, hint)`` for a TLS failure: why the verification failed and what helps."""
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


def _connect_failed(exc):
    """True when a requests exception shows that the connection was never established (nothing was sent)."""
    exceptions = _exceptions()
    if isinstance(exc, exceptions.ConnectTimeout):
        return True
    if isinstance(exc, (exceptions.ReadTimeout, exceptions.ChunkedEncodingError)):
        return False
    seen = set()
    stack = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        name = type(current).__name__
        if name in ("NewConnectionError", "ConnectTimeoutError", "NameResolutionError", "ConnectionRefusedError"):
            return True
        if name in ("ProtocolError", "RemoteDisconnected", "ConnectionResetError", "BrokenPipeError",
                    "ReadTimeoutError", "IncompleteRead"):
            return False
        stack.append(getattr(current, "reason", None))
        stack.extend(arg for arg in getattr(current, "args", ()) if isinstance(arg, BaseException))
        stack.append(current.__cause__)
        stack.append(current.__context__)
    return False


class Transport(object):
    """Sends requests with retries. One instance (one ``requests.Session``) per client.

    ``timeout``: seconds per request; ``max_retries``: retries after the first attempt; ``verify``: True,
    False or a CA bundle path; ``backoff_base`` / ``backoff_cap``: exponential backoff in seconds (capped);
    ``retry_budget``: total seconds spent in retries at most; ``sleep``: injectable for tests.
    """

    def __init__(self, timeout=DEFAULT_TIMEOUT, max_retries=DEFAULT_MAX_RETRIES, verify=True, backoff_base=0.5,
                 backoff_cap=20.0, retry_budget=180.0, sleep=time.sleep):
        requests = load_requests()
        if requests is None:
            raise ImportError("the requests library is required")
        self.timeout = float(timeout if timeout is not None else DEFAULT_TIMEOUT)
        self.max_retries = int(max_retries if max_retries is not None else DEFAULT_MAX_RETRIES)
        self.verify = verify
        self.backoff_base = float(backoff_base)
        self.backoff_cap = float(backoff_cap)
        self.retry_budget = float(retry_budget)
        self.sleep = sleep
        self.exceptions = requests.exceptions
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        # Our own auth headers (token or AK/SK signature) must never be replaced by credentials from ~/.netrc.
        self.session.auth = _keep_headers
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
        Returns the final ``requests.Response`` (possibly a retryable status after the retries ran out).
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
                response = self.session.request(method, url, headers=headers, data=body, timeout=self.timeout,
                                                verify=self.verify, allow_redirects=False)
            except self.exceptions.SSLError as exc:
                reason, hint = tls_failure(exc)
                raise ApiError(status=None, code="TLSError", method=method, url=shown_url,
                               message="TLS verification of %s failed: %s" % (_host_of(shown_url), reason), hint=hint)
            except (self.exceptions.ConnectionError, self.exceptions.Timeout) as exc:
                never_sent = _connect_failed(exc)
                kind = connection_failure_kind(exc)
                if not never_sent:
                    self.last_reached = True
                    self.last_maybe_applied = True
                if create and not never_sent:
                    reason = ("timed out: no answer within api_timeout (%s s)" % _seconds(self.timeout) if kind == "read-timeout"
                              else "%s while waiting for the response" % _describe(exc))
                    raise OutcomeUnknownError(method=method, url=shown_url, reason=reason)
                fast = kind in ("refused", "dns")
                if not self._may_retry(attempt, started, None) or (fast and attempt > FAST_FAIL_RETRIES):
                    raise self._connection_error(method, shown_url, attempt, kind, exc)
                delay = self._delay(attempt, started, None)
                self.sleep(min(delay, FAST_FAIL_PAUSE) if fast else delay)
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
            response.close()
            self.sleep(self._delay(attempt, started, retry_after))

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
            hint = "Check the endpoint URL, the network path to it, and its TLS settings."
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
        """Close the session's pooled connections."""
        self.session.close()


def _keep_headers(prepared_request):
    """A requests auth hook that leaves the request as it is (disables the ~/.netrc lookup)."""
    return prepared_request


def _seconds(value):
    return ("%d" % value) if float(value) == int(value) else ("%g" % value)


def _describe(exc):
    """A short, secret-free description of a requests exception (class names only, no URL with query)."""
    names = [type(exc).__name__]
    reason = getattr(exc, "args", ())
    for arg in reason:
        inner = getattr(arg, "reason", None) or arg
        if isinstance(inner, BaseException):
            names.append(type(inner).__name__)
            break
    return " / ".join(names)

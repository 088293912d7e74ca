# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exceptions shared by the fleetops.cloud client and modules.

* ``ConfigurationError``: the options cannot work (raised before any HTTP call).
* ``ApiError``: the API answered with a non-2xx status (or could not be reached).
* ``OutcomeUnknownError``: a non-idempotent write may or may not have been applied.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

from urllib.parse import urlsplit, urlunsplit, parse_qsl, quote


class FleetopsError(Exception):
    """Base class of every exception raised by fleetops.cloud module_utils."""


class ConfigurationError(FleetopsError):
    """The module options are incomplete or contradictory; raised before any call is made."""


# Query keys whose values never leave the client in error messages or return values.
_SECRET_QUERY_KEYS = ("token", "password", "secret", "signature", "access_key", "ak", "sk", "credential")

# "Insufficient quota" (UCS source, error code table) and the IAM agency quota.
QUOTA_CODES = ("UCS.00000017", "UCS.01000017", "UCS.00010012")
NAME_TAKEN_CODES = ("UCS.01030003", "UCS.01100004")
THROTTLED_CODES = ("UCS.01000002",)
# Documented codes whose answer is in docs/troubleshooting.md.
CODE_HINTS = {
    "UCS.01080006": ("The fleet has no federation: enable it first (ucs_fleet_federation state=enabled, or "
                     "fleet_setup_federation: true); disabling it again is a no-op."),
    "UCS.01010004": ("The project given for the federation connection is unknown in that region: check "
                     "project_id / region of ucs_fleet_kubeconfig."),
}


def redact_url(url):
    """Return ``url`` with the values of secret-looking query parameters replaced by ``***``."""
    if not url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.query:
        return url
    pairs = []
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if any(marker in key.lower() for marker in _SECRET_QUERY_KEYS):
            value = "***"
        pairs.append("%s=%s" % (quote(key, safe="~"), quote(value, safe="~*")))
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, netloc, parts.path, "&".join(pairs), ""))


def hint_for(status, code=None, message=None):  # pylint: disable=unused-argument
    """A plain-language hint for a known error, decided from the status and the documented error code, or None.

    ``message`` is accepted for the callers' convenience and never read: the wording of an API answer is not a
    contract, so no hint depends on it.
    """
    code = code or ""
    if code in QUOTA_CODES:
        return "A quota is exhausted: delete unused resources or ask for a higher quota, then run again."
    if code in CODE_HINTS:
        return CODE_HINTS[code]
    if status == 409 or code in NAME_TAKEN_CODES:
        return ("The name is already taken (names are unique per account): choose another name, "
                "or manage the existing resource under that name.")
    if status == 404:
        return "The resource was not found: it may have been deleted, or the id, project or region is wrong."
    if status == 429 or code in THROTTLED_CODES:
        return "The API throttled the requests: lower the number of parallel tasks (forks) or raise max_retries."
    if status == 401:
        return ("The credentials were rejected: check the access key / secret key, the token, "
                "or the user name, password and domain.")
    if status == 403:
        return ("The credentials are valid but lack permission for this call: check the IAM policies "
                "of the user, the project and the region.")
    return None


def _first(mapping, *keys):
    for key in keys:
        if isinstance(mapping, dict) and mapping.get(key) not in (None, ""):
            return mapping.get(key)
    return None


def parse_error_body(body):
    """Extract ``(code, message, request_id)`` from an error body of UCS/BCE, Heat or plain text.

    ``body`` is the parsed JSON (dict/list), a string, bytes, or None.
    """
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str):
        stripped = body.strip()
        if stripped[:1] in ("{", "["):
            try:
                body = json.loads(stripped)
            except ValueError:
                body = stripped
        else:
            body = stripped
    if isinstance(body, dict):
        request_id = _first(body, "request_id", "RequestId", "requestId", "request-id")
        if isinstance(body.get("error"), dict):  # Heat / Keystone
            err = body["error"]
            code = _first(err, "title", "code", "type")
            message = _first(err, "message", "explanation")
            if isinstance(message, (dict, list)):
                message = json.dumps(message, sort_keys=True)
            return (str(code) if code is not None else None, message, request_id)
        code = _first(body, "error_code", "errorCode", "code")
        message = _first(body, "error_msg", "errorMsg", "message", "error_description", "error")
        if isinstance(message, (dict, list)):
            message = json.dumps(message, sort_keys=True)
        return (str(code) if code is not None else None, message, request_id)
    if isinstance(body, list):
        return (None, json.dumps(body)[:2000], None)
    if body:
        return (None, body[:2000], None)
    return (None, None, None)


class ApiError(FleetopsError):
    """A failed API call.

    Attributes: ``status`` (HTTP status or None), ``code`` (service error code such as ``UCS.01030003``
    or Heat's ``error.title``), ``message``, ``request_id``, ``method``, ``url`` (query secrets removed),
    ``hint`` (plain-language advice or None) and ``body`` (the parsed error body, not returned to users).
    The client also sets ``write_outcome`` (None for a read, else ``"not_sent"``, ``"refused"`` or ``"unknown"``)
    and ``outcome_note`` (a sentence saying what is known about the writes of the run, or None).
    """

    write_outcome = None
    outcome_note = None

    def __init__(self, status=None, code=None, message=None, request_id=None, method=None, url=None, hint=None, body=None):
        self.status = status
        self.code = code
        self.message = message
        self.request_id = request_id
        self.method = method
        self.url = redact_url(url)
        self.hint = hint if hint is not None else hint_for(status, code, message)
        self.body = body
        super(ApiError, self).__init__(self.describe())

    @classmethod
    def from_response(cls, status, headers, body, method, url):
        """Build an ApiError from a non-2xx response (``body``: parsed JSON, text, bytes or None)."""
        code, message, request_id = parse_error_body(body)
        headers = headers or {}
        header_id = None
        for key in ("X-Request-Id", "X-Openstack-Request-Id", "X-Compute-Request-Id"):
            for name in headers:
                if name.lower() == key.lower():
                    header_id = headers[name]
                    break
            if header_id:
                break
        return cls(status=status, code=code, message=message, request_id=header_id or request_id,
                   method=method, url=url, body=body)

    def describe(self):
        """A one-sentence description: what failed, status, code, message, request id."""
        what = "%s %s" % (self.method, self.url) if self.method else "The API call"
        parts = ["%s failed" % what]
        if self.status is not None:
            parts.append("with HTTP %s" % self.status)
        text = " ".join(parts)
        if self.code:
            text += " (%s)" % self.code
        if self.message:
            text += ": %s" % self.message
        if self.request_id:
            text += " [request id %s]" % self.request_id
        return text

    def full_message(self):
        """``describe()``, the outcome note and the hint, when set: the text given to ``fail_json(msg=...)``."""
        text = self.describe()
        if self.outcome_note:
            text = "%s. %s" % (text.rstrip("."), self.outcome_note)
        if self.hint:
            text = "%s. %s" % (text.rstrip("."), self.hint)
        return text

    def to_dict(self):
        """The error as a dict for ``fail_json(error=...)``: status, code, message, request_id, method, url, hint."""
        return dict(status=self.status, code=self.code, message=self.message, request_id=self.request_id,
                    method=self.method, url=self.url, hint=self.hint)


class OutcomeUnknownError(ApiError):
    """A non-idempotent write (``create=True``) may or may not have reached the server.

    ``status`` is None. Callers should look the resource up (by name) instead of repeating the write.
    """

    def __init__(self, method=None, url=None, reason=None, request_id=None):
        message = ("the request may or may not have been applied by the server (%s); it was not re-sent. "
                   "Look the resource up before trying again." % (reason or "the response was lost"))
        super(OutcomeUnknownError, self).__init__(
            status=None, code="OutcomeUnknown", message=message, request_id=request_id, method=method, url=url,
            hint="Run the task again: the module looks the resource up by name first and does not create it twice.")
        self.reason = reason

# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Server-side verification of SDK-HMAC-SHA256 (AK/SK) signed requests.

The canonical request is rebuilt from what arrived on the wire, the way the official signer builds it on the
client side: method, canonical URI (each path segment percent-encoded, trailing slash), sorted canonical query
string, the signed headers (lower-case name, trimmed value), and the SHA-256 of the body (or the value of
``X-Sdk-Content-Sha256`` such as ``UNSIGNED-PAYLOAD``).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import calendar
import hashlib
import hmac
import re
import time

from urllib.parse import parse_qsl, quote, unquote

ALGORITHM = "SDK-HMAC-SHA256"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
EMPTY_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
MAX_SKEW = 15 * 60
AUTH_RE = re.compile(r"^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-fA-F]+)\s*$")


def _encode(value):
    return quote(value, safe="~")


def canonical_uri(raw_path):
    url_path = "/".join(_encode(part) for part in unquote(raw_path).split("/"))
    if not url_path.endswith("/"):
        url_path += "/"
    return url_path


def canonical_query(raw_query):
    pairs = sorted(parse_qsl(raw_query, keep_blank_values=True))
    return "&".join("%s=%s" % (_encode(k), _encode(v)) for k, v in pairs)


def _header_value(value):
    # http.server decodes header bytes as latin-1; the signer hashed the UTF-8 text
    try:
        value = value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    return value.strip()


def string_to_sign(method, raw_path, raw_query, headers, body, signed_headers):
    """(string_to_sign, None) or (None, error)."""
    lines = []
    for name in signed_headers:
        value = headers.get(name)
        if value is None:
            return None, "signed header %s is missing" % name
        lines.append("%s:%s" % (name, _header_value(value)))
    if not body:
        payload_hash = EMPTY_HASH
    else:
        payload_hash = headers.get("X-Sdk-Content-Sha256") or hashlib.sha256(body).hexdigest()
    canonical = "\n".join([method.upper(), canonical_uri(raw_path), canonical_query(raw_query),
                           "\n".join(lines) + "\n", ";".join(signed_headers), payload_hash])
    date = headers.get("X-Sdk-Date", "")
    return "%s\n%s\n%s" % (ALGORITHM, date, hashlib.sha256(canonical.encode("utf-8")).hexdigest()), None


def verify(method, raw_path, raw_query, headers, body, keys, now=None):
    """None when the request is correctly signed by a known AK, otherwise a short reason."""
    match = AUTH_RE.match(headers.get("Authorization", "").strip())
    if not match:
        return "malformed SDK-HMAC-SHA256 Authorization header"
    access, signed, signature = match.group(1), match.group(2), match.group(3).lower()
    secret = keys.get(access)
    if secret is None:
        return "unknown access key"
    date = headers.get("X-Sdk-Date")
    if not date:
        return "X-Sdk-Date is missing"
    try:
        when = calendar.timegm(time.strptime(date, DATE_FORMAT))
    except ValueError:
        return "X-Sdk-Date is not YYYYMMDDTHHMMSSZ"
    now = time.time() if now is None else now
    if abs(now - when) > MAX_SKEW:
        return "X-Sdk-Date differs from the server time by more than 15 minutes"
    signed_headers = signed.split(";")
    if "x-sdk-date" not in signed_headers:
        return "X-Sdk-Date must be signed"
    sts, error = string_to_sign(method, raw_path, raw_query, headers, body, signed_headers)
    if error:
        return error
    expected = hmac.new(secret.encode("utf-8"), sts.encode("utf-8"), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        return "verify aksk signature fail"
    return None

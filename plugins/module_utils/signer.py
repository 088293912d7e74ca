# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AK/SK request signing (``SDK-HMAC-SHA256``), producing the same Authorization value as huaweicloudsdkcore.

Algorithm (facts of the published scheme):

* a content-type that is neither JSON nor BSON adds ``X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD``;
* ``X-Sdk-Date`` (``YYYYMMDDTHHMMSSZ``, UTC) and ``Host`` are added when absent;
* every header whose name has no underscore is signed (names lower-cased and sorted, values stripped);
* canonical URI: the path is percent-decoded, each segment re-encoded (only ``~`` and unreserved
  characters kept) and a trailing ``/`` added -- the server's view of what was sent, so the signature is the
  official one; what is *sent* is ``wire_path(path)``, which never decodes an escaped ``/`` into a separator;
* canonical query: pairs sorted, keys/values percent-encoded, booleans as ``true``/``false``, list values
  expanded to one pair per element (sorted);
* payload hash: the empty hash for an empty body, ``UNSIGNED-PAYLOAD`` when that header is set, else sha256(body);
* string to sign ``SDK-HMAC-SHA256\\n<date>\\n<sha256 of canonical request>``, signed with HMAC-SHA256(secret key).

Only the standard library is used here.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import hashlib
import hmac

from urllib.parse import quote, unquote, unquote_to_bytes

ALGORITHM = "SDK-HMAC-SHA256"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
HEADER_DATE = "X-Sdk-Date"
HEADER_CONTENT_SHA256 = "X-Sdk-Content-Sha256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
# The largest body AK/SK signing accepts (12 MB).
MAX_SIGNED_BODY = 12 * 1024 * 1024


def _encode(text):
    """Percent-encode ``text`` (str) leaving only unreserved characters (letters, digits, ``-._~``)."""
    return quote(text, safe="~")


def _sort_key(pair):
    key, value = pair
    return (key, str(value) if not isinstance(value, (list, tuple)) else "")


def query_pairs(query):
    """Normalise ``query`` (dict, list of pairs, or None) to a list of ``(key, value)`` pairs; None values dropped."""
    if not query:
        return []
    items = query.items() if isinstance(query, dict) else query
    pairs = []
    for key, value in items:
        if value is None:
            continue
        if isinstance(value, tuple):
            value = list(value)
        pairs.append((str(key), value))
    return pairs


def canonical_query_string(query):
    """The canonical (sorted, encoded) query string; it is also the exact query string the client sends.

    Booleans become ``true``/``false``; a list value yields one pair per element, elements sorted.
    """
    pairs = query_pairs(query)
    try:
        pairs = sorted(pairs)
    except TypeError:
        pairs = sorted(pairs, key=_sort_key)
    out = []
    for key, value in pairs:
        enc_key = _encode(key)
        if isinstance(value, list):
            try:
                elements = sorted(value)
            except TypeError:
                elements = sorted(value, key=str)
            for element in elements:
                out.append("%s=%s" % (enc_key, _encode(str(element))))
        elif isinstance(value, bool):
            out.append("%s=%s" % (enc_key, "true" if value else "false"))
        else:
            out.append("%s=%s" % (enc_key, _encode(str(value))))
    return "&".join(out)


def canonical_uri(path):
    """The canonical URI of ``path``: decoded, each segment re-encoded, always ending with ``/``."""
    segments = unquote(path or "/").split("/")
    uri = "/".join(_encode(segment) for segment in segments)
    if not uri.endswith("/"):
        uri += "/"
    return uri


def wire_path(path):
    """The path as put on the wire: each segment percent-encoded as it is, never decoded into more segments.

    A segment keeps its own escapes (``a%2Fb`` stays one segment, it is never sent as ``a/b``); raw characters
    that cannot travel in a URL (spaces, unicode, a lone ``%``) are encoded. The server decodes the result to
    exactly what ``canonical_uri`` signs. A segment that is or decodes to ``.`` or ``..`` raises ``ValueError``:
    HTTP libraries and servers resolve such segments, so the request would reach a different resource.
    """
    out = []
    for segment in (path or "/").split("/"):
        decoded = unquote_to_bytes(segment)
        if decoded in (b".", b".."):
            raise ValueError("the URL path %r contains a '.' or '..' segment" % path)
        out.append(quote(decoded, safe="~"))
    return "/".join(out) or "/"


def _payload_hash(body, headers):
    if not body:
        return EMPTY_SHA256
    for name, value in headers.items():
        if name.lower() == HEADER_CONTENT_SHA256.lower() and value:
            return value
    return hashlib.sha256(body).hexdigest()


def _header(headers, name):
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


def sign(access_key, secret_key, method, host, path, query=None, headers=None, body=None, now=None):
    """Sign one request and return ``(headers, uri)``.

    ``host`` is the netloc (``host[:port]``) the request goes to; ``path`` the raw path (may contain
    unicode or spaces); ``query`` a dict or list of pairs; ``headers`` a dict (not modified); ``body``
    bytes, str or None; ``now`` a UTC ``datetime`` (default: the current time).

    The returned headers are the input headers plus ``X-Sdk-Date``, ``Host``, ``Authorization`` and, for
    non-JSON content types, ``X-Sdk-Content-Sha256``; values are stripped. ``uri`` is ``path[?query]``
    with the canonical query string, i.e. what the official SDK reports as the request URI.
    """
    if not access_key or not secret_key:
        raise ValueError("both an access key and a secret key are needed to sign a request")
    if isinstance(body, str):
        body = body.encode("utf-8")
    headers = dict(headers or {})
    content_type = _header(headers, "Content-Type")
    if content_type and not content_type.startswith("application/json") and not content_type.startswith("application/bson"):
        headers[HEADER_CONTENT_SHA256] = UNSIGNED_PAYLOAD
    date_value = _header(headers, HEADER_DATE)
    if date_value is None:
        if now is None:
            now = datetime.datetime.now(datetime.timezone.utc)
        date_value = now.strftime(DATE_FORMAT)
        headers[HEADER_DATE] = date_value
    if _header(headers, "Host") is None:
        headers["Host"] = host

    canonical_headers = {}
    for name in list(headers):
        value = str(headers[name]).strip()
        canonical_headers[name.lower()] = value
        headers[name] = value
    signed = sorted(name.lower() for name in headers if "_" not in name)
    query_string = canonical_query_string(query)
    canonical_request = "\n".join([
        method.upper(),
        canonical_uri(path),
        query_string,
        "".join("%s:%s\n" % (name, canonical_headers[name]) for name in signed),
        ";".join(signed),
        _payload_hash(body, headers),
    ])
    digest = hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()
    string_to_sign = "%s\n%s\n%s" % (ALGORITHM, date_value, digest)
    signature = hmac.new(secret_key.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    headers["Authorization"] = "%s Access=%s, SignedHeaders=%s, Signature=%s" % (
        ALGORITHM, access_key, ";".join(signed), signature)
    uri = "%s?%s" % (path, query_string) if query_string else path
    return headers, uri

# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Path segments: every id or name that goes into a URL path passes through ``segment()``.

    "/v1/clusters/%s" % segment(cluster_id, "cluster id")

The value is percent-encoded as exactly one segment (``/``, ``?``, ``#``, ``%`` and every other reserved
character encoded), and values that cannot be one segment (empty, ``.``, ``..``, not a string, control
characters) are refused with a ``ConfigurationError`` before any call. The client and the signer send and sign
the encoded path as it is: they never decode a segment back into ``/`` or ``..``.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from urllib.parse import quote

from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ConfigurationError


def segment(value, what="id"):
    """``value`` percent-encoded as one URL path segment; ``ConfigurationError`` when it cannot be one."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError("The %s must be a non-empty string, got %r." % (what, value))
    if value in (".", ".."):
        raise ConfigurationError("The %s %r cannot be used in a URL path." % (what, value))
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ConfigurationError("The %s must not contain control characters." % what)
    return quote(value, safe="-_.~")

# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Comparison helpers for idempotency: desired (built from the options the user set) vs current (from the API).

Rules: ``None`` means "not set" and is never compared (an empty string, 0, False or [] IS a value);
lists whose order means nothing are compared as multisets; dicts are compared key by key, only on the keys
present in ``desired``.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json


def is_unset(value):
    """True only for None: ``""``, ``0``, ``False`` and ``[]`` are values the user set."""
    return value is None


def normalize(value):
    """Recursively drop None values from dicts and sort dict keys (returns new objects; lists keep their order)."""
    if isinstance(value, dict):
        return dict((key, normalize(value[key])) for key in sorted(value, key=str) if value[key] is not None)
    if isinstance(value, (list, tuple)):
        return [normalize(item) for item in value]
    return value


def _canonical(value):
    """A stable string for a normalised value, used to compare list elements as a multiset."""
    return json.dumps(normalize(value), sort_keys=True, default=str)


def pick(mapping, *keys, **kwargs):
    """Return the value of the first key of ``keys`` present (not None) in ``mapping``; ``default`` otherwise.

    Handles spelling drift in the API: ``pick(spec, "projectID", "projectId")``.
    """
    default = kwargs.get("default")
    if not isinstance(mapping, dict):
        return default
    for key in keys:
        if mapping.get(key) is not None:
            return mapping[key]
    return default


def _unordered(path, unordered_paths):
    if unordered_paths == "*":
        return True
    return path in (unordered_paths or ())


def _compare(desired, current, path, unordered_paths, out):
    if desired is None:
        return
    if isinstance(desired, dict):
        if not isinstance(current, dict):
            out.append(path or ".")
            return
        for key in desired:
            if desired[key] is None:
                continue
            sub = "%s.%s" % (path, key) if path else str(key)
            _compare(desired[key], current.get(key), sub, unordered_paths, out)
        return
    if isinstance(desired, (list, tuple)):
        if not isinstance(current, (list, tuple)):
            out.append(path or ".")
            return
        if _unordered(path, unordered_paths):
            if sorted(_canonical(item) for item in desired) != sorted(_canonical(item) for item in current):
                out.append(path or ".")
            return
        if len(desired) != len(current):
            out.append(path or ".")
            return
        if [_canonical(item) for item in desired] != [_canonical(item) for item in current]:
            out.append(path or ".")
        return
    if isinstance(desired, bool) or isinstance(current, bool):
        if desired is not current:
            out.append(path or ".")
        return
    if desired != current:
        out.append(path or ".")


def differences(desired, current, unordered_paths=()):
    """Sorted list of the dotted paths where ``desired`` and ``current`` differ.

    Only keys present (not None) in ``desired`` are compared, recursively. A list at a path named in
    ``unordered_paths`` (or every list when ``unordered_paths == "*"``) is compared as a multiset, its
    element dicts normalised; other lists compare element by element in order (elements normalised, so
    None values inside element dicts do not matter). ``current`` None with a desired dict yields ``["."]``
    for the whole object.
    """
    out = []
    _compare(desired, current, "", unordered_paths, out)
    return sorted(set(out))


def is_different(desired, current, unordered_paths=()):
    """True when ``differences(desired, current, unordered_paths)`` is not empty."""
    return bool(differences(desired, current, unordered_paths))

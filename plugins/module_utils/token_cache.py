# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cross-process cache of IAM tokens obtained with a password.

Each Ansible task is a new process; without a cache every task would ask IAM for a new token.

* one JSON file per credential set, named by ``cache_key(...)`` (a sha256 that contains no secret);
* the directory is created with mode 0700, files are written with mode 0600, atomically
  (temporary file in the same directory, then ``os.replace``), so parallel forks never read half a file;
* an entry is reused until 5 minutes before its ``expires_at``, or, for a token that lives less than 10 minutes,
  until half its lifetime (``expires_at - issued_at``) before it, so short-lived tokens are still reused;
* ``lock(key)`` serialises the processes that miss at the same moment, so only one of them asks IAM.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import calendar
import hashlib
import json
import os
import tempfile
import time

try:
    import fcntl
    HAS_FCNTL = True
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None
    HAS_FCNTL = False

DEFAULT_DIR = "~/.cache/fleetops/tokens"
# Tokens are not used during their last five minutes.
EXPIRY_MARGIN = 300
CACHE_VERSION = 1


def cache_key(auth_url, user_name, domain, scope, password):
    """The cache key of a credential set: sha256 over auth url, user, domain, scope and a hash of the password.

    The password itself never enters the key, the file name or the file.
    """
    password_hash = hashlib.sha256((password or "").encode("utf-8")).hexdigest()
    material = json.dumps([CACHE_VERSION, auth_url or "", user_name or "", domain or "", scope or "", password_hash])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def parse_expiry(value):
    """Parse an IAM ``expires_at`` (``2026-11-24T11:00:00.000000Z`` and similar) to epoch seconds, or None."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1]
    offset = 0
    for sign in ("+", "-"):
        pos = text.rfind(sign)
        if pos > 10:
            zone = text[pos + 1:].replace(":", "")
            if len(zone) == 4 and zone.isdigit():
                offset = (int(zone[:2]) * 3600 + int(zone[2:]) * 60) * (1 if sign == "+" else -1)
                text = text[:pos]
            break
    if "." in text:
        text = text.split(".", 1)[0]
    try:
        parsed = time.strptime(text, "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return None
    return calendar.timegm(parsed) - offset


def expiry_margin(entry):
    """Seconds before ``expires_at`` from which the token of ``entry`` is no longer used.

    ``min(EXPIRY_MARGIN, (expires_at - issued_at) / 2)``: five minutes for normal tokens, half the lifetime for
    tokens that live less than ten minutes. Without a usable ``issued_at`` (older entries): ``EXPIRY_MARGIN``.
    """
    if not isinstance(entry, dict):
        return EXPIRY_MARGIN
    expires = parse_expiry(entry.get("expires_at"))
    issued = parse_expiry(entry.get("issued_at"))
    if expires is None or issued is None or expires <= issued:
        return EXPIRY_MARGIN
    return min(EXPIRY_MARGIN, (expires - issued) / 2.0)


def is_fresh(entry, now=None, margin=None):
    """True when ``entry`` holds a token that does not expire within ``margin`` seconds.

    ``margin`` defaults to ``expiry_margin(entry)``.
    """
    if not isinstance(entry, dict) or not entry.get("token"):
        return False
    expires = parse_expiry(entry.get("expires_at"))
    if expires is None:
        return False
    if margin is None:
        margin = expiry_margin(entry)
    return expires - margin > (time.time() if now is None else now)


class _Lock(object):
    """An advisory exclusive lock on ``<dir>/<key>.lock`` (bounded wait; a no-op when it cannot be taken)."""

    def __init__(self, path, timeout):
        self.path = path
        self.timeout = timeout
        self.handle = None

    def __enter__(self):
        if not HAS_FCNTL:
            return self
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            return self
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self.handle = fd
                return self
            except OSError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    return self
                time.sleep(0.05)

    def __exit__(self, *exc):
        if self.handle is not None:
            try:
                fcntl.flock(self.handle, fcntl.LOCK_UN)
            finally:
                os.close(self.handle)
                self.handle = None
        return False


class TokenCache(object):
    """The on-disk token cache. ``enabled=False`` turns every method into a no-op (``load`` returns None)."""

    def __init__(self, directory=None, enabled=True, lock_timeout=90):
        self.directory = os.path.abspath(os.path.expanduser(directory or DEFAULT_DIR))
        self.enabled = enabled
        self.lock_timeout = lock_timeout

    def _ensure_dir(self):
        if not os.path.isdir(self.directory):
            os.makedirs(self.directory, mode=0o700, exist_ok=True)
        if os.stat(self.directory).st_mode & 0o777 != 0o700:
            os.chmod(self.directory, 0o700)

    def path(self, key):
        """The file of ``key``."""
        return os.path.join(self.directory, "%s.json" % key)

    def load(self, key):
        """The cached entry of ``key`` if it is still fresh, else None (missing, expired or unreadable)."""
        if not self.enabled:
            return None
        try:
            with open(self.path(key), "r") as handle:
                info = os.fstat(handle.fileno())
                if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & 0o077):
                    return None  # only trust files this user wrote with mode 0600
                entry = json.load(handle)
        except (OSError, ValueError):
            return None
        return entry if is_fresh(entry) else None

    def store(self, key, entry):
        """Write ``entry`` (token, expires_at, catalog, project_id, ...) atomically with mode 0600."""
        if not self.enabled:
            return
        try:
            self._ensure_dir()
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=self.directory)
        except OSError:
            return
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w") as handle:
                json.dump(entry, handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path(key))
        except OSError:
            try:
                os.unlink(tmp)
            except OSError:
                pass

    def drop(self, key):
        """Delete the entry of ``key`` (after a 401); missing files are fine."""
        if not self.enabled:
            return
        try:
            os.unlink(self.path(key))
        except OSError:
            pass

    def lock(self, key):
        """A context manager that holds an exclusive lock for ``key`` while a token is fetched."""
        if not self.enabled:
            return _NoLock()
        try:
            self._ensure_dir()
        except OSError:
            return _NoLock()
        return _Lock(os.path.join(self.directory, "%s.lock" % key), self.lock_timeout)


class _NoLock(object):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cross-process cache of IAM tokens obtained with a password.

Each Ansible task is a new process; without a cache every task would ask IAM for a new token.

* one JSON file per credential set, named by an HMAC of ``cache_key(...)`` under a random key that the cache
  keeps in ``<dir>/.key`` (0600): a file name reveals nothing about the credentials, not even to a guesser;
* the cache trusts nothing it did not make: the directory must not be a symlink and must belong to the running
  user (else a warning, and the run goes on without a cache); files and lock files are opened relative to the
  directory with ``O_NOFOLLOW`` and ``O_NONBLOCK`` and must be regular files of this user with mode 0600; an
  entry of the wrong shape is deleted and replaced, never shown, never fatal; a cache that cannot be written
  warns once per run;
* the directory is created with mode 0700, files are written with mode 0600, atomically
  (temporary file in the same directory, then ``os.replace``), so parallel forks never read half a file;
* an entry is reused until 5 minutes before its ``expires_at``, or, for a token that lives less than 10 minutes,
  until half its lifetime (``expires_at - issued_at``) before it, so short-lived tokens are still reused;
* ``lock(key)`` serialises the processes that miss at the same moment, so only one of them asks IAM.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import binascii
import calendar
import hashlib
import hmac
import json
import os
import stat
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


# Flags of every open in the cache: never follow a symlink, never block on a FIFO or a device.
_OPEN_FLAGS = os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
KEY_FILE = ".key"
KEY_BYTES = 32
# Entries larger than this are not ours.
MAX_ENTRY_BYTES = 1024 * 1024


class UntrustedCache(Exception):
    """The cache directory or one of its files is not what this cache made; the message names the reason."""


def _trusted_regular(info):
    """True when ``info`` (an ``os.stat_result``) is a regular file of the running user with no group/other access."""
    if not stat.S_ISREG(info.st_mode):
        return False
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return False
    return not info.st_mode & 0o077


def entry_is_valid(entry):
    """True when ``entry`` has the shape this cache writes (a token and an expiry, both strings)."""
    return (isinstance(entry, dict) and isinstance(entry.get("token"), str) and bool(entry.get("token"))
            and isinstance(entry.get("expires_at"), str) and parse_expiry(entry.get("expires_at")) is not None
            and isinstance(entry.get("catalog", []), list))


class _Lock(object):
    """An advisory exclusive lock on ``<dir>/<name>.lock`` (bounded wait; a no-op when it cannot be taken)."""

    def __init__(self, cache, name, timeout):
        self.cache = cache
        self.name = name
        self.timeout = timeout
        self.handle = None

    def __enter__(self):
        if not HAS_FCNTL:
            return self
        try:
            fd = self.cache.open_file(self.name, os.O_RDWR | os.O_CREAT)
        except (OSError, UntrustedCache):
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
    """The on-disk token cache. ``enabled=False`` turns every method into a no-op (``load`` returns None).

    A cache whose directory cannot be trusted disables itself with a warning (``pop_warnings()``); one that
    cannot be written warns once and goes on (tokens then live for the run only).
    """

    def __init__(self, directory=None, enabled=True, lock_timeout=90):
        self.directory = os.path.abspath(os.path.expanduser(directory or DEFAULT_DIR))
        self.enabled = enabled
        self.lock_timeout = lock_timeout
        self._key = None
        self._warnings = []
        self._warned = set()

    # -- warnings --------------------------------------------------------------------------------------
    def _warn(self, kind, text):
        if kind not in self._warned:
            self._warned.add(kind)
            self._warnings.append(text)

    def pop_warnings(self):
        """The warnings since the last call (each kind at most once per run)."""
        out, self._warnings = self._warnings, []
        return out

    def _distrust(self, reason):
        self.enabled = False
        self._warn("untrusted", "The token cache %s is not used: %s. Tokens are kept for this task only; fix the "
                   "directory or set token_cache_dir (HW_TOKEN_CACHE_DIR) to a directory of your own."
                   % (self.directory, reason))

    def _unwritable(self, exc):
        self._warn("unwritable", "The token cache %s cannot be written (%s): every task asks IAM for a new token. "
                   "Fix its permissions or set token_cache_dir (HW_TOKEN_CACHE_DIR)."
                   % (self.directory, exc.strerror or type(exc).__name__))

    # -- the directory ---------------------------------------------------------------------------------
    def _check_dir_stat(self, info):
        if stat.S_ISLNK(info.st_mode):
            raise UntrustedCache("it is a symbolic link")
        if not stat.S_ISDIR(info.st_mode):
            raise UntrustedCache("it is not a directory")
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            raise UntrustedCache("it belongs to another user (uid %d)" % info.st_uid)

    def _open_dir(self, create):
        """A file descriptor of the directory, checked; None when it does not exist and ``create`` is False."""
        try:
            info = os.lstat(self.directory)
        except FileNotFoundError:
            if not create:
                return None
            os.makedirs(self.directory, mode=0o700, exist_ok=True)
            info = os.lstat(self.directory)
        self._check_dir_stat(info)
        fd = os.open(self.directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _OPEN_FLAGS)
        try:
            info = os.fstat(fd)
            self._check_dir_stat(info)
            if stat.S_IMODE(info.st_mode) != 0o700:
                os.fchmod(fd, 0o700)
        except BaseException:
            os.close(fd)
            raise
        return fd

    def _with_dir(self, create, action, default=None):
        """Run ``action(dir_fd)``; an untrusted directory disables the cache, OS errors give ``default``."""
        if not self.enabled:
            return default
        try:
            fd = self._open_dir(create)
        except UntrustedCache as exc:
            self._distrust(str(exc))
            return default
        except OSError as exc:
            if create:
                self._unwritable(exc)
            return default
        if fd is None:
            return default
        try:
            return action(fd)
        finally:
            os.close(fd)

    # -- files -----------------------------------------------------------------------------------------
    @staticmethod
    def _open_in(dir_fd, name, flags, mode=0o600):
        """Open ``name`` in the directory without following links or blocking; only our regular 0600 files."""
        fd = os.open(name, flags | _OPEN_FLAGS, mode, dir_fd=dir_fd)
        try:
            info = os.fstat(fd)
            if not _trusted_regular(info):
                raise UntrustedCache("%s is not a regular 0600 file of this user" % name)
        except BaseException:
            os.close(fd)
            raise
        return fd

    def open_file(self, name, flags):
        """``_open_in`` for a name in the cache directory (used by the lock); creates the directory if needed."""
        dir_fd = self._open_dir(create=True)
        try:
            return self._open_in(dir_fd, name, flags)
        finally:
            os.close(dir_fd)

    @staticmethod
    def _write_new(dir_fd, data):
        """Write ``data`` to a new temporary 0600 file in the directory; returns its name."""
        for dummy in range(10):
            name = ".tmp-%s" % binascii.hexlify(os.urandom(8)).decode("ascii")
            try:
                fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _OPEN_FLAGS, 0o600, dir_fd=dir_fd)
            except FileExistsError:
                continue
            try:
                os.fchmod(fd, 0o600)
                os.write(fd, data)
                os.fsync(fd)
            except BaseException:
                os.close(fd)
                _unlink(dir_fd, name)
                raise
            os.close(fd)
            return name
        raise OSError("no free temporary name in the token cache")

    def _read_key(self, dir_fd):
        try:
            fd = self._open_in(dir_fd, KEY_FILE, os.O_RDONLY)
        except FileNotFoundError:
            return None
        try:
            raw = os.read(fd, 4 * KEY_BYTES)
        finally:
            os.close(fd)
        try:
            key = binascii.unhexlify(raw.strip())
        except (binascii.Error, ValueError):
            return None
        return key if len(key) == KEY_BYTES else None

    def _name_key(self, dir_fd, create):
        """The random key of this cache (``.key``); made on first use, replaced when it has the wrong shape."""
        if self._key is not None:
            return self._key
        try:
            key = self._read_key(dir_fd)
        except UntrustedCache:
            _unlink(dir_fd, KEY_FILE)
            key = None
        if key is None and create:
            tmp = self._write_new(dir_fd, binascii.hexlify(os.urandom(KEY_BYTES)))
            try:
                try:
                    os.link(tmp, KEY_FILE, src_dir_fd=dir_fd, dst_dir_fd=dir_fd, follow_symlinks=False)
                except FileExistsError:
                    # another process made one at the same moment (use it), or a bad one is there (replace it)
                    if self._safe_read_key(dir_fd) is None:
                        os.replace(tmp, KEY_FILE, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
            finally:
                _unlink(dir_fd, tmp)
            key = self._safe_read_key(dir_fd)
        self._key = key
        return key

    def _safe_read_key(self, dir_fd):
        try:
            return self._read_key(dir_fd)
        except UntrustedCache:
            return None

    def file_name(self, key, dir_fd=None, create=False):
        """The file name of ``key``: an HMAC under the cache's random key (None while there is no key)."""
        if dir_fd is None:
            return self._with_dir(create, lambda fd: self.file_name(key, fd, create))
        name_key = self._name_key(dir_fd, create)
        if name_key is None:
            return None
        return hmac.new(name_key, key.encode("utf-8"), hashlib.sha256).hexdigest() + ".json"

    def path(self, key):
        """The file of ``key`` (None when the cache has no key yet)."""
        name = self.file_name(key)
        return os.path.join(self.directory, name) if name else None

    # -- entries ---------------------------------------------------------------------------------------
    def load(self, key):
        """The cached entry of ``key`` if it is still fresh, else None (missing, expired, untrusted or unreadable).

        An entry of the wrong shape (or a file that is not ours) is deleted, so the next ``store`` replaces it."""
        return self._with_dir(False, lambda fd: self._load(fd, key))

    def _load(self, dir_fd, key):
        name = self.file_name(key, dir_fd)
        if name is None:
            return None
        try:
            fd = self._open_in(dir_fd, name, os.O_RDONLY)
        except FileNotFoundError:
            return None
        except (OSError, UntrustedCache):
            _unlink(dir_fd, name)  # a link, a FIFO, someone else's file: not an entry of ours
            return None
        try:
            raw = os.read(fd, MAX_ENTRY_BYTES + 1)
        except OSError:
            raw = b""
        finally:
            os.close(fd)
        try:
            entry = json.loads(raw.decode("utf-8")) if len(raw) <= MAX_ENTRY_BYTES else None
        except ValueError:
            entry = None
        if not entry_is_valid(entry):
            _unlink(dir_fd, name)
            return None
        return entry if is_fresh(entry) else None

    def store(self, key, entry):
        """Write ``entry`` (token, expires_at, catalog, project_id, ...) atomically with mode 0600."""
        self._with_dir(True, lambda fd: self._store(fd, key, entry))

    def _store(self, dir_fd, key, entry):
        try:
            name = self.file_name(key, dir_fd, create=True)
            if name is None:
                raise OSError("the key of the token cache could not be made")
            tmp = self._write_new(dir_fd, json.dumps(entry).encode("utf-8"))
            try:
                os.replace(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
            except OSError:
                _unlink(dir_fd, tmp)
                raise
        except OSError as exc:
            self._unwritable(exc)

    def drop(self, key):
        """Delete the entry of ``key`` (after a 401); missing files are fine."""
        def action(dir_fd):
            name = self.file_name(key, dir_fd)
            if name:
                _unlink(dir_fd, name)
        self._with_dir(False, action)

    def lock(self, key):
        """A context manager that holds an exclusive lock for ``key`` while a token is fetched."""
        name = self.file_name(key, create=True) if self.enabled else None
        if not name:
            return _NoLock()
        return _Lock(self, name[:-len(".json")] + ".lock", self.lock_timeout)


def _unlink(dir_fd, name):
    try:
        os.unlink(name, dir_fd=dir_fd)
    except OSError:
        pass


class _NoLock(object):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

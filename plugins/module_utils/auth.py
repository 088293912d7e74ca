# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credential sets, per-service precedence and password-token acquisition.

Precedence (documented in the ``fleetops.cloud.auth`` fragment):

* ``ucs`` and ``bce``: AK/SK, then ``token``, then ``user_name``/``password``;
* ``orchestration``: ``token``, then ``user_name``/``password``; AK/SK alone is refused;
* ``iam`` (discovery calls): AK/SK, then ``token``, then password.

UCS is global: a password gives a DOMAIN-scoped token. BCE and orchestration get a PROJECT-scoped token
(``project_id``, else ``project_name`` in the user's domain, ``project_name`` defaulting to ``region``).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time

from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ConfigurationError

# token_cache (file locking, HMAC file names) is imported by PasswordTokens only: AK/SK and token runs never load it.

AKSK = "aksk"
TOKEN = "token"
PASSWORD = "password"

SERVICES = ("iam", "ucs", "bce", "orchestration")
# Scope of a password token per service.
TOKEN_SCOPE = {"iam": "project", "ucs": "domain", "bce": "project", "orchestration": "project"}

# Option names holding secrets: never logged, returned or put in messages.
SECRET_OPTIONS = ("secret_key", "security_token", "password", "token")


def _value(params, name):
    value = params.get(name)
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
    return value


class Credentials(object):
    """The credential options of a module, validated as complete sets.

    Attributes mirror the options: ``access_key``, ``secret_key``, ``security_token``, ``user_name``,
    ``password``, ``domain_name``, ``domain_id``, ``project_name``, ``project_id``, ``token``, ``region``.
    """

    FIELDS = ("access_key", "secret_key", "security_token", "user_name", "password", "domain_name", "domain_id",
              "project_name", "project_id", "token", "region")

    def __init__(self, params):
        params = params or {}
        for name in self.FIELDS:
            setattr(self, name, _value(params, name))

    @property
    def has_aksk(self):
        """True when a complete AK/SK pair is set."""
        return bool(self.access_key and self.secret_key)

    @property
    def has_password(self):
        """True when a complete password set (user, password, domain name or id) is set."""
        return bool(self.user_name and self.password and (self.domain_name or self.domain_id))

    def validate(self):
        """Raise one ``ConfigurationError`` naming every incomplete credential set (no I/O)."""
        problems = []
        if self.access_key and not self.secret_key:
            problems.append("access_key is set but secret_key is missing")
        if self.secret_key and not self.access_key:
            problems.append("secret_key is set but access_key is missing")
        if self.security_token and not (self.access_key and self.secret_key):
            problems.append("security_token needs access_key and secret_key (temporary AK/SK credentials)")
        if self.user_name and not self.password:
            problems.append("user_name is set but password is missing")
        if self.password and not self.user_name:
            problems.append("password is set but user_name is missing")
        if self.user_name and not (self.domain_name or self.domain_id):
            problems.append("user_name is set but neither domain_name nor domain_id is set")
        if problems:
            raise ConfigurationError("Incomplete credentials: %s." % "; ".join(problems))
        if not (self.has_aksk or self.token or self.has_password):
            raise ConfigurationError(
                "No credentials: set access_key and secret_key, or token, or user_name, password and domain_name "
                "(options or the HW_* environment variables).")

    def method_for(self, service):
        """The auth method (``aksk``, ``token`` or ``password``) a service uses with these credentials."""
        self.validate()
        if service == "orchestration":
            if self.token:
                return TOKEN
            if self.has_password:
                return PASSWORD
            raise ConfigurationError(
                "The orchestration service needs a token or user_name/password/domain_name; it cannot use "
                "access_key/secret_key (AK/SK) signing.")
        if self.has_aksk:
            return AKSK
        if self.token:
            return TOKEN
        return PASSWORD

    def secrets(self):
        """The secret values set (for scrubbing output)."""
        return [v for v in (self.secret_key, self.security_token, self.password, self.token) if v]


def password_auth_body(creds, scope, project_id=None, project_name=None):
    """The ``POST /v3/auth/tokens`` body for the password method with a ``domain`` or ``project`` scope."""
    domain = {"id": creds.domain_id} if creds.domain_id and not creds.domain_name else {"name": creds.domain_name}
    body = {"auth": {"identity": {"methods": ["password"],
                                  "password": {"user": {"name": creds.user_name, "password": creds.password,
                                                        "domain": domain}}}}}
    if scope == "domain":
        body["auth"]["scope"] = {"domain": dict(domain)}
    elif project_id:
        body["auth"]["scope"] = {"project": {"id": project_id}}
    elif project_name:
        body["auth"]["scope"] = {"project": {"name": project_name, "domain": dict(domain)}}
    # neither: no scope, and Keystone scopes the token to the user's default project
    return body


def scope_label(creds, scope, project_id=None, project_name=None):
    """A stable text naming the scope (part of the cache key)."""
    if scope == "domain":
        return "domain:%s" % (creds.domain_id or creds.domain_name or "")
    if project_id:
        return "project-id:%s" % project_id
    if not project_name:
        return "project-default"
    return "project-name:%s" % project_name


def entry_from_token_response(token, body, now=None):
    """A cache entry from the token and the body of a token response (or a token validation).

    ``issued_at`` is the token's own, else ``now`` (default: the current time): it sets the expiry margin of
    short-lived tokens (see ``token_cache.expiry_margin``).
    """
    info = (body or {}).get("token") if isinstance(body, dict) else None
    info = info if isinstance(info, dict) else {}
    project = info.get("project") if isinstance(info.get("project"), dict) else {}
    domain = info.get("domain") if isinstance(info.get("domain"), dict) else {}
    user = info.get("user") if isinstance(info.get("user"), dict) else {}
    user_domain = user.get("domain") if isinstance(user.get("domain"), dict) else {}
    return {
        "token": token,
        "expires_at": info.get("expires_at"),
        "issued_at": info.get("issued_at") or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() if now is None else now)),
        "catalog": info.get("catalog") if isinstance(info.get("catalog"), list) else [],
        "project_id": project.get("id"),
        "project_name": project.get("name"),
        "domain_id": domain.get("id") or (project.get("domain") or {}).get("id") or user_domain.get("id"),
    }


class PasswordTokens(object):
    """Password tokens per scope, through the on-disk cache.

    ``issue(body)`` is a callable (given by the client) that posts the body to ``{iam}/auth/tokens`` and returns
    ``(token, response_body)``; it raises ``ApiError`` (a 401 there is final, never retried).
    """

    def __init__(self, creds, cache, auth_url, issue):
        self.creds = creds
        self.cache = cache
        self.auth_url = auth_url
        self.issue = issue
        self.memory = {}
        self.issued = 0

    def _key(self, label):
        from ansible_collections.fleetops.cloud.plugins.module_utils.token_cache import cache_key  # password path only
        return cache_key(self.auth_url, self.creds.user_name, self.creds.domain_id or self.creds.domain_name,
                         label, self.creds.password)

    def get(self, scope, project_id=None, project_name=None):
        """The entry (``token``, ``expires_at``, ``catalog``, ``project_id``, ``domain_id``) for a scope."""
        from ansible_collections.fleetops.cloud.plugins.module_utils.token_cache import (  # password path only
            EXPIRY_MARGIN, expiry_margin, is_fresh)
        label = scope_label(self.creds, scope, project_id, project_name)
        entry = self.memory.get(label)
        # A token this run already holds is reused while fresh (5 minutes before expiry for normal tokens). A
        # short-lived one (under 10 minutes, see token_cache.expiry_margin) is used until the API rejects it:
        # the 401 then gets exactly one new token, where an early refresh would ask IAM twice per lifetime.
        if entry and (is_fresh(entry) or not entry.get("expires_at") or expiry_margin(entry) < EXPIRY_MARGIN):
            return entry
        key = self._key(label)
        entry = self.cache.load(key)
        if entry is None:
            with self.cache.lock(key):
                entry = self.cache.load(key)
                if entry is None:
                    token, body = self.issue(password_auth_body(self.creds, scope, project_id, project_name))
                    self.issued += 1
                    entry = entry_from_token_response(token, body)
                    self.cache.store(key, entry)
        self.memory[label] = entry
        return entry

    def invalidate(self, scope, project_id=None, project_name=None):
        """Forget the token of a scope (memory and disk), after a 401."""
        label = scope_label(self.creds, scope, project_id, project_name)
        self.memory.pop(label, None)
        self.cache.drop(self._key(label))

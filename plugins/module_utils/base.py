# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``FleetopsModule``: the base of every fleetops.cloud module.

    class PolicyModule(FleetopsModule):
        def __init__(self):
            super().__init__(argument_spec=dict(name=dict(type="str", required=True)), supports_check_mode=True)
            self.api = UcsApi(self.client)          # lazy: no I/O until the first call

        def run(self):
            ...
            self.exit(changed=changed, before=current, after=desired, policy=desired)

    def main():
        PolicyModule().execute()

It merges ``AUTH_ARGUMENT_SPEC`` (the ``fleetops.cloud.auth`` fragment) into the module's spec, builds the
``CloudClient`` lazily, maps errors to ``fail_json``, adds ``diff`` in diff mode, refuses to wait in check mode,
and removes every known secret value from results and messages.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import binascii
import copy
import json
import os

from ansible.module_utils.basic import AnsibleModule, env_fallback

from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ApiError, ConfigurationError, OutcomeUnknownError
from ansible_collections.fleetops.cloud.plugins.module_utils.waiter import WaitError, WaitTimeout, wait_for
from ansible_collections.fleetops.cloud.plugins.module_utils.compare import differences, is_unset, normalize, pick


AUTH_ARGUMENT_SPEC = dict(
    access_key=dict(type="str", no_log=False, fallback=(env_fallback, ["HW_ACCESS_KEY"])),
    secret_key=dict(type="str", no_log=True, fallback=(env_fallback, ["HW_SECRET_KEY"])),
    security_token=dict(type="str", no_log=True, fallback=(env_fallback, ["HW_SECURITY_TOKEN"])),
    auth_url=dict(type="str", fallback=(env_fallback, ["HW_AUTH_URL", "OS_AUTH_URL"])),
    user_name=dict(type="str", fallback=(env_fallback, ["HW_USER_NAME", "OS_USERNAME"])),
    password=dict(type="str", no_log=True, fallback=(env_fallback, ["HW_USER_PASSWORD", "OS_PASSWORD"])),
    domain_name=dict(type="str", fallback=(env_fallback, ["HW_DOMAIN_NAME", "OS_USER_DOMAIN_NAME"])),
    domain_id=dict(type="str", fallback=(env_fallback, ["HW_DOMAIN_ID"])),
    project_name=dict(type="str", fallback=(env_fallback, ["HW_PROJECT_NAME", "OS_PROJECT_NAME"])),
    project_id=dict(type="str", fallback=(env_fallback, ["HW_PROJECT_ID"])),
    token=dict(type="str", no_log=True, fallback=(env_fallback, ["HW_AUTH_TOKEN", "OS_AUTH_TOKEN"])),
    region=dict(type="str", fallback=(env_fallback, ["HW_REGION_NAME", "OS_REGION_NAME"])),
    validate_certs=dict(type="bool", default=True, fallback=(env_fallback, ["HW_VALIDATE_CERTS"])),
    ca_path=dict(type="path", fallback=(env_fallback, ["HW_CA_PATH"])),
    api_timeout=dict(type="int", default=60),
    max_retries=dict(type="int", default=5),
    endpoints=dict(type="dict", options=dict(
        iam=dict(type="str"),
        ucs=dict(type="str"),
        bce=dict(type="str"),
        orchestration=dict(type="str"),
    )),
    token_cache=dict(type="bool", default=True, no_log=False, fallback=(env_fallback, ["HW_TOKEN_CACHE"])),
    token_cache_dir=dict(type="path", default="~/.cache/fleetops/tokens", no_log=False, fallback=(env_fallback, ["HW_TOKEN_CACHE_DIR"])),
)

# How many times a write whose answer may be lost is sent at most, each time only after the state read back showed
# that it did not take effect (``confirmed_write``, ``create_or_find``).
MAX_SENDS = 4


def may_hide_a_write(exc):
    """Whether a failed write may have taken effect all the same: a lost answer, no answer at all, or a 5xx."""
    return isinstance(exc, OutcomeUnknownError) or exc.status is None or exc.status >= 500


# Options whose values are secrets (removed from every result and message).
SECRET_OPTIONS = ("secret_key", "security_token", "password", "token")
REDACTED = "********"


def auth_argument_spec():
    """A deep copy of ``AUTH_ARGUMENT_SPEC`` (for modules or plugins that build their own spec)."""
    return copy.deepcopy(AUTH_ARGUMENT_SPEC)


# Keys of a kubeconfig ``users[].user`` entry whose values are not secret.
_KUBECONFIG_PUBLIC_KEYS = ("username", "as", "as-groups", "as-uid", "apiVersion", "command", "installHint",
                           "interactiveMode", "provideClusterInfo", "name")
# A kubeconfig file read for its secret values is at most this large (bigger files are not kubeconfigs).
_KUBECONFIG_MAX_BYTES = 1024 * 1024


def _string_leaves(value, skip=()):
    """Every string inside ``value`` (dicts and lists walked), except under the keys in ``skip``."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in skip:
                yield from _string_leaves(item, skip)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _string_leaves(item, skip)


def _parse_kubeconfig(value):
    """``value`` (text or dict) as a kubeconfig dict, or None; YAML is imported only when a value needs it."""
    if isinstance(value, dict):
        doc = value
    elif isinstance(value, str) and "users" in value:
        text = value.strip()
        doc = None
        if text[:1] == "{":
            try:
                doc = json.loads(text)
            except ValueError:
                doc = None
        if doc is None:
            try:
                import yaml
                doc = yaml.safe_load(text)
            except Exception:  # pylint: disable=broad-except
                # not YAML either (or no PyYAML): whatever it is, it is no kubeconfig we can read
                return None
    else:
        return None
    if not isinstance(doc, dict) or not isinstance(doc.get("users"), list):
        return None
    return doc


def decoded_secret_forms(value):
    """The forms a base64 secret ``value`` also travels in: decoded, and a decoded PEM body's lines without their
    armour. ``[]`` when ``value`` is not base64 of UTF-8 text."""
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return []
    return [decoded] + [line for line in decoded.splitlines() if len(line) >= 16 and not line.startswith("-----")]


def kubeconfig_secrets(value):
    """The secret values inside a kubeconfig (text or dict): tokens, passwords, client keys and certificates,
    auth-provider and exec credentials, each also base64-decoded when it is ``*-data``. ``[]`` for non-kubeconfigs."""
    doc = _parse_kubeconfig(value)
    if doc is None:
        return []
    found = []
    for user in doc.get("users") or []:
        entry = user.get("user") if isinstance(user, dict) else None
        if not isinstance(entry, dict):
            continue
        for key, item in entry.items():
            if key in _KUBECONFIG_PUBLIC_KEYS:
                continue
            if key == "exec" and isinstance(item, dict):
                # exec credentials: the environment values may hold secrets, the command does not
                found.extend(_string_leaves(item.get("env") or [], skip=("name",)))
                continue
            for leaf in _string_leaves(item):
                found.append(leaf)
                if key.endswith("-data"):
                    found.extend(decoded_secret_forms(leaf))
    return [item for item in found if isinstance(item, str) and len(item.strip()) >= 6]


def _read_small_file(path):
    try:
        path = os.path.expanduser(path)
        if os.path.getsize(path) > _KUBECONFIG_MAX_BYTES:
            return None
        with open(path, "r", encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except (OSError, TypeError, ValueError):
        return None


def scrub(value, secrets):
    """Return ``value`` with every occurrence of a secret string replaced by ``********`` (recursively)."""
    secrets = [s for s in secrets if isinstance(s, str) and len(s) >= 3]
    if not secrets:
        return value
    if isinstance(value, str):
        for secret in sorted(secrets, key=len, reverse=True):
            if secret in value:
                value = value.replace(secret, REDACTED)
        return value
    if isinstance(value, dict):
        return dict((scrub(k, secrets), scrub(v, secrets)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return type(value)(scrub(v, secrets) for v in value)
    return value


class FleetopsModule(object):
    """Base class of the fleetops.cloud modules.

    ``argument_spec``: the module's own options (they win over the auth options on a name clash);
    ``auth=False`` leaves the auth options out; other keyword arguments go to ``AnsibleModule``
    (``supports_check_mode``, ``required_if``, ...).
    Subclasses implement ``run()`` and end it with ``self.exit(...)``.
    """

    def __init__(self, argument_spec=None, auth=True, **kwargs):
        # auth=False: a module that talks to a Kubernetes API with a kubeconfig, not to the cloud APIs
        spec = auth_argument_spec() if auth else {}
        spec.update(argument_spec or {})
        self.module = AnsibleModule(argument_spec=spec, **kwargs)
        self.params = self.module.params
        self._client = None
        self.wait_history = []
        # Values a module registered with ``add_secret`` (credentials it read or received from an API).
        self._added_secrets = []
        # Secret values derived from the options (no_log values, kubeconfig contents), computed on first use.
        self._option_secrets = None

    # -- properties --------------------------------------------------------------------------------------
    @property
    def check_mode(self):
        """True in check mode."""
        return self.module.check_mode

    @property
    def diff_mode(self):
        """True in diff mode (``--diff``)."""
        return bool(getattr(self.module, "_diff", False))

    @property
    def client(self):
        """The ``CloudClient``, created on first access (no I/O until its first call)."""
        if self._client is None:
            from ansible_collections.fleetops.cloud.plugins.module_utils.client import CloudClient
            self._client = CloudClient(self.params)
        return self._client

    @client.setter
    def client(self, value):
        self._client = value

    def secrets(self):
        """Every secret value known to this run, for scrubbing results, messages and warnings:

        the auth secret options (whatever their source, option or environment), every ``no_log`` option of the
        module's argument spec (nested suboptions included, as AnsibleModule found them), the values inside any of
        them that is a kubeconfig and inside the files of ``*kubeconfig_path`` options, the tokens the client
        issued or read from the cache, and whatever the module registered with ``add_secret``.
        """
        found = [self.params.get(name) for name in SECRET_OPTIONS if self.params.get(name)]
        found.extend(self._secrets_of_options())
        found.extend(self._added_secrets)
        if self._client is not None:
            found.extend(self._client.secrets())
        return [value for value in found if isinstance(value, str) and value]

    def _secrets_of_options(self):
        if self._option_secrets is None:
            values = [v for v in getattr(self.module, "no_log_values", ()) if isinstance(v, str)]
            derived = []
            for value in values:
                derived.extend(kubeconfig_secrets(value))
            for name, value in self.params.items():
                if name.endswith("kubeconfig_path") and isinstance(value, str) and value:
                    derived.extend(kubeconfig_secrets(_read_small_file(value)))
                elif name.endswith("kubeconfig") and isinstance(value, dict):
                    derived.extend(kubeconfig_secrets(value))
            self._option_secrets = values + derived
            for value in derived:
                self._no_log(value)
        return self._option_secrets

    def _no_log(self, value):
        """Add ``value`` to AnsibleModule's own ``no_log_values`` (so its output filter removes it too)."""
        if isinstance(value, str) and len(value) >= 3:
            try:
                self.module.no_log_values.add(value)
            except AttributeError:  # a stand-in module in tests
                pass

    def add_secret(self, value):
        """Register a secret value found at run time (a credential read from a file, a kubeconfig or certificate
        returned by the API): it is removed from every result, message and warning of this run. A kubeconfig
        (text or dict) also registers the tokens, passwords and keys inside it."""
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        inner = kubeconfig_secrets(value)
        values = ([value] if isinstance(value, str) else []) + inner
        for item in values:
            if isinstance(item, str) and len(item) >= 3 and item not in self._added_secrets:
                self._added_secrets.append(item)
                self._no_log(item)

    def warn(self, msg):
        """``AnsibleModule.warn`` with every known secret removed from the text."""
        self.module.warn(scrub(msg, self.secrets()))

    def _flush_client_warnings(self):
        """Give the warnings of the client (plain http, TLS verification off, token cache) to Ansible, once each."""
        if self._client is None:
            return
        for text in self._client.pop_warnings():
            self.warn(text)

    # -- running -----------------------------------------------------------------------------------------
    def run(self):
        """Implemented by each module: do the work and call ``self.exit(...)``."""
        raise NotImplementedError

    def execute(self):
        """Run the module, mapping errors to ``fail_json``.

        ``ApiError``/``OutcomeUnknownError`` → ``msg`` (sentence with hint) and ``error`` (``to_dict()``);
        ``ConfigurationError`` → ``msg``; ``WaitFailure``/``WaitTimeout`` → ``msg``, ``status``, ``status_history``
        and the last object seen as ``last``.
        """
        try:
            self.run()
        except ApiError as exc:
            self.fail(exc.full_message(), error=exc.to_dict())
        except ConfigurationError as exc:
            self.fail(str(exc))
        except WaitError as exc:
            kind = "timed out" if isinstance(exc, WaitTimeout) else "failed"
            self.fail("Waiting %s: %s" % (kind, exc.message), status=exc.status, status_history=exc.history,
                      last=exc.last)
        finally:
            if self._client is not None:
                self._client.close()

    def fail(self, msg, **extra):
        """``fail_json`` with secrets scrubbed from the message and the extra values."""
        self._flush_client_warnings()
        secrets = self.secrets()
        for value in secrets:
            self._no_log(value)
        extra = scrub(extra, secrets)
        self.module.fail_json(msg=scrub(msg, secrets), **extra)

    def exit(self, changed, before=None, after=None, **result):
        """``exit_json(changed=..., **result)``, plus ``diff={before, after}`` in diff mode; secrets scrubbed."""
        self._flush_client_warnings()
        secrets = self.secrets()
        for value in secrets:
            self._no_log(value)
        result = dict(result)
        if self.diff_mode:
            result["diff"] = dict(before=normalize(before) if before is not None else {},
                                  after=normalize(after) if after is not None else {})
        result["changed"] = bool(changed)
        if self.wait_history and "status_history" not in result:
            result["status_history"] = self.wait_history
        self.module.exit_json(**scrub(result, secrets))

    def wait(self, fetch, status_of, targets, failures=(), timeout=600, delay=1, max_delay=10, on_progress=None):
        """``waiter.wait_for`` that records transitions in ``self.wait_history``; refuses in check mode.

        Raises ``ConfigurationError`` in check mode (a module must not wait for changes it did not make).
        """
        if self.check_mode:
            raise ConfigurationError("Refusing to wait in check mode: nothing was changed, so there is nothing to wait for.")
        return wait_for(fetch, status_of, targets, failures, timeout=timeout, delay=delay, max_delay=max_delay,
                        on_progress=on_progress, history=self.wait_history)

    def confirmed_write(self, send, applied, resend=True):
        """Run a write that is not a create, and decide from the state (not from the answer) whether it took effect.

        ``send()`` makes the call (with ``create=True`` on the client, so the transport never re-sends it blindly);
        ``applied()`` reads the state back and returns True when the write's effect is there. Whenever ``send``
        fails (an answer that may be lost, or a refusal that may come from an earlier attempt that did apply), the
        state is read back: if the effect is there the write counts as done (``changed: true``, no error); if not
        and the answer may have been lost, it is sent again, up to ``MAX_SENDS`` sends in all, when ``resend`` is
        True (never for writes that mint a credential: pass ``resend=False``); otherwise the error is raised.
        Returns ``send()``'s result, or None when the effect was found by reading back.
        """
        sends = MAX_SENDS if resend else 1
        for attempt in range(1, sends + 1):
            try:
                return send()
            except ApiError as exc:
                try:
                    done = applied()
                except ApiError:
                    raise exc
                if done:
                    return None
                if not may_hide_a_write(exc) or attempt == sends:
                    raise
        return None  # not reached: the last attempt returns or raises

    @staticmethod
    def create_or_find(send, find):
        """Create a resource whose name is unique in the account, surviving lost answers.

        ``send()`` makes the create call (``create=True``: never re-sent by the transport); ``find()`` looks the
        resource up by its name and returns it or None. After an answer that may be lost (no answer, or a 5xx: a
        gateway may have forwarded the create), the name decides: found means the create happened; absent means it
        did not, so it is sent again, up to ``MAX_SENDS`` sends in all (the name is unique, so a create that did
        happen after all is refused as a duplicate, never made twice). A refusal of the first send is final.
        Returns ``(send_result, None)`` or ``(None, found)``; raises the last error when neither answer nor name
        shows it.
        """
        for attempt in range(1, MAX_SENDS + 1):
            try:
                return send(), None
            except ApiError as exc:
                if attempt == 1 and not may_hide_a_write(exc):
                    raise
                # a later refusal may come from an earlier send that took the name after all
                try:
                    found = find()
                except ApiError:
                    raise exc
                if found is not None:
                    return None, found
                if not may_hide_a_write(exc) or attempt == MAX_SENDS:
                    raise
        return None, None  # not reached: the last attempt returns or raises

    # -- idempotency helpers -------------------------------------------------------------------------------
    @staticmethod
    def differences(desired, current, unordered_paths=()):
        """See ``compare.differences``: dotted paths where the user-set values differ from the current object."""
        return differences(desired, current, unordered_paths)

    @staticmethod
    def is_unset(value):
        """See ``compare.is_unset``: True only for None."""
        return is_unset(value)

    @staticmethod
    def normalize(value):
        """See ``compare.normalize``."""
        return normalize(value)

    @staticmethod
    def pick(mapping, *keys, **kwargs):
        """See ``compare.pick``: the first present spelling of a key."""
        return pick(mapping, *keys, **kwargs)

    def set_options(self, *names):
        """A dict of the named options the user set (None values left out): the base of a desired object."""
        return dict((name, self.params[name]) for name in names if self.params.get(name) is not None)

# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: ucs_fleet_kubeconfig
short_description: Download the kubeconfig of a federated Huawei Cloud UCS fleet
version_added: 0.1.0
description:
  - Downloads the kubeconfig of the federation (Karmada API server) of a UCS fleet and writes it to O(dest)
    atomically with mode C(0600).
  - The federation is reached through a network connection (a VPC endpoint, which is billed). UCS cannot list
    the connections of a fleet, so the module first asks for the kubeconfig alone (C(POST .../kubeconfig), source
    3.2.16). When UCS refuses it with a 4xx (other than 401, 403, 429; the wording of the answer is never read)
    and O(vpc_id) and O(subnet_id) are given, the module creates the connection (C(POST .../connection), 3.2.15)
    and asks for the kubeconfig once more. A refused connection (for example because it exists already) is
    tolerated, and the second kubeconfig answer decides. When the outcome of the connection create is unknown (its
    answer lost, or a 5xx) and UCS still refuses the kubeconfig, the connection did not come into being, so it is
    created once more and the kubeconfig asked a third time (a refused kubeconfig call mints nothing).
  - "Calls that mint a new credential: C(POST .../kubeconfig) (each answer carries a new certificate) and
    C(POST .../cert) (3.2.14, connection and kubeconfig in one call; the module does not use it). They are sent once
    and never re-sent automatically: after a lost answer the task fails and says so. A repeat run mints none while
    O(dest) holds a valid kubeconfig of the fleet (no API call at all)."
  - When O(dest) already holds a kubeconfig written by this module for the same fleet whose certificate is still
    valid for at least O(min_valid_days) days, nothing is done and no API call is made (unless O(force=true)).
  - To recognise its own file without an API call, the module records the fleet (name and id) and the expiry in the
    kubeconfig's C(extensions) list (entry C(fleetops.cloud/fleet)); C(kubectl) and the Kubernetes clients ignore it.
    The expiry is the one of the client certificate when the kubeconfig has one, otherwise download time plus
    O(duration).
  - Key material (certificates, keys, tokens) is never returned nor shown in a diff.
  - "Permissions: the UCS API reference names no IAM actions for these calls. Creating the connection creates a VPC
    endpoint (C(vpcep)) in O(connection_project_id), so the user also needs the right to create VPC endpoints there."
author:
  - fleetops.cloud contributors (@fleetops)
extends_documentation_fragment:
  - fleetops.cloud.auth
attributes:
  check_mode:
    support: full
    description: Predicts C(changed) without any write call and without writing O(dest).
  diff_mode:
    support: full
    description: Returns the state of O(dest) (existence, fleet, expiry) before and after, never its content.
options:
  fleet:
    description:
      - Name or id of the federated fleet.
    type: str
    required: true
  dest:
    description:
      - Path of the kubeconfig file to write. Its directory must exist. Written with mode C(0600).
    type: path
    required: true
  duration:
    description:
      - Validity of the kubeconfig certificate, in days.
    type: int
    default: 30
  connection_project_id:
    description:
      - Project (id) of the VPC in which the network connection to the federation is created when there is none.
      - Named differently from the authentication option O(project_id), which it defaults to (or to the project
        resolved from the credentials).
    type: str
  vpc_id:
    description:
      - VPC (id) of the network connection. Needed only when the fleet has no connection yet.
    type: str
  subnet_id:
    description:
      - Subnet (network id) of the network connection, in O(vpc_id). Needed only when the fleet has no connection yet.
    type: str
  min_valid_days:
    description:
      - An existing O(dest) counts as valid while its certificate stays valid for at least this many more days.
    type: int
    default: 1
  force:
    description:
      - Download a new kubeconfig even when O(dest) is still valid.
    type: bool
    default: false
  federation_id:
    description:
      - The fleet's current federation id (its C(spec.federationId), as M(fleetops.cloud.ucs_fleet_info) and
        M(fleetops.cloud.ucs_fleet_federation) return it). An existing O(dest) written for another federation (the
        federation was disabled and enabled again since) is then not reused but replaced, without a read of the fleet.
      - Without it an existing O(dest) of the fleet is reused whichever federation it was written for (no call at all).
    type: str
'''

EXAMPLES = r'''
- name: The fleet's federation (a kubeconfig exists only for a federated fleet)
  fleetops.cloud.ucs_fleet_federation:
    fleet: production

- name: Kubeconfig of the federation, valid 30 days (the connection goes into the VPC of the credentials' project)
  fleetops.cloud.ucs_fleet_kubeconfig:
    fleet: production
    vpc_id: 11c9fe72-5a90-4295-bcfe-774726fb9066
    subnet_id: 0de91d89-1e06-4e24-b371-35d5d3d3779b
    duration: 30
    dest: "{{ playbook_dir }}/production-federation.kubeconfig"
  register: federation_access

- name: Use it
  kubernetes.core.k8s_info:
    kubeconfig: "{{ federation_access.dest }}"
    kind: Namespace
'''

RETURN = r'''
dest:
  description: Path of the kubeconfig file.
  returned: always
  type: str
  sample: /home/ops/production-federation.kubeconfig
server:
  description: URL of the federation API server in the kubeconfig (null in check mode before the first download).
  returned: always
  type: str
  sample: https://192.168.0.10:5443
context:
  description: Current context of the kubeconfig (null in check mode before the first download).
  returned: always
  type: str
  sample: federation
expires_at:
  description:
    - Expiry of the client certificate (ISO 8601, UTC); when the kubeconfig has no readable certificate, the expiry
      computed from O(duration) at download time.
  returned: always
  type: str
  sample: "2026-12-23T11:00:00Z"
fleet:
  description: Name and id of the fleet (the id is null when the existing file was reused, as no call is made).
  returned: always
  type: dict
  sample: {"name": "production", "id": "6efb4a18-2fa4-11ee-ad1d-0255ac1001c4"}
connection_created:
  description: Whether this task created the network connection (VPC endpoint) of the fleet.
  returned: always
  type: bool
  sample: false
connection_id:
  description: Id of the VPC endpoint created by this task, when it created one.
  returned: always
  type: str
  sample: null
'''

import base64
import datetime
import json
import os
import tempfile

try:
    import yaml
    HAS_YAML = True
except ImportError:  # pragma: no cover - PyYAML ships with ansible-core
    HAS_YAML = False

from ansible_collections.fleetops.cloud.plugins.module_utils.base import FleetopsModule
from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ApiError, ConfigurationError, OutcomeUnknownError
from ansible_collections.fleetops.cloud.plugins.module_utils.ucs import (
    UcsApi, check_resource_name, is_predicted_id, is_uuid)

MARKER = "fleetops.cloud/fleet"
# Refusals of the kubeconfig-only call that may mean "no network connection yet": every 4xx but those about the
# caller (401, 403) or the rate (429). The wording of the error is never read.
_NOT_CONNECTION_STATUSES = (401, 403, 429)


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def iso(moment):
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def parse_iso(text):
    if not text:
        return None
    try:
        return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    except (TypeError, ValueError):
        return None


def parse_kubeconfig(body):
    """The kubeconfig as a dict from the API answer (dict, JSON/YAML text, or a list of strings); None if unreadable."""
    if isinstance(body, list):
        body = "\n".join(str(part) for part in body) if not (len(body) == 1 and isinstance(body[0], dict)) else body[0]
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str):
        text = body.strip()
        try:
            body = json.loads(text)
        except ValueError:
            if not HAS_YAML:
                return None
            try:
                body = yaml.safe_load(text)
            except yaml.YAMLError:
                return None
    return body if isinstance(body, dict) else None


def _named(entries, name):
    for entry in entries or []:
        if isinstance(entry, dict) and entry.get("name") == name:
            return entry
    return (entries or [None])[0] if entries else None


def kubeconfig_facts(config):
    """``(server, context name, user entry)`` of the current context of a kubeconfig dict."""
    context_name = config.get("current-context")
    context = _named(config.get("contexts"), context_name) or {}
    if not context_name:
        context_name = context.get("name")
    ctx = context.get("context") or {}
    cluster = (_named(config.get("clusters"), ctx.get("cluster")) or {}).get("cluster") or {}
    user = (_named(config.get("users"), ctx.get("user")) or {}).get("user") or {}
    return cluster.get("server"), context_name, user


def certificate_expiry(user):
    """Expiry (aware datetime) of the client certificate of a kubeconfig user entry, or None."""
    data = (user or {}).get("client-certificate-data")
    if not data:
        return None
    # Imported here: only an existing kubeconfig with a client certificate needs it (~30 ms of every start).
    try:
        from cryptography import x509
    except ImportError:  # pragma: no cover
        return None
    try:
        pem = base64.b64decode(data)
        cert = x509.load_pem_x509_certificate(pem) if b"-----BEGIN" in pem else x509.load_der_x509_certificate(pem)
    except (ValueError, TypeError):
        return None
    expiry = getattr(cert, "not_valid_after_utc", None)
    if expiry is None:
        expiry = cert.not_valid_after.replace(tzinfo=datetime.timezone.utc)
    return expiry


def marker_of(config):
    for ext in config.get("extensions") or []:
        if isinstance(ext, dict) and ext.get("name") == MARKER and isinstance(ext.get("extension"), dict):
            return ext["extension"]
    return {}


def read_existing(path):
    """What is known of an existing kubeconfig at ``path`` (without any key material), or None."""
    if not os.path.isfile(path):
        return None
    try:
        with open(path, "r") as handle:
            text = handle.read()
    except (IOError, OSError):
        return None
    config = parse_kubeconfig(text)
    if config is None:
        return {"readable": False}
    server, context, user = kubeconfig_facts(config)
    marker = marker_of(config)
    expiry = certificate_expiry(user) or parse_iso(marker.get("expires_at"))
    return {"readable": True, "server": server, "context": context, "expires": expiry,
            "fleet_id": marker.get("fleet_id"), "fleet_name": marker.get("fleet_name"),
            "federation_id": marker.get("federation_id"),
            "mode": os.stat(path).st_mode & 0o7777}


# Connection creates at most: a second one only after the first one's outcome was unknown and UCS still refuses the
# kubeconfig (so the connection did not come into being).
CONNECTION_ATTEMPTS = 2


def may_lack_connection(exc):
    """True when a refusal of the kubeconfig-only call may come from a fleet without a network connection.

    Decided from the status alone (a 4xx other than 401/403/429): the documents give no code that says so, and the
    table wording (``UCS.01080001`` "Failed to obtain the federation information.") does not name the connection.
    """
    return exc.status is not None and 400 <= exc.status < 500 and exc.status not in _NOT_CONNECTION_STATUSES


def write_atomically(path, text):
    """Write ``text`` to ``path`` with mode 0600 through a temporary file in the same directory."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".%s." % os.path.basename(path), suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        tmp = None
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)


class KubeconfigModule(FleetopsModule):
    def __init__(self):
        argument_spec = dict(
            fleet=dict(type="str", required=True),
            dest=dict(type="path", required=True),
            duration=dict(type="int", default=30),
            connection_project_id=dict(type="str"),
            vpc_id=dict(type="str"),
            subnet_id=dict(type="str"),
            min_valid_days=dict(type="int", default=1),
            force=dict(type="bool", default=False),
            federation_id=dict(type="str"),
        )
        super(KubeconfigModule, self).__init__(argument_spec=argument_spec, supports_check_mode=True,
                                               required_together=[["vpc_id", "subnet_id"]])
        self.api = UcsApi(self.client)

    def state_view(self, existing, fleet=None):
        if not existing:
            return {"dest": self.params["dest"], "exists": False}
        return {"dest": self.params["dest"], "exists": True, "fleet": existing.get("fleet_name") or existing.get("fleet_id"),
                "expires_at": iso(existing.get("expires")), "server": existing.get("server")}

    def reusable(self, existing):
        """True when ``existing`` is a readable kubeconfig of this fleet, valid long enough."""
        if not existing or not existing.get("readable") or self.params["force"]:
            return False
        if self.params["fleet"] not in (existing.get("fleet_id"), existing.get("fleet_name")):
            return False
        if self.params.get("federation_id") and existing.get("federation_id") != self.params["federation_id"]:
            return False
        expires = existing.get("expires")
        return bool(expires) and expires - utcnow() >= datetime.timedelta(days=self.params["min_valid_days"])

    def register_credentials(self, body):
        """Register the kubeconfig UCS returned (and the tokens, keys and certificates inside it) as secrets of this
        run, whatever its shape (text, dict or the SDK's list of strings), so that no message or result echoes them."""
        for part in (body if isinstance(body, list) else [body]):
            self.add_secret(part)
        config = parse_kubeconfig(body)
        if config is not None:
            self.add_secret(config)

    def mint(self, fleet_id, name):
        """``POST .../kubeconfig``: mints a credential, so it is sent once and never again by this task."""
        try:
            return self.api.download_fleet_kubeconfig(fleet_id, self.params["duration"])
        except OutcomeUnknownError:
            self.fail("The answer to the kubeconfig request for the fleet '%s' was lost: UCS may have issued a "
                      "kubeconfig that nobody received. It was not asked again (each request mints a new "
                      "credential); run the task again to get one." % name)

    def download(self, fleet_id, name):
        """The kubeconfig, creating the network connection first when UCS refuses without one.

        Returns ``(body, connection id or None, whether this task (may have) created the connection)``.
        """
        try:
            return self.mint(fleet_id, name), None, False
        except ApiError as exc:
            if not may_lack_connection(exc):
                raise
            first = exc
        if not (self.params.get("vpc_id") and self.params.get("subnet_id")):
            self.fail("UCS refused the kubeconfig of the fleet '%s' (%s). If the fleet has no network connection to "
                      "its federation yet, give vpc_id and subnet_id (and connection_project_id) to create one."
                      % (name, first.full_message()), error=first.to_dict())
        project_id = self.params.get("connection_project_id") or self.params.get("project_id") or self.client.project_id
        for attempt in range(1, CONNECTION_ATTEMPTS + 1):
            connection_id, attempted, unknown = self.connect(fleet_id, project_id)
            try:
                return self.mint(fleet_id, name), connection_id, attempted
            except ApiError as exc:
                # A refusal mints nothing. After a connection create whose outcome is unknown (its answer lost, or
                # a 5xx), the refusal says it did not happen: it is created once more (a connection that did come
                # into being refuses the second create, which is tolerated), and the kubeconfig asked again.
                if unknown and may_lack_connection(exc) and attempt < CONNECTION_ATTEMPTS:
                    continue
                self.fail("UCS refused the kubeconfig of the fleet '%s' (%s), before and after the attempt to create "
                          "its network connection in VPC %s." % (name, exc.full_message(), self.params["vpc_id"]),
                          error=exc.to_dict(), first_error=first.to_dict())
        return None  # not reached: the last attempt returns or fails

    def connect(self, fleet_id, project_id):
        """``POST .../connection``: ``(connection id or None, whether it was (maybe) created, outcome unknown)``."""
        try:
            return self.api.create_fleet_connection(fleet_id, project_id, self.params["vpc_id"],
                                                    self.params["subnet_id"]), True, False
        except OutcomeUnknownError:
            return None, True, True  # may exist now: the kubeconfig call tells
        except ApiError as exc:
            if exc.status is not None and exc.status >= 500:
                return None, True, True  # a 500 to a create: it may have happened, the kubeconfig call tells
            if not may_lack_connection(exc):
                raise
            # Refused, for example because the connection exists already: the kubeconfig call tells.
            return None, False, False

    def run(self):
        if not HAS_YAML:
            self.fail("PyYAML is needed to write the kubeconfig.")
        if self.params["duration"] < 1:
            raise ConfigurationError("duration must be a positive number of days (got %s)." % self.params["duration"])
        if self.params["min_valid_days"] < 0:
            raise ConfigurationError("min_valid_days must be >= 0.")
        dest = self.params["dest"]
        if not os.path.isdir(os.path.dirname(os.path.abspath(dest))):
            raise ConfigurationError("The directory of dest (%s) does not exist." % os.path.dirname(os.path.abspath(dest)))
        existing = read_existing(dest)
        before = self.state_view(existing)
        if self.reusable(existing):
            changed = existing["mode"] != 0o600
            if changed and not self.check_mode:
                os.chmod(dest, 0o600)
            return self.exit(changed=changed, before=before, after=before, dest=dest, server=existing["server"],
                             context=existing["context"], expires_at=iso(existing["expires"]),
                             fleet={"name": existing.get("fleet_name"), "id": existing.get("fleet_id")},
                             connection_created=False, connection_id=None)

        if is_predicted_id(self.params["fleet"]):
            # Check mode, a fleet an earlier task of this check run would create: nothing to look up.
            if not self.check_mode:
                raise ConfigurationError("fleet %r is a placeholder from a check-mode run, not a fleet id."
                                         % self.params["fleet"])
            fleet = {"metadata": {"name": self.params["fleet"].split(" ", 2)[-1], "uid": self.params["fleet"]}}
        else:
            problem = None if is_uuid(self.params["fleet"]) else check_resource_name(self.params["fleet"], "fleet", "fleet")
            if problem:
                raise ConfigurationError(problem + ".")
            fleet = self.api.resolve_fleet(self.params["fleet"])
        fleet_id = fleet["metadata"]["uid"]
        fleet_ref = {"name": fleet["metadata"].get("name"), "id": fleet_id}
        if self.check_mode:
            after = {"dest": dest, "exists": True, "fleet": fleet_ref["name"],
                     "expires_at": iso(utcnow() + datetime.timedelta(days=self.params["duration"])), "server": None}
            return self.exit(changed=True, before=before, after=after, dest=dest, server=None, context=None,
                             expires_at=after["expires_at"], fleet=fleet_ref, connection_created=False, connection_id=None)

        body, connection_id, connection_created = self.download(fleet_id, fleet_ref["name"])
        self.register_credentials(body)
        downloaded_at = utcnow()
        config = parse_kubeconfig(body)
        if config is None:
            self.fail("UCS returned a kubeconfig for the fleet '%s' that cannot be read as JSON or YAML." % fleet_ref["name"])
        server, context, user = kubeconfig_facts(config)
        expires = certificate_expiry(user) or (downloaded_at + datetime.timedelta(days=self.params["duration"]))
        config["extensions"] = [e for e in config.get("extensions") or [] if not (isinstance(e, dict) and e.get("name") == MARKER)]
        config["extensions"].append({"name": MARKER, "extension": {
            "fleet_id": fleet_id, "fleet_name": fleet_ref["name"],
            "federation_id": (fleet.get("spec") or {}).get("federationId") or self.params.get("federation_id"),
            "expires_at": iso(expires),
            "downloaded_at": iso(downloaded_at), "duration_days": self.params["duration"]}})
        try:
            write_atomically(dest, yaml.safe_dump(config, default_flow_style=False, sort_keys=False))
        except (IOError, OSError) as exc:
            self.fail("Cannot write the kubeconfig to %s: %s." % (dest, exc.strerror or exc.__class__.__name__))
        after = {"dest": dest, "exists": True, "fleet": fleet_ref["name"], "expires_at": iso(expires), "server": server}
        return self.exit(changed=True, before=before, after=after, dest=dest, server=server, context=context,
                         expires_at=iso(expires), fleet=fleet_ref, connection_created=connection_created,
                         connection_id=connection_id)


def main():
    KubeconfigModule().execute()


if __name__ == "__main__":
    main()

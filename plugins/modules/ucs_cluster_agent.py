# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: ucs_cluster_agent
short_description: Download the UCS agent manifests of an attached or on-premise cluster
version_added: 0.1.0
description:
  - Downloads the manifests that connect a registered attached or on-premise cluster to Huawei Cloud UCS
    (the C(proxy-agent) Deployment and the C(proxy-agent-cert) Secret in C(kube-system)) and writes them to O(dest)
    as a multi-document YAML file that M(kubernetes.core.k8s) applies with C(src).
  - "UCS hands out the agent certificate B(once). The module therefore:
    does nothing (no API call, C(changed=false)) when O(dest) already exists;
    fails with the recovery, without downloading, when the certificate was already taken and O(dest) is missing;
    checks that the directory of O(dest) is writable before it downloads;
    writes O(dest) atomically with mode C(0600);
    never lets the transport repeat the download; after an answer that was lost it reads the cluster back, and only
    while UCS reports the certificate as not downloaded (C(IsDownloadedCert) false) does it ask again (at most
    four requests in all). A repeat cannot hand out a second certificate: UCS answers it with C(已下载).
    The manifests (and the keys of the Secret inside them) are secrets of the run: no message or result shows them."
  - "Recovery (UCS API reference, section 3.1.6: the certificate can be downloaded once): when the certificate was
    spent without a file (taken elsewhere, an answer lost after UCS handed it out, a crash before the file was
    written), the only way to a new one is to unregister the cluster and register it again. That costs a new cluster id (anything that refers to
    the old id must be updated), the cluster's fleet membership and policy bindings (set again by the register
    task), and three or more write calls. Activation (section 3.1.7) does not help: it only lets a cluster
    reconnect. The failure result carries RV(certificate_spent) so that a playbook can run the recovery;
    the M(fleetops.cloud.ucs_cluster) role C(fleetops.cloud.cluster_registration) runs it by itself for a cluster
    that is not C(Available)."
  - The Secret holds the agent's private keys. Its data is written to O(dest) only; it is never returned, logged
    nor shown in a diff.
  - CCE clusters (category C(self)) connect without an agent; the module refuses them before any download.
  - "IAM actions: C(ucs:clusters:list) and C(ucs:clusters:get) to find the cluster; downloading the access
    information needs the permission to get the cluster's certificate (covered by the system policy C(UCS FullAccess))."
author:
  - fleetops.cloud contributors (@fleetops)
extends_documentation_fragment:
  - fleetops.cloud.auth
attributes:
  check_mode:
    support: full
    description: Reports whether the file would be written; never downloads (that would spend the one-shot certificate).
  diff_mode:
    support: full
    description: Shows the objects (kind, namespace, name) in the file before and after; never their data.
options:
  cluster:
    description:
      - Name or id of the registered cluster (M(fleetops.cloud.ucs_cluster)).
    type: str
    required: true
  dest:
    description:
      - Where to write the manifests on the controller. Its directory must exist and be writable.
      - When the file exists the module does nothing. Delete it only when the agent is already running, or after
        unregistering and registering the cluster again.
    type: path
    required: true
  vpc_endpoint:
    description:
      - IP address of the VPC endpoint that reaches UCS, for clusters connected over a private network
        (query parameter C(vpcendpoint)). Needs O(access_region).
    type: str
  access_region:
    description:
      - Region the cluster connects through, for clusters connected over a private network (query parameter
        C(region)). Needs O(vpc_endpoint).
      - Named so because O(region) is the shared connection option.
    type: str
notes:
  - "To apply the file: C(kubernetes.core.k8s: {src: <dest>, kubeconfig: <member kubeconfig>}). The cluster turns
    C(Available) once the agent runs; M(fleetops.cloud.ucs_cluster) with O(fleetops.cloud.ucs_cluster#module:wait=true) waits for it."
  - "UCS answers a second download with status 200 and the text C(已下载) (already downloaded) instead of the manifests;
    some deployments answer a 4xx error with that text. The module treats both as the certificate being already taken: it fails
    with the ways to recover and never writes O(dest) from such an answer."
seealso:
  - module: fleetops.cloud.ucs_cluster
  - module: kubernetes.core.k8s
'''

EXAMPLES = r'''

# Credentials, region and endpoints come from the HW_* environment (docs/auth.md); to set them per play
# instead, use module_defaults with the group/fleetops.cloud.cloud action group.
# files/edge-sh-1.kubeconfig is the member cluster's own kubeconfig, next to the playbook.
- name: Register the attached cluster
  fleetops.cloud.ucs_cluster:
    name: edge-sh-1
    category: attachedcluster
    type: privatek8s
    country: CN
    city: "310000"
    kubeconfig_path: "{{ playbook_dir }}/files/edge-sh-1.kubeconfig"

- name: Download the agent manifests once
  fleetops.cloud.ucs_cluster_agent:
    cluster: edge-sh-1
    dest: "{{ playbook_dir }}/files/edge-sh-1-agent.yaml"
  register: agent

- name: Apply them to the member cluster
  kubernetes.core.k8s:
    src: "{{ agent.dest }}"
    kubeconfig: "{{ playbook_dir }}/files/edge-sh-1.kubeconfig"
    state: present

- name: Wait until UCS sees the cluster
  fleetops.cloud.ucs_cluster:
    name: edge-sh-1
    category: attachedcluster
    type: privatek8s
    country: CN
    city: "310000"
    kubeconfig_path: "{{ playbook_dir }}/files/edge-sh-1.kubeconfig"
    wait: true
'''

RETURN = r'''
dest:
  description: The file holding the manifests.
  returned: always
  type: str
  sample: /etc/fleet/edge-sh-1-agent.yaml
objects:
  description:
    - The objects in O(dest), without their data. Read from the file when it already existed.
  returned: always
  type: list
  elements: dict
  contains:
    kind:
      description: Kind of the object (C(Deployment), C(Secret)).
      type: str
    name:
      description: Name of the object (C(proxy-agent), C(proxy-agent-cert)).
      type: str
    namespace:
      description: Namespace of the object (C(kube-system)).
      type: str
  sample:
    - {kind: Deployment, name: proxy-agent, namespace: kube-system}
    - {kind: Secret, name: proxy-agent-cert, namespace: kube-system}
cluster:
  description: Id and name of the cluster the manifests belong to (not looked up when O(dest) already existed).
  returned: when the file was (or would be) written
  type: dict
  contains:
    uid:
      description: Id of the cluster.
      type: str
    name:
      description: Name of the cluster.
      type: str
  sample: {uid: b0d1ecb5-7947-11ee-9467-0255ac1001bf, name: edge-sh-1}
certificate_spent:
  description:
    - On failure, true when the one-shot agent certificate of the cluster is (or may be) spent without O(dest)
      being written, so that only a new registration gives one (see the description).
  returned: on such failures
  type: bool
  sample: true
phase:
  description: On a failure for a spent certificate, the phase of the cluster (C(Available) means the agent runs).
  returned: when the certificate was already downloaded
  type: str
  sample: Pending
diff:
  description: The objects in O(dest) before and after (kind, namespace, name only), in diff mode.
  returned: when diff mode is on
  type: dict
'''

import json
import os
import tempfile

try:
    import yaml
    HAS_YAML = True
    PARSE_ERRORS = (ValueError, yaml.YAMLError)
except ImportError:  # PyYAML comes with ansible-core; without it the documents are written as JSON (valid YAML)
    HAS_YAML = False
    PARSE_ERRORS = (ValueError,)

from ansible_collections.fleetops.cloud.plugins.module_utils.base import MAX_SENDS, FleetopsModule, decoded_secret_forms
from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ApiError, OutcomeUnknownError
from ansible_collections.fleetops.cloud.plugins.module_utils.ucs import (
    CertificateTakenError, UcsApi, UcsNotFoundError, is_already_downloaded)

# Requests of the access info at most (the bound of every write whose answer may be lost), each sent only after
# reading back that the certificate was not handed out.
DOWNLOAD_ATTEMPTS = MAX_SENDS


RECOVERY = ("UCS hands the agent certificate out once per registration (API reference, section 3.1.6); the only way "
            "to get a new one is a new registration: unregister the cluster (fleetops.cloud.ucs_cluster with "
            "state=absent), register it again (it gets a new id; fleet and policy bindings are set again by the "
            "register task) and run this task again. The fleetops.cloud.cluster_registration role does this by itself "
            "for a cluster that is not connected.")


def taken_message(name, dest):
    """The error for a certificate that was already downloaded, with the recovery the documents allow."""
    return ("The agent certificate of cluster %r was already downloaded and dest %s does not exist, so nothing was "
            "written. Use the file written the first time if you still have it. Otherwise: %s" % (name, dest, RECOVERY))


def lost_message(name, dest):
    """The error for a download whose answer was lost: the certificate may be spent without a file to show for it."""
    return ("The download of the agent manifests of cluster %r got no answer (the connection failed, or a gateway "
            "answered 5xx, after the request was sent), and UCS now reports the one-shot certificate as downloaded: it "
            "may be spent, and dest %s was not written. It is not requested again. %s" % (name, dest, RECOVERY))


def manifests_from_answer(body):
    """The Kubernetes objects in an access-info answer (JSON objects, or the SDK's JSON strings).

    Returns None when the answer is not a list of objects (the "already downloaded" text, for example).
    """
    if isinstance(body, str):
        text = body.strip()
        if not text.startswith("["):
            return None
        try:
            body = json.loads(text)
        except ValueError:
            return None
    if not isinstance(body, list) or not body:
        return None
    objects = []
    for item in body:
        if isinstance(item, str):
            try:
                item = json.loads(item)
            except ValueError:
                return None
        if not isinstance(item, dict) or not item.get("kind"):
            return None
        objects.append(item)
    return objects


def secret_values(objects):
    """The values of the Secrets among the manifests (``data`` base64 and decoded, ``stringData``), for scrubbing."""
    found = []
    for obj in objects or []:
        if not isinstance(obj, dict) or obj.get("kind") != "Secret":
            continue
        for key in ("data", "stringData"):
            values = obj.get(key)
            if not isinstance(values, dict):
                continue
            for value in values.values():
                if not isinstance(value, str) or not value:
                    continue
                found.append(value)
                if key == "data":
                    found.extend(decoded_secret_forms(value))
    return found


def describe(objects):
    """kind / name / namespace of each object, nothing else."""
    out = []
    for obj in objects or []:
        if not isinstance(obj, dict):
            continue
        metadata = obj.get("metadata") or {}
        out.append({"kind": obj.get("kind"), "name": metadata.get("name"), "namespace": metadata.get("namespace")})
    return out


def render(objects):
    """Multi-document YAML for the objects (JSON documents, also valid YAML, when PyYAML is missing)."""
    if HAS_YAML:
        return yaml.safe_dump_all(objects, default_flow_style=False, sort_keys=False)
    return "".join("---\n%s\n" % json.dumps(obj, indent=2) for obj in objects)


def read_objects(path):
    """The objects described in an existing file (kind/name/namespace), [] when it cannot be parsed."""
    try:
        with open(path, "r") as handle:
            text = handle.read()
    except (IOError, OSError, UnicodeDecodeError):
        return []
    try:
        if HAS_YAML:
            docs = [d for d in yaml.safe_load_all(text) if d]
        else:
            docs = [json.loads(chunk) for chunk in text.split("---\n") if chunk.strip()]
    except PARSE_ERRORS:  # an unreadable file is reported as holding no known objects
        return []
    return describe(docs)


def write_atomically(path, text):
    """Write text to path with mode 0600 through a temporary file in the same directory."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".ucs-agent-", dir=directory)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


class UcsClusterAgentModule(FleetopsModule):

    def __init__(self):
        super(UcsClusterAgentModule, self).__init__(
            argument_spec=dict(
                cluster=dict(type="str", required=True),
                dest=dict(type="path", required=True),
                vpc_endpoint=dict(type="str"),
                access_region=dict(type="str"),
            ),
            supports_check_mode=True,
            required_together=[("vpc_endpoint", "access_region")],
        )
        self.api = UcsApi(self.client)

    def download(self, uid, name, dest, label):
        """The access-info answer; fails (with ``certificate_spent``) when the certificate is, or may be, spent.

        The transport never repeats the call. After a lost answer the cluster is read back: ``IsDownloadedCert``
        still false means UCS did not hand the certificate out, so it is asked again (up to
        ``DOWNLOAD_ATTEMPTS`` requests); a repeat cannot mint a second one (UCS answers it with "已下载").
        """
        lost = None
        for dummy in range(DOWNLOAD_ATTEMPTS):
            try:
                return self.api.get_cluster_accessinfo(uid, vpcendpoint=self.params.get("vpc_endpoint"),
                                                       region=self.params.get("access_region"))
            except CertificateTakenError as exc:
                # The documented 200 "已下载" answer (or a 4xx saying so). After a lost answer it means the lost one
                # took the certificate; either way nothing is written and the recovery is a new registration.
                extra = {"error": exc.error.to_dict()} if exc.error is not None else {}
                self.fail(lost_message(name, dest) if lost is not None else taken_message(name, dest),
                          cluster=label, certificate_spent=True, phase=self.phase_of(uid), **extra)
            except OutcomeUnknownError as exc:
                lost = exc
                cluster = self.api.get_cluster(uid)
                if cluster is None:
                    self.fail("Cluster %r was unregistered while its agent manifests were downloaded; nothing was "
                              "written." % name, cluster=label, error=exc.to_dict())
                if (cluster.get("spec") or {}).get("IsDownloadedCert") is True:
                    # UCS handed the certificate out with the answer that was lost: it cannot be asked again.
                    self.fail(lost_message(name, dest), cluster=label, certificate_spent=True,
                              phase=(cluster.get("status") or {}).get("phase"), error=exc.to_dict())
        self.fail("The download of the agent manifests of cluster %r got no answer %d times, and UCS still reports the "
                  "certificate as not downloaded: nothing was spent and dest %s was not written. Run the task again."
                  % (name, DOWNLOAD_ATTEMPTS, dest), cluster=label, error=lost.to_dict())
        return None  # not reached: fail() exits

    def phase_of(self, uid):
        """The phase of the cluster, read back for a failure result (None when it cannot be read)."""
        try:
            cluster = self.api.get_cluster(uid)
        except ApiError:
            return None
        return ((cluster or {}).get("status") or {}).get("phase")

    def run(self):
        dest = self.params["dest"]
        if os.path.exists(dest):
            if not os.path.isfile(dest):
                self.fail("dest %s exists and is not a file" % dest)
            objects = read_objects(dest)
            self.exit(changed=False, before={"dest": dest, "objects": objects}, after={"dest": dest, "objects": objects},
                      dest=dest, objects=objects)
            return
        directory = os.path.dirname(os.path.abspath(dest))
        if not os.path.isdir(directory):
            self.fail("dest: the directory %s does not exist; create it first (the certificate can be downloaded only once)" % directory)
        if not os.access(directory, os.W_OK | os.X_OK):
            self.fail("dest: the directory %s is not writable; the certificate can be downloaded only once, so nothing was downloaded"
                      % directory)

        name = self.params["cluster"]
        try:
            cluster = self.api.resolve_cluster(name)
        except UcsNotFoundError:
            self.fail("cluster: no UCS cluster is named (or has the id) %r; register it first with fleetops.cloud.ucs_cluster" % name)
        uid = cluster["metadata"]["uid"]
        label = {"uid": uid, "name": cluster["metadata"].get("name")}
        spec = cluster.get("spec") or {}
        if spec.get("category") == "self":
            self.fail("cluster %r is a CCE cluster (category self): CCE clusters connect to UCS without an agent, "
                      "there are no agent manifests to download" % name)
        if spec.get("IsDownloadedCert") is True:
            self.fail(taken_message(name, dest), cluster=label, certificate_spent=True,
                      phase=(cluster.get("status") or {}).get("phase"))
        expected = [{"kind": "Deployment", "name": "proxy-agent", "namespace": "kube-system"},
                    {"kind": "Secret", "name": "proxy-agent-cert", "namespace": "kube-system"}]
        if self.check_mode:
            self.exit(changed=True, before={"dest": dest, "objects": []}, after={"dest": dest, "objects": expected},
                      dest=dest, objects=expected, cluster=label)
            return

        body = self.download(uid, name, dest, label)
        self.add_secret(body if isinstance(body, str) else json.dumps(body))
        objects = manifests_from_answer(body)
        for value in secret_values(objects):
            self.add_secret(value)
        if objects is None:
            if is_already_downloaded(body):  # the facade already raises for it; never write a file from it
                self.fail(taken_message(name, dest), cluster=label, certificate_spent=True)
            self.fail("UCS answered the access-info call for cluster %r with something that is not a list of Kubernetes "
                      "objects; nothing was written" % name, cluster=label)
        try:
            write_atomically(dest, render(objects))
        except (IOError, OSError) as exc:
            self.fail("The agent manifests of cluster %r were downloaded but dest %s could not be written (%s), so the "
                      "one-shot certificate is spent. %s" % (name, dest, exc.strerror or exc.__class__.__name__, RECOVERY),
                      cluster=label, certificate_spent=True)
        described = describe(objects)
        self.exit(changed=True, before={"dest": dest, "objects": []}, after={"dest": dest, "objects": described},
                  dest=dest, objects=described, cluster=label)


def main():
    UcsClusterAgentModule().execute()


if __name__ == "__main__":
    main()

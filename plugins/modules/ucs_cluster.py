# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: ucs_cluster
short_description: Register Kubernetes clusters in Huawei Cloud UCS
version_added: 0.1.0
description:
  - Register (V(present)), re-activate (V(activated)) and unregister (V(absent)) clusters in Huawei Cloud UCS
    (Ubiquitous Cloud Native Service), namely CCE clusters imported by id (O(category=self)), attached clusters of
    other clouds or self-built Kubernetes (O(category=attachedcluster)) and on-premise clusters (O(category=onpremise)).
  - A cluster is found by its exact O(name) (names are unique per account).
  - "Every option is checked before the first API call: the category / type / provider table, the UCS city codes
    (for O(country=CN)), the UUID format of O(cluster_id), the Kubernetes rules for O(name) and O(labels),
    the options each category needs, and that O(kubeconfig_path) is a readable kubeconfig."
  - "The UCS update call only changes O(country) and O(city) (attached and on-premise clusters) and the kubeconfig
    annotation. A different O(category), O(type), O(provider), O(cce_region), O(cce_project_id), O(cluster_id)
    O(network) or O(labels) on an existing cluster fails the task naming the fields; unregister and register the
    cluster again to change them."
  - Fleet membership (O(fleet)) uses the join and unjoin calls; policy bindings (O(policies)) the associatedrules call.
  - The kubeconfig never appears in the result, the diff or the logs.
  - "IAM actions (UCS fine-grained policies): C(ucs:clusters:list) and C(ucs:clusters:get) always;
    C(ucs:clusters:create), C(ucs:clusters:update) and C(ucs:clusters:delete) for the changes. The system
    policy C(UCS FullAccess) covers every call, including join, unjoin, activation and policy bindings."
author:
  - fleetops.cloud contributors (@fleetops)
extends_documentation_fragment:
  - fleetops.cloud.auth
attributes:
  check_mode:
    support: full
    description: Predicts C(changed) and the resulting cluster without any write call.
  diff_mode:
    support: full
    description: Returns the cluster before and after, without the kubeconfig annotation.
options:
  name:
    description:
      - Name of the cluster in UCS. For a CCE import, the name of the CCE cluster.
      - 1 to 128 lower-case letters, digits and C(-), starting with a letter and ending with a letter or digit.
    type: str
    required: true
  state:
    description:
      - V(present) registers the cluster or brings it in line with the options.
      - V(activated) does the same and then activates the cluster (lets it reconnect) when its phase is not
        C(Available); an C(Available) cluster is left alone.
      - V(absent) unregisters the cluster (it first leaves its fleet when it is in one).
    type: str
    choices: [present, absent, activated]
    default: present
  category:
    description:
      - Category of the cluster. Required with O(state=present) and O(state=activated). Cannot be changed.
      - V(self) imports a Huawei Cloud CCE cluster (needs O(cluster_id), O(cce_region), O(cce_project_id)).
      - V(attachedcluster) attaches a cluster of another cloud or a self-built one (needs O(kubeconfig) or
        O(kubeconfig_path), and O(country)).
      - V(onpremise) registers a UCS on-premise cluster (needs O(country)).
    type: str
    choices: [self, onpremise, attachedcluster]
  type:
    description:
      - "Type of the cluster, which must belong to O(category): V(cce) or V(turbo) for V(self), V(baremetal) for
        V(onpremise), V(ack), V(aks), V(eks), V(gke), V(tke), V(openshift) or V(privatek8s) for V(attachedcluster)."
      - Required with O(state=present) and O(state=activated). Cannot be changed.
    type: str
    choices: [cce, turbo, baremetal, ack, aks, eks, gke, tke, openshift, privatek8s]
  provider:
    description:
      - Provider of the cluster. Derived from O(type) when not set (V(ack) is V(aliyun), V(aks) V(azure), V(eks)
        V(aws), V(gke) V(googlecloud), V(tke) V(tencentcloud), V(openshift) V(openshift), V(privatek8s)
        V(privatek8s), the Huawei Cloud types V(huaweicloud)). When set it must match the table. Cannot be changed.
    type: str
    choices: [huaweicloud, aliyun, azure, aws, googlecloud, tencentcloud, openshift, privatek8s]
  country:
    description:
      - Upper-case ISO 3166-1 alpha-2 code of the country the cluster runs in, for example V(CN) or V(DE).
      - Required for attached and on-premise clusters. Updatable for attached and on-premise clusters.
    type: str
  city:
    description:
      - Six-digit UCS city code (UCS API reference, section 5.5), for example V(110000) for Beijing, or V(unknown).
      - Required with O(country=CN); not accepted with any other country (the codes cover China only).
      - Updatable for attached and on-premise clusters.
    type: str
  cluster_id:
    description:
      - Id (UUID) of the CCE cluster to import (O(category=self) only). Cannot be changed.
      - M(fleetops.cloud.ucs_cce_cluster_info) lists the CCE clusters that can be imported.
    type: str
  cce_region:
    description:
      - Region of the CCE cluster to import (O(category=self) only), for example V(cn-north-4). Cannot be changed.
      - Named so because O(region) is the shared connection option.
    type: str
    aliases: [cluster_region]
  cce_project_id:
    description:
      - Id of the project of the CCE cluster to import (O(category=self) only). Cannot be changed.
      - Named so because O(project_id) is the shared connection option.
    type: str
    aliases: [cluster_project_id]
  kubeconfig:
    description:
      - Content of the member cluster's kubeconfig (YAML or JSON), for attached and on-premise clusters.
      - Sent as the C(kubeconfig) annotation. It is never logged, returned nor shown in a diff.
      - On an existing cluster see O(update_kubeconfig).
      - Mutually exclusive with O(kubeconfig_path).
    type: str
  kubeconfig_path:
    description:
      - Path of a kubeconfig file on the controller, used like O(kubeconfig). The file must exist.
    type: path
  update_kubeconfig:
    description:
      - What to do with O(kubeconfig) / O(kubeconfig_path) when the cluster is already registered.
      - V(on_create) sends it only when registering. When the API reports the annotation back and it differs, it is
        updated; UCS normally does not report it, and then it is left alone.
      - V(always) also updates an existing cluster's kubeconfig. When the API does not report the annotation the two
        cannot be compared, so the update is sent on every run and the task reports C(changed) each time.
    type: str
    choices: [on_create, always]
    default: on_create
  labels:
    description:
      - Labels of the cluster (at most 100; Kubernetes label rules for keys and values).
      - Set when the cluster is registered. On an existing cluster each label given here must already be set to
        this value (other labels, such as the ones UCS adds itself, are left alone); the API cannot change labels,
        so a difference fails naming O(labels).
    type: dict
  fleet:
    description:
      - Name or id of the fleet the cluster belongs to. The cluster joins it (leaving its current fleet first).
      - An empty string takes the cluster out of its fleet. Not set leaves membership alone.
      - An unknown fleet fails the task before any write.
    type: str
  network:
    description:
      - Container and service networks, used by multi-cloud clusters when they are registered.
      - Cannot be changed. They are compared with an existing cluster only when the API reports them (the
        documented cluster object has no network), and a difference fails naming them.
      - Not accepted for CCE imports.
    type: dict
    suboptions:
      pod_cidr:
        description: Container network in CIDR notation (C(podCIDR)).
        type: str
      service_cidr:
        description: Service network in CIDR notation (C(serviceCIDR)).
        type: str
  policies:
    description:
      - Permission policy bindings of the cluster. Replaces the bindings of the cluster when they differ
        (order of bindings, policies and namespaces does not matter). An empty list removes every binding.
      - Not set leaves the bindings alone.
    type: list
    elements: dict
    suboptions:
      policies:
        description: Names or ids of permission policies (M(fleetops.cloud.ucs_policy)).
        type: list
        elements: str
        required: true
      namespaces:
        description: Namespaces the policies apply to.
        type: list
        elements: str
        default: []
  wait:
    description:
      - Wait until the cluster's phase is C(Available). Not done in check mode.
      - Attached and on-premise clusters only become C(Available) once the UCS agent runs on them (see
        M(fleetops.cloud.ucs_cluster_agent)); register them without waiting, apply the agent, then wait.
    type: bool
    default: false
  wait_timeout:
    description:
      - How many seconds to wait for O(wait). Must be zero or more.
    type: int
    default: 600
notes:
  - A cluster registered from a lost response (the API applied it but the answer never arrived) is found again
    by name; it is never registered twice.
seealso:
  - module: fleetops.cloud.ucs_cluster_info
  - module: fleetops.cloud.ucs_cluster_agent
  - module: fleetops.cloud.ucs_cce_cluster_info
  - module: fleetops.cloud.ucs_fleet
'''

EXAMPLES = r'''
- name: UCS cluster registration
  module_defaults:
    group/fleetops.cloud.cloud:
      access_key: "{{ hw_access_key }}"
      secret_key: "{{ hw_secret_key }}"
      domain_id: "{{ hw_domain_id }}"
      endpoints:
        ucs: "{{ emulator_base }}/ucs"
  block:
    - name: Attach a self-built cluster in Shanghai and put it in a fleet
      fleetops.cloud.ucs_cluster:
        name: edge-sh-1
        category: attachedcluster
        type: privatek8s
        country: CN
        city: "310000"
        kubeconfig_path: /etc/fleet/edge-sh-1.kubeconfig
        labels:
          env: prod
        fleet: production
        policies:
          - policies: [ops-admin]
            namespaces: [default, monitoring]
      register: edge

    - name: Import a CCE Turbo cluster
      fleetops.cloud.ucs_cluster:
        name: cce-turbo-prod
        category: self
        type: turbo
        cluster_id: 44052cdd-8cd2-11ee-abd1-0255ac1001bd
        cce_region: cn-north-4
        cce_project_id: 05495693df80d3c92fa1c01795c2be02
        wait: true

    - name: Move the attached cluster out of its fleet
      fleetops.cloud.ucs_cluster:
        name: edge-sh-1
        category: attachedcluster
        type: privatek8s
        country: CN
        city: "310000"
        kubeconfig_path: /etc/fleet/edge-sh-1.kubeconfig
        fleet: ""

    - name: Unregister it
      fleetops.cloud.ucs_cluster:
        name: edge-sh-1
        state: absent
'''

RETURN = r'''
cluster:
  description:
    - The cluster as UCS reports it after the task, without the kubeconfig annotation.
    - In check mode, the predicted cluster (fields the API fills in, such as C(metadata.uid), are missing when it
      would be created).
    - An empty dict with O(state=absent).
  returned: always
  type: dict
  contains:
    kind:
      description: Always C(Cluster).
      type: str
      returned: success
    apiVersion:
      description: Always C(v1).
      type: str
      returned: success
    metadata:
      description: Identity of the cluster.
      type: dict
      returned: success
      contains:
        uid:
          description: Id of the cluster (for CCE imports, the CCE cluster id).
          type: str
          sample: b0d1ecb5-7947-11ee-9467-0255ac1001bf
        name:
          description: Name of the cluster.
          type: str
          sample: edge-sh-1
        labels:
          description: Labels of the cluster.
          type: dict
          sample: {env: prod}
        annotations:
          description: Annotations of the cluster, never including the kubeconfig.
          type: dict
        creationTimestamp:
          description: When the cluster was registered (RFC 3339, UTC).
          type: str
        updateTimestamp:
          description: When the cluster was last updated.
          type: str
    spec:
      description: What the cluster is and where it belongs.
      type: dict
      returned: success
      contains:
        category:
          description: Category (C(self), C(onpremise), C(attachedcluster)).
          type: str
        type:
          description: Type (for example C(turbo), C(privatek8s)).
          type: str
        provider:
          description: Provider (for example C(huaweicloud), C(aws)).
          type: str
        country:
          description: Country code.
          type: str
        city:
          description: City code (China only).
          type: str
        region:
          description: Region of a CCE cluster.
          type: str
        projectID:
          description: Project of a CCE cluster (the API also spells it C(projectId); the module returns C(projectID)).
          type: str
        clusterGroupID:
          description: Id of the fleet the cluster belongs to; empty when it is in none.
          type: str
        manageType:
          description: C(grouped) (in a fleet) or C(discrete).
          type: str
        ruleNamespaces:
          description: "Policy bindings, C([{rules: [{ruleID, ruleName}], namespaces: [...]}])."
          type: list
          elements: dict
        IsDownloadedCert:
          description: Whether the one-shot agent certificate was already downloaded.
          type: bool
    status:
      description: State of the connection to the cluster.
      type: dict
      returned: success
      contains:
        phase:
          description: Phase, for example C(Available), C(Pending), C(Unavailable).
          type: str
        kubernetesVersion:
          description: Kubernetes version of the member cluster.
          type: str
        conditions:
          description: Conditions (C(type), C(status), C(reason), C(message), C(lastTransitionTime)).
          type: list
          elements: dict
  sample:
    kind: Cluster
    apiVersion: v1
    metadata:
      uid: b0d1ecb5-7947-11ee-9467-0255ac1001bf
      name: edge-sh-1
      labels: {env: prod}
    spec:
      category: attachedcluster
      type: privatek8s
      provider: privatek8s
      country: CN
      city: "310000"
      clusterGroupID: bffbb35b-7949-11ee-886c-0255ac100037
      manageType: grouped
    status:
      phase: Available
status_history:
  description: The phases seen while waiting (O(wait=true)), each with C(status), C(at) (UTC) and C(elapsed) seconds.
  returned: when the module waited
  type: list
  elements: dict
  sample: [{status: Pending, at: "2026-01-05T10:00:00Z", elapsed: 0.01}, {status: Available, at: "2026-01-05T10:00:04Z", elapsed: 4.2}]
diff:
  description: The cluster before and after (without the kubeconfig annotation), in diff mode.
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: The cluster before the task (V(null) when it was not registered).
      type: dict
    after:
      description: The cluster after the task (V(null) when it was unregistered).
      type: dict
'''

import copy
import os

from ansible_collections.fleetops.cloud.plugins.module_utils.base import FleetopsModule
from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ConfigurationError, OutcomeUnknownError
from ansible_collections.fleetops.cloud.plugins.module_utils.ucs import (
    UcsApi, UcsNotFoundError, canonical_bindings, strip_cluster_secrets,
)
from ansible_collections.fleetops.cloud.plugins.module_utils.ucs_validation import (
    check_cluster_options, derive_provider, kubeconfig_annotation, kubeconfig_of, same_kubeconfig,
)

AVAILABLE = "Available"
UPDATABLE_LOCATION_CATEGORIES = ("attachedcluster", "onpremise")

ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True),
    state=dict(type="str", default="present", choices=["present", "absent", "activated"]),
    category=dict(type="str", choices=["self", "onpremise", "attachedcluster"]),
    type=dict(type="str", choices=["cce", "turbo", "baremetal", "ack", "aks", "eks", "gke", "tke", "openshift", "privatek8s"]),
    provider=dict(type="str", choices=["huaweicloud", "aliyun", "azure", "aws", "googlecloud", "tencentcloud", "openshift", "privatek8s"]),
    country=dict(type="str"),
    city=dict(type="str"),
    cluster_id=dict(type="str"),
    cce_region=dict(type="str", aliases=["cluster_region"]),
    cce_project_id=dict(type="str", aliases=["cluster_project_id"]),
    kubeconfig=dict(type="str", no_log=True),
    kubeconfig_path=dict(type="path"),
    update_kubeconfig=dict(type="str", default="on_create", choices=["on_create", "always"]),
    labels=dict(type="dict"),
    fleet=dict(type="str"),
    network=dict(type="dict", options=dict(pod_cidr=dict(type="str"), service_cidr=dict(type="str"))),
    policies=dict(type="list", elements="dict", options=dict(
        policies=dict(type="list", elements="str", required=True),
        namespaces=dict(type="list", elements="str", default=[]),
    )),
    wait=dict(type="bool", default=False),
    wait_timeout=dict(type="int", default=600),
)


def register_body(params, provider, annotation, fleet_id):
    """The ``POST /v1/clusters`` body for the options (only what the user set, plus the derived provider)."""
    metadata = {"name": params["name"]}
    if params.get("labels") is not None:
        metadata["labels"] = dict(params["labels"])
    if annotation is not None:
        metadata["annotations"] = {"kubeconfig": annotation}
    if params.get("cluster_id") is not None:
        metadata["uid"] = params["cluster_id"]
    spec = {"category": params["category"], "type": params["type"], "provider": provider,
            "clusterGroupID": fleet_id or "", "manageType": "grouped" if fleet_id else "discrete"}
    for option, key in (("country", "country"), ("city", "city"), ("cce_region", "region"), ("cce_project_id", "projectID")):
        if params.get(option) is not None:
            spec[key] = params[option]
    network = params.get("network") or {}
    net = {}
    if network.get("pod_cidr") is not None:
        net["podCIDR"] = network["pod_cidr"]
    if network.get("service_cidr") is not None:
        net["serviceCIDR"] = network["service_cidr"]
    if net:
        spec["network"] = net
    return {"kind": "Cluster", "apiVersion": "v1", "metadata": metadata, "spec": spec}


def fixed_field_differences(params, current):
    """Options the API cannot update whose value differs from the registered cluster, as readable strings.

    Only options the user set are compared. Labels count as fixed: each label given must be set on the
    cluster with the same value (labels UCS added itself are ignored).
    """
    spec = current.get("spec") or {}
    metadata = current.get("metadata") or {}
    out = []
    for option, have in (("category", spec.get("category")), ("type", spec.get("type")), ("provider", spec.get("provider")),
                         ("cce_region", spec.get("region")), ("cce_project_id", spec.get("projectID")),
                         ("cluster_id", metadata.get("uid"))):
        want = params.get(option)
        if want is not None and want != have:
            out.append("%s (registered %r, requested %r)" % (option, have, want))
    network = params.get("network") or {}
    have_network = spec.get("network")
    if isinstance(have_network, dict):  # compared only when the API reports it (the documented object has no network)
        for option, key in (("pod_cidr", "podCIDR"), ("service_cidr", "serviceCIDR")):
            if network.get(option) is not None and network[option] != have_network.get(key):
                out.append("network.%s (registered %r, requested %r)" % (option, have_network.get(key), network[option]))
    labels = params.get("labels")
    if labels is not None:
        have_labels = metadata.get("labels") or {}
        changed = sorted(key for key in labels if have_labels.get(key) != labels[key])
        if changed:
            out.append("labels (%s)" % ", ".join("%s: registered %r, requested %r" % (key, have_labels.get(key), labels[key])
                                                 for key in changed))
    return out


def location_update(params, current):
    """The ``spec`` part of an update for country / city, or {} when they match (or are not set).

    The update carries the resulting country and, when there is one, the resulting city.
    """
    spec = current.get("spec") or {}
    differs = [opt for opt in ("country", "city") if params.get(opt) is not None and params[opt] != spec.get(opt)]
    if not differs:
        return {}
    country = params["country"] if params.get("country") is not None else spec.get("country")
    update = {"country": country}
    city = params.get("city")
    if city is None and country == spec.get("country"):
        city = spec.get("city")
    if city:
        update["city"] = city
    return update


def kubeconfig_needs_update(annotation, current_annotation, mode):
    """Whether an existing cluster's kubeconfig annotation must be sent again.

    A reported annotation is compared (layout and key order ignored); one the API does not report can only be
    compared by sending it, which ``always`` does.
    """
    if current_annotation is not None:
        return not same_kubeconfig(annotation, current_annotation)
    return mode == "always"


def rule_namespaces(bindings):
    """Bindings ``[{ruleIDs, namespaces}]`` in the shape the cluster object reports them (for check mode)."""
    return [{"rules": [{"ruleID": rule_id} for rule_id in b["ruleIDs"]], "namespaces": list(b["namespaces"])} for b in bindings]


def predicted_cluster(body, current=None):
    """The cluster as it would look after a write, for check mode: the current one with the changes applied."""
    cluster = copy.deepcopy(current) if current else {"kind": "Cluster", "apiVersion": "v1", "metadata": {}, "spec": {}, "status": {}}
    for part in ("metadata", "spec"):
        cluster.setdefault(part, {})
        for key, value in (body.get(part) or {}).items():
            cluster[part][key] = copy.deepcopy(value)
    return cluster


class UcsClusterModule(FleetopsModule):

    def __init__(self):
        super(UcsClusterModule, self).__init__(
            argument_spec=ARGUMENT_SPEC,
            supports_check_mode=True,
            mutually_exclusive=[("kubeconfig", "kubeconfig_path")],
            required_if=[("state", "present", ("category", "type")), ("state", "activated", ("category", "type"))],
        )
        self.api = UcsApi(self.client)

    # ---- validation (no API call) -----------------------------------------------------------------

    def _kubeconfig_annotation(self):
        """The annotation for kubeconfig / kubeconfig_path, or None when neither is set. Raises ConfigurationError."""
        text = self.params.get("kubeconfig")
        option = "kubeconfig"
        path = self.params.get("kubeconfig_path")
        if path is not None:
            option = "kubeconfig_path"
            if not os.path.isfile(path):
                raise ConfigurationError("kubeconfig_path %s does not exist or is not a file" % path)
            try:
                with open(path, "r") as handle:
                    text = handle.read()
            except (IOError, OSError, UnicodeDecodeError) as exc:
                raise ConfigurationError("kubeconfig_path %s cannot be read: %s" % (path, exc))
        if text is None:
            return None
        try:
            return kubeconfig_annotation(text, option=option)
        except ValueError as exc:
            raise ConfigurationError(str(exc))

    def validate(self):
        """Every check that needs no API call; fails the task listing all problems at once."""
        errors = check_cluster_options(self.params)
        if self.params["wait_timeout"] < 0:
            errors.append("wait_timeout must be zero or more seconds")
        annotation = None
        if self.params["state"] != "absent":
            try:
                annotation = self._kubeconfig_annotation()
            except ConfigurationError as exc:
                errors.append(str(exc))
        if errors:
            self.fail("Invalid options: %s" % "; ".join(errors))
        return annotation

    # ---- lookups ----------------------------------------------------------------------------------

    def resolve_fleet_id(self):
        """The id of the requested fleet; "" to leave the fleet; None when membership is not managed."""
        fleet = self.params.get("fleet")
        if fleet is None or fleet == "":
            return fleet
        try:
            return self.api.resolve_fleet(fleet)["metadata"]["uid"]
        except UcsNotFoundError:
            self.fail("fleet: no UCS fleet is named (or has the id) %r; create it first with fleetops.cloud.ucs_fleet" % fleet)

    def resolve_bindings(self):
        """The requested policy bindings as ``[{ruleIDs, namespaces}]`` (policy names resolved), or None."""
        policies = self.params.get("policies")
        if policies is None:
            return None
        bindings = []
        for entry in policies:
            try:
                ids = self.api.resolve_policy_ids(entry["policies"])
            except UcsNotFoundError as exc:
                self.fail("policies: no UCS permission policy is named (or has the id) %s" % ", ".join(repr(n) for n in exc.names))
            bindings.append({"ruleIDs": ids, "namespaces": list(entry.get("namespaces") or [])})
        return bindings

    def find_current(self):
        current = self.api.find_cluster_by_name(self.params["name"])
        cluster_id = self.params.get("cluster_id")
        if current is None and cluster_id is not None and self.params["state"] != "absent":
            other = self.api.get_cluster(cluster_id)
            if other is not None:
                self.fail("cluster_id %s is already registered in UCS under the name %r; use that name, or unregister it first"
                          % (cluster_id, other["metadata"].get("name")))
        return current

    # ---- state machine ----------------------------------------------------------------------------

    def run(self):
        annotation = self.validate()
        state = self.params["state"]
        current = self.find_current()
        if state == "absent":
            self.absent(current)
            return
        fleet_id = self.resolve_fleet_id()
        bindings = self.resolve_bindings()
        if current is None:
            changed, cluster_id, after = self.register(annotation, fleet_id, bindings)
        else:
            changed, cluster_id, after = self.update(current, annotation, fleet_id, bindings)
        if state == "activated" and (after.get("status") or {}).get("phase") != AVAILABLE:
            changed = True
            if not self.check_mode:
                self.api.activate_cluster(cluster_id)
                after = self.read_back(cluster_id)
        if self.params["wait"] and not self.check_mode:
            after = self.wait_available(cluster_id)
        before = strip_cluster_secrets(current) if current is not None else None
        after = strip_cluster_secrets(after)
        self.exit(changed=changed, before=before, after=after, cluster=after)

    def read_back(self, cluster_id):
        cluster = self.api.get_cluster(cluster_id)
        if cluster is None:
            self.fail("cluster %s (%s) disappeared right after it was written" % (self.params["name"], cluster_id))
        return cluster

    def wait_available(self, cluster_id):
        def fetch():
            return self.api.get_cluster(cluster_id)

        def phase(cluster):
            return (cluster.get("status") or {}).get("phase")

        return self.wait(fetch, phase, targets=[AVAILABLE], timeout=self.params["wait_timeout"])

    def register(self, annotation, fleet_id, bindings):
        params = self.params
        provider = params.get("provider") or derive_provider(params["category"], params["type"])
        body = register_body(params, provider, annotation, fleet_id)
        if self.check_mode:
            predicted = predicted_cluster(body)
            if bindings:
                predicted["spec"]["ruleNamespaces"] = rule_namespaces(bindings)
            return True, None, predicted
        try:
            cluster_id = self.api.register_cluster(body)
        except OutcomeUnknownError:
            found = self.api.find_cluster_by_name(params["name"])
            if found is None:
                self.fail("The register call for cluster %r got no answer and the cluster is not registered: the register "
                          "may not have happened. Run the task again." % params["name"])
            cluster_id = found["metadata"]["uid"]
        if not cluster_id:
            found = self.api.find_cluster_by_name(params["name"])
            cluster_id = found["metadata"]["uid"] if found else None
        if not cluster_id:
            self.fail("UCS accepted the registration of %r but returned no cluster id and lists no such cluster" % params["name"])
        if bindings:
            self.api.bind_cluster_policies(cluster_id, bindings)
        return True, cluster_id, self.read_back(cluster_id)

    def update(self, current, annotation, fleet_id, bindings):
        params = self.params
        cluster_id = current["metadata"]["uid"]
        spec = current.get("spec") or {}
        fixed = fixed_field_differences(params, current)
        location = location_update(params, current)
        if location and spec.get("category") not in UPDATABLE_LOCATION_CATEGORIES:
            fixed.append("%s (the API updates country and city of attached and on-premise clusters only)" % ", ".join(sorted(location)))
        if fixed:
            self.fail("Cluster %r exists and these fields cannot be changed by the UCS API: %s. Unregister the cluster "
                      "(state: absent) and register it again to change them." % (params["name"], "; ".join(fixed)))
        update_body = {}
        if location:
            update_body["spec"] = location
        if annotation is not None and kubeconfig_needs_update(annotation, kubeconfig_of(current), params["update_kubeconfig"]):
            update_body["metadata"] = {"annotations": {"kubeconfig": annotation}}
        current_fleet = spec.get("clusterGroupID") or ""
        move_fleet = fleet_id is not None and fleet_id != current_fleet
        rebind = bindings is not None and canonical_bindings(bindings) != canonical_bindings(spec.get("ruleNamespaces") or [])
        changed = bool(update_body) or move_fleet or rebind
        if not changed:
            return False, cluster_id, current
        if self.check_mode:
            predicted = predicted_cluster(update_body, current)
            if move_fleet:
                predicted["spec"]["clusterGroupID"] = fleet_id
                predicted["spec"]["manageType"] = "grouped" if fleet_id else "discrete"
            if rebind:
                predicted["spec"]["ruleNamespaces"] = rule_namespaces(bindings)
            return True, cluster_id, predicted
        if update_body:
            self.api.update_cluster(cluster_id, update_body)
        if move_fleet:
            if current_fleet:
                self.api.unjoin_fleet(cluster_id)
            if fleet_id:
                self.api.join_fleet(cluster_id, fleet_id)
        if rebind:
            self.api.bind_cluster_policies(cluster_id, bindings)
        return True, cluster_id, self.read_back(cluster_id)

    def absent(self, current):
        if current is None:
            self.exit(changed=False, before=None, after=None, cluster={})
            return
        cluster_id = current["metadata"]["uid"]
        if not self.check_mode:
            if (current.get("spec") or {}).get("clusterGroupID"):
                self.api.unjoin_fleet(cluster_id)
            self.api.unregister_cluster(cluster_id)
        self.exit(changed=True, before=strip_cluster_secrets(current), after=None, cluster={})


def main():
    UcsClusterModule().execute()


if __name__ == "__main__":
    main()

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
  - "B(List mode): O(clusters) registers, checks or removes many clusters in one task and one module process, with
    the same idempotency, check mode and diff as one cluster. All lookups are shared: one list call for the
    registered clusters, and at most one each for fleets, policies and CCE clusters when a name has to be resolved.
    Each cluster gets its own result in RV(clusters); one cluster's error does not stop the others, and the task
    fails at the end naming every cluster that failed."
  - "Every option is checked before the first API call: the category / type / provider table, the UCS city codes
    (for O(country=CN)), the UUID format of O(cluster_id), the Kubernetes label rules for O(labels), the options
    each category needs, and that O(kubeconfig_path) is a readable kubeconfig. No check is stricter than the UCS API
    reference: it states no pattern for cluster names, so O(name) is only refused when it is empty, longer than 255
    characters, or holds control characters or C(/)."
  - "Where the reference contradicts itself both readings are accepted: O(provider) takes the providers of the
    table of section 5.6 and those of the register example of section 3.1.3 (C(huaweicloudstack), C(other),
    C(FlexibleEngine), ...; for attached clusters); O(city) is required with O(country=CN) only, since section 3.1.3
    says other countries need not give one while its table marks the field required, and any value is passed on for
    other countries (the update example of section 3.1.4 sends C(city: AL)); O(country) may be left out for CCE
    imports (the table marks it required, the CCE register example has none)."
  - "The UCS update call only changes O(country) and O(city) (attached and on-premise clusters) and the kubeconfig
    annotation. A location change is sent on its own, C({kind, apiVersion, spec: {country, city}}), without the
    kubeconfig. A different O(category), O(type), O(provider), O(cce_region), O(cce_project_id), O(cluster_id)
    O(network) or O(labels) on an existing cluster fails the task naming the fields; unregister and register the
    cluster again to change them."
  - Fleet membership (O(fleet)) uses the join and unjoin calls; policy bindings (O(policies)) the associatedrules call.
    Policies are compared by the C(ruleID) and C(ruleName) the cluster reports, so an unchanged cluster costs no
    policy lookup; a fleet given by id that the cluster is already in costs no fleet lookup.
  - "Join, unjoin, activation and policy bindings are never re-sent blindly: after an answer that may have been
    lost, the module reads the cluster back and counts a write whose effect is there as done (C(changed: true)).
    Only when the effect is not there is the write sent again, and after a second lost answer the cluster is read
    back once more (at most four sends in all). The register call, location and kubeconfig updates and the
    unregister call are settled the same way (a register by looking the name up: a cluster is never registered
    twice)."
  - "Removing is re-runnable: a cluster that is already gone is C(changed: false), and a cluster whose fleet no
    longer exists is unregistered all the same."
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
      - 1 to 255 characters, without control characters and C(/) (UCS states no other rule).
      - Exactly one of O(name) and O(clusters) is required.
    type: str
  state:
    description:
      - V(present) registers the cluster or brings it in line with the options.
      - V(activated) does the same and then activates the cluster when its phase is not C(Available); an
        C(Available) cluster is left alone. Activation only lets a cluster that was connected before reconnect
        (UCS API reference, section 3.1.7); it does not hand out the one-shot agent certificate again.
      - V(absent) unregisters the cluster (it first leaves its fleet when it is in one).
    type: str
    choices: [present, absent, activated]
    default: present
  category:
    description:
      - Category of the cluster. Required with O(state=present) and O(state=activated). Cannot be changed.
      - V(self) imports a Huawei Cloud CCE cluster. O(cluster_id), O(cce_region), O(cce_project_id) and O(type) that
        are not given are taken from the tenant's CCE cluster of the same name when the cluster is registered.
      - V(attachedcluster) attaches a cluster of another cloud or a self-built one (needs O(kubeconfig) or
        O(kubeconfig_path), and O(country)).
      - V(onpremise) registers a UCS on-premise cluster (needs O(country)).
    type: str
    choices: [self, onpremise, attachedcluster]
  type:
    description:
      - "Type of the cluster, which must belong to O(category): V(cce) or V(turbo) for V(self), V(baremetal) for
        V(onpremise), V(ack), V(aks), V(eks), V(gke), V(tke), V(openshift) or V(privatek8s) for V(attachedcluster)."
      - Required with O(state=present) and O(state=activated), except for CCE imports (V(self)), whose type is the
        CCE cluster's. Cannot be changed.
    type: str
    choices: [cce, turbo, baremetal, ack, aks, eks, gke, tke, openshift, privatek8s]
  provider:
    description:
      - Provider of the cluster. Derived from O(type) when not set (V(ack) is V(aliyun), V(aks) V(azure), V(eks)
        V(aws), V(gke) V(googlecloud), V(tke) V(tencentcloud), V(openshift) V(openshift), V(privatek8s)
        V(privatek8s), the Huawei Cloud types V(huaweicloud)). When set it must match the table of section 5.6, or
        be one of the further providers of the register example of section 3.1.3 (attached clusters only).
        Cannot be changed.
    type: str
    choices: [huaweicloud, aliyun, azure, aws, googlecloud, tencentcloud, openshift, privatek8s, huaweicloudstack, other,
              FlexibleEngine, FlexibleEngineStack, OpenTelekomCloud, OpenTelekomCloudStack, ctcloud, cmcloud]
  country:
    description:
      - Code of the country the cluster runs in, for example V(CN) or V(DE) (ISO 3166-1 alpha-2, upper case).
      - Required for attached and on-premise clusters. Updatable for attached and on-premise clusters.
    type: str
  city:
    description:
      - With O(country=CN), a six-digit UCS city code (UCS API reference, section 5.5), for example V(110000) for
        Beijing, or V(unknown); required for attached and on-premise clusters in China.
      - With any other country it is optional and passed on as given (the codes cover China only).
      - Updatable for attached and on-premise clusters.
    type: str
  cluster_id:
    description:
      - Id (UUID) of the CCE cluster to import (O(category=self) only). Cannot be changed.
      - Not set, it is looked up by O(name) among the tenant's CCE clusters when the cluster is registered.
      - M(fleetops.cloud.ucs_cce_cluster_info) lists the CCE clusters that can be imported.
    type: str
  cce_region:
    description:
      - Region of the CCE cluster to import (O(category=self) only), for example V(cn-north-4). Cannot be changed.
      - Not set, it is taken from the tenant's CCE cluster of that name.
      - Named so because O(region) is the shared connection option.
    type: str
    aliases: [cluster_region]
  cce_project_id:
    description:
      - Id of the project of the CCE cluster to import (O(category=self) only). Cannot be changed.
      - Not set, it is taken from the tenant's CCE cluster of that name.
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
  clusters:
    description:
      - List mode. The clusters to manage, each a dict with the options of one cluster (O(name) required).
      - The options O(state), O(category), O(type), O(provider), O(country), O(city), O(cce_region),
        O(cce_project_id), O(update_kubeconfig), O(labels), O(fleet) and O(policies) of the task are defaults for
        every entry that does not set them; O(wait) and O(wait_timeout) apply to the whole list (one list call per
        poll, whatever its length).
      - Mutually exclusive with O(name).
    type: list
    elements: dict
    suboptions:
      name:
        description: Name of the cluster (see O(name)).
        type: str
        required: true
      state:
        description: See O(state). Defaults to the task's O(state).
        type: str
        choices: [present, absent, activated]
      category:
        description: See O(category).
        type: str
        choices: [self, onpremise, attachedcluster]
      type:
        description: See O(type).
        type: str
        choices: [cce, turbo, baremetal, ack, aks, eks, gke, tke, openshift, privatek8s]
      provider:
        description: See O(provider).
        type: str
        choices: [huaweicloud, aliyun, azure, aws, googlecloud, tencentcloud, openshift, privatek8s, huaweicloudstack, other,
                  FlexibleEngine, FlexibleEngineStack, OpenTelekomCloud, OpenTelekomCloudStack, ctcloud, cmcloud]
      country:
        description: See O(country).
        type: str
      city:
        description: See O(city).
        type: str
      cluster_id:
        description: See O(cluster_id). Never taken from the task.
        type: str
      cce_region:
        description: See O(cce_region).
        type: str
        aliases: [cluster_region]
      cce_project_id:
        description: See O(cce_project_id).
        type: str
        aliases: [cluster_project_id]
      kubeconfig:
        description: See O(kubeconfig). Never taken from the task; never logged, returned nor shown in a diff.
        type: str
      kubeconfig_path:
        description: See O(kubeconfig_path). Never taken from the task.
        type: path
      update_kubeconfig:
        description: See O(update_kubeconfig).
        type: str
        choices: [on_create, always]
      labels:
        description: See O(labels).
        type: dict
      fleet:
        description: See O(fleet).
        type: str
      network:
        description: See O(network). Never taken from the task.
        type: dict
        suboptions:
          pod_cidr:
            description: Container network in CIDR notation (C(podCIDR)).
            type: str
          service_cidr:
            description: Service network in CIDR notation (C(serviceCIDR)).
            type: str
      policies:
        description: See O(policies).
        type: list
        elements: dict
        suboptions:
          policies:
            description: Names or ids of permission policies.
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
      - Wait until the cluster's phase is C(Available) (in list mode, every cluster of the list that is not removed).
        Not done in check mode.
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
  - In check mode a cluster that would be registered is returned with C(metadata.uid) set to
    C((known after registration)) (the CCE cluster id for CCE imports) and phase C(Pending), so that later tasks of
    the same check run can use the prediction.
seealso:
  - module: fleetops.cloud.ucs_cluster_info
  - module: fleetops.cloud.ucs_cluster_agent
  - module: fleetops.cloud.ucs_cce_cluster_info
  - module: fleetops.cloud.ucs_fleet
'''

EXAMPLES = r'''
# Credentials and endpoints come from the HW_* environment (see the fleetops.cloud.auth fragment).
- name: A fleet and a policy for the clusters
  block:
    - name: The fleet
      fleetops.cloud.ucs_fleet:
        name: production

    - name: The policy
      fleetops.cloud.ucs_policy:
        name: ops-readonly
        type: readonly

- name: Attach a self-built cluster in Shanghai and put it in the fleet
  fleetops.cloud.ucs_cluster:
    name: edge-sh-1
    category: attachedcluster
    type: privatek8s
    country: CN
    city: "310000"
    kubeconfig: |
      apiVersion: v1
      kind: Config
      clusters:
        - name: edge-sh-1
          cluster: {server: "https://edge-sh-1.example.com:6443"}
      users:
        - name: admin
          user: {token: replace-with-the-member-token}
      contexts:
        - name: edge-sh-1
          context: {cluster: edge-sh-1, user: admin}
      current-context: edge-sh-1
    labels:
      env: prod
    fleet: production
    policies:
      - policies: [ops-readonly]
        namespaces: [default, monitoring]
  register: edge

- name: Import a CCE cluster by its name (id, region and project are looked up)
  fleetops.cloud.ucs_cluster:
    name: cce-prod-01
    category: self
    fleet: production
    wait: true

- name: Move a cluster to another country (no kubeconfig needed for a location change)
  fleetops.cloud.ucs_cluster:
    name: edge-sh-1
    category: attachedcluster
    type: privatek8s
    country: DE
    city: Berlin

- name: List mode - several CCE clusters in one task, all in the fleet
  fleetops.cloud.ucs_cluster:
    category: self
    fleet: production
    clusters:
      - name: cce-dev-01
      - name: cce-turbo-01
    wait: true
  register: imported

- name: Unregister them all
  fleetops.cloud.ucs_cluster:
    state: absent
    clusters:
      - name: edge-sh-1
      - name: cce-prod-01
      - name: cce-dev-01
      - name: cce-turbo-01
'''

RETURN = r'''
cluster:
  description:
    - The cluster as UCS reports it after the task, without the kubeconfig annotation.
    - In check mode, the predicted cluster (fields the API fills in, such as C(metadata.uid), are missing when it
      would be created).
    - An empty dict with O(state=absent).
  returned: with O(name)
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
clusters:
  description:
    - List mode (O(clusters)), one entry per cluster of the list, in its order.
    - "C(name), C(state), C(changed), C(failed), C(cluster) (as RV(cluster) for one cluster), C(msg) and C(error)
      when it failed, C(status_history) when the module waited for it."
  returned: in list mode
  type: list
  elements: dict
  sample:
    - {name: cce-dev-01, state: present, changed: true, failed: false, cluster: {metadata: {name: cce-dev-01}}}
status_history:
  description: The phases seen while waiting (O(wait=true)), each with C(status), C(at) (UTC) and C(elapsed) seconds.
  returned: when the module waited
  type: list
  elements: dict
  sample: [{status: Pending, at: "2026-01-05T10:00:00Z", elapsed: 0.01}, {status: Available, at: "2026-01-05T10:00:04Z", elapsed: 4.2}]
diff:
  description:
    - The cluster before and after (without the kubeconfig annotation), in diff mode.
    - In list mode, C(before) and C(after) map each cluster name to the cluster.
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
import time

from ansible_collections.fleetops.cloud.plugins.module_utils.base import FleetopsModule
from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ApiError, ConfigurationError
from ansible_collections.fleetops.cloud.plugins.module_utils.ucs import (
    UcsApi, canonical_bindings, is_uuid, strip_cluster_secrets,
)
from ansible_collections.fleetops.cloud.plugins.module_utils.ucs_validation import (
    ATTACHED_NEEDS_KUBECONFIG, check_cluster_options, derive_provider, kubeconfig_annotation, kubeconfig_of,
    same_kubeconfig,
)

AVAILABLE = "Available"
UPDATABLE_LOCATION_CATEGORIES = ("attachedcluster", "onpremise")
# The id of a cluster that check mode predicts would be registered (UCS assigns the real one).
PLACEHOLDER_ID = "(known after registration)"

PROVIDER_CHOICES = ["huaweicloud", "aliyun", "azure", "aws", "googlecloud", "tencentcloud", "openshift", "privatek8s",
                    "huaweicloudstack", "other", "FlexibleEngine", "FlexibleEngineStack", "OpenTelekomCloud",
                    "OpenTelekomCloudStack", "ctcloud", "cmcloud"]
TYPE_CHOICES = ["cce", "turbo", "baremetal", "ack", "aks", "eks", "gke", "tke", "openshift", "privatek8s"]

# The options of one cluster: the task's own (single mode) and each entry of ``clusters`` (list mode).
CLUSTER_OPTIONS = dict(
    name=dict(type="str"),
    state=dict(type="str", choices=["present", "absent", "activated"]),
    category=dict(type="str", choices=["self", "onpremise", "attachedcluster"]),
    type=dict(type="str", choices=TYPE_CHOICES),
    provider=dict(type="str", choices=PROVIDER_CHOICES),
    country=dict(type="str"),
    city=dict(type="str"),
    cluster_id=dict(type="str"),
    cce_region=dict(type="str", aliases=["cluster_region"]),
    cce_project_id=dict(type="str", aliases=["cluster_project_id"]),
    kubeconfig=dict(type="str", no_log=True),
    kubeconfig_path=dict(type="path"),
    update_kubeconfig=dict(type="str", choices=["on_create", "always"]),
    labels=dict(type="dict"),
    fleet=dict(type="str"),
    network=dict(type="dict", options=dict(pod_cidr=dict(type="str"), service_cidr=dict(type="str"))),
    policies=dict(type="list", elements="dict", options=dict(
        policies=dict(type="list", elements="str", required=True),
        namespaces=dict(type="list", elements="str", default=[]),
    )),
)
# Options of an entry of ``clusters`` that never come from the task (they name one cluster).
OWN_OPTIONS = ("name", "cluster_id", "kubeconfig", "kubeconfig_path", "network")
DEFAULTS = dict(state="present", update_kubeconfig="on_create")


def _argument_spec():
    spec = copy.deepcopy(CLUSTER_OPTIONS)
    spec["state"]["default"] = DEFAULTS["state"]
    spec["update_kubeconfig"]["default"] = DEFAULTS["update_kubeconfig"]
    entry = copy.deepcopy(CLUSTER_OPTIONS)
    entry["name"]["required"] = True
    spec["clusters"] = dict(type="list", elements="dict", options=entry)
    spec["wait"] = dict(type="bool", default=False)
    spec["wait_timeout"] = dict(type="int", default=600)
    return spec


ARGUMENT_SPEC = _argument_spec()


def entry_params(task, entry):
    """The options of one list entry: the entry's own values, else the task's (except OWN_OPTIONS), else defaults."""
    params = {}
    for key in CLUSTER_OPTIONS:
        value = entry.get(key)
        if value is None and key not in OWN_OPTIONS:
            value = task.get(key)
        if value is None:
            value = DEFAULTS.get(key)
        params[key] = value
    return params


def single_params(task):
    """The options of the one cluster of a single-mode task (defaults filled in)."""
    params = dict((key, task.get(key)) for key in CLUSTER_OPTIONS)
    for key, value in DEFAULTS.items():
        if params.get(key) is None:
            params[key] = value
    return params


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
    """The ``spec`` of a country / city update, or {} when they match (or are not set).

    Sent on its own, without the kubeconfig annotation (as Huawei's Terraform provider does:
    ``{kind, apiVersion, spec: {country, city}}``), with the resulting country and, when there is one, city.
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


def reported_rule_ids(cluster):
    """``{name or id: id}`` for the policies a cluster reports in ``spec.ruleNamespaces[].rules[]``."""
    out = {}
    for item in ((cluster or {}).get("spec") or {}).get("ruleNamespaces") or []:
        for rule in (item.get("rules") if isinstance(item, dict) else None) or []:
            if not isinstance(rule, dict):
                continue
            rule_id = rule.get("ruleID") or rule.get("ruleId")
            if rule_id:
                out[rule_id] = rule_id
                if rule.get("ruleName"):
                    out[rule["ruleName"]] = rule_id
    return out


def bindings_from_refs(policies, lookup):
    """The requested bindings with each policy name or id mapped through ``lookup``; None when one is unknown."""
    bindings = []
    for entry in policies:
        ids = []
        for ref in entry["policies"]:
            if ref not in lookup:
                return None
            ids.append(lookup[ref])
        bindings.append({"ruleIDs": ids, "namespaces": list(entry.get("namespaces") or [])})
    return bindings


def predicted_cluster(body, current=None):
    """The cluster as it would look after a write, for check mode: the current one with the changes applied."""
    cluster = copy.deepcopy(current) if current else {"kind": "Cluster", "apiVersion": "v1", "metadata": {}, "spec": {}, "status": {}}
    for part in ("metadata", "spec"):
        cluster.setdefault(part, {})
        for key, value in (body.get(part) or {}).items():
            cluster[part][key] = copy.deepcopy(value)
    return cluster


def phase_of(cluster):
    return ((cluster or {}).get("status") or {}).get("phase")


def transient(exc):
    """Whether a read error is worth reading again within a wait's time budget (throttling, 5xx, no answer)."""
    return exc.status is None or exc.status == 429 or exc.status >= 500


class ClusterFailed(Exception):
    """One cluster of the task cannot be brought to its state (the message says why; nothing else is affected)."""

    def __init__(self, msg, **extra):
        super(ClusterFailed, self).__init__(msg)
        self.msg = msg
        self.extra = extra


def ids_by_name_and_id(objects):
    """``{name: id, id: id}`` of UCS objects, so that a reference by either resolves to the id."""
    ids = {}
    for obj in objects:
        uid = obj["metadata"].get("uid")
        ids[obj["metadata"].get("name")] = uid
        ids[uid] = uid
    return ids


class Lookups(object):
    """What the task reads, each at most once: the registered clusters, fleets, policies and the tenant's CCE
    clusters. A list-mode task of N clusters therefore reads the cluster list once, not N times."""

    def __init__(self, api):
        self.api = api
        self._clusters = None
        self._fleets = None
        self._policies = None
        self._managed = None

    def clusters_by_name(self, refresh=False):
        if self._clusters is None or refresh:
            self._clusters = dict((c["metadata"].get("name"), c) for c in self.api.list_clusters())
        return self._clusters

    def fleet_ids(self):
        """``{name or id: id}`` of every fleet (one list call)."""
        if self._fleets is None:
            self._fleets = ids_by_name_and_id(self.api.list_fleets())
        return self._fleets

    def policy_ids(self):
        """``{name or id: id}`` of every permission policy (one list call)."""
        if self._policies is None:
            self._policies = ids_by_name_and_id(self.api.list_policies())
        return self._policies

    def managed_by_name(self):
        """The tenant's CCE clusters by name (one call)."""
        if self._managed is None:
            self._managed = dict((c["metadata"].get("name"), c) for c in self.api.list_managed_clusters())
        return self._managed


class ClusterTask(object):
    """Brings one cluster to its state. ``module`` is the ``UcsClusterModule`` (check mode, confirmed writes)."""

    def __init__(self, module, params, lookups):
        self.module = module
        self.api = module.api
        self.params = params
        self.lookups = lookups
        self.check_mode = module.check_mode
        self.name = params["name"]
        self.annotation = None

    # ---- validation (no API call) -----------------------------------------------------------------

    def problems(self):
        """Every problem with the options of this cluster (no API call); reads the kubeconfig file."""
        params = self.params
        errors = check_cluster_options(params)
        if params["state"] != "absent":
            if params.get("category") is None:
                errors.append("state %s requires category" % params["state"])
            elif params.get("type") is None and params["category"] != "self":
                errors.append("state %s requires type for category %s" % (params["state"], params["category"]))
            if params.get("kubeconfig") is not None and params.get("kubeconfig_path") is not None:
                errors.append("kubeconfig and kubeconfig_path are mutually exclusive")
            else:
                try:
                    self.annotation = self._kubeconfig_annotation()
                except ConfigurationError as exc:
                    errors.append(str(exc))
        return errors

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
            annotation = kubeconfig_annotation(text, option=option)
        except ValueError as exc:
            raise ConfigurationError(str(exc))
        self.module.add_kubeconfig_secrets(text)
        return annotation

    # ---- lookups ----------------------------------------------------------------------------------

    def current(self):
        return self.lookups.clusters_by_name().get(self.name)

    def fleet_id(self, current):
        """The id of the requested fleet; "" to leave the fleet; None when membership is not managed.

        A fleet given by id is used as it is when the cluster is already in it (no read); otherwise it is looked up.
        """
        fleet = self.params.get("fleet")
        if fleet is None or fleet == "":
            return fleet
        have = ((current or {}).get("spec") or {}).get("clusterGroupID")
        if is_uuid(fleet) and fleet == have:
            return fleet
        if is_uuid(fleet) and self.lookups._fleets is None:
            if self.api.get_fleet(fleet) is not None:
                return fleet
        found = self.lookups.fleet_ids().get(fleet)
        if found is None and self.check_mode:
            # A fleet that an earlier task of the same check run would create is predicted, not refused.
            self.module.warn("fleet %r does not exist (yet): check mode predicts the cluster in it; a real run fails "
                             "unless an earlier task creates it" % fleet)
            return fleet
        if found is None:
            raise ClusterFailed("fleet: no UCS fleet is named (or has the id) %r; create it first with "
                                "fleetops.cloud.ucs_fleet" % fleet)
        return found

    def bindings(self, current):
        """The requested bindings as ``[{ruleIDs, namespaces}]``, or None when they are not managed.

        Names and ids are first mapped through the policies the cluster already reports (``ruleID``/``ruleName``),
        which needs no read; only a name the cluster does not report makes the one policy list call.
        """
        policies = self.params.get("policies")
        if policies is None:
            return None
        known = bindings_from_refs(policies, reported_rule_ids(current))
        if known is not None:
            return known
        lookup = self.lookups.policy_ids()
        resolved = bindings_from_refs(policies, lookup)
        if resolved is None:
            missing = sorted(set(ref for entry in policies for ref in entry["policies"] if ref not in lookup))
            if self.check_mode:
                self.module.warn("policies %s do not exist (yet): check mode predicts the bindings; a real run fails "
                                 "unless an earlier task creates them" % ", ".join(repr(n) for n in missing))
                lookup = dict(lookup, **dict((ref, ref) for ref in missing))
                return bindings_from_refs(policies, lookup)
            raise ClusterFailed("policies: no UCS permission policy is named (or has the id) %s"
                                % ", ".join(repr(n) for n in missing))
        return resolved

    def cce_source(self):
        """Fill cluster_id / cce_region / cce_project_id / type of a CCE import from the tenant's CCE cluster of
        this name (``GET /v1/managedclusters``), for the options not given."""
        params = self.params
        if all(params.get(k) is not None for k in ("cluster_id", "cce_region", "cce_project_id", "type")):
            return
        source = self.lookups.managed_by_name().get(self.name)
        if source is None:
            raise ClusterFailed("No CCE cluster named %r in this account: give cluster_id, cce_region and cce_project_id, "
                                "or check the name (fleetops.cloud.ucs_cce_cluster_info lists the CCE clusters)" % self.name)
        spec = source.get("spec") or {}
        for option, value in (("cluster_id", source["metadata"].get("uid")), ("cce_region", spec.get("region")),
                              ("cce_project_id", spec.get("projectID")), ("type", spec.get("type"))):
            if params.get(option) is None and value:
                params[option] = value

    # ---- state machine ----------------------------------------------------------------------------

    def run(self):
        """``{changed, before, after, cluster_id}``; raises ClusterFailed or ApiError."""
        current = self.current()
        if self.params["state"] == "absent":
            return self.absent(current)
        fleet_id = self.fleet_id(current)
        bindings = self.bindings(current)
        if current is None:
            if self.params["category"] == "self":
                self.cce_source()
            self.check_not_registered_elsewhere()
            changed, cluster_id, after = self.register(fleet_id, bindings)
        else:
            changed, cluster_id, after = self.update(current, fleet_id, bindings)
        if self.params["state"] == "activated" and phase_of(after) != AVAILABLE:
            changed = True
            if not self.check_mode:
                # Activation (3.1.7) only lets the cluster reconnect; repeating it is harmless, so after a lost
                # answer it is sent once more. It never hands out the agent certificate again.
                self.module.confirmed_write(lambda: self.api.activate_cluster(cluster_id, once=True), lambda: False)
                after = None
        return {"changed": changed, "before": current, "after": after, "cluster_id": cluster_id}

    def check_not_registered_elsewhere(self):
        cluster_id = self.params.get("cluster_id")
        if cluster_id is None:
            return
        for other in self.lookups.clusters_by_name().values():
            if other["metadata"].get("uid") == cluster_id:
                raise ClusterFailed("cluster_id %s is already registered in UCS under the name %r; use that name, or "
                                    "unregister it first" % (cluster_id, other["metadata"].get("name")))

    def register(self, fleet_id, bindings):
        params = self.params
        if params["category"] == "attachedcluster" and self.annotation is None:
            raise ClusterFailed("Cluster %r is not registered: %s" % (self.name, ATTACHED_NEEDS_KUBECONFIG))
        provider = params.get("provider") or derive_provider(params["category"], params["type"])
        body = register_body(params, provider, self.annotation, fleet_id)
        if self.check_mode:
            predicted = predicted_cluster(body)
            predicted["metadata"].setdefault("uid", PLACEHOLDER_ID)
            predicted["status"] = {"phase": "Pending"}
            if bindings:
                predicted["spec"]["ruleNamespaces"] = rule_namespaces(bindings)
            return True, predicted["metadata"]["uid"], predicted
        cluster_id, found = self.module.create_or_find(lambda: self.api.register_cluster(body),
                                                       lambda: self.api.find_cluster_by_name(params["name"]))
        if found is not None:
            cluster_id = found["metadata"]["uid"]
        if not cluster_id:  # a lost answer, or an answer without the id: the name tells whether it was registered
            found = self.api.find_cluster_by_name(params["name"])
            if found is None:
                raise ClusterFailed("The register call for cluster %r got no usable answer and UCS lists no such cluster: "
                                    "it was not registered. Run the task again." % params["name"])
            cluster_id = found["metadata"]["uid"]
        if bindings:
            self.bind(cluster_id, bindings)
        return True, cluster_id, None

    def update(self, current, fleet_id, bindings):
        params = self.params
        cluster_id = current["metadata"]["uid"]
        spec = current.get("spec") or {}
        fixed = fixed_field_differences(params, current)
        location = location_update(params, current)
        if location and spec.get("category") not in UPDATABLE_LOCATION_CATEGORIES:
            fixed.append("%s (the API updates country and city of attached and on-premise clusters only)" % ", ".join(sorted(location)))
        if fixed:
            raise ClusterFailed("Cluster %r exists and these fields cannot be changed by the UCS API: %s. Unregister the "
                                "cluster (state: absent) and register it again to change them." % (params["name"], "; ".join(fixed)))
        kubeconfig = (self.annotation is not None and
                      kubeconfig_needs_update(self.annotation, kubeconfig_of(current), params["update_kubeconfig"]))
        current_fleet = spec.get("clusterGroupID") or ""
        move_fleet = fleet_id is not None and fleet_id != current_fleet
        rebind = bindings is not None and canonical_bindings(bindings) != canonical_bindings(spec.get("ruleNamespaces") or [])
        if not (location or kubeconfig or move_fleet or rebind):
            return False, cluster_id, current
        if self.check_mode:
            predicted = predicted_cluster({"spec": location} if location else {}, current)
            if move_fleet:
                predicted["spec"]["clusterGroupID"] = fleet_id
                predicted["spec"]["manageType"] = "grouped" if fleet_id else "discrete"
            if rebind:
                predicted["spec"]["ruleNamespaces"] = rule_namespaces(bindings)
            return True, cluster_id, predicted
        if location:  # {kind, apiVersion, spec: {country, city}}: no kubeconfig needed for a location change
            self.module.confirmed_write(lambda: self.api.update_cluster(cluster_id, {"spec": location}),
                                        lambda: self.has_location(cluster_id, location))
        if kubeconfig:
            # The annotation is normally not reported back, so its update cannot be confirmed by reading; the PUT
            # sets a value, so sending it again after a lost answer is harmless.
            self.module.confirmed_write(
                lambda: self.api.update_cluster(cluster_id, {"metadata": {"annotations": {"kubeconfig": self.annotation}}}),
                lambda: False)
        if move_fleet:
            if current_fleet:
                self.leave(cluster_id)
            if fleet_id:
                self.module.confirmed_write(
                    lambda: self.api.join_fleet(cluster_id, fleet_id, once=True),
                    lambda: self.fleet_of(cluster_id) == fleet_id)
        if rebind:
            self.bind(cluster_id, bindings)
        return True, cluster_id, None

    def fleet_of(self, cluster_id):
        cluster = self.api.get_cluster(cluster_id)
        return ((cluster or {}).get("spec") or {}).get("clusterGroupID") or ""

    def has_location(self, cluster_id, location):
        """Whether the cluster reports the ``country`` (and ``city``) of a location update."""
        spec = (self.api.get_cluster(cluster_id) or {}).get("spec") or {}
        return all(spec.get(key) == value for key, value in location.items())

    def leave(self, cluster_id):
        self.module.confirmed_write(lambda: self.api.unjoin_fleet(cluster_id, once=True),
                                    lambda: self.fleet_of(cluster_id) == "")

    def bind(self, cluster_id, bindings):
        def applied():
            cluster = self.api.get_cluster(cluster_id)
            reported = ((cluster or {}).get("spec") or {}).get("ruleNamespaces") or []
            return canonical_bindings(reported) == canonical_bindings(bindings)
        self.module.confirmed_write(lambda: self.api.bind_cluster_policies(cluster_id, bindings, once=True), applied)

    def absent(self, current):
        """Unregister; a cluster that is already gone (or whose fleet is gone) is not an error."""
        if current is None:
            return {"changed": False, "before": None, "after": None, "cluster_id": None}
        cluster_id = current["metadata"]["uid"]
        if not self.check_mode:
            if (current.get("spec") or {}).get("clusterGroupID"):
                try:
                    self.leave(cluster_id)
                except ApiError as exc:
                    # A fleet that no longer exists cannot be left; the unregister below says whether that matters.
                    if exc.status is None or exc.status >= 500:
                        raise
            # A lost answer (or a 5xx) is settled by looking the cluster up: gone means unregistered.
            self.module.confirmed_write(lambda: self.api.unregister_cluster(cluster_id),
                                        lambda: self.api.get_cluster(cluster_id) is None)
        return {"changed": True, "before": current, "after": None, "cluster_id": cluster_id}


class UcsClusterModule(FleetopsModule):

    def __init__(self):
        super(UcsClusterModule, self).__init__(
            argument_spec=ARGUMENT_SPEC,
            supports_check_mode=True,
            required_one_of=[("name", "clusters")],
            mutually_exclusive=[("name", "clusters"), ("kubeconfig", "kubeconfig_path")],
        )
        self.api = UcsApi(self.client)
        self.lookups = Lookups(self.api)

    def add_kubeconfig_secrets(self, text):
        """Register the kubeconfig read from a file (and the tokens and keys in it) as secrets of this run."""
        self.add_secret(text)

    def tasks(self):
        if self.params.get("clusters") is None:
            return [ClusterTask(self, single_params(self.params), self.lookups)]
        return [ClusterTask(self, entry_params(self.params, entry), self.lookups) for entry in self.params["clusters"]]

    def validate(self, tasks):
        """Every check that needs no API call, for every cluster; fails the task listing all problems at once."""
        errors = []
        if self.params["wait_timeout"] < 0:
            errors.append("wait_timeout must be zero or more seconds")
        names = {}
        for index, task in enumerate(tasks):
            label = "" if self.params.get("clusters") is None else "clusters[%d] (%s): " % (index, task.name)
            errors.extend(label + problem for problem in task.problems())
            if task.name in names:
                errors.append("%sthe name %r is given twice (also clusters[%d])" % (label, task.name, names[task.name]))
            names.setdefault(task.name, index)
        if errors:
            self.fail("Invalid options: %s" % "; ".join(errors))

    def run(self):
        tasks = self.tasks()
        self.validate(tasks)
        if self.params.get("clusters") is None:
            self.run_single(tasks[0])
        else:
            self.run_list(tasks)

    # ---- single mode ------------------------------------------------------------------------------

    def run_single(self, task):
        try:
            outcome = task.run()
        except ClusterFailed as exc:
            self.fail(exc.msg, **exc.extra)
        after = outcome["after"]
        cluster_id = outcome["cluster_id"]
        if task.params["state"] == "absent":
            self.exit(changed=outcome["changed"], before=self.clean(outcome["before"]), after=None, cluster={})
            return
        if after is None and not self.check_mode:
            after = self.api.get_cluster(cluster_id)
            if after is None:
                self.fail("cluster %s (%s) disappeared right after it was written" % (task.name, cluster_id))
        if self.params["wait"] and not self.check_mode and phase_of(after) != AVAILABLE:
            after = self.wait(lambda: self.api.get_cluster(cluster_id), phase_of, targets=[AVAILABLE],
                              timeout=self.params["wait_timeout"])
        self.exit(changed=outcome["changed"], before=self.clean(outcome["before"]), after=self.clean(after),
                  cluster=self.clean(after))

    @staticmethod
    def clean(cluster):
        return strip_cluster_secrets(cluster) if cluster is not None else None

    # ---- list mode --------------------------------------------------------------------------------

    def run_list(self, tasks):
        results = []
        outcomes = {}
        for task in tasks:
            result = {"name": task.name, "state": task.params["state"], "changed": False, "failed": False}
            try:
                outcome = task.run()
            except ClusterFailed as exc:
                result.update(failed=True, msg=exc.msg, **exc.extra)
            except ApiError as exc:
                result.update(failed=True, msg=exc.full_message(), error=exc.to_dict())
            else:
                result["changed"] = outcome["changed"]
                outcomes[task.name] = outcome
            results.append(result)
        self.read_back_all(tasks, outcomes)
        if self.params["wait"] and not self.check_mode:
            self.wait_all(tasks, outcomes, results)
        before, after = {}, {}
        for task, result in zip(tasks, results):
            outcome = outcomes.get(task.name)
            if outcome is None:
                continue
            cluster = self.clean(outcome["after"])
            result["cluster"] = cluster or {}
            before[task.name] = self.clean(outcome["before"])
            after[task.name] = cluster
        changed = any(r["changed"] for r in results)
        failed = [r["name"] for r in results if r["failed"]]
        if failed:
            extra = {"diff": dict(before=before, after=after)} if self.diff_mode else {}
            self.fail("%d of %d clusters failed: %s. See clusters[] for each one's error; the others are done."
                      % (len(failed), len(results), ", ".join(failed)), changed=changed, clusters=results, **extra)
        self.exit(changed=changed, before=before, after=after, clusters=results)

    def read_back_all(self, tasks, outcomes):
        """Read the written clusters back with one list call (none when nothing was written)."""
        pending = [t for t in tasks if t.name in outcomes and outcomes[t.name]["after"] is None
                   and t.params["state"] != "absent"]
        if not pending or self.check_mode:
            return
        by_name = self.lookups.clusters_by_name(refresh=True)
        for task in pending:
            outcomes[task.name]["after"] = by_name.get(task.name)

    def wait_all(self, tasks, outcomes, results):
        """Wait until every cluster of the list is Available: one list call per round, whatever the size."""
        waiting = {}
        for task, result in zip(tasks, results):
            if task.name not in outcomes or task.params["state"] == "absent":
                continue
            if phase_of(outcomes[task.name]["after"]) == AVAILABLE:  # already there: a history of one entry
                result["status_history"] = [{"status": AVAILABLE, "elapsed": 0.0,
                                             "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}]
            else:
                waiting[task.name] = result
        if not waiting:
            return
        start = time.monotonic()
        deadline = start + self.params["wait_timeout"]
        pause = 1.0
        history = dict((name, []) for name in waiting)
        while True:
            try:
                by_name = self.lookups.clusters_by_name(refresh=True)
            except ApiError as exc:
                # A read that failed after the transport's own retries: the wait goes on within its time budget.
                if not transient(exc) or time.monotonic() + pause > deadline:
                    raise
                time.sleep(pause)
                pause = min(pause * 2, 10.0)
                continue
            elapsed = round(time.monotonic() - start, 3)
            for name in list(waiting):
                cluster = by_name.get(name)
                phase = phase_of(cluster)
                if not history[name] or history[name][-1]["status"] != phase:
                    history[name].append({"status": phase, "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                                          "elapsed": elapsed})
                outcomes[name]["after"] = cluster
                if phase == AVAILABLE:
                    waiting[name]["status_history"] = history[name]
                    del waiting[name]
            if not waiting:
                return
            if time.monotonic() + pause > deadline:
                for name, result in waiting.items():
                    result.update(failed=True, status_history=history[name],
                                  msg="Waiting timed out after %s seconds: cluster %r is %s, not Available"
                                  % (self.params["wait_timeout"], name, phase_of(outcomes[name]["after"])))
                return
            time.sleep(pause)
            pause = min(pause * 2, 10.0)


def main():
    UcsClusterModule().execute()


if __name__ == "__main__":
    main()

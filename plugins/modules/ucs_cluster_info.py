# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: ucs_cluster_info
short_description: List the clusters registered in Huawei Cloud UCS
version_added: 0.1.0
description:
  - Lists the clusters registered in Huawei Cloud UCS, following the pagination of the API to the end.
  - Filters combine (a cluster must match all of them). The kubeconfig annotation is never returned.
  - Never changes anything.
  - "IAM action: C(ucs:clusters:list) (and C(ucs:clustergroups:get) or C(ucs:clustergroups:list) to resolve a fleet name)."
author:
  - fleetops.cloud contributors (@fleetops)
extends_documentation_fragment:
  - fleetops.cloud.auth
attributes:
  check_mode:
    support: full
    description: Read-only; runs the same in check mode.
  diff_mode:
    support: none
    description: Nothing changes, so there is no diff.
options:
  name:
    description:
      - Only the cluster with exactly this name.
    type: str
  category:
    description:
      - Only clusters of this category (query parameter C(category)), for example V(self), V(onpremise) or
        V(attachedcluster) (the categories of the UCS API reference, section 5.6).
      - The list call (section 3.1.1) states no closed set of values, so any category is passed on as given.
    type: str
  fleet:
    description:
      - Only the members of this fleet (name or id; query parameter C(clustergroupid)).
      - An unknown fleet fails the task.
    type: str
  manage_type:
    description:
      - V(grouped) lists clusters that are in a fleet, V(discrete) those that are not, V(all) both
        (query parameter C(managetype)).
    type: str
    choices: [all, grouped, discrete]
  ids:
    description:
      - Only the clusters with these ids (UUIDs; query parameter C(clusterids)).
    type: list
    elements: str
seealso:
  - module: fleetops.cloud.ucs_cluster
'''

EXAMPLES = r'''
# Credentials, region and endpoints come from the HW_* environment (docs/auth.md); to set them per play
# instead, use module_defaults with the group/fleetops.cloud.cloud action group.
- name: Every registered cluster
  fleetops.cloud.ucs_cluster_info:
  register: all_clusters

- name: The attached clusters of the production fleet
  fleetops.cloud.ucs_cluster_info:
    fleet: production
    category: attachedcluster
  register: prod_attached

- name: Clusters not in any fleet
  fleetops.cloud.ucs_cluster_info:
    manage_type: discrete

- name: Names of the clusters that are not Available
  ansible.builtin.debug:
    msg: "{{ all_clusters.clusters | rejectattr('status.phase', 'equalto', 'Available') | map(attribute='metadata.name') | list }}"
'''

RETURN = r'''
clusters:
  description:
    - The matching clusters, without their kubeconfig annotation. Same fields as the C(cluster) return value
      of M(fleetops.cloud.ucs_cluster).
  returned: always
  type: list
  elements: dict
  contains:
    kind:
      description: Always C(Cluster).
      type: str
    apiVersion:
      description: Always C(v1).
      type: str
    metadata:
      description: C(uid), C(name), C(labels), C(annotations) (never the kubeconfig), C(creationTimestamp), C(updateTimestamp).
      type: dict
    spec:
      description:
        - C(category), C(type), C(provider), C(country), C(city), C(region), C(projectID), C(clusterGroupID),
          C(manageType), C(ruleNamespaces), C(IsDownloadedCert) and the other fields UCS reports.
      type: dict
    status:
      description: C(phase), C(kubernetesVersion), C(conditions), C(nodeSummary) and the other fields UCS reports.
      type: dict
  sample:
    - kind: Cluster
      apiVersion: v1
      metadata: {uid: b0d1ecb5-7947-11ee-9467-0255ac1001bf, name: edge-sh-1, labels: {env: prod}}
      spec: {category: attachedcluster, type: privatek8s, provider: privatek8s, country: CN, city: "310000",
             clusterGroupID: "", manageType: discrete}
      status: {phase: Available, kubernetesVersion: v1.25}
'''

from ansible_collections.fleetops.cloud.plugins.module_utils.base import FleetopsModule
from ansible_collections.fleetops.cloud.plugins.module_utils.ucs import UcsApi, UcsNotFoundError, is_uuid, strip_cluster_secrets


class UcsClusterInfoModule(FleetopsModule):

    def __init__(self):
        super(UcsClusterInfoModule, self).__init__(
            argument_spec=dict(
                name=dict(type="str"),
                category=dict(type="str"),
                fleet=dict(type="str"),
                manage_type=dict(type="str", choices=["all", "grouped", "discrete"]),
                ids=dict(type="list", elements="str"),
            ),
            supports_check_mode=True,
        )
        self.api = UcsApi(self.client)

    def run(self):
        ids = self.params.get("ids")
        bad = [i for i in ids or [] if not is_uuid(i)]
        if bad:
            self.fail("ids must be cluster ids (UUIDs such as b0d1ecb5-7947-11ee-9467-0255ac1001bf): %s" % ", ".join(repr(b) for b in bad))
        fleet_id = None
        if self.params.get("fleet") is not None:
            try:
                fleet_id = self.api.resolve_fleet(self.params["fleet"])["metadata"]["uid"]
            except UcsNotFoundError:
                self.fail("fleet: no UCS fleet is named (or has the id) %r" % self.params["fleet"])
        if ids == []:
            clusters = []
        else:
            clusters = self.api.list_clusters(category=self.params.get("category"), clustergroupid=fleet_id,
                                              managetype=self.params.get("manage_type"), clusterids=ids)
        # the server filters too; filtering here again keeps the result right whatever a server ignores
        name = self.params.get("name")
        if name is not None:
            clusters = [c for c in clusters if c["metadata"].get("name") == name]
        if self.params.get("category") is not None:
            clusters = [c for c in clusters if c["spec"].get("category") == self.params["category"]]
        if ids:
            clusters = [c for c in clusters if c["metadata"].get("uid") in ids]
        self.exit(changed=False, clusters=[strip_cluster_secrets(c) for c in clusters])


def main():
    UcsClusterInfoModule().execute()


if __name__ == "__main__":
    main()

# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: ucs_cce_cluster_info
short_description: List the CCE clusters of the account that UCS can import
version_added: 0.1.0
description:
  - Lists the Huawei Cloud CCE clusters of the tenant as UCS sees them (C(GET /v1/managedclusters)), with the
    C(metadata.uid), C(spec.region) and C(spec.projectID) that M(fleetops.cloud.ucs_cluster) needs to import one
    (O(fleetops.cloud.ucs_cluster#module:cluster_id), O(fleetops.cloud.ucs_cluster#module:cce_region),
    O(fleetops.cloud.ucs_cluster#module:cce_project_id)).
  - Never changes anything.
  - "IAM action: the UCS permission to list the tenant's CCE clusters (covered by C(UCS ReadOnlyAccess))."
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
  unregistered:
    description:
      - V(true) lists only the CCE clusters not yet registered in UCS. V(false) or not set lists every CCE cluster
        of the tenant.
      - Sent as both query parameters, C(unregister) (UCS API reference, section 3.1.9) and C(unimported) (the name
        the official SDK gives the same filter), so that a server that knows either one filters the list.
    type: bool
  name:
    description:
      - Only the CCE cluster with exactly this name.
    type: str
seealso:
  - module: fleetops.cloud.ucs_cluster
'''

EXAMPLES = r'''
# Credentials, region and endpoints come from the HW_* environment (docs/auth.md); to set them per play
# instead, use module_defaults with the group/fleetops.cloud.cloud action group.
- name: CCE clusters that can be imported
  fleetops.cloud.ucs_cce_cluster_info:
    unregistered: true
  register: cce

- name: Import them
  fleetops.cloud.ucs_cluster:
    name: "{{ item.metadata.name }}"
    category: self
    type: "{{ item.spec.type }}"
    cluster_id: "{{ item.metadata.uid }}"
    cce_region: "{{ item.spec.region }}"
    cce_project_id: "{{ item.spec.projectID }}"
  loop: "{{ cce.clusters }}"
  loop_control:
    label: "{{ item.metadata.name }}"
'''

RETURN = r'''
clusters:
  description:
    - The CCE clusters. The API's C(projectId) spelling is returned as C(projectID).
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
      description: C(uid) (the CCE cluster id), C(name), C(labels), C(creationTimestamp).
      type: dict
    spec:
      description: C(category) (C(self)), C(type) (C(cce) or C(turbo)), C(provider), C(region), C(projectID), C(projectName) and more.
      type: dict
    status:
      description: C(phase), C(kubernetesVersion) and the other fields UCS reports.
      type: dict
  sample:
    - kind: Cluster
      apiVersion: v1
      metadata: {uid: 44052cdd-8cd2-11ee-abd1-0255ac1001bd, name: cce-turbo-prod}
      spec: {category: self, type: turbo, provider: huaweicloud, region: cn-north-4, projectID: 05495693df80d3c92fa1c01795c2be02}
      status: {phase: Available}
'''

from ansible_collections.fleetops.cloud.plugins.module_utils.base import FleetopsModule
from ansible_collections.fleetops.cloud.plugins.module_utils.ucs import UcsApi, strip_cluster_secrets


class UcsCceClusterInfoModule(FleetopsModule):

    def __init__(self):
        super(UcsCceClusterInfoModule, self).__init__(
            argument_spec=dict(unregistered=dict(type="bool"), name=dict(type="str")),
            supports_check_mode=True,
        )
        self.api = UcsApi(self.client)

    def run(self):
        clusters = self.api.list_managed_clusters(unregistered=self.params.get("unregistered"))
        if self.params.get("name") is not None:
            clusters = [c for c in clusters if c["metadata"].get("name") == self.params["name"]]
        self.exit(changed=False, clusters=[strip_cluster_secrets(c) for c in clusters])


def main():
    UcsCceClusterInfoModule().execute()


if __name__ == "__main__":
    main()

# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: ucs_fleet_info
short_description: List Huawei Cloud UCS fleets with their member clusters
version_added: 0.1.0
description:
  - Returns the fleets (C(clustergroups)) of Huawei Cloud UCS with their member clusters and policy bindings,
    following the pagination of the list calls.
  - Never changes anything.
  - "Permissions: the UCS API reference names no IAM actions; the user needs read access to the fleets and clusters."
author:
  - fleetops.cloud contributors (@fleetops)
extends_documentation_fragment:
  - fleetops.cloud.auth
attributes:
  check_mode:
    support: full
    description: The module never changes anything; it runs the same in check mode.
  diff_mode:
    support: none
    description: Nothing to compare.
options:
  name:
    description:
      - Only return the fleet with this exact name (an empty list when there is none).
    type: str
  clusters:
    description:
      - Whether to list the member clusters of each fleet (one more call).
      - With V(false) the lookup is one call and the fleets carry no RV(fleets[].clusters); use it when only the
        ids or bindings are needed.
    type: bool
    default: true
'''

EXAMPLES = r'''
- name: Every fleet with its members
  fleetops.cloud.ucs_fleet_info:
  register: fleets

- name: One fleet
  fleetops.cloud.ucs_fleet_info:
    name: production
  register: production

- name: Names of its member clusters
  ansible.builtin.debug:
    msg: "{{ production.fleets[0].clusters | map(attribute='name') | list }}"
  when: production.fleets | length > 0
'''

RETURN = r'''
fleets:
  description: The fleets, in the order of the API.
  returned: always
  type: list
  elements: dict
  contains:
    metadata:
      description: Name (C(name)), id (C(uid)), C(labels) and timestamps of the fleet.
      type: dict
      returned: success
      sample: {"name": "production", "uid": "6efb4a18-2fa4-11ee-ad1d-0255ac1001c4"}
    spec:
      description:
        - C(description), C(ruleNamespaces) (the policy bindings), C(federationId),
          C(federationVersion), C(dnsSuffix),
          C(federationExpirationTimestamp) and C(policyId) when set.
      type: dict
      returned: success
      sample: {"description": "Production clusters"}
    status:
      description: Conditions of the fleet (C(type) Federation or Policy, C(status), C(reason), C(message)).
      type: dict
      returned: success
      sample: {"conditions": []}
    clusters:
      description: The member clusters (C(name), C(id)), sorted by name.
      type: list
      elements: dict
      returned: unless O(clusters=false)
      sample: [{"name": "prod-beijing", "id": "514c1a3c-8ec7-11ec-b384-0255ac100189"}]
    policy_namespaces:
      description:
        - The namespaces the fleet's permission policies are bound to, from C(spec.ruleNamespaces), de-duplicated.
        - "UCS reports a fleet's bindings either with their policy ids (C([{rules: [{ruleID, ruleName}], namespaces}]), the
          form Huawei's Terraform provider reads) or, as the API reference's table 3-155 says, as namespace names only;
          both are read."
      type: list
      elements: str
      returned: success
      sample: [default, kube-system]
    policies:
      description:
        - The policy bindings, as C([{policies, namespaces}]) with policy ids (one entry per set of namespaces), when UCS
          reports the policy ids.
      type: list
      elements: dict
      returned: when UCS reports policy ids
      sample: [{"policies": ["3dcdef78-65bb-11ee-bdf2-0255ac100033"], "namespaces": ["default"]}]
'''

from ansible_collections.fleetops.cloud.plugins.module_utils.base import FleetopsModule
from ansible_collections.fleetops.cloud.plugins.module_utils.ucs import UcsApi, fleet_view


class FleetInfoModule(FleetopsModule):
    def __init__(self):
        spec = dict(name=dict(type="str"), clusters=dict(type="bool", default=True))
        super(FleetInfoModule, self).__init__(argument_spec=spec, supports_check_mode=True)
        self.api = UcsApi(self.client)

    def run(self):
        name = self.params.get("name")
        if name is not None:
            found = self.api.find_fleet_by_name(name)
            fleets = [found] if found is not None else []
        else:
            fleets = self.api.list_fleets()
        if not fleets:
            return self.exit(changed=False, fleets=[])
        if not self.params["clusters"]:
            return self.exit(changed=False, fleets=[fleet_view(f, None) for f in fleets])
        if len(fleets) == 1:
            members_of = {fleets[0]["metadata"].get("uid"): self.api.list_fleet_clusters(fleets[0]["metadata"].get("uid"))}
        else:
            members_of = {}
            for cluster in self.api.list_clusters():
                members_of.setdefault(cluster["spec"].get("clusterGroupID"), []).append(cluster)
        result = [fleet_view(f, members_of.get(f["metadata"].get("uid"), [])) for f in fleets]
        self.exit(changed=False, fleets=result)


def main():
    FleetInfoModule().execute()


if __name__ == "__main__":
    main()

# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: ucs_policy_info
short_description: List Huawei Cloud UCS permission policies
version_added: 0.1.0
description:
  - Returns the permission policies (C(rules)) of Huawei Cloud UCS, following the pagination of the list call.
  - Never changes anything.
  - "Permissions: the UCS API reference names no IAM actions for the list call; the user needs read access to UCS."
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
      - Only return the policy with this exact name (an empty list when there is none).
    type: str
'''

EXAMPLES = r'''
- name: Every permission policy
  fleetops.cloud.ucs_policy_info:
  register: all_policies

- name: One policy by name
  fleetops.cloud.ucs_policy_info:
    name: ops-readonly
  register: ops_policy

- name: Show its users
  ansible.builtin.debug:
    msg: "{{ ops_policy.policies[0].spec.iamUserIDs | default([]) }}"
'''

RETURN = r'''
policies:
  description: The policies, in the order of the API.
  returned: always
  type: list
  elements: dict
  contains:
    metadata:
      description: Name (C(name)), id (C(uid)) and timestamps (C(creationTimestamp), C(updateTimestamp)) of the policy.
      type: dict
      returned: success
      sample: {"name": "ops-readonly", "uid": "3dcdef78-65bb-11ee-bdf2-0255ac100033"}
    spec:
      description:
        - The policy; C(type), C(iamUserIDs) (the C(iamUserIds) spelling is normalised to this one),
          C(contents) (list of C(verbs) and C(resources)) and C(description).
      type: dict
      returned: success
      sample: {"type": "admin", "iamUserIDs": ["873395a21c8d4d8ba9e37d6d32debc41"], "contents": [{"verbs": ["*"], "resources": ["*"]}]}
'''

from ansible_collections.fleetops.cloud.plugins.module_utils.base import FleetopsModule
from ansible_collections.fleetops.cloud.plugins.module_utils.ucs import UcsApi


class PolicyInfoModule(FleetopsModule):
    def __init__(self):
        super(PolicyInfoModule, self).__init__(argument_spec=dict(name=dict(type="str")), supports_check_mode=True)
        self.api = UcsApi(self.client)

    def run(self):
        name = self.params.get("name")
        if name is not None:
            found = self.api.find_policy_by_name(name)
            policies = [found] if found is not None else []
        else:
            policies = self.api.list_policies()
        self.exit(changed=False, policies=policies)


def main():
    PolicyInfoModule().execute()


if __name__ == "__main__":
    main()

# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: ucs_cluster_version_info
short_description: List the Kubernetes versions Huawei Cloud UCS accepts for registration
version_added: 0.1.0
description:
  - Lists the Kubernetes versions of clusters that can be registered in UCS (C(GET /v1/config/registeredclusterversions)).
  - Never changes anything.
  - "IAM action: read access to UCS (covered by C(UCS ReadOnlyAccess))."
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
options: {}
seealso:
  - module: fleetops.cloud.ucs_cluster
'''

EXAMPLES = r'''
# Credentials, region and endpoints come from the HW_* environment (docs/auth.md); to set them per play
# instead, use module_defaults with the group/fleetops.cloud.cloud action group.
- name: Supported versions
  fleetops.cloud.ucs_cluster_version_info:
  register: ucs_versions

- name: Stop when the member cluster runs an unsupported version
  ansible.builtin.assert:
    that: member_version in ucs_versions.versions
    fail_msg: "UCS does not accept Kubernetes {{ member_version }}"
  vars:
    member_version: v1.25
'''

RETURN = r'''
versions:
  description: The Kubernetes versions (C(v<major>.<minor>)) UCS accepts, in the order the API gives them.
  returned: always
  type: list
  elements: str
  sample: [v1.19, v1.20, v1.21, v1.22, v1.23, v1.24, v1.25]
'''

from ansible_collections.fleetops.cloud.plugins.module_utils.base import FleetopsModule
from ansible_collections.fleetops.cloud.plugins.module_utils.ucs import UcsApi


class UcsClusterVersionInfoModule(FleetopsModule):

    def __init__(self):
        super(UcsClusterVersionInfoModule, self).__init__(argument_spec={}, supports_check_mode=True)
        self.api = UcsApi(self.client)

    def run(self):
        self.exit(changed=False, versions=[str(v) for v in self.api.list_cluster_versions()])


def main():
    UcsClusterVersionInfoModule().execute()


if __name__ == "__main__":
    main()

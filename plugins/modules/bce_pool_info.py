# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: bce_pool_info
short_description: List Huawei Cloud BCE batch resource pools
version_added: 0.1.0
description:
  - Lists the resource pools of a Huawei Cloud BCE project, following the API's pagination to the end.
  - Never changes anything.
  - "IAM actions needed: C(bce:clusters:list); C(bce:clusters:get) with O(id)."
author:
  - fleetops.cloud contributors (@fleetops)
extends_documentation_fragment:
  - fleetops.cloud.auth
attributes:
  check_mode:
    support: full
    description: The module only reads; it runs the same in check mode.
  diff_mode:
    support: none
    description: Nothing changes, so there is no diff.
options:
  name:
    description:
      - Only the pool with exactly this name.
    type: str
  id:
    description:
      - Only the pool with this guid (read with one call). A pool that does not exist (a 404, or a 400 to the GET by
        id) gives an empty list.
      - An id that is empty, C(.), C(..), or holds C(/) or control characters fails before any call.
    type: str
  type:
    description:
      - Only pools of this type. The API's own spellings C(CCE) and C(CCI) are reported as V(dedicate) and V(shared).
    type: str
    choices: [dedicate, shared, cromwell]
seealso:
  - module: fleetops.cloud.bce_pool
'''

EXAMPLES = r'''
- name: Every pool of the project
  fleetops.cloud.bce_pool_info:
  register: all_pools

- name: The Cromwell pools
  fleetops.cloud.bce_pool_info:
    type: cromwell
  register: cromwell_pools

- name: One pool by name
  fleetops.cloud.bce_pool_info:
    name: genomics-dedicated
  register: one_pool

- name: Show its status
  ansible.builtin.debug:
    msg: "{{ one_pool.pools[0].status if one_pool.pools else 'no such pool' }}"
'''

RETURN = r'''
pools:
  description: The matching pools (an empty list when none matches). Database passwords are never returned.
  returned: always
  type: list
  elements: dict
  contains:
    guid:
      description: Id of the pool.
      type: str
      sample: 7d7f3a7e-2a4c-4c1e-9a3e-35d1b1e0b0a1
    cluster_name:
      description: Name of the pool.
      type: str
      sample: genomics-dedicated
    cluster_type:
      description: Type of the pool, normalised to V(dedicate), V(shared) or V(cromwell).
      type: str
      sample: dedicate
    cluster_id:
      description: CCE cluster id or CCI namespace name.
      type: str
    namespace_id:
      description: Id of the CCI namespace (shared pools).
      type: str
    description:
      description: Description of the pool.
      type: str
    status:
      description: Status of the pool as the API reports it.
      type: str
    create_at:
      description: Creation time.
      type: str
    update_at:
      description: Last update time.
      type: str
    domain_id:
      description: Account (domain) id.
      type: str
    project_id:
      description: Project id.
      type: str
    info:
      description: Cluster information (dedicated and shared pools).
      type: str
    bucket_name:
      description: OBS bucket (Cromwell pools).
      type: str
    cromwell_deployment:
      description: Name of the Cromwell workload (Cromwell pools).
      type: str
    cromwell_detail:
      description: Details of the Cromwell environment (Cromwell pools).
      type: str
    cromwell_secret:
      description: Name of the Kubernetes secret of the Cromwell environment; not the secret itself.
      type: str
    cromwell_type:
      description: Type of the Cromwell pool.
      type: str
    environment_error:
      description: Error of the Cromwell environment, if any.
      type: str
    rds_database_name:
      description: Database name of the Cromwell pool.
      type: str
    rds_instance_id:
      description: RDS instance of the Cromwell pool.
      type: str
'''

from ansible_collections.fleetops.cloud.plugins.module_utils.base import FleetopsModule
from ansible_collections.fleetops.cloud.plugins.module_utils.bce import (
    BceApi, normalise_pool_type, validate_id, validate_name)

ARGUMENT_SPEC = dict(
    name=dict(type="str"),
    id=dict(type="str"),
    type=dict(type="str", choices=["dedicate", "shared", "cromwell"]),
)


class BcePoolInfoModule(FleetopsModule):

    def __init__(self):
        super(BcePoolInfoModule, self).__init__(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
        self.api = BceApi(self.client)

    def run(self):
        p = self.params
        if p["id"] is not None:
            validate_id(p["id"], "pool id")
        if p["name"] is not None:
            validate_name(p["name"], "pool name")
        if p["id"] is not None:
            # A pool that does not exist (404, or 400 to the GET by id) is simply not listed.
            pool = self.api.get_pool(p["id"])
            pools = [pool] if pool is not None else []
        elif p["name"] is not None:
            # Names are unique per project: the lookup stops at the first exact match.
            pool = self.api.find_pool(p["name"])
            pools = [pool] if pool is not None else []
        else:
            pools = self.api.list_pools()
        if p["name"] is not None:
            pools = [pool for pool in pools if pool.get("cluster_name") == p["name"]]
        if p["type"] is not None:
            pools = [pool for pool in pools if normalise_pool_type(pool.get("cluster_type")) == p["type"]]
        self.exit(changed=False, pools=pools)


def main():
    BcePoolInfoModule().execute()


if __name__ == "__main__":
    main()

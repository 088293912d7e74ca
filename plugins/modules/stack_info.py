#!/usr/bin/python
# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: stack_info
short_description: List orchestration (Heat) stacks
version_added: 0.1.0
description:
  - Lists the stacks of the project of an OpenStack-Heat-compatible orchestration service, following marker paging.
  - The name and tag filters are sent to the service and applied again to the answer, so they hold even where the
    service ignores one. The status filter is applied to the answer (Heat's own C(status) filter only knows the
    state part, such as C(COMPLETE)).
  - Without O(details), one list call per page is made and no stack is read one by one. With O(details=true),
    each matching stack is read too (parameters, outputs, timeout, rollback).
  - "Permissions: the Heat policy actions C(stacks:index) and, with O(details), C(stacks:show)."
author:
  - fleetops.cloud contributors (@fleetops)
extends_documentation_fragment:
  - fleetops.cloud.auth
attributes:
  check_mode:
    support: full
    description: Never changes anything; runs the same in check mode.
  diff_mode:
    support: none
    description: Returns no diff.
options:
  name:
    description:
      - Only the stack with exactly this name.
    type: str
  status:
    description:
      - Only stacks with one of these statuses, such as C(CREATE_COMPLETE) or C(UPDATE_FAILED).
    type: list
    elements: str
  tags:
    description:
      - Only stacks that have all of these tags.
    type: list
    elements: str
  tags_any:
    description:
      - Only stacks that have at least one of these tags.
    type: list
    elements: str
  not_tags:
    description:
      - Leave out stacks that have all of these tags.
    type: list
    elements: str
  not_tags_any:
    description:
      - Leave out stacks that have any of these tags.
    type: list
    elements: str
  details:
    description:
      - Read each matching stack for its parameters, outputs, timeout and rollback setting (one more call per stack).
    type: bool
    default: false
seealso:
  - module: fleetops.cloud.stack
'''

EXAMPLES = r'''
- name: Every stack of the project
  fleetops.cloud.stack_info:
  register: all_stacks

- name: Production stacks that did not fail, with their outputs
  fleetops.cloud.stack_info:
    tags: [prod]
    not_tags: [retired]
    status: [CREATE_COMPLETE, UPDATE_COMPLETE]
    details: true
  register: prod

- name: Show the output url of each
  ansible.builtin.debug:
    msg: "{{ item.name }}: {{ item.outputs.url | default('-') }}"
  loop: "{{ prod.stacks }}"
'''

RETURN = r'''
stacks:
  description: The matching stacks, in the order of the service.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Id (UUID) of the stack.
      type: str
      sample: 3095aefc-09fb-4bc7-b1f0-f21a304e864c
    name:
      description: Name of the stack.
      type: str
      sample: web
    status:
      description: Status, C(<ACTION>_<STATE>).
      type: str
      sample: CREATE_COMPLETE
    action:
      description: The action part of the status.
      type: str
      sample: CREATE
    status_reason:
      description: Why the stack is in its status.
      type: str
      sample: Stack CREATE completed successfully
    description:
      description: Description of the stack's template.
      type: str
      sample: Web tier
    tags:
      description: Tags, sorted.
      type: list
      elements: str
      sample: [prod, web]
    creation_time:
      description: When the stack was created.
      type: str
      sample: "2026-01-01T10:00:00Z"
    updated_time:
      description: When the stack was last updated; None if never.
      type: str
      sample: null
    parent:
      description: Id of the parent stack of a nested stack; None otherwise.
      type: str
      sample: null
    parameters:
      description: Parameter values as the service reports them (strings); hidden values are C(******).
      type: dict
      returned: with O(details=true)
      sample: {"flavor": "m1.small"}
    outputs:
      description: "Outputs as a plain dict C({output_key: output_value})."
      type: dict
      returned: with O(details=true)
      sample: {"url": "http://192.0.2.10/"}
    output_errors:
      description: "Outputs the service could not resolve, C({output_key: error})."
      type: dict
      returned: with O(details=true), when some output has an error
      sample: {}
    timeout_mins:
      description: Operation timeout in minutes; None when not set.
      type: int
      returned: with O(details=true)
      sample: 30
    disable_rollback:
      description: Whether rollback is disabled.
      type: bool
      returned: with O(details=true)
      sample: false
    rollback:
      description: Whether a failed operation is rolled back.
      type: bool
      returned: with O(details=true)
      sample: true
'''

from ansible_collections.fleetops.cloud.plugins.module_utils.base import FleetopsModule
from ansible_collections.fleetops.cloud.plugins.module_utils.heat import HeatApi, parse_tags, stack_view


def matches(item, params):
    """Apply the filters to one list entry (the service may ignore some of them)."""
    if params.get("name") is not None and item.get("stack_name") != params["name"]:
        return False
    if params.get("status") and item.get("stack_status") not in params["status"]:
        return False
    tags = set(parse_tags(item.get("tags")))
    if params.get("tags") and not set(params["tags"]) <= tags:
        return False
    if params.get("tags_any") and not set(params["tags_any"]) & tags:
        return False
    if params.get("not_tags") and set(params["not_tags"]) <= tags:
        return False
    if params.get("not_tags_any") and set(params["not_tags_any"]) & tags:
        return False
    return True


class StackInfoModule(FleetopsModule):

    def __init__(self):
        super(StackInfoModule, self).__init__(
            argument_spec=dict(
                name=dict(type="str"),
                status=dict(type="list", elements="str"),
                tags=dict(type="list", elements="str"),
                tags_any=dict(type="list", elements="str"),
                not_tags=dict(type="list", elements="str"),
                not_tags_any=dict(type="list", elements="str"),
                details=dict(type="bool", default=False),
            ),
            supports_check_mode=True,
        )
        self.api = HeatApi(self.client)

    def run(self):
        params = self.params
        query = {"name": params["name"], "tags": params["tags"], "tags_any": params["tags_any"],
                 "not_tags": params["not_tags"], "not_tags_any": params["not_tags_any"]}
        stacks = []
        for item in self.api.list_stacks(query):
            # Heat's list can still show a stack for a moment after DELETE_COMPLETE: a deleted stack is absent.
            if not matches(item, params) or item.get("stack_status") == "DELETE_COMPLETE":
                continue
            if params["details"]:
                full = self.api.get_stack(item.get("stack_name"), item.get("id"))
                if full is None:
                    continue
                item = full
            stacks.append(stack_view(item))
        self.exit(changed=False, stacks=stacks)


def main():
    StackInfoModule().execute()


if __name__ == "__main__":
    main()

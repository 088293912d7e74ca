# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: ucs_policy
short_description: Manage Huawei Cloud UCS permission policies
version_added: 0.1.0
description:
  - Create, update and delete permission policies (C(rules)) of Huawei Cloud UCS (Ubiquitous Cloud Native Service).
  - A policy is found by its exact O(name); names are unique per account. UCS has no call to read one policy,
    so the module reads the list in one call (the list's C(limit) defaults to -1, everything; pages are followed only
    when a server caps them, and the search stops at the first match).
  - O(name) must be non-empty, at most 255 characters, without control characters or C(/); the UCS reference states
    no other rule for policy names, so UCS judges the rest.
  - Only the options that are set are compared; the order of O(iam_user_ids), of O(contents) and of the verbs and
    resources inside each content does not matter.
  - The policies are then bound to fleets with M(fleetops.cloud.ucs_fleet) (O(fleetops.cloud.ucs_fleet#module:policies))
    or to clusters with M(fleetops.cloud.ucs_cluster).
  - "Permissions: the UCS API reference names no IAM actions for the policy calls; the user needs UCS
    permission management rights in the account."
author:
  - fleetops.cloud contributors (@fleetops)
extends_documentation_fragment:
  - fleetops.cloud.auth
attributes:
  check_mode:
    support: full
    description: Predicts C(changed) and the resulting policy without any write call.
  diff_mode:
    support: full
    description: Returns the policy before and after.
options:
  name:
    description:
      - Name of the permission policy. Unique per account. Cannot be changed.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the policy, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  type:
    description:
      - Type of the policy. V(readonly), V(develop) and V(admin) are predefined sets of permissions;
        V(custom) takes its permissions from O(contents).
    type: str
    choices: [readonly, develop, admin, custom]
  iam_user_ids:
    description:
      - Ids of the IAM users the policy applies to. The order does not matter.
      - An empty list removes every user.
    type: list
    elements: str
  contents:
    description:
      - The permissions of a V(custom) policy. Only valid with O(type=custom) (checked before any API call).
      - Required to create a V(custom) policy, or to turn a policy without contents into one.
      - The order of the entries, and of the verbs and resources inside them, does not matter.
    type: list
    elements: dict
    suboptions:
      verbs:
        description:
          - Kubernetes verbs, for example V(get), V(list), V(watch), V(create), V(update), V(patch), V(delete) or V(*).
        type: list
        elements: str
        required: true
      resources:
        description:
          - Kubernetes resources, for example V(pods), V(deployments) or V(*).
        type: list
        elements: str
        required: true
  description:
    description:
      - Description of the policy. An empty string clears it.
    type: str
'''

EXAMPLES = r'''
- name: Read-only access for two IAM users
  fleetops.cloud.ucs_policy:
    name: ops-readonly
    type: readonly
    iam_user_ids:
      - 873395a21c8d4d8ba9e37d6d32debc41
      - 978ff70ec1494a5680f6218faa3567d9
    description: Operators can look at every fleet

- name: A custom policy that may manage deployments and read pods
  fleetops.cloud.ucs_policy:
    name: app-deployers
    type: custom
    iam_user_ids: [5acdb44b47ba4bd79783ad40e5346783]
    contents:
      - verbs: [get, list, watch, create, update, patch, delete]
        resources: [deployments]
      - verbs: [get, list, watch]
        resources: [pods]

- name: Remove a policy that is no longer used
  fleetops.cloud.ucs_policy:
    name: retired-viewers
    state: absent
'''

RETURN = r'''
policy:
  description:
    - The policy after the task (as predicted in check mode). Empty after O(state=absent).
  returned: always
  type: dict
  contains:
    kind:
      description: API kind of the object, when the API returns one.
      type: str
      returned: when returned by the API
      sample: Rule
    apiVersion:
      description: API version of the object, when the API returns one.
      type: str
      returned: when returned by the API
      sample: v1
    metadata:
      description: Name, id and timestamps.
      type: dict
      returned: success
      contains:
        name:
          description: Name of the policy.
          type: str
          returned: success
          sample: ops-readonly
        uid:
          description:
            - Id of the policy. In check mode, a policy to be created has the placeholder C((predicted\) policy <name>),
              which M(fleetops.cloud.ucs_fleet) accepts in the same check run.
          type: str
          returned: success
          sample: 3dcdef78-65bb-11ee-bdf2-0255ac100033
        creationTimestamp:
          description: Creation time, as the API formats it.
          type: str
          returned: when returned by the API
          sample: "2023-10-08 09:15:36.526016 +0000 UTC"
        updateTimestamp:
          description: Last update time, as the API formats it.
          type: str
          returned: when returned by the API
          sample: "2023-10-08 09:15:36.526016 +0000 UTC"
    spec:
      description: The policy itself.
      type: dict
      returned: success
      contains:
        type:
          description: V(readonly), V(develop), V(admin) or V(custom).
          type: str
          returned: success
          sample: readonly
        iamUserIDs:
          description: Ids of the IAM users of the policy (the API's C(iamUserIds) spelling is normalised to this one).
          type: list
          elements: str
          returned: success
          sample: [873395a21c8d4d8ba9e37d6d32debc41]
        contents:
          description: Verbs and resources of a custom policy.
          type: list
          elements: dict
          returned: when set
          sample: [{"verbs": ["get", "list"], "resources": ["pods"]}]
        description:
          description: Description of the policy.
          type: str
          returned: when set
          sample: Operators can look at every fleet
'''

import copy
import json

from ansible_collections.fleetops.cloud.plugins.module_utils.base import FleetopsModule
from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ConfigurationError
from ansible_collections.fleetops.cloud.plugins.module_utils.ucs import UcsApi, check_resource_name, policy_spec, predicted_id


def canonical_contents(contents):
    """Order-insensitive form of policy contents: sorted verbs and resources, sorted entries."""
    out = []
    for item in contents or []:
        item = item or {}
        out.append({"verbs": sorted(set(item.get("verbs") or [])), "resources": sorted(set(item.get("resources") or []))})
    return sorted(out, key=lambda i: json.dumps(i, sort_keys=True))


def validate_policy_options(params):
    """Check the options before any API call; raises ConfigurationError."""
    problem = check_resource_name(params.get("name"), "permission policy")
    if problem:
        raise ConfigurationError(problem + ".")
    if params.get("state") != "present":
        return
    contents = params.get("contents")
    if contents is not None and params.get("type") != "custom":
        raise ConfigurationError("contents is only valid with type=custom (type is %s)." % (params.get("type") or "not set"))
    for index, item in enumerate(contents or []):
        for key in ("verbs", "resources"):
            if not item.get(key):
                raise ConfigurationError("contents[%d].%s must list at least one value." % (index, key))
    if params.get("type") == "custom" and contents is not None and not contents:
        raise ConfigurationError("A custom policy needs at least one entry in contents.")


def desired_spec(params):
    """The spec built from the options the user set (None = not set)."""
    return policy_spec(policy_type=params.get("type"), iam_user_ids=params.get("iam_user_ids"),
                       contents=params.get("contents"), description=params.get("description"))


def spec_differences(desired, current):
    """Names of the spec fields whose desired value differs from the current one (order-insensitive lists)."""
    current = current or {}
    changed = []
    if "type" in desired and desired["type"] != current.get("type"):
        changed.append("type")
    if "iamUserIDs" in desired and sorted(set(desired["iamUserIDs"])) != sorted(set(current.get("iamUserIDs") or [])):
        changed.append("iamUserIDs")
    if "contents" in desired and canonical_contents(desired["contents"]) != canonical_contents(current.get("contents")):
        changed.append("contents")
    if "description" in desired and desired["description"] != (current.get("description") or ""):
        changed.append("description")
    return changed


class PolicyModule(FleetopsModule):
    def __init__(self):
        argument_spec = dict(
            name=dict(type="str", required=True),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            type=dict(type="str", choices=["readonly", "develop", "admin", "custom"]),
            iam_user_ids=dict(type="list", elements="str"),
            contents=dict(type="list", elements="dict", options=dict(
                verbs=dict(type="list", elements="str", required=True),
                resources=dict(type="list", elements="str", required=True),
            )),
            description=dict(type="str"),
        )
        super(PolicyModule, self).__init__(argument_spec=argument_spec, supports_check_mode=True)
        self.api = UcsApi(self.client)

    def run(self):
        validate_policy_options(self.params)
        name = self.params["name"]
        current = self.api.find_policy_by_name(name)
        if self.params["state"] == "absent":
            return self.absent(current)
        return self.present(current)

    def absent(self, current):
        if current is None:
            return self.exit(changed=False, before=None, after=None, policy={})
        if not self.check_mode:
            self.api.delete_policy(current["metadata"]["uid"])
        return self.exit(changed=True, before=current, after=None, policy={})

    def present(self, current):
        name = self.params["name"]
        desired = desired_spec(self.params)
        if current is None:
            if desired.get("type") == "custom" and not desired.get("contents"):
                raise ConfigurationError("contents is required to create the custom policy '%s' (type=custom)." % name)
            # The placeholder id lets later tasks of the same check run (ucs_fleet bindings) use the policy.
            predicted = {"metadata": {"name": name, "uid": predicted_id("policy", name)}, "spec": copy.deepcopy(desired)}
            if self.check_mode:
                return self.exit(changed=True, before=None, after=predicted, policy=predicted)
            self.create_or_find(lambda: self.api.create_policy(name, desired),
                                lambda: self.api.find_policy_by_name(name))
            after = self.api.find_policy_by_name(name)
            if after is None:
                self.fail("The policy '%s' was created but cannot be found in the policy list." % name)
            return self.exit(changed=True, before=None, after=after, policy=after)

        changed_fields = spec_differences(desired, current["spec"])
        if not changed_fields:
            return self.exit(changed=False, before=current, after=current, policy=current)
        merged = copy.deepcopy(current["spec"])
        merged.update(copy.deepcopy(desired))
        if merged.get("type") == "custom" and not merged.get("contents"):
            raise ConfigurationError("contents is required to make the policy '%s' custom (type=custom)." % name)
        update = dict((key, merged[key]) for key in ("type", "iamUserIDs", "contents", "description") if key in merged)
        predicted = copy.deepcopy(current)
        predicted["spec"] = merged
        if self.check_mode:
            return self.exit(changed=True, before=current, after=predicted, policy=predicted)
        self.api.update_policy(current["metadata"]["uid"], update)
        after = self.api.get_policy(current["metadata"]["uid"]) or predicted
        return self.exit(changed=True, before=current, after=after, policy=after)


def main():
    PolicyModule().execute()


if __name__ == "__main__":
    main()

# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: ucs_fleet
short_description: Manage Huawei Cloud UCS fleets (cluster groups)
version_added: 0.1.0
description:
  - Create, update and delete fleets (container fleets, C(clustergroups)) of Huawei Cloud UCS, their description,
    their member clusters and their permission policy bindings.
  - A fleet is found by its exact O(name); names are unique per account.
  - Member clusters are only added unless O(purge_clusters=true); clusters are named by name or id and must be
    registered in UCS (see M(fleetops.cloud.ucs_cluster)). Members are read only when O(clusters) is set (or with
    O(state=absent)).
  - "Adding members sends the current members plus the new ones to C(associatedclusters): source 3.2.6 says the call
    \"cannot empty or reduce\" the members, which allows both \"adds the given clusters\" and \"takes the full list\";
    the union is right under both."
  - Unknown cluster or policy names fail the task before any write; so do names that are empty, longer than 255
    characters, or hold control characters or C(/) (the UCS reference states no other rule for fleet names).
  - "Writes that are not creates (members, bindings, leaving the fleet) are sent once; after an answer that may have
    been lost, the module reads the fleet back and reports C(changed=true) when the write took effect."
  - Federation of a fleet is managed by M(fleetops.cloud.ucs_fleet_federation).
  - "Permissions: the UCS API reference names no IAM actions; it states that updating the description needs update
    permission on the fleet and that deleting a fleet needs operation permission on its clusters (otherwise
    authentication fails)."
author:
  - fleetops.cloud contributors (@fleetops)
notes:
  - "Policy bindings are compared exactly, as sets of (policy id, namespace) pairs, with what the fleet reports in
    C(spec.ruleNamespaces[].rules[].ruleID) (the form Huawei's Terraform provider reads); the order and grouping of
    entries do not matter. Policies the fleet already reports (by id or C(ruleName)) need no lookup."
  - "Source table 3-155 (and the official SDK) describe C(spec.ruleNamespaces) of a fleet as an array of namespace
    names, without policy ids. When UCS answers that way, the module can only compare the sets of namespaces: a change
    of policies that keeps exactly the same namespaces is then not detected, and O(policies_force=true) re-applies
    the bindings for that run."
extends_documentation_fragment:
  - fleetops.cloud.auth
attributes:
  check_mode:
    support: full
    description: Predicts C(changed) and the resulting fleet without any write call.
  diff_mode:
    support: full
    description: Returns the fleet (with its members and bindings) before and after.
options:
  name:
    description:
      - Name of the fleet. Unique per account. Cannot be changed.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the fleet, V(absent) deletes it.
      - UCS only deletes an empty fleet; see O(force).
    type: str
    choices: [present, absent]
    default: present
  description:
    description:
      - Description of the fleet.
    type: str
  clusters:
    description:
      - Clusters (names or ids) that must be members of the fleet. Missing ones are added.
      - Members not listed stay, unless O(purge_clusters=true).
    type: list
    elements: str
  purge_clusters:
    description:
      - Take out of the fleet every member not listed in O(clusters) (the clusters leave the fleet; they stay
        registered in UCS). Ignored when O(clusters) is not set.
    type: bool
    default: false
  policies:
    description:
      - The permission policy bindings of the fleet. Each entry binds policies to namespaces.
      - The bindings replace the current ones; an empty list removes them all. Not set leaves them alone.
      - The order of the entries, of the policies and of the namespaces does not matter.
      - Compared exactly with the bindings the fleet reports (see the notes).
    type: list
    elements: dict
    suboptions:
      policies:
        description:
          - Names or ids of permission policies (see M(fleetops.cloud.ucs_policy)).
        type: list
        elements: str
        required: true
      namespaces:
        description:
          - Namespaces the policies apply to.
        type: list
        elements: str
        required: true
  policies_force:
    description:
      - Re-apply O(policies) even when the fleet reports the same namespaces. Only used when UCS reports a fleet's
        bindings as namespace names without policy ids (table 3-155); when it reports the policy ids, the comparison
        is exact and this option changes nothing.
      - In that case the task always reports C(changed) (one write); leave it off for idempotent runs.
      - Ignored when O(policies) is not set.
    type: bool
    default: false
  force:
    description:
      - With O(state=absent), take the member clusters out of the fleet first.
      - Without it, deleting a fleet that still has members fails, listing them, and changes nothing.
    type: bool
    default: false
'''

EXAMPLES = r'''
- name: Two CCE clusters registered in UCS (fleetops.cloud.ucs_cluster), not yet in a fleet
  fleetops.cloud.ucs_cluster:
    category: self
    clusters:
      - name: cce-prod-01
      - name: cce-dev-01
    wait: true

- name: A fleet with the two clusters and a read-only binding
  fleetops.cloud.ucs_fleet:
    name: production
    description: Production clusters
    clusters:
      - cce-prod-01
      - cce-dev-01
    policies:
      - policies: [ops-readonly]
        namespaces: [default, kube-system]

- name: Exactly these members (others leave the fleet)
  fleetops.cloud.ucs_fleet:
    name: production
    clusters: [cce-prod-01]
    purge_clusters: true

- name: Bind another policy to the same namespaces (compared by policy id and namespace)
  fleetops.cloud.ucs_fleet:
    name: production
    policies:
      - policies: [app-deployers]
        namespaces: [default, kube-system]

- name: Delete the fleet, taking its members out first
  fleetops.cloud.ucs_fleet:
    name: production
    state: absent
    force: true
'''

RETURN = r'''
fleet:
  description:
    - The fleet after the task (as predicted in check mode), with its members and bindings. Empty after O(state=absent).
  returned: always
  type: dict
  contains:
    metadata:
      description:
        - Name (C(name)), id (C(uid)), C(labels) and timestamps (C(creationTimestamp), C(updateTimestamp)).
        - In check mode, a fleet to be created has the placeholder id C((predicted\) fleet <name>), which the other
          fleet modules accept in the same check run (and refuse outside check mode).
      type: dict
      returned: success
      sample: {"name": "production", "uid": "6efb4a18-2fa4-11ee-ad1d-0255ac1001c4"}
    spec:
      description:
        - The fleet as UCS describes it; C(description), C(ruleNamespaces) (the bindings), C(federationId), C(federationVersion),
          C(dnsSuffix), C(federationExpirationTimestamp), C(policyId) when set.
      type: dict
      returned: success
      sample: {"description": "Production clusters"}
    status:
      description: Conditions of the fleet (C(type) Federation or Policy, C(status), C(reason), C(message)).
      type: dict
      returned: success
      sample: {"conditions": []}
    clusters:
      description: The member clusters, sorted by name (read only when the task manages them).
      type: list
      elements: dict
      returned: when O(clusters) is set
      contains:
        name:
          description: Name of the cluster.
          type: str
          returned: success
          sample: prod-beijing
        id:
          description: Id of the cluster.
          type: str
          returned: success
          sample: 514c1a3c-8ec7-11ec-b384-0255ac100189
    policy_namespaces:
      description:
        - The namespaces the fleet's permission policies are bound to, as UCS reports them (C(spec.ruleNamespaces)),
          de-duplicated. The policies are in RV(fleet.policies) when UCS reports them.
      type: list
      elements: str
      returned: success
      sample: [default, kube-system]
    policies:
      description:
        - The policy bindings the fleet reports, in the form of the O(policies) option with policy ids (one entry per
          set of namespaces). Only when UCS reports the policy ids of the bindings.
      type: list
      elements: dict
      returned: when UCS reports policy ids
      sample: [{"policies": ["3dcdef78-65bb-11ee-bdf2-0255ac100033"], "namespaces": ["default"]}]
    applied_policies:
      description:
        - The bindings this task applied (or would apply, in check mode), in the form of the O(policies) option with
          policy ids. Only returned when the task wrote the bindings; UCS cannot be asked for them later.
      type: list
      elements: dict
      returned: when the bindings were applied
      contains:
        policies:
          description: Ids of the policies of this binding.
          type: list
          elements: str
          returned: success
          sample: [3dcdef78-65bb-11ee-bdf2-0255ac100033]
        namespaces:
          description: Namespaces of this binding.
          type: list
          elements: str
          returned: success
          sample: [default]
'''

import copy

from ansible_collections.fleetops.cloud.plugins.module_utils.base import FleetopsModule
from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ConfigurationError
from ansible_collections.fleetops.cloud.plugins.module_utils.ucs import (
    UcsApi, binding_pairs, bindings_namespaces, bindings_view, check_resource_name, fleet_namespaces, fleet_view,
    is_predicted_id, member_list, predicted_id, reported_bindings)


def check_options(params, check_mode):
    """Every problem with the names and ids in the options, before any call (a list of messages)."""
    problems = []
    problem = check_resource_name(params.get("name"), "fleet")
    if problem:
        problems.append(problem)
    for option, values in (("clusters", params.get("clusters")),
                           ("policies[].policies", [p for entry in params.get("policies") or []
                                                    for p in entry.get("policies") or []])):
        for value in values or []:
            if is_predicted_id(value):
                if not check_mode:
                    problems.append("%s holds %r, a placeholder from a check-mode run, not an id" % (option, value))
                continue
            problem = check_resource_name(value, "cluster" if option == "clusters" else "policy", option)
            if problem:
                problems.append(problem)
    for index, entry in enumerate(params.get("policies") or []):
        for namespace in entry.get("namespaces") or []:
            if not isinstance(namespace, str) or not namespace:
                problems.append("policies[%d].namespaces holds an empty namespace" % index)
    return problems


class FleetModule(FleetopsModule):
    def __init__(self):
        argument_spec = dict(
            name=dict(type="str", required=True),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            description=dict(type="str"),
            clusters=dict(type="list", elements="str"),
            purge_clusters=dict(type="bool", default=False),
            policies=dict(type="list", elements="dict", options=dict(
                policies=dict(type="list", elements="str", required=True),
                namespaces=dict(type="list", elements="str", required=True),
            )),
            policies_force=dict(type="bool", default=False),
            force=dict(type="bool", default=False),
        )
        super(FleetModule, self).__init__(argument_spec=argument_spec, supports_check_mode=True)
        self.api = UcsApi(self.client)

    def run(self):
        problems = check_options(self.params, self.check_mode)
        if problems:
            raise ConfigurationError("; ".join(problems) + ".")
        fleet = self.api.find_fleet_by_name(self.params["name"])
        if self.params["state"] == "absent":
            return self.absent(fleet)
        return self.present(fleet)

    # ---- absent -----------------------------------------------------------------------------------

    def absent(self, fleet):
        if fleet is None:
            return self.exit(changed=False, before=None, after=None, fleet={})
        fleet_id = fleet["metadata"]["uid"]
        members = self.api.list_fleet_clusters(fleet_id)
        before = fleet_view(fleet, members)
        if members and not self.params["force"]:
            names = ", ".join("%s (%s)" % (m["name"], m["id"]) for m in member_list(members))
            self.fail("The fleet '%s' still has %d member cluster(s): %s. UCS only deletes an empty fleet: take them out "
                      "first, or set force=true to do it in this task." % (self.params["name"], len(members), names),
                      members=member_list(members))
        if not self.check_mode:
            for cluster in members:
                self.leave(fleet_id, cluster["metadata"]["uid"])
            self.api.delete_fleet(fleet_id)
        return self.exit(changed=True, before=before, after=None, fleet={})

    # ---- writes that are not creates: read back after an answer that may be lost --------------------

    def leave(self, fleet_id, cluster_id):
        def applied():
            cluster = self.api.get_cluster(cluster_id)
            return cluster is None or cluster["spec"].get("clusterGroupID") != fleet_id
        self.confirmed_write(lambda: self.api.unjoin_fleet(cluster_id, once=True), applied)

    def add_members(self, fleet_id, new_ids, current_ids):
        def applied():
            members = set(c["metadata"]["uid"] for c in self.api.list_fleet_clusters(fleet_id))
            return set(new_ids) <= members
        self.confirmed_write(lambda: self.api.add_fleet_clusters(fleet_id, new_ids, current_ids=current_ids, once=True),
                             applied)

    def bind(self, fleet_id, bindings):
        def applied():
            fleet = self.api.get_fleet(fleet_id)
            return fleet is not None and not self.bindings_differ(fleet, bindings, force=False)
        self.confirmed_write(lambda: self.api.bind_fleet_policies(fleet_id, bindings, once=True), applied)

    # ---- present ----------------------------------------------------------------------------------

    def desired_bindings(self, fleet):
        """The bindings to set (policy names and ids resolved to ids, before any write), or None when not set.

        Policies the fleet already reports (by ``ruleID`` or ``ruleName``) need no lookup; the others are resolved
        with one list call. In check mode, placeholder ids of policies an earlier task would create are kept.
        """
        wanted = self.params.get("policies")
        if wanted is None:
            return None
        pairs, reported_names = reported_bindings((fleet or {}).get("spec", {}).get("ruleNamespaces"))
        reported_ids = set(reported_names.values()) | set(pair[0] for pair in pairs or ())
        ids, unknown = {}, []
        for entry in wanted:
            for key in entry["policies"]:
                if key in ids or key in unknown:
                    continue
                if is_predicted_id(key) or key in reported_ids:
                    ids[key] = key
                elif key in reported_names:
                    ids[key] = reported_names[key]
                else:
                    unknown.append(key)
        if unknown:
            ids.update(zip(unknown, self.api.resolve_policy_ids(unknown)))
        return [{"ruleIDs": [ids[key] for key in entry["policies"]], "namespaces": list(entry["namespaces"])}
                for entry in wanted]

    def bindings_differ(self, fleet, bindings, force):
        """Whether ``bindings`` differ from what the fleet reports.

        Exact when the fleet reports policy ids (``spec.ruleNamespaces[].rules[].ruleID``): the sets of
        (policy, namespace) pairs are compared. When it reports only namespace names (table 3-155), the sets of
        namespaces are compared, and ``policies_force`` re-applies anyway.
        """
        reported, dummy = reported_bindings(fleet["spec"].get("ruleNamespaces"))
        if reported is not None:
            return binding_pairs(bindings) != reported
        if force:
            return True
        return set(bindings_namespaces(bindings)) != set(fleet_namespaces(fleet["spec"].get("ruleNamespaces")))

    def present(self, fleet):
        name = self.params["name"]
        description = self.params.get("description")
        manage_members = self.params.get("clusters") is not None
        wanted_clusters = self.resolve_members() if manage_members else None
        bindings = self.desired_bindings(fleet)

        if fleet is None:
            return self.create(name, description, wanted_clusters, bindings)

        fleet_id = fleet["metadata"]["uid"]
        # The members are read only when the task manages them.
        members = self.api.list_fleet_clusters(fleet_id) if manage_members else None
        before = fleet_view(fleet, members)

        update_description = description is not None and description != (fleet["spec"].get("description") or "")
        to_add, to_remove = [], []
        if manage_members:
            member_ids = set(c["metadata"]["uid"] for c in members)
            wanted_ids = [c["metadata"]["uid"] for c in wanted_clusters]
            to_add = [c for c in wanted_clusters if c["metadata"]["uid"] not in member_ids]
            if self.params["purge_clusters"]:
                to_remove = [c for c in members if c["metadata"]["uid"] not in wanted_ids]
        update_bindings = bindings is not None and self.bindings_differ(fleet, bindings, self.params["policies_force"])

        if not (update_description or to_add or to_remove or update_bindings):
            return self.exit(changed=False, before=before, after=before, fleet=before)

        if self.check_mode:
            predicted = copy.deepcopy(before)
            if update_description:
                predicted["spec"]["description"] = description
            if manage_members:
                removed = set(c["metadata"]["uid"] for c in to_remove)
                kept = [c for c in members if c["metadata"]["uid"] not in removed]
                predicted["clusters"] = member_list(kept + to_add)
            if update_bindings:
                self.predict_bindings(predicted, bindings)
            return self.exit(changed=True, before=before, after=predicted, fleet=predicted)

        if update_description:
            self.api.update_fleet_description(fleet_id, description)
        if to_add:
            # Every current member goes with the new ones (those to purge leave afterwards, one by one).
            self.add_members(fleet_id, [c["metadata"]["uid"] for c in to_add], [c["metadata"]["uid"] for c in members])
        for cluster in to_remove:
            self.leave(fleet_id, cluster["metadata"]["uid"])
        if update_bindings:
            self.bind(fleet_id, bindings)
        after = self.read_back(fleet_id, manage_members)
        if update_bindings:
            after["applied_policies"] = bindings_view(bindings)
        return self.exit(changed=True, before=before, after=after, fleet=after)

    def resolve_members(self):
        """The wanted member clusters (one list call); in check mode, placeholders stand for predicted clusters."""
        keys = self.params["clusters"]
        real = [key for key in keys if not is_predicted_id(key)]
        found = self.api.resolve_clusters(real) if real else []
        placeholders = [{"metadata": {"name": key.split(" ", 2)[-1], "uid": key}, "spec": {}, "status": {}}
                        for key in keys if is_predicted_id(key)]
        return found + placeholders

    @staticmethod
    def predict_bindings(predicted, bindings):
        """Check mode: what UCS will report once the bindings are applied, and the bindings themselves."""
        namespaces = bindings_namespaces(bindings)
        predicted["spec"]["ruleNamespaces"] = [
            {"rules": [{"ruleID": rule_id} for rule_id in b["ruleIDs"]], "namespaces": list(b["namespaces"])}
            for b in bindings if b["ruleIDs"] and b["namespaces"]]
        if not predicted["spec"]["ruleNamespaces"]:
            predicted["spec"].pop("ruleNamespaces")
        predicted["policy_namespaces"] = namespaces
        predicted["policies"] = bindings_view(bindings)
        predicted["applied_policies"] = bindings_view(bindings)

    def create(self, name, description, wanted_clusters, bindings):
        cluster_ids = [c["metadata"]["uid"] for c in wanted_clusters or []]
        if self.check_mode:
            predicted = {"metadata": {"name": name, "uid": predicted_id("fleet", name)}, "spec": {}, "status": {},
                         "policy_namespaces": [], "policies": []}
            if wanted_clusters is not None:
                predicted["clusters"] = member_list(wanted_clusters)
            if description is not None:
                predicted["spec"]["description"] = description
            if bindings:
                self.predict_bindings(predicted, bindings)
            return self.exit(changed=True, before=None, after=predicted, fleet=predicted)
        fleet_id, found = self.create_or_find(
            lambda: self.api.create_fleet(name, description=description, cluster_ids=cluster_ids),
            lambda: self.api.find_fleet_by_name(name))
        if found is not None:  # the answer was lost, the fleet exists: make sure the members went in with it
            fleet_id = found["metadata"]["uid"]
            if cluster_ids:
                current = [c["metadata"]["uid"] for c in self.api.list_fleet_clusters(fleet_id)]
                missing = [i for i in cluster_ids if i not in current]
                if missing:
                    self.add_members(fleet_id, missing, current)
        if not fleet_id:
            found = self.api.find_fleet_by_name(name)
            fleet_id = found["metadata"]["uid"] if found else None
            if fleet_id is None:
                self.fail("The fleet '%s' was created but cannot be found." % name)
        if bindings:
            self.bind(fleet_id, bindings)
        after = self.read_back(fleet_id, wanted_clusters is not None)
        if bindings:
            after["applied_policies"] = bindings_view(bindings)
        return self.exit(changed=True, before=None, after=after, fleet=after)

    def read_back(self, fleet_id, with_members):
        fleet = self.api.get_fleet(fleet_id)
        if fleet is None:
            self.fail("The fleet '%s' (%s) disappeared while it was being updated." % (self.params["name"], fleet_id))
        return fleet_view(fleet, self.api.list_fleet_clusters(fleet_id) if with_members else None)


def main():
    FleetModule().execute()


if __name__ == "__main__":
    main()

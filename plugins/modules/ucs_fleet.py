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
    registered in UCS (see M(fleetops.cloud.ucs_cluster)).
  - Unknown cluster or policy names fail the task before any write.
  - Federation of a fleet is managed by M(fleetops.cloud.ucs_fleet_federation).
  - "Permissions: the UCS API reference names no IAM actions; it states that updating the description needs update
    permission on the fleet and that deleting a fleet needs operation permission on its clusters (otherwise
    authentication fails)."
author:
  - fleetops.cloud contributors (@fleetops)
notes:
  - "UCS reports a fleet's policy bindings only as the list of namespaces its policies are bound to (C(spec.ruleNamespaces),
    an array of strings; source table ClusterGroupSpec), without the policy ids. The module therefore compares the set of
    namespaces of O(policies) (entries with at least one policy) with the set UCS reports, and re-applies the bindings
    only when they differ. A change of policies that keeps exactly the same namespaces (for example another policy for
    C(default)) is not detected: set O(policies_force=true) for that run, or change the namespaces."
  - "The policy ids are only known in the run that applies them: the result then carries them in
    RV(fleet.applied_policies). The API reference does not say that member clusters inherit a fleet's bindings, so the
    module does not read them from the members."
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
      - UCS reports only the namespaces of a fleet's bindings, not the policies, so the module re-applies the bindings
        only when the set of namespaces they bind policies to differs from the one UCS reports (see the notes and
        O(policies_force)).
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
      - Re-apply O(policies) even when the fleet already reports the same namespaces. Needed to change which
        policies are bound while keeping exactly the same namespaces (UCS does not report the policies of a fleet).
      - The task then always reports C(changed) (one write); leave it off for idempotent runs.
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

- name: Bind another policy to the same namespaces (UCS reports only namespaces, so force the re-apply)
  fleetops.cloud.ucs_fleet:
    name: production
    policies:
      - policies: [app-deployers]
        namespaces: [default, kube-system]
    policies_force: true

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
      description: Name (C(name)), id (C(uid)), C(labels) and timestamps (C(creationTimestamp), C(updateTimestamp)).
      type: dict
      returned: success
      sample: {"name": "production", "uid": "6efb4a18-2fa4-11ee-ad1d-0255ac1001c4"}
    spec:
      description:
        - The fleet as UCS describes it; C(description), C(ruleNamespaces) (namespace names, no policy ids), C(federationId), C(federationVersion),
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
      description: The member clusters, sorted by name.
      type: list
      elements: dict
      returned: success
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
          de-duplicated. UCS does not report which policies; see RV(fleet.applied_policies).
      type: list
      elements: str
      returned: success
      sample: [default, kube-system]
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
from ansible_collections.fleetops.cloud.plugins.module_utils.errors import OutcomeUnknownError
from ansible_collections.fleetops.cloud.plugins.module_utils.ucs import (
    UcsApi, bindings_namespaces, bindings_view, fleet_namespaces, fleet_view, member_list)


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
                self.api.unjoin_fleet(cluster["metadata"]["uid"])
            self.api.delete_fleet(fleet_id)
        return self.exit(changed=True, before=before, after=None, fleet={})

    # ---- present ----------------------------------------------------------------------------------

    def desired_bindings(self):
        """The bindings to set (policy names resolved to ids, before any write), or None when not set."""
        wanted = self.params.get("policies")
        if wanted is None:
            return None
        names = []
        for entry in wanted:
            names.extend(entry["policies"])
        ids = dict(zip(names, self.api.resolve_policy_ids(names))) if names else {}
        return [{"ruleIDs": [ids[n] for n in entry["policies"]], "namespaces": list(entry["namespaces"])}
                for entry in wanted]

    def present(self, fleet):
        name = self.params["name"]
        description = self.params.get("description")
        wanted_clusters = None
        if self.params.get("clusters") is not None:
            wanted_clusters = self.api.resolve_clusters(self.params["clusters"])
        bindings = self.desired_bindings()

        if fleet is None:
            return self.create(name, description, wanted_clusters, bindings)

        fleet_id = fleet["metadata"]["uid"]
        members = self.api.list_fleet_clusters(fleet_id)
        before = fleet_view(fleet, members)
        member_ids = set(c["metadata"]["uid"] for c in members)

        update_description = description is not None and description != (fleet["spec"].get("description") or "")
        to_add, to_remove = [], []
        if wanted_clusters is not None:
            wanted_ids = [c["metadata"]["uid"] for c in wanted_clusters]
            to_add = [c for c in wanted_clusters if c["metadata"]["uid"] not in member_ids]
            if self.params["purge_clusters"]:
                to_remove = [c for c in members if c["metadata"]["uid"] not in wanted_ids]
        # UCS reports only the namespaces of the bindings (no policy ids): compare those, as sets.
        update_bindings = bindings is not None and (
            self.params["policies_force"]
            or set(bindings_namespaces(bindings)) != set(fleet_namespaces(fleet["spec"].get("ruleNamespaces"))))

        if not (update_description or to_add or to_remove or update_bindings):
            return self.exit(changed=False, before=before, after=before, fleet=before)

        if self.check_mode:
            predicted = copy.deepcopy(before)
            if update_description:
                predicted["spec"]["description"] = description
            removed = set(c["metadata"]["uid"] for c in to_remove)
            kept = [c for c in members if c["metadata"]["uid"] not in removed]
            predicted["clusters"] = member_list(kept + to_add)
            if update_bindings:
                self.predict_bindings(predicted, bindings)
            return self.exit(changed=True, before=before, after=predicted, fleet=predicted)

        if update_description:
            self.api.update_fleet_description(fleet_id, description)
        if to_add:
            self.api.add_fleet_clusters(fleet_id, [c["metadata"]["uid"] for c in to_add])
        for cluster in to_remove:
            self.api.unjoin_fleet(cluster["metadata"]["uid"])
        if update_bindings:
            self.api.bind_fleet_policies(fleet_id, bindings)
        after = self.read_back(fleet_id)
        if update_bindings:
            after["applied_policies"] = bindings_view(bindings)
        return self.exit(changed=True, before=before, after=after, fleet=after)

    @staticmethod
    def predict_bindings(predicted, bindings):
        """Check mode: what UCS will report once the bindings are applied, and the bindings themselves."""
        namespaces = bindings_namespaces(bindings)
        if namespaces:
            predicted["spec"]["ruleNamespaces"] = namespaces
        else:
            predicted["spec"].pop("ruleNamespaces", None)
        predicted["policy_namespaces"] = namespaces
        predicted["applied_policies"] = bindings_view(bindings)

    def create(self, name, description, wanted_clusters, bindings):
        cluster_ids = [c["metadata"]["uid"] for c in wanted_clusters or []]
        if self.check_mode:
            predicted = {"metadata": {"name": name}, "spec": {}, "status": {},
                         "clusters": member_list(wanted_clusters or []), "policy_namespaces": []}
            if description is not None:
                predicted["spec"]["description"] = description
            if bindings:
                self.predict_bindings(predicted, bindings)
            return self.exit(changed=True, before=None, after=predicted, fleet=predicted)
        try:
            fleet_id = self.api.create_fleet(name, description=description, cluster_ids=cluster_ids)
        except OutcomeUnknownError:
            # The create may have happened: look it up by name before anything else.
            found = self.api.find_fleet_by_name(name)
            if found is None:
                self.fail("The creation of the fleet '%s' may not have happened (the response was lost) and no fleet "
                          "with that name exists now; run the task again." % name)
            fleet_id = found["metadata"]["uid"]
            missing = [i for i in cluster_ids if i not in set(c["metadata"]["uid"] for c in self.api.list_fleet_clusters(fleet_id))]
            if missing:
                self.api.add_fleet_clusters(fleet_id, missing)
        if not fleet_id:
            found = self.api.find_fleet_by_name(name)
            fleet_id = found["metadata"]["uid"] if found else None
            if fleet_id is None:
                self.fail("The fleet '%s' was created but cannot be found." % name)
        if bindings:
            self.api.bind_fleet_policies(fleet_id, bindings)
        after = self.read_back(fleet_id)
        if bindings:
            after["applied_policies"] = bindings_view(bindings)
        return self.exit(changed=True, before=None, after=after, fleet=after)

    def read_back(self, fleet_id):
        fleet = self.api.get_fleet(fleet_id)
        if fleet is None:
            self.fail("The fleet '%s' (%s) disappeared while it was being updated." % (self.params["name"], fleet_id))
        return fleet_view(fleet, self.api.list_fleet_clusters(fleet_id))


def main():
    FleetModule().execute()


if __name__ == "__main__":
    main()

# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: ucs_fleet_federation
short_description: Enable or disable the Karmada federation of a Huawei Cloud UCS fleet
version_added: 0.1.0
description:
  - Enables (or disables) the federation of a UCS fleet, waits on the federation progress job and sets the
    DNS suffixes (zones) of the federation.
  - Enabling is asynchronous in UCS; with O(wait=true) the module polls the progress job until it succeeds or
    fails. A failure names the failed sub-job (for example C(CreateNetworkResource)) and its reason.
  - A fleet that is already federated (or whose federation is in progress) is not enabled again (C(changed=false)).
  - "Permissions: the UCS API reference names no IAM actions for the federation calls; the user needs update
    rights on the fleet."
author:
  - fleetops.cloud contributors (@fleetops)
extends_documentation_fragment:
  - fleetops.cloud.auth
attributes:
  check_mode:
    support: full
    description: Predicts C(changed) and the resulting federation without any write call (and never waits).
  diff_mode:
    support: full
    description: Returns the federation state before and after.
options:
  fleet:
    description:
      - Name or id of the fleet.
    type: str
    required: true
  state:
    description:
      - V(enabled) federates the fleet, V(disabled) removes its federation.
    type: str
    choices: [enabled, disabled]
    default: enabled
  retry_join_all:
    description:
      - Passed to UCS when the federation is enabled (C(retryjoinall)) so that every member cluster is retried
        when it joins the federation. Only used when this task enables the federation.
    type: bool
  dns_suffix:
    description:
      - DNS suffixes (root domains) of the federation's domain name access (C(associatedzones)).
      - Only valid on a federated fleet, so with O(state=enabled), and with O(wait=true) when this task enables the
        federation. The order does not matter; an empty list clears them.
    type: list
    elements: str
  wait:
    description:
      - Wait until the federation job has succeeded (or, with O(state=disabled), until the federation is gone).
    type: bool
    default: true
  wait_timeout:
    description:
      - How long to wait, in seconds.
    type: int
    default: 1800
'''

EXAMPLES = r'''
- name: Federate a fleet and wait for it
  fleetops.cloud.ucs_fleet_federation:
    fleet: production
    retry_join_all: true
    dns_suffix: [apps.example.com]
    wait_timeout: 1200
  register: federation

- name: Show the federation
  ansible.builtin.debug:
    msg: "{{ federation.federation.federation_id }} {{ federation.federation.federation_version }}"

- name: Remove the federation of a fleet
  fleetops.cloud.ucs_fleet_federation:
    fleet: production
    state: disabled
'''

RETURN = r'''
federation:
  description: The federation of the fleet after the task (as predicted in check mode).
  returned: always
  type: dict
  contains:
    fleet:
      description: Name and id of the fleet.
      type: dict
      returned: always
      sample: {"name": "production", "id": "6efb4a18-2fa4-11ee-ad1d-0255ac1001c4"}
    enabled:
      description: Whether the fleet is federated (or its federation is being set up); false when the federation job failed.
      type: bool
      returned: always
      sample: true
    phase:
      description: Phase of the federation job (for example C(Success), C(Failed), or an in-progress phase); null when there is no job.
      type: str
      returned: always
      sample: Success
    reason:
      description: Reason of the job phase, when UCS gives one.
      type: str
      returned: always
      sample: null
    type:
      description: Type of the federation job.
      type: str
      returned: always
      sample: CreateFederationContainer
    federation_id:
      description: Id of the federation (C(federationId) of the fleet, or C(federationUID) of the job).
      type: str
      returned: always
      sample: 70acf480-2fa4-11ee-ad1d-0255ac1001c4
    federation_version:
      description: Version of the federation (Karmada).
      type: str
      returned: always
      sample: v1.7.0
    expiration:
      description: Expiration time of the federation as UCS formats it, when set.
      type: str
      returned: always
      sample: null
    dns_suffix:
      description: DNS suffixes of the federation.
      type: list
      elements: str
      returned: always
      sample: [apps.example.com]
    start_time:
      description: Start time of the federation job.
      type: str
      returned: always
      sample: "2023-07-31 13:16:20.721007 +0000 UTC"
    completion_time:
      description: Completion time of the federation job.
      type: str
      returned: always
      sample: "2023-07-31 13:17:24.497868 +0000 UTC"
    sub_jobs:
      description: The sub-jobs of the federation job.
      type: list
      elements: dict
      returned: always
      contains:
        type:
          description: Type of the sub-job (C(InstallFederationChart), C(CreateNetworkResource), C(CreateCert), C(CreateNode), ...).
          type: str
          returned: always
          sample: CreateCert
        phase:
          description: Phase of the sub-job.
          type: str
          returned: always
          sample: Success
        reason:
          description: Reason of the phase, when UCS gives one.
          type: str
          returned: always
          sample: null
        start_time:
          description: Start time of the sub-job.
          type: str
          returned: always
          sample: "2023-07-31 13:16:22.100528 +0000 UTC"
        completion_time:
          description: Completion time of the sub-job.
          type: str
          returned: always
          sample: "2023-07-31 13:16:22.100528 +0000 UTC"
'''

from ansible_collections.fleetops.cloud.plugins.module_utils.base import FleetopsModule
from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ApiError, ConfigurationError, OutcomeUnknownError
from ansible_collections.fleetops.cloud.plugins.module_utils.waiter import WaitFailure, WaitTimeout
from ansible_collections.fleetops.cloud.plugins.module_utils.ucs import (
    CODE_ALREADY_FEDERATED, FEDERATION_FAILED_PHASES, FEDERATION_SUCCESS_PHASES, UcsApi, failed_sub_jobs)


def job_phase(job):
    return ((job or {}).get("status") or {}).get("phase")


def federation_view(fleet, job):
    """The returned ``federation`` dict from a (normalised) fleet and its progress job (either may be None)."""
    fleet = fleet or {}
    spec = fleet.get("spec") or {}
    job = job or {}
    job_spec = job.get("spec") or {}
    job_status = job.get("status") or {}
    subs = []
    for sub in job_spec.get("subJobs") or []:
        status = sub.get("status") or {}
        subs.append({"type": (sub.get("spec") or {}).get("type"), "phase": status.get("phase"),
                     "reason": status.get("reason"), "start_time": status.get("startTime"),
                     "completion_time": status.get("completionTime")})
    federation_id = spec.get("federationId") or job_spec.get("federationUID")
    phase = job_status.get("phase")
    return {
        "fleet": {"name": (fleet.get("metadata") or {}).get("name"), "id": (fleet.get("metadata") or {}).get("uid")},
        "enabled": bool((federation_id or job) and phase not in FEDERATION_FAILED_PHASES),
        "phase": phase,
        "reason": job_status.get("reason"),
        "type": job_spec.get("type"),
        "federation_id": federation_id,
        "federation_version": spec.get("federationVersion"),
        "expiration": spec.get("federationExpirationTimestamp"),
        "dns_suffix": list(spec.get("dnsSuffix") or []),
        "start_time": job_status.get("startTime"),
        "completion_time": job_status.get("completionTime"),
        "sub_jobs": subs,
    }


def failure_message(fleet_name, job):
    """A sentence naming the failed sub-jobs (type and reason) of a federation job."""
    failed = failed_sub_jobs(job)
    if failed:
        details = "; ".join("sub-job %s failed: %s" % (f["type"], f["reason"] or "no reason given") for f in failed)
    else:
        details = "job phase %s: %s" % (job_phase(job), ((job or {}).get("status") or {}).get("reason") or "no reason given")
    return "The federation of the fleet '%s' failed (%s)." % (fleet_name, details)


class FederationModule(FleetopsModule):
    def __init__(self):
        argument_spec = dict(
            fleet=dict(type="str", required=True),
            state=dict(type="str", default="enabled", choices=["enabled", "disabled"]),
            retry_join_all=dict(type="bool"),
            dns_suffix=dict(type="list", elements="str"),
            wait=dict(type="bool", default=True),
            wait_timeout=dict(type="int", default=1800),
        )
        super(FederationModule, self).__init__(argument_spec=argument_spec, supports_check_mode=True)
        self.api = UcsApi(self.client)

    def run(self):
        if self.params["state"] == "disabled" and self.params.get("dns_suffix") is not None:
            raise ConfigurationError("dns_suffix is only valid with state=enabled.")
        if self.params["wait_timeout"] < 0:
            raise ConfigurationError("wait_timeout must be a number of seconds >= 0.")
        fleet = self.api.resolve_fleet(self.params["fleet"])
        job = self.api.get_federation_progress(fleet["metadata"]["uid"])
        if self.params["state"] == "disabled":
            return self.disable(fleet, job)
        return self.enable(fleet, job)

    # ---- helpers ----------------------------------------------------------------------------------

    def wait_job(self, fleet):
        fleet_id = fleet["metadata"]["uid"]
        try:
            return self.wait(lambda: self.api.get_federation_progress(fleet_id), job_phase,
                             FEDERATION_SUCCESS_PHASES, FEDERATION_FAILED_PHASES, timeout=self.params["wait_timeout"])
        except WaitFailure as exc:
            job = exc.last if exc.last is not None else self.api.get_federation_progress(fleet_id)
            self.fail(failure_message(fleet["metadata"]["name"], job), federation=federation_view(fleet, job),
                      status_history=exc.history)
        except WaitTimeout as exc:
            self.fail("Timed out after %s seconds waiting for the federation of the fleet '%s' (last phase %s)."
                      % (self.params["wait_timeout"], fleet["metadata"]["name"], exc.status),
                      federation=federation_view(fleet, exc.last), status_history=exc.history)

    def dns_change(self, fleet):
        wanted = self.params.get("dns_suffix")
        if wanted is None:
            return False
        return sorted(set(wanted)) != sorted(set(fleet["spec"].get("dnsSuffix") or []))

    # ---- enabled ----------------------------------------------------------------------------------

    def enable(self, fleet, job):
        fleet_id = fleet["metadata"]["uid"]
        name = fleet["metadata"]["name"]
        before = federation_view(fleet, job)
        phase = job_phase(job)
        federated = bool(fleet["spec"].get("federationId")) or job is not None
        needs_enable = not federated or phase in FEDERATION_FAILED_PHASES
        complete = federated and (phase in FEDERATION_SUCCESS_PHASES or (job is None and fleet["spec"].get("federationId")))
        if self.params.get("dns_suffix") is not None and not complete and not self.params["wait"]:
            raise ConfigurationError("dns_suffix can only be set on a federated fleet: the federation of '%s' is not "
                                     "complete yet, so set wait=true (or set dns_suffix in a later task)." % name)

        if self.check_mode:
            changed = needs_enable or self.dns_change(fleet)
            after = dict(before)
            if needs_enable:
                after.update(enabled=True, phase="Success" if self.params["wait"] else None, reason=None, sub_jobs=[])
            if self.params.get("dns_suffix") is not None:
                after["dns_suffix"] = list(self.params["dns_suffix"])
            return self.exit(changed=changed, before=before, after=after, federation=after)

        changed = False
        if needs_enable:
            try:
                self.api.enable_federation(fleet_id, retry_join_all=self.params.get("retry_join_all"))
                changed = True
            except OutcomeUnknownError:
                # The request may have reached UCS: read the progress instead of sending it again.
                if self.api.get_federation_progress(fleet_id) is None:
                    self.fail("The request to federate the fleet '%s' may not have reached UCS (the response was lost) "
                              "and no federation job exists; run the task again." % name)
                changed = True
            except ApiError as exc:
                if exc.code != CODE_ALREADY_FEDERATED:
                    raise
                if phase in FEDERATION_FAILED_PHASES:
                    self.fail(failure_message(name, job), federation=before, error=exc.to_dict())
        if self.params["wait"]:
            job = self.wait_job(fleet)
        else:
            job = self.api.get_federation_progress(fleet_id)
            if job_phase(job) in FEDERATION_FAILED_PHASES:
                self.fail(failure_message(name, job), federation=federation_view(fleet, job))
        fleet = self.api.get_fleet(fleet_id) or fleet
        if self.dns_change(fleet):
            self.api.update_fleet_zones(fleet_id, self.params["dns_suffix"])
            changed = True
            fleet = self.api.get_fleet(fleet_id) or fleet
        after = federation_view(fleet, job)
        return self.exit(changed=changed, before=before, after=after, federation=after)

    # ---- disabled ---------------------------------------------------------------------------------

    def disable(self, fleet, job):
        fleet_id = fleet["metadata"]["uid"]
        before = federation_view(fleet, job)
        federated = bool(fleet["spec"].get("federationId")) or job is not None
        if not federated:
            return self.exit(changed=False, before=before, after=before, federation=before)
        after = federation_view({"metadata": fleet["metadata"], "spec": {}}, None)
        if self.check_mode:
            return self.exit(changed=True, before=before, after=after, federation=after)
        changed = self.api.disable_federation(fleet_id)
        if changed and self.params["wait"]:
            def state():
                current = self.api.get_fleet(fleet_id)
                if current is None:
                    return None
                gone = not current["spec"].get("federationId") and self.api.get_federation_progress(fleet_id) is None
                return {"fleet": current, "state": "disabled" if gone else "disabling"}
            try:
                self.wait(state, lambda s: s["state"], ["disabled", None], timeout=self.params["wait_timeout"])
            except WaitTimeout as exc:
                self.fail("Timed out after %s seconds waiting for the federation of the fleet '%s' to be removed."
                          % (self.params["wait_timeout"], fleet["metadata"]["name"]), status_history=exc.history)
        current = self.api.get_fleet(fleet_id) or {"metadata": fleet["metadata"], "spec": {}}
        after = federation_view(current, self.api.get_federation_progress(fleet_id))
        return self.exit(changed=changed, before=before, after=after, federation=after)


def main():
    FederationModule().execute()


if __name__ == "__main__":
    main()

# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: ucs_fleet_federation
short_description: Enable or disable the Karmada federation of a Huawei Cloud UCS fleet
version_added: 0.1.0
description:
  - Enables (or disables) the federation of a UCS fleet, waits for it and sets the DNS suffixes (zones) of the
    federation.
  - "Whether a fleet is federated comes from the fleet: its C(spec.federationId) (source 3.2.5, \"舰队启用联邦ID\").
    The progress job (source 3.2.13) only tells how far an enable has come and whether it failed."
  - A fleet that is already federated is not enabled again (C(changed=false)) and the task does not wait on the
    progress job; it reads the job once, and enables again only when that job (of the same federation) failed.
  - "Enabling is asynchronous in UCS; with O(wait=true) the module polls the fleet and the progress job. Readings
    tolerated, since the documents leave them open: progress answering 404 or 400 (among them C(UCS.01080001) and
    C(UCS.00000003), \"Failed to obtain the federation information\") means \"no job\"; a job whose
    C(spec.federationUID) differs from the fleet's C(federationId) is stale and ignored; right after this task enabled
    the federation, no job means \"not yet\" for O(progress_grace) seconds; after that, or once a job was seen, a fleet
    that reports its C(federationId) without a job counts as federated (UCS may stop serving the job after success)."
  - "Only the phase C(Success) is documented. Failure is decided from terminal signals: a failed sub-job, a failure
    phase (C(Failed), C(Error), ...), a completion time without C(Success), or a failure word in C(reason). A phase
    nobody documented counts as in progress while the job changes, and as a failure after it stays unchanged for
    300 seconds. A failure names the failed sub-job (for example C(CreateNetworkResource)) and its reason."
  - "Disabling is complete when the fleet has no C(federationId) any more, whatever the progress call still answers.
    A fleet that does not exist (any more) has no federation: O(state=disabled) then reports C(changed=false)."
  - "Every wait reports its status history in RV(status_history)."
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
  progress_grace:
    description:
      - Seconds after this task enabled the federation during which a missing progress job means "not started yet".
      - After them (or once a job was seen), a fleet that reports its C(federationId) with no job served is taken as
        federated, and a fleet without one as a failed enable. Capped at O(wait_timeout).
    type: int
    default: 60
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
status_history:
  description: The statuses seen while waiting, with the time of each transition (when the task waited).
  returned: when the task waited
  type: list
  elements: dict
  sample: [{"status": "Running", "at": "2026-12-01T22:00:00Z", "elapsed": 0.1}, {"status": "Success", "at": "2026-12-01T22:01:04Z", "elapsed": 64.2}]
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
      description: Whether the fleet is federated (it reports a C(federationId)); false when its federation job failed.
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
      description: Id of the federation (C(federationId) of the fleet); null when the fleet has none (or, in check mode, before it exists).
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

import time

from ansible_collections.fleetops.cloud.plugins.module_utils.base import FleetopsModule
from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ConfigurationError
from ansible_collections.fleetops.cloud.plugins.module_utils.waiter import WaitFailure, WaitTimeout
from ansible_collections.fleetops.cloud.plugins.module_utils.ucs import (
    UcsApi, UcsNotFoundError, check_resource_name, is_predicted_id, is_uuid)

# The document shows the phase "Success" only. Other spellings of success and failure are read as such; a phase
# in neither list is "in progress" while the job shows progress, and a failure once it stalls (see UNKNOWN_STALL).
SUCCESS_PHASES = ("Success", "Succeeded", "Completed")
FAILED_PHASES = ("Failed", "Failure", "Error", "Cancelled", "Canceled")
RUNNING_PHASES = ("", "Pending", "Running", "Processing", "Creating", "Initializing", "Installing", "InProgress")
# Words in a job's reason that end it as a failure (the "failure word in reason"), in lower case.
FAILURE_WORDS = ("fail", "error")
# Seconds an undocumented phase may stay without any change before the wait gives up on it.
UNKNOWN_STALL = 300
# Seconds after this task enabled the federation during which "no job" means "not yet" (see progress_grace).
DEFAULT_GRACE = 60


def job_phase(job):
    return ((job or {}).get("status") or {}).get("phase")


def fleet_federation_id(fleet):
    return ((fleet or {}).get("spec") or {}).get("federationId") or None


def is_stale(fleet, job):
    """A job of another federation: its ``federationUID`` differs from the fleet's ``federationId``."""
    job_uid = ((job or {}).get("spec") or {}).get("federationUID")
    fed_id = fleet_federation_id(fleet)
    return bool(job_uid and fed_id and job_uid != fed_id)


def current_job(fleet, job):
    """``job`` when it belongs to the fleet's federation (or cannot be told apart), else None."""
    if job is None or is_stale(fleet, job):
        return None
    if not fleet_federation_id(fleet) and job_outcome(job)[0] == "success":
        return None  # a finished job of a fleet that has no federation now: from an earlier federation
    return job


def failed_sub_jobs(job):
    """The sub-jobs that ended in failure: ``[{type, phase, reason}]``."""
    out = []
    for sub in ((job or {}).get("spec") or {}).get("subJobs") or []:
        if job_outcome(sub, recurse=False)[0] == "failed":
            status = sub.get("status") or {}
            out.append({"type": (sub.get("spec") or {}).get("type"), "phase": status.get("phase"),
                        "reason": status.get("reason")})
    return out


def job_outcome(job, recurse=True):
    """``(outcome, phase)`` of a progress job: outcome is ``success``, ``failed``, ``running`` or ``unknown``.

    Terminal signals decide, not the phase name alone: a failed sub-job, a failure phase, a completion time
    without ``Success``, or a failure word in ``reason``.
    """
    status = (job or {}).get("status") or {}
    phase = status.get("phase") or ""
    reason = (status.get("reason") or "").lower()
    if phase in SUCCESS_PHASES:
        return ("failed" if recurse and failed_sub_jobs(job) else "success"), phase
    if phase in FAILED_PHASES or (recurse and failed_sub_jobs(job)):
        return "failed", phase
    if status.get("completionTime") or any(word in reason for word in FAILURE_WORDS):
        return "failed", phase
    if phase in RUNNING_PHASES:
        return "running", phase
    return "unknown", phase


class EnableTracker(object):
    """Decides, poll after poll, where a federation this task enabled stands.

    ``observe(fleet, job, elapsed)`` returns a status: ``Success``, ``Failed`` or an in-progress one. The fleet
    is the truth (federated = ``spec.federationId`` set); the job only tells progress and failure. "No job"
    (404, 400, a stale ``federationUID``) means "not yet" during ``grace`` seconds, then, on a fleet that reports
    its federation, "done" (the job may be served no longer after success); on a fleet without one, a failure.
    """

    def __init__(self, grace, stall=UNKNOWN_STALL):
        self.grace = grace
        self.stall = stall
        self.seen_job = False
        self.signature = None
        self.signature_since = None
        self.reason = None

    def observe(self, fleet, job, elapsed):
        self.reason = None
        if fleet is None:
            self.reason = "the fleet disappeared"
            return "Failed"
        job = current_job(fleet, job)
        if job is None:
            if fleet_federation_id(fleet):
                if self.seen_job or elapsed >= self.grace:
                    return "Success"
                return "Waiting for the job"
            if elapsed >= self.grace:
                self.reason = ("UCS shows no federation on the fleet and no federation job %d seconds after it was "
                               "enabled" % elapsed)
                return "Failed"
            return "Waiting for the job"
        self.seen_job = True
        outcome, phase = job_outcome(job)
        if outcome == "success":
            return "Success"
        if outcome == "failed":
            return "Failed"
        if outcome == "unknown":
            signature = repr((phase, [job_phase(sub) for sub in (job.get("spec") or {}).get("subJobs") or []]))
            if signature != self.signature:
                self.signature, self.signature_since = signature, elapsed
            elif elapsed - self.signature_since >= self.stall:
                self.reason = ("the job stayed in the undocumented phase %r for %d seconds without progress"
                               % (phase, elapsed - self.signature_since))
                return "Failed"
        return phase or "Running"


def federation_view(fleet, job):
    """The returned ``federation`` dict from a (normalised) fleet and its progress job (either may be None)."""
    fleet = fleet or {}
    spec = fleet.get("spec") or {}
    job = current_job(fleet, job) or {}
    job_spec = job.get("spec") or {}
    job_status = job.get("status") or {}
    subs = []
    for sub in job_spec.get("subJobs") or []:
        status = sub.get("status") or {}
        subs.append({"type": (sub.get("spec") or {}).get("type"), "phase": status.get("phase"),
                     "reason": status.get("reason"), "start_time": status.get("startTime"),
                     "completion_time": status.get("completionTime")})
    federation_id = spec.get("federationId") or None
    failed = bool(job) and job_outcome(job)[0] == "failed"
    return {
        "fleet": {"name": (fleet.get("metadata") or {}).get("name"), "id": (fleet.get("metadata") or {}).get("uid")},
        "enabled": bool(federation_id) and not failed,
        "phase": job_status.get("phase"),
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


def failure_message(fleet_name, job, reason=None):
    """A sentence naming why the federation failed: the failed sub-jobs, the job's phase and reason, or ``reason``."""
    failed = failed_sub_jobs(job)
    if failed:
        details = "; ".join("sub-job %s failed: %s" % (f["type"], f["reason"] or "no reason given") for f in failed)
    elif job and job_outcome(job)[0] == "failed":
        details = "job phase %s: %s" % (job_phase(job) or "none", ((job or {}).get("status") or {}).get("reason")
                                        or "no reason given")
    else:
        details = reason or "no reason given"
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
            progress_grace=dict(type="int", default=DEFAULT_GRACE),
        )
        super(FederationModule, self).__init__(argument_spec=argument_spec, supports_check_mode=True)
        self.api = UcsApi(self.client)

    def run(self):
        params = self.params
        if params["state"] == "disabled" and params.get("dns_suffix") is not None:
            raise ConfigurationError("dns_suffix is only valid with state=enabled.")
        if params["wait_timeout"] < 0:
            raise ConfigurationError("wait_timeout must be a number of seconds >= 0.")
        if params["progress_grace"] < 0:
            raise ConfigurationError("progress_grace must be a number of seconds >= 0.")
        if is_predicted_id(params["fleet"]):
            return self.predicted_fleet()
        problem = None if is_uuid(params["fleet"]) else check_resource_name(params["fleet"], "fleet", "fleet")
        if problem:
            raise ConfigurationError(problem + ".")
        try:
            fleet = self.api.resolve_fleet(params["fleet"])
        except UcsNotFoundError:
            if params["state"] == "disabled":
                # Teardown is re-runnable: no fleet, so no federation to remove.
                view = federation_view({"metadata": {"name": None if is_uuid(params["fleet"]) else params["fleet"],
                                                     "uid": params["fleet"] if is_uuid(params["fleet"]) else None}},
                                       None)
                return self.exit(changed=False, before=view, after=view, federation=view)
            raise
        if params["state"] == "disabled":
            return self.disable(fleet)
        return self.enable(fleet)

    def predicted_fleet(self):
        """Check mode, with the placeholder id of a fleet an earlier task of this check run would create."""
        if not self.check_mode:
            raise ConfigurationError("fleet %r is a placeholder from a check-mode run, not a fleet id." % self.params["fleet"])
        name = self.params["fleet"].split(" ", 2)[-1]
        before = federation_view({"metadata": {"name": name, "uid": self.params["fleet"]}}, None)
        if self.params["state"] == "disabled":
            return self.exit(changed=False, before=before, after=before, federation=before)
        after = dict(before, enabled=True, federation_id=None, phase="Success" if self.params["wait"] else None,
                     dns_suffix=list(self.params.get("dns_suffix") or []))
        return self.exit(changed=True, before=before, after=after, federation=after)

    # ---- helpers ----------------------------------------------------------------------------------

    def dns_change(self, fleet):
        wanted = self.params.get("dns_suffix")
        if wanted is None:
            return False
        return sorted(set(wanted)) != sorted(set(fleet["spec"].get("dnsSuffix") or []))

    def wait_enabled(self, fleet, enabled_at):
        """Poll the fleet and its job until the federation this task enabled is done or failed."""
        fleet_id = fleet["metadata"]["uid"]
        name = fleet["metadata"]["name"]
        tracker = EnableTracker(grace=min(self.params["progress_grace"], self.params["wait_timeout"]))
        seen = {}

        def fetch():
            current = self.api.get_fleet(fleet_id)
            job = self.api.get_federation_progress(fleet_id) if current is not None else None
            seen.update(fleet=current, job=job)
            return {"status": tracker.observe(current, job, time.monotonic() - enabled_at)}

        try:
            self.wait(fetch, lambda s: s["status"], ["Success"], ["Failed"], timeout=self.params["wait_timeout"],
                      delay=0.5, max_delay=10)
        except WaitFailure:
            self.fail(failure_message(name, current_job(seen.get("fleet"), seen.get("job")), tracker.reason),
                      federation=federation_view(seen.get("fleet") or fleet, seen.get("job")))
        except WaitTimeout as exc:
            self.fail("Timed out after %s seconds waiting for the federation of the fleet '%s' (last status %s)."
                      % (self.params["wait_timeout"], name, exc.status),
                      federation=federation_view(seen.get("fleet") or fleet, seen.get("job")))
        return seen.get("fleet") or fleet, seen.get("job")

    # ---- enabled ----------------------------------------------------------------------------------

    def enable(self, fleet):
        fleet_id = fleet["metadata"]["uid"]
        name = fleet["metadata"]["name"]
        job = None
        needs_enable = not fleet_federation_id(fleet)
        if not needs_enable:
            # Federated already: one read of the job, to report it and to find a failed federation (enabled again);
            # no wait on it.
            job = self.api.get_federation_progress(fleet_id)
            needs_enable = job_outcome(current_job(fleet, job))[0] == "failed" if current_job(fleet, job) else False
        before = federation_view(fleet, job)
        if self.params.get("dns_suffix") is not None and needs_enable and not self.params["wait"]:
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
            old_id = fleet_federation_id(fleet)

            def applied():
                current = self.api.get_fleet(fleet_id)
                return bool(fleet_federation_id(current)) and (old_id is None or fleet_federation_id(current) != old_id)

            self.confirmed_write(lambda: self.api.enable_federation(fleet_id, retry_join_all=self.params.get("retry_join_all")),
                                 applied)
            changed = True
            enabled_at = time.monotonic()
            if self.params["wait"]:
                fleet, job = self.wait_enabled(fleet, enabled_at)
            else:
                fleet = self.api.get_fleet(fleet_id) or fleet
                job = self.api.get_federation_progress(fleet_id)
        if self.dns_change(fleet):
            self.confirmed_write(lambda: self.api.update_fleet_zones(fleet_id, self.params["dns_suffix"], once=True),
                                 lambda: not self.dns_change(self.api.get_fleet(fleet_id) or fleet))
            changed = True
            fleet = self.api.get_fleet(fleet_id) or fleet
        after = federation_view(fleet, job)
        return self.exit(changed=changed, before=before, after=after, federation=after)

    # ---- disabled ---------------------------------------------------------------------------------

    def disable(self, fleet):
        fleet_id = fleet["metadata"]["uid"]
        before = federation_view(fleet, None)
        if not fleet_federation_id(fleet):
            # Not federated (whatever the progress call may still serve): nothing to do.
            return self.exit(changed=False, before=before, after=before, federation=before)
        after = federation_view({"metadata": fleet["metadata"], "spec": {}}, None)
        if self.check_mode:
            return self.exit(changed=True, before=before, after=after, federation=after)

        def gone():
            current = self.api.get_fleet(fleet_id)
            return current is None or not fleet_federation_id(current)

        if self.confirmed_write(lambda: self.api.disable_federation(fleet_id), gone) is False:
            # UCS answered "not federated" (UCS.01080006) although the fleet showed a federation id.
            current = self.api.get_fleet(fleet_id) or {"metadata": fleet["metadata"], "spec": {}}
            view = federation_view(current, None)
            return self.exit(changed=False, before=before, after=view, federation=view)
        if self.params["wait"]:
            def state():
                current = self.api.get_fleet(fleet_id)
                return {"state": "disabled" if current is None or not fleet_federation_id(current) else "disabling"}
            try:
                self.wait(state, lambda s: s["state"], ["disabled"], timeout=self.params["wait_timeout"],
                          delay=0.5, max_delay=10)
            except WaitTimeout:
                self.fail("Timed out after %s seconds waiting for the federation of the fleet '%s' to be removed."
                          % (self.params["wait_timeout"], fleet["metadata"]["name"]))
        current = self.api.get_fleet(fleet_id) or {"metadata": fleet["metadata"], "spec": {}}
        after = federation_view(current, None)
        return self.exit(changed=True, before=before, after=after, federation=after)


def main():
    FederationModule().execute()


if __name__ == "__main__":
    main()

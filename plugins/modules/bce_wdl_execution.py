# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: bce_wdl_execution
short_description: Submit, stop and delete Huawei Cloud BCE WDL workflow executions
version_added: 0.1.0
description:
  - Runs a WDL workflow in a Cromwell pool of Huawei Cloud Batch Container Engine (BCE), stops it, or deletes it.
  - An execution is found by its exact O(name) (the API's name filter matches substrings; the module keeps only
    exact matches), or by O(id). O(state=present) submits the execution only when none with that name exists, so a
    second run never submits it again.
  - O(state=stopped) stops a submitted or running execution. A stopped execution can never run again; to run the
    workflow again, submit a new execution under another name.
  - O(state=absent) deletes the execution. With O(ids) it deletes many executions with the batch call and reports
    the outcome of each id.
  - "IAM actions needed: C(bce:executionsExtend:list) and C(bce:executionsExtend:get) always;
    C(bce:executionsExtend:create) to submit, C(bce:executionsExtend:stop) to stop and
    C(bce:executionsExtend:delete) to delete."
author:
  - fleetops.cloud contributors (@fleetops)
extends_documentation_fragment:
  - fleetops.cloud.auth
attributes:
  check_mode:
    support: full
    description: Predicts C(changed) and the resulting execution without any write call; never waits.
  diff_mode:
    support: full
    description: Returns the execution before and after.
options:
  name:
    description:
      - Name of the execution. Required unless O(id) or O(ids) is given.
      - Sent as C(name) in the C(parameters) of the submission.
    type: str
  id:
    description:
      - Id (guid) of an existing execution; selects it instead of O(name).
    type: str
  ids:
    description:
      - Ids of executions to delete with one batch call. Only with O(state=absent), and without O(name) or O(id).
      - Each id is read first; ids that do not exist are already absent, are not sent, and are returned in
        RV(not_found) with a warning. When none of them exists nothing is written.
      - The batch call answers per id. When some ids fail the task fails, listing the failed ids with the reason
        (RV(failures)) and the ids that were deleted (RV(deleted)).
    type: list
    elements: str
  state:
    description:
      - V(present) submits the execution unless one with this name exists.
      - V(stopped) stops a submitted or running execution (it can never run again); an execution that already
        finished is left alone.
      - V(absent) deletes the execution(s).
    type: str
    choices: [present, stopped, absent]
    default: present
  pool:
    description:
      - Name (or guid) of the Cromwell pool (BCE environment) that runs the workflow, sent as C(env_name).
      - Required to submit. It is looked up before the submission; an unknown or non-Cromwell pool fails the task.
    type: str
    aliases: [env_name]
  workflow_id:
    description:
      - Id of a WDL workflow template. Executions cannot change, so a different value on an existing execution
        fails the task.
    type: str
  workflow_source:
    description:
      - The WDL workflow. A value that starts with C(obs://), C(https://) or C(http://) is an OBS URL and is sent in
        C(parameters); any other value is a path on the controller, uploaded as the C(workflow_source) file part.
      - A local path that does not exist fails the task before any call.
      - Required to submit, unless O(workflow_id) names a template that provides it.
    type: str
  workflow_inputs:
    description:
      - The inputs JSON of the workflow; an OBS URL or a local path (same rule as O(workflow_source)).
    type: str
  workflow_options:
    description:
      - The Cromwell options of the workflow; an OBS URL or a local path (same rule as O(workflow_source)).
    type: str
  workflow_depends:
    description:
      - The dependencies (imports) of the workflow; an OBS URL or a local path (same rule as O(workflow_source)).
    type: str
  clean_data:
    description:
      - With O(state=absent), whether the data of the execution is deleted too.
      - When set, single executions are deleted with the batch call, the only one that carries this flag.
    type: bool
  wait:
    description:
      - With O(state=present), wait until the execution reaches a terminal status (C(Succeeded), C(Failed) or
        C(Aborted)). A C(Failed) execution fails the task, naming the failing task and its status.
      - With O(state=stopped), wait until the stopped execution is C(Aborted).
      - Never waits in check mode.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait. When the time runs out the task fails with the last status seen; the execution
        keeps running.
    type: int
    default: 3600
notes:
  - Local files are sent in one multipart/form-data request. Requests signed with an access key/secret key carry at
    most 12 MB; larger local files fail before any call (upload them to OBS and pass the URL, or use a token).
  - The API has no way to change an execution; O(state=present) with an existing name only reads (and waits).
    Of the submission options only O(workflow_id) is compared with an existing execution.
  - When several executions carry the same name (created outside this module), the newest one is used and a
    warning says so; O(state=absent) with O(name) deletes all of them.
seealso:
  - module: fleetops.cloud.bce_wdl_execution_info
  - module: fleetops.cloud.bce_pool
'''

EXAMPLES = r'''
- name: WDL executions
  module_defaults:
    group/fleetops.cloud.cloud:
      access_key: "{{ hw_access_key }}"
      secret_key: "{{ hw_secret_key }}"
      project_id: "{{ hw_project_id }}"
      endpoints:
        bce: "{{ emulator_base }}/bce"
  block:
    - name: Run a workflow from local files and wait for the result
      fleetops.cloud.bce_wdl_execution:
        name: align-sample-42
        pool: genomics-cromwell
        workflow_source: files/align.wdl
        workflow_inputs: files/align.inputs.json
        wait_timeout: 7200
      register: run

    - name: Show how far it got
      ansible.builtin.debug:
        msg: "{{ run.execution.status_summary.finished_node_number }} of {{ run.execution.status_summary.node_number }} tasks"

    - name: Run a workflow stored in OBS without waiting
      fleetops.cloud.bce_wdl_execution:
        name: call-variants-42
        env_name: genomics-cromwell
        workflow_source: obs://genomics-wdl/call-variants.wdl
        workflow_inputs: https://genomics-wdl.obs.cn-north-4.myhuaweicloud.com/call-variants.inputs.json
        wait: false

    - name: Stop it (it can never run again)
      fleetops.cloud.bce_wdl_execution:
        name: call-variants-42
        state: stopped

    - name: Delete several executions and their data
      fleetops.cloud.bce_wdl_execution:
        ids:
          - 0b6f2a52-5f53-4d4e-9a61-7a3e86c1d0a2
          - 4a1c5e0e-93b6-4f38-8f57-2d07e3b8a6c9
        clean_data: true
        state: absent
'''

RETURN = r'''
execution:
  description:
    - The execution after the task (the predicted one in check mode); an empty dict when it does not exist.
    - Not returned with O(ids).
  returned: unless O(ids) is given
  type: dict
  contains:
    id:
      description: Id of the execution (the same as RV(execution.guid)).
      type: str
      sample: 0b6f2a52-5f53-4d4e-9a61-7a3e86c1d0a2
    guid:
      description: Id of the execution.
      type: str
    name:
      description: Name of the execution.
      type: str
      sample: align-sample-42
    status:
      description: Status of the execution, one of C(Submitted), C(Running), C(Aborting), C(Failed), C(Succeeded), C(Aborted).
      type: str
      sample: Succeeded
    task_status:
      description: Task status of the execution.
      type: str
    workflow_id:
      description: Workflow template id.
      type: str
    workflow_name:
      description: Name of the workflow.
      type: str
    wdl_name:
      description: Name of the WDL file.
      type: str
    env_guid:
      description: Guid of the Cromwell pool that runs it.
      type: str
    engine_deployment:
      description: Name of the engine workload.
      type: str
    namespace:
      description: Kubernetes namespace of the execution.
      type: str
    cromwell_type:
      description: Whether the execution runs on CCI or CCE.
      type: str
    target:
      description: Engine type (C(cromwell)).
      type: str
    inputs_json:
      description: Inputs of the execution (JSON text).
      type: str
    outputs_json:
      description: Outputs of the execution (JSON text).
      type: str
    metadata_json:
      description: Metadata of the execution (JSON text).
      type: str
    node_number:
      description: Number of tasks (nodes) in the WDL graph.
      type: int
    time_duration:
      description: Duration of the processing.
      type: int
    resources:
      description: Resources consumed and time ratio.
      type: str
    tae_resources:
      description: Trial-and-error resources consumed.
      type: str
    third_party_id:
      description: Id of the execution in the engine.
      type: str
    delete_json:
      description: When the execution was deleted and whether its data was cleaned.
      type: str
    image:
      description: Image of the workflow.
      type: str
    create_at:
      description: Creation time.
      type: str
    update_at:
      description: Last update time.
      type: str
    project_id:
      description: Project id.
      type: str
    domain_id:
      description: Account (domain) id.
      type: str
    enterprise_project:
      description: Enterprise project of the execution (id, name, description, status, create_at, update_at).
      type: dict
    status_summary:
      description: The status summary of the execution.
      type: dict
      contains:
        node_number:
          description: Number of tasks in the WDL graph.
          type: int
          sample: 3
        finished_node_number:
          description: Number of tasks that have finished.
          type: int
          sample: 3
        actual_node_status:
          description:
            - The task being run (or the failing one), with C(name), C(status), C(sub_job_num),
              C(finished_sub_job_num), C(time_duration), C(resources) (C(cpu), C(memory), C(time_ratio))
              and C(sub_job_status).
          type: dict
submitted:
  description: Whether this task submitted the execution.
  returned: unless O(ids) is given
  type: bool
  sample: true
deleted:
  description: Ids deleted by this task.
  returned: with O(state=absent)
  type: list
  elements: str
not_found:
  description: With O(ids), the ids that did not exist (already absent, not sent).
  returned: with O(ids)
  type: list
  elements: str
failures:
  description:
    - The ids the batch call could not delete, each with the reason (C(error_code), C(error_msg)).
  returned: when the batch call reports errors (the task fails)
  type: dict
  sample: {"4a1c5e0e-93b6-4f38-8f57-2d07e3b8a6c9": {"error_code": "BCE.00020004", "error_msg": "not found"}}
diff:
  description: The execution before and after, in diff mode.
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: The execution before the task (empty when it did not exist).
      type: dict
    after:
      description: The execution after the task (empty when it was deleted).
      type: dict
'''

from ansible_collections.fleetops.cloud.plugins.module_utils.base import FleetopsModule
from ansible_collections.fleetops.cloud.plugins.module_utils.bce import (
    BceApi, EXECUTION_ACTIVE, EXECUTION_TERMINAL, WORKFLOW_PARTS, build_execution_parameters, check_local_files,
    classify_workflow_parts, execution_failure)
from ansible_collections.fleetops.cloud.plugins.module_utils.auth import AKSK
from ansible_collections.fleetops.cloud.plugins.module_utils.errors import OutcomeUnknownError
from ansible_collections.fleetops.cloud.plugins.module_utils.waiter import WaitTimeout

ARGUMENT_SPEC = dict(
    name=dict(type="str"),
    id=dict(type="str"),
    ids=dict(type="list", elements="str"),
    state=dict(type="str", default="present", choices=["present", "stopped", "absent"]),
    pool=dict(type="str", aliases=["env_name"]),
    workflow_id=dict(type="str"),
    workflow_source=dict(type="str"),
    workflow_inputs=dict(type="str"),
    workflow_options=dict(type="str"),
    workflow_depends=dict(type="str"),
    clean_data=dict(type="bool"),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=3600),
)


class BceWdlExecutionModule(FleetopsModule):

    def __init__(self):
        super(BceWdlExecutionModule, self).__init__(
            argument_spec=ARGUMENT_SPEC, supports_check_mode=True,
            required_one_of=[("name", "id", "ids")],
            mutually_exclusive=[("ids", "name"), ("ids", "id")])
        self.api = BceApi(self.client)
        self.urls = {}
        self.files = {}
        self.matches = []

    # ---- entry ----------------------------------------------------------------------------------------------

    def run(self):
        p = self.params
        if p["wait_timeout"] < 0:
            self.fail("wait_timeout must be zero or more seconds.")
        if p["ids"] is not None:
            if p["state"] != "absent":
                self.fail("ids deletes executions in one batch: it can only be used with state=absent, not state=%s."
                          % p["state"])
            self.absent_many([i for i in p["ids"] if i])
        if p["state"] == "present":
            self.prepare_submission()
        current = self.find()
        if p["state"] == "present":
            self.present(current)
        elif p["state"] == "stopped":
            self.stopped(current)
        self.absent(current)

    def prepare_submission(self):
        """Classify and check the workflow parts before any call (missing files, 12 MB with AK/SK)."""
        p = self.params
        self.urls, self.files = classify_workflow_parts(dict((part, p[part]) for part in WORKFLOW_PARTS))
        check_local_files(self.files, aksk=self.uses_aksk())

    def uses_aksk(self):
        return self.client.auth_method("bce") == AKSK

    def find(self):
        p = self.params
        if p["id"]:
            current = self.api.get_execution(p["id"])
            if current is not None and p["name"] and current.get("name") != p["name"]:
                self.fail("Execution %s is named %s, not %s." % (p["id"], current.get("name"), p["name"]))
            return current
        matches = self.api.find_executions(p["name"])
        self.matches = matches
        if len(matches) > 1:
            self.module.warn("%d executions are named %s; using the newest (%s)."
                             % (len(matches), p["name"], matches[0].get("guid")))
        return matches[0] if matches else None

    # ---- present --------------------------------------------------------------------------------------------

    def present(self, current):
        p = self.params
        submitted = False
        before = current or {}
        if current is None:
            if p["id"]:
                self.fail("No WDL execution with id %s exists; give a name to submit a new one." % p["id"])
            if not p["pool"]:
                self.fail("WDL execution %s does not exist: pool (env_name) is required to submit it." % p["name"])
            if "workflow_source" not in self.urls and "workflow_source" not in self.files and not p["workflow_id"]:
                self.fail("WDL execution %s does not exist: workflow_source (a local file or an OBS URL) or "
                          "workflow_id is required to submit it." % p["name"])
            self.check_pool()
            if self.check_mode:
                predicted = self.predict()
                self.exit(changed=True, before={}, after=predicted, execution=predicted, submitted=True)
            current = self.submit()
            submitted = True
        elif p["workflow_id"] is not None and current.get("workflow_id") and current["workflow_id"] != p["workflow_id"]:
            self.fail("WDL execution %s exists with workflow_id %s; an execution cannot change (workflow_id differs). "
                      "Submit a new execution under another name." % (current.get("name"), current.get("workflow_id")),
                      execution=current)
        if p["wait"] and not self.check_mode and current.get("status") not in EXECUTION_TERMINAL:
            current = self.wait_terminal(current, submitted)
        if current.get("status") == "Failed":
            self.fail(execution_failure(current), execution=current, submitted=submitted)
        self.exit(changed=submitted, before=before, after=current, execution=current, submitted=submitted)

    def check_pool(self):
        """Fail, before the submission, when ``pool`` names (or is the guid of) no Cromwell pool of the project."""
        wanted = self.params["pool"]
        pools = [pool for pool in self.api.list_pools() if wanted in (pool.get("cluster_name"), pool.get("guid"))]
        if not pools:
            self.fail("pool: no BCE pool is named (or has the guid) %r; create it first with fleetops.cloud.bce_pool." % wanted)
        if not [pool for pool in pools if pool.get("cluster_type") == "cromwell"]:
            self.fail("pool: the BCE pool %r is a %s pool, not a Cromwell pool (environment) that can run WDL."
                      % (wanted, pools[0].get("cluster_type")))

    def predict(self):
        p = self.params
        return dict(id=None, guid=None, name=p["name"], status="Submitted", workflow_id=p["workflow_id"],
                    target="cromwell", status_summary={})

    def submit(self):
        p = self.params
        parameters = build_execution_parameters(p["pool"], workflow_id=p["workflow_id"], urls=self.urls, name=p["name"])
        try:
            answer = self.api.submit_execution(parameters, files=self.files)
        except OutcomeUnknownError:
            matches = self.api.find_executions(p["name"])
            if not matches:
                self.fail("The submission of WDL execution %s got no answer and no execution with that name exists "
                          "now: the submission may not have happened. Run the task again." % p["name"])
            return matches[0]
        exec_id = answer.get("id")
        current = self.api.get_execution(exec_id) if exec_id else None
        if current is None:
            matches = self.api.find_executions(p["name"])
            current = matches[0] if matches else None
        if current is None:
            self.fail("WDL execution %s was submitted (id %s) but cannot be read back." % (p["name"], exec_id))
        return current

    def wait_terminal(self, current, submitted):
        """Wait until the execution reaches Succeeded, Failed or Aborted; fail clearly on timeout or when it vanishes."""
        exec_id = current["guid"]
        timeout = self.params["wait_timeout"]
        try:
            found = self.wait(lambda: self.api.get_execution(exec_id), lambda e: e.get("status"),
                              targets=EXECUTION_TERMINAL + (None,), timeout=timeout, delay=1, max_delay=15)
        except WaitTimeout as exc:
            self.fail("Timed out after %s seconds waiting for WDL execution %s (%s) to finish; last status %s. "
                      "The execution keeps running." % (timeout, current.get("name"), exec_id, exc.status),
                      execution=exc.last or current, submitted=submitted, status_history=exc.history)
        if found is None:
            self.fail("WDL execution %s (%s) disappeared while waiting for it to finish." % (current.get("name"), exec_id),
                      execution={}, submitted=submitted)
        return found

    # ---- stopped --------------------------------------------------------------------------------------------

    def stopped(self, current):
        p = self.params
        if current is None:
            self.fail("No WDL execution %s exists, so it cannot be stopped." % (p["id"] or p["name"]))
        before = current
        changed = False
        if current.get("status") in EXECUTION_ACTIVE:
            changed = True
            if self.check_mode:
                predicted = dict(current, status="Aborted" if p["wait"] else "Aborting")
                self.exit(changed=True, before=before, after=predicted, execution=predicted, submitted=False)
            self.api.stop_execution(current["guid"])
            current = self.api.get_execution(current["guid"]) or current
        if p["wait"] and not self.check_mode and current.get("status") not in EXECUTION_TERMINAL:
            current = self.wait_terminal(current, False)
        self.exit(changed=changed, before=before, after=current, execution=current, submitted=False)

    # ---- absent ---------------------------------------------------------------------------------------------

    def absent(self, current):
        p = self.params
        if current is None:
            self.exit(changed=False, before={}, after={}, execution={}, submitted=False, deleted=[])
        # Without an id, every execution with exactly this name goes.
        targets = [current] if p["id"] else (self.matches or [current])
        ids = [e["guid"] for e in targets]
        if self.check_mode:
            self.exit(changed=True, before=current, after={}, execution={}, submitted=False, deleted=ids)
        if p["clean_data"] is not None or len(ids) > 1:
            deleted, failed = self.api.delete_executions(ids, clean_data=p["clean_data"])
            if failed:
                self.fail_batch(deleted, failed, [])
        else:
            self.api.delete_execution(ids[0])
            deleted = ids
        self.exit(changed=True, before=current, after={}, execution={}, submitted=False, deleted=deleted)

    def absent_many(self, ids):
        p = self.params
        existing, not_found = [], []
        for exec_id in dict.fromkeys(ids):
            (existing if self.api.get_execution(exec_id) is not None else not_found).append(exec_id)
        if not_found:
            self.module.warn("These WDL executions do not exist (already absent): %s" % ", ".join(not_found))
        if not existing:
            self.exit(changed=False, deleted=[], not_found=not_found)
        if self.check_mode:
            self.exit(changed=True, deleted=existing, not_found=not_found)
        deleted, failed = self.api.delete_executions(existing, clean_data=p["clean_data"])
        if failed:
            self.fail_batch(deleted, failed, not_found)
        self.exit(changed=True, deleted=deleted, not_found=not_found)

    def fail_batch(self, deleted, failed, not_found):
        reasons = []
        for exec_id, err in sorted(failed.items()):
            code = ("%s " % err["error_code"]) if err.get("error_code") else ""
            reasons.append("%s: %s%s" % (exec_id, code, err.get("error_msg") or "unknown error"))
        reasons = "; ".join(reasons)
        self.fail("The batch delete failed for %d of %d WDL executions (%s). Deleted: %s."
                  % (len(failed), len(failed) + len(deleted), reasons, ", ".join(deleted) or "none"),
                  changed=bool(deleted), deleted=deleted, failures=failed, not_found=not_found)


def main():
    BceWdlExecutionModule().execute()


if __name__ == "__main__":
    main()

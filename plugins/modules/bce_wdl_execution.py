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
  - "How a run is recognised. The submission (source section 4.2.2, table 4-39) has no name field: the API names an
    execution itself, so a name cannot make a submission idempotent. The module identifies a run by what the API
    documents and reports back: the pool (C(env_guid)), the workflow (C(workflow_name), the C(workflow) declared in
    the WDL, and C(workflow_id)), both of which the list call filters on (table 4-27), and the inputs, compared as
    JSON with the stored C(inputs_json) (table 4-31). An execution that agrees on all three is this run, whatever
    its status and whatever name the API gave it."
  - O(state=present) with O(pool) (and without O(id)) looks the run up by that identity and submits it only when no such
    run exists, so a repeat run submits nothing. A run that ended C(Failed) or C(Aborted) stays the run; delete it
    (O(state=absent) with the same options) to run the same inputs again.
  - The module refuses to submit when it cannot tell an existing run of the same workflow in the same pool apart
    from this one, because the inputs are an OBS URL (the module cannot read them; a run that stored that very URL
    does match) or the stored C(inputs_json) is not JSON. The task then fails, listing the runs; select one with O(id) or delete it.
  - O(id), and O(name) without O(pool), select an existing execution (by its id, or by the name the API gave it);
    with them the module never submits.
  - Before a submission the pool must be a Cromwell pool that is ready. The source lists no pool statuses;
    C(Running), C(Available), C(Active), C(Ready) and C(Normal) count as ready, a few failure words as failed, and
    every other status as not ready yet. With O(wait=true) the module waits for the pool (within O(wait_timeout)),
    otherwise it fails naming the status.
  - O(state=stopped) stops a submitted or running execution. A stopped execution can never run again. A stop whose
    answer is lost is decided by reading the execution back, never sent twice blindly.
  - O(state=absent) deletes the execution(s). With O(ids) it deletes many executions with the batch call and
    reports the outcome of each id. Deleting what is already gone (also when its pool is gone) is C(changed=false).
  - "Not found: every BCE call lists only 200/201, 400 and 500 (the 404 is in the generic appendix). A 404, or a 400
    to the GET of one execution by id, means the execution does not exist; a refused delete is decided by reading
    the execution back. The wording of an error message is never used."
  - "IAM actions needed: C(bce:executionsExtend:list) and C(bce:executionsExtend:get) always;
    C(bce:clusters:list) and C(bce:clusters:get) to check the pool; C(bce:executionsExtend:create) to submit,
    C(bce:executionsExtend:stop) to stop and C(bce:executionsExtend:delete) to delete."
author:
  - fleetops.cloud contributors (@fleetops)
extends_documentation_fragment:
  - fleetops.cloud.auth
attributes:
  check_mode:
    support: full
    description:
      - Predicts C(changed) and the resulting execution without any write call; never waits.
      - A pool that does not exist yet (created by an earlier task of the same check run) gives a warning, not an
        error, and the run is predicted as submitted.
  diff_mode:
    support: full
    description: Returns the execution before and after.
options:
  name:
    description:
      - Selects an existing execution by the exact name the API gave it (the API's name filter matches
        substrings; the module keeps only exact matches). Never sent, because the API names executions itself.
      - With O(state=present) and without O(pool) the execution must exist; the module only reads it (and waits).
        With O(pool) the task is a submission, and O(name) is ignored with a warning (the run is found by its
        identity).
      - Checked before any call; it must not be empty, hold control characters or C(/), or be longer than 102400
        characters (the length the source documents).
    type: str
  id:
    description:
      - Id (guid) of an existing execution; selects it. Sent as one encoded URL path segment; an id that is empty,
        C(.), C(..), or holds C(/) or control characters fails before any call.
    type: str
  ids:
    description:
      - Ids of executions to delete with one batch call. Only with O(state=absent), and without O(name) or O(id).
      - Each id is read first; ids that do not exist are already absent, are not sent, and are returned in
        RV(not_found) with a warning. When none of them exists nothing is written.
      - The batch call answers per id. An id it reports as failed but that cannot be read any more counts as
        deleted. When some ids fail the task fails, listing the failed ids with the reason (RV(failures)) and the
        ids that were deleted (RV(deleted)).
    type: list
    elements: str
  state:
    description:
      - V(present) submits the run unless it exists (see the description for how a run is recognised).
      - V(stopped) stops a submitted or running execution (it can never run again); an execution that already
        finished is left alone.
      - V(absent) deletes the execution(s), the one selected by O(id) or O(name), or every run with the identity
        given by O(pool), the workflow and the inputs.
    type: str
    choices: [present, stopped, absent]
    default: present
  pool:
    description:
      - Name (or guid) of the Cromwell pool (BCE environment) that runs the workflow, sent as C(env_name).
      - Required to submit. It is looked up before the submission; an unknown or non-Cromwell pool fails the task.
    type: str
    aliases: [env_name]
  workflow_name:
    description:
      - Name of the workflow, as the API reports it in C(workflow_name) (the C(workflow) declared in the WDL).
      - Part of the identity of a run. When O(workflow_source) is a local file it is read from the file; a
        different value fails before any call. With an OBS URL as O(workflow_source) give it (or O(workflow_id)),
        otherwise a repeat run could not find the run and the task fails before any call.
    type: str
  workflow_id:
    description:
      - Id of a WDL workflow template. Part of the identity of a run.
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
      - A local file must hold JSON (checked before any call); it is part of the identity of a run.
    type: str
  workflow_options:
    description:
      - The Cromwell options of the workflow; an OBS URL or a local path (same rule as O(workflow_source)).
      - Not part of the identity of a run (the API does not report them back).
    type: str
  workflow_depends:
    description:
      - The dependencies (imports) of the workflow; an OBS URL or a local path (same rule as O(workflow_source)).
      - Not part of the identity of a run (the API does not report them back).
    type: str
  clean_data:
    description:
      - With O(state=absent), whether the data of the execution is deleted too.
      - When set, single executions are deleted with the batch call, the only one that carries this flag.
    type: bool
  wait:
    description:
      - With O(state=present), wait until the pool is ready before a submission, and until the execution reaches
        a terminal status (C(Succeeded), C(Failed) or C(Aborted)). A C(Failed) execution fails the task, naming the
        failing task and its status.
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
  - The API has no way to change an execution; O(state=present) on an existing run only reads (and waits).
  - When several executions have the same identity (submitted outside this module), the newest one is used and a
    warning says so; O(state=absent) deletes all of them.
  - After a submission whose answer was lost, the module looks the run up by its identity; when it is not there the
    task fails without submitting again. Run the task again, and the identity lookup keeps the second run
    from submitting twice.
seealso:
  - module: fleetops.cloud.bce_wdl_execution_info
  - module: fleetops.cloud.bce_pool
'''

EXAMPLES = r'''
# Credentials, region and endpoints come from the HW_* environment (docs/auth.md); to set them per play
# instead, use module_defaults with the group/fleetops.cloud.cloud action group.
- name: Run a workflow from local files and wait for the result (a repeat run submits nothing)
  fleetops.cloud.bce_wdl_execution:
    pool: genomics-cromwell
    workflow_source: files/align.wdl
    workflow_inputs: files/align.inputs.json
    wait_timeout: 7200
  register: run

- name: Show how far it got
  ansible.builtin.debug:
    msg: "{{ run.execution.name }}: {{ run.execution.status_summary.finished_node_number }} of {{ run.execution.status_summary.node_number }} tasks"

- name: Run a workflow stored in OBS without waiting (the workflow name identifies the run)
  fleetops.cloud.bce_wdl_execution:
    env_name: genomics-cromwell
    workflow_name: call_variants
    workflow_source: obs://genomics-wdl/call-variants.wdl
    wait: false
  register: variants

- name: Stop it (it can never run again)
  fleetops.cloud.bce_wdl_execution:
    id: "{{ variants.execution.id }}"
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
      description: Name of the execution, as the API gave it.
      type: str
      sample: align
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
matched_by:
  description:
    - How the execution was found; V(id), V(name), V(identity) (pool, workflow and inputs), or V(submitted).
  returned: when an execution was found or submitted
  type: str
  sample: identity
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
    classify_workflow_parts, execution_failure, parse_inputs, pool_readiness, same_inputs, validate_id, validate_name,
    wait_pool_ready, wdl_workflow_name)
from ansible_collections.fleetops.cloud.plugins.module_utils.auth import AKSK
from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ApiError, ConfigurationError, OutcomeUnknownError
from ansible_collections.fleetops.cloud.plugins.module_utils.waiter import WaitFailure, WaitTimeout

ARGUMENT_SPEC = dict(
    name=dict(type="str"),
    id=dict(type="str"),
    ids=dict(type="list", elements="str"),
    state=dict(type="str", default="present", choices=["present", "stopped", "absent"]),
    pool=dict(type="str", aliases=["env_name"]),
    workflow_name=dict(type="str"),
    workflow_id=dict(type="str"),
    workflow_source=dict(type="str"),
    workflow_inputs=dict(type="str"),
    workflow_options=dict(type="str"),
    workflow_depends=dict(type="str"),
    clean_data=dict(type="bool"),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=3600),
)

# Statuses an execution can still be stopped in (a stop answered "Aborting" or "Aborted" has taken effect).
STOP_EFFECT = ("Aborting", "Aborted")


class BceWdlExecutionModule(FleetopsModule):

    def __init__(self):
        super(BceWdlExecutionModule, self).__init__(
            argument_spec=ARGUMENT_SPEC, supports_check_mode=True,
            mutually_exclusive=[("ids", "name"), ("ids", "id")])
        self.api = BceApi(self.client)
        self.urls = {}
        self.files = {}
        self.inputs = {}
        self.workflow_name = None
        self.matches = []
        self.matched_by = None
        self.pool = None
        self.submission = False

    # ---- entry ----------------------------------------------------------------------------------------------

    def run(self):
        p = self.params
        self.validate()
        if p["ids"] is not None:
            self.absent_many(list(dict.fromkeys(p["ids"])))
        current = self.find()
        if p["state"] == "present":
            self.present(current)
        elif p["state"] == "stopped":
            self.stopped(current)
        self.absent(current)

    def validate(self):
        """Every check that needs no call: options, names, ids, local files, the identity of the run."""
        p = self.params
        if p["wait_timeout"] < 0:
            self.fail("wait_timeout must be zero or more seconds.")
        if p["ids"] is not None:
            if p["state"] != "absent":
                self.fail("ids deletes executions in one batch: it can only be used with state=absent, not state=%s."
                          % p["state"])
            for exec_id in p["ids"]:
                validate_id(exec_id, "execution id in ids")
            return
        if p["name"] is not None:
            validate_name(p["name"], "execution name")
        if p["id"] is not None:
            validate_id(p["id"], "execution id")
        for option in ("pool", "workflow_name", "workflow_id"):
            if p[option] is not None:
                validate_name(p[option], option)
        self.urls, self.files = classify_workflow_parts(dict((part, p[part]) for part in WORKFLOW_PARTS))
        # A submission: state=present with a pool and without an id. Its run is identified by pool, workflow and
        # inputs (see DOCUMENTATION); a name is neither sent nor used to find it.
        self.submission = p["state"] == "present" and p["id"] is None and (p["pool"] is not None or p["name"] is None)
        if self.selected() and not self.submission:
            return
        if self.submission:
            if p["name"] is not None:
                self.module.warn("name is not sent and not used to find the run: the API names executions itself "
                                 "(source table 4-39 has no name). The run is identified by pool, workflow and inputs.")
            check_local_files(self.files, aksk=self.uses_aksk())
            if not p["pool"]:
                self.fail("pool (env_name) is required to submit a WDL execution.")
            if "workflow_source" not in self.urls and "workflow_source" not in self.files and not p["workflow_id"]:
                self.fail("workflow_source (a local file or an OBS URL) or workflow_id is required to submit a WDL "
                          "execution.")
        self.workflow_name = self.read_workflow_name()
        if self.workflow_name is None and not p["workflow_id"]:
            self.fail("The run cannot be identified: give workflow_name (the workflow declared in the WDL) or "
                      "workflow_id, or a local workflow_source the module can read it from; or select an existing "
                      "execution with id or name. The API names executions itself, so without them a repeat run "
                      "could not find the run.")
        self.inputs = self.read_inputs()

    def selected(self):
        """True when an existing execution is selected by id or name (no submission)."""
        return self.params["id"] is not None or (self.params["name"] is not None and not self.submission)

    def uses_aksk(self):
        return self.client.auth_method("bce") == AKSK

    def read_workflow_name(self):
        """workflow_name, checked against the workflow declared in a local WDL source."""
        given = self.params["workflow_name"]
        path = self.files.get("workflow_source")
        if path is None:
            return given
        try:
            with open(path, "rb") as handle:
                declared = wdl_workflow_name(handle.read().decode("utf-8", "replace"))
        except (IOError, OSError) as exc:
            raise ConfigurationError("Cannot read the local workflow_source %s: %s" % (path, exc))
        if given is not None and declared is not None and given != declared:
            self.fail("workflow_name is %s but %s declares the workflow %s." % (given, path, declared))
        return given if given is not None else declared

    def read_inputs(self):
        """The inputs as a parsed object: {} when none are given, None when they are a URL the module cannot read."""
        if "workflow_inputs" in self.urls:
            return None
        path = self.files.get("workflow_inputs")
        if path is None:
            return {}
        try:
            with open(path, "rb") as handle:
                return parse_inputs(handle.read().decode("utf-8"))
        except (IOError, OSError) as exc:
            raise ConfigurationError("Cannot read the local workflow_inputs %s: %s" % (path, exc))
        except ValueError as exc:
            raise ConfigurationError("The local workflow_inputs %s is not JSON: %s" % (path, exc))

    # ---- finding the execution ------------------------------------------------------------------------------

    def find(self):
        p = self.params
        if p["id"] is not None:
            current = self.api.get_execution(p["id"])
            if current is not None and p["name"] is not None and current.get("name") != p["name"]:
                self.fail("Execution %s is named %s, not %s." % (p["id"], current.get("name"), p["name"]))
            self.matched_by = "id"
            return current
        if p["name"] is not None and not self.submission:
            matches = self.api.find_executions(p["name"])
            self.matched_by = "name"
        else:
            matches = self.find_by_identity()
            self.matched_by = "identity"
        self.matches = matches
        if len(matches) > 1:
            self.module.warn("%d WDL executions match (%s); using the newest (%s)."
                             % (len(matches), ", ".join(e.get("guid") or "?" for e in matches), matches[0].get("guid")))
        return matches[0] if matches else None

    def resolve_pool(self):
        """The pool named (or with the guid) ``pool``, or None when it does not exist."""
        if self.pool is None and self.params["pool"]:
            self.pool = self.api.find_pool_by_name_or_id(self.params["pool"])
        return self.pool

    def find_by_identity(self):
        """The runs with this pool, workflow and inputs, newest first. Refuses (fails) when a run of the same
        workflow in the same pool cannot be told apart from this one."""
        p = self.params
        pool_guid = None
        if p["pool"]:
            pool = self.resolve_pool()
            if pool is None:
                # No such pool (yet, or any more): no run of it exists. present submits (after ready_pool says
                # what to do about the pool); absent and stopped have nothing to do (teardown is re-runnable).
                return []
            pool_guid = pool.get("guid")
        runs = self.api.find_runs(workflow_name=self.workflow_name, workflow_id=p["workflow_id"])
        matches, unsure = [], []
        for run in runs:
            if pool_guid is not None:
                env = run.get("env_guid")
                if env is not None and env != pool_guid:
                    continue
                if env is None:
                    unsure.append(run)
                    continue
            same = same_inputs(run, self.inputs, self.urls.get("workflow_inputs"))
            if same:
                matches.append(run)
            elif same is None:
                unsure.append(run)
        if not matches and unsure:
            self.fail("WDL executions of workflow %s exist that the module cannot tell apart from this run (%s): "
                      "their inputs cannot be compared (inputs given as a URL, or stored inputs that are not "
                      "JSON), or their pool is not reported. Nothing was submitted. Select one with id, or delete "
                      "them, or give the inputs as a local file."
                      % (self.workflow_name or p["workflow_id"], ", ".join(r.get("guid") or "?" for r in unsure)),
                      candidates=unsure)
        return matches

    # ---- present --------------------------------------------------------------------------------------------

    def present(self, current):
        p = self.params
        submitted = False
        before = current or {}
        if current is None:
            if self.selected():
                self.fail("No WDL execution %s exists. The API names executions itself: to submit one, give pool and "
                          "the workflow (without id)." % (p["id"] or p["name"]))
            if not self.ready_pool():
                predicted = self.predict()
                self.exit(changed=True, before={}, after=predicted, execution=predicted, submitted=True,
                          matched_by="submitted")
            if self.check_mode:
                predicted = self.predict()
                self.exit(changed=True, before={}, after=predicted, execution=predicted, submitted=True,
                          matched_by="submitted")
            current = self.submit()
            submitted = True
        if p["wait"] and not self.check_mode and current.get("status") not in EXECUTION_TERMINAL:
            current = self.wait_terminal(current, submitted)
        if current.get("status") == "Failed":
            self.fail(execution_failure(current), execution=current, submitted=submitted)
        self.exit(changed=submitted, before=before, after=current, execution=current, submitted=submitted,
                  matched_by="submitted" if submitted else self.matched_by)

    def ready_pool(self):
        """Check the pool before a submission: it exists, is a Cromwell pool and is ready (waiting for it when
        ``wait``). Returns False only in check mode for a pool that does not exist yet."""
        p = self.params
        pool = self.resolve_pool()
        if pool is None:
            if self.check_mode:
                self.module.warn("pool: no BCE pool is named (or has the guid) %r yet; predicting the submission."
                                 % p["pool"])
                return False
            self.fail("pool: no BCE pool is named (or has the guid) %r; create it first with fleetops.cloud.bce_pool."
                      % p["pool"])
        if pool.get("cluster_type") != "cromwell":
            self.fail("pool: the BCE pool %r is a %s pool, not a Cromwell pool (environment) that can run WDL."
                      % (p["pool"], pool.get("cluster_type")))
        readiness = pool_readiness(pool)
        if readiness == "ready" or self.check_mode:
            return True
        if readiness == "failed":
            self.fail("pool: the Cromwell pool %r has status %r; a WDL execution cannot run in it."
                      % (p["pool"], pool.get("status")), pool_status=pool.get("status"))
        if not p["wait"]:
            self.fail("pool: the Cromwell pool %r is not ready yet (status %r); nothing was submitted. Run again "
                      "later, or with wait=true to wait for it." % (p["pool"], pool.get("status")),
                      pool_status=pool.get("status"))
        self.pool = self.wait_pool_ready(pool)
        return True

    def wait_pool_ready(self, pool):
        timeout = self.params["wait_timeout"]
        try:
            return wait_pool_ready(self.wait, self.api, pool, timeout)
        except WaitTimeout as exc:
            self.fail("Timed out after %s seconds waiting for the Cromwell pool %r to be ready; its status is %r. "
                      "Nothing was submitted." % (timeout, self.params["pool"], (exc.last or pool).get("status")),
                      pool_status=(exc.last or pool).get("status"))
        except WaitFailure as exc:
            status = (exc.last or {}).get("status") if exc.last else None
            self.fail("The Cromwell pool %r %s while waiting for it to be ready. Nothing was submitted."
                      % (self.params["pool"], "has status %r" % status if exc.last else "disappeared"),
                      pool_status=status)

    def predict(self):
        p = self.params
        pool = self.pool or {}
        return dict(id=None, guid=None, name=None, status="Submitted", workflow_id=p["workflow_id"],
                    workflow_name=self.workflow_name, env_guid=pool.get("guid"), target="cromwell", status_summary={})

    def submit(self):
        p = self.params
        known = set(e.get("guid") for e in self.matches)
        parameters = build_execution_parameters(p["pool"], workflow_id=p["workflow_id"], urls=self.urls)
        try:
            answer = self.api.submit_execution(parameters, files=self.files)
        except OutcomeUnknownError:
            # The submission may have happened: look the run up by its identity, never submit a second time.
            found = [e for e in self.find_by_identity() if e.get("guid") not in known]
            if not found:
                self.fail("The submission of the WDL execution got no answer and no run with this pool, workflow and "
                          "inputs exists now: the submission may not have happened. Run the task again (it submits "
                          "only when the run is still missing).")
            return found[0]
        exec_id = answer.get("id") if isinstance(answer, dict) else None
        current = self.api.get_execution(exec_id) if exec_id else None
        if current is None:
            found = [e for e in self.find_by_identity() if e.get("guid") not in known]
            current = found[0] if found else None
        if current is None:
            self.fail("The WDL execution was submitted (id %s) but cannot be read back." % exec_id, submitted=True,
                      changed=True)
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
            if self.selected():
                self.fail("No WDL execution %s exists, so it cannot be stopped." % (p["id"] or p["name"]))
            self.exit(changed=False, before={}, after={}, execution={}, submitted=False)
        before = current
        changed = False
        if current.get("status") in EXECUTION_ACTIVE:
            changed = True
            if self.check_mode:
                predicted = dict(current, status="Aborted" if p["wait"] else "Aborting")
                self.exit(changed=True, before=before, after=predicted, execution=predicted, submitted=False)
            current, changed = self.stop(current)
        if p["wait"] and not self.check_mode and current.get("status") not in EXECUTION_TERMINAL:
            current = self.wait_terminal(current, False)
        self.exit(changed=changed, before=before, after=current, execution=current, submitted=False,
                  matched_by=self.matched_by)

    def stop(self, current):
        """Stop an active execution. A lost answer (or a refusal after an earlier attempt that took effect) is
        decided by reading the execution back. Returns ``(execution, changed)``."""
        guid = current["guid"]
        seen = {}

        def applied():
            seen["execution"] = self.api.get_execution(guid)
            return seen["execution"] is None or seen["execution"].get("status") in STOP_EFFECT

        try:
            self.confirmed_write(lambda: self.api.stop_execution(guid), applied)
        except ApiError:
            # Refused: it may have finished on its own between the read and the stop.
            latest = seen.get("execution") if "execution" in seen else self.api.get_execution(guid)
            if latest is not None and latest.get("status") in EXECUTION_TERMINAL:
                return latest, False
            raise
        latest = self.api.get_execution(guid)
        return (latest or dict(current, status="Aborting")), True

    # ---- absent ---------------------------------------------------------------------------------------------

    def absent(self, current):
        p = self.params
        if current is None:
            self.exit(changed=False, before={}, after={}, execution={}, submitted=False, deleted=[])
        # Without an id, every execution with this name (or this identity) goes.
        targets = [current] if p["id"] is not None else (self.matches or [current])
        ids = [e["guid"] for e in targets]
        if self.check_mode:
            self.exit(changed=True, before=current, after={}, execution={}, submitted=False, deleted=ids)
        if p["clean_data"] is not None or len(ids) > 1:
            deleted, failed = self.api.delete_executions(ids, clean_data=p["clean_data"])
            if failed:
                self.fail_batch(deleted, failed, [])
            changed = bool(deleted)
        else:
            changed = self.api.delete_execution(ids[0])
            deleted = ids if changed else []
        self.exit(changed=changed, before=current, after={}, execution={}, submitted=False, deleted=deleted)

    def absent_many(self, ids):
        p = self.params
        existing, not_found = [], []
        for exec_id in ids:
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
        self.exit(changed=bool(deleted), deleted=deleted, not_found=not_found)

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

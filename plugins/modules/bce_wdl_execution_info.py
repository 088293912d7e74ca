# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: bce_wdl_execution_info
short_description: List Huawei Cloud BCE WDL workflow executions
version_added: 0.1.0
description:
  - Lists the WDL executions of a Huawei Cloud BCE project with their status summary, following the API's
    pagination to the end. Never changes anything (deleting many executions is M(fleetops.cloud.bce_wdl_execution)'s
    job, with O(fleetops.cloud.bce_wdl_execution#module:ids)).
  - "IAM actions needed: C(bce:executionsExtend:list); C(bce:executionsExtend:get) with O(ids)."
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
      - Only executions with this name. How the name matches is set by O(name_match).
    type: str
  name_match:
    description:
      - V(exact) keeps only executions named exactly O(name) (the module filters the API's answer).
      - V(fuzzy) keeps every execution whose name contains O(name), as the API's own filter does.
    type: str
    choices: [exact, fuzzy]
    default: exact
  status:
    description:
      - Only executions with this status.
    type: str
    choices: [Submitted, Running, Aborting, Failed, Succeeded, Aborted]
  workflow_id:
    description:
      - Only executions of this workflow template.
    type: str
  workflow_name:
    description:
      - Only executions of this workflow (C(workflow_name), the C(workflow) declared in the WDL). The API names
        executions itself, so this is the way to find the runs of one workflow.
    type: str
  ids:
    description:
      - Only these executions, read one by one. Ids that do not exist are left out (a 404, or a 400 to the GET
        of one execution, means it does not exist), so reading right after a delete never fails.
      - The other filters apply to them too.
      - An id that is empty, C(.), C(..), or holds C(/) or control characters fails before any call.
    type: list
    elements: str
seealso:
  - module: fleetops.cloud.bce_wdl_execution
'''

EXAMPLES = r'''
- name: The failed executions of the project
  fleetops.cloud.bce_wdl_execution_info:
    status: Failed
  register: failed_runs

- name: Every execution whose name contains "align"
  fleetops.cloud.bce_wdl_execution_info:
    name: align
    name_match: fuzzy
  register: align_runs

- name: Two executions by id
  fleetops.cloud.bce_wdl_execution_info:
    ids:
      - 0b6f2a52-5f53-4d4e-9a61-7a3e86c1d0a2
      - 4a1c5e0e-93b6-4f38-8f57-2d07e3b8a6c9
  register: some_runs

- name: Show the progress of each
  ansible.builtin.debug:
    msg: "{{ item.name }}: {{ item.status }} ({{ item.status_summary.finished_node_number }}/{{ item.status_summary.node_number }})"
  loop: "{{ some_runs.executions }}"
'''

RETURN = r'''
executions:
  description: The matching executions, newest first (an empty list when none matches).
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Id of the execution (the same as C(guid)).
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
      sample: Running
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
          sample: 1
        actual_node_status:
          description:
            - The task being run (or the failing one), with C(name), C(status), C(sub_job_num),
              C(finished_sub_job_num), C(time_duration), C(resources) and C(sub_job_status).
          type: dict
'''

from ansible_collections.fleetops.cloud.plugins.module_utils.base import FleetopsModule
from ansible_collections.fleetops.cloud.plugins.module_utils.bce import BceApi, EXECUTION_STATUSES, validate_id

ARGUMENT_SPEC = dict(
    name=dict(type="str"),
    name_match=dict(type="str", default="exact", choices=["exact", "fuzzy"]),
    status=dict(type="str", choices=list(EXECUTION_STATUSES)),
    workflow_id=dict(type="str"),
    workflow_name=dict(type="str"),
    ids=dict(type="list", elements="str"),
)


class BceWdlExecutionInfoModule(FleetopsModule):

    def __init__(self):
        super(BceWdlExecutionInfoModule, self).__init__(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
        self.api = BceApi(self.client)

    def run(self):
        p = self.params
        for exec_id in p["ids"] or ():
            # Checked before any call: an id is never a path.
            validate_id(exec_id, "execution id in ids")
        if p["ids"] is not None:
            executions = []
            for exec_id in dict.fromkeys(i for i in p["ids"] if i):
                execution = self.api.get_execution(exec_id)
                if execution is not None:
                    executions.append(execution)
            if p["name"] is not None:
                executions = [e for e in executions if self.name_matches(e)]
            if p["status"] is not None:
                executions = [e for e in executions if e.get("status") == p["status"]]
            if p["workflow_id"] is not None:
                executions = [e for e in executions if e.get("workflow_id") == p["workflow_id"]]
            if p["workflow_name"] is not None:
                executions = [e for e in executions if e.get("workflow_name") == p["workflow_name"]]
        else:
            executions = self.api.list_executions(name=p["name"], status=p["status"], workflow_id=p["workflow_id"],
                                                  workflow_name=p["workflow_name"])
            if p["name"] is not None:
                executions = [e for e in executions if self.name_matches(e)]
            if p["workflow_name"] is not None:
                executions = [e for e in executions if e.get("workflow_name") == p["workflow_name"]]
            executions.sort(key=lambda e: str(e.get("create_at") or ""), reverse=True)
        self.exit(changed=False, executions=executions)

    def name_matches(self, execution):
        name = execution.get("name") or ""
        if self.params["name_match"] == "exact":
            return name == self.params["name"]
        return self.params["name"] in name


def main():
    BceWdlExecutionInfoModule().execute()


if __name__ == "__main__":
    main()

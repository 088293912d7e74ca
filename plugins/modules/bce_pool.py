# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: bce_pool
short_description: Manage Huawei Cloud BCE batch resource pools
version_added: 0.1.0
description:
  - Create, update and delete resource pools of Huawei Cloud Batch Container Engine (BCE),
    dedicated pools on a CCE cluster, shared pools on a CCI namespace, and Cromwell pools.
  - Pools are project-scoped (O(project_id)). A pool is found by its exact O(name) (names are unique per project),
    or by O(id) when given.
  - Only the name and the description of a pool can change. Any other difference fails the task naming the
    fields, unless O(recreate=true), which deletes the pool (waiting for the delete) and creates it again.
  - "IAM actions needed: C(bce:clusters:list) and C(bce:clusters:get) always; C(bce:clusters:create),
    C(bce:clusters:update) and C(bce:clusters:delete) for the changes."
author:
  - fleetops.cloud contributors (@fleetops)
extends_documentation_fragment:
  - fleetops.cloud.auth
attributes:
  check_mode:
    support: full
    description: Predicts C(changed) and the resulting pool without any write call.
  diff_mode:
    support: full
    description: Returns the pool before and after (without the database password).
options:
  name:
    description:
      - Name of the pool (C(cluster_name)). Unique per project.
      - When O(id) is given, the pool is renamed to O(name) if its name differs.
      - Checked before any call. The source gives it a length of 1 to 102400 characters and no pattern; the module
        also refuses control characters and C(/). An empty name never creates anything.
    type: str
    required: true
  id:
    description:
      - The guid of an existing pool. Selects the pool by id instead of by name, which makes O(name) updatable.
      - With O(state=present), a pool with this id must exist.
      - Sent as one encoded URL path segment; an id that is empty, C(.), C(..), or holds C(/) or control characters
        fails before any call.
    type: str
  state:
    description:
      - V(present) creates or updates the pool, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  type:
    description:
      - Type of the pool (C(cluster_type)). Required to create a pool.
      - V(dedicate) uses a CCE cluster (O(cluster_id)), V(shared) uses a CCI namespace (O(cluster_id),
        O(namespace_id)), V(cromwell) is a Cromwell environment (O(cromwell), O(bucket_name)).
      - The API reports dedicated pools as C(CCE) and shared pools as C(CCI); both spellings are understood.
      - Cannot be changed.
    type: str
    choices: [dedicate, shared, cromwell]
  cluster_id:
    description:
      - The CCE cluster id (V(dedicate)) or the CCI namespace name (V(shared)). Cannot be changed.
      - Required for a V(dedicate) pool (checked before any call), because a dedicated pool runs on that CCE cluster.
      - Optional for a V(shared) pool, as table 4-8 of the source says (every create field is optional there).
    type: str
  namespace_id:
    description:
      - Id of the CCI namespace (V(shared) pools). Cannot be changed.
    type: str
  description:
    description:
      - Description of the pool. Updatable. Not compared when not set.
    type: str
  bucket_name:
    description:
      - OBS bucket of a Cromwell pool. Cannot be changed.
      - Required to create a V(cromwell) pool (checked before any write).
    type: str
  cromwell:
    description:
      - Parameters of the Cromwell workload (C(extend_parameter.create_cromwell_param)); only with O(type=cromwell).
      - Required for a V(cromwell) pool (checked before any call). The source contradicts itself here, since
        table 4-8 marks C(extend_parameter) optional while its description calls these parameters the ones a
        Cromwell pool needs. The module requires at least one of them and lets the API judge which.
      - They are used when the pool is created. The API reports back only C(cromwell_type), C(rds_instance_id) and
        the database name, so only those three are compared with an existing pool (a difference fails, or
        recreates the pool with O(recreate=true)); the others are create-only.
    type: dict
    suboptions:
      cpu:
        description: CPU request of the Cromwell workload, for example V(2).
        type: str
      memory:
        description: Memory request of the Cromwell workload, for example V(4Gi).
        type: str
      replicas:
        description: Replicas of the Cromwell workload.
        type: int
      image:
        description: Cromwell image address.
        type: str
      cromwell_type:
        description: Type of the Cromwell pool (whether executions run on CCI or CCE).
        type: str
      database_name:
        description: Name of the Cromwell database.
        type: str
      database_url:
        description: URL of the Cromwell database (C(url)).
        type: str
      database_username:
        description: User name of the Cromwell database (C(username)).
        type: str
      database_password:
        description:
          - Password of the Cromwell database (C(password)). Sent only when the pool is created;
            never logged, returned, compared nor shown in a diff.
        type: str
      rds_instance_id:
        description: Id of the RDS instance that holds the database.
        type: str
      rds_name:
        description: Name of the RDS instance.
        type: str
      iam_address:
        description: IAM address used by the Cromwell environment.
        type: str
      k8s_address:
        description: Kubernetes API address used by the Cromwell environment.
        type: str
      region:
        description: Region of the Cromwell environment.
        type: str
      pvc:
        description: Name of the PVC of the workload.
        type: str
      pvc_path:
        description: Directory in the PVC.
        type: str
      root:
        description: Root directory of the workload.
        type: str
      storage_path:
        description: Storage directory of the workload.
        type: str
      job_shell:
        description: Shell of the workload.
        type: str
      open_auto_gc:
        description: Whether finished pods are garbage-collected automatically.
        type: bool
  recreate:
    description:
      - When a field that cannot change differs, delete the pool (waiting for the delete to finish) and create it
        again with the requested fields. Without it such a difference fails the task naming the fields.
      - Executions that ran in the pool are not moved.
    type: bool
    default: false
  wait:
    description:
      - With O(state=absent), wait until the asynchronous delete has finished (the pool is gone).
        A pool whose delete was already started elsewhere is only waited for (C(changed=false)).
      - O(recreate=true) always waits for the delete, because the new pool takes the same name.
      - With O(state=present), a pool that is being deleted keeps its name until it is gone; the module waits for
        that and then creates the pool anew.
      - After a create, wait until the pool is ready. The source lists no pool statuses, so C(Running), C(Available),
        C(Active), C(Ready) and C(Normal) count as ready, C(Failed), C(Error), C(Abnormal) (and similar) as failed,
        and any other value as not ready yet; a timeout or failure names the status.
      - Never waits in check mode.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait for a delete, or for a new pool to be ready.
    type: int
    default: 600
notes:
  - BCE pools are project-scoped; the project comes from O(project_id) (or the project-scoped token).
  - "Not found: every pool call lists only 200/201, 400 and 500 (the 404 is in the generic appendix). A 404, or a
    400 to the GET of one pool by id, means the pool does not exist; a refused delete is decided by reading the
    pool back. The wording of an error message is never used. A delete that succeeded never fails the task."
seealso:
  - module: fleetops.cloud.bce_pool_info
  - module: fleetops.cloud.bce_wdl_execution
'''

EXAMPLES = r'''
# Credentials, region and endpoints come from the HW_* environment (docs/auth.md); to set them per play
# instead, use module_defaults with the group/fleetops.cloud.cloud action group.
- name: A dedicated pool on a CCE cluster
  fleetops.cloud.bce_pool:
    name: genomics-dedicated
    type: dedicate
    cluster_id: 5e1c8ab0-4f6b-11ee-9c3e-0255ac100b03
    description: Nightly alignment jobs

- name: A Cromwell pool (the database password is never returned)
  fleetops.cloud.bce_pool:
    name: genomics-cromwell
    type: cromwell
    bucket_name: genomics-results
    cromwell:
      cpu: "2"
      memory: 4Gi
      replicas: 1
      cromwell_type: cci
      database_name: cromwell
      database_url: jdbc:mysql://192.168.0.10:3306/cromwell
      database_username: cromwell
      database_password: "{{ vault_cromwell_db_password }}"
      rds_instance_id: 2f0c7e0cb9d44ea0a5f3bd3b0e6a3c9ain01

- name: Change a type that cannot change, replacing the pool
  fleetops.cloud.bce_pool:
    name: genomics-dedicated
    type: shared
    cluster_id: genomics-ns
    recreate: true

- name: Delete a pool and wait until it is gone
  fleetops.cloud.bce_pool:
    name: genomics-dedicated
    state: absent
    wait_timeout: 300
'''

RETURN = r'''
pool:
  description:
    - The pool after the task (the predicted pool in check mode); an empty dict when it does not exist.
    - The database password of a Cromwell pool is never returned.
  returned: always
  type: dict
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
      description: Name of the Kubernetes secret of the Cromwell environment (Cromwell pools); not the secret itself.
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
recreated:
  description: Whether the pool was deleted and created again because of O(recreate=true).
  returned: always
  type: bool
  sample: false
diff:
  description: The pool before and after, in diff mode.
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: The pool before the task (empty when it did not exist).
      type: dict
    after:
      description: The pool after the task (empty when it was deleted).
      type: dict
'''

from ansible_collections.fleetops.cloud.plugins.module_utils.base import FleetopsModule
from ansible_collections.fleetops.cloud.plugins.module_utils.bce import (
    BceApi, build_pool_body, predict_pool, pool_immutable_differences, validate_id, validate_name, validate_pool_type,
    wait_pool_ready)
from ansible_collections.fleetops.cloud.plugins.module_utils.waiter import WaitFailure, WaitTimeout

CROMWELL_SPEC = dict(
    cpu=dict(type="str"),
    memory=dict(type="str"),
    replicas=dict(type="int"),
    image=dict(type="str"),
    cromwell_type=dict(type="str"),
    database_name=dict(type="str"),
    database_url=dict(type="str"),
    database_username=dict(type="str"),
    database_password=dict(type="str", no_log=True),
    rds_instance_id=dict(type="str"),
    rds_name=dict(type="str"),
    iam_address=dict(type="str"),
    k8s_address=dict(type="str"),
    region=dict(type="str"),
    pvc=dict(type="str"),
    pvc_path=dict(type="str"),
    root=dict(type="str"),
    storage_path=dict(type="str"),
    job_shell=dict(type="str"),
    open_auto_gc=dict(type="bool"),
)

ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True),
    id=dict(type="str"),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    type=dict(type="str", choices=["dedicate", "shared", "cromwell"]),
    cluster_id=dict(type="str"),
    namespace_id=dict(type="str"),
    description=dict(type="str"),
    bucket_name=dict(type="str"),
    cromwell=dict(type="dict", options=CROMWELL_SPEC),
    recreate=dict(type="bool", default=False),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=600),
)

# Pool statuses of a pool whose delete has started (compared in lower case).
DELETING_STATUSES = ("deleting", "terminating")

# Pool statuses after which a delete is known to have failed.
DELETE_FAILURES = ("DeleteFailed", "Delete_Failed", "DELETE_FAILED", "Error")


def is_deleting(pool):
    """True when the pool's asynchronous delete has started."""
    return str(pool.get("status") or "").lower() in DELETING_STATUSES


def missing_create_options(params):
    """The options a create of a pool of ``params["type"]`` needs but that are unset or empty: a dedicated pool
    runs on a CCE cluster (cluster_id); a Cromwell pool keeps its workflows in an OBS bucket (bucket_name) and
    needs its workload parameters (cromwell). A shared pool needs nothing more (table 4-8)."""
    needed = {"dedicate": ("cluster_id",), "cromwell": ("bucket_name", "cromwell")}
    missing = []
    for option in needed.get(params["type"], ()):
        value = params.get(option)
        if option == "cromwell":
            value = dict((k, v) for k, v in (value or {}).items() if v is not None)
        if not value:
            missing.append(option)
    return missing


class BcePoolModule(FleetopsModule):

    def __init__(self):
        super(BcePoolModule, self).__init__(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
        self.api = BceApi(self.client)

    def secrets(self):
        """The auth secrets plus the Cromwell database password: scrubbed from every result and message."""
        found = super(BcePoolModule, self).secrets()
        password = (self.params.get("cromwell") or {}).get("database_password")
        if password:
            found.append(password)
        return found

    def run(self):
        params = self.params
        self.validate()
        current = self.find()
        if params["state"] == "absent":
            self.absent(current)
        else:
            self.present(current)

    def validate(self):
        params = self.params
        validate_name(params["name"], "pool name")
        if params["id"] is not None:
            validate_id(params["id"], "pool id")
        validate_pool_type(params["type"])
        cromwell_values = dict((k, v) for k, v in (params["cromwell"] or {}).items() if v is not None)
        if cromwell_values and params["type"] not in (None, "cromwell"):
            self.fail("The cromwell options only apply to pools of type cromwell, not %s." % params["type"])
        if params["wait_timeout"] < 0:
            self.fail("wait_timeout must be zero or more seconds.")
        if params["state"] == "present" and params["type"] is not None:
            # What the type needs is required before any call, whether the pool exists or not.
            self.check_create_options()

    def find(self):
        if self.params["id"]:
            return self.api.get_pool(self.params["id"])
        return self.api.find_pool(self.params["name"])

    def desired_body(self):
        p = self.params
        return build_pool_body(p["name"], p["type"], cluster_id=p["cluster_id"], namespace_id=p["namespace_id"],
                               description=p["description"], bucket_name=p["bucket_name"], cromwell=p["cromwell"])

    # ---- absent ---------------------------------------------------------------------------------------------

    def absent(self, current):
        if current is None:
            self.exit(changed=False, before={}, after={}, pool={}, recreated=False)
        if is_deleting(current):
            # Someone (maybe an earlier run with wait=false) already started the delete: only wait for it.
            if self.params["wait"] and not self.check_mode:
                self.wait_gone(current)
            self.exit(changed=False, before=current, after={}, pool={}, recreated=False)
        if not self.check_mode:
            self.delete_and_wait(current)
        self.exit(changed=True, before=current, after={}, pool={}, recreated=False)

    def delete_and_wait(self, current, force_wait=False):
        self.api.delete_pool(current["guid"])
        if self.params["wait"] or force_wait:
            self.wait_gone(current)

    def wait_gone(self, current):
        """Wait until the asynchronous delete of ``current`` has finished (the pool is gone)."""
        guid = current["guid"]
        timeout = self.params["wait_timeout"]
        try:
            self.wait(lambda: self.api.get_pool(guid), lambda pool: pool.get("status"), targets=[None],
                      failures=DELETE_FAILURES, timeout=timeout, delay=1, max_delay=10)
        except WaitTimeout as exc:
            self.fail("Timed out after %s seconds waiting for pool %s (%s) to be deleted; last status %s."
                      % (timeout, current.get("cluster_name"), guid, exc.status), pool=exc.last or current,
                      status_history=exc.history)
        except WaitFailure as exc:
            self.fail("The delete of pool %s (%s) failed: status %s." % (current.get("cluster_name"), guid, exc.status),
                      pool=exc.last or current, status_history=exc.history)

    # ---- present --------------------------------------------------------------------------------------------

    def present(self, current):
        p = self.params
        if current is not None and is_deleting(current):
            # A pool being deleted keeps its name until it is gone: wait for that, then create the pool anew.
            if p["id"]:
                self.fail("Pool %s is being deleted; it cannot be updated." % p["id"], pool=current)
            if not self.check_mode:
                self.wait_gone(current)
            current = None
        if current is None:
            if p["id"]:
                self.fail("No pool with id %s exists in this project; leave out id to create a pool." % p["id"])
            pool = self.create()
            self.exit(changed=True, before={}, after=pool, pool=pool, recreated=False)

        immutable = pool_immutable_differences(p, current)
        if immutable:
            if not p["recreate"]:
                self.fail("Pool %s: %s cannot be changed (the API only updates name and description). Set "
                          "recreate=true to delete the pool and create it again."
                          % (current.get("cluster_name"), ", ".join(immutable)),
                          fields=immutable, pool=current)
            if p["type"] is None:
                self.fail("recreate=true needs type to create the pool again.")
            self.check_create_options()
            if not self.check_mode:
                # The new pool takes the same name: always wait until the old one is gone.
                self.delete_and_wait(current, force_wait=True)
            pool = self.create()
            self.exit(changed=True, before=current, after=pool, pool=pool, recreated=True)

        update = {}
        if p["id"] and current.get("cluster_name") != p["name"]:
            update["name"] = p["name"]
        if p["description"] is not None and (current.get("description") or "") != p["description"]:
            update["description"] = p["description"]
        if not update:
            self.exit(changed=False, before=current, after=current, pool=current, recreated=False)
        if self.check_mode:
            predicted = dict(current)
            predicted.update((("cluster_name" if k == "name" else k), v) for k, v in update.items())
            self.exit(changed=True, before=current, after=predicted, pool=predicted, recreated=False)
        self.api.update_pool(current["guid"], name=update.get("name"), description=update.get("description"))
        pool = self.api.get_pool(current["guid"])
        if pool is None:
            self.fail("Pool %s disappeared right after its update." % current["guid"])
        self.exit(changed=True, before=current, after=pool, pool=pool, recreated=False)

    def check_create_options(self):
        """Fail, before any write, when an option the pool's type needs to be created is missing."""
        missing = missing_create_options(self.params)
        if missing:
            self.fail("A %s pool needs %s to be created (pool %s)." % (self.params["type"], " and ".join(missing), self.params["name"]))

    def create(self):
        p = self.params
        if p["type"] is None:
            self.fail("Pool %s does not exist: type is required to create it." % p["name"])
        self.check_create_options()
        body = self.desired_body()
        if self.check_mode:
            return predict_pool(body)
        created, found = self.create_or_find(lambda: self.api.create_pool(body), lambda: self.api.find_pool(p["name"]))
        if found is not None:
            return found
        guid = (created or {}).get("guid")
        pool = self.api.get_pool(guid) if guid else self.api.find_pool(p["name"])
        pool = pool or created
        if p["wait"] and pool and pool.get("guid"):
            pool = self.wait_ready(pool)
        return pool

    def wait_ready(self, pool):
        """Wait until a new pool is ready; any status not known as ready or failed is "not ready yet"."""
        guid = pool["guid"]
        timeout = self.params["wait_timeout"]
        try:
            return wait_pool_ready(self.wait, self.api, pool, timeout)
        except WaitTimeout as exc:
            last = exc.last or pool
            self.fail("Pool %s (%s) was created but is not ready after %s seconds: its status is %r."
                      % (pool.get("cluster_name"), guid, timeout, last.get("status")), changed=True, pool=last,
                      status_history=exc.history)
        except WaitFailure as exc:
            last = exc.last or {}
            self.fail("Pool %s (%s) was created but %s." % (
                pool.get("cluster_name"), guid,
                "reached the status %r" % last.get("status") if exc.last else "disappeared while waiting for it"),
                changed=True, pool=last, status_history=exc.history)


def main():
    BcePoolModule().execute()


if __name__ == "__main__":
    main()

# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Emulated Huawei Cloud BCE (Batch Container Engine): resource pools and WDL executions.

What it emulates (paths after ``<base>/bce``, all under ``/v1/{project_id}``, project-scoped auth):

* ``GET /clusters`` -- ``cluster_type`` filter, ``limit``/``offset`` paging (offset = number of pools
  skipped), answers ``{clusters: [Pool], total}`` (``total`` counts the filtered pools before paging).
* ``POST /clusters`` -- 201 Pool.  ``cluster_type`` must be ``cromwell``, ``shared`` or ``dedicate``.
  Required fields per type: every type needs ``cluster_name``; ``dedicate`` needs ``cluster_id`` (the CCE
  cluster id; a ``shared`` pool may leave it out, table 4-8); ``cromwell`` needs ``bucket_name`` and
  ``extend_parameter.create_cromwell_param`` with ``username``, ``password`` and ``url`` or
  ``rds_instance_id``.  Pool names are unique in the project (a pool being deleted keeps its name until it
  is gone).  The database password is never stored nor returned: the pool only records that one was given.
* ``GET /clusters/{id}`` -- 200 Pool, 404 when unknown (400 under ``bce_not_found_400``, for every unknown
  pool or execution, batch entries included).
* Pool status: ``Running`` at once; under ``bce_pool_status_unknown`` ``Installing`` for ``POOL_INSTALL_DELAY``
  seconds, then ``Available`` (the source documents no values); a submission to a pool that is not ready yet
  answers 400 ``BCE.00020002``.
* ``PUT /clusters/{id}`` -- only ``cluster_name`` and ``description``; 200 ``{cluster_name, description, guid}``.
* ``DELETE /clusters/{id}`` -- 200 ``text/plain`` ``Starting to delete cluster``; the pool shows status
  ``Deleting`` and disappears ``POOL_DELETE_DELAY`` seconds later.  Deleting it again while it is being
  deleted answers the same 200 (the delay is not restarted).  Removal is lazy: ``GET /_emulator/state`` keeps
  showing the pool (status ``Deleting``) until the next BCE call after the delay.
* ``GET /executions-extend`` -- filters ``guid`` and ``name`` (substring), ``status``, ``workflow_id``,
  ``workflow_name``, ``target``; ``limit``/``offset``; newest first; ``{executions: [..], total_num}``.
* ``POST /executions-extend`` -- multipart/form-data: field ``parameters`` (JSON: ``env_name`` required, the
  name or guid of a cromwell pool that is not being deleted; ``workflow_id``, ``workflow_source``,
  ``workflow_inputs``, ``workflow_options``, ``workflow_depends`` as OBS URLs).  ``workflow_name`` is the WDL
  ``workflow`` of an uploaded source, or the file name (without ``.wdl``) of a source URL.  The execution is named
  after the workflow (emulator extension: an optional ``name`` in ``parameters``, which no module sends); under
  ``bce_exec_server_names`` the server names it ``<workflow>-<8 hex>`` and ignores any ``name`` and optional file parts ``workflow_source``,
  ``workflow_inputs``, ``workflow_options``, ``workflow_depends``.  A workflow source (file or URL) is
  required.  The file name, size and sha256 of every uploaded part are recorded in
  ``state.data["bce"]["uploads"][<execution id>]`` (visible in ``GET /_emulator/state``).  201
  ``{id, message, status: "Submitted"}``.
* ``GET /executions-extend/{id}`` -- 200 ``{enterprise_project, execution, status}``; 404 when unknown.
* ``POST /executions-extend/{id}/stop`` -- Submitted/Running -> ``Aborting`` -> ``Aborted``; 200
  ``{id, message, status}``; stopping an ``Aborting`` one answers 200 again; a finished one (Succeeded,
  Failed, Aborted) -> 400 ``BCE.00020005``.
* ``DELETE /executions-extend/{id}`` -- 204, 404 when unknown.
* ``DELETE /executions-extend`` -- body ``{execution_ids: [..], clean_data}``; 200
  ``{executions: [{id, error}]}`` where ``error`` is ``null`` for a deleted execution and a BCE error object
  (``BCE.00020004``) for an unknown id: partial success.

Execution life cycle (seconds of emulated time, i.e. wall time multiplied by ``--speed``):
``Submitted`` for ``EXEC_SUBMITTED`` s, then ``Running`` for ``EXEC_RUNNING`` s (``finished_node_number``
grows with time), then ``Succeeded`` or ``Failed``.  ``Aborting`` lasts ``EXEC_ABORTING`` s.

Failure triggers (documented, deterministic): the execution ends ``Failed`` when the workflow inputs JSON
(uploaded file) holds a key ``fleetops.fail`` (or a key ending in ``.fleetops.fail``) set to ``true``, or when
the workflow source (uploaded file or URL) contains ``FLEETOPS_FAIL``.  The failing task is the one named by an
inputs key ``fleetops.fail_task`` if given, otherwise the last ``call`` of the WDL source; it is reported in
``status.actual_node_status`` with status ``Failed``.

Error codes: the BCE reference documents status codes (400 invalid request, 404, 409, 500) but no error codes,
so the emulator uses its own, in the documented body ``{error_code, error_msg, extend, show_detail}``:

=============  ======  =========================================================
code           status  meaning
=============  ======  =========================================================
BCE.00010001   400     invalid pool request (type, required field, paging, body)
BCE.00010002   400     a pool with this name already exists
BCE.00010003   400     a field other than cluster_name / description in an update
BCE.00010004   404     pool not found
BCE.00010005   400     pool is being deleted (update)
BCE.00020001   400     invalid execution request (parameters, JSON, files)
BCE.00020002   400     ``env_name`` names no usable cromwell pool
BCE.00020004   404     execution not found
BCE.00020005   400     execution already finished, cannot be stopped
=============  ======  =========================================================
"""

import hashlib
import json
import re
import time

import readings
from core import bce_error

# Readings (see readings.py and docs/emulator.md): where the source leaves room, the alternative behind a switch.
SERVER_NAMES = readings.declare(
    "bce_exec_server_names", "bce", "§4.2.2 table 4-39",
    "the submission has no name field: the server names every execution itself (<workflow>-<8 hex>), unique per run")
NOT_FOUND_400 = readings.declare(
    "bce_not_found_400", "bce", "§4.1.3-4.1.5, §4.2.3-4.2.6 status codes",
    "every operation lists only 200/201/400/500: an unknown pool or execution answers 400 (the generic invalid "
    "request code) instead of the appendix's 404")
POOL_STATUS_UNKNOWN = readings.declare(
    "bce_pool_status_unknown", "bce", "§4.1.1 table 4-4 status",
    "the pool status has no documented values: a new pool reports undocumented statuses (Installing for "
    "POOL_INSTALL_DELAY s, then Available) instead of Running at once")

POOL_INSTALL_DELAY = 10.0

POOL_DELETE_DELAY = 2.0
EXEC_SUBMITTED = 1.0
EXEC_RUNNING = 3.0
EXEC_ABORTING = 1.0

POOL_TYPES = ("cromwell", "shared", "dedicate")
EXEC_STATUSES = ("Submitted", "Running", "Aborting", "Failed", "Succeeded", "Aborted")
FINISHED = ("Failed", "Succeeded", "Aborted")
FILE_PARTS = ("workflow_source", "workflow_inputs", "workflow_options", "workflow_depends")
POOL_UPDATABLE = ("cluster_name", "description")


def _ts(when):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when))


def _data(state):
    bce = state.data.setdefault("bce", {})
    bce.setdefault("pools", {})
    bce.setdefault("executions", {})
    bce.setdefault("uploads", {})
    bce.setdefault("seq", 0)
    return bce


def _next_seq(bce):
    bce["seq"] = bce.get("seq", 0) + 1
    return bce["seq"]


def _paging(req, code):
    values = {}
    for name, minimum in (("limit", 1), ("offset", 0)):
        raw = req.q(name)
        if raw is None or raw == "":
            values[name] = None
            continue
        try:
            value = int(raw)
        except ValueError:
            raise bce_error(400, code, "%s must be an integer, got %r" % (name, raw))
        if value < minimum:
            raise bce_error(400, code, "%s must be >= %d" % (name, minimum))
        values[name] = value
    return values["limit"], values["offset"] or 0


def _page(items, limit, offset):
    items = items[offset:]
    if limit is not None:
        items = items[:limit]
    return items


# ---------------------------------------------------------------------------------------------- pools

def _tick_pools(state, bce):
    for guid in list(bce["pools"]):
        pool = bce["pools"][guid]
        if pool.get("_deleted_at") is not None and state.elapsed(pool["_deleted_at"]) >= POOL_DELETE_DELAY:
            del bce["pools"][guid]


def _public_pool(pool):
    return dict((k, v) for k, v in pool.items() if not k.startswith("_"))


def _not_found(state, code, msg, invalid_code):
    """The error of an unknown pool/execution: 404 (default) or, under bce_not_found_400, a 400 with the generic
    invalid-request code, so that only the status (not a code) could tell it apart."""
    if state.reading(NOT_FOUND_400):
        return bce_error(400, invalid_code, msg)
    return bce_error(404, code, msg)


def _find_pool(bce, guid, state=None):
    pool = bce["pools"].get(guid)
    if pool is None:
        if state is not None:
            raise _not_found(state, "BCE.00010004", "resource pool %s does not exist" % guid, "BCE.00010001")
        raise bce_error(404, "BCE.00010004", "resource pool %s not found" % guid)
    return pool


def _pool_status(state, pool):
    """The status a pool shows now (the install phase of bce_pool_status_unknown is played here)."""
    if pool.get("_deleted_at") is not None or not pool.get("_unknown_statuses"):
        return pool["status"]
    if state.elapsed(pool["_created"]) < POOL_INSTALL_DELAY:
        return "Installing"
    # Installed: latched, so that a later change of --speed never sends the pool back to "Installing".
    pool["_unknown_statuses"] = False
    pool["status"] = "Available"
    return "Available"


def _shown_pool(state, pool):
    shown = _public_pool(pool)
    shown["status"] = _pool_status(state, pool)
    return shown


def _pool_by_name(bce, name):
    for pool in bce["pools"].values():
        if pool["cluster_name"] == name:
            return pool
    return None


def _require_str(body, name, code, where="body"):
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise bce_error(400, code, "%s is required in the %s and must be a non-empty string" % (name, where))
    return value


def _optional_str(body, name, code):
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise bce_error(400, code, "%s must be a string" % name)
    return value


def pools_list(req):
    state = req.state
    bce = _data(state)
    _tick_pools(state, bce)
    ctype = req.q("cluster_type")
    if ctype and ctype not in POOL_TYPES:
        raise bce_error(400, "BCE.00010001", "cluster_type must be one of %s" % ", ".join(POOL_TYPES))
    limit, offset = _paging(req, "BCE.00010001")
    pools = sorted(bce["pools"].values(), key=lambda p: p["_seq"])
    if ctype:
        pools = [p for p in pools if p["cluster_type"] == ctype]
    return 200, {"clusters": [_shown_pool(state, p) for p in _page(pools, limit, offset)], "total": len(pools)}


def _validate_pool(body):
    code = "BCE.00010001"
    name = _require_str(body, "cluster_name", code)
    ctype = body.get("cluster_type")
    if ctype not in POOL_TYPES:
        raise bce_error(400, code, "cluster_type must be one of %s, got %r" % (", ".join(POOL_TYPES), ctype))
    for field in ("cluster_id", "namespace_id", "description", "bucket_name", "project_id"):
        _optional_str(body, field, code)
    if ctype == "dedicate":
        # A shared (CCI) pool may leave cluster_id out (table 4-8: optional); a dedicated one names its CCE cluster.
        _require_str(body, "cluster_id", code)
    extend = body.get("extend_parameter")
    if extend is not None and not isinstance(extend, dict):
        raise bce_error(400, code, "extend_parameter must be an object")
    param = None
    if ctype == "cromwell":
        _require_str(body, "bucket_name", code)
        param = (extend or {}).get("create_cromwell_param")
        if not isinstance(param, dict):
            raise bce_error(400, code, "extend_parameter.create_cromwell_param is required for a cromwell pool")
        for field in ("username", "password"):
            _require_str(param, field, code, "create_cromwell_param")
        if not param.get("url") and not param.get("rds_instance_id"):
            raise bce_error(400, code, "create_cromwell_param needs url or rds_instance_id")
        replicas = param.get("replicas")
        if replicas is not None and (not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 1):
            raise bce_error(400, code, "create_cromwell_param.replicas must be an integer >= 1")
        if param.get("open_auto_gc") is not None and not isinstance(param.get("open_auto_gc"), bool):
            raise bce_error(400, code, "create_cromwell_param.open_auto_gc must be a boolean")
    return name, ctype, param


def pools_create(req):
    state = req.state
    bce = _data(state)
    _tick_pools(state, bce)
    body = req.json()
    if not isinstance(body, dict):
        raise bce_error(400, "BCE.00010001", "the request body must be a JSON object")
    name, ctype, param = _validate_pool(body)
    if _pool_by_name(bce, name) is not None:
        raise bce_error(400, "BCE.00010002", "resource pool name %s already exists" % name)
    guid = state.new_id()
    now = state.now()
    pool = {
        "guid": guid,
        "cluster_name": name,
        "cluster_type": ctype,
        "cluster_id": body.get("cluster_id") or "",
        "namespace_id": body.get("namespace_id") or "",
        "description": body.get("description") or "",
        "status": "Running",
        "create_at": _ts(now),
        "update_at": _ts(now),
        "domain_id": state.domain_id,
        "project_id": req.params["project_id"],
        "_seq": _next_seq(bce),
        "_deleted_at": None,
        "_created": now,
        "_unknown_statuses": state.reading(POOL_STATUS_UNKNOWN),
    }
    if ctype == "cromwell":
        detail = dict((k, v) for k, v in param.items() if k != "password")
        short = guid.split("-")[0]
        pool.update({
            "bucket_name": body["bucket_name"],
            "cromwell_deployment": "cromwell-%s" % short,
            "cromwell_detail": json.dumps(detail, sort_keys=True),
            "cromwell_secret": "cromwell-secret-%s" % short,
            "cromwell_type": param.get("cromwell_type") or "cce",
            "environment_error": "",
            "rds_database_name": param.get("database_name") or "",
            "rds_instance_id": param.get("rds_instance_id") or "",
            "_password_given": True,
        })
    else:
        pool["info"] = json.dumps({"cluster_id": pool["cluster_id"], "namespace_id": pool["namespace_id"],
                                   "cluster_type": ctype}, sort_keys=True)
    bce["pools"][guid] = pool
    return 201, _shown_pool(state, pool)


def pools_get(req):
    bce = _data(req.state)
    _tick_pools(req.state, bce)
    return 200, _shown_pool(req.state, _find_pool(bce, req.params["id"], req.state))


def pools_update(req):
    state = req.state
    bce = _data(state)
    _tick_pools(state, bce)
    pool = _find_pool(bce, req.params["id"], state)
    body = req.json()
    if not isinstance(body, dict):
        raise bce_error(400, "BCE.00010001", "the request body must be a JSON object")
    extra = sorted(set(body) - set(POOL_UPDATABLE))
    if extra:
        raise bce_error(400, "BCE.00010003", "only cluster_name and description can be updated, not %s"
                        % ", ".join(extra))
    if pool.get("_deleted_at") is not None:
        raise bce_error(400, "BCE.00010005", "resource pool %s is being deleted" % pool["guid"])
    if "cluster_name" in body:
        name = _require_str(body, "cluster_name", "BCE.00010001")
        other = _pool_by_name(bce, name)
        if other is not None and other["guid"] != pool["guid"]:
            raise bce_error(400, "BCE.00010002", "resource pool name %s already exists" % name)
        pool["cluster_name"] = name
    if "description" in body:
        pool["description"] = _optional_str(body, "description", "BCE.00010001") or ""
    pool["update_at"] = _ts(state.now())
    return 200, {"cluster_name": pool["cluster_name"], "description": pool["description"], "guid": pool["guid"]}


def pools_delete(req):
    state = req.state
    bce = _data(state)
    _tick_pools(state, bce)
    pool = _find_pool(bce, req.params["id"], state)
    if pool.get("_deleted_at") is None:
        pool["_deleted_at"] = state.now()
        pool["status"] = "Deleting"
        pool["update_at"] = _ts(state.now())
    return 200, "Starting to delete cluster"


# ----------------------------------------------------------------------------------------- executions

def _exec_view(state, ex):
    """Compute status, counters and the node status of an execution at this moment."""
    node_number = len(ex["_tasks"])
    stopped_at = ex.get("_stop_at")
    if stopped_at is not None:
        since_stop = state.elapsed(stopped_at)
        status = "Aborting" if since_stop < EXEC_ABORTING else "Aborted"
        run_elapsed = ex["_elapsed_at_stop"]
    else:
        run_elapsed = state.elapsed(ex["_t0"])
        if run_elapsed < EXEC_SUBMITTED:
            status = "Submitted"
        elif run_elapsed < EXEC_SUBMITTED + EXEC_RUNNING:
            status = "Running"
        else:
            status = "Failed" if ex["_fail_task"] else "Succeeded"
    running = max(0.0, min(run_elapsed - EXEC_SUBMITTED, EXEC_RUNNING))
    if status == "Succeeded":
        finished = node_number
    elif status == "Failed":
        finished = ex["_tasks"].index(ex["_fail_task"])
    else:
        finished = min(node_number - 1, int(node_number * running / EXEC_RUNNING))
    if status == "Failed":
        task, task_status = ex["_fail_task"], "Failed"
    elif status == "Succeeded":
        task, task_status = ex["_tasks"][-1], "Succeeded"
    elif status == "Submitted":
        task, task_status = ex["_tasks"][0], "Submitted"
    else:
        task = ex["_tasks"][min(finished, node_number - 1)]
        task_status = {"Running": "Running", "Aborting": "Aborting", "Aborted": "Aborted"}[status]
    duration = int(running)
    done = 1 if task_status in ("Succeeded", "Failed", "Aborted") else 0
    resources = {"cpu": round(0.5 * done + 0.25, 2), "memory": round(512.0 * done + 128.0, 2), "time_ratio": 1.0}
    node_status = {
        "name": task,
        "status": task_status,
        "sub_job_num": 1,
        "finished_sub_job_num": done,
        "time_duration": duration,
        "resources": resources,
        "sub_job_status": {"name": "%s-0" % task, "status": task_status, "actual_running_time": duration,
                           "time_duration": duration, "resources": resources},
    }
    return status, {"node_number": node_number, "finished_node_number": finished, "actual_node_status": node_status}


def _exec_body(state, ex):
    status, exec_status = _exec_view(state, ex)
    execution = dict((k, v) for k, v in ex.items() if not k.startswith("_"))
    execution["status"] = status
    execution["task_status"] = status
    execution["node_number"] = exec_status["node_number"]
    execution["time_duration"] = exec_status["actual_node_status"]["time_duration"]
    if status == "Succeeded":
        execution["outputs_json"] = json.dumps({"%s.result" % ex["workflow_name"]: "ok"})
    enterprise = {"id": "0", "name": "default", "description": "default enterprise project", "status": 1,
                  "create_at": ex["create_at"], "update_at": ex["create_at"]}
    return {"enterprise_project": enterprise, "execution": execution, "status": exec_status}


def _find_exec(bce, exec_id, state):
    ex = bce["executions"].get(exec_id)
    if ex is None:
        raise _not_found(state, "BCE.00020004", "WDL execution %s does not exist" % exec_id, "BCE.00020001")
    return ex


def executions_list(req):
    state = req.state
    bce = _data(state)
    status_filter = req.q("status")
    if status_filter and status_filter not in EXEC_STATUSES:
        raise bce_error(400, "BCE.00020001", "status must be one of %s" % ", ".join(EXEC_STATUSES))
    limit, offset = _paging(req, "BCE.00020001")
    items = []
    for ex in sorted(bce["executions"].values(), key=lambda e: e["_seq"], reverse=True):
        body = _exec_body(state, ex)
        execution = body["execution"]
        if req.q("guid") and req.q("guid") not in execution["guid"]:
            continue
        if req.q("name") and req.q("name") not in execution["name"]:
            continue
        if status_filter and execution["status"] != status_filter:
            continue
        if req.q("workflow_id") and execution["workflow_id"] != req.q("workflow_id"):
            continue
        if req.q("workflow_name") and execution["workflow_name"] != req.q("workflow_name"):
            continue
        if req.q("target") and execution["target"] != req.q("target"):
            continue
        items.append(body)
    return 200, {"executions": _page(items, limit, offset), "total_num": len(items)}


def _inputs_fail(inputs):
    """(fail?, task name or None) from a parsed workflow inputs object."""
    if not isinstance(inputs, dict):
        return False, None
    fail = any(v is True and (k == "fleetops.fail" or k.endswith(".fleetops.fail")) for k, v in inputs.items())
    task = None
    for key, value in inputs.items():
        if (key == "fleetops.fail_task" or key.endswith(".fleetops.fail_task")) and isinstance(value, str):
            task = value
    return fail, task


def executions_create(req):
    state = req.state
    bce = _data(state)
    _tick_pools(state, bce)
    code = "BCE.00020001"
    parts = req.multipart()
    if "parameters" not in parts:
        raise bce_error(400, code, "the form field parameters is required")
    try:
        params = json.loads(parts["parameters"]["content"].decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise bce_error(400, code, "the form field parameters is not valid JSON")
    if not isinstance(params, dict):
        raise bce_error(400, code, "the form field parameters must be a JSON object")
    env_name = _require_str(params, "env_name", code, "parameters")
    for field in ("workflow_id", "name") + FILE_PARTS:
        _optional_str(params, field, code)
    pool = _pool_by_name(bce, env_name) or bce["pools"].get(env_name)
    if pool is None or pool.get("_deleted_at") is not None:
        raise bce_error(400, "BCE.00020002", "cromwell environment %s does not exist" % env_name)
    if pool["cluster_type"] != "cromwell":
        raise bce_error(400, "BCE.00020002", "resource pool %s is not a cromwell environment" % env_name)
    if _pool_status(state, pool) == "Installing":
        raise bce_error(400, "BCE.00020002", "cromwell environment %s is not ready (%s)"
                        % (env_name, _pool_status(state, pool)))
    unknown_parts = sorted(set(parts) - set(("parameters",) + FILE_PARTS))
    if unknown_parts:
        raise bce_error(400, code, "unexpected form fields: %s" % ", ".join(unknown_parts))
    uploads = {}
    for name in FILE_PARTS:
        if name in parts:
            content = parts[name]["content"]
            uploads[name] = {"filename": parts[name].get("filename"), "size": len(content),
                             "sha256": hashlib.sha256(content).hexdigest()}
    source_file = parts.get("workflow_source")
    source_url = params.get("workflow_source")
    if source_file is None and not source_url:
        raise bce_error(400, code, "workflow_source is required, as a file part or an OBS URL in parameters")
    source_text = ""
    if source_file is not None:
        try:
            source_text = source_file["content"].decode("utf-8")
        except UnicodeDecodeError:
            raise bce_error(400, code, "workflow_source is not UTF-8 text")
    inputs = None
    inputs_text = "{}"
    if "workflow_inputs" in parts:
        try:
            inputs_text = parts["workflow_inputs"]["content"].decode("utf-8")
            inputs = json.loads(inputs_text)
        except (ValueError, UnicodeDecodeError):
            raise bce_error(400, code, "workflow_inputs is not valid JSON")
        if not isinstance(inputs, dict):
            raise bce_error(400, code, "workflow_inputs must be a JSON object")
    elif params.get("workflow_inputs"):
        inputs_text = params["workflow_inputs"]
    tasks = []
    for match in re.finditer(r"(?m)^\s*call\s+([A-Za-z_][\w.]*)", source_text):
        if match.group(1) not in tasks:
            tasks.append(match.group(1))
    if not tasks:
        tasks = ["task_1"]
    wf_match = re.search(r"(?m)^\s*workflow\s+([A-Za-z_]\w*)", source_text)
    # The emulator cannot read OBS: a workflow given as a URL is named after its file name without the extension.
    url_stem = re.sub(r"\.wdl$", "", (source_url or "").rsplit("/", 1)[-1]) if source_url else ""
    workflow_name = wf_match.group(1) if wf_match else (url_stem or params.get("workflow_id") or "workflow")
    fail, fail_task = _inputs_fail(inputs)
    if "FLEETOPS_FAIL" in source_text or "FLEETOPS_FAIL" in (source_url or ""):
        fail = True
    failing = None
    if fail:
        failing = fail_task if fail_task in tasks else tasks[-1]
    guid = state.new_id()
    now = state.now()
    wdl_name = (source_file or {}).get("filename") or (source_url or "").rsplit("/", 1)[-1] or "workflow.wdl"
    if state.reading(SERVER_NAMES):
        name = "%s-%s" % (workflow_name, guid.replace("-", "")[:8])
    else:
        name = params.get("name") or workflow_name
    ex = {
        "guid": guid,
        "name": name,
        "status": "Submitted",
        "task_status": "Submitted",
        "workflow_id": params.get("workflow_id") or "",
        "workflow_name": workflow_name,
        "wdl_name": wdl_name,
        "env_guid": pool["guid"],
        "engine_deployment": pool.get("cromwell_deployment", ""),
        "namespace": pool.get("cluster_id") or "bce-%s" % req.params["project_id"][:8],
        "cromwell_type": pool.get("cromwell_type", "cce"),
        "target": "cromwell",
        "inputs_json": inputs_text,
        "outputs_json": "{}",
        "metadata_json": json.dumps({"workflowName": workflow_name, "calls": tasks}),
        "node_number": len(tasks),
        "time_duration": 0,
        "resources": json.dumps({"cpu": 0.0, "memory": 0.0}),
        "tae_resources": json.dumps({"cpu": 0.0, "memory": 0.0}),
        "third_party_id": state.new_id(),
        "delete_json": "",
        "create_at": _ts(now),
        "update_at": _ts(now),
        "project_id": req.params["project_id"],
        "domain_id": state.domain_id,
        "image": "",
        "_seq": _next_seq(bce),
        "_t0": now,
        "_tasks": tasks,
        "_fail_task": failing,
        "_stop_at": None,
        "_elapsed_at_stop": None,
    }
    bce["executions"][guid] = ex
    bce["uploads"][guid] = uploads
    return 201, {"id": guid, "message": "Create execution successfully", "status": "Submitted"}


def executions_get(req):
    bce = _data(req.state)
    return 200, _exec_body(req.state, _find_exec(bce, req.params["execution_id"], req.state))


def executions_stop(req):
    state = req.state
    bce = _data(state)
    ex = _find_exec(bce, req.params["execution_id"], state)
    status = _exec_view(state, ex)[0]
    if status in FINISHED:
        raise bce_error(400, "BCE.00020005", "WDL execution %s is already %s and cannot be stopped"
                        % (ex["guid"], status))
    if status != "Aborting":
        ex["_elapsed_at_stop"] = state.elapsed(ex["_t0"])
        ex["_stop_at"] = state.now()
        ex["update_at"] = _ts(state.now())
    return 200, {"id": ex["guid"], "message": "Abort execution successfully", "status": "Aborting"}


def _delete_exec(bce, exec_id):
    del bce["executions"][exec_id]
    bce["uploads"].pop(exec_id, None)


def executions_delete(req):
    bce = _data(req.state)
    ex = _find_exec(bce, req.params["execution_id"], req.state)
    _delete_exec(bce, ex["guid"])
    return 204, None


def executions_batch_delete(req):
    bce = _data(req.state)
    body = req.json()
    code = "BCE.00020001"
    if not isinstance(body, dict):
        raise bce_error(400, code, "the request body must be a JSON object")
    ids = body.get("execution_ids")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise bce_error(400, code, "execution_ids must be a non-empty list of strings")
    if body.get("clean_data") is not None and not isinstance(body.get("clean_data"), bool):
        raise bce_error(400, code, "clean_data must be a boolean")
    results = []
    for exec_id in ids:
        if exec_id in bce["executions"]:
            _delete_exec(bce, exec_id)
            results.append({"id": exec_id, "error": None})
        else:
            error = _not_found(req.state, "BCE.00020004", "WDL execution %s does not exist" % exec_id,
                               "BCE.00020001").body
            results.append({"id": exec_id, "error": error})
    return 200, {"executions": results}


def register(router):
    base = "/v1/{project_id}"
    routes = (
        ("GET", "/clusters", pools_list),
        ("POST", "/clusters", pools_create),
        ("GET", "/clusters/{id}", pools_get),
        ("PUT", "/clusters/{id}", pools_update),
        ("DELETE", "/clusters/{id}", pools_delete),
        ("GET", "/executions-extend", executions_list),
        ("POST", "/executions-extend", executions_create),
        ("DELETE", "/executions-extend", executions_batch_delete),
        ("GET", "/executions-extend/{execution_id}", executions_get),
        ("DELETE", "/executions-extend/{execution_id}", executions_delete),
        ("POST", "/executions-extend/{execution_id}/stop", executions_stop),
    )
    for method, path, handler in routes:
        router.add("bce", method, base + path, handler, scope="project")

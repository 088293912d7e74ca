# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Facade for Huawei Cloud BCE (Batch Container Engine): resource pools and WDL executions.

Every path is project-scoped (``/v1/{project_id}/...``); the client fills ``{project_id}`` in.
The facade knows paths, payloads, pagination, find-by-exact-name and the spelling drift of the API;
it never talks HTTP itself (that is ``CloudClient``'s job) and never decides what a module should do.

"Not found" is ``None`` from every ``get_*``/``find_*`` function, never an exception.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy
import json
import os

from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ApiError, ConfigurationError

SERVICE = "bce"

POOLS_PATH = "/v1/{project_id}/clusters"
POOL_PATH = "/v1/{project_id}/clusters/%s"
EXECUTIONS_PATH = "/v1/{project_id}/executions-extend"
EXECUTION_PATH = "/v1/{project_id}/executions-extend/%s"
EXECUTION_STOP_PATH = "/v1/{project_id}/executions-extend/%s/stop"

POOL_TYPES = ("dedicate", "shared", "cromwell")

# The pool list/get answers describe the type as "CCE", "CCI" or "cromwell" (source table 4-4) while the
# create call takes dedicate / shared / cromwell: read every spelling, send the create call's.
_POOL_TYPE_SPELLINGS = {
    "dedicate": "dedicate", "dedicated": "dedicate", "cce": "dedicate",
    "shared": "shared", "share": "shared", "cci": "shared",
    "cromwell": "cromwell",
}

# Options of the cromwell dict -> field of create_cromwell_param (source table 4-10).
CROMWELL_FIELDS = {
    "cpu": "cpu",
    "memory": "memory",
    "replicas": "replicas",
    "image": "image",
    "cromwell_type": "cromwell_type",
    "database_name": "database_name",
    "database_url": "url",
    "database_username": "username",
    "database_password": "password",
    "rds_instance_id": "rds_instance_id",
    "rds_name": "rds_name",
    "iam_address": "iam_address",
    "k8s_address": "k8s_address",
    "region": "region",
    "pvc": "pvc",
    "pvc_path": "pvc_path",
    "root": "root",
    "storage_path": "storage_path",
    "job_shell": "job_shell",
    "open_auto_gc": "open_auto_gc",
}

# Fields of the pool object that must never leave the module.
_POOL_SECRET_KEYS = ("password", "database_password", "extend_parameter")

# Immutable options of bce_pool -> (field of the pool object, read from the cromwell dict?)
# Only fields that the pool object reports are compared; the other Cromwell parameters are create-only.
POOL_IMMUTABLE = (
    ("type", "cluster_type", False),
    ("cluster_id", "cluster_id", False),
    ("namespace_id", "namespace_id", False),
    ("bucket_name", "bucket_name", False),
    ("cromwell.cromwell_type", "cromwell_type", True),
    ("cromwell.rds_instance_id", "rds_instance_id", True),
    ("cromwell.database_name", "rds_database_name", True),
)

EXECUTION_STATUSES = ("Submitted", "Running", "Aborting", "Failed", "Succeeded", "Aborted")
EXECUTION_TERMINAL = ("Succeeded", "Failed", "Aborted")
EXECUTION_ACTIVE = ("Submitted", "Running")

WORKFLOW_PARTS = ("workflow_source", "workflow_inputs", "workflow_options", "workflow_depends")

# A workflow part whose value starts with one of these prefixes is a URL, sent in ``parameters``;
# every other value is a path on the controller, uploaded as a multipart file part.
URL_PREFIXES = ("obs://", "https://", "http://")

# AK/SK signed requests carry at most 12 MB of body (source §3.2).
AKSK_MAX_BODY = 12 * 1024 * 1024

PAGE_SIZE = 100
MAX_PAGES = 1000


def _not_found(err):
    return isinstance(err, ApiError) and err.status == 404


def is_url(value):
    """True when a workflow part value is a URL (``obs://``, ``https://`` or ``http://``), False for a local path."""
    return isinstance(value, str) and value.strip().lower().startswith(URL_PREFIXES)


def normalise_pool_type(value):
    """Map every spelling of a pool type (``CCE``, ``CCI``, ``dedicate``...) to dedicate / shared / cromwell.

    Unknown spellings are returned unchanged (lower-cased), None stays None.
    """
    if value is None:
        return None
    text = str(value).strip().lower()
    return _POOL_TYPE_SPELLINGS.get(text, text)


def validate_pool_type(value):
    """Raise ConfigurationError for a pool type that is not dedicate, shared or cromwell."""
    if value is None:
        return None
    if value not in POOL_TYPES:
        raise ConfigurationError("Unknown pool type %r: use one of %s." % (value, ", ".join(POOL_TYPES)))
    return value


def cromwell_param(cromwell):
    """The ``create_cromwell_param`` body built from the module's ``cromwell`` dict (unset keys left out)."""
    body = {}
    for option, field in CROMWELL_FIELDS.items():
        value = (cromwell or {}).get(option)
        if value is not None:
            body[field] = value
    return body


def build_pool_body(name, pool_type, cluster_id=None, namespace_id=None, description=None, bucket_name=None,
                    cromwell=None, project_id=None):
    """The create body of a pool (source table 4-8). Options left unset (None) are not sent."""
    body = {"cluster_name": name, "cluster_type": pool_type}
    for key, value in (("cluster_id", cluster_id), ("namespace_id", namespace_id), ("description", description),
                       ("bucket_name", bucket_name), ("project_id", project_id)):
        if value is not None:
            body[key] = value
    param = cromwell_param(cromwell)
    if param:
        body["extend_parameter"] = {"create_cromwell_param": param}
    return body


def predict_pool(body):
    """The pool object a create body is expected to produce (for check mode), without secrets."""
    pool = dict((k, v) for k, v in body.items() if k != "extend_parameter")
    param = (body.get("extend_parameter") or {}).get("create_cromwell_param") or {}
    if "cromwell_type" in param:
        pool["cromwell_type"] = param["cromwell_type"]
    if "rds_instance_id" in param:
        pool["rds_instance_id"] = param["rds_instance_id"]
    if "database_name" in param:
        pool["rds_database_name"] = param["database_name"]
    return normalise_pool(pool)


def normalise_pool(pool):
    """A copy of a pool object: type spelled dedicate/shared/cromwell, secrets removed. None stays None."""
    if pool is None:
        return None
    result = dict((k, copy.deepcopy(v)) for k, v in pool.items() if k not in _POOL_SECRET_KEYS)
    if "cluster_type" in result:
        result["cluster_type"] = normalise_pool_type(result["cluster_type"])
    if "guid" not in result and result.get("id"):
        result["guid"] = result["id"]
    return result


def pool_immutable_differences(desired, current):
    """Names of the immutable options whose desired value (set by the user) differs from the current pool.

    ``desired`` holds the module options (``type``, ``cluster_id``, ``namespace_id``, ``bucket_name``, ``cromwell``);
    options that are None were not set and are never compared. ``current`` is a normalised pool.
    """
    fields = []
    cromwell = desired.get("cromwell") or {}
    for option, field, nested in POOL_IMMUTABLE:
        value = cromwell.get(option.split(".", 1)[1]) if nested else desired.get(option)
        if value is None:
            continue
        have = current.get(field)
        if field == "cluster_type":
            value, have = normalise_pool_type(value), normalise_pool_type(have)
        if have is None and nested:
            # The API does not report this Cromwell parameter for this pool: nothing to compare.
            continue
        if str(value) != ("" if have is None else str(have)):
            fields.append(option)
    return fields


def classify_workflow_parts(parts):
    """Split the workflow parts into URLs (sent in ``parameters``) and local paths (uploaded).

    ``parts`` maps part name -> value (None = not given). Returns ``(urls, files)``, two dicts part -> value.
    The rule: a value starting with ``obs://``, ``https://`` or ``http://`` is a URL; anything else is a path.
    """
    urls, files = {}, {}
    for part in WORKFLOW_PARTS:
        value = (parts or {}).get(part)
        if value is None or value == "":
            continue
        if is_url(value):
            urls[part] = value.strip()
        else:
            files[part] = os.path.expanduser(value)
    return urls, files


def check_local_files(files, aksk=False, limit=AKSK_MAX_BODY):
    """Raise ConfigurationError (before any call) for a missing or unreadable local workflow file, or when the
    files together exceed ``limit`` bytes and the request is signed with AK/SK. Returns total size in bytes."""
    missing = []
    total = 0
    for part, path in sorted(files.items()):
        if not os.path.isfile(path):
            missing.append("%s (%s)" % (part, path))
            continue
        if not os.access(path, os.R_OK):
            raise ConfigurationError("The local file of %s is not readable: %s" % (part, path))
        total += os.path.getsize(path)
    if missing:
        raise ConfigurationError(
            "Local workflow file not found: %s. A value that does not start with obs://, https:// or http:// "
            "is read as a file on the controller." % ", ".join(missing))
    if aksk and total > limit:
        raise ConfigurationError(
            "The local workflow files total %d bytes; requests signed with an access key/secret key carry at most "
            "%d bytes (12 MB). Upload the files to OBS and pass obs:// URLs, or authenticate with a token "
            "(user name and password)." % (total, limit))
    return total


def build_execution_parameters(env_name, workflow_id=None, urls=None, name=None):
    """The JSON text of the ``parameters`` form field of a WDL submission (source table 4-39).

    ``urls`` maps workflow part -> OBS URL; ``name`` (the execution's name) is sent as ``name``.
    """
    params = {"env_name": env_name}
    if name is not None:
        params["name"] = name
    if workflow_id is not None:
        params["workflow_id"] = workflow_id
    for part, value in sorted((urls or {}).items()):
        params[part] = value
    return json.dumps(params, sort_keys=True)


def normalise_execution(record):
    """Flatten a ``{enterprise_project, execution, status}`` answer into one execution dict.

    The execution fields stay at the top level; ``status`` stays the status string and the status object of
    the answer becomes ``status_summary`` (node_number, finished_node_number, actual_node_status).
    ``id`` repeats ``guid``. None stays None.
    """
    if record is None:
        return None
    if isinstance(record, dict) and isinstance(record.get("execution"), dict):
        result = copy.deepcopy(record["execution"])
        summary = record.get("status")
        result["status_summary"] = copy.deepcopy(summary) if isinstance(summary, dict) else {}
        if record.get("enterprise_project") is not None:
            result["enterprise_project"] = copy.deepcopy(record["enterprise_project"])
    else:
        result = copy.deepcopy(record)
        result.setdefault("status_summary", {})
    if result.get("guid") is None and result.get("id") is not None:
        result["guid"] = result["id"]
    result["id"] = result.get("guid")
    summary = result["status_summary"]
    summary.setdefault("node_number", result.get("node_number"))
    summary.setdefault("finished_node_number", None)
    return result


def execution_failure(execution):
    """A sentence naming the failing task of a Failed execution and its status, from its status summary."""
    summary = execution.get("status_summary") or {}
    node = summary.get("actual_node_status") or {}
    if isinstance(node, list):
        failing = [n for n in node if isinstance(n, dict) and str(n.get("status", "")).lower() in ("failed", "error")]
        node = failing[0] if failing else (node[0] if node else {})
    task = node.get("name") if isinstance(node, dict) else None
    task_status = node.get("status") if isinstance(node, dict) else None
    sub = node.get("sub_job_status") if isinstance(node, dict) else None
    text = "WDL execution %s (%s) ended with status %s" % (
        execution.get("name"), execution.get("guid"), execution.get("status"))
    if task:
        text += "; failing task %s has status %s" % (task, task_status or "unknown")
    elif execution.get("task_status"):
        text += "; task status: %s" % execution.get("task_status")
    if isinstance(sub, dict) and sub.get("name"):
        text += " (sub job %s: %s)" % (sub.get("name"), sub.get("status") or "unknown")
    if summary.get("node_number") is not None:
        text += "; %s of %s tasks finished" % (summary.get("finished_node_number"), summary.get("node_number"))
    return text


def split_batch_result(ids, body):
    """Split the answer of the batch delete into ``(deleted, failed)``.

    ``deleted`` lists the ids without error; ``failed`` maps id -> {error_code, error_msg}. An id that the answer
    does not mention at all is reported as failed (its fate is unknown).
    """
    entries = {}
    for item in (body or {}).get("executions") or []:
        if isinstance(item, dict) and item.get("id") is not None:
            entries[item["id"]] = item.get("error")
    deleted, failed = [], {}
    for exec_id in ids:
        if exec_id not in entries:
            failed[exec_id] = {"error_code": None, "error_msg": "the batch delete answer does not mention this id"}
            continue
        error = entries[exec_id]
        if error and (error.get("error_code") or error.get("error_msg")):
            failed[exec_id] = {"error_code": error.get("error_code"), "error_msg": error.get("error_msg")}
        else:
            deleted.append(exec_id)
    return deleted, failed


class BceApi(object):
    """Pools and WDL executions of one project, on top of a ``CloudClient``."""

    def __init__(self, client):
        self.client = client

    def _call(self, method, path, **kwargs):
        return self.client.call(SERVICE, method, path, **kwargs)

    def _paginate(self, path, key, total_key, query=None):
        """Every item of a paginated list: ``limit``/``offset`` (offset = items already read), bounded."""
        items, seen = [], set()
        query = dict((k, v) for k, v in (query or {}).items() if v is not None)
        offset = 0
        for dummy in range(MAX_PAGES):
            page_query = dict(query, limit=PAGE_SIZE)
            if offset:
                page_query["offset"] = offset
            body = self._call("GET", path, query=page_query).body or {}
            page = body.get(key) or []
            new = 0
            for item in page:
                ident = _identity(item)
                if ident is not None and ident in seen:
                    continue
                if ident is not None:
                    seen.add(ident)
                items.append(item)
                new += 1
            offset += len(page)
            total = body.get(total_key)
            if not page or new == 0 or len(page) < PAGE_SIZE:
                break
            if isinstance(total, int) and len(items) >= total:
                break
        return items

    # ---- resource pools -------------------------------------------------------------------------------------

    def list_pools(self, pool_type=None):
        """Every pool of the project (normalised), optionally only those of one type (dedicate/shared/cromwell)."""
        raw = self._paginate(POOLS_PATH, "clusters", "total")
        pools = [normalise_pool(p) for p in raw]
        if pool_type is not None:
            wanted = normalise_pool_type(pool_type)
            pools = [p for p in pools if p.get("cluster_type") == wanted]
        return pools

    def get_pool(self, guid):
        """The pool with this guid (normalised), or None."""
        try:
            return normalise_pool(self._call("GET", POOL_PATH % guid).body)
        except ApiError as err:
            if _not_found(err):
                return None
            raise

    def find_pool(self, name):
        """The pool named exactly ``name`` (normalised), or None. Names are unique per project."""
        matches = [p for p in self.list_pools() if p.get("cluster_name") == name]
        return matches[0] if matches else None

    def create_pool(self, body):
        """Create a pool (non-idempotent: may raise OutcomeUnknownError). Returns the normalised answer."""
        return normalise_pool(self._call("POST", POOLS_PATH, json=body, create=True).body)

    def update_pool(self, guid, name=None, description=None):
        """Change a pool's name and/or description (the only updatable fields)."""
        body = {}
        if name is not None:
            body["cluster_name"] = name
        if description is not None:
            body["description"] = description
        return self._call("PUT", POOL_PATH % guid, json=body).body

    def delete_pool(self, guid):
        """Start the asynchronous delete of a pool. Returns False when it was already gone."""
        try:
            self._call("DELETE", POOL_PATH % guid)
        except ApiError as err:
            if _not_found(err):
                return False
            raise
        return True

    # ---- WDL executions ---------------------------------------------------------------------------------------

    def list_executions(self, name=None, status=None, workflow_id=None, guid=None, target=None, workflow_name=None):
        """Every execution matching the API's filters (``name`` and ``guid`` are fuzzy there), normalised."""
        query = {"name": name, "status": status, "workflow_id": workflow_id, "guid": guid, "target": target,
                 "workflow_name": workflow_name}
        raw = self._paginate(EXECUTIONS_PATH, "executions", "total_num", query)
        return [normalise_execution(r) for r in raw]

    def find_executions(self, name):
        """Every execution named exactly ``name`` (the API filter is fuzzy), newest first."""
        matches = [e for e in self.list_executions(name=name) if e.get("name") == name]
        return sorted(matches, key=lambda e: str(e.get("create_at") or ""), reverse=True)

    def get_execution(self, execution_id):
        """The execution with this id (normalised), or None."""
        try:
            return normalise_execution(self._call("GET", EXECUTION_PATH % execution_id).body)
        except ApiError as err:
            if _not_found(err):
                return None
            raise

    def submit_execution(self, parameters, files=None):
        """Submit a WDL execution as multipart/form-data (non-idempotent: may raise OutcomeUnknownError).

        ``parameters`` is the JSON text of the ``parameters`` field; ``files`` maps part name -> local path.
        Returns the answer ``{id, message, status}``.
        """
        handles = []
        try:
            # ``parameters`` is a plain form field (a part without a file name); giving it as a part keeps the
            # body multipart/form-data even when every workflow part is an OBS URL.
            parts = [("parameters", (None, parameters, "application/json"))]
            for part, path in sorted((files or {}).items()):
                handle = open(path, "rb")
                handles.append(handle)
                parts.append((part, (os.path.basename(path), handle, "application/octet-stream")))
            resp = self._call("POST", EXECUTIONS_PATH, files=parts, create=True)
        finally:
            for handle in handles:
                handle.close()
        return resp.body or {}

    def stop_execution(self, execution_id):
        """Stop a running execution (it can never run again). Returns the answer ``{id, message, status}``."""
        return self._call("POST", EXECUTION_STOP_PATH % execution_id).body or {}

    def delete_execution(self, execution_id):
        """Delete one execution. Returns False when it was already gone."""
        try:
            self._call("DELETE", EXECUTION_PATH % execution_id)
        except ApiError as err:
            if _not_found(err):
                return False
            raise
        return True

    def delete_executions(self, ids, clean_data=None):
        """Batch delete; returns ``(deleted, failed)`` as split_batch_result does (per-id errors)."""
        body = {"execution_ids": list(ids)}
        if clean_data is not None:
            body["clean_data"] = bool(clean_data)
        resp = self._call("DELETE", EXECUTIONS_PATH, json=body)
        return split_batch_result(list(ids), resp.body if isinstance(resp.body, dict) else {})


def _identity(item):
    if not isinstance(item, dict):
        return None
    inner = item.get("execution") if isinstance(item.get("execution"), dict) else item
    return inner.get("guid") or inner.get("id")

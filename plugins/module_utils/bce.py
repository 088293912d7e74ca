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
import re

from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ApiError, ConfigurationError
from ansible_collections.fleetops.cloud.plugins.module_utils.paths import segment

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

# Lists are read with the largest page the source documents (table 4-2: limit up to 102400), so a lookup is one
# call on every account the API serves in one page; a server that caps the page is followed with offsets.
PAGE_SIZE = 102400
MAX_PAGES = 1000

# Names: the source gives every name field a length of 1 to 102400 characters and no pattern (tables 4-4, 4-8,
# 4-31). The module adds only what a name must never hold: control characters and "/".
NAME_MAX = 102400

# Pool status: the source lists no values (table 4-4 "资源池的状态"). These words mean "ready" and these "failed";
# every other value, whatever it is, counts as "not ready yet" and is named in messages.
POOL_READY_STATUSES = ("running", "available", "active", "ready", "normal")
POOL_FAILED_STATUSES = ("failed", "error", "abnormal", "createfailed", "create_failed", "installfailed",
                        "install_failed", "unavailable")

# A pool that is not ready yet is read again after 1 s, then less and less often, at most every 10 s.
POOL_WAIT_DELAY = 1
POOL_WAIT_MAX_DELAY = 10

# The WDL ``workflow NAME {`` declaration: what the API reports as ``workflow_name``.
_WORKFLOW_DECLARATION = re.compile(r"(?m)^\s*workflow\s+([A-Za-z_][A-Za-z0-9_]*)\s*\{")


def _not_found(err):
    """True for the generic appendix's 404. A 400 is decided by the caller, from the state (see _gone_on_read)."""
    return isinstance(err, ApiError) and err.status == 404


def _gone_on_read(err):
    """True when a GET of one resource by id answers that it is not there.

    Every BCE operation lists only 200/201, 400 and 500 (the 404 is in the generic appendix), and the source
    documents no error codes. A GET by id has one parameter, the id (validated and encoded as one path segment
    before the call), so a 400 to it means that the id names nothing readable: absent. This is decided from the
    status and the request, never from the wording of the message.
    """
    return isinstance(err, ApiError) and err.status in (400, 404)


def validate_name(value, what="name"):
    """Raise ConfigurationError (before any call) for a name that cannot be a BCE name; returns it unchanged."""
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError("The %s must be a non-empty string, got %r." % (what, value))
    if len(value) > NAME_MAX:
        raise ConfigurationError("The %s is %d characters long; the API takes at most %d." % (what, len(value), NAME_MAX))
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ConfigurationError("The %s must not contain control characters." % what)
    if "/" in value:
        raise ConfigurationError("The %s must not contain '/': %r." % (what, value))
    return value


def validate_id(value, what="id"):
    """A pool guid or execution id, checked before any call; returns it encoded as one URL path segment.

    Besides what ``segment()`` refuses (empty, ``.``, ``..``, control characters), an id never holds ``/``: the
    API hands out guids, so such a value can only be a path, and it is refused instead of being sent encoded.
    """
    if isinstance(value, str) and "/" in value:
        raise ConfigurationError("The %s must not contain '/': %r is a path, not an id." % (what, value))
    return segment(value, what)


def pool_readiness(pool):
    """``ready``, ``failed`` or ``pending`` for a pool's status; any status not known as ready or failed is pending."""
    status = str((pool or {}).get("status") or "").strip().lower()
    if status in POOL_READY_STATUSES:
        return "ready"
    if status in POOL_FAILED_STATUSES:
        return "failed"
    return "pending"


def wait_pool_ready(wait, api, pool, timeout):
    """The pool once ``pool_readiness`` says ready, read again by its guid through ``wait`` (the module's
    ``FleetopsModule.wait``: status history, no waiting in check mode); the pool itself when it is ready already.

    Raises ``WaitTimeout`` (still pending after ``timeout`` seconds) or ``WaitFailure`` (a failed status, or the
    pool gone: ``exc.last`` is None); the caller says what that means for its task.
    """
    if pool_readiness(pool) == "ready":
        return pool
    guid = pool["guid"]
    return wait(lambda: api.get_pool(guid), pool_readiness, targets=("ready",), failures=("failed",),
                timeout=timeout, delay=POOL_WAIT_DELAY, max_delay=POOL_WAIT_MAX_DELAY)


def wdl_workflow_name(text):
    """The name of the ``workflow`` declared in a WDL source text, or None."""
    match = _WORKFLOW_DECLARATION.search(text or "")
    return match.group(1) if match else None


def parse_inputs(text):
    """The inputs JSON text of an execution parsed, ``{}`` for an empty one, or raise ValueError."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return {}
    if isinstance(text, dict):
        return text
    return json.loads(text)


def same_inputs(execution, inputs, inputs_url=None):
    """Whether an execution ran with ``inputs`` (a parsed object): True, False, or None when it cannot be told.

    ``inputs`` None means the module cannot read them: they are the URL ``inputs_url``. Such inputs match only an
    execution that stored exactly that URL; stored JSON content cannot be compared with a URL. Otherwise the stored
    ``inputs_json`` (table 4-31) is compared as JSON, so spacing and key order mean nothing.
    """
    if "inputs_json" not in execution:
        return None
    stored = execution.get("inputs_json")
    if inputs is None:
        if inputs_url is not None and isinstance(stored, str) and stored.strip() == inputs_url:
            return True
        return None
    try:
        parsed = parse_inputs(stored)
    except ValueError:
        # The stored text is not JSON: it may be the URL the inputs came from. It cannot be compared.
        return None
    return parsed == inputs


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


def build_execution_parameters(env_name, workflow_id=None, urls=None):
    """The JSON text of the ``parameters`` form field of a WDL submission (source table 4-39).

    ``urls`` maps workflow part -> OBS URL. The table has no ``name``: the API names an execution itself.
    """
    params = {"env_name": env_name}
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
    """Pools and WDL executions of one project, on top of a ``CloudClient``.

    Every id that goes into a path passes through ``validate_id()`` (``segment()`` plus no ``/``): an id such as
    ``../clusters/x`` is refused before any call and can never reach another resource.
    """

    def __init__(self, client):
        self.client = client

    def _call(self, method, path, **kwargs):
        return self.client.call(SERVICE, method, path, **kwargs)

    def _pages(self, path, key, total_key, query=None):
        """Yield the raw items of a paginated list, page by page, each item once.

        One call with the largest documented page reads every item of most accounts. A server that answers fewer
        items than asked while ``total`` says there are more (a capped page) is followed with ``offset`` (the items
        already read, table 4-27). The loop is bounded and stops on an empty or repeated page.
        """
        seen = set()
        query = dict((k, v) for k, v in (query or {}).items() if v is not None)
        offset = 0
        for dummy in range(MAX_PAGES):
            page_query = dict(query, limit=PAGE_SIZE)
            if offset:
                page_query["offset"] = offset
            body = self._call("GET", path, query=page_query).body
            body = body if isinstance(body, dict) else {}
            page = body.get(key) or []
            new = 0
            for item in page:
                ident = _identity(item)
                if ident is not None:
                    if ident in seen:
                        continue
                    seen.add(ident)
                new += 1
                yield item
            offset += len(page)
            total = body.get(total_key)
            if not page or new == 0:
                return
            if isinstance(total, int) and not isinstance(total, bool):
                if offset >= total:
                    return
            elif len(page) < PAGE_SIZE:
                return

    def _paginate(self, path, key, total_key, query=None):
        """Every raw item of a paginated list."""
        return list(self._pages(path, key, total_key, query))

    # ---- resource pools -------------------------------------------------------------------------------------

    def list_pools(self, pool_type=None):
        """Every pool of the project (normalised), optionally only those of one type (dedicate/shared/cromwell).

        The type is filtered here, not with ``cluster_type``: the list answers CCE/CCI/cromwell while the create
        call takes dedicate/shared/cromwell, and the source does not say which spelling the filter takes.
        """
        pools = []
        wanted = normalise_pool_type(pool_type) if pool_type is not None else None
        for raw in self._pages(POOLS_PATH, "clusters", "total"):
            if wanted is not None and normalise_pool_type((raw or {}).get("cluster_type")) != wanted:
                continue
            pools.append(normalise_pool(raw))
        return pools

    def get_pool(self, guid):
        """The pool with this guid (normalised), or None (404, or 400 to a GET by id: see _gone_on_read)."""
        path = POOL_PATH % validate_id(guid, "pool id")
        try:
            return normalise_pool(self._call("GET", path).body)
        except ApiError as err:
            if _gone_on_read(err):
                return None
            raise

    def find_pool(self, name):
        """The pool named exactly ``name`` (normalised), or None. Names are unique per project.

        The pool list has no name filter (table 4-2): the pages are read until the first exact match, and only
        that pool is normalised.
        """
        for raw in self._pages(POOLS_PATH, "clusters", "total"):
            if isinstance(raw, dict) and raw.get("cluster_name") == name:
                return normalise_pool(raw)
        return None

    def find_pool_by_name_or_id(self, value):
        """The pool named ``value``, else the pool whose guid is ``value``, else None."""
        pool = self.find_pool(value)
        if pool is None:
            pool = self.get_pool(value)
        return pool

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
        return self._call("PUT", POOL_PATH % validate_id(guid, "pool id"), json=body).body

    def delete_pool(self, guid):
        """Start the asynchronous delete of a pool. Returns False when it was already gone.

        A 404, or a 400 after which the pool cannot be read any more, is "already gone"; any other refusal is
        raised. The pool is read back to decide: the state, not the message, says whether it exists.
        """
        path = POOL_PATH % validate_id(guid, "pool id")
        try:
            self._call("DELETE", path)
        except ApiError as err:
            if _not_found(err) or (err.status == 400 and self.get_pool(guid) is None):
                return False
            raise
        return True

    # ---- WDL executions ---------------------------------------------------------------------------------------

    def list_executions(self, name=None, status=None, workflow_id=None, guid=None, target=None, workflow_name=None):
        """Every execution matching the API's filters (``name`` and ``guid`` are fuzzy there), normalised."""
        query = {"name": name, "status": status, "workflow_id": workflow_id, "guid": guid, "target": target,
                 "workflow_name": workflow_name}
        return [normalise_execution(r) for r in self._pages(EXECUTIONS_PATH, "executions", "total_num", query)]

    def find_executions(self, name):
        """Every execution named exactly ``name`` (the API filter is fuzzy), newest first; only those normalised."""
        query = {"name": name}
        matches = [normalise_execution(r) for r in self._pages(EXECUTIONS_PATH, "executions", "total_num", query)
                   if _inner(r).get("name") == name]
        return sorted(matches, key=lambda e: str(e.get("create_at") or ""), reverse=True)

    def find_runs(self, workflow_name=None, workflow_id=None):
        """The executions of one workflow (API filters ``workflow_name`` / ``workflow_id``, kept only when they
        match exactly), newest first; only those are normalised."""
        query = {"workflow_name": workflow_name, "workflow_id": workflow_id}
        runs = []
        for raw in self._pages(EXECUTIONS_PATH, "executions", "total_num", query):
            inner = _inner(raw)
            if workflow_name is not None and inner.get("workflow_name") != workflow_name:
                continue
            if workflow_id is not None and inner.get("workflow_id") != workflow_id:
                continue
            runs.append(normalise_execution(raw))
        return sorted(runs, key=lambda e: str(e.get("create_at") or ""), reverse=True)

    def get_execution(self, execution_id):
        """The execution with this id (normalised), or None (404, or 400 to a GET by id: see _gone_on_read)."""
        path = EXECUTION_PATH % validate_id(execution_id, "execution id")
        try:
            return normalise_execution(self._call("GET", path).body)
        except ApiError as err:
            if _gone_on_read(err):
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
        """Stop a running execution (it can never run again). Returns the answer ``{id, message, status}``.

        Sent with ``create=True`` so that the transport never re-sends it blindly: after a lost answer the module
        reads the execution back (``FleetopsModule.confirmed_write``).
        """
        path = EXECUTION_STOP_PATH % validate_id(execution_id, "execution id")
        body = self._call("POST", path, create=True).body
        return body if isinstance(body, dict) else {}

    def delete_execution(self, execution_id):
        """Delete one execution. Returns False when it was already gone (404, or a 400 after which it cannot be
        read any more)."""
        path = EXECUTION_PATH % validate_id(execution_id, "execution id")
        try:
            self._call("DELETE", path)
        except ApiError as err:
            if _not_found(err) or (err.status == 400 and self.get_execution(execution_id) is None):
                return False
            raise
        return True

    def delete_executions(self, ids, clean_data=None):
        """Batch delete; returns ``(deleted, failed)`` as split_batch_result does (per-id errors).

        An id the answer reports as failed but that cannot be read any more is gone: it counts as deleted (the
        delete may have happened in an earlier attempt, or the id was removed meanwhile).
        """
        body = {"execution_ids": list(ids)}
        if clean_data is not None:
            body["clean_data"] = bool(clean_data)
        resp = self._call("DELETE", EXECUTIONS_PATH, json=body)
        deleted, failed = split_batch_result(list(ids), resp.body if isinstance(resp.body, dict) else {})
        for exec_id in sorted(failed):
            if self.get_execution(exec_id) is None:
                del failed[exec_id]
                deleted.append(exec_id)
        return deleted, failed


def _inner(item):
    """The execution object of a list item (``{enterprise_project, execution, status}``) or the item itself."""
    if not isinstance(item, dict):
        return {}
    return item["execution"] if isinstance(item.get("execution"), dict) else item


def _identity(item):
    inner = _inner(item)
    return inner.get("guid") or inner.get("id")

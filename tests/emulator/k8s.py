# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Emulated member-cluster Kubernetes API servers, one per member name, under ``<base>/k8s/{member}``.

Enough of the Kubernetes API for ``kubernetes.core.k8s`` (the ``kubernetes`` Python client and its dynamic
client) to apply the UCS agent manifests.  No UCS/IAM authentication: any ``Authorization: Bearer`` token (or
none) is accepted.  Any member name is valid; a member is created, with the namespaces ``default``,
``kube-system`` and ``kube-public``, on first use.

* Discovery: ``/version``, ``/api`` (APIVersions), ``/apis`` (APIGroupList), ``/api/v1`` and
  ``/apis/{group}/{version}`` (APIResourceList).  Always plain JSON: a client asking for aggregated discovery
  (``Accept: ...;g=apidiscovery.k8s.io;v=v2``) gets the legacy documents, which is the fallback every client
  implements.  ``/openapi/...`` is 404.
* Resources (see ``CATALOG``): namespaces, secrets, configmaps, serviceaccounts, services (``v1``);
  deployments, daemonsets, statefulsets (``apps/v1``); roles, rolebindings, clusterroles,
  clusterrolebindings (``rbac.authorization.k8s.io/v1``).  A member named ``fleet-<name>`` is the Karmada API
  of that fleet (``karmada.py``), which also serves ``KARMADA_CATALOG`` (policies, bindings, works, clusters).  Verbs: list (``labelSelector`` with ``k=v``,
  ``k!=v``, ``k``; ``fieldSelector`` on ``metadata.name``/``metadata.namespace``), get, create (POST),
  replace (PUT, ``metadata.resourceVersion`` checked when given), patch (``merge-patch``,
  ``strategic-merge-patch`` and ``apply-patch`` are all applied as a JSON merge patch; an apply-patch creates a
  missing object; ``json-patch`` is 415), delete.  ``dryRun`` computes the answer without storing it.
* Every stored object gets ``metadata.uid``, ``resourceVersion`` (a per-member counter, bumped only when the
  object really changes), ``creationTimestamp``, ``generation`` (bumped when ``spec`` changes).  Secrets:
  ``stringData`` is folded into base64 ``data``; ``type`` defaults to ``Opaque``.  Deployments, DaemonSets and
  StatefulSets get a ready ``status`` at once (no delays).
* Errors are Kubernetes ``Status`` objects: 404 ``NotFound``, 409 ``AlreadyExists`` / ``Conflict``, 422
  ``Invalid``, 400 ``BadRequest``, 415 ``UnsupportedMediaType``.

``agent_deployed(state, server_url)`` tells tests whether the member whose API base URL is ``server_url``
(``<base>/k8s/<member>``) has a Deployment ``proxy-agent`` in ``kube-system``.
"""

import base64
import copy
import json
import time
from urllib.parse import unquote, urlsplit

from core import HttpError


def _load_yaml(text):
    """Parse an apply-patch YAML body; PyYAML is imported only here, to keep the emulator's start-up short."""
    try:
        import yaml  # pylint: disable=import-outside-toplevel
    except ImportError:  # pragma: no cover - PyYAML comes with Ansible
        raise _status_error(415, "UnsupportedMediaType", "YAML bodies need PyYAML on the emulator's Python")
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _status_error(400, "BadRequest", "invalid YAML body: %s" % exc)


K8S_VERSION = {"major": "1", "minor": "28", "gitVersion": "v1.28.3-fleetops", "gitCommit": "0" * 40,
               "gitTreeState": "clean", "buildDate": "2026-01-01T00:00:00Z", "goVersion": "go1.20.10",
               "compiler": "gc", "platform": "linux/amd64"}
ALL_VERBS = ["create", "delete", "get", "list", "patch", "update"]
DEFAULT_NAMESPACES = ("default", "kube-system", "kube-public")

# (group, version, plural, kind, namespaced)
CATALOG = (
    ("", "v1", "namespaces", "Namespace", False),
    ("", "v1", "secrets", "Secret", True),
    ("", "v1", "configmaps", "ConfigMap", True),
    ("", "v1", "serviceaccounts", "ServiceAccount", True),
    ("", "v1", "services", "Service", True),
    ("apps", "v1", "deployments", "Deployment", True),
    ("apps", "v1", "daemonsets", "DaemonSet", True),
    ("apps", "v1", "statefulsets", "StatefulSet", True),
    ("rbac.authorization.k8s.io", "v1", "roles", "Role", True),
    ("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", True),
    ("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", False),
    ("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", False),
)
# Served only by a fleet's Karmada API (``/k8s/fleet-<name>``, see karmada.py), not by member clusters.
KARMADA_CATALOG = (
    ("policy.karmada.io", "v1alpha1", "propagationpolicies", "PropagationPolicy", True),
    ("policy.karmada.io", "v1alpha1", "clusterpropagationpolicies", "ClusterPropagationPolicy", False),
    ("policy.karmada.io", "v1alpha1", "overridepolicies", "OverridePolicy", True),
    ("policy.karmada.io", "v1alpha1", "clusteroverridepolicies", "ClusterOverridePolicy", False),
    ("work.karmada.io", "v1alpha2", "resourcebindings", "ResourceBinding", True),
    ("work.karmada.io", "v1alpha2", "clusterresourcebindings", "ClusterResourceBinding", False),
    ("work.karmada.io", "v1alpha1", "works", "Work", True),
    ("cluster.karmada.io", "v1alpha1", "clusters", "Cluster", False),
)
FLEET_PREFIX = "fleet-"
WORKLOADS = ("Deployment", "DaemonSet", "StatefulSet")

# The Karmada control plane (karmada.py registers itself here): it serves the ``fleet-<name>`` members and is
# ticked on every Kubernetes request, which is what makes propagation asynchronous without a thread.
_CONTROL_PLANE = []


def set_control_plane(plane):
    """``plane`` has ``handle(req, handler)`` (for ``fleet-*`` members) and ``tick(state)``."""
    del _CONTROL_PLANE[:]
    _CONTROL_PLANE.append(plane)


def catalog_for(member_name):
    """The resource types the API server ``member_name`` serves."""
    if member_name.startswith(FLEET_PREFIX):
        return CATALOG + KARMADA_CATALOG
    return CATALOG


def _status_error(status, reason, msg, details=None):
    body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": msg,
            "reason": reason, "code": status}
    if details:
        body["details"] = details
    return HttpError(status, body)


def _ts(when):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when))


def _gv(group, version):
    return "%s/%s" % (group, version) if group else version


def _resource_info(group, version, plural, catalog=CATALOG):
    for entry in catalog:
        if entry[0] == group and entry[1] == version and entry[2] == plural:
            return entry
    raise _status_error(404, "NotFound", "the server could not find the requested resource")


def _qualified(info):
    return "%s.%s" % (info[2], info[0]) if info[0] else info[2]


def _member(state, name):
    k8s = state.data.setdefault("k8s", {})
    members = k8s.setdefault("members", {})
    member = members.get(name)
    if member is None:
        now = _ts(state.now())
        member = {"rv": 1, "objects": {}}
        if name.startswith(FLEET_PREFIX):
            member["control_plane"] = True  # resource templates: no controller fills in a workload status
        members[name] = member
        for ns in DEFAULT_NAMESPACES:
            _store(state, member, ("", "v1", "namespaces", "Namespace", False), None,
                   {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "creationTimestamp": now},
                    "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})
    return member


def _bucket(member, info):
    return member["objects"].setdefault(_qualified(info), {})


def _key(namespace, name):
    return "%s/%s" % (namespace or "", name)


# ------------------------------------------------------------------------------------------- discovery

def version(req):
    _member(req.state, req.params["member"])
    return 200, dict(K8S_VERSION)


def api_versions(req):
    _member(req.state, req.params["member"])
    host = urlsplit(req.state.base_url).netloc or "127.0.0.1"
    return 200, {"kind": "APIVersions", "versions": ["v1"],
                 "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": host}]}


def api_groups(req):
    _member(req.state, req.params["member"])
    groups = []
    catalog = catalog_for(req.params["member"])
    for group in sorted(set(e[0] for e in catalog if e[0])):
        versions = sorted(set(e[1] for e in catalog if e[0] == group), reverse=True)
        entries = [{"groupVersion": _gv(group, v), "version": v} for v in versions]
        groups.append({"name": group, "versions": entries, "preferredVersion": entries[0]})
    return 200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def _resource_list(group, version_, catalog=CATALOG):
    resources = [{"name": e[2], "singularName": e[3].lower(), "namespaced": e[4], "kind": e[3],
                  "verbs": list(ALL_VERBS), "storageVersionHash": ""}
                 for e in catalog if e[0] == group and e[1] == version_]
    if not resources:
        raise _status_error(404, "NotFound", "the server could not find the requested resource")
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": _gv(group, version_),
            "resources": resources}


def core_resources(req):
    _member(req.state, req.params["member"])
    return 200, _resource_list("", "v1")


def group_resources(req):
    _member(req.state, req.params["member"])
    return 200, _resource_list(req.params["group"], req.params["version"], catalog_for(req.params["member"]))


def group_versions(req):
    _member(req.state, req.params["member"])
    group = req.params["group"]
    versions = sorted(set(e[1] for e in catalog_for(req.params["member"]) if e[0] == group), reverse=True)
    if not versions:
        raise _status_error(404, "NotFound", "the server could not find the requested resource")
    entries = [{"groupVersion": _gv(group, v), "version": v} for v in versions]
    return 200, {"kind": "APIGroup", "apiVersion": "v1", "name": group, "versions": entries,
                 "preferredVersion": entries[0]}


# ----------------------------------------------------------------------------------------- objects

def _merge_patch(target, patch):
    """RFC 7386 JSON merge patch."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = _merge_patch(result.get(key), value)
    return result


def _normalise(state, member, info, namespace, obj, old):
    """Fill in the server-side fields of ``obj`` (a new version of ``old``, or a new object)."""
    group, ver, dummy, kind, namespaced = info
    obj["apiVersion"] = _gv(group, ver)
    obj["kind"] = kind
    for field in ("spec", "data", "stringData"):
        if obj.get(field) is not None and not isinstance(obj[field], dict):
            raise _status_error(422, "Invalid", '%s "%s" is invalid: %s must be an object'
                                % (kind, (obj.get("metadata") or {}).get("name", ""), field))
    meta = obj.setdefault("metadata", {})
    if meta.get("labels") is not None and not isinstance(meta["labels"], dict):
        raise _status_error(422, "Invalid", "metadata.labels must be an object")
    if namespaced:
        meta["namespace"] = namespace
    else:
        meta.pop("namespace", None)
    if kind == "Secret":
        string_data = obj.pop("stringData", None) or {}
        data = obj.setdefault("data", {}) or {}
        for skey, svalue in string_data.items():
            data[skey] = base64.b64encode(str(svalue).encode("utf-8")).decode("ascii")
        obj["data"] = data
        obj.setdefault("type", "Opaque")
    if old is not None:
        old_meta = old["metadata"]
        meta["uid"] = old_meta["uid"]
        meta["creationTimestamp"] = old_meta["creationTimestamp"]
        meta["resourceVersion"] = old_meta["resourceVersion"]
        if "generation" in old_meta:
            meta["generation"] = old_meta["generation"]
    else:
        meta["uid"] = state.new_id()
        meta["creationTimestamp"] = _ts(state.now())
        meta.pop("resourceVersion", None)
        if kind in WORKLOADS:
            meta["generation"] = 1
    if kind in WORKLOADS and member.get("control_plane"):
        if old is not None and old.get("spec") != obj.get("spec"):
            meta["generation"] = meta.get("generation", 1) + 1
        obj["status"] = copy.deepcopy((old or {}).get("status") or {})  # aggregated by karmada.py, not by clients
    elif kind in WORKLOADS:
        if old is not None and old.get("spec") != obj.get("spec"):
            meta["generation"] = meta.get("generation", 1) + 1
        replicas = (obj.get("spec") or {}).get("replicas", 1)
        if kind == "Deployment":
            obj.setdefault("spec", {}).setdefault("replicas", replicas)
        obj["status"] = {"observedGeneration": meta["generation"], "replicas": replicas,
                         "readyReplicas": replicas, "availableReplicas": replicas, "updatedReplicas": replicas,
                         "conditions": [{"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable",
                                         "message": "emulated", "lastUpdateTime": meta["creationTimestamp"],
                                         "lastTransitionTime": meta["creationTimestamp"]}]}
        if kind == "DaemonSet":
            obj["status"] = {"observedGeneration": meta["generation"], "currentNumberScheduled": 1,
                             "desiredNumberScheduled": 1, "numberAvailable": 1, "numberReady": 1,
                             "updatedNumberScheduled": 1, "numberMisscheduled": 0}
    if kind == "Namespace":
        obj.setdefault("spec", {"finalizers": ["kubernetes"]})
        obj.setdefault("status", {"phase": "Active"})
    return obj


def _store(state, member, info, namespace, obj, dry_run=False):
    """Store ``obj`` (after normalisation); bumps resourceVersion only when it really changed."""
    bucket = _bucket(member, info)
    key = _key(namespace if info[4] else None, obj["metadata"]["name"])
    old = bucket.get(key)
    obj = _normalise(state, member, info, namespace, copy.deepcopy(obj), old)
    if old is not None:
        compare_new = copy.deepcopy(obj)
        compare_new["metadata"].pop("resourceVersion", None)
        compare_old = copy.deepcopy(old)
        compare_old["metadata"].pop("resourceVersion", None)
        if compare_new == compare_old:
            return copy.deepcopy(old)
    if not dry_run:
        member["rv"] += 1
        obj["metadata"]["resourceVersion"] = str(member["rv"])
        bucket[key] = obj
    else:
        obj["metadata"]["resourceVersion"] = str(member["rv"] + 1)
    return copy.deepcopy(obj)


def _target(req):
    """(member, info, namespace or None, name or None)."""
    params = req.params
    member = _member(req.state, params["member"])
    info = _resource_info(params.get("group", ""), params.get("version", "v1"), params["plural"],
                          catalog_for(params["member"]))
    namespace = params.get("namespace")
    if namespace is not None and not info[4]:
        raise _status_error(404, "NotFound", "the server could not find the requested resource")
    if namespace is None and info[4] and req.method != "GET":
        raise _status_error(404, "NotFound", "the server could not find the requested resource")
    if namespace is not None:
        if _key(None, namespace) not in _bucket(member, CATALOG[0]):
            raise _status_error(404, "NotFound", 'namespaces "%s" not found' % namespace,
                                {"name": namespace, "kind": "namespaces"})
    return member, info, namespace, params.get("name")


def _not_found(info, name):
    return _status_error(404, "NotFound", '%s "%s" not found' % (_qualified(info), name),
                         {"name": name, "group": info[0], "kind": info[2]})


def _body(req):
    ctype = (req.headers.get("Content-Type") or "application/json").split(";")[0].strip().lower()
    if not req.body:
        raise _status_error(400, "BadRequest", "the request body is empty")
    text = req.body.decode("utf-8", "replace")
    try:
        obj = json.loads(text)
    except ValueError:
        if ctype == "application/apply-patch+yaml":
            obj = _load_yaml(text)
        else:
            raise _status_error(400, "BadRequest", "invalid JSON body")
    return ctype, obj


def _check_object(info, obj, name=None):
    if not isinstance(obj, dict):
        raise _status_error(400, "BadRequest", "the body must be a JSON object")
    meta = obj.get("metadata")
    if not isinstance(meta, dict) or not isinstance(meta.get("name"), str) or not meta.get("name"):
        raise _status_error(422, "Invalid", '%s "" is invalid: metadata.name: Required value: name is required'
                            % info[3])
    if name is not None and meta["name"] != name:
        raise _status_error(400, "BadRequest", "the name of the object (%s) does not match the name on the URL (%s)"
                            % (meta["name"], name))
    kind = obj.get("kind")
    if kind is not None and kind != info[3]:
        raise _status_error(400, "BadRequest", "the kind of the object (%s) does not match the URL (%s)"
                            % (kind, info[3]))


def _selected(obj, label_selector, field_selector):
    labels = obj["metadata"].get("labels") or {}
    for term in [t.strip() for t in (label_selector or "").split(",") if t.strip()]:
        if "!=" in term:
            key, value = term.split("!=", 1)
            if labels.get(key.strip()) == value.strip():
                return False
        elif "=" in term:
            key, value = term.replace("==", "=").split("=", 1)
            if labels.get(key.strip()) != value.strip():
                return False
        elif term.startswith("!"):
            if term[1:] in labels:
                return False
        elif term not in labels:
            return False
    for term in [t.strip() for t in (field_selector or "").split(",") if t.strip()]:
        key, dummy, value = term.replace("==", "=").partition("=")
        field = {"metadata.name": obj["metadata"].get("name"),
                 "metadata.namespace": obj["metadata"].get("namespace")}.get(key.strip())
        if field != value.strip():
            return False
    return True


def objects_list(req):
    member, info, namespace, dummy = _target(req)
    items = []
    for key in sorted(_bucket(member, info)):
        obj = _bucket(member, info)[key]
        if namespace is not None and obj["metadata"].get("namespace") != namespace:
            continue
        if _selected(obj, req.q("labelSelector"), req.q("fieldSelector")):
            items.append(copy.deepcopy(obj))
    return 200, {"kind": "%sList" % info[3], "apiVersion": _gv(info[0], info[1]),
                 "metadata": {"resourceVersion": str(member["rv"])}, "items": items}


def objects_create(req):
    member, info, namespace, dummy = _target(req)
    obj = _body(req)[1]
    _check_object(info, obj)
    key = _key(namespace if info[4] else None, obj["metadata"]["name"])
    if key in _bucket(member, info):
        name = obj["metadata"]["name"]
        raise _status_error(409, "AlreadyExists", '%s "%s" already exists' % (_qualified(info), name),
                            {"name": name, "group": info[0], "kind": info[2]})
    return 201, _store(req.state, member, info, namespace, obj, dry_run=bool(req.q("dryRun")))


def object_get(req):
    member, info, namespace, name = _target(req)
    obj = _bucket(member, info).get(_key(namespace if info[4] else None, name))
    if obj is None:
        raise _not_found(info, name)
    return 200, copy.deepcopy(obj)


def object_replace(req):
    member, info, namespace, name = _target(req)
    obj = _body(req)[1]
    _check_object(info, obj, name)
    old = _bucket(member, info).get(_key(namespace if info[4] else None, name))
    if old is None:
        raise _not_found(info, name)
    wanted_rv = obj["metadata"].get("resourceVersion")
    if wanted_rv and wanted_rv != old["metadata"]["resourceVersion"]:
        raise _status_error(409, "Conflict", 'Operation cannot be fulfilled on %s "%s": the object has been '
                            'modified; please apply your changes to the latest version and try again'
                            % (_qualified(info), name))
    return 200, _store(req.state, member, info, namespace, obj, dry_run=bool(req.q("dryRun")))


def object_patch(req):
    member, info, namespace, name = _target(req)
    ctype, patch = _body(req)
    if ctype not in ("application/merge-patch+json", "application/strategic-merge-patch+json",
                     "application/apply-patch+yaml"):
        raise _status_error(415, "UnsupportedMediaType", "the body of the request was in an unknown format - "
                            "accepted media types include: application/merge-patch+json, "
                            "application/strategic-merge-patch+json, application/apply-patch+yaml")
    if not isinstance(patch, dict):
        raise _status_error(400, "BadRequest", "the patch must be a JSON object")
    old = _bucket(member, info).get(_key(namespace if info[4] else None, name))
    dry_run = bool(req.q("dryRun"))
    if old is None:
        if ctype != "application/apply-patch+yaml":
            raise _not_found(info, name)
        _check_object(info, patch, name)
        return 201, _store(req.state, member, info, namespace, patch, dry_run=dry_run)
    merged = _merge_patch(old, patch)
    merged.setdefault("metadata", {})["name"] = name
    return 200, _store(req.state, member, info, namespace, merged, dry_run=dry_run)


def object_delete(req):
    member, info, namespace, name = _target(req)
    bucket = _bucket(member, info)
    key = _key(namespace if info[4] else None, name)
    obj = bucket.get(key)
    if obj is None:
        raise _not_found(info, name)
    if not req.q("dryRun"):
        del bucket[key]
        member["rv"] += 1
    return 200, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
                 "details": {"name": name, "group": info[0], "kind": info[2], "uid": obj["metadata"]["uid"]}}


def openapi(req):
    raise _status_error(404, "NotFound", "the emulator serves no OpenAPI document")


# --------------------------------------------------------------------------------------------- tests

def agent_deployed(state, server_url):
    """True when the member at ``server_url`` (``<base>/k8s/<member>``) runs Deployment kube-system/proxy-agent."""
    path = unquote(urlsplit(server_url).path).rstrip("/")
    prefix, dummy, member_name = path.rpartition("/")
    if not prefix.endswith("/k8s") or not member_name:
        return False
    with state.lock:
        member = (state.data.get("k8s") or {}).get("members", {}).get(member_name)
        if member is None:
            return False
        return _key("kube-system", "proxy-agent") in member["objects"].get("deployments.apps", {})


# --------------------------------------------------------------------------- helpers for the control plane

def member_store(state, name):
    """The store of API server ``name`` (created on first use, like any member)."""
    return _member(state, name)


def find_info(api_version, kind, member_name):
    """The catalog entry of ``kind`` in ``api_version`` on ``member_name``, or None."""
    group, dummy, ver = api_version.rpartition("/")
    for entry in catalog_for(member_name):
        if entry[0] == group and entry[1] == ver and entry[3] == kind:
            return entry
    return None


def find_info_by_plural(group, version_, plural, member_name):
    for entry in catalog_for(member_name):
        if entry[0] == group and entry[1] == version_ and entry[2] == plural:
            return entry
    return None


def objects_of(member, info):
    """The stored objects of one type (the live dict: key ``namespace/name``)."""
    return _bucket(member, info)


def put_object(state, member, info, namespace, obj):
    """Create or update ``obj`` as a client would (resourceVersion bumped only on a real change)."""
    return _store(state, member, info, namespace, obj)


def set_status(state, member, info, namespace, name, status):
    """Replace the status of a stored object (the status subresource); True when it changed."""
    obj = _bucket(member, info).get(_key(namespace if info[4] else None, name))
    if obj is None or obj.get("status") == status:
        return False
    obj["status"] = copy.deepcopy(status)
    member["rv"] += 1
    obj["metadata"]["resourceVersion"] = str(member["rv"])
    return True


def remove_object(member, info, namespace, name):
    """Delete a stored object; True when it existed."""
    bucket = _bucket(member, info)
    key = _key(namespace if info[4] else None, name)
    if key not in bucket:
        return False
    del bucket[key]
    member["rv"] += 1
    return True


def ensure_namespace(state, member, name):
    if _key(None, name) not in _bucket(member, CATALOG[0]):
        _store(state, member, CATALOG[0], None, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})


def status_error(status, reason, msg, details=None):
    return _status_error(status, reason, msg, details)


def _routed(handler):
    """Send ``fleet-*`` members to the Karmada control plane; tick it before any member request."""
    def route(req):
        plane = _CONTROL_PLANE[0] if _CONTROL_PLANE else None
        if req.params.get("member", "").startswith(FLEET_PREFIX):
            if plane is None:
                raise _status_error(404, "NotFound", "no Karmada control plane in this emulator")
            return plane.handle(req, handler)
        if plane is not None:
            plane.tick(req.state)
        return handler(req)
    route.__name__ = getattr(handler, "__name__", "route")
    return route


def register(router):
    m = "/{member}"
    collection = {"GET": objects_list, "POST": objects_create}
    item = {"GET": object_get, "PUT": object_replace, "PATCH": object_patch, "DELETE": object_delete}
    routes = [
        ("GET", m + "/version", version),
        ("GET", m + "/api", api_versions),
        ("GET", m + "/apis", api_groups),
        ("GET", m + "/api/v1", core_resources),
        ("GET", m + "/openapi/{rest:path}", openapi),
        ("GET", m + "/apis/{group}", group_versions),
        ("GET", m + "/apis/{group}/{version}", group_resources),
    ]
    prefixes = (m + "/api/{version}", m + "/apis/{group}/{version}")
    for prefix in prefixes:
        for method, handler in item.items():
            routes.append((method, prefix + "/namespaces/{namespace}/{plural}/{name}", handler))
        for method, handler in collection.items():
            routes.append((method, prefix + "/namespaces/{namespace}/{plural}", handler))
        for method, handler in item.items():
            routes.append((method, prefix + "/{plural}/{name}", handler))
        for method, handler in collection.items():
            routes.append((method, prefix + "/{plural}", handler))
    for method, pattern, handler in routes:
        router.add("k8s", method, pattern, _routed(handler), scope=None)

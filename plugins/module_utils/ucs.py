# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The UCS service facade: every UCS call (clusters, fleets, federation, permission policies).

``UcsApi(client)`` knows the paths, payloads, pagination and spelling drift of UCS; it never builds HTTP
itself (``CloudClient.call`` does). Rules shared by every method:

* ``get_*`` and ``find_*_by_name`` return ``None`` when the resource does not exist (never raise on 404).
* ``list_*`` follow ``limit``/``offset`` pagination until ``total`` is reached.
* Objects are returned normalised to one spelling (the spelling of the API tables / the official SDK):
  ``projectID``, ``clusterGroupID``, ``IsDownloadedCert``, ``iamUserIDs``, ``extendparam``, ``federationUID``.
* ``resolve_*`` helpers turn user-supplied names or ids into objects/ids and raise ``UcsNotFoundError``
  (a ``ConfigurationError``) naming what is unknown.
* Creating calls are sent with ``create=True``: they are never re-sent after a lost response; the client
  raises ``OutcomeUnknownError`` and the module looks the resource up by name.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy
import json
import re

from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ApiError, ConfigurationError, FleetopsError
from ansible_collections.fleetops.cloud.plugins.module_utils.compare import pick
from ansible_collections.fleetops.cloud.plugins.module_utils.paths import segment

SERVICE = "ucs"

# Kubernetes-style UUID (the UCS ids look like "6efb4a18-2fa4-11ee-ad1d-0255ac1001c4").
UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

POLICY_TYPES = ("readonly", "develop", "admin", "custom")

# Federation progress: phases of the Job (and sub-jobs) that end the wait.
FEDERATION_SUCCESS_PHASES = ("Success", "Succeeded", "Completed")
FEDERATION_FAILED_PHASES = ("Failed", "Failure", "Error")

# Error codes of the federation calls.
CODE_ALREADY_FEDERATED = "UCS.01080002"
CODE_NOT_FEDERATED = "UCS.01080006"

# Drifting spellings: canonical key -> other spellings seen in the documents / the SDK.
_CLUSTER_SPEC_ALIASES = {
    "projectID": ("projectId", "projectid"),
    "clusterGroupID": ("clusterGroupId", "clustergroupid"),
    "IsDownloadedCert": ("isDownloadedCert",),
    "manageType": ("managetype",),
    "apiEndpoint": ("apiendpoint",),
}
_FLEET_SPEC_ALIASES = {
    "federationId": ("federationID", "federationUID"),
    "dnsSuffix": ("dnssuffix", "dnsSuffixes"),
    "policyId": ("policyID",),
}
_POLICY_SPEC_ALIASES = {
    "iamUserIDs": ("iamUserIds", "iamuserids"),
}
_JOB_SPEC_ALIASES = {
    "extendparam": ("extendParam", "extend_param"),
    "federationUID": ("federationUid", "federationId", "federationID"),
    "resourceID": ("resourceId",),
    "subJobs": ("subjobs", "sub_jobs"),
}


# Source 3.1.6: the access info call answers 200 with "已下载" ("already downloaded") once the one-shot agent
# certificate was taken (the SDK models the 200 body as a list of strings, so it sees ``["已下载"]``).
ALREADY_DOWNLOADED = u"\u5df2\u4e0b\u8f7d"
_ALREADY_DOWNLOADED_EN = ("already downloaded", "already been downloaded")


def is_already_downloaded(body):
    """Whether an access-info answer (or an error message) is the "already downloaded" text, not manifests.

    Recognised: the plain text or JSON string ``已下载`` (with or without more words), a list holding only such
    strings (the SDK's ``list[str]`` view), and the English wording some gateways use.
    """
    if isinstance(body, (list, tuple)):
        return bool(body) and all(isinstance(item, str) and is_already_downloaded(item) for item in body)
    if not isinstance(body, str):
        return False
    text = body.strip().strip('"').strip()
    if text.startswith("[") or text.startswith("{"):
        try:
            return is_already_downloaded(json.loads(text))
        except ValueError:
            return False
    lowered = text.lower()
    return ALREADY_DOWNLOADED in text or any(words in lowered for words in _ALREADY_DOWNLOADED_EN)


class CertificateTakenError(FleetopsError):
    """The agent certificate of a cluster was already downloaded: UCS will not hand it out again.

    Raised by ``UcsApi.get_cluster_accessinfo`` for the documented 200 "已下载" answer and for a 4xx error saying the
    same; ``status`` is the HTTP status and ``error`` the ``ApiError`` (None for the 200 answer).
    """

    def __init__(self, cluster_id, status, error=None):
        self.cluster_id = cluster_id
        self.status = status
        self.error = error
        super(CertificateTakenError, self).__init__(
            "The agent certificate of cluster %s was already downloaded (UCS answered %s: %s)."
            % (cluster_id, status, ALREADY_DOWNLOADED))


class UcsNotFoundError(ConfigurationError):
    """A name or id the user gave does not match any UCS resource (raised by the ``resolve_*`` helpers).

    ``kind`` is the resource kind ("fleet", "cluster", "policy") and ``names`` the unknown names.
    """

    def __init__(self, kind, names):
        self.kind = kind
        self.names = list(names)
        plural = "s" if len(self.names) > 1 else ""
        super(UcsNotFoundError, self).__init__(
            "No UCS %s%s named (or with the id) %s." % (kind, plural, ", ".join("'%s'" % n for n in self.names)))


# The UCS reference gives no rule for fleet or policy names (tables 3-138 "容器舰队名称" and 3-238 "权限策略名称":
# a required string, nothing more), so only what no name can be is refused here; UCS judges the rest.
RESOURCE_NAME_MAX = 255


def check_resource_name(name, kind, option="name"):
    """None when ``name`` can name a UCS ``kind`` (fleet, permission policy), else a message naming ``option``.

    Refused: a non-string or empty name, one longer than ``RESOURCE_NAME_MAX`` characters, control characters,
    and ``/`` (a name is looked up, and may end up in a URL path, as one segment).
    """
    if not isinstance(name, str) or not name:
        return "%s (the %s name) must be a non-empty string, got %r" % (option, kind, name)
    if len(name) > RESOURCE_NAME_MAX:
        return "%s (the %s name) is %d characters long; at most %d are accepted" % (
            option, kind, len(name), RESOURCE_NAME_MAX)
    if any(ord(char) < 32 or 127 <= ord(char) < 160 for char in name):
        return "%s (the %s name) %r contains control characters" % (option, kind, name)
    if "/" in name:
        return "%s (the %s name) %r contains '/', which no %s name can hold" % (option, kind, name, kind)
    return None


def is_uuid(value):
    """True when ``value`` has the shape of a UCS (Kubernetes) UUID."""
    return isinstance(value, str) and bool(UUID_RE.match(value))


def _alias(mapping, aliases):
    """Rename the drifting keys of ``mapping`` (in place) to their canonical spelling."""
    if not isinstance(mapping, dict):
        return mapping
    for canonical, others in aliases.items():
        for other in others:
            if other in mapping:
                value = mapping.pop(other)
                if mapping.get(canonical) is None:
                    mapping[canonical] = value
    return mapping


def _meta_spec_status(obj):
    """A deep copy of ``obj`` with ``metadata``, ``spec`` and ``status`` present as dicts."""
    obj = copy.deepcopy(obj) if isinstance(obj, dict) else {}
    for key in ("metadata", "spec", "status"):
        if not isinstance(obj.get(key), dict):
            obj[key] = {}
    return obj


def normalize_bindings(value):
    """Normalise policy bindings to ``[{"ruleIDs": [...], "namespaces": [...]}]``.

    Accepts the request spelling (``ruleIDs``/``ruleIds``), the object spelling
    (``{"rules": [{"ruleID", "ruleName"}], "namespaces"}``) and a wrapping ``{"ruleIDNamespaces": [...]}``.
    Lists of strings (the fleet table's ``ruleNamespaces: Array of strings``) carry no rule ids and are dropped.
    """
    if isinstance(value, dict):
        value = pick(value, "ruleIDNamespaces", "ruleIdNamespaces", default=[])
    out = []
    for item in value or []:
        if not isinstance(item, dict):
            continue
        ids = pick(item, "ruleIDs", "ruleIds", "ruleids")
        if ids is None and isinstance(item.get("rules"), list):
            ids = [pick(rule, "ruleID", "ruleId", "ruleid", "uid") for rule in item["rules"] if isinstance(rule, dict)]
        ids = [i for i in (ids or []) if i]
        namespaces = [n for n in (item.get("namespaces") or []) if n]
        out.append({"ruleIDs": ids, "namespaces": namespaces})
    return out


def canonical_bindings(bindings):
    """Order-insensitive form of bindings (sorted ids and namespaces, sorted entries), for comparisons."""
    items = []
    for item in normalize_bindings(bindings):
        items.append({"ruleIDs": sorted(set(item["ruleIDs"])), "namespaces": sorted(set(item["namespaces"]))})
    return sorted(items, key=lambda i: json.dumps(i, sort_keys=True))


def normalize_cluster(obj):
    """A cluster object with one spelling for the drifting fields (``projectID``, ``clusterGroupID``, ``IsDownloadedCert``)."""
    obj = _meta_spec_status(obj)
    _alias(obj["spec"], _CLUSTER_SPEC_ALIASES)
    return obj


def strip_cluster_secrets(obj):
    """A copy of a (normalised) cluster without the kubeconfig annotation and secret references."""
    obj = copy.deepcopy(obj)
    annotations = obj.get("metadata", {}).get("annotations")
    if isinstance(annotations, dict):
        for key in list(annotations):
            if key.lower() == "kubeconfig":
                annotations.pop(key)
    return obj


def normalize_fleet(obj):
    """A fleet (ClusterGroup) object with one spelling for the drifting fields."""
    obj = _meta_spec_status(obj)
    _alias(obj["spec"], _FLEET_SPEC_ALIASES)
    return obj


def normalize_policy(obj):
    """A permission policy (Rule) with ``iamUserIDs`` whatever the API spelled."""
    obj = _meta_spec_status(obj)
    _alias(obj["spec"], _POLICY_SPEC_ALIASES)
    return obj


def normalize_job(obj):
    """A federation progress Job (and its sub-jobs, recursively) with one spelling for the drifting fields."""
    obj = _meta_spec_status(obj)
    _alias(obj["spec"], _JOB_SPEC_ALIASES)
    subs = obj["spec"].get("subJobs")
    if isinstance(subs, list):
        obj["spec"]["subJobs"] = [normalize_job(sub) for sub in subs]
    return obj


def failed_sub_jobs(job):
    """The sub-jobs of a (normalised) Job whose phase is a failure: list of ``{type, phase, reason}``."""
    out = []
    for sub in (job or {}).get("spec", {}).get("subJobs") or []:
        phase = (sub.get("status") or {}).get("phase")
        if phase in FEDERATION_FAILED_PHASES:
            out.append({"type": (sub.get("spec") or {}).get("type"), "phase": phase,
                        "reason": (sub.get("status") or {}).get("reason")})
    return out


def member_list(clusters):
    """``[{name, id}]`` sorted by name, from (normalised) cluster objects."""
    members = [{"name": c["metadata"].get("name"), "id": c["metadata"].get("uid")} for c in clusters]
    return sorted(members, key=lambda m: (m["name"] or "", m["id"] or ""))


def bindings_view(bindings):
    """Bindings in the form of the modules' ``policies`` option: ``[{policies: [ids], namespaces: [...]}]``."""
    return [{"policies": b["ruleIDs"], "namespaces": b["namespaces"]} for b in normalize_bindings(bindings)]


def _add_unique(out, names):
    for name in names or []:
        if isinstance(name, str) and name and name not in out:
            out.append(name)
    return out


def fleet_namespaces(rule_namespaces):
    """The namespaces a fleet's policies are bound to, from its ``spec.ruleNamespaces``.

    Source table 3-155 and the SDK (``ClusterGroupSpec.rule_namespaces: list[str]``) make it a list of namespace
    names, with no policy ids; the object form of clusters (``{rules, namespaces}``) is read too, in case a
    deployment answers with it.  De-duplicated, in the order given.
    """
    out = []
    for item in rule_namespaces or []:
        if isinstance(item, str):
            _add_unique(out, [item])
        elif isinstance(item, dict) and item.get("rules"):
            _add_unique(out, item.get("namespaces"))
    return out


def bindings_namespaces(bindings):
    """The namespaces that bindings bind at least one policy to (what a fleet reports once they are applied)."""
    out = []
    for item in normalize_bindings(bindings):
        if item["ruleIDs"]:
            _add_unique(out, item["namespaces"])
    return out


def binding_pairs(bindings):
    """The set of ``(policy id, namespace)`` pairs that bindings grant: the exact meaning of a binding list,
    whatever the grouping into entries and the order of ids and namespaces."""
    pairs = set()
    for item in normalize_bindings(bindings):
        for rule_id in item["ruleIDs"]:
            for namespace in item["namespaces"]:
                pairs.add((rule_id, namespace))
    return pairs


def reported_bindings(rule_namespaces):
    """What a fleet (or cluster) reports of its bindings, from its ``spec.ruleNamespaces``.

    Returns ``(pairs, names)``: ``pairs`` the set of ``(policy id, namespace)`` pairs when the answer carries
    policy ids (the object form ``[{rules: [{ruleID, ruleName}], namespaces}]`` that the Terraform provider reads
    for fleets), else None (table 3-155 and the SDK: an array of namespace names, no ids); ``names`` maps the
    reported ``ruleName`` of each policy to its ``ruleID``.
    """
    if not rule_namespaces:
        return set(), {}  # no bindings: both readings agree
    pairs, names, with_ids = set(), {}, False
    for item in rule_namespaces:
        if not isinstance(item, dict):
            continue
        with_ids = True
        rules = item.get("rules") if isinstance(item.get("rules"), list) else []
        namespaces = [n for n in (item.get("namespaces") or []) if isinstance(n, str) and n]
        for rule in rules:
            if not isinstance(rule, dict):
                continue
            rule_id = pick(rule, "ruleID", "ruleId", "ruleid")
            if not rule_id:
                continue
            name = pick(rule, "ruleName", "rulename")
            if name:
                names[name] = rule_id
            for namespace in namespaces:
                pairs.add((rule_id, namespace))
    return (pairs if with_ids else None), names


# Check mode on an empty account: an object a task would create gets this placeholder id, which later tasks of the
# same check run accept without looking it up (outside check mode it is refused before any call).
PREDICTED_ID_PREFIX = "(predicted)"


def predicted_id(kind, name):
    """The placeholder id of a ``kind`` object named ``name`` that a task in check mode would create."""
    return "%s %s %s" % (PREDICTED_ID_PREFIX, kind, name)


def is_predicted_id(value):
    """True for a placeholder id made by ``predicted_id`` (never a real UCS id: UCS ids are UUIDs)."""
    return isinstance(value, str) and value.startswith(PREDICTED_ID_PREFIX + " ")


def fleet_view(fleet, members):
    """A fleet as the modules return it: the API object plus ``clusters`` (members) and ``policy_namespaces``.

    UCS reports only the namespaces of a fleet's policy bindings, not the policies (see ``fleet_namespaces``).
    """
    view = copy.deepcopy(fleet)
    if members is not None:  # None: the members were not read (the task does not manage them)
        view["clusters"] = member_list(members)
    view["policy_namespaces"] = fleet_namespaces(fleet.get("spec", {}).get("ruleNamespaces"))
    pairs, dummy = reported_bindings(fleet.get("spec", {}).get("ruleNamespaces"))
    if pairs is not None:
        view["policies"] = bindings_view_from_pairs(pairs)
    return view


def bindings_view_from_pairs(pairs):
    """``[{policies, namespaces}]`` from ``(id, namespace)`` pairs: one entry per set of namespaces, sorted."""
    by_policy = {}
    for rule_id, namespace in pairs:
        by_policy.setdefault(rule_id, set()).add(namespace)
    groups = {}
    for rule_id, namespaces in by_policy.items():
        groups.setdefault(tuple(sorted(namespaces)), []).append(rule_id)
    return [{"policies": sorted(ids), "namespaces": list(namespaces)} for namespaces, ids in sorted(groups.items())]


def policy_spec(policy_type=None, iam_user_ids=None, contents=None, description=None):
    """The ``spec`` of a permission policy, with only the fields given (None = not set)."""
    spec = {}
    if policy_type is not None:
        spec["type"] = policy_type
    if iam_user_ids is not None:
        spec["iamUserIDs"] = list(iam_user_ids)
    if contents is not None:
        spec["contents"] = [{"verbs": list(c.get("verbs") or []), "resources": list(c.get("resources") or [])}
                            for c in contents]
    if description is not None:
        spec["description"] = description
    return spec


def _fleet_path(fleet_id, suffix=None):
    """``/v1/clustergroups/{id}[/suffix]`` with the id encoded as one path segment."""
    path = "/v1/clustergroups/%s" % segment(fleet_id, "fleet id")
    return path + "/" + suffix if suffix else path


def _body_id(body):
    """The id in a create answer: ``{uid}``, ``{id}`` or a plain-text id."""
    if isinstance(body, dict):
        return pick(body, "uid", "id", "ID")
    if isinstance(body, str) and body.strip():
        return body.strip()
    return None


class UcsApi(object):
    """Facade over the UCS API. ``client`` is a ``CloudClient`` (or anything with the same ``call``)."""

    page_size = 100
    max_pages = 1000

    def __init__(self, client, page_size=None):
        self.client = client
        if page_size:
            self.page_size = page_size

    # ---- plumbing ---------------------------------------------------------------------------------

    def _call(self, method, path, query=None, json_body=None, create=False):
        kwargs = {}
        if query:
            kwargs["query"] = query
        if json_body is not None:
            kwargs["json"] = json_body
        if create:
            kwargs["create"] = True
        return self.client.call(SERVICE, method, path, **kwargs)

    def _get_or_none(self, path, query=None):
        try:
            return self._call("GET", path, query=query).body
        except ApiError as exc:
            if exc.status == 404:
                return None
            raise

    def _iter_items(self, path, query=None, item_key="items"):
        """The raw items of a list call, lazily: callers that stop at a match stop the paging too.

        The UCS lists document ``limit`` -1 (the default) as "everything" (source tables, and the official SDK's
        ``ListClusterGroupRequest``/``ListRuleRequest``: "默认为-1"), so the first call asks for all of it. A server
        that caps the page anyway (fewer items than ``total``) is paged on with ``offset``, at the size it chose
        (or ``page_size``), bounded by ``max_pages``. Items are yielded as returned (not copied, not normalised).
        """
        page_query = dict(query or {})
        page_query.update({"limit": -1, "offset": 0})
        seen = 0
        for dummy in range(self.max_pages):
            body = self._call("GET", path, query=dict(page_query)).body
            if isinstance(body, list):  # an unpaged answer
                yield from body
                return
            body = body if isinstance(body, dict) else {}
            page = body.get(item_key) or []
            yield from page
            seen += len(page)
            total = body.get("total")
            if not page or not isinstance(total, int) or seen >= total:
                return
            # Capped page: go on from where it stopped, at the server's page size.
            page_query.update({"limit": len(page) if page_query["limit"] == -1 else page_query["limit"],
                               "offset": seen})

    def _list_all(self, path, query=None, item_key="items"):
        """Every item of a list (see ``_iter_items``: one call where the server returns everything)."""
        return list(self._iter_items(path, query, item_key))

    def _first(self, path, predicate, query=None, item_key="items"):
        """The first raw item for which ``predicate(item)`` is true (paging stops there), or None."""
        for item in self._iter_items(path, query, item_key):
            if isinstance(item, dict) and predicate(item):
                return item
        return None

    def _match_all(self, path, keys):
        """``{key: raw item}`` for each key that is the uid or the name of an item (a uid wins over a name).

        One pass over the list, which stops once every key is matched (a UUID-shaped key matched only by a name
        keeps the search going, since an item whose uid is that key would win).
        """
        keys = set(keys)
        by_uid, by_name = {}, {}
        for item in self._iter_items(path):
            meta = item.get("metadata") if isinstance(item, dict) else None
            if not isinstance(meta, dict):
                continue
            if meta.get("uid") in keys:
                by_uid.setdefault(meta["uid"], item)
            if meta.get("name") in keys:
                by_name.setdefault(meta["name"], item)
            if self._all_matched(keys, by_uid, by_name):
                break
        out = dict(by_name)
        out.update(by_uid)
        return out

    @staticmethod
    def _all_matched(keys, by_uid, by_name):
        """Whether the search can stop: every key matched, and none matched by name only could still be a uid."""
        for key in keys:
            if key in by_uid:
                continue
            if key not in by_name or is_uuid(key):
                return False
        return True

    @staticmethod
    def _named(name):
        return lambda item: (item.get("metadata") or {}).get("name") == name

    @staticmethod
    def _with_uid(uid):
        return lambda item: (item.get("metadata") or {}).get("uid") == uid

    @staticmethod
    def _by_name(objects, name):
        for obj in objects:
            if obj.get("metadata", {}).get("name") == name:
                return obj
        return None

    # ---- clusters ---------------------------------------------------------------------------------

    def list_clusters(self, category=None, enablestatus=None, clustergroupid=None, managetype=None,
                      clusterids=None, order_by=None, order=None):
        """Every registered cluster matching the filters (``clusterids``: list or comma string)."""
        query = {}
        if category is not None:
            query["category"] = category
        if enablestatus is not None:
            query["enablestatus"] = "true" if enablestatus else "false"
        if clustergroupid is not None:
            query["clustergroupid"] = clustergroupid
        if managetype is not None:
            query["managetype"] = managetype
        if clusterids:
            query["clusterids"] = clusterids if isinstance(clusterids, str) else ",".join(clusterids)
        if order_by is not None:
            query["order_by"] = order_by
        if order is not None:
            query["order"] = order
        clusters = [normalize_cluster(c) for c in self._list_all("/v1/clusters", query)]
        if clustergroupid is not None:  # the filter is also applied here in case a server ignores it
            clusters = [c for c in clusters if c["spec"].get("clusterGroupID") == clustergroupid]
        return clusters

    def get_cluster(self, cluster_id):
        """The cluster with this id, or None."""
        if not is_uuid(cluster_id):
            return None
        body = self._get_or_none("/v1/clusters/%s" % cluster_id)
        return normalize_cluster(body) if isinstance(body, dict) else None

    def find_cluster_by_name(self, name):
        """The registered cluster named ``name``, or None (one list call; stops at the first match)."""
        found = self._first("/v1/clusters", self._named(name))
        return normalize_cluster(found) if found is not None else None

    def resolve_cluster(self, name_or_id):
        """The cluster with this id or name; raises ``UcsNotFoundError`` when there is none."""
        cluster = self.get_cluster(name_or_id) if is_uuid(name_or_id) else None
        if cluster is None:
            cluster = self.find_cluster_by_name(name_or_id)
        if cluster is None:
            raise UcsNotFoundError("cluster", [name_or_id])
        return cluster

    def resolve_clusters(self, names_or_ids):
        """The clusters for a list of names or ids (one list call); raises ``UcsNotFoundError`` naming all unknown."""
        wanted = list(names_or_ids or [])
        if not wanted:
            return []
        matches = self._match_all("/v1/clusters", wanted)
        missing = [key for key in wanted if key not in matches]
        if missing:
            raise UcsNotFoundError("cluster", missing)
        found, seen = [], set()
        for key in wanted:
            uid = matches[key]["metadata"].get("uid")
            if uid not in seen:
                seen.add(uid)
                found.append(normalize_cluster(matches[key]))
        return found

    def register_cluster(self, body):
        """``POST /v1/clusters`` (a full register body); returns the new cluster id."""
        return _body_id(self._call("POST", "/v1/clusters", json_body=body, create=True).body)

    def update_cluster(self, cluster_id, body):
        """``PUT /v1/clusters/{id}`` with ``{kind, apiVersion, metadata, spec}`` (country/city/workers/kubeconfig)."""
        body = dict(body)
        body.setdefault("kind", "Cluster")
        body.setdefault("apiVersion", "v1")
        return self._call("PUT", "/v1/clusters/%s" % cluster_id, json_body=body).body

    def unregister_cluster(self, cluster_id):
        """``DELETE /v1/clusters/{id}``; returns False when the cluster was already gone."""
        try:
            self._call("DELETE", "/v1/clusters/%s" % cluster_id)
        except ApiError as exc:
            if exc.status == 404:
                return False
            raise
        return True

    def get_cluster_accessinfo(self, cluster_id, vpcendpoint=None, region=None):
        """The one-shot agent manifests of an attached/on-premise cluster (list of k8s objects or strings).

        Raises ``CertificateTakenError`` when UCS says the certificate was already downloaded: the documented
        200 answer ``已下载`` (plain text, a JSON string or a list holding it) or a 4xx error with that text.
        """
        query = {}
        if vpcendpoint is not None:
            query["vpcendpoint"] = vpcendpoint
        if region is not None:
            query["region"] = region
        try:
            # One-shot: sent with create=True so that the transport never repeats it. A lost answer raises
            # OutcomeUnknownError (the certificate may be spent); the caller decides how to recover.
            resp = self._call("GET", "/v1/clusters/%s/accessinfo" % cluster_id, query=query, create=True)
        except ApiError as exc:
            if exc.status is not None and 400 <= exc.status < 500 and is_already_downloaded(exc.message or ""):
                raise CertificateTakenError(cluster_id, exc.status, error=exc)
            raise
        if is_already_downloaded(resp.body):
            raise CertificateTakenError(cluster_id, resp.status)
        return resp.body

    def activate_cluster(self, cluster_id, once=False):
        """``PUT /v1/clusters/{id}/activation`` (``once``: never re-sent by the transport; see ``confirmed_write``)."""
        return self._call("PUT", "/v1/clusters/%s/activation" % cluster_id, create=once).body

    def bind_cluster_policies(self, cluster_id, bindings, once=False):
        """``PUT /v1/clusters/{id}/associatedrules`` with ``[{ruleIDs, namespaces}]``."""
        body = {"ruleIDNamespaces": normalize_bindings(bindings)}
        return self._call("PUT", "/v1/clusters/%s/associatedrules" % cluster_id, json_body=body, create=once).body

    def list_managed_clusters(self, unregistered=None):
        """The tenant's CCE clusters (``unregistered``: True = only those not yet in UCS).

        The filter goes out under both names: ``unregister`` (source 3.1.9, table 3-98) and ``unimported`` (the
        official SDK's ``ListManagedClustersRequest``); a server that knows only one of them ignores the other.
        """
        query = {}
        if unregistered is not None:
            flag = "true" if unregistered else "false"
            query["unregister"] = flag
            query["unimported"] = flag
        body = self._call("GET", "/v1/managedclusters", query=query).body
        if isinstance(body, dict):
            body = pick(body, "items", "clusters", default=[])
        return [normalize_cluster(c) for c in body or []]

    def list_cluster_versions(self):
        """Kubernetes versions UCS accepts for registration, e.g. ``["v1.19", ...]``."""
        body = self._call("GET", "/v1/config/registeredclusterversions").body
        if isinstance(body, dict):
            return list(body.get("versions") or [])
        return list(body or [])

    def join_fleet(self, cluster_id, fleet_id, once=False):
        """``POST /v1/clusters/{id}/join`` with ``{clusterGroupID}``.

        ``once``: sent with ``create=True`` (never re-sent by the transport), for ``FleetopsModule.confirmed_write``.
        """
        body = {"clusterGroupID": fleet_id}
        return self._call("POST", "/v1/clusters/%s/join" % cluster_id, json_body=body, create=once).body

    def unjoin_fleet(self, cluster_id, once=False):
        """``POST /v1/clusters/{id}/unjoin`` (``once`` as for ``join_fleet``)."""
        return self._call("POST", "/v1/clusters/%s/unjoin" % cluster_id, create=once).body

    # ---- fleets (clustergroups) -------------------------------------------------------------------

    def list_fleets(self, order_by=None, order=None):
        """Every fleet (all pages)."""
        query = {}
        if order_by is not None:
            query["order_by"] = order_by
        if order is not None:
            query["order"] = order
        return [normalize_fleet(f) for f in self._list_all("/v1/clustergroups", query)]

    def get_fleet(self, fleet_id):
        """The fleet with this id, or None."""
        if not is_uuid(fleet_id):
            return None
        body = self._get_or_none(_fleet_path(fleet_id))
        return normalize_fleet(body) if isinstance(body, dict) else None

    def find_fleet_by_name(self, name):
        """The fleet named ``name``, or None (one list call; stops at the first match)."""
        found = self._first("/v1/clustergroups", self._named(name))
        return normalize_fleet(found) if found is not None else None

    def resolve_fleet(self, name_or_id):
        """The fleet with this id or name; raises ``UcsNotFoundError`` when there is none."""
        fleet = self.get_fleet(name_or_id) if is_uuid(name_or_id) else None
        if fleet is None:
            fleet = self.find_fleet_by_name(name_or_id)
        if fleet is None:
            raise UcsNotFoundError("fleet", [name_or_id])
        return fleet

    def create_fleet(self, name, description=None, cluster_ids=None):
        """``POST /v1/clustergroups``; returns the new fleet id. May raise ``OutcomeUnknownError``."""
        spec = {}
        if cluster_ids:
            spec["clusterIds"] = list(cluster_ids)
        if description is not None:
            spec["description"] = description
        body = {"metadata": {"name": name}, "spec": spec}
        return _body_id(self._call("POST", "/v1/clustergroups", json_body=body, create=True).body)

    def delete_fleet(self, fleet_id):
        """``DELETE /v1/clustergroups/{id}`` (only an empty fleet); returns False when already gone."""
        try:
            self._call("DELETE", _fleet_path(fleet_id))
        except ApiError as exc:
            if exc.status == 404:
                return False
            raise
        return True

    def list_fleet_clusters(self, fleet_id):
        """The member clusters of a fleet."""
        return self.list_clusters(clustergroupid=fleet_id)

    def add_fleet_clusters(self, fleet_id, cluster_ids, current_ids=(), once=False):
        """``PUT /v1/clustergroups/{id}/associatedclusters`` with the current members plus the new ones.

        Source 3.2.6 says the call adds clusters and "无法清空或减少管理的集群" (cannot empty or reduce the managed
        clusters), which reads both as "adds the given ids" and as "replaces the list, which must not shrink":
        sending current ∪ new is right under both. ``once``: never re-sent by the transport (``confirmed_write``).
        """
        ids = list(current_ids or [])
        for cluster_id in cluster_ids:
            if cluster_id not in ids:
                ids.append(cluster_id)
        body = {"clusterIds": ids}
        return self._call("PUT", _fleet_path(fleet_id, "associatedclusters"), json_body=body, create=once).body

    def update_fleet_description(self, fleet_id, description):
        """``PUT /v1/clustergroups/{id}/description``."""
        body = {"description": description}
        return self._call("PUT", _fleet_path(fleet_id, "description"), json_body=body).body

    def bind_fleet_policies(self, fleet_id, bindings, once=False):
        """``PUT /v1/clustergroups/{id}/associatedrules`` with ``[{ruleIDs, namespaces}]`` (``once`` as above)."""
        body = {"ruleIDNamespaces": normalize_bindings(bindings)}
        return self._call("PUT", _fleet_path(fleet_id, "associatedrules"), json_body=body, create=once).body

    def update_fleet_zones(self, fleet_id, dns_suffix, once=False):
        """``PUT /v1/clustergroups/{id}/associatedzones`` with ``{dnsSuffix}`` (``once`` as above)."""
        body = {"dnsSuffix": list(dns_suffix)}
        return self._call("PUT", _fleet_path(fleet_id, "associatedzones"), json_body=body, create=once).body

    # ---- federation -------------------------------------------------------------------------------

    def enable_federation(self, fleet_id, retry_join_all=None):
        """``POST /v1/clustergroups/{id}/federations`` (asynchronous; poll ``get_federation_progress``).

        Sent as a non-idempotent call: after a lost response, read the progress instead of re-sending.
        """
        query = {}
        if retry_join_all is not None:
            query["retryjoinall"] = "true" if retry_join_all else "false"
        return self._call("POST", _fleet_path(fleet_id, "federations"), query=query, create=True).body

    def disable_federation(self, fleet_id):
        """``DELETE /v1/clustergroups/{id}/federations``, sent once (never re-sent by the transport).

        Returns False when UCS answers that the fleet is not federated (``UCS.01080006``). Callers decide
        completion from the fleet (``federationId`` gone), see ``FleetopsModule.confirmed_write``.
        """
        try:
            self._call("DELETE", _fleet_path(fleet_id, "federations"), create=True)
        except ApiError as exc:
            if exc.code == CODE_NOT_FEDERATED:
                return False
            raise
        return True

    def get_federation_progress(self, fleet_id):
        """The federation Job of a fleet (normalised), or None when UCS serves none.

        "No job" covers every answer the documents give for a fleet without one: 404 and 400 (source 3.2.13
        lists both), among them ``UCS.01080001`` / ``UCS.00000003`` "Failed to obtain the federation information"
        (source 5.2) and ``UCS.01080006`` (not federated); and an empty body. Whether the federation exists is
        the fleet's ``spec.federationId``, not this answer.
        """
        try:
            body = self._call("GET", _fleet_path(fleet_id, "federations/progress")).body
        except ApiError as exc:
            if exc.status in (400, 404):
                return None
            raise
        return normalize_job(body) if isinstance(body, dict) and body else None

    def create_fleet_cert(self, fleet_id, project_id, vpc_id, subnet_id, duration):
        """``POST /v1/clustergroups/{id}/cert``: network connection + kubeconfig in one call (body as returned).

        Mints a credential: sent once, never re-sent by the transport.
        """
        body = {"projectID": project_id, "vpcID": vpc_id, "subnetID": subnet_id, "duration": int(duration)}
        return self._call("POST", _fleet_path(fleet_id, "cert"), json_body=body, create=True).body

    def create_fleet_connection(self, fleet_id, project_id, vpc_id, subnet_id):
        """``POST /v1/clustergroups/{id}/connection``: creates the VPC endpoint; returns its id."""
        body = {"projectID": project_id, "vpcID": vpc_id, "subnetID": subnet_id}
        resp = self._call("POST", _fleet_path(fleet_id, "connection"), json_body=body, create=True)
        return _body_id(resp.body)

    def download_fleet_kubeconfig(self, fleet_id, duration):
        """``POST /v1/clustergroups/{id}/kubeconfig``: the federation kubeconfig (dict, or text) for ``duration`` days.

        Mints a credential: sent once, never re-sent by the transport (a lost answer raises ``OutcomeUnknownError``).
        """
        body = {"duration": int(duration)}
        return self._call("POST", _fleet_path(fleet_id, "kubeconfig"), json_body=body, create=True).body

    # ---- permission policies (rules) --------------------------------------------------------------

    def list_policies(self, order_by=None, order=None):
        """Every permission policy (all pages)."""
        query = {}
        if order_by is not None:
            query["order_by"] = order_by
        if order is not None:
            query["order"] = order
        return [normalize_policy(p) for p in self._list_all("/v1/permissions/rules", query)]

    def get_policy(self, policy_id):
        """The policy with this id (read through the list: there is no get-one call), or None."""
        found = self._first("/v1/permissions/rules", self._with_uid(policy_id))
        return normalize_policy(found) if found is not None else None

    def find_policy_by_name(self, name):
        """The policy named ``name``, or None (one list call; stops at the first match)."""
        found = self._first("/v1/permissions/rules", self._named(name))
        return normalize_policy(found) if found is not None else None

    def resolve_policy_ids(self, names_or_ids):
        """Policy ids for a list of names or ids (one list call); raises ``UcsNotFoundError`` naming all unknown."""
        wanted = list(names_or_ids or [])
        if not wanted:
            return []
        matches = self._match_all("/v1/permissions/rules", wanted)
        missing = [key for key in wanted if key not in matches]
        if missing:
            raise UcsNotFoundError("policy", missing)
        return [matches[key]["metadata"]["uid"] for key in wanted]

    def create_policy(self, name, spec):
        """``POST /v1/permissions/rules``; returns the new policy id. May raise ``OutcomeUnknownError``."""
        body = {"metadata": {"name": name}, "spec": dict(spec)}
        return _body_id(self._call("POST", "/v1/permissions/rules", json_body=body, create=True).body)

    def update_policy(self, policy_id, spec):
        """``PUT /v1/permissions/rules/{id}`` with ``{spec}``."""
        return self._call("PUT", "/v1/permissions/rules/%s" % segment(policy_id, "policy id"), json_body={"spec": dict(spec)}).body

    def delete_policy(self, policy_id):
        """``DELETE /v1/permissions/rules/{id}``; returns False when already gone."""
        try:
            self._call("DELETE", "/v1/permissions/rules/%s" % segment(policy_id, "policy id"))
        except ApiError as exc:
            if exc.status == 404:
                return False
            raise
        return True

    # ---- BEGIN cluster-engineer block ---------------------------------------------------------------
    # Methods appended by the owner of the ucs_cluster* modules go here; the facade owner leaves this
    # block alone.
    # ---- END cluster-engineer block -----------------------------------------------------------------

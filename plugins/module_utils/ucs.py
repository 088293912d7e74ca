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


def fleet_view(fleet, members):
    """A fleet as the modules return it: the API object plus ``clusters`` (members) and ``policy_namespaces``.

    UCS reports only the namespaces of a fleet's policy bindings, not the policies (see ``fleet_namespaces``).
    """
    view = copy.deepcopy(fleet)
    view["clusters"] = member_list(members)
    view["policy_namespaces"] = fleet_namespaces(fleet.get("spec", {}).get("ruleNamespaces"))
    return view


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

    def _list_all(self, path, query=None, item_key="items"):
        """Every item of a paged list (``limit``/``offset`` until ``total``; bounded by ``max_pages``)."""
        items = []
        offset = 0
        for dummy in range(self.max_pages):
            page_query = dict(query or {})
            page_query.update({"limit": self.page_size, "offset": offset})
            body = self._call("GET", path, query=page_query).body
            if isinstance(body, list):  # an unpaged answer
                return body
            body = body if isinstance(body, dict) else {}
            page = body.get(item_key) or []
            items.extend(page)
            total = body.get("total")
            if not page or (isinstance(total, int) and len(items) >= total):
                break
            if not isinstance(total, int) and len(page) < self.page_size:
                break
            offset += len(page)
        return items

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
        """The registered cluster named ``name``, or None."""
        return self._by_name(self.list_clusters(), name)

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
        clusters = self.list_clusters()
        found, missing = [], []
        for key in wanted:
            match = [c for c in clusters if c["metadata"].get("uid") == key] or \
                [c for c in clusters if c["metadata"].get("name") == key]
            if match:
                if match[0] not in found:
                    found.append(match[0])
            else:
                missing.append(key)
        if missing:
            raise UcsNotFoundError("cluster", missing)
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
            resp = self._call("GET", "/v1/clusters/%s/accessinfo" % cluster_id, query=query)
        except ApiError as exc:
            if exc.status is not None and 400 <= exc.status < 500 and is_already_downloaded(exc.message or ""):
                raise CertificateTakenError(cluster_id, exc.status, error=exc)
            raise
        if is_already_downloaded(resp.body):
            raise CertificateTakenError(cluster_id, resp.status)
        return resp.body

    def activate_cluster(self, cluster_id):
        """``PUT /v1/clusters/{id}/activation``."""
        return self._call("PUT", "/v1/clusters/%s/activation" % cluster_id).body

    def bind_cluster_policies(self, cluster_id, bindings):
        """``PUT /v1/clusters/{id}/associatedrules`` with ``[{ruleIDs, namespaces}]``."""
        body = {"ruleIDNamespaces": normalize_bindings(bindings)}
        return self._call("PUT", "/v1/clusters/%s/associatedrules" % cluster_id, json_body=body).body

    def list_managed_clusters(self, unregistered=None):
        """The tenant's CCE clusters (``unregistered``: True = only those not yet in UCS)."""
        query = {}
        if unregistered is not None:
            query["unregister"] = "true" if unregistered else "false"
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

    def join_fleet(self, cluster_id, fleet_id):
        """``POST /v1/clusters/{id}/join`` with ``{clusterGroupID}`` (safe to repeat)."""
        return self._call("POST", "/v1/clusters/%s/join" % cluster_id, json_body={"clusterGroupID": fleet_id}).body

    def unjoin_fleet(self, cluster_id):
        """``POST /v1/clusters/{id}/unjoin`` (safe to repeat)."""
        return self._call("POST", "/v1/clusters/%s/unjoin" % cluster_id).body

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
        body = self._get_or_none("/v1/clustergroups/%s" % fleet_id)
        return normalize_fleet(body) if isinstance(body, dict) else None

    def find_fleet_by_name(self, name):
        """The fleet named ``name``, or None."""
        return self._by_name(self.list_fleets(), name)

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
            self._call("DELETE", "/v1/clustergroups/%s" % fleet_id)
        except ApiError as exc:
            if exc.status == 404:
                return False
            raise
        return True

    def list_fleet_clusters(self, fleet_id):
        """The member clusters of a fleet."""
        return self.list_clusters(clustergroupid=fleet_id)

    def add_fleet_clusters(self, fleet_id, cluster_ids):
        """``PUT /v1/clustergroups/{id}/associatedclusters`` (adds only)."""
        body = {"clusterIds": list(cluster_ids)}
        return self._call("PUT", "/v1/clustergroups/%s/associatedclusters" % fleet_id, json_body=body).body

    def update_fleet_description(self, fleet_id, description):
        """``PUT /v1/clustergroups/{id}/description``."""
        body = {"description": description}
        return self._call("PUT", "/v1/clustergroups/%s/description" % fleet_id, json_body=body).body

    def bind_fleet_policies(self, fleet_id, bindings):
        """``PUT /v1/clustergroups/{id}/associatedrules`` with ``[{ruleIDs, namespaces}]``."""
        body = {"ruleIDNamespaces": normalize_bindings(bindings)}
        return self._call("PUT", "/v1/clustergroups/%s/associatedrules" % fleet_id, json_body=body).body

    def update_fleet_zones(self, fleet_id, dns_suffix):
        """``PUT /v1/clustergroups/{id}/associatedzones`` with ``{dnsSuffix}``."""
        body = {"dnsSuffix": list(dns_suffix)}
        return self._call("PUT", "/v1/clustergroups/%s/associatedzones" % fleet_id, json_body=body).body

    # ---- federation -------------------------------------------------------------------------------

    def enable_federation(self, fleet_id, retry_join_all=None):
        """``POST /v1/clustergroups/{id}/federations`` (asynchronous; poll ``get_federation_progress``).

        Sent as a non-idempotent call: after a lost response, read the progress instead of re-sending.
        """
        query = {}
        if retry_join_all is not None:
            query["retryjoinall"] = "true" if retry_join_all else "false"
        return self._call("POST", "/v1/clustergroups/%s/federations" % fleet_id, query=query, create=True).body

    def disable_federation(self, fleet_id):
        """``DELETE /v1/clustergroups/{id}/federations``; returns False when the fleet was not federated."""
        try:
            self._call("DELETE", "/v1/clustergroups/%s/federations" % fleet_id)
        except ApiError as exc:
            if exc.code == CODE_NOT_FEDERATED:
                return False
            raise
        return True

    def get_federation_progress(self, fleet_id):
        """The federation Job of a fleet (normalised), or None when there is none."""
        try:
            body = self._call("GET", "/v1/clustergroups/%s/federations/progress" % fleet_id).body
        except ApiError as exc:
            if exc.status == 404 or exc.code == CODE_NOT_FEDERATED:
                return None
            raise
        return normalize_job(body) if isinstance(body, dict) and body else None

    def create_fleet_cert(self, fleet_id, project_id, vpc_id, subnet_id, duration):
        """``POST /v1/clustergroups/{id}/cert``: network connection + kubeconfig in one call (body as returned)."""
        body = {"projectID": project_id, "vpcID": vpc_id, "subnetID": subnet_id, "duration": int(duration)}
        return self._call("POST", "/v1/clustergroups/%s/cert" % fleet_id, json_body=body, create=True).body

    def create_fleet_connection(self, fleet_id, project_id, vpc_id, subnet_id):
        """``POST /v1/clustergroups/{id}/connection``: creates the VPC endpoint; returns its id."""
        body = {"projectID": project_id, "vpcID": vpc_id, "subnetID": subnet_id}
        resp = self._call("POST", "/v1/clustergroups/%s/connection" % fleet_id, json_body=body, create=True)
        return _body_id(resp.body)

    def download_fleet_kubeconfig(self, fleet_id, duration):
        """``POST /v1/clustergroups/{id}/kubeconfig``: the federation kubeconfig (dict, or text) for ``duration`` days."""
        body = {"duration": int(duration)}
        return self._call("POST", "/v1/clustergroups/%s/kubeconfig" % fleet_id, json_body=body).body

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
        for policy in self.list_policies():
            if policy["metadata"].get("uid") == policy_id:
                return policy
        return None

    def find_policy_by_name(self, name):
        """The policy named ``name``, or None."""
        return self._by_name(self.list_policies(), name)

    def resolve_policy_ids(self, names_or_ids):
        """Policy ids for a list of names or ids (one list call); raises ``UcsNotFoundError`` naming all unknown."""
        wanted = list(names_or_ids or [])
        if not wanted:
            return []
        policies = self.list_policies()
        ids, missing = [], []
        for key in wanted:
            match = [p for p in policies if p["metadata"].get("uid") == key] or \
                [p for p in policies if p["metadata"].get("name") == key]
            if match:
                ids.append(match[0]["metadata"]["uid"])
            else:
                missing.append(key)
        if missing:
            raise UcsNotFoundError("policy", missing)
        return ids

    def create_policy(self, name, spec):
        """``POST /v1/permissions/rules``; returns the new policy id. May raise ``OutcomeUnknownError``."""
        body = {"metadata": {"name": name}, "spec": dict(spec)}
        return _body_id(self._call("POST", "/v1/permissions/rules", json_body=body, create=True).body)

    def update_policy(self, policy_id, spec):
        """``PUT /v1/permissions/rules/{id}`` with ``{spec}``."""
        return self._call("PUT", "/v1/permissions/rules/%s" % policy_id, json_body={"spec": dict(spec)}).body

    def delete_policy(self, policy_id):
        """``DELETE /v1/permissions/rules/{id}``; returns False when already gone."""
        try:
            self._call("DELETE", "/v1/permissions/rules/%s" % policy_id)
        except ApiError as exc:
            if exc.status == 404:
                return False
            raise
        return True

    # ---- BEGIN cluster-engineer block ---------------------------------------------------------------
    # Methods appended by the owner of the ucs_cluster* modules go here; the facade owner leaves this
    # block alone.
    # ---- END cluster-engineer block -----------------------------------------------------------------

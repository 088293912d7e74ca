# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Huawei Cloud UCS part of the emulator: clusters, fleets (clustergroups), federation, permission policies.

Paths are relative to ``<base>/ucs`` (the official SDK, which keeps only the host of an endpoint, reaches the
same handlers without the prefix).  Ways to make things fail on purpose:

* a fleet whose name starts with ``fail-federation``: enabling federation runs the progress Job, whose
  ``CreateNode`` sub-job ends ``Failed`` (the Job too, the fleet's Federation condition says ``Failed``);
* attached / on-premise clusters stay ``Pending`` until the ``proxy-agent`` Deployment exists on the member
  Kubernetes API named by the kubeconfig annotation (``k8s.agent_deployed``);
* quotas through ``PUT /_emulator/config`` ``{"quotas": {"ucs.clusters": 1}}``.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import datetime
import hashlib
import json
import re
import uuid

import core
import readings

# Cluster readings (issue 12): where the source leaves room, the alternative behind a switch.
UNIMPORTED_ONLY = readings.declare(
    "ucs_managed_unimported_only", "ucs", "§3.1.9",
    "GET /v1/managedclusters knows only the SDK's `unimported` filter and ignores the document's `unregister`")

# Fleet, federation and kubeconfig readings (issue 12).
PROGRESS_400 = readings.declare(
    "ucs_progress_400", "ucs", "§3.2.13, §5.2",
    "progress of a fleet without a federation job answers 400 UCS.01080001 'Failed to obtain the federation "
    "information.' (the table wording) instead of 404")
PROGRESS_LATE = readings.declare(
    "ucs_progress_late", "ucs", "§3.2.12, §3.2.13",
    "right after enable, progress is missing for a moment (the first emulated second): it answers as for no job, "
    "or with the previous federation's job when there was one")
PROGRESS_GONE = readings.declare(
    "ucs_progress_gone_after_success", "ucs", "§3.2.13",
    "once the federation succeeded, progress is no longer served (it answers as for no job)")
PROGRESS_AFTER_DISABLE = readings.declare(
    "ucs_progress_after_disable", "ucs", "§3.2.11, §3.2.13",
    "after disable, progress still serves the last job (phase Success, the old federationUID)")
KUBECONFIG_TABLE = readings.declare(
    "ucs_kubeconfig_refusal_table", "ucs", "§3.2.16, §5.2",
    "kubeconfig of a fleet without a network connection is refused with the table wording only "
    "(400 UCS.01080001 'Failed to obtain the federation information.'), which does not name the connection")
ASSOCIATED_FULL_LIST = readings.declare(
    "ucs_associatedclusters_full_list", "ucs", "§3.2.6",
    "PUT associatedclusters takes the complete member list and refuses (400 UCS.01100007) one that would drop a "
    "current member ('无法清空或减少管理的集群')")
FLEET_RULES_STRINGS = readings.declare(
    "ucs_fleet_rule_namespaces_strings", "ucs", "§3.2.5 table 3-155",
    "a fleet reports spec.ruleNamespaces as namespace names (the table and the SDK) instead of "
    "[{rules: [{ruleID, ruleName}], namespaces}] (what the Terraform provider reads)")
NO_JOB_TABLE_MESSAGE = "Failed to obtain the federation information."
PROGRESS_LATE_SECONDS = 1.0  # emulated seconds during which PROGRESS_LATE hides a new job

CITY_CODES = frozenset((
    "110000 120000 130000 130100 130200 130300 130400 130500 130600 130700 130800 130900 131000 131100 140000 140100 140200 140300 140400 140500 "
    "140600 140700 140800 140900 141000 141100 150000 150100 150200 150300 150400 150500 150600 150700 150800 150900 152200 152500 152900 210000 "
    "210100 210200 210300 210400 210500 210600 210700 210800 210900 211000 211100 211200 211300 211400 220000 220100 220200 220300 220400 220500 "
    "220600 220700 220800 222400 230000 230100 230200 230300 230400 230500 230600 230700 230800 230900 231000 231100 231200 232700 310000 320000 "
    "320100 320200 320300 320400 320500 320600 320700 320800 320900 321000 321100 321200 321300 330000 330100 330200 330300 330400 330500 330600 "
    "330700 330800 330900 331000 331100 340000 340100 340200 340300 340400 340500 340600 340700 340800 341000 341100 341200 341300 341500 341600 "
    "341700 341800 350000 350100 350200 350300 350400 350500 350600 350700 350800 350900 360000 360100 360200 360300 360400 360500 360600 360700 "
    "360800 360900 361000 361100 370000 370100 370200 370300 370400 370500 370600 370700 370800 370900 371000 371100 371300 371400 371500 371600 "
    "371700 410000 410100 410200 410300 410400 410500 410600 410700 410800 410900 411000 411100 411200 411300 411400 411500 411600 411700 419001 "
    "420000 420100 420200 420300 420500 420600 420700 420800 420900 421000 421100 421200 421300 422800 429004 429005 429006 429021 430000 430100 "
    "430200 430300 430400 430500 430600 430700 430800 430900 431000 431100 431200 431300 433100 440000 440100 440200 440300 440400 440500 440600 "
    "440700 440800 440900 441200 441300 441400 441500 441600 441700 441800 441900 442000 445100 445200 445300 450000 450100 450200 450300 450400 "
    "450500 450600 450700 450800 450900 451000 451100 451200 451300 451400 460000 460100 460200 460300 460400 469001 469002 469005 469006 469007 "
    "469021 469022 469023 469024 469025 469026 469027 469028 469029 469030 500000 510000 510100 510300 510400 510500 510600 510700 510800 510900 "
    "511000 511100 511300 511400 511500 511600 511700 511800 511900 512000 520000 520100 520200 520300 520400 520500 520600 522300 522600 522700 "
    "530000 530100 530300 530400 530500 530600 530700 530800 530900 532300 532500 532600 532800 532900 533100 533300 540000 540100 540200 540300 "
    "540400 540500 540600 542500 610000 610100 610200 610300 610400 610500 610600 610700 610800 610900 611000 620000 620100 620200 620300 620400 "
    "620500 620600 620700 620800 620900 621000 621100 621200 622900 630000 630100 630200 640000 640100 640200 640300 640400 640500 650000 650100 "
    "650200 650400 650500 652300 652700 652800 652900 653000 653100 653200 654000 654200 654300 659001 659002 659003 659004 659005 659006 659007 "
    "659008 659009 659010 710000 710100 710200 710300 710400 710500 710600 710700 810000 820000 "
    "unknown").split())

# category -> type -> provider (source section 5.6)
CLUSTER_KINDS = {
    "self": {"cce": "huaweicloud", "turbo": "huaweicloud"},
    "onpremise": {"baremetal": "huaweicloud"},
    "attachedcluster": {"ack": "aliyun", "aks": "azure", "eks": "aws", "gke": "googlecloud", "tke": "tencentcloud",
                        "openshift": "openshift", "privatek8s": "privatek8s"},
}
SUPPORTED_VERSIONS = ["v1.19", "v1.20", "v1.21", "v1.22", "v1.23", "v1.24", "v1.25", "v1.26", "v1.27", "v1.28",
                      "v1.29", "v1.30", "v1.31"]
RULE_TYPES = ("readonly", "develop", "admin", "custom")
DEFAULT_CONTENTS = {
    "admin": [{"verbs": ["*"], "resources": ["*"]}],
    "readonly": [{"verbs": ["get", "list", "watch"], "resources": ["*"]}],
    "develop": [{"verbs": ["*"], "resources": ["deployments", "statefulsets", "daemonsets", "jobs", "cronjobs",
                                               "pods", "services", "configmaps", "ingresses"]}],
}
FEDERATION_SUBJOBS = ("InstallFederationChart", "CreateNetworkResource", "CreateCert", "CreateNode")
FEDERATION_FAIL_PREFIX = "fail-federation"
FEDERATION_FAIL_SUBJOB = "CreateNode"
FEDERATION_VERSION = "v1.7.0"
SUBJOB_SECONDS = 1.0      # emulated seconds per federation sub-job (divided by --speed)
CCE_IMPORT_SECONDS = 2.0  # emulated seconds before an imported CCE cluster is Available
MAX_LABELS = 100
ALREADY_DOWNLOADED = "已下载"  # the 200 answer of a second access info download (source 3.1.6)

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
NAME_RE = re.compile(r"^[a-z]([-a-z0-9]{0,126}[a-z0-9])?$")
LABEL_NAME_RE = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")
DNS_SUBDOMAIN_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
DNS_SUFFIX_RE = re.compile(r"^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def err(status, code, msg):
    return core.ucs_error(status, code, msg)


def rfc3339(ts):
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def fleet_time(ts):
    """The fleet/policy/job timestamp format: 2023-11-02 06:33:35.558128 +0000 UTC."""
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f") + " +0000 UTC"


def pick(obj, *names):
    """The first of several spellings present in obj (None when none is)."""
    for name in names:
        if isinstance(obj, dict) and name in obj:
            return obj[name]
    return None


# --------------------------------------------------------------------------------------------------- state


def seed_managed(state):
    """A few CCE clusters in the emulator's project that can be imported into UCS."""
    seeds = [("cce-prod-01", "cce", "v1.28", 3), ("cce-dev-01", "cce", "v1.27", 2), ("cce-turbo-01", "turbo", "v1.29", 3)]
    out = []
    for index, (name, ctype, version, nodes) in enumerate(seeds):
        uid = str(uuid.uuid5(uuid.NAMESPACE_URL, "fleetops-emulator/cce/%s/%s" % (state.project_id, name)))
        out.append({"uid": uid, "name": name, "type": ctype, "kubernetesVersion": version, "nodes": nodes,
                    "region": state.project_name, "projectID": state.project_id, "projectName": state.project_name,
                    "created": 1700000000.0 + index * 3600,
                    "apiEndpoint": "https://192.168.0.%d:5443" % (10 + index)})
    return out


def db(state):
    data = state.data.get("ucs")
    if data is None:
        data = {"clusters": {}, "fleets": {}, "rules": {}, "managed": seed_managed(state)}
        state.data["ucs"] = data
    return data


def managed_seeds(state):
    """The tenant's CCE clusters: the three seeds plus ``cce-bulk-NNN`` clusters up to the config knob
    ``ucs_cce_clusters`` (``PUT /_emulator/config {"ucs_cce_clusters": 200}``, for scale tests)."""
    data = db(state)
    try:
        wanted = int(state.config.get("ucs_cce_clusters") or 0)
    except (TypeError, ValueError):
        wanted = 0
    bulk = [m for m in data["managed"] if m.get("bulk")]
    for index in range(len(bulk), wanted):
        name = "cce-bulk-%03d" % index
        uid = str(uuid.uuid5(uuid.NAMESPACE_URL, "fleetops-emulator/cce/%s/%s" % (state.project_id, name)))
        data["managed"].append({"uid": uid, "name": name, "type": "cce", "kubernetesVersion": "v1.28", "nodes": 3,
                                "region": state.project_name, "projectID": state.project_id,
                                "projectName": state.project_name, "created": 1700100000.0 + index,
                                "apiEndpoint": "https://192.168.1.%d:5443" % (index % 250 + 1), "bulk": True})
    return data["managed"]


def body_of(req):
    body = req.json()
    if not isinstance(body, dict):
        raise err(400, "UCS.01000012", "Invalid request body: a JSON object is expected")
    return body


def check_uuid(value, what):
    if not UUID_RE.match(value or ""):
        raise err(400, "UCS.01000011", "Bad query parameter value: %s %r is not a UUID" % (what, value))


def get_cluster(req, param="clusterid"):
    cid = req.params[param]
    check_uuid(cid, "cluster id")
    cluster = db(req.state)["clusters"].get(cid)
    if cluster is None:
        raise err(404, "UCS.01030001", "Cluster Not Found: %s" % cid)
    return cluster


def get_fleet(req, fid=None):
    fid = fid if fid is not None else req.params["clustergroupid"]
    check_uuid(fid, "cluster group id")
    fleet = db(req.state)["fleets"].get(fid)
    if fleet is None:
        raise err(404, "UCS.01100005", "ClusterGroup Not Found: %s" % fid)
    return fleet


def parse_bool(req, name):
    value = req.q(name)
    if value is None or value == "":
        return None
    if value.lower() in ("true", "1"):
        return True
    if value.lower() in ("false", "0"):
        return False
    raise err(400, "UCS.01000011", "Bad query parameter value: %s must be true or false" % name)


def paginate(req, items, created, updated):
    """Apply order_by / order / offset / limit; returns (page, total)."""
    try:
        limit = int(req.q("limit", "-1"))
        offset = int(req.q("offset", "0"))
    except ValueError:
        raise err(400, "UCS.01000011", "Bad query parameter value: limit and offset must be integers")
    if offset < 0 or limit < -1:
        raise err(400, "UCS.01000011", "Bad query parameter value: offset >= 0 and limit >= -1 are required")
    order_by = req.q("order_by", "create_at")
    order = req.q("order", "desc")
    if order_by not in ("create_at", "update_at"):
        raise err(400, "UCS.01000011", "Bad query parameter value: order_by must be create_at or update_at")
    if order not in ("asc", "desc"):
        raise err(400, "UCS.01000011", "Bad query parameter value: order must be asc or desc")
    key = created if order_by == "create_at" else updated
    items = sorted(items, key=lambda i: (key(i), i["uid"]), reverse=(order == "desc"))
    total = len(items)
    page = items[offset:] if limit == -1 else items[offset:offset + limit]
    return page, total


def quota_check(state, kind, count):
    limit = state.quota("ucs." + kind)
    if limit is not None and count >= int(limit):
        raise err(400, "UCS.01000017", "Insufficient quota: the %s quota is %s" % (kind, limit))


def check_name(name, what):
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise err(400, "UCS.01000012", "Invalid request body: %s name %r must be 1-128 lower-case letters, digits "
                  "and hyphens, starting with a letter and not ending with a hyphen" % (what, name))


def check_labels(labels):
    if labels is None:
        return {}
    if not isinstance(labels, dict):
        raise err(400, "UCS.01000012", "Invalid request body: metadata.labels must be a map")
    if len(labels) > MAX_LABELS:
        raise err(400, "UCS.01000012", "Invalid request body: at most %d labels are allowed" % MAX_LABELS)
    for key, value in labels.items():
        prefix, sep, name = key.rpartition("/")
        bad = (not LABEL_NAME_RE.match(name) or len(name) > 63 or
               (sep and (not prefix or len(prefix) > 253 or not DNS_SUBDOMAIN_RE.match(prefix))))
        if bad:
            raise err(400, "UCS.01000012", "Invalid request body: label key %r does not follow the Kubernetes "
                      "label rules" % key)
        if not isinstance(value, str) or len(value) > 63 or (value and not LABEL_NAME_RE.match(value)):
            raise err(400, "UCS.01000012", "Invalid request body: label value %r of %r does not follow the "
                      "Kubernetes label rules" % (value, key))
    return dict(labels)


def kubeconfig_server(text):
    """The server URL of the first cluster of a JSON or YAML kubeconfig; 400 when it cannot be read."""
    bad = err(400, "UCS.01030008", "Cluster kubeconfig format error.")
    if not isinstance(text, str) or not text.strip():
        raise bad
    try:
        conf = json.loads(text)
    except ValueError:
        conf = None
    if conf is not None:
        try:
            server = conf["clusters"][0]["cluster"]["server"]
        except (KeyError, IndexError, TypeError):
            raise bad
        if not isinstance(server, str) or not server:
            raise bad
        return server
    if not re.search(r"^clusters:", text, re.M):
        raise bad
    match = re.search(r"^\s*server:\s*[\"']?([^\"'\s#]+)", text, re.M)
    if not match:
        raise bad
    return match.group(1)


def agent_deployed(state, server):
    """Whether the proxy-agent Deployment exists on the member cluster (k8s.py); False without k8s.py."""
    try:
        import k8s  # pylint: disable=import-outside-toplevel
    except ImportError:
        return False
    check = getattr(k8s, "agent_deployed", None)
    if check is None or not server:
        return False
    return bool(check(state, server))


# --------------------------------------------------------------------------------------------------- views


def rule_namespaces(state, bindings):
    rules = db(state)["rules"]
    out = []
    for binding in bindings or []:
        infos = [{"ruleID": rid, "ruleName": rules[rid]["name"]} for rid in binding.get("ruleIDs", []) if rid in rules]
        out.append({"rules": infos, "namespaces": list(binding.get("namespaces") or [])})
    return out


def fleet_rule_namespaces(bindings):
    """A fleet's ``ruleNamespaces`` (source table 3-155, SDK ``list[str]``): the namespaces its policies are bound
    to, de-duplicated, in binding order.  Unlike a cluster's, it carries no policy ids."""
    out = []
    for binding in bindings or []:
        if not binding.get("ruleIDs"):
            continue
        for namespace in binding.get("namespaces") or []:
            if namespace not in out:
                out.append(namespace)
    return out


def cluster_phase(state, cluster):
    """(phase, reason, message) computed from the time and the member cluster."""
    spec = cluster["spec"]
    if spec["category"] == "self":
        if state.elapsed(cluster["created"]) >= CCE_IMPORT_SECONDS:
            return "Available", "ClusterAvailable", ""
        return "Pending", "ClusterImporting", "the CCE cluster is being imported"
    if agent_deployed(state, cluster.get("server")):
        cluster["connected"] = True
        return "Available", "ClusterAvailable", ""
    if cluster.get("connected"):
        return "Unavailable", "ClusterUnavailable", "the proxy-agent of the cluster is not connected"
    return "Pending", "WaitingForAgent", "waiting for the proxy-agent to connect; deploy the access info manifests"


def cluster_view(state, cluster, with_status=True):
    spec = cluster["spec"]
    meta = {"uid": cluster["uid"], "name": cluster["name"], "creationTimestamp": rfc3339(cluster["created"]),
            "updateTimestamp": rfc3339(cluster["updated"])}
    if cluster.get("labels"):
        meta["labels"] = dict(cluster["labels"])
    if cluster.get("annotations"):
        meta["annotations"] = dict(cluster["annotations"])
    out_spec = {"syncMode": "", "clusterGroupID": spec.get("clusterGroupID", ""),
                "manageType": spec.get("manageType", "discrete"),
                "provider": spec["provider"], "type": spec["type"], "category": spec["category"],
                "IsDownloadedCert": bool(spec.get("IsDownloadedCert")), "operatorNamespace": state.domain_id}
    for key in ("region", "country", "city", "projectID", "projectName", "apiEndpoint", "network"):
        if spec.get(key):
            out_spec[key] = spec[key]
    namespaces = rule_namespaces(state, cluster.get("rules"))
    if namespaces:
        out_spec["ruleNamespaces"] = namespaces
    phase, reason, message = cluster_phase(state, cluster)
    since = rfc3339(cluster["updated"])
    ready = "True" if phase == "Available" else "False"
    status = {"phase": phase, "arrearFreeze": "false", "policeFreeze": "false",
              "conditions": [{"type": "Ready", "status": ready, "lastTransitionTime": since, "reason": reason},
                             {"type": "Cluster", "status": phase, "lastTransitionTime": since, "reason": reason,
                              "message": message}]}
    if message:
        status["reason"] = reason
        status["message"] = message
    if phase == "Available":
        status["kubernetesVersion"] = cluster.get("kubernetesVersion") or "v1.28"
        status["endpoints"] = [{"url": cluster.get("server") or spec.get("apiEndpoint") or "", "type": "Internal"}]
        if with_status:
            nodes = str(cluster.get("nodes", 3))
            status["nodeSummary"] = {"totalNum": nodes, "readyNum": nodes}
            status["resourceSummary"] = {"capacity": {"cpu": "%d" % (4 * int(nodes)), "memory": "%dGi" % (8 * int(nodes))},
                                         "allocatable": {"cpu": "%d" % (4 * int(nodes) - 1),
                                                         "memory": "%dGi" % (8 * int(nodes) - 2)}}
    fleet_id = spec.get("clusterGroupID")
    fleet = db(state)["fleets"].get(fleet_id) if fleet_id else None
    if fleet and federation_phase(state, fleet) == "Success":
        status["conditions"].append({"type": "Federation", "status": "Federalized", "lastTransitionTime": since})
    return {"kind": "Cluster", "apiVersion": "v1", "metadata": meta, "spec": out_spec, "status": status}


def managed_view(state, seed):
    return {"kind": "Cluster", "apiVersion": "v1",
            "metadata": {"name": seed["name"], "uid": seed["uid"], "creationTimestamp": rfc3339(seed["created"]),
                         "labels": {"FeatureGates": "elbv3,SupportClientCertificateRevocation,xGPU"}},
            "spec": {"syncMode": "", "apiEndpoint": seed["apiEndpoint"], "provider": "huaweicloud", "type": seed["type"],
                     "category": "self", "region": seed["region"], "country": "CN", "city": "110000",
                     "projectID": seed["projectID"], "projectName": seed["projectName"], "IsDownloadedCert": False},
            "status": {"kubernetesVersion": seed["kubernetesVersion"], "phase": "Available",
                       "conditions": [{"type": "Ready", "status": "True", "reason": "ClusterAvailable",
                                       "lastTransitionTime": rfc3339(seed["created"])},
                                      {"type": "Cluster", "status": "Available", "reason": "ClusterAvailable",
                                       "lastTransitionTime": rfc3339(seed["created"])}],
                       "endpoints": [{"url": seed["apiEndpoint"], "type": "Internal"}]}}


# ---- federation timeline


def _subjob_plan(fed):
    """[(type, uid, start, end, failed)] in emulated seconds since the federation started."""
    plan = []
    for index, (jtype, uid) in enumerate(fed["subjobs"]):
        failed = fed.get("fail") and jtype == FEDERATION_FAIL_SUBJOB
        plan.append((jtype, uid, index * SUBJOB_SECONDS, (index + 1) * SUBJOB_SECONDS, failed))
    return plan


def federation_phase(state, fleet):
    """None (never enabled), Running, Success or Failed."""
    fed = fleet.get("federation")
    if not fed:
        return None
    elapsed = state.elapsed(fed["started"])
    for dummy, dummy2, start, end, failed in _subjob_plan(fed):
        if elapsed < end:
            return "Running"
        if failed:
            return "Failed"
    return "Success"


def _at(state, fed, emulated):
    """Wall time of an emulated offset from the start of the federation."""
    return fed["started"] + emulated / state.speed


def federation_job(state, fleet):
    fed = fleet["federation"]
    elapsed = state.elapsed(fed["started"])
    subjobs = []
    stopped = False
    overall = "Running"
    end_time = None
    for jtype, uid, start, end, failed in _subjob_plan(fed):
        status = {}
        if stopped or elapsed < start:
            status["phase"] = "Pending"
        elif elapsed < end:
            status["phase"] = "Running"
            status["startTime"] = fleet_time(_at(state, fed, start))
        else:
            status["startTime"] = fleet_time(_at(state, fed, start))
            status["completionTime"] = fleet_time(_at(state, fed, end))
            if failed:
                status["phase"] = "Failed"
                status["reason"] = "create federation node failed: no capacity for the control plane nodes " \
                                   "(injected by the emulator for fleets named %s*)" % FEDERATION_FAIL_PREFIX
                stopped = True
                overall = "Failed"
                end_time = _at(state, fed, end)
            else:
                status["phase"] = "Success"
                end_time = _at(state, fed, end)
        spec = {"type": jtype, "federationUID": fed["uid"]}
        if jtype == "CreateNetworkResource":
            spec["extendParam"] = {"JobExtendParamKeyElbID": str(uuid.uuid5(uuid.NAMESPACE_URL, fed["uid"] + "/elb"))}
        subjobs.append({"kind": "Job", "apiVersion": "v3",
                        "metadata": {"uid": uid, "creationTimestamp": fleet_time(fed["started"]),
                                     "updateTimestamp": fleet_time(min(state.now(), end_time or state.now()))},
                        "spec": spec, "status": status})
    if overall != "Failed" and all(s["status"]["phase"] == "Success" for s in subjobs):
        overall = "Success"
    status = {"phase": overall, "startTime": fleet_time(fed["started"])}
    if overall in ("Success", "Failed"):
        status["completionTime"] = fleet_time(end_time)
    if overall == "Failed":
        status["reason"] = "sub job %s failed" % FEDERATION_FAIL_SUBJOB
    return {"kind": "Job", "apiVersion": "v3",
            "metadata": {"uid": fed["job_uid"], "creationTimestamp": fleet_time(fed["started"]),
                         "updateTimestamp": fleet_time(end_time or state.now()),
                         "annotations": {"currentTimestamp": fleet_time(state.now())}},
            "spec": {"type": "CreateFederationContainer", "federationUID": fed["uid"], "resourceID": fleet["uid"],
                     "resourceName": fleet["name"], "extendparam": "", "subJobs": subjobs},
            "status": status}


def fleet_view(state, fleet):
    spec = {}
    if fleet.get("description"):
        spec["description"] = fleet["description"]
    if state.reading(FLEET_RULES_STRINGS):
        namespaces = fleet_rule_namespaces(fleet.get("rules"))
    else:  # the object form the Terraform provider reads (spec.ruleNamespaces[].rules[].ruleID)
        namespaces = [b for b in rule_namespaces(state, fleet.get("rules")) if b["rules"]]
    if namespaces:
        spec["ruleNamespaces"] = namespaces
    conditions = []
    phase = federation_phase(state, fleet)
    fed = fleet.get("federation")
    if phase is not None:
        spec["federationId"] = fed["uid"]
        if phase == "Success":
            spec["federationVersion"] = fed.get("version", FEDERATION_VERSION)
            spec["dnsSuffix"] = list(fleet.get("dnsSuffix") or [])
            spec["federationExpirationTimestamp"] = ""
        cond = {"Running": ("Installing", "FederationInstalling", "federation is being provisioned"),
                "Success": ("Available", "FederationAvailable", ""),
                "Failed": ("Failed", "FederationFailed", "sub job %s failed" % FEDERATION_FAIL_SUBJOB)}[phase]
        conditions.append({"type": "Federation", "status": cond[0], "reason": cond[1], "message": cond[2],
                           "lastTransitionTime": rfc3339(fed["started"])})
    if fleet.get("rules"):
        conditions.append({"type": "Policy", "status": "Available", "reason": "PolicyAvailable", "message": "",
                           "lastTransitionTime": rfc3339(fleet["updated"])})
    return {"kind": "ClusterGroup", "apiVersion": "v1",
            "metadata": {"uid": fleet["uid"], "name": fleet["name"], "creationTimestamp": fleet_time(fleet["created"]),
                         "updateTimestamp": fleet_time(fleet["updated"])},
            "spec": spec, "status": {"conditions": conditions} if conditions else {}}


def rule_view(rule):
    return {"kind": "Rule", "apiVersion": "v1",
            "metadata": {"uid": rule["uid"], "name": rule["name"], "creationTimestamp": fleet_time(rule["created"]),
                         "updateTimestamp": fleet_time(rule["updated"])},
            "spec": dict(rule["spec"])}


# --------------------------------------------------------------------------------------------------- clusters


def list_clusters(req):
    state = req.state
    items = list(db(state)["clusters"].values())
    category = req.q("category")
    if category:
        items = [c for c in items if c["spec"]["category"] == category]
    group = req.q("clustergroupid")
    if group:
        items = [c for c in items if c["spec"].get("clusterGroupID") == group]
    manage = req.q("managetype", "all") or "all"
    if manage not in ("all", "grouped", "discrete"):
        raise err(400, "UCS.01000011", "Bad query parameter value: managetype must be all, grouped or discrete")
    if manage != "all":
        items = [c for c in items if c["spec"].get("manageType") == manage]
    ids = req.q("clusterids")
    if ids:
        wanted = set(i.strip() for i in ids.split(",") if i.strip())
        items = [c for c in items if c["uid"] in wanted]
    enable = parse_bool(req, "enablestatus")
    page, total = paginate(req, items, lambda c: c["created"], lambda c: c["updated"])
    return 200, {"items": [cluster_view(state, c, with_status=enable is not False) for c in page], "total": total}


def show_cluster(req):
    return 200, cluster_view(req.state, get_cluster(req))


def _join(cluster, fleet_id, now):
    cluster["spec"]["clusterGroupID"] = fleet_id
    cluster["spec"]["manageType"] = "grouped" if fleet_id else "discrete"
    cluster["updated"] = now


def register_cluster(req):
    state = req.state
    data = db(state)
    body = body_of(req)
    if body.get("kind") != "Cluster" or body.get("apiVersion") != "v1":
        raise err(400, "UCS.01000012", "Invalid request body: kind must be Cluster and apiVersion v1")
    meta = body.get("metadata")
    spec = body.get("spec")
    if not isinstance(meta, dict) or not isinstance(spec, dict):
        raise err(400, "UCS.01000012", "Invalid request body: metadata and spec are required")
    name = meta.get("name")
    check_name(name, "cluster")
    category, ctype, provider = spec.get("category"), spec.get("type"), spec.get("provider")
    if category not in CLUSTER_KINDS:
        raise err(400, "UCS.01030011", "Cluster category not supported: %r (one of %s)"
                  % (category, ", ".join(sorted(CLUSTER_KINDS))))
    if ctype not in CLUSTER_KINDS[category]:
        raise err(400, "UCS.01030011", "Cluster category not supported: type %r is not valid for category %s"
                  % (ctype, category))
    expected_provider = CLUSTER_KINDS[category][ctype]
    if category == "self" and provider in (None, ""):
        provider = expected_provider
    if provider != expected_provider:
        raise err(400, "UCS.01030011", "Cluster category not supported: provider %r does not match %s/%s "
                  "(expected %s)" % (provider, category, ctype, expected_provider))
    manage = spec.get("manageType")
    if manage not in ("grouped", "discrete"):
        raise err(400, "UCS.01000012", "Invalid request body: spec.manageType must be grouped or discrete")
    group = pick(spec, "clusterGroupID", "clusterGroupId") or ""
    if manage == "grouped" and not group:
        raise err(400, "UCS.01000012", "Invalid request body: a grouped cluster needs spec.clusterGroupID")
    if group:
        get_fleet(req, group)
    country, city = spec.get("country"), spec.get("city")
    if category != "self" and not country:
        raise err(400, "UCS.01000012", "Invalid request body: spec.country is required")
    if country and (not isinstance(country, str) or not COUNTRY_RE.match(country)):
        raise err(400, "UCS.01000012", "Invalid request body: spec.country must be an ISO country code such as CN")
    if country == "CN" and category != "self" and not city:
        raise err(400, "UCS.01000012", "Invalid request body: spec.city is required for clusters in CN")
    if country == "CN" and city and city not in CITY_CODES:
        raise err(400, "UCS.01000012", "Invalid request body: unknown city code %r" % city)
    labels = check_labels(meta.get("labels"))
    annotations = meta.get("annotations") or {}
    if not isinstance(annotations, dict) or not all(isinstance(v, str) for v in annotations.values()):
        raise err(400, "UCS.01000012", "Invalid request body: metadata.annotations must map strings to strings")
    annotations = dict(annotations)
    kubeconfig = annotations.pop("kubeconfig", None)
    server = None
    if category == "attachedcluster" and not kubeconfig:
        raise err(400, "UCS.01030008", "Cluster kubeconfig format error: an attached cluster needs the "
                  "metadata.annotations.kubeconfig annotation")
    if kubeconfig is not None:
        server = kubeconfig_server(kubeconfig)

    record = {"name": name, "labels": labels, "annotations": annotations, "kubeconfig": kubeconfig,
              "server": server, "rules": [], "nodes": 3,
              "spec": {"category": category, "type": ctype, "provider": provider, "country": country or "",
                       "city": city or "", "clusterGroupID": group, "manageType": "grouped" if group else "discrete",
                       "IsDownloadedCert": False}}
    if isinstance(spec.get("network"), dict):
        record["spec"]["network"] = spec["network"]
    if category == "self":
        uid = meta.get("uid")
        if not uid:
            raise err(400, "UCS.01030010", "Failed to obtain cce cluster information: metadata.uid is required to "
                      "import a CCE cluster")
        check_uuid(uid, "cluster id")
        seed = next((m for m in managed_seeds(state) if m["uid"] == uid), None)
        if seed is None:
            raise err(400, "UCS.01030010", "Failed to obtain cce cluster information: no CCE cluster %s" % uid)
        region = spec.get("region")
        project = pick(spec, "projectID", "projectId")
        if (region and region != seed["region"]) or (project and project != seed["projectID"]):
            raise err(400, "UCS.01030010", "Failed to obtain cce cluster information: cluster %s is not in "
                      "region %s / project %s" % (uid, region, project))
        if ctype != seed["type"]:
            raise err(400, "UCS.01030012", "Register cce cluster error: cluster %s is of type %s, not %s"
                      % (uid, seed["type"], ctype))
        if name != seed["name"]:
            raise err(400, "UCS.01030012", "Register cce cluster error: metadata.name must be the CCE cluster name "
                      "%s" % seed["name"])
        if uid in data["clusters"]:
            raise err(409, "UCS.01030003", "The same cluster already exists: %s is already registered" % uid)
        record["spec"].update({"region": seed["region"], "projectID": seed["projectID"],
                               "projectName": seed["projectName"], "apiEndpoint": seed["apiEndpoint"]})
        record["kubernetesVersion"] = seed["kubernetesVersion"]
        record["nodes"] = seed["nodes"]
    else:
        uid = state.new_id()
        record["kubernetesVersion"] = "v1.28"
    if any(c["name"] == name for c in data["clusters"].values()):
        raise err(409, "UCS.01030003", "The same cluster already exists: %s" % name)
    quota_check(state, "clusters", len(data["clusters"]))
    now = state.now()
    record.update({"uid": uid, "created": now, "updated": now})
    data["clusters"][uid] = record
    return 201, {"uid": uid}


def update_cluster(req):
    cluster = get_cluster(req)
    body = body_of(req)
    if body.get("kind") != "Cluster" or body.get("apiVersion") != "v1":
        raise err(400, "UCS.01000012", "Invalid request body: kind must be Cluster and apiVersion v1")
    meta = body.get("metadata") or {}
    spec = body.get("spec") or {}
    if not isinstance(meta, dict) or not isinstance(spec, dict):
        raise err(400, "UCS.01000012", "Invalid request body: metadata and spec must be objects")
    category = cluster["spec"]["category"]
    changes = {}
    if spec.get("country") is not None or spec.get("city") is not None:
        if category not in ("attachedcluster", "onpremise"):
            raise err(400, "UCS.01000012", "Invalid request body: country and city can only be updated on attached "
                      "and on-premise clusters")
        country = spec.get("country", cluster["spec"].get("country"))
        city = spec.get("city", cluster["spec"].get("city"))
        if not isinstance(country, str) or not COUNTRY_RE.match(country):
            raise err(400, "UCS.01000012", "Invalid request body: spec.country must be an ISO country code")
        if country == "CN" and city not in CITY_CODES:
            raise err(400, "UCS.01000012", "Invalid request body: unknown city code %r" % city)
        changes["country"], changes["city"] = country, city or ""
    if spec.get("workerConfig") is not None:
        raise err(400, "UCS.01000012", "Invalid request body: workerConfig applies to multicloud clusters only")
    annotations = meta.get("annotations") or {}
    if not isinstance(annotations, dict):
        raise err(400, "UCS.01000012", "Invalid request body: metadata.annotations must be a map")
    kubeconfig = annotations.get("kubeconfig")
    server = None
    if kubeconfig is not None:
        if category == "self":
            raise err(400, "UCS.01000012", "Invalid request body: the kubeconfig of a CCE cluster cannot be set")
        server = kubeconfig_server(kubeconfig)
    cluster["spec"].update(changes)
    if kubeconfig is not None:
        cluster["kubeconfig"] = kubeconfig
        cluster["server"] = server
    cluster["updated"] = req.state.now()
    return 200, "update success"


def delete_cluster(req):
    cluster = get_cluster(req)
    del db(req.state)["clusters"][cluster["uid"]]
    return 200, None


def access_info(req):
    cluster = get_cluster(req)
    if cluster["spec"]["category"] == "self":
        raise err(400, "UCS.01030011", "Cluster category not supported: the access info is for attached and "
                  "on-premise clusters, not CCE clusters")
    vpcendpoint, region = req.q("vpcendpoint"), req.q("region")
    if bool(vpcendpoint) != bool(region):
        raise err(400, "UCS.01000011", "Bad query parameter value: vpcendpoint and region go together (private "
                  "network access)")
    if cluster["spec"].get("IsDownloadedCert"):
        # Source 3.1.6: status 200 "returns the access info; if the interface was already called, returns 已下载".
        # Served as plain text, like the API's other bare-string answers ("update success").
        return 200, ALREADY_DOWNLOADED
    cluster["spec"]["IsDownloadedCert"] = True
    cluster["updated"] = req.state.now()
    return 200, agent_manifests(cluster, vpcendpoint)


def _fake_pem(kind, seed):
    digest = hashlib.sha256(seed.encode("utf-8")).hexdigest()
    text = "-----BEGIN %s-----\n%s\n-----END %s-----\n" % (kind, base64.b64encode((digest * 4).encode()).decode(), kind)
    return base64.b64encode(text.encode("ascii")).decode("ascii")


def agent_manifests(cluster, vpcendpoint=None):
    uid = cluster["uid"]
    host = "proxyurl.ucs.myhuaweicloud.com"
    ip_addr = vpcendpoint or "100.125.0.10"
    deployment = {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"labels": {"app": "proxy-agent"}, "name": "proxy-agent", "namespace": "kube-system"},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "proxy-agent"}},
                 "template": {"metadata": {"labels": {"app": "proxy-agent"}},
                              "spec": {"tolerations": [{"key": "role", "operator": "Equal", "value": "manage"}],
                                       "containers": [{"command": ["/proxy-agent"],
                                                       "args": ["--logtostderr=true", "--ca-cert=/var/certs/agent/ca.crt",
                                                                "--agent-cert=/var/certs/agent/proxy-agent.crt",
                                                                "--agent-key=/var/certs/agent/proxy-agent.key",
                                                                "--proxy-server-host=" + host,
                                                                "--proxy-server-port=30123",
                                                                "--agent-id=" + uid,
                                                                "--agent-identifiers=host=" + ip_addr],
                                                       "image": "swr.cn-north-4.myhuaweicloud.com/ucs/proxy-agent:v1.0.0",
                                                       "imagePullPolicy": "IfNotPresent", "name": "proxy-agent",
                                                       "volumeMounts": [{"name": "agent-cert",
                                                                         "mountPath": "/var/certs/agent"}]}],
                                       "volumes": [{"name": "agent-cert", "secret": {"secretName": "proxy-agent-cert"}}],
                                       "priorityClassName": "system-cluster-critical",
                                       "hostAliases": [{"ip": ip_addr, "hostnames": [host]}]}}}}
    secret = {"apiVersion": "v1", "kind": "Secret",
              "metadata": {"name": "proxy-agent-cert", "namespace": "kube-system"}, "type": "Opaque",
              "data": {"ca.crt": _fake_pem("CERTIFICATE", uid + "/ca"),
                       "proxy-agent.crt": _fake_pem("CERTIFICATE", uid + "/agent"),
                       "proxy-agent.key": _fake_pem("PRIVATE KEY", uid + "/key"),
                       "common_shared.key": _fake_pem("PRIVATE KEY", uid + "/shared"),
                       "root.key": _fake_pem("PRIVATE KEY", uid + "/root")}}
    return [deployment, secret]


def activate_cluster(req):
    # Source 3.1.7: activation lets a cluster reconnect ("激活集群，以便重新接入集群"). It does not hand out the
    # one-shot agent certificate again (3.1.6: "agent证书只可以下载一次"), so IsDownloadedCert stays as it is.
    cluster = get_cluster(req)
    cluster["updated"] = req.state.now()
    return 200, "update success"


def _parse_bindings(req, body):
    bindings = pick(body, "ruleIDNamespaces", "ruleIdNamespaces")
    if bindings is None:
        bindings = []
    if not isinstance(bindings, list):
        raise err(400, "UCS.01000012", "Invalid request body: ruleIDNamespaces must be a list")
    rules = db(req.state)["rules"]
    out = []
    for item in bindings:
        if not isinstance(item, dict):
            raise err(400, "UCS.01000012", "Invalid request body: each ruleIDNamespaces item must be an object")
        ids = pick(item, "ruleIDs", "ruleIds") or []
        namespaces = item.get("namespaces") or []
        if not isinstance(ids, list) or not isinstance(namespaces, list):
            raise err(400, "UCS.01000012", "Invalid request body: ruleIDs and namespaces must be lists")
        for rid in ids:
            if rid not in rules:
                raise err(400, "UCS.01100003", "associate cluster with rule error: no permission policy %s" % rid)
        out.append({"ruleIDs": list(ids), "namespaces": list(namespaces)})
    return out


def cluster_rules(req):
    cluster = get_cluster(req)
    cluster["rules"] = _parse_bindings(req, body_of(req))
    cluster["updated"] = req.state.now()
    return 200, "update success"


def managed_clusters(req):
    state = req.state
    data = db(state)
    # Source 3.1.9 names the filter `unregister`; the official SDK sends `unimported`. The default reading honours
    # both (`unimported` wins when both are given); the alternative knows only `unimported`.
    hide = None if state.reading(UNIMPORTED_ONLY) else parse_bool(req, "unregister")
    unimported = parse_bool(req, "unimported")
    if unimported is not None:
        hide = unimported
    items = [m for m in managed_seeds(state) if not (hide and m["uid"] in data["clusters"])]
    try:
        limit = int(req.q("limit", "-1"))
        offset = int(req.q("offset", "0"))
    except ValueError:
        raise err(400, "UCS.01000011", "Bad query parameter value: limit and offset must be integers")
    items = items[offset:] if limit < 0 else items[offset:offset + limit]
    return 200, [managed_view(state, m) for m in items]


def cluster_versions(req):
    return 200, {"versions": list(SUPPORTED_VERSIONS)}


def join_fleet(req):
    cluster = get_cluster(req)
    body = body_of(req)
    fid = pick(body, "clusterGroupID", "clusterGroupId")
    if not fid:
        raise err(400, "UCS.01000012", "Invalid request body: clusterGroupID is required")
    fleet = get_fleet(req, fid)
    current = cluster["spec"].get("clusterGroupID")
    if current and current != fleet["uid"]:
        raise err(400, "UCS.01100002", "associate cluster with clustergroup error: cluster %s already belongs to "
                  "fleet %s" % (cluster["uid"], current))
    _join(cluster, fleet["uid"], req.state.now())
    return 200, "update success"


def unjoin_fleet(req):
    cluster = get_cluster(req)
    if not cluster["spec"].get("clusterGroupID"):
        raise err(400, "UCS.01100002", "associate cluster with clustergroup error: cluster %s is not in a fleet"
                  % cluster["uid"])
    _join(cluster, "", req.state.now())
    return 200, "update success"


# --------------------------------------------------------------------------------------------------- fleets


def fleet_members(state, fleet):
    return [c for c in db(state)["clusters"].values() if c["spec"].get("clusterGroupID") == fleet["uid"]]


def _clusters_to_add(req, ids, fleet_id):
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise err(400, "UCS.01000012", "Invalid request body: clusterIds must be a list of cluster ids")
    clusters = db(req.state)["clusters"]
    out = []
    for cid in ids:
        cluster = clusters.get(cid)
        if cluster is None:
            raise err(400, "UCS.01100002", "associate cluster with clustergroup error: no cluster %s" % cid)
        current = cluster["spec"].get("clusterGroupID")
        if current and current != fleet_id:
            raise err(400, "UCS.01100002", "associate cluster with clustergroup error: cluster %s already belongs "
                      "to fleet %s" % (cid, current))
        out.append(cluster)
    return out


def create_fleet(req):
    state = req.state
    data = db(state)
    body = body_of(req)
    meta = body.get("metadata")
    spec = body.get("spec") or {}
    if not isinstance(meta, dict) or not isinstance(spec, dict):
        raise err(400, "UCS.01000012", "Invalid request body: metadata is required")
    name = meta.get("name")
    check_name(name, "fleet")
    description = spec.get("description")
    if description is not None and not isinstance(description, str):
        raise err(400, "UCS.01000012", "Invalid request body: spec.description must be a string")
    if any(f["name"] == name for f in data["fleets"].values()):
        raise err(409, "UCS.01100004", "The same clustergroup already exists: %s" % name)
    quota_check(state, "fleets", len(data["fleets"]))
    uid = state.new_id()
    members = _clusters_to_add(req, pick(spec, "clusterIds", "clusterIDs") or [], uid)
    now = state.now()
    data["fleets"][uid] = {"uid": uid, "name": name, "description": description or "", "created": now,
                           "updated": now, "rules": [], "federation": None, "dnsSuffix": [], "connection": None}
    for cluster in members:
        _join(cluster, uid, now)
    return 201, {"uid": uid}


def list_fleets(req):
    state = req.state
    items = list(db(state)["fleets"].values())
    page, total = paginate(req, items, lambda f: f["created"], lambda f: f["updated"])
    return 200, {"items": [fleet_view(state, f) for f in page], "total": total}


def show_fleet(req):
    return 200, fleet_view(req.state, get_fleet(req))


def delete_fleet(req):
    fleet = get_fleet(req)
    members = fleet_members(req.state, fleet)
    if members:
        raise err(400, "UCS.01100007", "Update associated clusters validate failed: the fleet still has %d "
                  "cluster(s); remove them (unjoin) before deleting the fleet" % len(members))
    del db(req.state)["fleets"][fleet["uid"]]
    return 200, None


def fleet_add_clusters(req):
    fleet = get_fleet(req)
    ids = pick(body_of(req), "clusterIds", "clusterIDs")
    if not ids:
        raise err(400, "UCS.01100007", "Update associated clusters validate failed: clusterIds is empty; this call "
                  "only adds clusters (use unjoin to remove one)")
    now = req.state.now()
    if req.state.reading(ASSOCIATED_FULL_LIST):
        dropped = [c["uid"] for c in fleet_members(req.state, fleet) if c["uid"] not in ids]
        if dropped:
            raise err(400, "UCS.01100007", "Update associated clusters validate failed: the list would remove "
                      "%s; this call cannot empty or reduce the managed clusters" % ", ".join(sorted(dropped)))
    for cluster in _clusters_to_add(req, ids, fleet["uid"]):
        _join(cluster, fleet["uid"], now)
    fleet["updated"] = now
    return 200, "update success"


def fleet_description(req):
    fleet = get_fleet(req)
    body = body_of(req)
    description = body.get("description")
    if not isinstance(description, str):
        raise err(400, "UCS.01000012", "Invalid request body: description is required")
    fleet["description"] = description
    fleet["updated"] = req.state.now()
    return 200, "update success"


def fleet_rules(req):
    fleet = get_fleet(req)
    fleet["rules"] = _parse_bindings(req, body_of(req))
    fleet["updated"] = req.state.now()
    return 200, "update success"


def fleet_zones(req):
    fleet = get_fleet(req)
    if federation_phase(req.state, fleet) != "Success":
        raise err(400, "UCS.01080006", "Cluster group has not been federalized.")
    suffixes = body_of(req).get("dnsSuffix")
    if suffixes is None:
        suffixes = []
    if not isinstance(suffixes, list) or not all(isinstance(s, str) and DNS_SUFFIX_RE.match(s) for s in suffixes):
        raise err(400, "UCS.01000012", "Invalid request body: dnsSuffix must be a list of domain names")
    fleet["dnsSuffix"] = list(suffixes)
    fleet["updated"] = req.state.now()
    return 200, "update success"


def enable_federation(req):
    state = req.state
    fleet = get_fleet(req)
    retry = parse_bool(req, "retryjoinall")
    phase = federation_phase(state, fleet)
    if phase in ("Running", "Success"):
        if retry and phase == "Success":
            return 201, "federation is being successfully provisioned"
        raise err(400, "UCS.01080002", "Cluster group has federalized.")
    now = state.now()
    fleet["federation"] = {"uid": state.new_id(), "job_uid": state.new_id(), "started": now,
                           "subjobs": [[jtype, state.new_id()] for jtype in FEDERATION_SUBJOBS],
                           "fail": fleet["name"].startswith(FEDERATION_FAIL_PREFIX), "version": FEDERATION_VERSION}
    fleet["connection"] = None
    fleet["updated"] = now
    return 201, "federation is being successfully provisioned"


def disable_federation(req):
    fleet = get_fleet(req)
    if federation_phase(req.state, fleet) is None:
        raise err(400, "UCS.01080006", "Cluster group has not been federalized.")
    fleet["last_job"] = federation_job(req.state, fleet)
    fleet["federation"] = None
    fleet["dnsSuffix"] = []
    fleet["connection"] = None
    fleet["updated"] = req.state.now()
    return 200, None


def _no_job(state, fleet):
    if state.reading(PROGRESS_400):
        return err(400, "UCS.01080001", NO_JOB_TABLE_MESSAGE)
    return err(404, "UCS.01000013", "No requested resources found: no federation job for fleet %s" % fleet["uid"])


def federation_progress(req):
    state = req.state
    fleet = get_fleet(req)
    fed = fleet.get("federation")
    last = fleet.get("last_job") if state.reading(PROGRESS_AFTER_DISABLE) else None
    if not fed:
        if last:
            return 200, last
        raise _no_job(state, fleet)
    if state.reading(PROGRESS_LATE) and state.elapsed(fed["started"]) < PROGRESS_LATE_SECONDS:
        if fleet.get("last_job"):
            return 200, fleet["last_job"]  # the previous federation's job (another federationUID)
        raise _no_job(state, fleet)
    if state.reading(PROGRESS_GONE) and federation_phase(state, fleet) == "Success":
        raise _no_job(state, fleet)
    return 200, federation_job(state, fleet)


def _require_federated(state, fleet):
    if federation_phase(state, fleet) != "Success":
        raise err(400, "UCS.01080006", "Cluster group has not been federalized.")


def _connection_args(req, body):
    args = {"projectID": pick(body, "projectID", "projectId"), "vpcID": pick(body, "vpcID", "vpcId"),
            "subnetID": pick(body, "subnetID", "subnetId")}
    missing = [k for k, v in args.items() if not isinstance(v, str) or not v]
    if missing:
        raise err(400, "UCS.01000012", "Invalid request body: %s required" % ", ".join(missing))
    if args["projectID"] != req.state.project_id:
        raise err(400, "UCS.01010004", "get deployment region's projectID error: unknown project %s"
                  % args["projectID"])
    return args


def _duration(body):
    duration = body.get("duration")
    if isinstance(duration, bool) or not isinstance(duration, int) or not 1 <= duration <= 1825:
        raise err(400, "UCS.01000012", "Invalid request body: duration must be a number of days from 1 to 1825")
    return duration


def _make_connection(req, fleet, args):
    fleet["connection"] = dict(args, id=req.state.new_id(), created=req.state.now())
    fleet["updated"] = req.state.now()
    return fleet["connection"]


def federation_kubeconfig_body(state, fleet, duration):
    token = hashlib.sha256(("%s/%s/%s" % (fleet["federation"]["uid"], duration, state.now())).encode()).hexdigest()
    # the fleet's Karmada API (karmada.py) accepts only the tokens of the kubeconfigs issued for this federation
    issued = fleet["federation"].setdefault("tokens", [])
    if token not in issued:
        issued.append(token)
    server = "%s/k8s/fleet-%s" % (state.base_url, fleet["name"])
    name = "federation-" + fleet["name"]
    return {"kind": "Config", "apiVersion": "v1",
            "clusters": [{"name": name, "cluster": {"server": server, "certificate-authority-data": ""}}],
            "users": [{"name": "user", "user": {"LocationOfOrigin": "", "client-certificate-data": "",
                                                "client-key-data": "", "token": token}}],
            "contexts": [{"name": "federation", "context": {"cluster": name, "user": "user"}}],
            "current-context": "federation"}


def federation_connection(req):
    fleet = get_fleet(req)
    _require_federated(req.state, fleet)
    args = _connection_args(req, body_of(req))
    if fleet.get("connection"):
        raise err(400, "UCS.01080004", "Cluster group federation validate failed: the network connection of this "
                  "federation already exists (endpoint %s)" % fleet["connection"]["id"])
    conn = _make_connection(req, fleet, args)
    return 201, {"id": conn["id"]}


def federation_kubeconfig(req):
    fleet = get_fleet(req)
    _require_federated(req.state, fleet)
    duration = _duration(body_of(req))
    if not fleet.get("connection"):
        if req.state.reading(KUBECONFIG_TABLE):
            raise err(400, "UCS.01080001", NO_JOB_TABLE_MESSAGE)
        raise err(400, "UCS.01080001", "Failed to obtain the federation information: the network connection of "
                  "the federation does not exist; create it first (POST .../connection)")
    return 201, federation_kubeconfig_body(req.state, fleet, duration)


def federation_cert(req):
    fleet = get_fleet(req)
    _require_federated(req.state, fleet)
    body = body_of(req)
    args = _connection_args(req, body)
    duration = _duration(body)
    if not fleet.get("connection"):
        _make_connection(req, fleet, args)
    return 201, federation_kubeconfig_body(req.state, fleet, duration)


# --------------------------------------------------------------------------------------------------- policies


def _rule_spec(body_spec, base=None):
    if not isinstance(body_spec, dict):
        raise err(400, "UCS.01000012", "Invalid request body: spec must be an object")
    spec = dict(base or {})
    users = pick(body_spec, "iamUserIDs", "iamUserIds")
    if users is not None:
        if not isinstance(users, list) or not all(isinstance(u, str) for u in users):
            raise err(400, "UCS.01000012", "Invalid request body: iamUserIDs must be a list of user ids")
        spec["iamUserIDs"] = list(users)
    if body_spec.get("type") is not None:
        if body_spec["type"] not in RULE_TYPES:
            raise err(400, "UCS.01000012", "Invalid request body: type must be one of %s" % "/".join(RULE_TYPES))
        spec["type"] = body_spec["type"]
    contents = body_spec.get("contents")
    if contents is not None:
        if not isinstance(contents, list):
            raise err(400, "UCS.01000012", "Invalid request body: contents must be a list")
        clean = []
        for item in contents:
            if not isinstance(item, dict):
                raise err(400, "UCS.01000012", "Invalid request body: each content must be an object")
            verbs, resources = item.get("verbs") or [], item.get("resources") or []
            if not isinstance(verbs, list) or not isinstance(resources, list):
                raise err(400, "UCS.01000012", "Invalid request body: verbs and resources must be lists")
            clean.append({"verbs": list(verbs), "resources": list(resources)})
        spec["contents"] = clean
    if body_spec.get("description") is not None:
        if not isinstance(body_spec["description"], str):
            raise err(400, "UCS.01000012", "Invalid request body: description must be a string")
        spec["description"] = body_spec["description"]
    if spec.get("type") == "custom" and not spec.get("contents"):
        raise err(400, "UCS.01000012", "Invalid request body: a custom permission policy needs contents")
    return spec


def create_rule(req):
    state = req.state
    data = db(state)
    body = body_of(req)
    meta = body.get("metadata")
    if not isinstance(meta, dict):
        raise err(400, "UCS.01000012", "Invalid request body: metadata is required")
    name = meta.get("name")
    check_name(name, "permission policy")
    if "spec" not in body:
        raise err(400, "UCS.01000012", "Invalid request body: spec is required")
    spec = _rule_spec(body["spec"])
    if not spec.get("type"):
        spec["type"] = "custom" if spec.get("contents") else "readonly"
    if "contents" not in spec and spec["type"] in DEFAULT_CONTENTS:
        spec["contents"] = [dict(c) for c in DEFAULT_CONTENTS[spec["type"]]]
    if any(r["name"] == name for r in data["rules"].values()):
        raise err(400, "UCS.01120001", "Create ClusterRole failed: a permission policy named %s already exists"
                  % name)
    quota_check(state, "policies", len(data["rules"]))
    uid = state.new_id()
    now = state.now()
    data["rules"][uid] = {"uid": uid, "name": name, "created": now, "updated": now, "spec": spec}
    return 201, {"uid": uid}


def list_rules(req):
    items = list(db(req.state)["rules"].values())
    page, total = paginate(req, items, lambda r: r["created"], lambda r: r["updated"])
    return 200, {"items": [rule_view(r) for r in page], "total": total}


def _get_rule(req):
    rid = req.params["ruleid"]
    rule = db(req.state)["rules"].get(rid)
    if rule is None:
        raise err(404, "UCS.01000013", "No requested resources found: permission policy %s" % rid)
    return rule


def update_rule(req):
    rule = _get_rule(req)
    body = body_of(req)
    if "spec" not in body:
        raise err(400, "UCS.01000012", "Invalid request body: spec is required")
    rule["spec"] = _rule_spec(body["spec"], base=rule["spec"])
    rule["updated"] = req.state.now()
    return 200, "update completed successfully"


def delete_rule(req):
    rule = _get_rule(req)
    data = db(req.state)
    del data["rules"][rule["uid"]]
    for holder in list(data["clusters"].values()) + list(data["fleets"].values()):
        for binding in holder.get("rules") or []:
            if rule["uid"] in binding.get("ruleIDs", []):
                binding["ruleIDs"] = [r for r in binding["ruleIDs"] if r != rule["uid"]]
        holder["rules"] = [b for b in holder.get("rules") or [] if b.get("ruleIDs")]
    return 200, None


# --------------------------------------------------------------------------------------------------- routes


def register(router):
    add = router.add
    add("ucs", "GET", "/v1/clusters", list_clusters, scope="domain")
    add("ucs", "POST", "/v1/clusters", register_cluster, scope="domain")
    add("ucs", "GET", "/v1/clusters/{clusterid}", show_cluster, scope="domain")
    add("ucs", "PUT", "/v1/clusters/{clusterid}", update_cluster, scope="domain")
    add("ucs", "DELETE", "/v1/clusters/{clusterid}", delete_cluster, scope="domain")
    add("ucs", "GET", "/v1/clusters/{clusterid}/accessinfo", access_info, scope="domain")
    add("ucs", "PUT", "/v1/clusters/{clusterid}/activation", activate_cluster, scope="domain")
    add("ucs", "PUT", "/v1/clusters/{clusterid}/associatedrules", cluster_rules, scope="domain")
    add("ucs", "POST", "/v1/clusters/{clusterid}/join", join_fleet, scope="domain")
    add("ucs", "POST", "/v1/clusters/{clusterid}/unjoin", unjoin_fleet, scope="domain")
    add("ucs", "GET", "/v1/managedclusters", managed_clusters, scope="domain")
    add("ucs", "GET", "/v1/config/registeredclusterversions", cluster_versions, scope="domain")
    add("ucs", "GET", "/v1/clustergroups", list_fleets, scope="domain")
    add("ucs", "POST", "/v1/clustergroups", create_fleet, scope="domain")
    add("ucs", "GET", "/v1/clustergroups/{clustergroupid}", show_fleet, scope="domain")
    add("ucs", "DELETE", "/v1/clustergroups/{clustergroupid}", delete_fleet, scope="domain")
    add("ucs", "PUT", "/v1/clustergroups/{clustergroupid}/associatedclusters", fleet_add_clusters, scope="domain")
    add("ucs", "PUT", "/v1/clustergroups/{clustergroupid}/description", fleet_description, scope="domain")
    add("ucs", "PUT", "/v1/clustergroups/{clustergroupid}/associatedrules", fleet_rules, scope="domain")
    add("ucs", "PUT", "/v1/clustergroups/{clustergroupid}/associatedzones", fleet_zones, scope="domain")
    add("ucs", "POST", "/v1/clustergroups/{clustergroupid}/federations", enable_federation, scope="domain")
    add("ucs", "DELETE", "/v1/clustergroups/{clustergroupid}/federations", disable_federation, scope="domain")
    add("ucs", "GET", "/v1/clustergroups/{clustergroupid}/federations/progress", federation_progress, scope="domain")
    add("ucs", "POST", "/v1/clustergroups/{clustergroupid}/connection", federation_connection, scope="domain")
    add("ucs", "POST", "/v1/clustergroups/{clustergroupid}/kubeconfig", federation_kubeconfig, scope="domain")
    add("ucs", "POST", "/v1/clustergroups/{clustergroupid}/cert", federation_cert, scope="domain")
    add("ucs", "GET", "/v1/permissions/rules", list_rules, scope="domain")
    add("ucs", "POST", "/v1/permissions/rules", create_rule, scope="domain")
    add("ucs", "PUT", "/v1/permissions/rules/{ruleid}", update_rule, scope="domain")
    add("ucs", "DELETE", "/v1/permissions/rules/{ruleid}", delete_rule, scope="domain")

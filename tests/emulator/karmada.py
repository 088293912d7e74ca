# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Karmada control plane of each federated fleet, behind ``<base>/k8s/fleet-<fleet name>``.

The federation kubeconfig that UCS issues (``ucs.federation_kubeconfig_body``) names this URL.  It is a
Kubernetes API server (the generic store of ``k8s.py``) that also serves Karmada's types
(``k8s.KARMADA_CATALOG``), admits objects as Karmada's API server and webhooks would, and runs a small
reconciler that follows Karmada's API reference:

* **Clusters** (``cluster.karmada.io/v1alpha1``): one per UCS cluster of the fleet, named like it, with its UCS
  labels; ``Ready`` while UCS reports the cluster ``Available`` and the emulator serves its Kubernetes API
  (attached / on-premise: the ``/k8s/<member>`` of its kubeconfig; CCE: ``/k8s/<cluster name>``).  A cluster
  whose proxy-agent disappears becomes ``Unavailable`` in UCS and not Ready here: that is "a member unreachable".
* **Detector**: every resource template (any namespaced or cluster-scoped object except Karmada's own types,
  Namespaces and objects in reserved namespaces) matched by a ``PropagationPolicy`` of its namespace (first) or a
  ``ClusterPropagationPolicy`` (higher ``spec.priority``, then name) gets a ``ResourceBinding`` (``<name>-<kind>``,
  ``work.karmada.io/v1alpha2``; ``ClusterResourceBinding`` for cluster-scoped templates) holding the resource
  reference, the replicas and the policy's placement.  A status-only change of a template is not a change.
* **Scheduler**: ``clusterAffinity`` (``clusterNames``, ``exclude``, ``labelSelector``; no affinity = every
  cluster), clusters that are not Ready are filtered out (their ``not-ready`` NoSchedule taint);
  ``replicaScheduling`` ``Duplicated`` (default) or ``Divided`` with ``Weighted`` (``staticWeightList``; no weight
  preference or ``dynamicWeight`` = equal weights) or ``Aggregated`` (all replicas on the first cluster: no
  capacity model).  Result in ``spec.clusters``, ``status.schedulerObservedGeneration``, condition
  ``Scheduled`` (``NoClusterFit`` when nothing fits).
* **Binding / execution**: one ``Work`` per target cluster in ``karmada-es-<cluster>`` carrying the manifest
  (replicas set to the cluster's share, label ``karmada.io/managed``), applied to the member's Kubernetes API
  while the cluster is Ready (the namespace is created there first, as Karmada's namespace sync does); an
  existing member object that Karmada does not manage is a conflict (``conflictResolution: Abort``, the
  default) unless the policy says ``Overwrite``.  Drift on a member is re-applied.  Works of clusters no longer
  targeted, and of deleted templates, remove the member object first; a not-Ready cluster keeps them (and the
  binding) until it is back.
* **Status**: ``status.aggregatedStatus`` (``clusterName``, ``applied``, ``appliedMessage``, ``status``,
  ``health``) and condition ``FullyApplied`` on the binding; Deployment / StatefulSet / DaemonSet templates get
  the sum of the members' statuses, with ``observedGeneration`` equal to the template's generation once every
  target cluster runs that generation.

Each reconcile pass moves every object one step (detect, schedule, bind, apply, aggregate); a pass runs at most
every ``STEP_SECONDS`` emulated seconds and is triggered by any Kubernetes request to the emulator, so
propagation is asynchronous without a thread.  Not modelled: OverridePolicies (stored, not applied),
dependencies (``propagateDeps``), spread constraints, tolerations, failover and eviction, resource
interpreters, capacity-based division, ``fieldSelector``, RBAC of the Karmada API (the token of any kubeconfig
issued for the federation has every right; any other token gets 401).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy
import hashlib
import json
import time
from urllib.parse import unquote, urlsplit

import k8s

STEP_SECONDS = 0.4
MAX_PASSES = 8
RESERVED_NAMESPACES = ("karmada-system", "karmada-cluster", "kube-system", "kube-public", "kube-node-lease")
EXECUTION_PREFIX = "karmada-es-"
MANAGED_LABEL = "karmada.io/managed"
WORKLOAD_KINDS = k8s.WORKLOADS


def _info(kind):
    for entry in k8s.KARMADA_CATALOG:
        if entry[3] == kind:
            return entry
    raise KeyError(kind)


PP, CPP = _info("PropagationPolicy"), _info("ClusterPropagationPolicy")
RB, CRB = _info("ResourceBinding"), _info("ClusterResourceBinding")
WORK, CLUSTER = _info("Work"), _info("Cluster")
OWN_KINDS = frozenset(entry[3] for entry in k8s.KARMADA_CATALOG) | frozenset(("Namespace",))
NAMESPACE = k8s.CATALOG[0]


def _ts(when):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when))


def _ucs():
    import ucs  # pylint: disable=import-outside-toplevel
    return ucs


def _fleet(state, name):
    for fleet in _ucs().db(state)["fleets"].values():
        if fleet["name"] == name:
            return fleet
    return None


def _federated(state, fleet):
    return fleet is not None and _ucs().federation_phase(state, fleet) == "Success"


def _invalid(kind, name, field, detail):
    return k8s.status_error(422, "Invalid", '%s "%s" is invalid: %s: %s' % (kind, name, field, detail),
                            {"name": name, "kind": kind, "causes": [{"field": field, "message": detail}]})


def _denied(webhook, msg):
    # Karmada's validating webhooks answer through controller-runtime's admission.Denied: 403 Forbidden.
    return k8s.status_error(403, "Forbidden", 'admission webhook "%s" denied the request: %s' % (webhook, msg))


# ------------------------------------------------------------------------------------------ admission

def _check_policy(kind, obj):
    name = obj["metadata"].get("name", "")
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        raise _invalid(kind, name, "spec", "Required value")
    selectors = spec.get("resourceSelectors")
    if not isinstance(selectors, list) or not selectors:
        raise _invalid(kind, name, "spec.resourceSelectors", "Required value")
    for index, sel in enumerate(selectors):
        for field in ("apiVersion", "kind"):
            if not isinstance(sel, dict) or not isinstance(sel.get(field), str) or not sel.get(field):
                raise _invalid(kind, name, "spec.resourceSelectors[%d].%s" % (index, field), "Required value")
    placement = spec.get("placement") or {}
    if not isinstance(placement, dict):
        raise _invalid(kind, name, "spec.placement", "must be an object")
    if placement.get("clusterAffinity") and placement.get("clusterAffinities"):
        raise _denied("propagationpolicy.karmada.io", "clusterAffinities can not co-exist with clusterAffinity")
    scheduling = placement.get("replicaScheduling") or {}
    stype = scheduling.get("replicaSchedulingType")
    if stype is not None and stype not in ("Duplicated", "Divided"):
        raise _invalid(kind, name, "spec.placement.replicaScheduling.replicaSchedulingType",
                       'Unsupported value: "%s": supported values: "Duplicated", "Divided"' % stype)
    pref = scheduling.get("replicaDivisionPreference")
    if pref is not None and pref not in ("Aggregated", "Weighted"):
        raise _invalid(kind, name, "spec.placement.replicaScheduling.replicaDivisionPreference",
                       'Unsupported value: "%s": supported values: "Aggregated", "Weighted"' % pref)
    weights = (scheduling.get("weightPreference") or {}).get("staticWeightList") or []
    for index, item in enumerate(weights):
        weight = item.get("weight") if isinstance(item, dict) else None
        if not isinstance(weight, int) or isinstance(weight, bool) or weight < 1:
            raise _invalid(kind, name, "spec.placement.replicaScheduling.weightPreference.staticWeightList[%d]"
                           ".weight" % index, "Invalid value: %s: should be greater than or equal to 1"
                           % json.dumps(weight))
        if not isinstance(item.get("targetCluster"), dict):
            raise _invalid(kind, name, "spec.placement.replicaScheduling.weightPreference.staticWeightList[%d]"
                           ".targetCluster" % index, "Required value")
    if spec.get("conflictResolution") not in (None, "Abort", "Overwrite"):
        raise _invalid(kind, name, "spec.conflictResolution", 'Unsupported value: "%s": supported values: '
                       '"Abort", "Overwrite"' % spec.get("conflictResolution"))


def _check_workload(kind, obj):
    """What the Karmada API server (a kube-apiserver) validates on a Deployment, StatefulSet, DaemonSet."""
    name = obj["metadata"].get("name", "")
    qualified = "%s.apps" % kind
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        raise _invalid(qualified, name, "spec", "Required value")
    replicas = spec.get("replicas", 1)
    if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 0:
        raise _invalid(qualified, name, "spec.replicas", "Invalid value: %s: must be greater than or equal to 0"
                       % json.dumps(replicas))
    selector = spec.get("selector")
    if not isinstance(selector, dict) or not (selector.get("matchLabels") or selector.get("matchExpressions")):
        raise _invalid(qualified, name, "spec.selector", "Required value")
    template = spec.get("template") or {}
    labels = (template.get("metadata") or {}).get("labels") or {}
    wanted = selector.get("matchLabels") or {}
    if any(labels.get(k) != v for k, v in wanted.items()):
        raise _invalid(qualified, name, "spec.template.metadata.labels",
                       "Invalid value: %s: `selector` does not match template `labels`" % json.dumps(labels))
    containers = (template.get("spec") or {}).get("containers")
    if not isinstance(containers, list) or not containers:
        raise _invalid(qualified, name, "spec.template.spec.containers", "Required value")
    for index, container in enumerate(containers):
        for field in ("name", "image"):
            if not isinstance(container, dict) or not container.get(field):
                raise _invalid(qualified, name, "spec.template.spec.containers[%d].%s" % (index, field),
                               "Required value")


def _admit(req, info):
    """Validate the object a create / replace / patch would store; raise a Status error when refused."""
    if req.method not in ("POST", "PUT", "PATCH") or not req.body:
        return
    try:
        ctype, body = k8s._body(req)  # pylint: disable=protected-access
    except k8s.HttpError:
        return  # the store answers the malformed body itself
    if not isinstance(body, dict):
        return
    obj = body
    if req.method == "PATCH":
        member = k8s.member_store(req.state, req.params["member"])
        old = k8s.objects_of(member, info).get(_key(info, req.params.get("namespace"), req.params.get("name")))
        if old is None and ctype != "application/apply-patch+yaml":
            return
        obj = k8s._merge_patch(old, body) if old is not None else body  # pylint: disable=protected-access
        obj.setdefault("metadata", {})["name"] = req.params.get("name")
    if not isinstance(obj.get("metadata"), dict):
        return
    if info[3] in ("PropagationPolicy", "ClusterPropagationPolicy"):
        _check_policy(info[3], obj)
    elif info[3] in WORKLOAD_KINDS:
        _check_workload(info[3], obj)


# ------------------------------------------------------------------------------------------ helpers

def _key(info, namespace, name):
    return "%s/%s" % (namespace if info[4] else "", name)


def _save(state, store, info, obj):
    """Store a control-plane object directly; resourceVersion bumped only when it changed."""
    bucket = k8s.objects_of(store, info)
    meta = obj["metadata"]
    key = _key(info, meta.get("namespace"), meta["name"])
    old = bucket.get(key)
    obj["apiVersion"] = "%s/%s" % (info[0], info[1])
    obj["kind"] = info[3]
    if old is not None:
        meta["uid"] = old["metadata"]["uid"]
        meta["creationTimestamp"] = old["metadata"]["creationTimestamp"]
        meta["resourceVersion"] = old["metadata"]["resourceVersion"]
        if old == obj:
            return old
    else:
        meta["uid"] = state.new_id()
        meta["creationTimestamp"] = _ts(state.now())
    store["rv"] += 1
    meta["resourceVersion"] = str(store["rv"])
    bucket[key] = obj
    return obj


def _condition(ctype, ok, reason, message, now, old_conditions=None):
    previous = next((c for c in old_conditions or [] if c.get("type") == ctype), None)
    status = "True" if ok else "False"
    since = previous["lastTransitionTime"] if previous and previous.get("status") == status else _ts(now)
    return {"type": ctype, "status": status, "reason": reason, "message": message, "lastTransitionTime": since}


def _match_labels(selector, labels):
    """A metav1.LabelSelector (matchLabels, matchExpressions In / NotIn / Exists / DoesNotExist)."""
    if not selector:
        return True
    labels = labels or {}
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def _affinity_match(affinity, cluster):
    if not affinity:
        return True
    name = cluster["metadata"]["name"]
    if affinity.get("clusterNames") and name not in affinity["clusterNames"]:
        return False
    if name in (affinity.get("exclude") or []):
        return False
    return _match_labels(affinity.get("labelSelector"), cluster["metadata"].get("labels"))


def _spec_hash(obj):
    core = dict((k, v) for k, v in obj.items() if k not in ("status", "metadata"))
    meta = dict((k, v) for k, v in obj["metadata"].items() if k not in ("resourceVersion", "managedFields"))
    return hashlib.sha256(json.dumps([core, meta], sort_keys=True).encode("utf-8")).hexdigest()


# ------------------------------------------------------------------------------------------ clusters

def _member_name(state, cluster):
    """The emulated member API of a UCS cluster, or None when the emulator cannot reach it."""
    if cluster["spec"].get("category") == "self":
        return cluster["name"]
    server = cluster.get("server") or ""
    prefix = (state.base_url or "").rstrip("/") + "/k8s/"
    if state.base_url and server.startswith(prefix):
        rest = unquote(urlsplit(server).path).rstrip("/").rpartition("/")[2]
        return rest or None
    return None


def _sync_clusters(state, fleet, store, ctl):
    now = state.now()
    members = {}
    for cluster in _ucs().db(state)["clusters"].values():
        if cluster["spec"].get("clusterGroupID") != fleet["uid"]:
            continue
        phase = _ucs().cluster_phase(state, cluster)[0]
        mname = _member_name(state, cluster)
        ready = phase == "Available" and mname is not None
        members[cluster["name"]] = {"member": mname, "ready": ready}
        bucket = k8s.objects_of(store, CLUSTER)
        old = bucket.get(_key(CLUSTER, None, cluster["name"]))
        if ready:
            cond = _condition("Ready", True, "ClusterReady", "cluster is healthy and ready to accept workloads", now,
                              (old or {}).get("status", {}).get("conditions"))
        else:
            cond = _condition("Ready", False, "ClusterNotReachable", "cluster is not reachable (UCS phase %s)"
                              % phase, now, (old or {}).get("status", {}).get("conditions"))
        obj = {"metadata": {"name": cluster["name"], "labels": dict(cluster.get("labels") or {})},
               "spec": {"id": cluster["uid"], "syncMode": "Pull", "provider": cluster["spec"].get("provider", ""),
                        "region": cluster["spec"].get("region") or cluster["spec"].get("city") or ""},
               "status": {"kubernetesVersion": cluster.get("kubernetesVersion") or "v1.28", "conditions": [cond]}}
        _save(state, store, CLUSTER, obj)
        k8s.ensure_namespace(state, store, EXECUTION_PREFIX + cluster["name"])
    for key in [k for k, v in k8s.objects_of(store, CLUSTER).items() if v["metadata"]["name"] not in members]:
        k8s.remove_object(store, CLUSTER, None, key.rpartition("/")[2])
    ctl["members"] = members
    return members


# ------------------------------------------------------------------------------------------ detector

def _templates(store):
    for (group, version, plural, kind, namespaced) in k8s.catalog_for("fleet-"):
        if kind in OWN_KINDS:
            continue
        info = (group, version, plural, kind, namespaced)
        for obj in k8s.objects_of(store, info).values():
            ns = obj["metadata"].get("namespace")
            if ns and (ns in RESERVED_NAMESPACES or ns.startswith(EXECUTION_PREFIX)):
                continue
            yield info, obj


def _selects(policy, template):
    meta = template["metadata"]
    for sel in policy["spec"].get("resourceSelectors") or []:
        if sel.get("apiVersion") != template["apiVersion"] or sel.get("kind") != template["kind"]:
            continue
        if sel.get("name") and sel["name"] != meta["name"]:
            continue
        if sel.get("namespace") and sel["namespace"] != meta.get("namespace"):
            continue
        if not _match_labels(sel.get("labelSelector"), meta.get("labels")):
            continue
        return True
    return False


def _priority_order(policy):
    """Higher ``spec.priority`` first, then by name."""
    return (-int(policy["spec"].get("priority") or 0), policy["metadata"]["name"])


def _policy_for(store, template):
    ns = template["metadata"].get("namespace")
    order = _priority_order
    if ns:
        local = [p for p in k8s.objects_of(store, PP).values() if p["metadata"].get("namespace") == ns]
        for policy in sorted(local, key=order):
            if _selects(policy, template):
                return PP, policy
    for policy in sorted(k8s.objects_of(store, CPP).values(), key=order):
        if _selects(policy, template):
            return CPP, policy
    return None, None


def _detect(state, store, ctl):
    wanted = set()
    for info, template in _templates(store):
        pinfo, policy = _policy_for(store, template)
        if policy is None:
            continue
        meta = template["metadata"]
        binfo = RB if info[4] else CRB
        name = "%s-%s" % (meta["name"], info[3].lower())
        key = (binfo[3], _key(binfo, meta.get("namespace"), name))
        wanted.add(key)
        old = k8s.objects_of(store, binfo).get(key[1])
        seen = ctl["templates"].get(key[1] + binfo[3])
        digest = _spec_hash(template)
        if seen is None or seen[0] != digest:
            seen = [digest, meta["resourceVersion"], meta.get("generation")]
            ctl["templates"][key[1] + binfo[3]] = seen
        resource = {"apiVersion": template["apiVersion"], "kind": info[3], "name": meta["name"], "uid": meta["uid"],
                    "resourceVersion": seen[1]}
        if info[4]:
            resource["namespace"] = meta["namespace"]
        spec = {"resource": resource, "placement": copy.deepcopy(policy["spec"].get("placement") or {}),
                "conflictResolution": policy["spec"].get("conflictResolution") or "Abort"}
        if info[3] in WORKLOAD_KINDS and info[3] != "DaemonSet":
            spec["replicas"] = int((template.get("spec") or {}).get("replicas", 1))
        labels = ({"propagationpolicy.karmada.io/name": policy["metadata"]["name"],
                   "propagationpolicy.karmada.io/namespace": policy["metadata"]["namespace"]} if pinfo is PP
                  else {"clusterpropagationpolicy.karmada.io/name": policy["metadata"]["name"]})
        if old is not None:
            new = copy.deepcopy(old)
            old_spec = dict((k, v) for k, v in old["spec"].items() if k != "clusters")
            if old_spec != spec or old["metadata"].get("labels") != labels:
                spec["clusters"] = old["spec"].get("clusters") or []
                new["spec"] = spec
                new["metadata"]["labels"] = labels
                new["metadata"]["generation"] = old["metadata"].get("generation", 1) + 1
                _save(state, store, binfo, new)
            continue
        obj = {"metadata": {"name": name, "labels": labels, "generation": 1,
                            "ownerReferences": [{"apiVersion": template["apiVersion"], "kind": info[3],
                                                 "name": meta["name"], "uid": meta["uid"], "controller": True}]},
               "spec": spec, "status": {}}
        if info[4]:
            obj["metadata"]["namespace"] = meta["namespace"]
        _save(state, store, binfo, obj)
    # bindings whose template (or policy claim) is gone are garbage collected: deleting until their Works are
    for binfo in (RB, CRB):
        for key, binding in list(k8s.objects_of(store, binfo).items()):
            if (binfo[3], key) not in wanted and not binding["metadata"].get("deletionTimestamp"):
                new = copy.deepcopy(binding)
                new["metadata"]["deletionTimestamp"] = _ts(state.now())
                new["metadata"]["finalizers"] = ["karmada.io/binding-controller"]
                _save(state, store, binfo, new)


# ------------------------------------------------------------------------------------------ scheduler

def _divide(total, weights):
    """Replicas per cluster by weight (largest remainders, then higher weight, then name)."""
    names = sorted(n for n in weights if weights[n] > 0)
    weight_sum = sum(weights[n] for n in names)
    if not names or weight_sum == 0:
        return {}
    shares = dict((n, total * weights[n] // weight_sum) for n in names)
    rest = total - sum(shares.values())
    order = sorted(names, key=lambda n: (-(total * weights[n] % weight_sum), -weights[n], n))
    for name in order[:rest]:
        shares[name] += 1
    return shares


def _schedule_one(binding, clusters, members):
    """(target list, ok, reason, message)."""
    placement = binding["spec"].get("placement") or {}
    affinity = placement.get("clusterAffinity") or {}
    matching = [c for c in clusters if _affinity_match(affinity, c)]
    feasible = [c for c in matching if members.get(c["metadata"]["name"], {}).get("ready")]
    if not feasible:
        parts = []
        if len(clusters) - len(matching):
            parts.append("%d cluster(s) did not match the placement cluster affinity constraint"
                         % (len(clusters) - len(matching)))
        if len(matching) - len(feasible):
            parts.append("%d cluster(s) had untolerated taint {cluster.karmada.io/not-ready: }"
                         % (len(matching) - len(feasible)))
        return [], False, "NoClusterFit", "0/%d clusters are available: %s." % (
            len(clusters), ", ".join(parts) or "no cluster in the fleet")
    names = sorted(c["metadata"]["name"] for c in feasible)
    replicas = binding["spec"].get("replicas")
    scheduling = placement.get("replicaScheduling") or {}
    if replicas is None or scheduling.get("replicaSchedulingType", "Duplicated") == "Duplicated":
        targets = [{"name": n, "replicas": replicas} if replicas is not None else {"name": n} for n in names]
        return targets, True, "Success", "Binding has been scheduled successfully."
    if scheduling.get("replicaDivisionPreference") == "Aggregated":
        shares = {names[0]: replicas}
    else:
        pref = scheduling.get("weightPreference") or {}
        weights = dict((n, 1) for n in names)
        if pref.get("staticWeightList") and not pref.get("dynamicWeight"):
            by_name = dict((c["metadata"]["name"], c) for c in feasible)
            weights = {}
            for name in names:
                matched = [w["weight"] for w in pref["staticWeightList"]
                           if _affinity_match(w.get("targetCluster") or {}, by_name[name])]
                weights[name] = max(matched) if matched else 0
        shares = _divide(replicas, weights)
        if not shares:
            return [], False, "NoClusterFit", "0/%d clusters are available: no cluster has a weight." % len(clusters)
    targets = [{"name": n, "replicas": shares[n]} for n in sorted(shares) if shares[n] > 0 or replicas == 0]
    return targets, True, "Success", "Binding has been scheduled successfully."


def _schedule(state, store, ctl):
    clusters = list(k8s.objects_of(store, CLUSTER).values())
    members = ctl["members"]
    now = state.now()
    for binfo in (RB, CRB):
        for binding in list(k8s.objects_of(store, binfo).values()):
            if binding["metadata"].get("deletionTimestamp"):
                continue
            status = binding.get("status") or {}
            gone = [t["name"] for t in binding["spec"].get("clusters") or [] if t["name"] not in members]
            if status.get("schedulerObservedGeneration") == binding["metadata"]["generation"] and not gone:
                continue
            targets, ok, reason, message = _schedule_one(binding, clusters, members)
            new = copy.deepcopy(binding)
            generation = binding["metadata"]["generation"]
            if (binding["spec"].get("clusters") or []) != targets:
                new["spec"]["clusters"] = targets
                generation += 1
                new["metadata"]["generation"] = generation
            new_status = dict(status)
            new_status["schedulerObservedGeneration"] = generation
            new_status["lastScheduledTime"] = _ts(now)
            conditions = [c for c in status.get("conditions") or [] if c.get("type") != "Scheduled"]
            conditions.insert(0, _condition("Scheduled", ok, reason, message, now, status.get("conditions")))
            new_status["conditions"] = conditions
            new["status"] = new_status
            _save(state, store, binfo, new)


# ------------------------------------------------------------------------------------------ binding

def _work_name(binding):
    res = binding["spec"]["resource"]
    digest = hashlib.sha256(("%s/%s/%s" % (res["kind"], res.get("namespace", ""), res["name"])).encode()).hexdigest()
    return "%s-%s" % (res["name"], digest[:10])


def _manifest(template, target, binding):
    meta = template["metadata"]
    out = dict((k, copy.deepcopy(v)) for k, v in template.items() if k not in ("status", "metadata"))
    labels = dict(meta.get("labels") or {})
    labels[MANAGED_LABEL] = "true"
    annotations = dict(meta.get("annotations") or {})
    annotations.pop("kubectl.kubernetes.io/last-applied-configuration", None)
    out["metadata"] = {"name": meta["name"], "labels": labels, "annotations": annotations}
    if meta.get("namespace"):
        out["metadata"]["namespace"] = meta["namespace"]
    if "replicas" in binding["spec"] and isinstance(out.get("spec"), dict):
        out["spec"]["replicas"] = target.get("replicas", 0)
    return out


def _template_of(store, binding):
    res = binding["spec"]["resource"]
    info = k8s.find_info(res["apiVersion"], res["kind"], "fleet-")
    if info is None:
        return None, None
    return info, k8s.objects_of(store, info).get(_key(info, res.get("namespace"), res["name"]))


def _bind(state, store, ctl):
    works = k8s.objects_of(store, WORK)
    for binfo in (RB, CRB):
        for bkey, binding in list(k8s.objects_of(store, binfo).items()):
            wname = _work_name(binding)
            deleting = bool(binding["metadata"].get("deletionTimestamp"))
            status = binding.get("status") or {}
            targets = {} if deleting else dict((t["name"], t) for t in binding["spec"].get("clusters") or [])
            scheduled = status.get("schedulerObservedGeneration") == binding["metadata"].get("generation")
            if not deleting and not scheduled:
                continue
            dummy, template = (None, None) if deleting else _template_of(store, binding)
            for cluster, target in targets.items():
                if template is None:
                    continue
                ns = EXECUTION_PREFIX + cluster
                k8s.ensure_namespace(state, store, ns)
                old = works.get("%s/%s" % (ns, wname))
                work = copy.deepcopy(old) if old else {"metadata": {"name": wname, "namespace": ns}, "status": {}}
                work["metadata"]["labels"] = {"resourcebinding.karmada.io/name": binding["metadata"]["name"],
                                              "resourcebinding.karmada.io/namespace":
                                                  binding["metadata"].get("namespace", "")}
                work["metadata"].pop("deletionTimestamp", None)
                work["spec"] = {"workload": {"manifests": [_manifest(template, target, binding)]},
                                "conflictResolution": binding["spec"].get("conflictResolution", "Abort")}
                annotations = work["metadata"].setdefault("annotations", {})
                annotations["fleetops.emulator/template-generation"] = str(template["metadata"].get("generation", 0))
                _save(state, store, WORK, work)
            binding_label = binding["metadata"]["name"]
            mine = [(k, w) for k, w in works.items()
                    if w["metadata"]["name"] == wname
                    and w["metadata"].get("labels", {}).get("resourcebinding.karmada.io/name") == binding_label
                    and w["metadata"].get("labels", {}).get("resourcebinding.karmada.io/namespace")
                    == binding["metadata"].get("namespace", "")]
            for key, work in mine:
                cluster = work["metadata"]["namespace"][len(EXECUTION_PREFIX):]
                if cluster not in targets and not work["metadata"].get("deletionTimestamp"):
                    new = copy.deepcopy(work)
                    new["metadata"]["deletionTimestamp"] = _ts(state.now())
                    new["metadata"]["finalizers"] = ["karmada.io/execution-controller"]
                    _save(state, store, WORK, new)
            if deleting and not mine:
                k8s.remove_object(store, binfo, binding["metadata"].get("namespace"), binding["metadata"]["name"])


# ------------------------------------------------------------------------------------------ execution

def _health(kind, manifest, member_obj):
    if member_obj is None:
        return "Unknown"
    if kind not in WORKLOAD_KINDS:
        return "Healthy"
    status = member_obj.get("status") or {}
    if kind == "DaemonSet":
        ok = status.get("numberReady", 0) >= status.get("desiredNumberScheduled", 0)
    else:
        ok = status.get("readyReplicas", 0) >= (manifest.get("spec") or {}).get("replicas", 1)
    return "Healthy" if ok else "Unhealthy"


def _execute(state, store, ctl):
    members = ctl["members"]
    now = state.now()
    for key, work in list(k8s.objects_of(store, WORK).items()):
        cluster = work["metadata"]["namespace"][len(EXECUTION_PREFIX):]
        target = members.get(cluster) or {}
        manifest = work["spec"]["workload"]["manifests"][0]
        meta = manifest["metadata"]
        mname = target.get("member")
        old_status = work.get("status") or {}
        info = k8s.find_info(manifest["apiVersion"], manifest["kind"], mname) if mname else None
        if not target.get("ready") or info is None:
            why = ("cluster %s is not ready" % cluster) if not target.get("ready") else (
                "the member cluster %s does not serve %s %s" % (cluster, manifest["apiVersion"], manifest["kind"]))
            if work["metadata"].get("deletionTimestamp"):
                why += "; the resource cannot be removed from it yet"
            new = copy.deepcopy(work)
            new["status"] = dict(old_status, conditions=[_condition("Applied", False, "AppliedFailed", why, now,
                                                                    old_status.get("conditions"))])
            _save(state, store, WORK, new)
            continue
        member = k8s.member_store(state, mname)
        ns = meta.get("namespace") if info[4] else None
        mkey = _key(info, ns, meta["name"])
        existing = k8s.objects_of(member, info).get(mkey)
        if work["metadata"].get("deletionTimestamp"):
            if existing is not None and (existing["metadata"].get("labels") or {}).get(MANAGED_LABEL) == "true":
                k8s.remove_object(member, info, ns, meta["name"])
            k8s.remove_object(store, WORK, work["metadata"]["namespace"], work["metadata"]["name"])
            continue
        unmanaged = existing is not None and (existing["metadata"].get("labels") or {}).get(MANAGED_LABEL) != "true"
        if unmanaged and work["spec"].get("conflictResolution", "Abort") != "Overwrite":
            ok, reason = False, "AppliedFailed"
            message = ("Failed to apply all manifests (0/1): %s %s/%s already exists in the member cluster and is "
                       "not managed by Karmada (conflictResolution: Abort)" % (manifest["kind"], ns or "", meta["name"]))
            member_obj = existing
        else:
            if ns:
                k8s.ensure_namespace(state, member, ns)
            member_obj = k8s.put_object(state, member, info, ns, manifest)
            ok, reason, message = True, "AppliedSuccessful", "Manifest has been successfully applied"
        identifier = {"ordinal": 0, "group": info[0], "version": info[1], "kind": info[3], "resource": info[2],
                      "namespace": ns or "", "name": meta["name"]}
        new = copy.deepcopy(work)
        new["status"] = {"conditions": [_condition("Applied", ok, reason, message, now, old_status.get("conditions"))],
                         "manifestStatuses": [{"identifier": identifier,
                                               "status": copy.deepcopy((member_obj or {}).get("status") or {}),
                                               "health": _health(info[3], manifest, member_obj)}]}
        if ok:
            new["metadata"]["annotations"]["fleetops.emulator/applied-generation"] = \
                new["metadata"]["annotations"].get("fleetops.emulator/template-generation", "0")
        _save(state, store, WORK, new)


# ------------------------------------------------------------------------------------------ status

SUMMED = ("replicas", "readyReplicas", "availableReplicas", "updatedReplicas", "unavailableReplicas",
          "currentNumberScheduled", "desiredNumberScheduled", "numberAvailable", "numberReady",
          "updatedNumberScheduled", "numberMisscheduled", "currentReplicas")


def _aggregate(state, store, ctl):  # pylint: disable=unused-argument
    works = k8s.objects_of(store, WORK)
    now = state.now()
    for binfo in (RB, CRB):
        for binding in list(k8s.objects_of(store, binfo).values()):
            wname = _work_name(binding)
            status = copy.deepcopy(binding.get("status") or {})
            targets = [t["name"] for t in binding["spec"].get("clusters") or []]
            if binding["metadata"].get("deletionTimestamp"):
                targets = sorted(k.split("/")[0][len(EXECUTION_PREFIX):] for k, w in works.items()
                                 if w["metadata"]["name"] == wname)
            items, all_applied, current = [], bool(targets), True
            info, template = _template_of(store, binding)
            generation = str((template or {}).get("metadata", {}).get("generation", 0))
            for cluster in targets:
                work = works.get("%s%s/%s" % (EXECUTION_PREFIX, cluster, wname))
                cond = next((c for c in ((work or {}).get("status") or {}).get("conditions") or []
                             if c["type"] == "Applied"), None)
                item = {"clusterName": cluster, "applied": bool(cond and cond["status"] == "True")}
                if cond and cond["status"] != "True":
                    item["appliedMessage"] = cond["message"]
                if cond is None:
                    item["appliedMessage"] = "the work is not applied yet"
                manifest_status = (((work or {}).get("status") or {}).get("manifestStatuses") or [{}])[0]
                if manifest_status.get("status"):
                    item["status"] = manifest_status["status"]
                item["health"] = manifest_status.get("health", "Unknown") if item["applied"] else "Unknown"
                all_applied = all_applied and item["applied"]
                current = current and bool(work) and (work["metadata"].get("annotations") or {}).get(
                    "fleetops.emulator/applied-generation") == generation
                items.append(item)
            status["aggregatedStatus"] = items
            conditions = [c for c in status.get("conditions") or [] if c.get("type") != "FullyApplied"]
            if status.get("schedulerObservedGeneration") is not None:
                if all_applied:
                    cond = _condition("FullyApplied", True, "FullyAppliedSuccess", "All works have been successfully "
                                      "applied", now, status.get("conditions"))
                else:
                    cond = _condition("FullyApplied", False, "FullyAppliedFailed", "Failed to apply all works, see "
                                      "status.aggregatedStatus for details", now, status.get("conditions"))
                conditions.append(cond)
            status["conditions"] = conditions
            new = copy.deepcopy(binding)
            new["status"] = status
            _save(state, store, binfo, new)
            if template is not None and info[3] in WORKLOAD_KINDS and not binding["metadata"].get("deletionTimestamp"):
                summed = {}
                for item in items:
                    for field in SUMMED:
                        if isinstance((item.get("status") or {}).get(field), int):
                            summed[field] = summed.get(field, 0) + item["status"][field]
                old_generation = (template.get("status") or {}).get("observedGeneration")
                summed["observedGeneration"] = (template["metadata"].get("generation", 1)
                                                if all_applied and current else old_generation or 0)
                k8s.set_status(state, store, info, template["metadata"].get("namespace"),
                               template["metadata"]["name"], summed)


# ------------------------------------------------------------------------------------------ the plane

def _reconcile(state, fleet, store):
    ctl = store.setdefault("karmada", {"last": 0.0, "templates": {}, "members": {}})
    # The passes that would have run since the last request (at most MAX_PASSES: enough to settle everything).
    passes = min(MAX_PASSES, int(state.elapsed(ctl["last"]) / STEP_SECONDS))
    if passes < 1:
        return
    ctl["last"] = state.now()
    for dummy in range(passes):
        _sync_clusters(state, fleet, store, ctl)
        # Reverse order: each object moves one step per pass, as separate controllers would.
        _aggregate(state, store, ctl)
        _execute(state, store, ctl)
        _bind(state, store, ctl)
        _schedule(state, store, ctl)
        _detect(state, store, ctl)


class ControlPlane(object):
    def tick(self, state):
        members = (state.data.get("k8s") or {}).get("members") or {}
        for name in sorted(members):
            if not name.startswith(k8s.FLEET_PREFIX):
                continue
            fleet = _fleet(state, name[len(k8s.FLEET_PREFIX):])
            if _federated(state, fleet):
                _reconcile(state, fleet, members[name])

    def handle(self, req, handler):
        state = req.state
        fleet_name = req.params["member"][len(k8s.FLEET_PREFIX):]
        fleet = _fleet(state, fleet_name)
        if not _federated(state, fleet):
            raise k8s.status_error(503, "ServiceUnavailable", "the Karmada API of fleet %s is not available: the "
                                   "fleet does not exist or its federation is not enabled" % fleet_name)
        authorization = req.headers.get("Authorization") or ""
        token = authorization[len("Bearer "):] if authorization.startswith("Bearer ") else None
        if token not in (fleet["federation"] or {}).get("tokens", ()):
            raise k8s.status_error(401, "Unauthorized", "Unauthorized: the bearer token is not one of a kubeconfig "
                                   "issued for the federation of fleet %s" % fleet_name)
        self.tick(state)
        plural = req.params.get("plural")
        if plural and req.method in ("POST", "PUT", "PATCH"):
            info = k8s.find_info_by_plural(req.params.get("group", ""), req.params.get("version", "v1"), plural,
                                           req.params["member"])
            if info is not None:
                _admit(req, info)
        return handler(req)


def register(router):  # pylint: disable=unused-argument
    """No routes of its own: ``k8s.py`` hands it the ``fleet-*`` members (the emulator's ``/k8s`` service)."""
    k8s.set_control_plane(ControlPlane())

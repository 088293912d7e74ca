# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's Karmada control plane: templates and policies in, member clusters' Kubernetes APIs out.

Every assertion on "the workload arrived" reads the member cluster's own emulated API (``/k8s/<member>``), not
the Karmada status.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import time

import pytest
import requests

NGINX = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "nginx", "namespace": "default"},
         "spec": {"replicas": 4, "selector": {"matchLabels": {"app": "nginx"}},
                  "template": {"metadata": {"labels": {"app": "nginx"}},
                               "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]}}}}
AGENT = {"apiVersion": "apps/v1", "kind": "Deployment",
         "metadata": {"name": "proxy-agent", "namespace": "kube-system"},
         "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "proxy-agent"}},
                  "template": {"metadata": {"labels": {"app": "proxy-agent"}},
                               "spec": {"containers": [{"name": "agent", "image": "agent:1"}]}}}}
DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments"
POLICIES = "/apis/policy.karmada.io/v1alpha1/namespaces/default/propagationpolicies"
BINDING = "/apis/work.karmada.io/v1alpha2/namespaces/default/resourcebindings/nginx-deployment"


def wait_until(check, timeout=10.0):
    deadline = time.monotonic() + timeout
    for dummy in range(1000):
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            break
        time.sleep(0.02)
    raise AssertionError("condition not met within %s s" % timeout)


class K8s(object):
    def __init__(self, url, token="anything"):
        self.url = url
        self.session = requests.Session()
        self.session.headers["Authorization"] = "Bearer " + token

    def __call__(self, method, rest, **kwargs):
        kwargs.setdefault("timeout", 10)
        return self.session.request(method, self.url + rest, **kwargs)


def _kubeconfig(server):
    return json.dumps({"kind": "Config", "apiVersion": "v1", "clusters": [{"name": "m", "cluster": {"server": server}}],
                       "users": [{"name": "u", "user": {"token": "t"}}],
                       "contexts": [{"name": "c", "context": {"cluster": "m", "user": "u"}}], "current-context": "c"})


@pytest.fixture
def fleet(api):
    """A federated fleet with two attached members (edge-a site=a, edge-b site=b) whose agents run."""
    base = api.base
    resp = api.ucs("POST", "/v1/clustergroups", json={"metadata": {"name": "kfleet"}, "spec": {}})
    assert resp.status_code == 201, resp.text
    fid = resp.json()["uid"]
    members = {}
    for name, site in (("edge-a", "a"), ("edge-b", "b")):
        body = {"kind": "Cluster", "apiVersion": "v1",
                "metadata": {"name": name, "labels": {"site": site},
                             "annotations": {"kubeconfig": _kubeconfig("%s/k8s/%s" % (base, name))}},
                "spec": {"category": "attachedcluster", "type": "privatek8s", "provider": "privatek8s",
                         "country": "CN", "city": "310000", "manageType": "grouped", "clusterGroupID": fid}}
        resp = api.ucs("POST", "/v1/clusters", json=body)
        assert resp.status_code == 201, resp.text
        member = K8s("%s/k8s/%s" % (base, name))
        assert member("POST", "/apis/apps/v1/namespaces/kube-system/deployments", json=AGENT).status_code == 201
        members[name] = member
    assert api.ucs("POST", "/v1/clustergroups/%s/federations" % fid).status_code == 201
    wait_until(lambda: api.ucs("GET", "/v1/clustergroups/%s/federations/progress" % fid).json()["status"]["phase"]
               == "Success")
    resp = api.ucs("POST", "/v1/clustergroups/%s/cert" % fid,
                   json={"projectID": api.info["project_id"], "vpcID": "11c9fe72-5a90-4295-bcfe-774726fb9066",
                         "subnetID": "0de91d89-1e06-4e24-b371-35d5d3d3779b", "duration": 1})
    assert resp.status_code == 201, resp.text
    config = resp.json()
    user = config["users"][0]["user"]
    karmada = K8s(config["clusters"][0]["cluster"]["server"], user.get("token") or "anything")
    yield {"id": fid, "karmada": karmada, "members": members, "api": api}
    for helper in list(members.values()) + [karmada]:
        helper.session.close()


def policy(placement, name="nginx"):
    return {"apiVersion": "policy.karmada.io/v1alpha1", "kind": "PropagationPolicy",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"resourceSelectors": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "nginx"}],
                     "placement": placement}}


def member_replicas(fleet):
    out = {}
    for name, member in fleet["members"].items():
        resp = member("GET", DEPLOYMENTS + "/nginx")
        out[name] = resp.json()["spec"]["replicas"] if resp.status_code == 200 else None
    return out


def binding_done(fleet):
    resp = fleet["karmada"]("GET", BINDING)
    if resp.status_code != 200:
        return None
    binding = resp.json()
    conds = dict((c["type"], c["status"]) for c in binding["status"].get("conditions", []))
    if conds.get("Scheduled") == "True" and conds.get("FullyApplied") == "True" and \
            binding["status"].get("schedulerObservedGeneration") == binding["metadata"]["generation"]:
        return binding
    return None


def test_discovery_serves_karmada_types_only_on_the_fleet_api(fleet):
    groups = fleet["karmada"]("GET", "/apis").json()["groups"]
    names = dict((g["name"], g) for g in groups)
    assert {"policy.karmada.io", "work.karmada.io", "cluster.karmada.io", "apps"} <= set(names)
    assert names["work.karmada.io"]["preferredVersion"]["version"] == "v1alpha2"
    member_groups = [g["name"] for g in fleet["members"]["edge-a"]("GET", "/apis").json()["groups"]]
    assert "policy.karmada.io" not in member_groups
    clusters = fleet["karmada"]("GET", "/apis/cluster.karmada.io/v1alpha1/clusters").json()["items"]
    labels = dict((c["metadata"]["name"], c["metadata"]["labels"]) for c in clusters)
    assert labels == {"edge-a": {"site": "a"}, "edge-b": {"site": "b"}}
    assert all(c["status"]["conditions"][0]["status"] == "True" for c in clusters)


def test_divided_weighted_propagation_reaches_the_members(fleet):
    karmada = fleet["karmada"]
    created = karmada("POST", DEPLOYMENTS, json=NGINX)
    assert created.status_code == 201
    # a resource template gets no status from the write: Karmada aggregates it later, from the members
    assert created.json()["status"] == {} and created.json()["metadata"]["generation"] == 1
    placement = {"clusterAffinity": {"clusterNames": ["edge-a", "edge-b"]},
                 "replicaScheduling": {"replicaSchedulingType": "Divided", "replicaDivisionPreference": "Weighted",
                                       "weightPreference": {"staticWeightList": [
                                           {"targetCluster": {"clusterNames": ["edge-a"]}, "weight": 3},
                                           {"targetCluster": {"clusterNames": ["edge-b"]}, "weight": 1}]}}}
    assert karmada("POST", POLICIES, json=policy(placement)).status_code == 201
    binding = wait_until(lambda: binding_done(fleet))
    assert sorted((t["name"], t["replicas"]) for t in binding["spec"]["clusters"]) == [("edge-a", 3), ("edge-b", 1)]
    assert member_replicas(fleet) == {"edge-a": 3, "edge-b": 1}
    on_member = fleet["members"]["edge-a"]("GET", DEPLOYMENTS + "/nginx").json()
    assert on_member["metadata"]["labels"]["karmada.io/managed"] == "true"
    assert on_member["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.25"
    items = dict((i["clusterName"], i) for i in binding["status"]["aggregatedStatus"])
    assert items["edge-a"]["applied"] and items["edge-a"]["health"] == "Healthy"

    def observed_template():
        current = karmada("GET", DEPLOYMENTS + "/nginx").json()
        return current if current.get("status", {}).get("observedGeneration") == 1 else None

    template = wait_until(observed_template)
    assert template["status"]["readyReplicas"] == 4
    works = karmada("GET", "/apis/work.karmada.io/v1alpha1/namespaces/karmada-es-edge-b/works").json()["items"]
    assert len(works) == 1 and works[0]["spec"]["workload"]["manifests"][0]["spec"]["replicas"] == 1


def test_label_placement_moves_the_workload_and_delete_cleans_members(fleet):
    karmada = fleet["karmada"]
    assert karmada("POST", DEPLOYMENTS, json=NGINX).status_code == 201
    placement = {"clusterAffinity": {"labelSelector": {"matchLabels": {"site": "a"}}}}
    assert karmada("POST", POLICIES, json=policy(placement)).status_code == 201
    wait_until(lambda: member_replicas(fleet) == {"edge-a": 4, "edge-b": None})
    patch = {"spec": {"placement": {"clusterAffinity": {"labelSelector": {"matchLabels": {"site": "b"}}}}}}
    resp = karmada("PATCH", POLICIES + "/nginx", data=json.dumps(patch),
                   headers={"Content-Type": "application/merge-patch+json"})
    assert resp.status_code == 200, resp.text
    wait_until(lambda: member_replicas(fleet) == {"edge-a": None, "edge-b": 4})
    assert karmada("DELETE", DEPLOYMENTS + "/nginx").status_code == 200
    wait_until(lambda: karmada("GET", BINDING).status_code == 404)
    assert member_replicas(fleet) == {"edge-a": None, "edge-b": None}


def test_unreachable_member_is_reported_and_keeps_the_binding(fleet):
    karmada, members = fleet["karmada"], fleet["members"]
    assert karmada("POST", DEPLOYMENTS, json=NGINX).status_code == 201
    assert karmada("POST", POLICIES, json=policy({})).status_code == 201
    wait_until(lambda: binding_done(fleet))
    assert member_replicas(fleet) == {"edge-a": 4, "edge-b": 4}  # Duplicated by default
    # the proxy-agent of edge-b goes away: UCS says Unavailable, Karmada's Cluster is not Ready
    assert members["edge-b"]("DELETE", "/apis/apps/v1/namespaces/kube-system/deployments/proxy-agent").status_code == 200
    assert karmada("DELETE", DEPLOYMENTS + "/nginx").status_code == 200

    def stuck():
        resp = karmada("GET", BINDING)
        if resp.status_code != 200:
            return None
        items = resp.json()["status"].get("aggregatedStatus") or []
        return [i for i in items if i["clusterName"] == "edge-b" and "cannot be removed" in i.get("appliedMessage", "")]
    wait_until(lambda: stuck() and member_replicas(fleet)["edge-a"] is None)
    time.sleep(0.2)  # many reconcile passes later, still there
    assert stuck() and member_replicas(fleet) == {"edge-a": None, "edge-b": 4}
    cluster = karmada("GET", "/apis/cluster.karmada.io/v1alpha1/clusters/edge-b").json()
    assert cluster["status"]["conditions"][0]["reason"] == "ClusterNotReachable"
    assert members["edge-b"]("POST", "/apis/apps/v1/namespaces/kube-system/deployments", json=AGENT).status_code == 201
    wait_until(lambda: karmada("GET", BINDING).status_code == 404)
    assert member_replicas(fleet) == {"edge-a": None, "edge-b": None}


def test_no_cluster_fits_and_conflicts(fleet):
    karmada = fleet["karmada"]
    unmanaged = json.loads(json.dumps(NGINX))
    assert fleet["members"]["edge-a"]("POST", DEPLOYMENTS, json=unmanaged).status_code == 201
    assert karmada("POST", DEPLOYMENTS, json=NGINX).status_code == 201
    assert karmada("POST", POLICIES, json=policy({"clusterAffinity": {"clusterNames": ["nowhere"]}})).status_code == 201

    def scheduled_condition():
        resp = karmada("GET", BINDING)
        conds = resp.json().get("status", {}).get("conditions", []) if resp.status_code == 200 else []
        return next((c for c in conds if c["type"] == "Scheduled"), None)
    cond = wait_until(scheduled_condition)
    assert cond["status"] == "False" and cond["reason"] == "NoClusterFit"
    patch = {"spec": {"placement": {"clusterAffinity": {"clusterNames": ["edge-a"]}}}}
    karmada("PATCH", POLICIES + "/nginx", data=json.dumps(patch), headers={"Content-Type": "application/merge-patch+json"})

    def conflict():
        resp = karmada("GET", BINDING)
        items = resp.json().get("status", {}).get("aggregatedStatus") or []
        return [i for i in items if not i["applied"] and "not managed by Karmada" in i.get("appliedMessage", "")]
    wait_until(conflict)
    assert fleet["members"]["edge-a"]("GET", DEPLOYMENTS + "/nginx").json()["spec"]["replicas"] == 4
    assert "karmada.io/managed" not in (fleet["members"]["edge-a"]("GET", DEPLOYMENTS + "/nginx").json()
                                        ["metadata"].get("labels") or {})


@pytest.mark.parametrize("mutate, code, field", [
    (lambda p: p["spec"].pop("resourceSelectors"), 422, "spec.resourceSelectors"),
    (lambda p: p["spec"]["placement"].update({"replicaScheduling": {"replicaSchedulingType": "Spread"}}), 422,
     "replicaSchedulingType"),
    (lambda p: p["spec"]["placement"].update({"replicaScheduling": {
        "replicaSchedulingType": "Divided", "weightPreference": {"staticWeightList": [
            {"targetCluster": {"clusterNames": ["edge-a"]}, "weight": 0}]}}}), 422, "weight"),
    (lambda p: p["spec"]["placement"].update({"clusterAffinities": [{"affinityName": "x"}]}), 403, "clusterAffinities"),
])
def test_policies_karmada_refuses(fleet, mutate, code, field):
    body = policy({"clusterAffinity": {"clusterNames": ["edge-a"]}})
    mutate(body)
    resp = fleet["karmada"]("POST", POLICIES, json=body)
    assert resp.status_code == code, resp.text
    assert resp.json()["kind"] == "Status" and field in resp.json()["message"]
    assert fleet["karmada"]("GET", POLICIES + "/nginx").status_code == 404


def test_workload_karmada_refuses_and_federation_off(fleet):
    bad = json.loads(json.dumps(NGINX))
    bad["spec"]["template"]["metadata"]["labels"] = {"app": "other"}
    resp = fleet["karmada"]("POST", DEPLOYMENTS, json=bad)
    assert resp.status_code == 422 and resp.json()["reason"] == "Invalid"
    assert "selector" in resp.json()["message"]
    api = fleet["api"]
    assert api.ucs("DELETE", "/v1/clustergroups/%s/federations" % fleet["id"]).status_code == 200
    resp = fleet["karmada"]("GET", DEPLOYMENTS)
    assert resp.status_code == 503 and resp.json()["reason"] == "ServiceUnavailable"


def test_only_tokens_of_issued_kubeconfigs_reach_the_karmada_api(fleet):
    server = fleet["karmada"].url
    assert fleet["karmada"]("GET", "/apis/cluster.karmada.io/v1alpha1/clusters").status_code == 200
    for token in ("anything", ""):
        stranger = K8s(server, token)
        resp = stranger("GET", "/apis/cluster.karmada.io/v1alpha1/clusters")
        assert resp.status_code == 401 and resp.json()["reason"] == "Unauthorized"
        stranger.session.close()
    anonymous = requests.get(server + "/apis/cluster.karmada.io/v1alpha1/clusters", timeout=10)
    assert anonymous.status_code == 401

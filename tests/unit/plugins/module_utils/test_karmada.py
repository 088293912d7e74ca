# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the Karmada reads: kubeconfig endpoint, the propagation and removal reports."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import json
import os
import stat

import pytest

from ansible_collections.fleetops.cloud.plugins.module_utils import karmada
from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ApiError, ConfigurationError

PLACEMENT = {"clusterAffinity": {"clusterNames": ["a", "b"]}, "replicaScheduling": {"replicaSchedulingType": "Duplicated"}}


def write_kubeconfig(tmp_path, cluster=None, user=None, name="fed.kubeconfig"):
    doc = {"apiVersion": "v1", "kind": "Config",
           "clusters": [{"name": "fed", "cluster": dict({"server": "https://karmada.example.com:5443/k8s/x"}, **(cluster or {}))}],
           "users": [{"name": "u", "user": user if user is not None else {"token": "tok-secret-123"}}],
           "contexts": [{"name": "ctx", "context": {"cluster": "fed", "user": "u"}},
                        {"name": "other", "context": {"cluster": "missing", "user": "u"}}],
           "current-context": "ctx"}
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return str(path)


def binding(name, clusters=("a", "b"), applied=("a", "b"), scheduled=True, generation=2, observed=2,
            placement=None, version="7", fully=True, health=None, replicas=1, ready=1):
    items = []
    for c in clusters:
        item = {"clusterName": c, "applied": c in applied}
        if c not in applied:
            item["appliedMessage"] = "member %s unreachable" % c
        if health:
            item["health"] = health
        item["status"] = {"readyReplicas": ready}
        items.append(item)
    return {"metadata": {"name": name, "generation": generation},
            "spec": {"placement": placement if placement is not None else PLACEMENT,
                     "resource": {"kind": "Deployment", "name": name.rsplit("-", 1)[0], "resourceVersion": version},
                     "clusters": [{"name": c, "replicas": replicas} for c in clusters]},
            "status": {"schedulerObservedGeneration": observed,
                       "conditions": [{"type": "Scheduled", "status": "True" if scheduled else "False",
                                       "message": "ok" if scheduled else "0/2 clusters are available"},
                                      {"type": "FullyApplied", "status": "True" if fully else "False"}],
                       "aggregatedStatus": items}}


NGINX = [{"kind": "Deployment", "name": "nginx"}]


def test_binding_name_is_name_dash_kind_in_lower_case():
    assert karmada.binding_name("Deployment", "Web") == "web-deployment"


def test_endpoint_from_token_kubeconfig(tmp_path):
    endpoint = karmada.KubeEndpoint.from_kubeconfig(write_kubeconfig(tmp_path))
    assert endpoint.server == "https://karmada.example.com:5443/k8s/x"
    assert endpoint.headers == {"Authorization": "Bearer tok-secret-123"}
    assert endpoint.verify is True and endpoint.cert is None
    assert "tok-secret-123" in endpoint.secrets
    assert endpoint.warnings == []


def test_endpoint_writes_data_entries_to_private_files_and_removes_them(tmp_path):
    ca = base64.b64encode(b"-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n").decode()
    crt = base64.b64encode(b"client cert").decode()
    key = base64.b64encode(b"client key").decode()
    path = write_kubeconfig(tmp_path, cluster={"certificate-authority-data": ca},
                            user={"client-certificate-data": crt, "client-key-data": key})
    endpoint = karmada.KubeEndpoint.from_kubeconfig(path)
    assert os.path.isfile(endpoint.verify)
    certfile, keyfile = endpoint.cert
    for name in (endpoint.verify, certfile, keyfile):
        assert stat.S_IMODE(os.stat(name).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(keyfile)).st_mode) == 0o700
    with open(keyfile, "rb") as handle:
        assert handle.read() == b"client key"
    assert "Authorization" not in endpoint.headers
    endpoint.close()
    assert not os.path.exists(os.path.dirname(keyfile))


def test_endpoint_warns_when_verification_is_off_or_http(tmp_path):
    insecure = karmada.KubeEndpoint.from_kubeconfig(write_kubeconfig(tmp_path, cluster={"insecure-skip-tls-verify": True}))
    assert insecure.verify is False and "insecure-skip-tls-verify" in insecure.warnings[0]
    off = karmada.KubeEndpoint.from_kubeconfig(write_kubeconfig(tmp_path, name="b"), validate_certs=False)
    assert off.verify is False and "validate_certs: false" in off.warnings[0]
    plain = karmada.KubeEndpoint.from_kubeconfig(write_kubeconfig(tmp_path, cluster={"server": "http://127.0.0.1:1/k"}, name="c"))
    assert "plain http" in plain.warnings[0]
    assert all("tok-secret-123" not in w for w in insecure.warnings + off.warnings + plain.warnings)


def test_endpoint_refuses_what_is_no_kubeconfig(tmp_path):
    with pytest.raises(ConfigurationError, match="no context named 'nope'"):
        karmada.KubeEndpoint.from_kubeconfig(write_kubeconfig(tmp_path), context="nope")
    with pytest.raises(ConfigurationError, match="no cluster named 'missing'"):
        karmada.KubeEndpoint.from_kubeconfig(write_kubeconfig(tmp_path), context="other")
    with pytest.raises(ConfigurationError, match="cannot read kubeconfig"):
        karmada.KubeEndpoint.from_kubeconfig(str(tmp_path / "absent"))
    bad = tmp_path / "bad"
    bad.write_text("- just\n- a list\n")
    with pytest.raises(ConfigurationError, match="is no kubeconfig"):
        karmada.KubeEndpoint.from_kubeconfig(str(bad))
    with pytest.raises(ConfigurationError, match="no http"):
        karmada.KubeEndpoint.from_kubeconfig(write_kubeconfig(tmp_path, cluster={"server": "file:///etc/passwd"}, name="d"))


def test_report_done_when_every_selected_cluster_runs_it():
    report = karmada.propagation_report([binding("nginx-deployment")], NGINX, ["a", "b"], PLACEMENT)
    assert report["done"] is True and report["lagging"] == []
    assert report["clusters"]["a"] == {"scheduled": True, "replicas": 1, "ready_replicas": 1, "applied": True,
                                       "health": "Healthy", "messages": []}
    assert [b["metadata"]["name"] for b in report["bindings"]] == ["nginx-deployment"]


def test_report_names_the_cluster_that_lags_and_why():
    report = karmada.propagation_report([binding("nginx-deployment", applied=("a",), fully=False)], NGINX, ["a", "b"])
    assert report["done"] is False
    assert report["lagging"] == ["b: nginx-deployment: member b unreachable"]
    assert report["clusters"]["b"]["applied"] is False and report["clusters"]["a"]["applied"] is True


@pytest.mark.parametrize("kwargs, expected, words", [
    ({}, None, None),
    ({"scheduled": False}, ["a", "b"], "not scheduled: 0/2 clusters are available"),
    ({"observed": 1}, ["a", "b"], "not scheduled"),
    ({"placement": {"clusterAffinity": {"clusterNames": ["a"]}}}, ["a", "b"], "new placement"),
    ({"version": "6"}, ["a", "b"], "new version"),
    ({"clusters": ("a",), "applied": ("a",)}, ["a", "b"], "b: Karmada did not schedule nginx-deployment there"),
    ({"clusters": ("a", "b", "c"), "applied": ("a", "b", "c")}, ["a", "b"], "c: nginx-deployment is still scheduled"),
    ({"health": "Unhealthy"}, ["a", "b"], "health Unhealthy"),
    ({"fully": False}, ["a", "b"], "not report it fully applied"),
])
def test_report_is_not_done_until_karmada_caught_up(kwargs, expected, words):
    resources = [dict(NGINX[0], resource_version="7")]
    report = karmada.propagation_report([binding("nginx-deployment", **kwargs)], resources, expected or ["a", "b"],
                                        {"clusterAffinity": {"clusterNames": ["a", "b"]}})
    if words is None:
        assert report["done"] is True
    else:
        assert report["done"] is False
        assert any(words in line for line in report["lagging"]), report["lagging"]


def test_report_without_binding_and_without_expected_clusters():
    report = karmada.propagation_report([binding("other-deployment")], NGINX)
    assert report["done"] is False and report["lagging"] == ["nginx-deployment: Karmada has no ResourceBinding for it yet"]
    assert report["clusters"] == {}
    scheduled = karmada.propagation_report([binding("nginx-deployment", clusters=("z",), applied=("z",))], NGINX)
    assert scheduled["done"] is True and list(scheduled["clusters"]) == ["z"]


def test_replicas_are_summed_over_the_resources():
    resources = NGINX + [{"kind": "Deployment", "name": "api"}]
    report = karmada.propagation_report([binding("nginx-deployment", replicas=2, ready=2),
                                         binding("api-deployment", replicas=3, ready=1)], resources, ["a", "b"])
    assert report["clusters"]["a"]["replicas"] == 5 and report["clusters"]["a"]["ready_replicas"] == 3


def test_opaque_resource_versions_compare_by_equality():
    resources = [dict(NGINX[0], resource_version="abc")]
    assert karmada.propagation_report([binding("nginx-deployment", version="abc")], resources, ["a", "b"])["done"]
    assert not karmada.propagation_report([binding("nginx-deployment", version="abd")], resources, ["a", "b"])["done"]


def test_removal_report():
    left = binding("nginx-deployment", applied=("a",))
    report = karmada.removal_report([left, binding("other-deployment")], NGINX)
    assert report["done"] is False and report["bindings"] == [left]
    assert report["lagging"] == ["a: still removing nginx-deployment", "b: member b unreachable"]
    assert karmada.removal_report([binding("other-deployment")], NGINX) == {"done": True, "lagging": [], "bindings": []}


def test_unready_clusters():
    clusters = [{"metadata": {"name": "a"}, "status": {"conditions": [{"type": "Ready", "status": "True"}]}},
                {"metadata": {"name": "b"}, "status": {"conditions": [{"type": "Ready", "status": "False",
                                                                       "message": "cluster is not reachable"}]}},
                {"metadata": {"name": "c"}}]
    assert karmada.unready_clusters(clusters, ["a", "b", "c"]) == ["b (cluster is not reachable)", "c (no Ready condition)"]
    assert karmada.unready_clusters(clusters, ["a"]) == []


class FakeResponse(object):
    def __init__(self, status, body):
        self.status_code = status
        self._body = body
        self.text = json.dumps(body)

    def json(self):
        return self._body


class FakeTransport(object):
    def __init__(self, responses):
        self.responses = list(responses)
        self.sent = []

    def send(self, method, prepare, create=False, safe_url=None):
        self.sent.append((method,) + prepare(1))
        return self.responses.pop(0)


def test_api_reads_bindings_with_the_namespace_as_one_segment(tmp_path):
    endpoint = karmada.KubeEndpoint.from_kubeconfig(write_kubeconfig(tmp_path))
    transport = FakeTransport([FakeResponse(200, {"items": [binding("nginx-deployment")]})])
    items = karmada.KarmadaApi(endpoint, transport).list_bindings("team/../a")
    assert len(items) == 1
    method, url, headers, body = transport.sent[0]
    assert method == "GET" and body is None
    assert url == ("https://karmada.example.com:5443/k8s/x/apis/work.karmada.io/v1alpha2/namespaces/"
                   "team%2F..%2Fa/resourcebindings")
    assert headers["Authorization"] == "Bearer tok-secret-123"


def test_api_error_carries_the_kubernetes_status_reason(tmp_path):
    endpoint = karmada.KubeEndpoint.from_kubeconfig(write_kubeconfig(tmp_path))
    transport = FakeTransport([FakeResponse(401, {"kind": "Status", "reason": "Unauthorized", "message": "token expired"})])
    with pytest.raises(ApiError) as info:
        karmada.KarmadaApi(endpoint, transport).list_clusters()
    assert info.value.status == 401 and info.value.code == "Unauthorized"
    assert "ucs_fleet_kubeconfig" in info.value.hint
    assert "tok-secret-123" not in info.value.full_message()

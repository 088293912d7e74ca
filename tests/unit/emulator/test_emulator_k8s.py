# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's member-cluster Kubernetes API (discovery, objects, Status errors, agent_deployed)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import threading

import pytest
import requests

import core
import k8s

DEPLOYMENT = {"apiVersion": "apps/v1", "kind": "Deployment",
              "metadata": {"name": "proxy-agent", "namespace": "kube-system", "labels": {"app": "proxy-agent"}},
              "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "proxy-agent"}},
                       "template": {"metadata": {"labels": {"app": "proxy-agent"}},
                                    "spec": {"containers": [{"name": "agent", "image": "agent:1"}]}}}}
SECRET = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "proxy-agent-cert", "namespace": "kube-system"},
          "stringData": {"tls.crt": "CERT"}}


class Member(object):
    def __init__(self, info, name="m1"):
        self.url = "%s/k8s/%s" % (info["ucs"][:-len("/ucs")], name)
        self.session = requests.Session()
        self.session.headers["Authorization"] = "Bearer anything"

    def __call__(self, method, rest, **kwargs):
        kwargs.setdefault("timeout", 10)
        return self.session.request(method, self.url + rest, **kwargs)


@pytest.fixture
def member(fresh):
    helper = Member(fresh)
    yield helper
    helper.session.close()


DEPLOYMENTS = "/apis/apps/v1/namespaces/kube-system/deployments"
SECRETS = "/api/v1/namespaces/kube-system/secrets"


def assert_status(resp, code, reason):
    assert resp.status_code == code, resp.text
    body = resp.json()
    assert body["kind"] == "Status" and body["status"] == "Failure"
    assert body["code"] == code and body["reason"] == reason and body["message"]
    return body


def test_discovery_documents(member):
    assert member("GET", "/version").json()["gitVersion"].startswith("v1.")
    assert member("GET", "/api").json()["versions"] == ["v1"]
    groups = member("GET", "/apis", headers={
        "Accept": "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"})
    assert groups.headers["Content-Type"].startswith("application/json")
    assert groups.json()["kind"] == "APIGroupList"
    assert "apps" in [g["name"] for g in groups.json()["groups"]]
    core_v1 = member("GET", "/api/v1").json()
    kinds = dict((r["name"], r) for r in core_v1["resources"])
    assert kinds["secrets"]["namespaced"] is True and kinds["namespaces"]["namespaced"] is False
    apps = member("GET", "/apis/apps/v1").json()
    assert apps["groupVersion"] == "apps/v1"
    assert "deployments" in [r["name"] for r in apps["resources"]]
    assert member("GET", "/apis/nope.io/v1").status_code == 404
    assert member("GET", "/api/v1/namespaces/kube-system").json()["status"]["phase"] == "Active"


def test_create_get_list_conflict_and_delete(member):
    resp = member("POST", DEPLOYMENTS, json=DEPLOYMENT)
    assert resp.status_code == 201, resp.text
    created = resp.json()
    meta = created["metadata"]
    assert meta["uid"] and meta["resourceVersion"] and meta["creationTimestamp"] and meta["generation"] == 1
    assert created["status"]["readyReplicas"] == 2
    assert member("GET", DEPLOYMENTS + "/proxy-agent").json()["metadata"]["uid"] == meta["uid"]
    listed = member("GET", DEPLOYMENTS, params={"labelSelector": "app=proxy-agent"}).json()
    assert listed["kind"] == "DeploymentList" and [i["metadata"]["name"] for i in listed["items"]] == ["proxy-agent"]
    assert member("GET", DEPLOYMENTS, params={"labelSelector": "app=other"}).json()["items"] == []
    assert member("GET", "/apis/apps/v1/deployments").json()["items"][0]["metadata"]["namespace"] == "kube-system"
    assert_status(member("POST", DEPLOYMENTS, json=DEPLOYMENT), 409, "AlreadyExists")
    deleted = member("DELETE", DEPLOYMENTS + "/proxy-agent")
    assert deleted.status_code == 200 and deleted.json()["status"] == "Success"
    body = assert_status(member("GET", DEPLOYMENTS + "/proxy-agent"), 404, "NotFound")
    assert body["message"] == 'deployments.apps "proxy-agent" not found'
    assert_status(member("DELETE", DEPLOYMENTS + "/proxy-agent"), 404, "NotFound")


def test_unknown_namespace_and_invalid_object(member):
    body = assert_status(member("POST", "/apis/apps/v1/namespaces/ghost/deployments", json=DEPLOYMENT),
                         404, "NotFound")
    assert "ghost" in body["message"]
    nameless = {"apiVersion": "v1", "kind": "Secret", "metadata": {}}
    assert_status(member("POST", SECRETS, json=nameless), 422, "Invalid")
    assert member("POST", "/api/v1/namespaces", json={"metadata": {"name": "ghost"}}).status_code == 201
    assert member("POST", "/apis/apps/v1/namespaces/ghost/deployments", json=DEPLOYMENT).status_code == 201


def test_patch_replace_and_resource_versions(member):
    created = member("POST", DEPLOYMENTS, json=DEPLOYMENT).json()
    rv = created["metadata"]["resourceVersion"]
    same = member("PATCH", DEPLOYMENTS + "/proxy-agent", json=DEPLOYMENT,
                  headers={"Content-Type": "application/strategic-merge-patch+json"})
    assert same.status_code == 200 and same.json()["metadata"]["resourceVersion"] == rv
    patch = {"spec": {"replicas": 3}, "metadata": {"labels": {"tier": "x"}}}
    scaled = member("PATCH", DEPLOYMENTS + "/proxy-agent", json=patch,
                    headers={"Content-Type": "application/merge-patch+json"}).json()
    assert scaled["spec"]["replicas"] == 3 and scaled["metadata"]["labels"] == {"app": "proxy-agent", "tier": "x"}
    assert scaled["metadata"]["resourceVersion"] != rv and scaled["metadata"]["generation"] == 2
    assert scaled["metadata"]["uid"] == created["metadata"]["uid"]
    removed = member("PATCH", DEPLOYMENTS + "/proxy-agent", json={"metadata": {"labels": {"tier": None}}},
                     headers={"Content-Type": "application/merge-patch+json"}).json()
    assert removed["metadata"]["labels"] == {"app": "proxy-agent"}
    stale = dict(DEPLOYMENT, metadata=dict(DEPLOYMENT["metadata"], resourceVersion=rv))
    assert_status(member("PUT", DEPLOYMENTS + "/proxy-agent", json=stale), 409, "Conflict")
    current = member("GET", DEPLOYMENTS + "/proxy-agent").json()
    replaced = member("PUT", DEPLOYMENTS + "/proxy-agent", json=dict(DEPLOYMENT, metadata=current["metadata"]))
    assert replaced.status_code == 200 and replaced.json()["spec"]["replicas"] == 2
    assert_status(member("PATCH", DEPLOYMENTS + "/proxy-agent", json=[{"op": "remove", "path": "/spec"}],
                         headers={"Content-Type": "application/json-patch+json"}), 415, "UnsupportedMediaType")
    assert_status(member("PATCH", DEPLOYMENTS + "/missing", json={"spec": {}},
                         headers={"Content-Type": "application/merge-patch+json"}), 404, "NotFound")


def test_apply_patch_creates_and_dry_run_stores_nothing(member):
    dry = member("POST", SECRETS, params={"dryRun": "All"}, json=SECRET)
    assert dry.status_code == 201
    assert_status(member("GET", SECRETS + "/proxy-agent-cert"), 404, "NotFound")
    applied = member("PATCH", SECRETS + "/proxy-agent-cert", params={"fieldManager": "ansible"}, json=SECRET,
                     headers={"Content-Type": "application/apply-patch+yaml"})
    assert applied.status_code == 201, applied.text
    secret = member("GET", SECRETS + "/proxy-agent-cert").json()
    assert "stringData" not in secret and secret["type"] == "Opaque"
    assert base64.b64decode(secret["data"]["tls.crt"]) == b"CERT"


def test_members_are_separate(fresh, member):
    other = Member(fresh, name="m2")
    try:
        assert member("POST", DEPLOYMENTS, json=DEPLOYMENT).status_code == 201
        assert other("GET", DEPLOYMENTS).json()["items"] == []
        state = requests.get(member.url.split("/k8s/")[0] + "/_emulator/state", timeout=10).json()
        assert set(state["k8s"]["members"]) == {"m1", "m2"}
    finally:
        other.session.close()


@pytest.fixture
def in_process():
    """An in-process emulator with only the k8s service, to call agent_deployed() on its State."""
    identity = {"user_name": "u", "user_id": "uid", "password": "p", "domain_name": "d", "domain_id": "did",
                "project_name": "p", "project_id": "pid", "access_key": "ak", "secret_key": "sk"}
    state = core.State(identity)
    router = core.Router()
    k8s.register(router)
    emulator = core.Emulator(state, router, "")
    server = core.make_server(emulator, "127.0.0.1", 0)
    state.base_url = "http://127.0.0.1:%d" % server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_agent_deployed(in_process):
    state = in_process
    url = state.base_url + "/k8s/edge-7"
    assert k8s.agent_deployed(state, url) is False
    other = dict(DEPLOYMENT, metadata={"name": "other", "namespace": "kube-system"})
    resp = requests.post(url + DEPLOYMENTS, json=other, timeout=10)
    assert resp.status_code == 201
    assert k8s.agent_deployed(state, url) is False
    assert requests.post(url + DEPLOYMENTS, json=DEPLOYMENT, timeout=10).status_code == 201
    assert k8s.agent_deployed(state, url) is True
    assert k8s.agent_deployed(state, url + "/") is True
    assert k8s.agent_deployed(state, state.base_url + "/k8s/edge-8") is False
    assert k8s.agent_deployed(state, state.base_url + "/ucs") is False
    assert requests.delete(url + DEPLOYMENTS + "/proxy-agent", timeout=10).status_code == 200
    assert k8s.agent_deployed(state, url) is False


def test_kubernetes_dynamic_client_applies_manifests(member, tmp_path, monkeypatch):
    """The official client (what kubernetes.core.k8s drives) discovers, creates and re-applies without change."""
    kubernetes = pytest.importorskip("kubernetes")
    from kubernetes.dynamic import DynamicClient  # pylint: disable=import-outside-toplevel

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    config = kubernetes.client.Configuration()
    config.host = member.url
    config.api_key = {"authorization": "Bearer anything"}
    with kubernetes.client.ApiClient(config) as api_client:
        client = DynamicClient(api_client, cache_file=str(tmp_path / "discovery.json"))
        deployments = client.resources.get(api_version="apps/v1", kind="Deployment")
        secrets = client.resources.get(api_version="v1", kind="Secret")
        created = deployments.create(body=DEPLOYMENT, namespace="kube-system")
        secrets.create(body=SECRET, namespace="kube-system")
        again = deployments.patch(body=DEPLOYMENT, name="proxy-agent", namespace="kube-system",
                                  content_type="application/merge-patch+json")
        assert again.metadata.resourceVersion == created.metadata.resourceVersion
        listed = deployments.get(namespace="kube-system")
        assert [item.metadata.name for item in listed.items] == ["proxy-agent"]
        assert secrets.get(name="proxy-agent-cert", namespace="kube-system").data["tls.crt"] == "Q0VSVA=="
        with pytest.raises(kubernetes.dynamic.exceptions.NotFoundError):
            deployments.get(name="missing", namespace="kube-system")

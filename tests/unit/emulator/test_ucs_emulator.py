# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""UCS part of the emulator: the documented rules, codes and shapes."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import re
import sys
import threading
import time
import types

import pytest
import requests

from huaweicloudsdkcore.auth.credentials import GlobalCredentials
from huaweicloudsdkucs.v1 import UcsClient
from huaweicloudsdkucs.v1 import model as ucs_model

import core
import ucs

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
FLEET_TIME_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} \+0000 UTC$")
RFC3339_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
UNKNOWN_ID = "11111111-2222-4333-8444-555555555555"


def kubeconfig(server="https://10.0.0.1:6443"):
    return json.dumps({"kind": "Config", "apiVersion": "v1",
                       "clusters": [{"name": "member", "cluster": {"server": server}}],
                       "users": [{"name": "u", "user": {"token": "member-token"}}],
                       "contexts": [{"name": "c", "context": {"cluster": "member", "user": "u"}}],
                       "current-context": "c"})


def attached_body(name, **spec):
    body = {"kind": "Cluster", "apiVersion": "v1",
            "metadata": {"name": name, "labels": {"env": "test"}, "annotations": {"kubeconfig": kubeconfig()}},
            "spec": {"category": "attachedcluster", "type": "eks", "provider": "aws", "country": "CN", "city": "310000",
                     "manageType": "discrete", "clusterGroupID": ""}}
    body["spec"].update(spec)
    return body


def register(api, name, **spec):
    resp = api.ucs("POST", "/v1/clusters", json=attached_body(name, **spec))
    assert resp.status_code == 201, resp.text
    return resp.json()["uid"]


def create_fleet(api, name, **spec):
    resp = api.ucs("POST", "/v1/clustergroups", json={"metadata": {"name": name}, "spec": spec})
    assert resp.status_code == 201, resp.text
    return resp.json()["uid"]


def assert_error(resp, status, code):
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"error_code", "error_msg"}
    assert body["error_code"] == code, body
    return body


def assert_text(resp, status, text):
    assert resp.status_code == status, resp.text
    assert resp.headers["Content-Type"].startswith("text/plain")
    assert resp.text == text


def wait_until(check, timeout=5.0):
    deadline = time.monotonic() + timeout
    for dummy in range(500):
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            break
        time.sleep(0.02)
    raise AssertionError("condition not met within %s s" % timeout)


# ----------------------------------------------------------------------------------------------- clusters


def test_register_attached_cluster_and_read_it_back(api):
    uid = register(api, "attached-one")
    assert UUID_RE.match(uid)
    cluster = api.ucs("GET", "/v1/clusters/" + uid).json()
    assert cluster["kind"] == "Cluster" and cluster["apiVersion"] == "v1"
    assert cluster["metadata"]["uid"] == uid and cluster["metadata"]["name"] == "attached-one"
    assert cluster["metadata"]["labels"] == {"env": "test"}
    assert RFC3339_RE.match(cluster["metadata"]["creationTimestamp"])
    assert "kubeconfig" not in json.dumps(cluster["metadata"])
    spec = cluster["spec"]
    assert spec["category"] == "attachedcluster" and spec["type"] == "eks" and spec["provider"] == "aws"
    assert spec["IsDownloadedCert"] is False
    assert spec["clusterGroupID"] == "" and spec["manageType"] == "discrete"
    assert spec["country"] == "CN" and spec["city"] == "310000"
    assert cluster["status"]["phase"] == "Pending"


def test_duplicate_cluster_name_is_409(api):
    register(api, "same-name")
    assert_error(api.ucs("POST", "/v1/clusters", json=attached_body("same-name")), 409, "UCS.01030003")


@pytest.mark.parametrize("spec", [
    {"category": "cloud"},
    {"type": "ack"},
    {"provider": "azure"},
    {"category": "onpremise", "type": "eks"},
    {"category": "self", "type": "ack"},
])
def test_category_type_provider_validated(api, spec):
    assert_error(api.ucs("POST", "/v1/clusters", json=attached_body("bad-kind", **spec)), 400, "UCS.01030011")


def test_city_country_and_manage_type_validated(api):
    assert_error(api.ucs("POST", "/v1/clusters", json=attached_body("bad-city", city="999999")), 400, "UCS.01000012")
    assert_error(api.ucs("POST", "/v1/clusters", json=attached_body("no-city", city="")), 400, "UCS.01000012")
    assert_error(api.ucs("POST", "/v1/clusters", json=attached_body("no-country", country="")), 400, "UCS.01000012")
    assert_error(api.ucs("POST", "/v1/clusters", json=attached_body("bad-manage", manageType="x")), 400, "UCS.01000012")
    assert_error(api.ucs("POST", "/v1/clusters", json=attached_body("grouped-no-fleet", manageType="grouped")),
                 400, "UCS.01000012")
    # the city code list is Chinese: other countries need no city code
    register(api, "abroad", country="DE", city="")
    register(api, "unknown-city", city="unknown")
    assert api.ucs("POST", "/v1/clusters", json={"kind": "Cluster"}).status_code == 400


def test_labels_follow_kubernetes_rules(api):
    for labels in ({"bad key": "x"}, {"ok": "-bad-"}, {"x" * 64: "v"}, {"a/b/c": "v"}, {"k": "v" * 64},
                   dict(("k%d" % i, "v") for i in range(101))):
        body = attached_body("labelled")
        body["metadata"]["labels"] = labels
        assert_error(api.ucs("POST", "/v1/clusters", json=body), 400, "UCS.01000012")
    body = attached_body("labelled")
    body["metadata"]["labels"] = {"example.com/team": "platform", "tier": "", "a_b.c-d": "x.y_z"}
    assert api.ucs("POST", "/v1/clusters", json=body).status_code == 201


def test_attached_cluster_needs_a_kubeconfig(api):
    body = attached_body("no-kubeconfig")
    del body["metadata"]["annotations"]
    assert_error(api.ucs("POST", "/v1/clusters", json=body), 400, "UCS.01030008")
    body["metadata"]["annotations"] = {"kubeconfig": "not a kubeconfig"}
    assert_error(api.ucs("POST", "/v1/clusters", json=body), 400, "UCS.01030008")
    body["metadata"]["annotations"] = {"kubeconfig": "apiVersion: v1\nclusters:\n- cluster:\n    server: https://10.1.1.1:6443\n"
                                                     "  name: m\nkind: Config\n"}
    assert api.ucs("POST", "/v1/clusters", json=body).status_code == 201


def test_cluster_ids_must_be_uuids_and_404(api):
    assert_error(api.ucs("GET", "/v1/clusters/not-a-uuid"), 400, "UCS.01000011")
    assert_error(api.ucs("GET", "/v1/clusters/" + UNKNOWN_ID), 404, "UCS.01030001")
    assert_error(api.ucs("DELETE", "/v1/clusters/" + UNKNOWN_ID), 404, "UCS.01030001")
    assert_error(api.ucs("POST", "/v1/clusters/not-a-uuid/join", json={"clusterGroupID": UNKNOWN_ID}), 400, "UCS.01000011")


def test_import_cce_cluster(api):
    managed = api.ucs("GET", "/v1/managedclusters", params={"unregister": "true"}).json()
    assert len(managed) >= 2
    target = managed[0]
    assert target["spec"]["category"] == "self" and target["spec"]["projectID"] == api.info["project_id"]
    assert "IsDownloadedCert" in target["spec"]
    body = {"kind": "Cluster", "apiVersion": "v1",
            "metadata": {"name": target["metadata"]["name"], "uid": target["metadata"]["uid"]},
            "spec": {"category": "self", "type": target["spec"]["type"], "region": target["spec"]["region"],
                     "projectID": target["spec"]["projectID"], "manageType": "discrete", "clusterGroupID": ""}}
    wrong = json.loads(json.dumps(body))
    wrong["metadata"]["uid"] = UNKNOWN_ID
    assert_error(api.ucs("POST", "/v1/clusters", json=wrong), 400, "UCS.01030010")
    wrong = json.loads(json.dumps(body))
    wrong["spec"]["projectID"] = "0" * 32
    assert_error(api.ucs("POST", "/v1/clusters", json=wrong), 400, "UCS.01030010")
    wrong = json.loads(json.dumps(body))
    wrong["metadata"]["name"] = "another-name"
    assert_error(api.ucs("POST", "/v1/clusters", json=wrong), 400, "UCS.01030012")
    wrong = json.loads(json.dumps(body))
    wrong["spec"]["type"] = "turbo" if body["spec"]["type"] == "cce" else "cce"
    assert_error(api.ucs("POST", "/v1/clusters", json=wrong), 400, "UCS.01030012")

    assert api.hook("PUT", "/config", json={"speed": 1}).status_code == 200
    resp = api.ucs("POST", "/v1/clusters", json=body)
    assert resp.status_code == 201
    assert resp.json() == {"uid": target["metadata"]["uid"]}
    cluster = api.ucs("GET", "/v1/clusters/" + target["metadata"]["uid"]).json()
    assert cluster["status"]["phase"] == "Pending"
    assert cluster["spec"]["projectID"] == api.info["project_id"]
    assert api.hook("PUT", "/config", json={"speed": 50}).status_code == 200
    wait_until(lambda: api.ucs("GET", "/v1/clusters/" + target["metadata"]["uid"]).json()["status"]["phase"] == "Available")
    assert_error(api.ucs("POST", "/v1/clusters", json=body), 409, "UCS.01030003")
    left = [m["metadata"]["uid"] for m in api.ucs("GET", "/v1/managedclusters", params={"unregister": "true"}).json()]
    assert target["metadata"]["uid"] not in left
    left = [m["metadata"]["uid"] for m in api.ucs("GET", "/v1/managedclusters", params={"unimported": "true"}).json()]
    assert target["metadata"]["uid"] not in left
    every = [m["metadata"]["uid"] for m in api.ucs("GET", "/v1/managedclusters").json()]
    assert target["metadata"]["uid"] in every
    # CCE clusters have no access info
    assert_error(api.ucs("GET", "/v1/clusters/%s/accessinfo" % target["metadata"]["uid"]), 400, "UCS.01030011")


def test_access_info_is_one_shot_and_activation_does_not_reissue_it(api):
    uid = register(api, "agent-cluster")
    resp = api.ucs("GET", "/v1/clusters/%s/accessinfo" % uid)
    assert resp.status_code == 200
    manifests = resp.json()
    assert [(m["kind"], m["metadata"]["name"], m["metadata"]["namespace"]) for m in manifests] == [
        ("Deployment", "proxy-agent", "kube-system"), ("Secret", "proxy-agent-cert", "kube-system")]
    assert "--agent-id=%s" % uid in manifests[0]["spec"]["template"]["spec"]["containers"][0]["args"]
    assert set(manifests[1]["data"]) >= {"ca.crt", "proxy-agent.crt", "proxy-agent.key"}
    assert api.ucs("GET", "/v1/clusters/" + uid).json()["spec"]["IsDownloadedCert"] is True
    # source 3.1.6: a later call answers 200 "已下载" (plain text), never the certificate again
    again = api.ucs("GET", "/v1/clusters/%s/accessinfo" % uid)
    assert (again.status_code, again.text) == (200, "已下载")
    assert again.headers["Content-Type"].startswith("text/plain")
    assert api.ucs("GET", "/v1/clusters/" + uid).json()["spec"]["IsDownloadedCert"] is True
    # source 3.1.7: activation only lets the cluster reconnect; the certificate stays spent
    assert_text(api.ucs("PUT", "/v1/clusters/%s/activation" % uid), 200, "update success")
    assert api.ucs("GET", "/v1/clusters/" + uid).json()["spec"]["IsDownloadedCert"] is True
    assert api.ucs("GET", "/v1/clusters/%s/accessinfo" % uid).text == "已下载"
    assert_error(api.ucs("GET", "/v1/clusters/%s/accessinfo" % uid, params={"vpcendpoint": "10.0.0.9"}), 400,
                 "UCS.01000011")


def test_update_cluster(api):
    uid = register(api, "movable")
    body = {"kind": "Cluster", "apiVersion": "v1", "spec": {"country": "CN", "city": "440300"}}
    assert_text(api.ucs("PUT", "/v1/clusters/" + uid, json=body), 200, "update success")
    spec = api.ucs("GET", "/v1/clusters/" + uid).json()["spec"]
    assert (spec["country"], spec["city"]) == ("CN", "440300")
    assert_error(api.ucs("PUT", "/v1/clusters/" + uid, json=dict(body, spec={"country": "CN", "city": "123"})),
                 400, "UCS.01000012")
    assert_error(api.ucs("PUT", "/v1/clusters/" + uid, json={"spec": {"country": "CN"}}), 400, "UCS.01000012")
    new = {"kind": "Cluster", "apiVersion": "v1", "metadata": {"annotations": {"kubeconfig": "garbage"}}}
    assert_error(api.ucs("PUT", "/v1/clusters/" + uid, json=new), 400, "UCS.01030008")
    new["metadata"]["annotations"]["kubeconfig"] = kubeconfig("https://10.9.9.9:6443")
    assert_text(api.ucs("PUT", "/v1/clusters/" + uid, json=new), 200, "update success")


def test_delete_cluster(api):
    uid = register(api, "short-lived")
    resp = api.ucs("DELETE", "/v1/clusters/" + uid)
    assert resp.status_code == 200
    assert_error(api.ucs("GET", "/v1/clusters/" + uid), 404, "UCS.01030001")


def test_list_clusters_filters_and_pagination(api):
    fleet = create_fleet(api, "list-fleet")
    first = register(api, "list-a", manageType="grouped", clusterGroupID=fleet)
    second = register(api, "list-b")
    third = register(api, "list-c", category="onpremise", type="baremetal", provider="huaweicloud")
    everything = api.ucs("GET", "/v1/clusters").json()
    assert everything["total"] == 3
    assert [c["metadata"]["uid"] for c in everything["items"]] == [third, second, first]
    asc = api.ucs("GET", "/v1/clusters", params={"order": "asc"}).json()
    assert [c["metadata"]["uid"] for c in asc["items"]] == [first, second, third]
    page = api.ucs("GET", "/v1/clusters", params={"limit": 1, "offset": 1, "order": "asc"}).json()
    assert page["total"] == 3 and [c["metadata"]["uid"] for c in page["items"]] == [second]
    grouped = api.ucs("GET", "/v1/clusters", params={"managetype": "grouped"}).json()
    assert [c["metadata"]["uid"] for c in grouped["items"]] == [first]
    discrete = api.ucs("GET", "/v1/clusters", params={"managetype": "discrete"}).json()
    assert {c["metadata"]["uid"] for c in discrete["items"]} == {second, third}
    in_fleet = api.ucs("GET", "/v1/clusters", params={"clustergroupid": fleet}).json()
    assert [c["metadata"]["uid"] for c in in_fleet["items"]] == [first]
    onprem = api.ucs("GET", "/v1/clusters", params={"category": "onpremise"}).json()
    assert [c["metadata"]["uid"] for c in onprem["items"]] == [third]
    some = api.ucs("GET", "/v1/clusters", params={"clusterids": "%s,%s" % (first, third)}).json()
    assert {c["metadata"]["uid"] for c in some["items"]} == {first, third}
    assert_error(api.ucs("GET", "/v1/clusters", params={"limit": "x"}), 400, "UCS.01000011")
    assert_error(api.ucs("GET", "/v1/clusters", params={"order_by": "name"}), 400, "UCS.01000011")
    assert_error(api.ucs("GET", "/v1/clusters", params={"managetype": "some"}), 400, "UCS.01000011")


def test_supported_versions(api):
    versions = api.ucs("GET", "/v1/config/registeredclusterversions").json()["versions"]
    assert versions[:7] == ["v1.19", "v1.20", "v1.21", "v1.22", "v1.23", "v1.24", "v1.25"]


def test_cluster_quota(api):
    assert api.hook("PUT", "/config", json={"quotas": {"ucs.clusters": 1}}).status_code == 200
    register(api, "quota-one")
    assert_error(api.ucs("POST", "/v1/clusters", json=attached_body("quota-two")), 400, "UCS.01000017")


# ----------------------------------------------------------------------------------------------- fleets


def test_fleet_create_get_list_and_timestamps(api):
    uid = create_fleet(api, "fleet-a", description="first fleet")
    assert UUID_RE.match(uid)
    fleet = api.ucs("GET", "/v1/clustergroups/" + uid).json()
    assert fleet["kind"] == "ClusterGroup" and fleet["apiVersion"] == "v1"
    assert fleet["metadata"]["name"] == "fleet-a"
    assert FLEET_TIME_RE.match(fleet["metadata"]["creationTimestamp"])
    assert FLEET_TIME_RE.match(fleet["metadata"]["updateTimestamp"])
    assert fleet["spec"]["description"] == "first fleet"
    assert "dnsSuffix" not in fleet["spec"] and "federationId" not in fleet["spec"]
    create_fleet(api, "fleet-b")
    listing = api.ucs("GET", "/v1/clustergroups").json()
    assert listing["total"] == 2
    assert {f["metadata"]["name"] for f in listing["items"]} == {"fleet-a", "fleet-b"}
    assert len(api.ucs("GET", "/v1/clustergroups", params={"limit": 1}).json()["items"]) == 1
    assert_error(api.ucs("POST", "/v1/clustergroups", json={"metadata": {"name": "fleet-a"}}), 409, "UCS.01100004")
    assert_error(api.ucs("POST", "/v1/clustergroups", json={"metadata": {"name": "Bad Name"}}), 400, "UCS.01000012")
    assert_error(api.ucs("GET", "/v1/clustergroups/" + UNKNOWN_ID), 404, "UCS.01100005")


def test_fleet_quota(api):
    assert api.hook("PUT", "/config", json={"quotas": {"ucs.fleets": 2}}).status_code == 200
    create_fleet(api, "q1")
    create_fleet(api, "q2")
    assert_error(api.ucs("POST", "/v1/clustergroups", json={"metadata": {"name": "q3"}}), 400, "UCS.01000017")


def test_only_an_empty_fleet_can_be_deleted(api):
    member = register(api, "member-1")
    fleet = create_fleet(api, "busy-fleet", clusterIds=[member])
    cluster = api.ucs("GET", "/v1/clusters/" + member).json()
    assert cluster["spec"]["clusterGroupID"] == fleet and cluster["spec"]["manageType"] == "grouped"
    assert_error(api.ucs("DELETE", "/v1/clustergroups/" + fleet), 400, "UCS.01100007")
    assert_text(api.ucs("POST", "/v1/clusters/%s/unjoin" % member), 200, "update success")
    cluster = api.ucs("GET", "/v1/clusters/" + member).json()
    assert cluster["spec"]["clusterGroupID"] == "" and cluster["spec"]["manageType"] == "discrete"
    assert api.ucs("DELETE", "/v1/clustergroups/" + fleet).status_code == 200
    assert_error(api.ucs("GET", "/v1/clustergroups/" + fleet), 404, "UCS.01100005")


def test_join_unjoin_and_associated_clusters(api):
    one, two, three = register(api, "j-one"), register(api, "j-two"), register(api, "j-three")
    fleet = create_fleet(api, "join-fleet")
    other = create_fleet(api, "other-fleet")
    assert_text(api.ucs("POST", "/v1/clusters/%s/join" % one, json={"clusterGroupID": fleet}), 200, "update success")
    assert_error(api.ucs("POST", "/v1/clusters/%s/join" % one, json={"clusterGroupID": other}), 400, "UCS.01100002")
    assert_error(api.ucs("POST", "/v1/clusters/%s/join" % two, json={"clusterGroupID": UNKNOWN_ID}), 404, "UCS.01100005")
    assert_error(api.ucs("POST", "/v1/clusters/%s/unjoin" % two), 400, "UCS.01100002")
    # adds only: sending a list without "one" does not remove it
    resp = api.ucs("PUT", "/v1/clustergroups/%s/associatedclusters" % fleet, json={"clusterIds": [two]})
    assert_text(resp, 200, "update success")
    members = api.ucs("GET", "/v1/clusters", params={"clustergroupid": fleet}).json()
    assert {c["metadata"]["uid"] for c in members["items"]} == {one, two}
    assert_error(api.ucs("PUT", "/v1/clustergroups/%s/associatedclusters" % fleet, json={"clusterIds": []}),
                 400, "UCS.01100007")
    assert_error(api.ucs("PUT", "/v1/clustergroups/%s/associatedclusters" % other, json={"clusterIds": [one]}),
                 400, "UCS.01100002")
    assert three


def test_fleet_description(api):
    fleet = create_fleet(api, "described")
    assert_text(api.ucs("PUT", "/v1/clustergroups/%s/description" % fleet, json={"description": "new text"}),
                200, "update success")
    assert api.ucs("GET", "/v1/clustergroups/" + fleet).json()["spec"]["description"] == "new text"
    assert_error(api.ucs("PUT", "/v1/clustergroups/%s/description" % fleet, json={}), 400, "UCS.01000012")


# ----------------------------------------------------------------------------------------------- federation


def progress_if(api, fleet, phases):
    """The progress Job when its phase is one of ``phases``, else None."""
    job = api.ucs("GET", "/v1/clustergroups/%s/federations/progress" % fleet).json()
    return job if job["status"]["phase"] in phases else None


def federate(api, fleet, timeout=5.0):
    resp = api.ucs("POST", "/v1/clustergroups/%s/federations" % fleet)
    assert_text(resp, 201, "federation is being successfully provisioned")
    return wait_until(lambda: progress_if(api, fleet, ("Success", "Failed")), timeout)


def test_federation_progress_advances(api):
    fleet = create_fleet(api, "fed-fleet")
    assert_error(api.ucs("GET", "/v1/clustergroups/%s/federations/progress" % fleet), 404, "UCS.01000013")
    assert api.hook("PUT", "/config", json={"speed": 4}).status_code == 200
    assert_text(api.ucs("POST", "/v1/clustergroups/%s/federations" % fleet), 201,
                "federation is being successfully provisioned")
    job = api.ucs("GET", "/v1/clustergroups/%s/federations/progress" % fleet).json()
    assert job["kind"] == "Job" and job["spec"]["type"] == "CreateFederationContainer"
    assert job["spec"]["resourceID"] == fleet
    types_ = [s["spec"]["type"] for s in job["spec"]["subJobs"]]
    assert types_ == ["InstallFederationChart", "CreateNetworkResource", "CreateCert", "CreateNode"]
    assert job["status"]["phase"] == "Running"
    assert [s["status"]["phase"] for s in job["spec"]["subJobs"]][1:] == ["Pending", "Pending", "Pending"]
    assert FLEET_TIME_RE.match(job["status"]["startTime"])
    assert_error(api.ucs("POST", "/v1/clustergroups/%s/federations" % fleet), 400, "UCS.01080002")
    running = api.ucs("GET", "/v1/clustergroups/" + fleet).json()
    assert running["spec"]["federationId"] == job["spec"]["federationUID"]
    assert "federationVersion" not in running["spec"]
    done = wait_until(lambda: progress_if(api, fleet, ("Success",)), 5.0)
    assert [s["status"]["phase"] for s in done["spec"]["subJobs"]] == ["Success"] * 4
    assert FLEET_TIME_RE.match(done["status"]["completionTime"])
    fed = api.ucs("GET", "/v1/clustergroups/" + fleet).json()
    assert fed["spec"]["federationVersion"] and fed["spec"]["federationId"] == done["spec"]["federationUID"]
    assert fed["spec"]["dnsSuffix"] == []
    assert [c["status"] for c in fed["status"]["conditions"] if c["type"] == "Federation"] == ["Available"]
    assert_error(api.ucs("POST", "/v1/clustergroups/%s/federations" % fleet), 400, "UCS.01080002")
    assert_text(api.ucs("POST", "/v1/clustergroups/%s/federations" % fleet, params={"retryjoinall": "true"}), 201,
                "federation is being successfully provisioned")


def test_federation_zones_disable_and_errors(api):
    fleet = create_fleet(api, "zoned")
    assert_error(api.ucs("PUT", "/v1/clustergroups/%s/associatedzones" % fleet, json={"dnsSuffix": ["example.com"]}),
                 400, "UCS.01080006")
    assert_error(api.ucs("DELETE", "/v1/clustergroups/%s/federations" % fleet), 400, "UCS.01080006")
    federate(api, fleet)
    assert_text(api.ucs("PUT", "/v1/clustergroups/%s/associatedzones" % fleet, json={"dnsSuffix": ["example.com"]}),
                200, "update success")
    assert api.ucs("GET", "/v1/clustergroups/" + fleet).json()["spec"]["dnsSuffix"] == ["example.com"]
    assert_error(api.ucs("PUT", "/v1/clustergroups/%s/associatedzones" % fleet, json={"dnsSuffix": ["not a domain"]}),
                 400, "UCS.01000012")
    assert api.ucs("DELETE", "/v1/clustergroups/%s/federations" % fleet).status_code == 200
    spec = api.ucs("GET", "/v1/clustergroups/" + fleet).json()["spec"]
    assert "federationId" not in spec and "dnsSuffix" not in spec
    assert_error(api.ucs("DELETE", "/v1/clustergroups/%s/federations" % fleet), 400, "UCS.01080006")


def test_failing_federation(api):
    fleet = create_fleet(api, "fail-federation-demo")
    job = federate(api, fleet)
    assert job["status"]["phase"] == "Failed"
    phases = dict((s["spec"]["type"], s["status"]["phase"]) for s in job["spec"]["subJobs"])
    assert phases == {"InstallFederationChart": "Success", "CreateNetworkResource": "Success", "CreateCert": "Success",
                      "CreateNode": "Failed"}
    conditions = api.ucs("GET", "/v1/clustergroups/" + fleet).json()["status"]["conditions"]
    assert [c["status"] for c in conditions if c["type"] == "Federation"] == ["Failed"]
    # a failed federation can be enabled again (it fails again, deterministically)
    assert api.ucs("POST", "/v1/clustergroups/%s/federations" % fleet).status_code == 201


def test_connection_and_kubeconfig(api):
    fleet = create_fleet(api, "kube-fleet")
    conn = {"projectID": api.info["project_id"], "vpcID": "11c9fe72-5a90-4295-bcfe-774726fb9066",
            "subnetID": "0de91d89-1e06-4e24-b371-35d5d3d3779b"}
    assert_error(api.ucs("POST", "/v1/clustergroups/%s/connection" % fleet, json=conn), 400, "UCS.01080006")
    assert_error(api.ucs("POST", "/v1/clustergroups/%s/cert" % fleet, json=dict(conn, duration=30)), 400, "UCS.01080006")
    federate(api, fleet)
    assert_error(api.ucs("POST", "/v1/clustergroups/%s/kubeconfig" % fleet, json={"duration": 30}), 400, "UCS.01080001")
    assert_error(api.ucs("POST", "/v1/clustergroups/%s/connection" % fleet, json=dict(conn, vpcID="")), 400,
                 "UCS.01000012")
    resp = api.ucs("POST", "/v1/clustergroups/%s/connection" % fleet, json=conn)
    assert resp.status_code == 201 and set(resp.json()) == {"id"}
    assert_error(api.ucs("POST", "/v1/clustergroups/%s/connection" % fleet, json=conn), 400, "UCS.01080004")
    assert_error(api.ucs("POST", "/v1/clustergroups/%s/kubeconfig" % fleet, json={"duration": "30"}), 400, "UCS.01000012")
    assert_error(api.ucs("POST", "/v1/clustergroups/%s/kubeconfig" % fleet, json={"duration": 0}), 400, "UCS.01000012")
    resp = api.ucs("POST", "/v1/clustergroups/%s/kubeconfig" % fleet, json={"duration": 30})
    assert resp.status_code == 201
    config = resp.json()
    assert config["kind"] == "Config" and config["apiVersion"] == "v1"
    assert config["clusters"][0]["cluster"]["server"] and config["current-context"]
    assert config["contexts"][0]["context"]["user"] == config["users"][0]["name"]
    resp = api.ucs("POST", "/v1/clustergroups/%s/cert" % fleet, json=dict(conn, duration=7))
    assert resp.status_code == 201 and resp.json()["kind"] == "Config"


# ----------------------------------------------------------------------------------------------- policies


def test_policies_crud(api):
    resp = api.ucs("POST", "/v1/permissions/rules", json={"metadata": {"name": "devs"}, "spec": {
        "type": "custom", "iamUserIds": ["u-1", "u-2"], "contents": [{"verbs": ["get"], "resources": ["pods"]}],
        "description": "developers"}})
    assert resp.status_code == 201
    uid = resp.json()["uid"]
    items = api.ucs("GET", "/v1/permissions/rules").json()
    assert items["total"] == 1
    rule = items["items"][0]
    assert rule["metadata"]["uid"] == uid and FLEET_TIME_RE.match(rule["metadata"]["creationTimestamp"])
    assert rule["spec"] == {"type": "custom", "iamUserIDs": ["u-1", "u-2"], "description": "developers",
                            "contents": [{"verbs": ["get"], "resources": ["pods"]}]}
    assert_error(api.ucs("POST", "/v1/permissions/rules", json={"metadata": {"name": "devs"}, "spec": {"type": "admin"}}),
                 400, "UCS.01120001")
    assert_error(api.ucs("POST", "/v1/permissions/rules", json={"metadata": {"name": "x"}, "spec": {"type": "root"}}),
                 400, "UCS.01000012")
    assert_error(api.ucs("POST", "/v1/permissions/rules", json={"metadata": {"name": "y"}, "spec": {"type": "custom"}}),
                 400, "UCS.01000012")
    resp = api.ucs("PUT", "/v1/permissions/rules/" + uid, json={"spec": {"iamUserIds": ["u-3"], "description": "d2"}})
    assert_text(resp, 200, "update completed successfully")
    spec = api.ucs("GET", "/v1/permissions/rules").json()["items"][0]["spec"]
    assert spec["iamUserIDs"] == ["u-3"] and spec["description"] == "d2" and spec["type"] == "custom"
    assert_error(api.ucs("PUT", "/v1/permissions/rules/" + UNKNOWN_ID, json={"spec": {}}), 404, "UCS.01000013")
    assert api.ucs("DELETE", "/v1/permissions/rules/" + uid).status_code == 200
    assert_error(api.ucs("DELETE", "/v1/permissions/rules/" + uid), 404, "UCS.01000013")
    assert api.ucs("GET", "/v1/permissions/rules").json() == {"items": [], "total": 0}


def test_policy_quota(api):
    assert api.hook("PUT", "/config", json={"quotas": {"ucs.policies": 1}}).status_code == 200
    assert api.ucs("POST", "/v1/permissions/rules", json={"metadata": {"name": "p1"}, "spec": {"type": "admin"}}).status_code == 201
    assert_error(api.ucs("POST", "/v1/permissions/rules", json={"metadata": {"name": "p2"}, "spec": {"type": "admin"}}),
                 400, "UCS.01000017")


def test_associated_rules_on_clusters_and_fleets(api):
    rid = api.ucs("POST", "/v1/permissions/rules", json={"metadata": {"name": "ro"}, "spec": {"type": "readonly"}}).json()["uid"]
    cluster = register(api, "bound")
    fleet = create_fleet(api, "bound-fleet")
    binding = {"ruleIDNamespaces": [{"ruleIDs": [rid], "namespaces": ["default", "apps"]}]}
    assert_text(api.ucs("PUT", "/v1/clusters/%s/associatedrules" % cluster, json=binding), 200, "update success")
    assert_text(api.ucs("PUT", "/v1/clustergroups/%s/associatedrules" % fleet, json=binding), 200, "update success")
    expected = [{"rules": [{"ruleID": rid, "ruleName": "ro"}], "namespaces": ["default", "apps"]}]
    assert api.ucs("GET", "/v1/clusters/" + cluster).json()["spec"]["ruleNamespaces"] == expected
    # a fleet reports its bindings as a cluster does (the Terraform provider reads spec.ruleNamespaces[].rules[].ruleID)
    assert api.ucs("GET", "/v1/clustergroups/" + fleet).json()["spec"]["ruleNamespaces"] == expected
    # the table's reading (3-155: Array of strings) behind a switch: only the namespaces, in binding order
    assert api.hook("PUT", "/config", json={"readings": {"ucs_fleet_rule_namespaces_strings": True}}).status_code == 200
    assert api.ucs("GET", "/v1/clustergroups/" + fleet).json()["spec"]["ruleNamespaces"] == ["default", "apps"]
    # de-duplicated across bindings; a binding without policies binds no namespace
    rid2 = api.ucs("POST", "/v1/permissions/rules", json={"metadata": {"name": "rw"}, "spec": {"type": "develop"}}).json()["uid"]
    several = {"ruleIDNamespaces": [{"ruleIDs": [rid2], "namespaces": ["apps", "web"]}, {"ruleIDs": [], "namespaces": ["lost"]},
                                    {"ruleIDs": [rid], "namespaces": ["default", "apps"]}]}
    assert_text(api.ucs("PUT", "/v1/clustergroups/%s/associatedrules" % fleet, json=several), 200, "update success")
    assert api.ucs("GET", "/v1/clustergroups/" + fleet).json()["spec"]["ruleNamespaces"] == ["apps", "web", "default"]
    listed = [f for f in api.ucs("GET", "/v1/clustergroups").json()["items"] if f["metadata"]["uid"] == fleet]
    assert listed[0]["spec"]["ruleNamespaces"] == ["apps", "web", "default"]
    # the emulator does not copy a fleet's bindings onto its member clusters (the source does not say they inherit)
    assert api.ucs("GET", "/v1/clusters/" + cluster).json()["spec"]["ruleNamespaces"] == expected
    assert api.ucs("DELETE", "/v1/permissions/rules/" + rid2).status_code == 200
    assert api.ucs("GET", "/v1/clustergroups/" + fleet).json()["spec"]["ruleNamespaces"] == ["default", "apps"]
    assert_error(api.ucs("PUT", "/v1/clusters/%s/associatedrules" % cluster,
                         json={"ruleIDNamespaces": [{"ruleIDs": [UNKNOWN_ID], "namespaces": []}]}), 400, "UCS.01100003")
    # deleting the policy removes it from the bindings
    assert api.ucs("DELETE", "/v1/permissions/rules/" + rid).status_code == 200
    assert "ruleNamespaces" not in api.ucs("GET", "/v1/clusters/" + cluster).json()["spec"]
    assert "ruleNamespaces" not in api.ucs("GET", "/v1/clustergroups/" + fleet).json()["spec"]


def test_official_sdk_parses_responses(api):
    info = api.info
    cluster = register(api, "sdk-cluster")
    fleet = create_fleet(api, "sdk-fleet", description="via sdk", clusterIds=[cluster])
    client = UcsClient.new_builder().with_credentials(
        GlobalCredentials(info["access_key"], info["secret_key"], info["domain_id"])).with_endpoints([info["ucs"]]).build()
    shown = client.show_cluster(ucs_model.ShowClusterRequest(clusterid=cluster))
    assert shown.metadata.uid == cluster
    assert shown.spec.cluster_group_id == fleet and shown.spec.is_downloaded_cert is False
    group = client.show_cluster_group(ucs_model.ShowClusterGroupRequest(clustergroupid=fleet))
    assert group.metadata.name == "sdk-fleet" and group.spec.description == "via sdk"
    listing = client.show_cluster_list(ucs_model.ShowClusterListRequest(clustergroupid=fleet))
    assert listing.total == 1 and listing.items[0].metadata.name == "sdk-cluster"
    join = client.leave_group(ucs_model.LeaveGroupRequest(clusterid=cluster))
    assert join.body == "update success"
    versions = client.list_registered_cluster_versions(ucs_model.ListRegisteredClusterVersionsRequest())
    assert "v1.25" in versions.versions
    log = api.requests_since(0)["requests"]
    assert [r["auth"] for r in log if r["service"] == "ucs"][-5:] == ["aksk"] * 5


# ----------------------------------------------------------------------------------------------- in-process


def test_phase_follows_the_agent_on_the_member_cluster(monkeypatch):
    calls = []
    deployed = {"https://10.0.0.1:6443": False}

    def agent_deployed(state, server_url):
        calls.append(server_url)
        return deployed.get(server_url, False)

    monkeypatch.setitem(sys.modules, "k8s", types.SimpleNamespace(agent_deployed=agent_deployed))
    identity = {"user_name": "demo", "user_id": "u1", "password": "pw", "domain_name": "d", "domain_id": "dom1",
                "project_name": "cn-north-4", "project_id": "proj1", "access_key": "AK1", "secret_key": "SK1"}
    state = core.State(identity, speed=50.0)
    cluster = {"uid": UNKNOWN_ID, "created": state.now(), "server": ucs.kubeconfig_server(kubeconfig()),
               "spec": {"category": "attachedcluster"}}
    assert ucs.cluster_phase(state, cluster)[0] == "Pending"
    deployed["https://10.0.0.1:6443"] = True
    assert ucs.cluster_phase(state, cluster)[0] == "Available"
    deployed["https://10.0.0.1:6443"] = False
    assert ucs.cluster_phase(state, cluster)[0] == "Unavailable"
    assert calls == ["https://10.0.0.1:6443"] * 3
    yaml_config = "apiVersion: v1\nkind: Config\nclusters:\n- name: m\n  cluster:\n    server: 'https://10.2.2.2:6443'\n"
    assert ucs.kubeconfig_server(yaml_config) == "https://10.2.2.2:6443"
    monkeypatch.setitem(sys.modules, "k8s", None)
    assert ucs.agent_deployed(state, "https://10.0.0.1:6443") is False


def test_invalid_json_body_is_ucs_400(api):
    resp = api.ucs("POST", "/v1/clustergroups", data=b"{broken", headers={"Content-Type": "application/json"})
    assert_error(resp, 400, "UCS.01000012")
    assert api.ucs("POST", "/v1/clustergroups", json=["not", "an", "object"]).status_code == 400


def test_attached_cluster_becomes_available_once_the_agent_runs(api):
    pytest.importorskip("k8s")
    member = "%s/k8s/agent-member" % api.base
    body = attached_body("agent-e2e")
    body["metadata"]["annotations"]["kubeconfig"] = kubeconfig(member)
    resp = api.ucs("POST", "/v1/clusters", json=body)
    assert resp.status_code == 201
    uid = resp.json()["uid"]
    assert api.ucs("GET", "/v1/clusters/" + uid).json()["status"]["phase"] == "Pending"
    deployment, secret = api.ucs("GET", "/v1/clusters/%s/accessinfo" % uid).json()
    created = api.session.post(member + "/api/v1/namespaces/kube-system/secrets", json=secret, timeout=5)
    assert created.status_code == 201, created.text
    assert api.ucs("GET", "/v1/clusters/" + uid).json()["status"]["phase"] == "Pending"
    created = api.session.post(member + "/apis/apps/v1/namespaces/kube-system/deployments", json=deployment, timeout=5)
    assert created.status_code == 201, created.text
    status = api.ucs("GET", "/v1/clusters/" + uid).json()["status"]
    assert status["phase"] == "Available"
    assert status["endpoints"][0]["url"] == member
    assert api.session.delete(member + "/apis/apps/v1/namespaces/kube-system/deployments/proxy-agent",
                              timeout=5).status_code == 200
    assert api.ucs("GET", "/v1/clusters/" + uid).json()["status"]["phase"] == "Unavailable"


def test_concurrent_creates_with_one_name_make_one_fleet(api):
    token = api.token("domain")
    statuses = []
    lock = threading.Lock()

    def create():
        resp = requests.post(api.base + "/ucs/v1/clustergroups", headers={"X-Auth-Token": token},
                             json={"metadata": {"name": "raced"}}, timeout=10)
        with lock:
            statuses.append(resp.status_code)

    threads = [threading.Thread(target=create) for dummy in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sorted(statuses) == [201] + [409] * 7
    assert [f["metadata"]["name"] for f in api.ucs("GET", "/v1/clustergroups").json()["items"]] == ["raced"]


def test_managed_clusters_unimported_only_reading(api):
    body = {"kind": "Cluster", "apiVersion": "v1", "metadata": {"name": "cce-dev-01"},
            "spec": {"category": "self", "type": "cce", "manageType": "discrete"}}
    every = api.ucs("GET", "/v1/managedclusters").json()
    body["metadata"]["uid"] = [m for m in every if m["metadata"]["name"] == "cce-dev-01"][0]["metadata"]["uid"]
    assert api.ucs("POST", "/v1/clusters", json=body).status_code == 201

    def names(**query):
        return sorted(m["metadata"]["name"] for m in api.ucs("GET", "/v1/managedclusters", params=query).json())
    assert "cce-dev-01" not in names(unregister="true")
    assert api.hook("PUT", "/config", json={"readings": {"ucs_managed_unimported_only": True}}).status_code == 200
    assert "cce-dev-01" in names(unregister="true")            # the document's name is ignored
    assert "cce-dev-01" not in names(unregister="true", unimported="true")
    assert api.hook("GET", "/readings").json()["ucs_managed_unimported_only"]["section"] == "§3.1.9"


def test_bulk_cce_clusters_for_scale_tests(api):
    assert len(api.ucs("GET", "/v1/managedclusters").json()) == 3
    assert api.hook("PUT", "/config", json={"ucs_cce_clusters": 5}).status_code == 200
    names = [m["metadata"]["name"] for m in api.ucs("GET", "/v1/managedclusters").json()]
    assert len(names) == 8 and "cce-bulk-004" in names


# ----------------------------------------------------------------------------------------------- readings (issue 12)


FLEET_READINGS = ("ucs_progress_400", "ucs_progress_late", "ucs_progress_gone_after_success",
                  "ucs_progress_after_disable", "ucs_kubeconfig_refusal_table", "ucs_associatedclusters_full_list",
                  "ucs_fleet_rule_namespaces_strings")


@pytest.fixture(autouse=True)
def _fleet_readings_off(request):
    """The session emulator keeps its readings across resets: every test here starts with these switches off."""
    if "fresh" in request.fixturenames:
        info = request.getfixturevalue("fresh")
        resp = requests.put(info["ucs"][:-len("/ucs")] + "/_emulator/config", timeout=10,
                            json={"readings": dict((name, False) for name in FLEET_READINGS)})
        assert resp.status_code == 200, resp.text
    yield


def reading(api, name, on=True):
    assert api.hook("PUT", "/config", json={"readings": {name: on}}).status_code == 200


def progress(api, fleet):
    return api.ucs("GET", "/v1/clustergroups/%s/federations/progress" % fleet)


def test_progress_without_job_answers_400_with_the_table_wording(api):
    fleet = create_fleet(api, "no-job")
    assert_error(progress(api, fleet), 404, "UCS.01000013")
    reading(api, "ucs_progress_400")
    resp = progress(api, fleet)
    assert_error(resp, 400, "UCS.01080001")
    assert resp.json()["error_msg"] == "Failed to obtain the federation information."


def test_progress_missing_for_a_moment_then_served(api):
    reading(api, "ucs_progress_late")
    assert api.hook("PUT", "/config", json={"speed": 1}).status_code == 200
    fleet = create_fleet(api, "late-job")
    assert_text(api.ucs("POST", "/v1/clustergroups/%s/federations" % fleet), 201,
                "federation is being successfully provisioned")
    assert_error(progress(api, fleet), 404, "UCS.01000013")
    assert api.ucs("GET", "/v1/clustergroups/" + fleet).json()["spec"]["federationId"]  # the fleet knows already
    job = wait_until(lambda: progress(api, fleet).status_code == 200 and progress(api, fleet).json(), 3.0)
    assert job["spec"]["type"] == "CreateFederationContainer"


def test_progress_gone_after_success_and_kept_after_disable(api):
    reading(api, "ucs_progress_gone_after_success")
    fleet = create_fleet(api, "gone-job")
    assert_text(api.ucs("POST", "/v1/clustergroups/%s/federations" % fleet), 201,
                "federation is being successfully provisioned")
    fed_id = api.ucs("GET", "/v1/clustergroups/" + fleet).json()["spec"]["federationId"]
    wait_until(lambda: progress(api, fleet).status_code == 404, 5.0)
    assert api.ucs("GET", "/v1/clustergroups/" + fleet).json()["spec"]["federationVersion"]
    reading(api, "ucs_progress_gone_after_success", False)
    reading(api, "ucs_progress_after_disable")
    assert api.ucs("DELETE", "/v1/clustergroups/%s/federations" % fleet).status_code == 200
    assert "federationId" not in api.ucs("GET", "/v1/clustergroups/" + fleet).json()["spec"]
    stale = progress(api, fleet).json()
    assert stale["status"]["phase"] == "Success" and stale["spec"]["federationUID"] == fed_id


def test_kubeconfig_refusal_with_the_table_wording(api):
    reading(api, "ucs_kubeconfig_refusal_table")
    fleet = create_fleet(api, "kube-table")
    federate(api, fleet)
    resp = api.ucs("POST", "/v1/clustergroups/%s/kubeconfig" % fleet, json={"duration": 7})
    assert_error(resp, 400, "UCS.01080001")
    assert resp.json()["error_msg"] == "Failed to obtain the federation information."


def test_associated_clusters_as_a_full_list_that_must_not_shrink(api):
    one, two = register(api, "full-one"), register(api, "full-two")
    fleet = create_fleet(api, "full-list")
    reading(api, "ucs_associatedclusters_full_list")
    assert_text(api.ucs("PUT", "/v1/clustergroups/%s/associatedclusters" % fleet, json={"clusterIds": [one]}),
                200, "update success")
    assert_error(api.ucs("PUT", "/v1/clustergroups/%s/associatedclusters" % fleet, json={"clusterIds": [two]}),
                 400, "UCS.01100007")
    assert_text(api.ucs("PUT", "/v1/clustergroups/%s/associatedclusters" % fleet, json={"clusterIds": [one, two]}),
                200, "update success")
    members = api.ucs("GET", "/v1/clusters", params={"clustergroupid": fleet}).json()
    assert {c["metadata"]["uid"] for c in members["items"]} == {one, two}

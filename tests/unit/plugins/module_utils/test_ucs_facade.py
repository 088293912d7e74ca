# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the UCS facade (paths, payloads, pagination, spelling drift, not-found handling)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ApiError, ConfigurationError
from ansible_collections.fleetops.cloud.plugins.module_utils import ucs

FLEET_ID = "6efb4a18-2fa4-11ee-ad1d-0255ac1001c4"
CLUSTER_ID = "514c1a3c-8ec7-11ec-b384-0255ac100189"


class Resp(object):
    def __init__(self, body, status=200):
        self.body = body
        self.status = status
        self.headers = {}
        self.request_id = "req"


class FakeClient(object):
    """Answers from a routing function and records every call."""

    def __init__(self, route):
        self.route = route
        self.calls = []

    def call(self, service, method, path, **kwargs):
        self.calls.append(dict(service=service, method=method, path=path, **kwargs))
        result = self.route(method, path, kwargs)
        if isinstance(result, ApiError):
            raise result
        return Resp(result)


def paged(items):
    """A route answering GET lists with limit/offset pages."""
    def route(method, path, kwargs):
        query = kwargs.get("query") or {}
        limit = int(query.get("limit", -1))
        offset = int(query.get("offset", 0))
        page = items[offset:] if limit < 0 else items[offset:offset + limit]
        return {"items": page, "total": len(items)}
    return route


def rule(name, uid, users_key="iamUserIDs"):
    return {"metadata": {"name": name, "uid": uid}, "spec": {"type": "admin", users_key: ["u1"]}}


def capped(items, cap):
    """A route that honours limit/offset but never returns more than ``cap`` items per page (limit -1 included)."""
    def route(method, path, kwargs):
        query = kwargs.get("query") or {}
        limit = int(query.get("limit", -1))
        offset = int(query.get("offset", 0))
        size = cap if limit < 0 else min(limit, cap)
        return {"items": items[offset:offset + size], "total": len(items)}
    return route


def test_list_all_asks_for_everything_in_one_call():
    items = [rule("p%d" % i, "id-%d" % i) for i in range(7)]
    client = FakeClient(paged(items))
    api = ucs.UcsApi(client, page_size=3)
    policies = api.list_policies()
    assert [p["metadata"]["name"] for p in policies] == ["p%d" % i for i in range(7)]
    assert [(c["query"]["limit"], c["query"]["offset"]) for c in client.calls] == [(-1, 0)]


def test_list_all_pages_on_when_the_server_caps_the_page():
    items = [rule("p%d" % i, "id-%d" % i) for i in range(7)]
    client = FakeClient(capped(items, 3))
    api = ucs.UcsApi(client)
    assert [p["metadata"]["name"] for p in api.list_policies()] == ["p%d" % i for i in range(7)]
    assert [(c["query"]["limit"], c["query"]["offset"]) for c in client.calls] == [(-1, 0), (3, 3), (3, 6)]


@pytest.mark.parametrize("count", [10, 100, 1000])
def test_lookup_by_name_is_one_call_at_any_size(count):
    items = [rule("p%d" % i, "id-%d" % i) for i in range(count)]
    for lookup in ("fleet", "policy", "cluster"):
        client = FakeClient(paged(items))
        api = ucs.UcsApi(client)
        found = {"fleet": api.find_fleet_by_name, "policy": api.find_policy_by_name,
                 "cluster": api.find_cluster_by_name}[lookup]("p%d" % (count - 1))
        assert found["metadata"]["uid"] == "id-%d" % (count - 1)
        assert len(client.calls) == 1, lookup
    client = FakeClient(paged(items))
    assert ucs.UcsApi(client).resolve_policy_ids(["p0", "p%d" % (count - 1)]) == ["id-0", "id-%d" % (count - 1)]
    assert len(client.calls) == 1


@pytest.mark.parametrize("count", [10, 100, 1000])
def test_lookup_stops_at_the_first_match_on_a_capped_server(count):
    items = [rule("p%d" % i, "id-%d" % i) for i in range(count)]
    client = FakeClient(capped(items, 10))
    api = ucs.UcsApi(client)
    assert api.find_policy_by_name("p5")["metadata"]["uid"] == "id-5"
    assert len(client.calls) == 1
    assert api.find_policy_by_name("missing") is None
    assert len(client.calls) == 1 + count // 10  # a miss reads every page, once


def test_lookup_normalises_only_what_it_returns(monkeypatch):
    items = [rule("p%d" % i, "id-%d" % i, users_key="iamUserIds") for i in range(50)]
    seen = []
    original = ucs.normalize_policy
    monkeypatch.setattr(ucs, "normalize_policy", lambda obj: seen.append(obj) or original(obj))
    found = ucs.UcsApi(FakeClient(paged(items))).find_policy_by_name("p7")
    assert found["spec"]["iamUserIDs"] == ["u1"]
    assert len(seen) == 1
    assert items[7]["spec"] == {"type": "admin", "iamUserIds": ["u1"]}  # the answer itself is not changed


def test_resolve_prefers_a_uid_match_over_a_name_match():
    other = "0e5e5f9c-0000-11ee-0000-000000000001"
    items = [rule(other, "id-x"), rule("p", other)]
    client = FakeClient(paged(items))
    assert ucs.UcsApi(client).resolve_policy_ids([other]) == [other]


def test_list_all_stops_on_total_when_server_caps_page_size():
    items = [rule("p%d" % i, "id-%d" % i) for i in range(5)]

    def capped(method, path, kwargs):
        offset = int(kwargs["query"]["offset"])
        return {"items": items[offset:offset + 2], "total": len(items)}
    client = FakeClient(capped)
    api = ucs.UcsApi(client, page_size=100)
    assert len(api.list_policies()) == 5
    assert len(client.calls) == 3


def test_policy_spelling_drift_is_normalised():
    client = FakeClient(paged([rule("a", "id-a", users_key="iamUserIds")]))
    policy = ucs.UcsApi(client).find_policy_by_name("a")
    assert policy["spec"]["iamUserIDs"] == ["u1"]
    assert "iamUserIds" not in policy["spec"]


def test_find_policy_absent_is_none():
    client = FakeClient(paged([rule("a", "id-a")]))
    assert ucs.UcsApi(client).find_policy_by_name("b") is None


def test_resolve_policy_ids_names_and_ids_and_unknown():
    client = FakeClient(paged([rule("a", "id-a"), rule("b", "id-b")]))
    api = ucs.UcsApi(client)
    assert api.resolve_policy_ids(["a", "id-b"]) == ["id-a", "id-b"]
    with pytest.raises(ucs.UcsNotFoundError) as exc:
        api.resolve_policy_ids(["a", "nope", "other"])
    assert "'nope'" in str(exc.value) and "'other'" in str(exc.value)
    assert isinstance(exc.value, ConfigurationError)
    assert exc.value.names == ["nope", "other"]


def test_get_fleet_404_is_none_and_other_errors_raise():
    def route(method, path, kwargs):
        if path.endswith(FLEET_ID):
            return ApiError(status=404, code="UCS.01100005", message="ClusterGroup Not Found.")
        return ApiError(status=500, code="UCS.01000006", message="boom")
    api = ucs.UcsApi(FakeClient(route))
    assert api.get_fleet(FLEET_ID) is None
    with pytest.raises(ApiError):
        api.get_fleet("11111111-2222-3333-4444-555555555555")


def test_get_fleet_with_non_uuid_makes_no_call():
    client = FakeClient(lambda m, p, k: {})
    assert ucs.UcsApi(client).get_fleet("not-an-id") is None
    assert client.calls == []


def test_resolve_fleet_by_name_and_unknown():
    fleets = [{"metadata": {"name": "f1", "uid": FLEET_ID}, "spec": {"federationID": "fed"}}]
    client = FakeClient(paged(fleets))
    api = ucs.UcsApi(client)
    fleet = api.resolve_fleet("f1")
    assert fleet["metadata"]["uid"] == FLEET_ID
    assert fleet["spec"]["federationId"] == "fed"
    with pytest.raises(ucs.UcsNotFoundError) as exc:
        api.resolve_fleet("missing")
    assert "fleet" in str(exc.value) and "missing" in str(exc.value)


def test_create_fleet_payload_is_non_idempotent():
    client = FakeClient(lambda m, p, k: {"uid": FLEET_ID})
    uid = ucs.UcsApi(client).create_fleet("f1", description="d", cluster_ids=[CLUSTER_ID])
    assert uid == FLEET_ID
    call = client.calls[0]
    assert (call["method"], call["path"], call["create"]) == ("POST", "/v1/clustergroups", True)
    assert call["json"] == {"metadata": {"name": "f1"}, "spec": {"clusterIds": [CLUSTER_ID], "description": "d"}}


def test_fleet_members_filtered_by_group_and_cluster_drift():
    clusters = [
        {"metadata": {"name": "c1", "uid": CLUSTER_ID}, "spec": {"clusterGroupId": FLEET_ID, "projectId": "p"}},
        {"metadata": {"name": "c2", "uid": "x"}, "spec": {"clusterGroupID": "other"}},
    ]
    client = FakeClient(paged(clusters))
    members = ucs.UcsApi(client).list_fleet_clusters(FLEET_ID)
    assert [m["metadata"]["name"] for m in members] == ["c1"]
    assert members[0]["spec"]["projectID"] == "p"
    assert client.calls[0]["query"]["clustergroupid"] == FLEET_ID


def test_bindings_normalisation_and_canonical_form():
    from_object = [{"rules": [{"ruleID": "r2", "ruleName": "b"}, {"ruleID": "r1"}], "namespaces": ["ns2", "ns1"]}]
    from_request = {"ruleIDNamespaces": [{"ruleIds": ["r1", "r2"], "namespaces": ["ns1", "ns2"]}]}
    assert ucs.normalize_bindings(from_object) == [{"ruleIDs": ["r2", "r1"], "namespaces": ["ns2", "ns1"]}]
    assert ucs.canonical_bindings(from_object) == ucs.canonical_bindings(from_request)
    assert ucs.canonical_bindings(from_object) != ucs.canonical_bindings([{"ruleIDs": ["r1"], "namespaces": ["ns1"]}])
    assert ucs.normalize_bindings(["ns-only-strings"]) == []


def test_bind_fleet_policies_sends_table_spelling():
    client = FakeClient(lambda m, p, k: "update success")
    ucs.UcsApi(client).bind_fleet_policies(FLEET_ID, [{"rules": [{"ruleID": "r1"}], "namespaces": ["default"]}])
    call = client.calls[0]
    assert (call["method"], call["path"]) == ("PUT", "/v1/clustergroups/%s/associatedrules" % FLEET_ID)
    assert call["json"] == {"ruleIDNamespaces": [{"ruleIDs": ["r1"], "namespaces": ["default"]}]}


def test_job_normalisation_and_failed_sub_jobs():
    job = {"spec": {"type": "CreateFederationContainer", "federationUid": "fed", "subJobs": [
        {"spec": {"type": "CreateCert", "extendParam": {"k": "v"}}, "status": {"phase": "Success"}},
        {"spec": {"type": "CreateNode"}, "status": {"phase": "Failed", "reason": "no capacity"}},
    ]}, "status": {"phase": "Failed"}}
    norm = ucs.normalize_job(job)
    assert norm["spec"]["federationUID"] == "fed"
    assert norm["spec"]["subJobs"][0]["spec"]["extendparam"] == {"k": "v"}
    assert ucs.failed_sub_jobs(norm) == [{"type": "CreateNode", "phase": "Failed", "reason": "no capacity"}]
    assert job["spec"]["subJobs"][0]["spec"].get("extendparam") is None  # input untouched


def test_disable_federation_not_federated_is_false():
    client = FakeClient(lambda m, p, k: ApiError(status=400, code=ucs.CODE_NOT_FEDERATED, message="not"))
    assert ucs.UcsApi(client).disable_federation(FLEET_ID) is False


def test_enable_federation_query_and_create_flag():
    client = FakeClient(lambda m, p, k: "federation is being successfully provisioned")
    ucs.UcsApi(client).enable_federation(FLEET_ID, retry_join_all=True)
    call = client.calls[0]
    assert call["query"] == {"retryjoinall": "true"} and call["create"] is True


def test_kubeconfig_calls_payloads():
    client = FakeClient(lambda m, p, k: {"id": "ep-1"} if p.endswith("/connection") else {"kind": "Config"})
    api = ucs.UcsApi(client)
    assert api.create_fleet_connection(FLEET_ID, "proj", "vpc", "sub") == "ep-1"
    assert api.download_fleet_kubeconfig(FLEET_ID, 30) == {"kind": "Config"}
    assert client.calls[0]["json"] == {"projectID": "proj", "vpcID": "vpc", "subnetID": "sub"}
    assert client.calls[0]["create"] is True
    assert client.calls[1]["json"] == {"duration": 30}
    assert client.calls[1]["create"] is True  # mints a credential: never re-sent by the transport


def test_policy_spec_only_given_fields():
    assert ucs.policy_spec(policy_type="admin") == {"type": "admin"}
    spec = ucs.policy_spec("custom", ["u"], [{"verbs": ["get"], "resources": ["pods"]}], "")
    assert spec == {"type": "custom", "iamUserIDs": ["u"], "contents": [{"verbs": ["get"], "resources": ["pods"]}],
                    "description": ""}


def test_strip_cluster_secrets_removes_kubeconfig():
    cluster = ucs.normalize_cluster({"metadata": {"name": "c", "annotations": {"kubeconfig": "secret", "x": "y"}}})
    stripped = ucs.strip_cluster_secrets(cluster)
    assert stripped["metadata"]["annotations"] == {"x": "y"}
    assert cluster["metadata"]["annotations"]["kubeconfig"] == "secret"


def test_managed_clusters_and_versions():
    def route(method, path, kwargs):
        if path == "/v1/managedclusters":
            return [{"metadata": {"name": "cce"}, "spec": {"projectId": "p"}}]
        return {"versions": ["v1.19", "v1.25"]}
    client = FakeClient(route)
    api = ucs.UcsApi(client)
    assert api.list_managed_clusters(unregistered=True)[0]["spec"]["projectID"] == "p"
    assert client.calls[0]["query"] == {"unregister": "true", "unimported": "true"}
    assert api.list_cluster_versions() == ["v1.19", "v1.25"]


TAKEN = u"\u5df2\u4e0b\u8f7d"  # "已下载"


@pytest.mark.parametrize("body", [TAKEN, " %s " % TAKEN, '"%s"' % TAKEN, [TAKEN], '["%s"]' % TAKEN,
                                  TAKEN + ": the agent certificate was downloaded", "already been downloaded"])
def test_already_downloaded_answers_are_recognised(body):
    assert ucs.is_already_downloaded(body) is True


@pytest.mark.parametrize("body", [None, "", [], {}, "Failed to get certs", [{"kind": "Secret"}], [TAKEN, '{"kind": "Secret"}'],
                                  '[{"kind": "Deployment"}]', "update success"])
def test_other_answers_are_not_already_downloaded(body):
    assert ucs.is_already_downloaded(body) is False


@pytest.mark.parametrize("answer", [TAKEN, [TAKEN], ApiError(status=400, code="UCS.01020002", message=TAKEN + ": taken")])
def test_accessinfo_already_downloaded_raises_certificate_taken(answer):
    client = FakeClient(lambda m, p, k: answer)
    with pytest.raises(ucs.CertificateTakenError) as info:
        ucs.UcsApi(client).get_cluster_accessinfo(CLUSTER_ID)
    assert info.value.cluster_id == CLUSTER_ID
    assert info.value.status == (400 if isinstance(answer, ApiError) else 200)
    assert (info.value.error is answer) if isinstance(answer, ApiError) else info.value.error is None
    assert [(c["method"], c["path"]) for c in client.calls] == [("GET", "/v1/clusters/%s/accessinfo" % CLUSTER_ID)]


def test_accessinfo_manifests_pass_and_server_errors_stay_api_errors():
    manifests = [{"kind": "Deployment"}, {"kind": "Secret"}]
    client = FakeClient(lambda m, p, k: manifests)
    assert ucs.UcsApi(client).get_cluster_accessinfo(CLUSTER_ID, vpcendpoint="10.0.0.9", region="r1") == manifests
    assert client.calls[0]["query"] == {"vpcendpoint": "10.0.0.9", "region": "r1"}
    # the documented 500 UCS.01020002 "Failed to get certs" is a server error, not "already downloaded"
    boom = ApiError(status=500, code="UCS.01020002", message="Failed to get certs")
    with pytest.raises(ApiError) as info:
        ucs.UcsApi(FakeClient(lambda m, p, k: boom)).get_cluster_accessinfo(CLUSTER_ID)
    assert not isinstance(info.value, ucs.CertificateTakenError) and info.value.status == 500


def test_fleet_namespaces_from_strings_or_objects():
    assert ucs.fleet_namespaces(["default", "apps", "default"]) == ["default", "apps"]
    assert ucs.fleet_namespaces(None) == []
    objects = [{"rules": [{"ruleID": "r1"}], "namespaces": ["b", "a"]}, {"rules": [], "namespaces": ["lost"]},
               {"rules": [{"ruleID": "r2"}], "namespaces": ["a", "c"]}]
    assert ucs.fleet_namespaces(objects) == ["b", "a", "c"]


def test_bindings_namespaces_only_count_entries_with_policies():
    bindings = [{"ruleIDs": ["r1"], "namespaces": ["web", "default"]}, {"ruleIDs": [], "namespaces": ["lost"]},
                {"ruleIDs": ["r2"], "namespaces": ["default"]}]
    assert ucs.bindings_namespaces(bindings) == ["web", "default"]
    assert ucs.bindings_namespaces([]) == []


def test_fleet_view_reports_namespaces_not_policies():
    fleet = {"metadata": {"name": "f1", "uid": FLEET_ID}, "spec": {"ruleNamespaces": ["default", "apps"]}}
    members = [{"metadata": {"name": "c1", "uid": CLUSTER_ID}, "spec": {}}]
    view = ucs.fleet_view(fleet, members)
    assert view["policy_namespaces"] == ["default", "apps"]
    assert view["clusters"] == [{"name": "c1", "id": CLUSTER_ID}]
    assert "policies" not in view
    assert fleet == {"metadata": {"name": "f1", "uid": FLEET_ID}, "spec": {"ruleNamespaces": ["default", "apps"]}}


def test_cluster_writes_sent_once_only_when_asked():
    client = FakeClient(lambda m, p, k: "update success")
    api = ucs.UcsApi(client)
    api.join_fleet(CLUSTER_ID, CLUSTER_ID, once=True)
    api.unjoin_fleet(CLUSTER_ID, once=True)
    api.activate_cluster(CLUSTER_ID, once=True)
    api.bind_cluster_policies(CLUSTER_ID, [], once=True)
    api.join_fleet(CLUSTER_ID, CLUSTER_ID)
    assert [c.get("create") for c in client.calls] == [True, True, True, True, None]


def test_reported_bindings_in_both_readings():
    objects = [{"rules": [{"ruleID": "r1", "ruleName": "readers"}, {"ruleID": "r2"}], "namespaces": ["default"]},
               {"rules": [{"ruleID": "r1"}], "namespaces": ["apps", "default"]}]
    pairs, names = ucs.reported_bindings(objects)
    assert pairs == {("r1", "default"), ("r2", "default"), ("r1", "apps")}
    assert names == {"readers": "r1"}
    assert ucs.reported_bindings(["default", "apps"]) == (None, {})  # table 3-155: no ids
    assert ucs.reported_bindings(None) == (set(), {}) and ucs.reported_bindings([]) == (set(), {})


def test_binding_pairs_ignore_grouping_and_order():
    one = [{"ruleIDs": ["r1", "r2"], "namespaces": ["default"]}, {"ruleIDs": ["r1"], "namespaces": ["apps"]}]
    other = [{"ruleIDs": ["r1"], "namespaces": ["apps", "default"]}, {"ruleIDs": ["r2"], "namespaces": ["default"]}]
    assert ucs.binding_pairs(one) == ucs.binding_pairs(other)
    assert ucs.binding_pairs(one) != ucs.binding_pairs([{"ruleIDs": ["r2"], "namespaces": ["default", "apps"]}])
    view = ucs.fleet_view({"metadata": {"name": "f", "uid": FLEET_ID},
                           "spec": {"ruleNamespaces": [{"rules": [{"ruleID": "r1"}], "namespaces": ["b", "a"]}]}}, None)
    assert view["policies"] == [{"policies": ["r1"], "namespaces": ["a", "b"]}]
    assert "clusters" not in view


def test_associated_clusters_carry_current_and_new_members_once():
    client = FakeClient(lambda m, p, k: "update success")
    api = ucs.UcsApi(client)
    api.add_fleet_clusters(FLEET_ID, ["c3", "c1"], current_ids=["c1", "c2"], once=True)
    assert client.calls[0]["json"] == {"clusterIds": ["c1", "c2", "c3"]}
    assert client.calls[0]["create"] is True
    api.bind_fleet_policies(FLEET_ID, [{"ruleIDs": ["r"], "namespaces": ["default"]}], once=True)
    api.disable_federation(FLEET_ID)
    assert [c.get("create") for c in client.calls[1:]] == [True, True]


def test_fleet_and_policy_ids_are_one_path_segment():
    client = FakeClient(lambda m, p, k: None)
    api = ucs.UcsApi(client)
    with pytest.raises(ConfigurationError):
        api.delete_fleet("..")
    with pytest.raises(ConfigurationError):
        api.delete_policy("..")
    assert client.calls == []
    api.delete_policy("../clusters")
    assert client.calls[-1]["path"] == "/v1/permissions/rules/..%2Fclusters"
    api.get_fleet("6efb4a18-2fa4-11ee-ad1d-0255ac1001c4")
    assert client.calls[-1]["path"] == "/v1/clustergroups/6efb4a18-2fa4-11ee-ad1d-0255ac1001c4"


@pytest.mark.parametrize("name, ok", [("prod", True), ("My Fleet 1", True), ("x" * 255, True), ("", False),
                                      ("a/b", False), ("tab\there", False), ("x" * 256, False), (None, False)])
def test_fleet_and_policy_names_checked_no_stricter_than_the_source(name, ok):
    assert (ucs.check_resource_name(name, "fleet") is None) == ok

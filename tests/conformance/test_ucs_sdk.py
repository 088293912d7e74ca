# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The official ``huaweicloudsdkucs`` SDK (AK/SK, ``GlobalCredentials``) against the emulator.

One scenario, in file order: versions and managed CCE clusters, permission policies, a fleet, an imported CCE
cluster and an attached cluster, membership, policy bindings, the one-shot agent manifests, federation with its
progress job, connection / cert / kubeconfig, then everything is taken down again. Every parsed response is
checked for the documented fields, every documented error for its status and error code, and the emulator's
request log for AK/SK signatures that were verified and accepted.

The SDK keeps only the scheme and host of an endpoint (``with_endpoints([ucs])`` drops the ``/ucs`` prefix), as
the real ``https://ucs.myhuaweicloud.com`` needs no prefix; the emulator serves UCS on un-prefixed paths too.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import json
import re
import uuid
from urllib.parse import urlsplit

import pytest
import requests

from huaweicloudsdkcore.auth.credentials import GlobalCredentials
from huaweicloudsdkcore.exceptions import exceptions as sdk_exceptions
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkcore.http.http_handler import HttpHandler
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer
from huaweicloudsdkucs.v1 import model as ucs_model
from huaweicloudsdkucs.v1.ucs_client import UcsClient

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SUFFIX = uuid.uuid4().hex[:6]
KUBECONFIG = json.dumps({
    "kind": "Config", "apiVersion": "v1",
    "clusters": [{"name": "c", "cluster": {"server": "https://192.0.2.10:6443", "certificate-authority-data": "Q0E="}}],
    "users": [{"name": "u", "user": {"token": "conformance-test-token"}}],
    "contexts": [{"name": "x", "context": {"cluster": "c", "user": "u"}}],
    "current-context": "x",
})
FEDERATION_BUDGET = 60.0


class SdkTrace:
    """Records what the SDK really sent (method, path, status, signature header) through its HttpHandler."""

    def __init__(self):
        self.calls = []

    def on_response(self, **kwargs):
        response = kwargs["response"]
        request = response.request
        self.calls.append({
            "method": request.method,
            "path": urlsplit(request.url).path,
            "status": response.status_code,
            "authorization": request.headers.get("Authorization", ""),
            "sdk_date": request.headers.get("X-Sdk-Date"),
            "domain_id": request.headers.get("X-Domain-Id"),
        })


@pytest.fixture(scope="module")
def trace():
    return SdkTrace()


@pytest.fixture(scope="module")
def module_mark(emulator):
    return emulator.log_mark()


@pytest.fixture(scope="module")
def client(emulator, trace, module_mark):
    # The defaults keep TLS verification on (ignore_ssl_verification=False); the endpoint's scheme decides http.
    config = HttpConfig.get_default_config()
    config.timeout = (5, 30)
    config.retry_times = 0
    assert config.ignore_ssl_verification is False
    handler = HttpHandler().add_response_handler(trace.on_response)
    credentials = GlobalCredentials(emulator["access_key"], emulator["secret_key"], emulator["domain_id"])
    built = (UcsClient.new_builder()
             .with_http_config(config)
             .with_credentials(credentials)
             .with_endpoints([emulator["ucs"]])
             .with_http_handler(handler)
             .build())
    assert module_mark >= 0  # the log mark is taken before the first SDK call
    return built


@pytest.fixture(scope="module")
def ctx():
    """State shared by the steps of the scenario (ids of what earlier steps created)."""
    return {}


def need(ctx, *keys):
    missing = [k for k in keys if k not in ctx]
    if missing:
        pytest.fail("an earlier step did not create %s" % ", ".join(missing))
    return [ctx[k] for k in keys]


# huaweicloudsdkucs 3.1.219 declares ``application/x-www-form-urlencoded`` for these four calls, so it would send
# their JSON model as ``metadata=name&spec=type`` (the nested values are lost); the API (source sections 3.1.3,
# 3.2.1, 3.2.3, 3.3.1) takes JSON. ``test_sdk_form_encoded_operations`` pins the defect; the calls below use the
# SDK's own invoker to send the documented Content-Type.
FORM_ENCODED_OPERATIONS = ("create_rule", "join_group", "register_cluster_group", "register_cluster")


def as_json(invoker):
    return invoker.add_header("Content-Type", "application/json").invoke()


# Where the emulator's JSON and the SDK's models differ and the source documents side with the emulator.
DOCUMENTED_DRIFT = {
    # source 3.2.13 example: sub-jobs carry an "extendParam" object (table 3-217 says "extendparam" String)
    ".spec.subJobs[].spec.extendParam": "unknown",
    # source 3.2.14 / 3.2.16 kubeconfig examples carry users[].user.LocationOfOrigin
    ".users[].user.LocationOfOrigin": "unknown",
    # source tables 3-13 / 3-36 / 3-110: NodeSummary totalNum / readyNum are Strings (the SDK says int)
    ".status.nodeSummary.totalNum": "type",
    ".status.nodeSummary.readyNum": "type",
    # a fleet's bindings: table 3-155 and the SDK say "Array of strings"; the live API, as Huawei's Terraform provider
    # reads it, answers [{rules: [{ruleID, ruleName}], namespaces}] (the emulator's default; the table's reading is the
    # switch ucs_fleet_rule_namespaces_strings, checked below)
    "ClusterGroup.spec.ruleNamespaces[]": "type",
}
PRIMITIVES = {"str": str, "int": int, "bool": bool, "float": (int, float)}


def drift(raw, type_name, path=""):
    """(path, kind) for every JSON key the SDK model does not know and every value of the wrong JSON type.

    Spelling drift (``projectId`` for ``projectID``...) makes the SDK silently drop a field; this finds it.
    """
    found = []
    if raw is None:
        return found
    match = re.match(r"^list\[(.*)\]$", type_name)
    if match:
        if not isinstance(raw, list):
            return [(path, "type")]
        for item in raw:
            found += drift(item, match.group(1), path + "[]")
        return found
    if type_name in PRIMITIVES:
        if not isinstance(raw, PRIMITIVES[type_name]) or (type_name == "int" and isinstance(raw, bool)):
            found.append((path, "type"))
        return found
    klass = getattr(ucs_model, type_name, None)
    if klass is None or not klass.openapi_types:
        return found  # object, dict(str, str), datetime: anything goes
    if not isinstance(raw, dict):
        return [(path, "type")]
    by_json = dict((json_key, attr) for attr, json_key in klass.attribute_map.items())
    for key, value in raw.items():
        attr = by_json.get(key)
        if attr is None:
            found.append((path + "." + key, "unknown"))
        else:
            found += drift(value, klass.openapi_types[attr], path + "." + key)
    return found


def documented(type_name, path, kind, suffix, documented_kind):
    """Whether a drift (path, kind) of a ``type_name`` answer is documented; a ``Type.`` prefix narrows an entry to
    answers about that kind of object (``ClusterGroup`` covers ShowClusterGroupResponse and ListClusterGroup...)."""
    scope, dot, rest = suffix.partition(".")
    if dot and scope and scope[0].isupper():
        return scope in type_name and path.endswith("." + rest) and kind == documented_kind
    return path.endswith(suffix) and kind == documented_kind


def assert_fully_parsed(resp, type_name):
    """Every field of the raw answer reaches the SDK's model, apart from the documented drift."""
    problems = [(p, k) for p, k in drift(json.loads(resp.raw_content), type_name)
                if not any(documented(type_name, p, k, suffix, kind) for suffix, kind in DOCUMENTED_DRIFT.items())]
    assert not problems, "fields the SDK cannot parse: %s" % problems


def assert_text(resp, status, text):
    """A plain-text success body, as the source's response examples show it."""
    assert resp.status_code == status
    assert resp.raw_content.decode("utf-8").strip() == text


def expect_error(call, status, codes=None):
    """Run ``call`` and return the SDK exception, asserting the documented HTTP status and error code."""
    with pytest.raises(sdk_exceptions.ServiceResponseException) as info:
        call()
    err = info.value
    assert err.status_code == status, "expected HTTP %s, got %s (%s %s)" % (
        status, err.status_code, err.error_code, err.error_msg)
    if codes is not None:
        codes = (codes,) if isinstance(codes, str) else tuple(codes)
        assert err.error_code in codes, "expected error code %s, got %s: %s" % (codes, err.error_code, err.error_msg)
    return err


def rule_by_name(client, name):
    listed = client.list_rule(ucs_model.ListRuleRequest(limit=100, offset=0))
    return next((r for r in listed.items or [] if r.metadata.name == name), None)


def assert_cluster_object(obj, name, category):
    assert obj.kind == "Cluster"
    assert obj.api_version == "v1"
    assert obj.metadata.name == name
    assert UUID_RE.match(obj.metadata.uid)
    assert obj.metadata.creation_timestamp
    assert obj.spec.category == category
    assert obj.spec.type and obj.spec.provider
    assert obj.spec.manage_type in ("grouped", "discrete")
    assert obj.status is not None and obj.status.phase


# --------------------------------------------------------------------------------------------------------------
# read-only catalogue calls


def test_registered_cluster_versions(client):
    resp = client.list_registered_cluster_versions(ucs_model.ListRegisteredClusterVersionsRequest())
    assert resp.status_code == 200
    assert resp.versions, "versions list is empty"
    assert all(re.match(r"^v\d+\.\d+$", v) for v in resp.versions), resp.versions


def test_managed_cce_clusters(client, ctx):
    resp = client.list_managed_clusters(ucs_model.ListManagedClustersRequest(unimported=True))
    assert resp.status_code == 200
    assert_fully_parsed(resp, "list[Cluster]")
    assert isinstance(resp.body, list) and resp.body, "the emulator seeds no importable CCE cluster"
    cce = resp.body[0]
    assert isinstance(cce, ucs_model.Cluster)
    assert cce.kind == "Cluster" and cce.api_version == "v1"
    assert cce.metadata.name and UUID_RE.match(cce.metadata.uid)
    assert cce.spec.category == "self"
    assert cce.spec.type in ("cce", "turbo")
    assert cce.spec.provider == "huaweicloud"
    assert cce.spec.region
    assert cce.spec.project_id
    assert cce.status.kubernetes_version
    ctx["cce"] = cce


def test_sdk_form_encoded_operations():
    """Pin the SDK defect worked around by ``as_json``: when an SDK release fixes it, drop the workaround."""
    probes = {
        "create_rule": ucs_model.CreateRuleRequest(),
        "join_group": ucs_model.JoinGroupRequest(clusterid="x"),
        "register_cluster_group": ucs_model.RegisterClusterGroupRequest(),
        "register_cluster": ucs_model.RegisterClusterRequest(),
    }
    declared = {}
    for name in FORM_ENCODED_OPERATIONS:
        # pylint: disable-next=protected-access
        info = getattr(UcsClient, "_%s_http_info" % name)(probes[name])
        declared[name] = info["header_params"]["Content-Type"]
    assert declared == dict((name, "application/x-www-form-urlencoded") for name in FORM_ENCODED_OPERATIONS)


# --------------------------------------------------------------------------------------------------------------
# permission policies


def test_policy_create_list(client, ctx):
    name = "conf-policy-%s" % SUFFIX
    body = ucs_model.CreateRuleRequestBody(
        metadata=ucs_model.CreateRuleObjectMeta(name=name),
        spec=ucs_model.RuleSpec(iam_user_i_ds=["0f4d1a5e6c2b4a3f9e8d7c6b5a4f3e2d"], type="custom",
                                contents=[ucs_model.Content(verbs=["get", "list"], resources=["deployments"])],
                                description="conformance policy"))
    created = as_json(client.create_rule_invoker(ucs_model.CreateRuleRequest(body=body)))
    assert created.status_code == 201
    assert created.uid
    ctx["rule"] = created.uid
    ctx["rule_name"] = name

    listed = client.list_rule(ucs_model.ListRuleRequest(limit=100, offset=0))
    assert listed.status_code == 200
    assert_fully_parsed(listed, "ListRuleResponse")
    assert listed.total is not None and listed.total >= 1
    found = [r for r in listed.items if r.metadata.uid == created.uid]
    assert len(found) == 1
    rule = found[0]
    assert rule.metadata.name == name
    assert rule.spec.type == "custom"
    assert rule.spec.iam_user_i_ds == ["0f4d1a5e6c2b4a3f9e8d7c6b5a4f3e2d"]
    assert rule.spec.description == "conformance policy"
    assert [(c.verbs, c.resources) for c in rule.spec.contents] == [(["get", "list"], ["deployments"])]


def test_policy_update(client, ctx):
    rule_id, name = need(ctx, "rule", "rule_name")
    body = ucs_model.UpdateRuleRequestBody(spec=ucs_model.RuleSpec(type="readonly", description="updated"))
    resp = client.update_rule(ucs_model.UpdateRuleRequest(ruleid=rule_id, body=body))
    assert_text(resp, 200, "update completed successfully")
    rule = rule_by_name(client, name)
    assert rule is not None
    assert rule.spec.type == "readonly"
    assert rule.spec.description == "updated"


# --------------------------------------------------------------------------------------------------------------
# fleet


def test_fleet_create_and_name_taken(client, ctx):
    name = "conf-fleet-%s" % SUFFIX
    body = ucs_model.RegisterClusterGroup(
        metadata=ucs_model.RegisterClusterGroupObjectMeta(name=name),
        spec=ucs_model.RegisterClusterGroupSpec(description="conformance fleet"))
    created = as_json(client.register_cluster_group_invoker(ucs_model.RegisterClusterGroupRequest(body=body)))
    assert created.status_code == 201
    assert created.uid
    ctx["fleet"] = created.uid
    ctx["fleet_name"] = name

    again = ucs_model.RegisterClusterGroupRequest(body=body)
    expect_error(lambda: as_json(client.register_cluster_group_invoker(again)), 409, "UCS.01100004")


def test_fleet_get_list(client, ctx):
    fleet, name = need(ctx, "fleet", "fleet_name")
    got = client.show_cluster_group(ucs_model.ShowClusterGroupRequest(clustergroupid=fleet))
    assert got.status_code == 200
    assert_fully_parsed(got, "ShowClusterGroupResponse")
    assert got.metadata.uid == fleet
    assert got.metadata.name == name
    assert got.metadata.creation_timestamp
    assert got.spec.description == "conformance fleet"

    listed = client.list_cluster_group(ucs_model.ListClusterGroupRequest(limit=50, offset=0))
    assert listed.status_code == 200
    assert_fully_parsed(listed, "ListClusterGroupResponse")
    assert listed.total is not None and listed.total >= 1
    assert [g.metadata.name for g in listed.items if g.metadata.uid == fleet] == [name]


def test_fleet_not_found(client):
    missing = str(uuid.uuid4())
    expect_error(lambda: client.show_cluster_group(ucs_model.ShowClusterGroupRequest(clustergroupid=missing)),
                 404, ("UCS.01100005", "UCS.01000013"))


def test_fleet_description(client, ctx):
    (fleet,) = need(ctx, "fleet")
    body = ucs_model.UpdateClusterGroupDescriptionRequest(description="described again")
    resp = client.update_cluster_group(ucs_model.UpdateClusterGroupRequest(clustergroupid=fleet, body=body))
    assert_text(resp, 200, "update success")
    got = client.show_cluster_group(ucs_model.ShowClusterGroupRequest(clustergroupid=fleet))
    assert got.spec.description == "described again"


def test_fleet_associated_rules(client, ctx):
    fleet, rule = need(ctx, "fleet", "rule")
    body = ucs_model.UpdateAssociatedRulesRequest(rule_id_namespaces=[
        ucs_model.RuleIDNamespaces(rule_i_ds=[rule], namespaces=["default", "apps"])])
    resp = client.update_cluster_group_associated_rules(
        ucs_model.UpdateClusterGroupAssociatedRulesRequest(clustergroupid=fleet, body=body))
    assert_text(resp, 200, "update success")
    got = client.show_cluster_group(ucs_model.ShowClusterGroupRequest(clustergroupid=fleet))
    assert "Policy" in [c.type for c in got.status.conditions or []]
    assert got.spec.rule_namespaces


def test_fleet_rule_namespaces_in_both_readings(client, ctx, emulator):
    fleet, rule = need(ctx, "fleet", "rule")
    # default: the bindings with their policy ids, as the Terraform provider reads them
    got = client.show_cluster_group(ucs_model.ShowClusterGroupRequest(clustergroupid=fleet))
    assert_fully_parsed(got, "ShowClusterGroupResponse")
    raw = json.loads(got.raw_content)["spec"]["ruleNamespaces"]
    assert [r["ruleID"] for b in raw for r in b["rules"]] == [rule]
    assert sorted(raw[0]["namespaces"]) == ["apps", "default"]
    # the table's reading (3-155, and the SDK's list[str]): namespace names only, which the SDK parses exactly
    emulator.hook("PUT", "config", json={"readings": {"ucs_fleet_rule_namespaces_strings": True}})
    try:
        got = client.show_cluster_group(ucs_model.ShowClusterGroupRequest(clustergroupid=fleet))
        assert not drift(json.loads(got.raw_content), "ShowClusterGroupResponse")
        assert sorted(got.spec.rule_namespaces) == ["apps", "default"]
    finally:
        emulator.hook("PUT", "config", json={"readings": {"ucs_fleet_rule_namespaces_strings": False}})


# --------------------------------------------------------------------------------------------------------------
# clusters


def test_register_cce_import(client, ctx):
    (cce,) = need(ctx, "cce")
    body = ucs_model.RegisterCluster(
        kind="Cluster", api_version="v1",
        metadata=ucs_model.RegisterClusterMetadata(name=cce.metadata.name, uid=cce.metadata.uid),
        spec=ucs_model.RegisterClusterSpec(category="self", type=cce.spec.type, provider="huaweicloud",
                                           country="CN", city="110000", region=cce.spec.region,
                                           project_id=cce.spec.project_id, manage_type="discrete"))
    created = as_json(client.register_cluster_invoker(ucs_model.RegisterClusterRequest(body=body)))
    assert created.status_code == 201
    assert created.uid == cce.metadata.uid
    ctx["cce_id"] = created.uid

    still_unimported = client.list_managed_clusters(ucs_model.ListManagedClustersRequest(unimported=True))
    assert cce.metadata.uid not in [c.metadata.uid for c in still_unimported.body or []]


def test_register_attached(client, ctx):
    name = "conf-attached-%s" % SUFFIX
    body = ucs_model.RegisterCluster(
        kind="Cluster", api_version="v1",
        metadata=ucs_model.RegisterClusterMetadata(name=name, labels={"env": "conformance"},
                                                   annotations={"kubeconfig": KUBECONFIG}),
        spec=ucs_model.RegisterClusterSpec(category="attachedcluster", type="privatek8s", provider="privatek8s",
                                           country="CN", city="110000", manage_type="discrete"))
    created = as_json(client.register_cluster_invoker(ucs_model.RegisterClusterRequest(body=body)))
    assert created.status_code == 201
    assert UUID_RE.match(created.uid)
    ctx["attached"] = created.uid
    ctx["attached_name"] = name

    again = ucs_model.RegisterClusterRequest(body=body)
    expect_error(lambda: as_json(client.register_cluster_invoker(again)), 409, "UCS.01030003")


def test_register_rejects_bad_category_combination(client):
    body = ucs_model.RegisterCluster(
        kind="Cluster", api_version="v1",
        metadata=ucs_model.RegisterClusterMetadata(name="conf-bad-%s" % SUFFIX, annotations={"kubeconfig": KUBECONFIG}),
        spec=ucs_model.RegisterClusterSpec(category="attachedcluster", type="eks", provider="aliyun",
                                           country="CN", city="110000", manage_type="discrete"))
    expect_error(lambda: as_json(client.register_cluster_invoker(ucs_model.RegisterClusterRequest(body=body))), 400)


def test_cluster_get_list(client, ctx):
    attached, name, cce_id = need(ctx, "attached", "attached_name", "cce_id")
    got = client.show_cluster(ucs_model.ShowClusterRequest(clusterid=attached))
    assert got.status_code == 200
    assert_fully_parsed(got, "ShowClusterResponse")
    assert_cluster_object(got, name, "attachedcluster")
    assert got.metadata.uid == attached
    assert got.metadata.labels == {"env": "conformance"}
    assert got.spec.type == "privatek8s" and got.spec.provider == "privatek8s"
    assert got.spec.country == "CN" and got.spec.city == "110000"

    listed = client.show_cluster_list(ucs_model.ShowClusterListRequest(limit=-1))
    assert listed.status_code == 200
    assert_fully_parsed(listed, "ShowClusterListResponse")
    assert listed.total is not None and listed.total >= 2
    ids = {c.metadata.uid for c in listed.items}
    assert {attached, cce_id} <= ids

    only = client.show_cluster_list(ucs_model.ShowClusterListRequest(category="attachedcluster"))
    assert attached in {c.metadata.uid for c in only.items}
    assert all(c.spec.category == "attachedcluster" for c in only.items)

    by_id = client.show_cluster_list(ucs_model.ShowClusterListRequest(clusterids=cce_id))
    assert [c.metadata.uid for c in by_id.items] == [cce_id]
    assert_cluster_object(by_id.items[0], by_id.items[0].metadata.name, "self")


def test_cluster_not_found(client):
    missing = str(uuid.uuid4())
    expect_error(lambda: client.show_cluster(ucs_model.ShowClusterRequest(clusterid=missing)),
                 404, ("UCS.01030001", "UCS.01000013"))


def test_cluster_update_city(client, ctx):
    (attached,) = need(ctx, "attached")
    body = ucs_model.UpdateClusterRequestBody(kind="Cluster", api_version="v1",
                                              spec=ucs_model.UpdateClusterSpec(country="CN", city="310000"))
    resp = client.update_cluster(ucs_model.UpdateClusterRequest(clusterid=attached, body=body))
    assert_text(resp, 200, "update success")
    got = client.show_cluster(ucs_model.ShowClusterRequest(clusterid=attached))
    assert got.spec.city == "310000"


def test_cluster_join_and_fleet_add(client, ctx):
    attached, cce_id, fleet = need(ctx, "attached", "cce_id", "fleet")
    join = ucs_model.JoinGroupRequest(clusterid=attached,
                                      body=ucs_model.ClusterJoinGroupRequestBody(cluster_group_id=fleet))
    assert_text(as_json(client.join_group_invoker(join)), 200, "update success")
    got = client.show_cluster(ucs_model.ShowClusterRequest(clusterid=attached))
    assert got.spec.cluster_group_id == fleet

    add = ucs_model.UpdateClusterGroupAssociatedClustersRequest(
        clustergroupid=fleet,
        body=ucs_model.UpdateClusterGroupAssociatedClustersRequestBody(cluster_ids=[attached, cce_id]))
    assert_text(client.update_cluster_group_associated_clusters(add), 200, "update success")
    members = client.show_cluster_list(ucs_model.ShowClusterListRequest(clustergroupid=fleet))
    assert {c.metadata.uid for c in members.items} == {attached, cce_id}


def test_cluster_associated_rules(client, ctx):
    attached, rule = need(ctx, "attached", "rule")
    body = ucs_model.UpdateAssociatedRulesRequest(rule_id_namespaces=[
        ucs_model.RuleIDNamespaces(rule_i_ds=[rule], namespaces=["default"])])
    resp = client.update_cluster_rules(ucs_model.UpdateClusterRulesRequest(clusterid=attached, body=body))
    assert_text(resp, 200, "update success")
    got = client.show_cluster(ucs_model.ShowClusterRequest(clusterid=attached))
    assert_fully_parsed(got, "ShowClusterResponse")
    bindings = got.spec.rule_namespaces or []
    assert [[r.rule_id for r in b.rules] for b in bindings] == [[rule]]
    assert bindings[0].namespaces == ["default"]


def test_cluster_activation(client, ctx):
    (attached,) = need(ctx, "attached")
    resp = client.retry_cluster_activation(ucs_model.RetryClusterActivationRequest(clusterid=attached))
    assert_text(resp, 200, "update success")


def test_access_info_one_shot(client, ctx):
    attached, cce_id = need(ctx, "attached", "cce_id")
    first = client.show_cluster_access_info(ucs_model.ShowClusterAccessInfoRequest(clusterid=attached))
    assert first.status_code == 200
    assert isinstance(first.body, list) and len(first.body) == 2
    manifests = json.loads(first.raw_content)
    assert [(m["kind"], m["metadata"]["name"], m["metadata"]["namespace"]) for m in manifests] == [
        ("Deployment", "proxy-agent", "kube-system"), ("Secret", "proxy-agent-cert", "kube-system")]
    assert set(manifests[1]["data"]) >= {"ca.crt", "proxy-agent.crt", "proxy-agent.key"}

    got = client.show_cluster(ucs_model.ShowClusterRequest(clusterid=attached))
    assert got.spec.is_downloaded_cert is True

    # The certificate downloads once: a later call must not hand out the key again and answers "已下载"
    # (whether as the documented 200 or as an error is pinned by test_access_info_second_call_per_source).
    try:
        second = client.show_cluster_access_info(ucs_model.ShowClusterAccessInfoRequest(clusterid=attached))
    except sdk_exceptions.ClientRequestException as err:
        ctx["access_info_second"] = (err.status_code, err.error_msg)
    else:
        ctx["access_info_second"] = (second.status_code, second.raw_content.decode("utf-8"))
    assert "已下载" in ctx["access_info_second"][1]
    assert "proxy-agent.key" not in ctx["access_info_second"][1]

    expect_error(lambda: client.show_cluster_access_info(ucs_model.ShowClusterAccessInfoRequest(clusterid=cce_id)),
                 400)


def test_access_info_second_call_per_source(ctx):
    status, text = need(ctx, "access_info_second")[0]
    assert status == 200
    assert "已下载" in text


# --------------------------------------------------------------------------------------------------------------
# federation


def test_fleet_delete_refused_while_not_empty(client, ctx):
    (fleet,) = need(ctx, "fleet")
    expect_error(lambda: client.delete_cluster_group(ucs_model.DeleteClusterGroupRequest(clustergroupid=fleet)), 400)
    assert client.show_cluster_group(ucs_model.ShowClusterGroupRequest(clustergroupid=fleet)).metadata.uid == fleet


def test_federation_disable_when_off(client, ctx):
    (fleet,) = need(ctx, "fleet")
    expect_error(lambda: client.disable_federation(ucs_model.DisableFederationRequest(clustergroupid=fleet)),
                 400, "UCS.01080006")


def test_federation_enable_and_progress(client, ctx, poll):
    (fleet,) = need(ctx, "fleet")
    resp = client.enable_federation(ucs_model.EnableFederationRequest(clustergroupid=fleet, retryjoinall=False))
    assert_text(resp, 201, "federation is being successfully provisioned")

    expect_error(lambda: client.enable_federation(ucs_model.EnableFederationRequest(clustergroupid=fleet)),
                 400, "UCS.01080002")

    seen = []

    def finished():
        job = client.show_federation_progress(ucs_model.ShowFederationProgressRequest(clustergroupid=fleet))
        seen.append(job)
        return job if job.status and job.status.phase in ("Success", "Failed") else None

    job = poll(finished, FEDERATION_BUDGET, interval=0.2, max_interval=1.0)
    assert job, "federation progress did not finish within %ss: %s" % (FEDERATION_BUDGET, seen[-1] if seen else None)
    assert job.status.phase == "Success"
    assert_fully_parsed(job, "ShowFederationProgressResponse")
    assert job.kind == "Job"
    assert job.metadata.uid
    assert job.spec.type == "CreateFederationContainer"
    assert job.spec.federation_uid
    assert job.status.start_time and job.status.completion_time
    subtypes = [j.spec.type for j in job.spec.sub_jobs or []]
    assert {"InstallFederationChart", "CreateNetworkResource", "CreateCert", "CreateNode"} <= set(subtypes)
    assert all(j.status.phase == "Success" for j in job.spec.sub_jobs)

    got = client.show_cluster_group(ucs_model.ShowClusterGroupRequest(clustergroupid=fleet))
    assert got.spec.federation_id == job.spec.federation_uid
    ctx["federated"] = True


def test_fleet_associated_zones(client, ctx):
    # dnsSuffix belongs to the federation: "visible once federation is enabled" (source 3.2.5)
    fleet = need(ctx, "fleet", "federated")[0]
    body = ucs_model.UpdateAssociatedZonesRequest(dns_suffix=["svc.conf.example", "conf.example"])
    resp = client.update_cluster_group_associated_zones(
        ucs_model.UpdateClusterGroupAssociatedZonesRequest(clustergroupid=fleet, body=body))
    assert_text(resp, 200, "update success")
    got = client.show_cluster_group(ucs_model.ShowClusterGroupRequest(clustergroupid=fleet))
    assert sorted(got.spec.dns_suffix or []) == ["conf.example", "svc.conf.example"]


def assert_kubeconfig(resp, type_name):
    assert resp.status_code == 201
    assert_fully_parsed(resp, type_name)
    assert resp.kind == "Config"
    assert resp.api_version == "v1"
    assert resp.clusters and resp.clusters[0].name and resp.clusters[0].cluster.server
    assert resp.users and resp.users[0].name
    assert resp.contexts and resp.contexts[0].context.cluster == resp.clusters[0].name
    assert resp.current_context in [c.name for c in resp.contexts]


def test_federation_connection_kubeconfig_cert(client, ctx, emulator):
    fleet = need(ctx, "fleet", "federated")[0]
    vpc, subnet = str(uuid.uuid4()), str(uuid.uuid4())
    conn = client.create_federation_connection(ucs_model.CreateFederationConnectionRequest(
        clustergroupid=fleet, body=ucs_model.CreateFederationConnectionRequestBody(
            project_id=emulator["project_id"], vpc_id=vpc, subnet_id=subnet)))
    assert conn.status_code == 201
    assert conn.id

    kube = client.download_federation_kubeconfig(ucs_model.DownloadFederationKubeconfigRequest(
        clustergroupid=fleet, body=ucs_model.DownloadFederationKubeconfigRequestBody(duration=7)))
    assert_kubeconfig(kube, "DownloadFederationKubeconfigResponse")

    cert = client.create_federation_cert(ucs_model.CreateFederationCertRequest(
        clustergroupid=fleet, body=ucs_model.CreateFederationCertRequestBody(
            project_id=emulator["project_id"], vpc_id=vpc, subnet_id=subnet, duration=30)))
    assert_kubeconfig(cert, "CreateFederationCertResponse")


def test_federation_disable(client, ctx):
    fleet = need(ctx, "fleet", "federated")[0]
    resp = client.disable_federation(ucs_model.DisableFederationRequest(clustergroupid=fleet))
    assert resp.status_code == 200
    got = client.show_cluster_group(ucs_model.ShowClusterGroupRequest(clustergroupid=fleet))
    assert not got.spec.federation_id
    expect_error(lambda: client.disable_federation(ucs_model.DisableFederationRequest(clustergroupid=fleet)),
                 400, "UCS.01080006")


# --------------------------------------------------------------------------------------------------------------
# teardown through the API


def test_unjoin_and_delete_fleet(client, ctx):
    fleet, attached, cce_id = need(ctx, "fleet", "attached", "cce_id")
    for cluster in (attached, cce_id):
        assert_text(client.leave_group(ucs_model.LeaveGroupRequest(clusterid=cluster)), 200, "update success")
        assert not client.show_cluster(ucs_model.ShowClusterRequest(clusterid=cluster)).spec.cluster_group_id
    members = client.show_cluster_list(ucs_model.ShowClusterListRequest(clustergroupid=fleet))
    assert not members.items

    resp = client.delete_cluster_group(ucs_model.DeleteClusterGroupRequest(clustergroupid=fleet))
    assert resp.status_code == 200
    expect_error(lambda: client.show_cluster_group(ucs_model.ShowClusterGroupRequest(clustergroupid=fleet)), 404)


def test_unregister_clusters(client, ctx):
    attached, cce_id = need(ctx, "attached", "cce_id")
    for cluster in (attached, cce_id):
        assert client.delete_cluster(ucs_model.DeleteClusterRequest(clusterid=cluster)).status_code == 200
        expect_error(lambda c=cluster: client.show_cluster(ucs_model.ShowClusterRequest(clusterid=c)), 404)
    back = client.list_managed_clusters(ucs_model.ListManagedClustersRequest(unimported=True))
    assert cce_id in [c.metadata.uid for c in back.body or []]


def test_policy_delete(client, ctx):
    rule, name = need(ctx, "rule", "rule_name")
    resp = client.delete_rule(ucs_model.DeleteRuleRequest(ruleid=rule))
    assert resp.status_code == 200
    assert rule_by_name(client, name) is None


# --------------------------------------------------------------------------------------------------------------
# signatures


def test_sdk_calls_were_signed_and_verified(emulator, trace, module_mark):
    """Every request the SDK sent carried an SDK-HMAC-SHA256 signature that the emulator verified."""
    assert len(trace.calls) >= 40, "the scenario above should have sent dozens of SDK calls"
    for call in trace.calls:
        assert call["authorization"].startswith("SDK-HMAC-SHA256 Access=%s," % emulator["access_key"])
        assert call["sdk_date"] and call["domain_id"] == emulator["domain_id"]
        assert call["status"] != 401, call

    logged = [e for e in emulator.requests_since(module_mark) if not e["path"].startswith("/_emulator")]
    sdk_view = [(c["method"], c["path"], c["status"]) for c in trace.calls]
    log_view = [(e["method"], e["path"], e["status"]) for e in logged]
    assert log_view == sdk_view, "the request log and what the SDK saw differ"
    for entry in logged:
        assert entry["service"] == "ucs", entry
        assert entry["auth"] == "aksk", entry


def _signed(emulator, method, path, body=None, ak=None, sk=None, sdk_date=None):
    """Sign a request with the official signer; return (url, headers, body bytes) to send with ``requests``."""
    base = urlsplit(emulator["ucs"])
    credentials = GlobalCredentials(ak or emulator["access_key"], sk or emulator["secret_key"], emulator["domain_id"])
    headers = {"Content-Type": "application/json", "X-Domain-Id": emulator["domain_id"]}
    if sdk_date:
        headers["X-Sdk-Date"] = sdk_date  # the signer signs a preset date as it is
    request = SdkRequest(method=method, schema=base.scheme, host=base.netloc, resource_path=path,
                         query_params=[], header_params=headers,
                         body=json.dumps(body) if body is not None else "")
    Signer(credentials).sign(request)
    return request.url, dict(request.header_params), request.body


def test_tampered_signature_is_rejected(emulator):
    ucs_path = urlsplit(emulator["ucs"]).path.rstrip("/")
    path = ucs_path + "/v1/permissions/rules"
    session = requests.Session()
    mark = emulator.log_mark()

    def send(method, url, headers, data):
        return session.request(method, url, headers=headers, data=data, timeout=10)

    # control: the untouched signed request is accepted, so the rejections below are about the tampering
    good_body = {"metadata": {"name": "conf-signed-%s" % SUFFIX}, "spec": {"type": "readonly"}}
    url, headers, data = _signed(emulator, "POST", path, good_body)
    ok = send("POST", url, headers, data)
    assert ok.status_code == 201, ok.text
    created_uid = ok.json()["uid"]

    statuses = {}
    # 1. body altered after signing
    url, headers, data = _signed(emulator, "POST", path, {"metadata": {"name": "conf-signed-a-%s" % SUFFIX}})
    statuses["body"] = send("POST", url, headers, json.dumps({"metadata": {"name": "conf-signed-b-%s" % SUFFIX}}))
    # 2. a signed header altered after signing
    url, headers, data = _signed(emulator, "GET", path)
    headers["X-Domain-Id"] = headers["X-Domain-Id"][:-1] + ("0" if headers["X-Domain-Id"][-1] != "0" else "1")
    statuses["header"] = send("GET", url, headers, data)
    # 3. the path altered after signing
    url, headers, data = _signed(emulator, "GET", path)
    statuses["path"] = send("GET", url + "?limit=1", headers, data)
    # 4. the signature itself altered
    url, headers, data = _signed(emulator, "GET", path)
    sig = headers["Authorization"]
    headers["Authorization"] = sig[:-1] + ("0" if sig[-1] != "0" else "1")
    statuses["signature"] = send("GET", url, headers, data)
    # 5. a wrong secret key and 6. an unknown access key
    url, headers, data = _signed(emulator, "GET", path, sk=emulator["secret_key"] + "x")
    statuses["secret"] = send("GET", url, headers, data)
    url, headers, data = _signed(emulator, "GET", path, ak="UNKNOWNACCESSKEY0000")
    statuses["access_key"] = send("GET", url, headers, data)
    # 7. a correct signature over an X-Sdk-Date 20 minutes old (the limit is 15)
    stale = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=20)).strftime("%Y%m%dT%H%M%SZ")
    url, headers, data = _signed(emulator, "GET", path, sdk_date=stale)
    assert headers["X-Sdk-Date"] == stale
    statuses["stale_date"] = send("GET", url, headers, data)

    assert {k: v.status_code for k, v in statuses.items()} == {k: 401 for k in statuses}

    logged = [e for e in emulator.requests_since(mark) if not e["path"].startswith("/_emulator")]
    assert [e["status"] for e in logged] == [201] + [401] * 7
    assert all(e["path"] == "/v1/permissions/rules" and e["auth"] == "aksk" for e in logged), logged

    # the tampered create changed nothing; clean up the control policy
    url, headers, data = _signed(emulator, "GET", path)
    listing = send("GET", url, headers, data).json()
    names = {r["metadata"]["name"] for r in listing["items"]}
    assert "conf-signed-a-%s" % SUFFIX not in names and "conf-signed-b-%s" % SUFFIX not in names
    url, headers, data = _signed(emulator, "DELETE", "%s/%s" % (path, created_uid))
    assert send("DELETE", url, headers, data).status_code == 200

# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credential sets, per-service precedence, endpoint derivation and id discovery."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.fleetops.cloud.plugins.module_utils.auth import Credentials, password_auth_body, scope_label
from ansible_collections.fleetops.cloud.plugins.module_utils.client import (
    CloudClient,
    default_endpoint,
    endpoint_from_catalog,
    normalize_endpoint,
)
from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ConfigurationError
from ansible_collections.fleetops.cloud.tests.unit.conftest import DOMAIN_ID, PROJECT_ID, reply

AKSK = dict(access_key="AK1", secret_key="SK1-secret")
USER = dict(user_name="alice", password="Corr3ct-Horse", domain_name="acme")


@pytest.mark.parametrize("params,fragment", [
    (dict(access_key="AK1"), "secret_key is missing"),
    (dict(secret_key="SK1"), "access_key is missing"),
    (dict(security_token="st"), "security_token needs access_key"),
    (dict(user_name="alice", domain_name="acme"), "password is missing"),
    (dict(password="pw-secret-1"), "user_name is missing"),
    (dict(user_name="alice", password="pw-secret-1"), "neither domain_name nor domain_id"),
    (dict(), "No credentials"),
    (dict(access_key="  ", secret_key=""), "No credentials"),
])
def test_incomplete_sets_fail_before_any_call(fake_cloud, params, fragment):
    params = dict(params, endpoints=dict(ucs=fake_cloud.base + "/ucs", iam=fake_cloud.base + "/iam"))
    client = CloudClient(params)  # constructing never raises
    with pytest.raises(ConfigurationError) as info:
        client.call("ucs", "GET", "/v1/clusters")
    assert fragment in str(info.value)
    assert "pw-secret-1" not in str(info.value)
    assert fake_cloud.requests == []


def test_all_problems_in_one_message():
    with pytest.raises(ConfigurationError) as info:
        Credentials(dict(access_key="AK", user_name="bob")).validate()
    text = str(info.value)
    assert "secret_key is missing" in text and "password is missing" in text and "domain" in text


@pytest.mark.parametrize("params,ucs,bce,orch", [
    (dict(AKSK, token="t", **USER), "aksk", "aksk", "token"),
    (dict(AKSK, **USER), "aksk", "aksk", "password"),
    (dict(token="t", **USER), "token", "token", "token"),
    (dict(USER), "password", "password", "password"),
    (dict(token="t"), "token", "token", "token"),
])
def test_precedence(params, ucs, bce, orch):
    client = CloudClient(params)
    assert (client.auth_method("ucs"), client.auth_method("bce"), client.auth_method("orchestration")) == (ucs, bce, orch)


def test_orchestration_refuses_aksk_only():
    with pytest.raises(ConfigurationError, match="cannot use access_key/secret_key"):
        CloudClient(dict(AKSK)).auth_method("orchestration")


def test_mixed_sets_each_service_uses_its_own(fake_cloud, tmp_path):
    """module_defaults with AK/SK for UCS and a Keystone user for orchestration."""
    fake_cloud.script("GET", "/ucs/v1/clusters", reply(200, {"items": []}))
    fake_cloud.script("GET", "/heat/v1/%s/stacks" % PROJECT_ID, reply(200, {"stacks": []}))
    params = dict(AKSK, domain_id="dom-given", region="cn-north-4", token_cache_dir=str(tmp_path / "tc"),
                  endpoints=dict(iam=fake_cloud.base + "/iam/v3", ucs=fake_cloud.base + "/ucs"), **USER)
    client = CloudClient(params)
    client.call("ucs", "GET", "/v1/clusters")
    client.call("orchestration", "GET", "/stacks")
    ucs_req = [r for r in fake_cloud.requests if r["path"] == "/ucs/v1/clusters"][0]
    heat_req = [r for r in fake_cloud.requests if r["path"].startswith("/heat/")][0]
    assert ucs_req["headers"]["Authorization"].startswith("SDK-HMAC-SHA256 Access=AK1,")
    assert ucs_req["headers"]["X-Domain-Id"] == "dom-given"
    assert "X-Auth-Token" not in ucs_req["headers"]
    assert heat_req["headers"]["X-Auth-Token"].startswith("tok-")
    assert "Authorization" not in heat_req["headers"]
    # the orchestration endpoint came from the catalog: public, matching region, tenant id filled in
    assert client.endpoint("orchestration") == "%s/heat/v1/%s" % (fake_cloud.base, PROJECT_ID)


def test_aksk_discovers_domain_id_once(fake_cloud):
    fake_cloud.script("GET", "/ucs/v1/clusters", reply(200, {"items": []}))
    client = CloudClient(dict(AKSK, endpoints=dict(iam=fake_cloud.base + "/iam", ucs=fake_cloud.base + "/ucs")))
    client.call("ucs", "GET", "/v1/clusters")
    client.call("ucs", "GET", "/v1/clusters")
    assert fake_cloud.count("GET", "/iam/v3/auth/domains") == 1
    discovery = [r for r in fake_cloud.requests if r["path"] == "/iam/v3/auth/domains"][0]
    assert discovery["headers"]["Authorization"].startswith("SDK-HMAC-SHA256 ")
    sent = [r["headers"]["X-Domain-Id"] for r in fake_cloud.requests if r["path"] == "/ucs/v1/clusters"]
    assert sent == [DOMAIN_ID, DOMAIN_ID]
    assert client.domain_id == DOMAIN_ID


def test_aksk_discovers_project_id_by_region(fake_cloud):
    fake_cloud.script("GET", "/bce/v1/%s/clusters" % PROJECT_ID, reply(200, {"clusters": []}))
    client = CloudClient(dict(AKSK, security_token="sts-9", region="cn-north-4",
                              endpoints=dict(iam=fake_cloud.base + "/iam", bce=fake_cloud.base + "/bce")))
    assert client.call("bce", "GET", "/v1/{project_id}/clusters").body == {"clusters": []}
    lookup = [r for r in fake_cloud.requests if r["path"] == "/iam/v3/projects"]
    assert len(lookup) == 1 and lookup[0]["query"] == "name=cn-north-4"
    bce = [r for r in fake_cloud.requests if r["path"].startswith("/bce/")][0]
    assert bce["headers"]["X-Project-Id"] == PROJECT_ID
    assert bce["headers"]["X-Security-Token"] == "sts-9"
    assert "X-Domain-Id" not in bce["headers"]
    assert client.project_id == PROJECT_ID


def test_unknown_project_name_fails_clearly(fake_cloud):
    endpoints = dict(iam=fake_cloud.base + "/iam", bce=fake_cloud.base + "/bce")
    client = CloudClient(dict(AKSK, project_name="nope", endpoints=endpoints))
    with pytest.raises(ConfigurationError, match="no project named nope"):
        client.call("bce", "GET", "/v1/{project_id}/clusters")


def test_project_id_option_wins(fake_cloud):
    fake_cloud.script("GET", "/bce/v1/p-opt/clusters", reply(200, {"clusters": []}))
    client = CloudClient(dict(AKSK, project_id="p-opt", endpoints=dict(bce=fake_cloud.base + "/bce")))
    client.call("bce", "GET", "/v1/{project_id}/clusters")
    assert [r["path"] for r in fake_cloud.requests] == ["/bce/v1/p-opt/clusters"]
    assert fake_cloud.requests[0]["headers"]["X-Project-Id"] == "p-opt"


def test_given_token_project_and_catalog(fake_cloud):
    fake_cloud.script("GET", "/heat/v1/%s/stacks" % PROJECT_ID, reply(200, {"stacks": []}))
    client = CloudClient(dict(token="given-token", region="cn-north-4", endpoints=dict(iam=fake_cloud.base + "/iam")))
    assert client.call("orchestration", "GET", "/stacks").body == {"stacks": []}
    assert client.project_id == PROJECT_ID
    assert fake_cloud.count("GET", "/iam/v3/auth/tokens") == 1
    assert fake_cloud.count("POST") == 0


def test_endpoint_defaults_from_region():
    assert default_endpoint("iam", "cn-north-4") == "https://iam.cn-north-4.myhuaweicloud.com/v3"
    assert default_endpoint("ucs", "cn-north-4") == "https://ucs.myhuaweicloud.com"
    assert default_endpoint("ucs", "ap-southeast-1") == "https://ucs-intl.myhuaweicloud.com"
    assert default_endpoint("bce", "cn-east-1") == "https://bce.cn-east-1.myhuaweicloud.com"
    with pytest.raises(ConfigurationError, match="region"):
        default_endpoint("bce", None)


def test_endpoint_overrides_and_env(monkeypatch):
    monkeypatch.setenv("HW_BCE_ENDPOINT", "http://127.0.0.1:9/bce/")
    monkeypatch.setenv("HW_UCS_ENDPOINT", "http://env-ucs.invalid")
    client = CloudClient(dict(token="t", region="cn-north-4", auth_url="http://127.0.0.1:9/iam",
                              endpoints=dict(ucs="http://127.0.0.1:9/ucs/", iam=None)))
    assert client.endpoint("ucs") == "http://127.0.0.1:9/ucs"  # option beats env
    assert client.endpoint("bce") == "http://127.0.0.1:9/bce"  # env per key
    assert client.endpoint("iam") == "http://127.0.0.1:9/iam/v3"  # auth_url, /v3 appended
    client = CloudClient(dict(token="t", region="cn-north-4", auth_url="http://a.invalid/v3",
                              endpoints=dict(iam="http://b.invalid/iam/v3")))
    assert client.endpoint("iam") == "http://b.invalid/iam/v3"


def test_endpoint_validation():
    assert normalize_endpoint("http://h/v3/", "iam") == "http://h/v3"
    assert normalize_endpoint("http://h", "iam") == "http://h/v3"
    with pytest.raises(ConfigurationError, match="not a URL"):
        normalize_endpoint("h:8080", "ucs")
    with pytest.raises(ConfigurationError, match="Unknown key"):
        CloudClient(dict(token="t", endpoints=dict(heat="http://h"))).endpoint("ucs")
    with pytest.raises(ConfigurationError, match="Unknown service"):
        CloudClient(dict(token="t")).call("ecs", "GET", "/")


def test_catalog_selection():
    catalog = [{"type": "orchestration", "endpoints": [
        {"interface": "admin", "region": "r1", "url": "http://admin/v1/%(tenant_id)s"},
        {"interface": "public", "region": "r2", "url": "http://r2/v1/$(tenant_id)s"},
        {"interface": "public", "region_id": "r1", "url": "http://r1/v1/%(tenant_id)s/"}]}]
    assert endpoint_from_catalog(catalog, "orchestration", "r1", "p") == "http://r1/v1/p"
    assert endpoint_from_catalog(catalog, "orchestration", "r2", "p") == "http://r2/v1/p"
    assert endpoint_from_catalog(catalog, "orchestration", None, "p") == "http://r2/v1/p"
    assert endpoint_from_catalog(catalog, "orchestration", "r9", "p") is None
    assert endpoint_from_catalog([], "orchestration") is None


def test_missing_catalog_entry_fails_clearly(fake_cloud):
    client = CloudClient(dict(token="given-token", region="nowhere", endpoints=dict(iam=fake_cloud.base + "/iam")))
    with pytest.raises(ConfigurationError, match="endpoints.orchestration"):
        client.call("orchestration", "GET", "/stacks")


def test_tls_settings_reach_the_session(tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    assert CloudClient(dict(token="t")).transport.verify is True
    assert CloudClient(dict(token="t", ca_path=str(bundle))).transport.verify == str(bundle)
    assert CloudClient(dict(token="t", validate_certs=False)).transport.verify is False
    with pytest.raises(ConfigurationError, match="ca_path"):
        CloudClient(dict(token="t", ca_path=str(tmp_path / "missing.pem"))).transport
    with pytest.raises(ConfigurationError, match="api_timeout"):
        CloudClient(dict(token="t", api_timeout="60")).transport


# -- the project a password token is scoped to ------------------------------------------------------------------
def _password_creds(**extra):
    values = dict(user_name="u", password="p", domain_name="d")
    values.update(extra)
    return Credentials(values)


def test_password_body_without_project_has_no_scope_so_keystone_uses_the_default_project():
    body = password_auth_body(_password_creds(), "project")
    assert "scope" not in body["auth"]
    assert scope_label(_password_creds(), "project") == "project-default"
    named = password_auth_body(_password_creds(), "project", project_name="tenant-a")
    assert named["auth"]["scope"] == {"project": {"name": "tenant-a", "domain": {"name": "d"}}}


def test_orchestration_never_takes_the_region_for_a_project_name():
    client = CloudClient(dict(user_name="u", password="p", domain_name="d", region="cn-north-4"))
    assert client._project_scope("orchestration") == (None, None)
    # Huawei IAM names a region's project after the region: BCE keeps that fallback.
    assert client._project_scope("bce") == (None, "cn-north-4")
    configured = CloudClient(dict(user_name="u", password="p", domain_name="d", region="cn-north-4",
                                  project_name="tenant-a"))
    assert configured._project_scope("orchestration") == (None, "tenant-a")

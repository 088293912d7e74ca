# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""IAM / Keystone v3 subset of the emulator."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import re

from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3 as ks_v3


def issue(api, body):
    return api.session.post(api.info["iam"] + "/auth/tokens", json=body, timeout=5)


def password_body(info, user=None, scope=None, password=None):
    user = user or {"name": info["user_name"], "domain": {"name": info["domain_name"]}}
    user = dict(user, password=password or info["password"])
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": user}}}}
    if scope is not None:
        body["auth"]["scope"] = scope
    return body


def test_domain_scoped_token(api):
    info = api.info
    resp = issue(api, password_body(info, scope={"domain": {"name": info["domain_name"]}}))
    assert resp.status_code == 201
    assert resp.headers["X-Subject-Token"]
    token = resp.json()["token"]
    assert token["domain"] == {"id": info["domain_id"], "name": info["domain_name"]}
    assert "project" not in token
    assert token["methods"] == ["password"]
    assert token["user"]["name"] == info["user_name"]
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000000Z$", token["expires_at"])
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000000Z$", token["issued_at"])
    issued = datetime.datetime.strptime(token["issued_at"], "%Y-%m-%dT%H:%M:%S.%fZ")
    expires = datetime.datetime.strptime(token["expires_at"], "%Y-%m-%dT%H:%M:%S.%fZ")
    assert (expires - issued).total_seconds() == 86400
    assert token["roles"]


def test_project_scoped_token_by_id_and_catalog(api):
    info = api.info
    resp = issue(api, password_body(info, scope={"project": {"id": info["project_id"]}}))
    assert resp.status_code == 201
    token = resp.json()["token"]
    assert token["project"]["id"] == info["project_id"]
    assert token["project"]["name"] == info["project_name"]
    assert token["project"]["domain"]["id"] == info["domain_id"]
    services = dict((entry["type"], entry) for entry in token["catalog"])
    orch = [e for e in services["orchestration"]["endpoints"] if e["interface"] == "public"]
    assert orch[0]["url"] == info["orchestration"]
    assert orch[0]["region_id"] == info["project_name"]
    identity = [e for e in services["identity"]["endpoints"] if e["interface"] == "public"]
    assert identity[0]["url"] == info["iam"]


def test_user_by_id_and_domain_by_id(api):
    info = api.info
    first = issue(api, password_body(info, scope={"domain": {"id": info["domain_id"]}})).json()["token"]
    user_id = first["user"]["id"]
    resp = issue(api, password_body(info, user={"id": user_id}, scope={"domain": {"id": info["domain_id"]}}))
    assert resp.status_code == 201
    resp = issue(api, password_body(info, user={"name": info["user_name"], "domain": {"id": info["domain_id"]}},
                                    scope={"project": {"name": info["project_name"], "domain": {"id": info["domain_id"]}}}))
    assert resp.status_code == 201


def test_wrong_password_and_unknown_names_are_keystone_401(api):
    info = api.info
    resp = issue(api, password_body(info, password="wrong", scope={"domain": {"name": info["domain_name"]}}))
    assert resp.status_code == 401
    error = resp.json()["error"]
    assert error["code"] == 401 and error["title"] == "Unauthorized" and error["message"]
    assert "X-Subject-Token" not in resp.headers
    assert issue(api, password_body(info, user={"name": "mallory", "domain": {"name": info["domain_name"]}})).status_code == 401
    assert issue(api, password_body(info, scope={"project": {"name": "cn-south-1",
                                                             "domain": {"name": info["domain_name"]}}})).status_code == 401
    assert issue(api, password_body(info, scope={"domain": {"name": "other"}})).status_code == 401
    bad = api.session.post(info["iam"] + "/auth/tokens", data=b"{not json", timeout=5)
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == 400
    assert issue(api, {"auth": {}}).status_code == 400


def test_version_discovery(api):
    resp = api.session.get(api.info["iam"], timeout=5)
    assert resp.status_code == 200
    version = resp.json()["version"]
    assert version["id"] == "v3.0" and version["status"] == "stable"
    assert version["links"][0]["href"].startswith(api.info["iam"])
    resp = api.session.get(api.base + "/iam/", timeout=5)
    assert resp.status_code == 300
    assert resp.json()["versions"]["values"][0]["id"] == "v3.0"


def test_validate_domains_and_projects(api):
    info = api.info
    token = api.token("domain")
    other = issue(api, password_body(info, scope={"project": {"id": info["project_id"]}})).headers["X-Subject-Token"]
    resp = api.call("GET", "iam", "/v3/auth/tokens", headers={"X-Subject-Token": other})
    assert resp.status_code == 200
    assert resp.json()["token"]["project"]["id"] == info["project_id"]
    assert resp.headers["X-Subject-Token"] == other
    assert api.call("GET", "iam", "/v3/auth/tokens", headers={"X-Subject-Token": "MIIFbogus"}).status_code == 404
    domains = api.call("GET", "iam", "/v3/auth/domains").json()["domains"]
    assert [(d["id"], d["name"]) for d in domains] == [(info["domain_id"], info["domain_name"])]
    projects = api.call("GET", "iam", "/v3/projects", params={"name": info["project_name"]}).json()["projects"]
    expected = [(info["project_id"], info["project_name"], info["domain_id"])]
    assert [(p["id"], p["name"], p["domain_id"]) for p in projects] == expected
    assert api.call("GET", "iam", "/v3/projects", params={"name": "nope"}).json()["projects"] == []
    assert len(api.call("GET", "iam", "/v3/auth/projects").json()["projects"]) == 1
    assert api.call("GET", "iam", "/v3/auth/domains", token="MIIFbogus").status_code == 401
    assert token


def test_token_issuing_is_not_a_write(api):
    api.token("domain")
    entry = api.requests_since(0)["requests"][0]
    assert entry["path"] == "/v3/auth/tokens" and entry["write"] is False


def test_keystoneauth_password_plugin(api):
    info = api.info
    auth = ks_v3.Password(auth_url=info["iam"], username=info["user_name"], password=info["password"],
                          user_domain_name=info["domain_name"], project_name=info["project_name"],
                          project_domain_name=info["domain_name"])
    sess = ks_session.Session(auth=auth)
    assert sess.get_token()
    endpoint = sess.get_endpoint(service_type="orchestration", interface="public")
    assert endpoint == info["orchestration"]
    assert sess.get_project_id() == info["project_id"]


def test_nocatalog(api):
    info = api.info
    resp = api.session.post(info["iam"] + "/auth/tokens", params={"nocatalog": "true"},
                            json=password_body(info, scope={"domain": {"name": info["domain_name"]}}), timeout=5)
    assert resp.status_code == 201
    assert "catalog" not in resp.json()["token"]

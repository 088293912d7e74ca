# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Emulator core: start-up contract, hooks, request log, persistence, auth enforcement, AK/SK."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import json
import os
import signal
import subprocess
import sys
import threading

import pytest
import requests

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

import aksk
import iam
import core

KEYS = {"iam", "ucs", "bce", "orchestration", "project_id", "project_name", "domain_id", "domain_name", "user_name",
        "password", "access_key", "secret_key"}
VECTORS = "/work/shared/api/aksk-vectors.json"
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
EMULATOR_DIR = os.path.join(ROOT, "tests", "emulator")


def official_sign(info, method, url_path, query=None, body=b"", headers=None, date=None, ak=None, sk=None):
    """Headers signed by the official huaweicloudsdkcore signer for a request to the emulator."""
    host = info["ucs"].split("/")[2]
    header_params = {"Content-Type": "application/json"}
    header_params.update(headers or {})
    if date:
        header_params["X-Sdk-Date"] = date
    req = SdkRequest(method=method, schema="http", host=host, resource_path=url_path, query_params=list(query or []),
                     header_params=header_params, body=body)
    signed = Signer(BasicCredentials(ak or info["access_key"], sk or info["secret_key"])).sign(req)
    return signed.header_params, signed.uri


# ----------------------------------------------------------------------------------------------- start-up


def test_startup_prints_exactly_one_json_line(start_emulator):
    # Start-up time is a figure for docs/emulator.md, not an assertion: a timed test fails on a loaded machine.
    proc = start_emulator("--port", "0")
    assert set(proc.info) == KEYS
    base = proc.base
    assert base.startswith("http://127.0.0.1:")
    assert proc.info["iam"] == base + "/iam/v3"
    assert proc.info["bce"] == base + "/bce"
    assert proc.info["orchestration"] == "%s/heat/v1/%s" % (base, proc.info["project_id"])
    assert proc.info["project_name"] == "cn-north-4"
    assert proc.info["user_name"] == "demo" and proc.info["domain_name"] == "demo-domain"
    resp = requests.get(base + "/_emulator/requests", timeout=5)
    assert resp.status_code == 200
    assert proc.stop() == 0
    # nothing else was printed on stdout (the stream is closed by stop(); read what was left before)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_startup_stdout_has_a_single_line_and_exits_cleanly_on_signals(signum):
    proc = subprocess.Popen([sys.executable, EMULATOR_DIR, "--port", "0"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        line = proc.stdout.readline()
        info = json.loads(line.decode("utf-8"))
        assert requests.get(info["iam"], timeout=5).status_code == 200
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=5)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0
    assert out == b""
    assert err == b""


def test_identity_flags_and_deterministic_ids(start_emulator):
    one = start_emulator("--port", "0", "--user-name", "alice", "--domain-name", "acme", "--project-name", "cn-east-3",
                         "--access-key", "AKALICE", "--secret-key", "SKALICE")
    two = start_emulator("--port", "0", "--user-name", "alice", "--domain-name", "acme", "--project-name", "cn-east-3")
    assert one.info["user_name"] == "alice" and one.info["domain_name"] == "acme"
    assert one.info["project_name"] == "cn-east-3"
    assert one.info["access_key"] == "AKALICE" and one.info["secret_key"] == "SKALICE"
    assert one.info["project_id"] == two.info["project_id"]
    assert one.info["domain_id"] == two.info["domain_id"]
    assert len(one.info["project_id"]) == 32


def test_host_other_than_loopback_is_refused():
    proc = subprocess.run([sys.executable, EMULATOR_DIR, "--host", "0.0.0.0", "--port", "0"], cwd=ROOT,
                          capture_output=True, timeout=10, check=False)
    assert proc.returncode == 2
    assert proc.stdout == b""
    assert b"127.0.0.1" in proc.stderr


def test_bad_fault_spec_is_refused_at_start():
    proc = subprocess.run([sys.executable, EMULATOR_DIR, "--port", "0", "--faults", "rate=2"], cwd=ROOT,
                          capture_output=True, timeout=10, check=False)
    assert proc.returncode == 2
    assert proc.stdout == b""


# ----------------------------------------------------------------------------------------------- hooks and log


def test_request_log_records_calls_and_since(api):
    api.token("domain")
    api.ucs("GET", "/v1/clusters", params={"limit": "5"})
    api.ucs("POST", "/v1/clustergroups", json={"metadata": {"name": "log-fleet"}})
    log = api.requests_since(0)
    assert [r["seq"] for r in log["requests"]] == [1, 2, 3]
    assert log["next"] == 3
    token_call, listing, create = log["requests"]
    assert token_call["service"] == "iam" and token_call["path"] == "/v3/auth/tokens"
    assert token_call["write"] is False and token_call["auth"] is None and token_call["status"] == 201
    assert listing == dict(listing, method="GET", service="ucs", path="/v1/clusters", query={"limit": ["5"]},
                           status=200, write=False, auth="token", fault=None)
    assert create["method"] == "POST" and create["write"] is True and create["status"] == 201
    assert set(create) == {"seq", "time", "method", "service", "path", "query", "status", "write", "auth", "fault",
                           "route", "raw_path"}
    # the route that answered (its pattern) and the path as it arrived, still percent-encoded
    assert create["route"] == "/v1/clustergroups" and create["raw_path"] == "/ucs/v1/clustergroups"
    later = api.requests_since(2)
    assert [r["seq"] for r in later["requests"]] == [3]
    # hooks are not logged
    assert api.requests_since(0)["next"] == 3
    assert api.hook("DELETE", "/requests").status_code == 200
    assert api.requests_since(0)["requests"] == []


def test_reset_drops_state_and_tokens(api):
    resp = api.ucs("POST", "/v1/clustergroups", json={"metadata": {"name": "to-reset"}})
    assert resp.status_code == 201
    old = api.token("domain")
    assert api.hook("POST", "/reset").status_code == 200
    assert api.hook("GET", "/state").json().get("ucs", {}).get("fleets", {}) == {}
    assert api.ucs("GET", "/v1/clustergroups", token=old).status_code == 401


def test_state_hook_redacts_secrets(api):
    kubeconfig = json.dumps({"kind": "Config", "apiVersion": "v1", "clusters": [
        {"name": "m", "cluster": {"server": "https://10.0.0.1:6443"}}], "users": [{"name": "u", "user": {"token": "s3cr3t"}}]})
    resp = api.ucs("POST", "/v1/clusters", json={
        "kind": "Cluster", "apiVersion": "v1", "metadata": {"name": "redact-me", "annotations": {"kubeconfig": kubeconfig}},
        "spec": {"category": "attachedcluster", "type": "privatek8s", "provider": "privatek8s", "country": "CN",
                 "city": "110000", "manageType": "discrete"}})
    assert resp.status_code == 201
    dump = json.dumps(api.hook("GET", "/state").json())
    assert "redact-me" in dump
    assert "s3cr3t" not in dump


def test_unknown_hook_and_unknown_route(api):
    assert api.hook("GET", "/nope").status_code == 404
    resp = api.ucs("GET", "/v1/nothing-here")
    assert resp.status_code == 404
    assert "error_code" in resp.json()


def test_config_hook_validates_and_changes_password(api):
    assert api.hook("PUT", "/config", json={"token_lifetime": "10"}).status_code == 400
    assert api.hook("PUT", "/config", json={"speed": 0}).status_code == 400
    assert api.hook("PUT", "/config", json={"password": "n3w-Passw0rd"}).status_code == 200
    old = api.session.post(api.info["iam"] + "/auth/tokens", json=api.token_body("domain"), timeout=5)
    assert old.status_code == 401
    new = api.session.post(api.info["iam"] + "/auth/tokens", json=api.token_body("domain", password="n3w-Passw0rd"),
                           timeout=5)
    assert new.status_code == 201
    assert "n3w-Passw0rd" not in json.dumps(api.hook("GET", "/config").json())


def test_state_file_round_trip(start_emulator, tmp_path):
    path = str(tmp_path / "state.json")
    first = start_emulator("--port", "0", "--state", path, "--speed", "50")
    api = first.api()
    token = api.token("domain")
    fleet = api.ucs("POST", "/v1/clustergroups", json={"metadata": {"name": "persisted"}, "spec": {"description": "kept"}})
    assert fleet.status_code == 201
    policy = api.ucs("POST", "/v1/permissions/rules", json={"metadata": {"name": "persisted-rule"},
                                                            "spec": {"type": "readonly"}})
    assert policy.status_code == 201
    assert os.path.exists(path)
    assert first.stop() == 0

    second = start_emulator("--port", "0", "--state", path, "--speed", "50")
    again = second.api()
    resp = again.ucs("GET", "/v1/clustergroups/" + fleet.json()["uid"], token=token)
    assert resp.status_code == 200, resp.text
    assert resp.json()["spec"]["description"] == "kept"
    names = [r["metadata"]["name"] for r in again.ucs("GET", "/v1/permissions/rules").json()["items"]]
    assert names == ["persisted-rule"]
    dup = again.ucs("POST", "/v1/clustergroups", json={"metadata": {"name": "persisted"}})
    assert dup.status_code == 409


# ----------------------------------------------------------------------------------------------- auth


def test_missing_and_unknown_token_are_401_in_service_format(api):
    resp = api.ucs("GET", "/v1/clusters", token=False)
    assert resp.status_code == 401
    assert resp.json()["error_code"] == "APIGW.0301"
    resp = api.ucs("GET", "/v1/clusters", token="MIIFnot-a-token")
    assert resp.status_code == 401
    assert resp.json()["error_code"] == "APIGW.0301"
    log = api.requests_since(0)["requests"]
    assert [r["status"] for r in log] == [401, 401]


def test_token_lifetime_and_expire_hook(api):
    token = api.token("domain")
    assert api.ucs("GET", "/v1/clusters").status_code == 200
    assert api.hook("POST", "/tokens/expire").json() == {"expired": 1}
    assert api.ucs("GET", "/v1/clusters", token=token).status_code == 401
    # a lifetime in the past-ish: tokens expire after token_lifetime seconds
    assert api.hook("PUT", "/config", json={"token_lifetime": 1}).status_code == 200
    resp = api.session.post(api.info["iam"] + "/auth/tokens", json=api.token_body("domain"), timeout=5)
    body = resp.json()["token"]
    issued = datetime.datetime.strptime(body["issued_at"], "%Y-%m-%dT%H:%M:%S.%fZ")
    expires = datetime.datetime.strptime(body["expires_at"], "%Y-%m-%dT%H:%M:%S.%fZ")
    assert (expires - issued).total_seconds() == 1
    short = resp.headers["X-Subject-Token"]
    threading.Event().wait(1.2)
    assert api.ucs("GET", "/v1/clusters", token=short).status_code == 401


def test_project_scoped_token_is_refused_by_the_global_service(api):
    resp = api.ucs("GET", "/v1/clusters", scope="project")
    assert resp.status_code == 403
    assert resp.json()["error_code"] == "APIGW.0302"


def test_aksk_official_signer_accepted(fresh):
    query = [("limit", 10), ("offset", 0)]
    headers, uri = official_sign(fresh, "GET", "/ucs/v1/clusters", query=query)
    resp = requests.get(base(fresh) + uri, headers=headers, timeout=5)
    assert resp.status_code == 200, resp.text
    body = json.dumps({"metadata": {"name": "signed-fleet"}}).encode()
    headers, uri = official_sign(fresh, "POST", "/ucs/v1/clustergroups", body=body)
    resp = requests.post(base(fresh) + uri, headers=headers, data=body, timeout=5)
    assert resp.status_code == 201, resp.text
    log = requests.get(base(fresh) + "/_emulator/requests", timeout=5).json()["requests"]
    assert [(r["auth"], r["status"]) for r in log] == [("aksk", 200), ("aksk", 201)]


def test_aksk_sdk_unprefixed_path_reaches_ucs(fresh):
    headers, uri = official_sign(fresh, "GET", "/v1/config/registeredclusterversions")
    resp = requests.get(base(fresh) + uri, headers=headers, timeout=5)
    assert resp.status_code == 200
    assert "v1.25" in resp.json()["versions"]


def test_aksk_tampered_unknown_and_skewed_are_401(fresh):
    body = json.dumps({"metadata": {"name": "tampered"}}).encode()
    headers, uri = official_sign(fresh, "POST", "/ucs/v1/clustergroups", body=body)
    resp = requests.post(base(fresh) + uri, headers=headers, data=body.replace(b"tampered", b"tampereD"), timeout=5)
    assert resp.status_code == 401
    assert resp.json()["error_code"] == "APIGW.0301"
    headers, uri = official_sign(fresh, "GET", "/ucs/v1/clusters", ak="AKUNKNOWN")
    assert requests.get(base(fresh) + uri, headers=headers, timeout=5).status_code == 401
    headers, uri = official_sign(fresh, "GET", "/ucs/v1/clusters", sk="wrong-secret")
    assert requests.get(base(fresh) + uri, headers=headers, timeout=5).status_code == 401
    skewed = (datetime.datetime.utcnow() - datetime.timedelta(minutes=16)).strftime("%Y%m%dT%H%M%SZ")
    headers, uri = official_sign(fresh, "GET", "/ucs/v1/clusters", date=skewed)
    resp = requests.get(base(fresh) + uri, headers=headers, timeout=5)
    assert resp.status_code == 401
    assert "15 minutes" in resp.json()["error_msg"]
    near = (datetime.datetime.utcnow() - datetime.timedelta(minutes=14)).strftime("%Y%m%dT%H%M%SZ")
    headers, uri = official_sign(fresh, "GET", "/ucs/v1/clusters", date=near)
    assert requests.get(base(fresh) + uri, headers=headers, timeout=5).status_code == 200
    # the signed query is part of the signature
    headers, uri = official_sign(fresh, "GET", "/ucs/v1/clusters", query=[("limit", 1)])
    assert requests.get(base(fresh) + uri.replace("limit=1", "limit=2"), headers=headers, timeout=5).status_code == 401
    log = requests.get(base(fresh) + "/_emulator/requests", timeout=5).json()["requests"]
    assert [r["status"] for r in log] == [401, 401, 401, 401, 200, 401]
    assert all(r["auth"] == "aksk" for r in log)
    state = requests.get(base(fresh) + "/_emulator/state", timeout=5).json()
    assert state.get("ucs", {}).get("fleets", {}) == {}


def test_aksk_vectors_verify():
    with open(VECTORS) as handle:
        vectors = json.load(handle)
    assert vectors["cases"]
    now = datetime.datetime.strptime(vectors["x_sdk_date"], "%Y%m%dT%H%M%SZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()
    for case in vectors["cases"]:
        expected = case["expected"]
        headers = dict(case["headers"])
        headers.setdefault("Host", case["host"])
        headers["X-Sdk-Date"] = vectors["x_sdk_date"]
        headers["Authorization"] = expected["authorization"]
        if expected.get("x_sdk_content_sha256"):
            headers["X-Sdk-Content-Sha256"] = expected["x_sdk_content_sha256"]
        path, sep, query = expected["uri_as_sent"].partition("?")
        body = case.get("body") or ""
        body = body.encode("utf-8") if isinstance(body, str) else body
        hdrs = core.Headers(headers.items())
        keys = {vectors["ak"]: vectors["sk"]}
        assert aksk.verify(case["method"], path, query, hdrs, body, keys, now) is None, case["name"]
        tampered = core.Headers(list(headers.items()) + [])
        assert aksk.verify(case["method"], path + "x", query, tampered, body, keys, now) is not None, case["name"]


def base(info):
    return info["ucs"][:-len("/ucs")]


# ----------------------------------------------------------------------------------------------- scopes (in-process)


@pytest.fixture
def probe_server():
    identity = {"user_name": "demo", "user_id": "u1", "password": "pw", "domain_name": "d", "domain_id": "dom1",
                "project_name": "cn-north-4", "project_id": "proj1", "access_key": "AK1", "secret_key": "SK1"}
    state = core.State(identity, speed=1.0)
    router = core.Router()

    iam.register(router)
    router.add("bce", "GET", "/v1/{project_id}/probe", lambda req: (200, {"auth": req.auth}), scope="project")
    emulator = core.Emulator(state, router)
    server = core.make_server(emulator, "127.0.0.1", 0)
    state.base_url = "http://127.0.0.1:%d" % server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    yield state, emulator
    server.shutdown()
    server.server_close()


def test_project_scope_rules(probe_server, make_api):
    state, emulator = probe_server
    info = {"iam": state.base_url + "/iam/v3", "user_name": "demo", "password": "pw", "domain_name": "d",
            "project_name": "cn-north-4", "ucs": state.base_url + "/ucs", "access_key": "AK1", "secret_key": "SK1"}
    api = make_api(info)
    resp = api.call("GET", "bce", "/v1/proj1/probe", scope="domain")
    assert resp.status_code == 403
    assert resp.json()["error_code"] == "APIGW.0302"
    assert set(resp.json()) == {"error_code", "error_msg", "extend", "show_detail"}
    resp = api.call("GET", "bce", "/v1/proj1/probe", scope="project")
    assert resp.status_code == 200
    assert resp.json()["auth"]["scope"] == "project" and resp.json()["auth"]["project_id"] == "proj1"
    assert api.call("GET", "bce", "/v1/other/probe", scope="project").status_code == 403
    # AK/SK: project scope when the path names the emulator's project or X-Project-Id is sent
    headers, uri = official_sign(info, "GET", "/bce/v1/proj1/probe")
    resp = requests.get(state.base_url + uri, headers=headers, timeout=5)
    assert resp.status_code == 200 and resp.json()["auth"]["kind"] == "aksk"
    headers, uri = official_sign(info, "GET", "/bce/v1/other/probe")
    assert requests.get(state.base_url + uri, headers=headers, timeout=5).status_code == 403
    headers, uri = official_sign(info, "GET", "/bce/v1/proj1/probe", headers={"X-Project-Id": "proj1"})
    assert requests.get(state.base_url + uri, headers=headers, timeout=5).status_code == 200
    headers, uri = official_sign(info, "GET", "/bce/v1/other/probe", headers={"X-Project-Id": "other"})
    assert requests.get(state.base_url + uri, headers=headers, timeout=5).status_code == 403
    headers, uri = official_sign(info, "GET", "/bce/v1/proj1/probe", headers={"X-Domain-Id": "someone-else"})
    assert requests.get(state.base_url + uri, headers=headers, timeout=5).status_code == 403
    headers, uri = official_sign(info, "GET", "/bce/v1/proj1/probe", headers={"X-Domain-Id": "dom1"})
    assert requests.get(state.base_url + uri, headers=headers, timeout=5).status_code == 200
    assert [r["auth"] for r in emulator.log][-5:] == ["aksk"] * 5


def test_handler_crash_is_a_500_in_service_format(probe_server):
    state, emulator = probe_server

    def boom(req):
        raise KeyError("bug")

    emulator.router.add("ucs", "GET", "/v1/boom", boom, scope=None)
    resp = requests.get(state.base_url + "/ucs/v1/boom", timeout=5)
    assert resp.status_code == 500
    assert resp.json()["error_code"] == "UCS.01000006"


def test_multipart_parser():
    body = (b"--XyZ\r\nContent-Disposition: form-data; name=\"parameters\"\r\n\r\n{\"a\": 1}\r\n"
            b"--XyZ\r\nContent-Disposition: form-data; name=\"workflow_source\"; filename=\"main.wdl\"\r\n"
            b"Content-Type: application/octet-stream\r\n\r\nworkflow w {}\r\n--XyZ--\r\n")
    parts = core.parse_multipart(body, b"XyZ")
    assert parts["parameters"] == {"filename": None, "content": b"{\"a\": 1}"}
    assert parts["workflow_source"] == {"filename": "main.wdl", "content": b"workflow w {}"}


def test_token_survives_a_restart_with_state(start_emulator, tmp_path):
    path = str(tmp_path / "tokens.json")
    first = start_emulator("--port", "0", "--state", path)
    token = first.api().token("domain")
    assert first.stop() == 0
    second = start_emulator("--port", "0", "--state", path, "--speed", "7")
    api = second.api()
    assert api.ucs("GET", "/v1/clusters", token=token).status_code == 200
    assert api.hook("GET", "/config").json()["speed"] == 7
    with open(path) as handle:
        assert token not in handle.read()


def test_head_answers_like_get_without_body(api):
    resp = api.call("HEAD", "ucs", "/v1/clusters")
    assert resp.status_code == 200
    assert resp.content == b""
    assert int(resp.headers["Content-Length"]) > 0


def test_port_in_use_fails_cleanly(start_emulator):
    taken = start_emulator("--port", "0")
    port = taken.base.rsplit(":", 1)[1]
    proc = subprocess.run([sys.executable, EMULATOR_DIR, "--port", port], cwd=ROOT, capture_output=True, timeout=10,
                          check=False)
    assert proc.returncode == 1
    assert proc.stdout == b""
    assert b"cannot listen" in proc.stderr

# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AK/SK signer against the shared vectors, the official huaweicloudsdkcore Signer, and a real server."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy
import datetime
import json
import os
import random
from urllib.parse import parse_qsl, unquote

import pytest

from ansible_collections.fleetops.cloud.plugins.module_utils import signer
from ansible_collections.fleetops.cloud.plugins.module_utils.client import CloudClient
from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ConfigurationError
from ansible_collections.fleetops.cloud.tests.unit.conftest import reply

sdk_signer = pytest.importorskip("huaweicloudsdkcore.signer.signer")
sdk_request = pytest.importorskip("huaweicloudsdkcore.sdk_request")
sdk_credentials = pytest.importorskip("huaweicloudsdkcore.auth.credentials")

VECTORS = os.environ.get("FLEETOPS_AKSK_VECTORS", "/work/shared/api/aksk-vectors.json")
AK = "AKRANDOM0000000000"
SK = "SKRANDOM00000000000000000000000000000000"


def _vectors():
    if not os.path.exists(VECTORS):
        return {"cases": []}
    with open(VECTORS) as handle:
        return json.load(handle)


def _official(method, host, path, query, headers, body):
    """Sign with the official SDK Signer; returns (headers, uri)."""
    credentials = sdk_credentials.BasicCredentials(ak=AK, sk=SK)
    request = sdk_request.SdkRequest(method=method, schema="https", host=host, resource_path=path,
                                     query_params=copy.deepcopy(query), header_params=dict(headers),
                                     body=copy.deepcopy(body))
    signed = sdk_signer.Signer(credentials).sign(request)
    return signed.header_params, signed.uri


@pytest.mark.skipif(not os.path.exists(VECTORS), reason="shared vectors not available")
@pytest.mark.parametrize("case", _vectors()["cases"], ids=lambda c: c["name"])
def test_shared_vectors(case):
    data = _vectors()
    now = datetime.datetime.strptime(data["x_sdk_date"], signer.DATE_FORMAT)
    headers, uri = signer.sign(data["ak"], data["sk"], case["method"], case["host"], case["path"], case["query"],
                               case["headers"], case["body"], now=now)
    expected = case["expected"]
    assert headers["Authorization"] == expected["authorization"]
    assert headers.get("X-Sdk-Content-Sha256") == expected["x_sdk_content_sha256"]
    assert uri == expected["uri_as_sent"]
    assert headers["X-Sdk-Date"] == data["x_sdk_date"]
    assert headers["Host"] == case["host"]


def test_vectors_file_has_cases():
    if not os.path.exists(VECTORS):
        pytest.skip("shared vectors not available")
    assert len(_vectors()["cases"]) >= 9


SEGMENTS = ["v1", "clusters", "my stack", "α-β", "fleet/x", "a+b", "100%", "~tilde", "späce here", "日本", "a%20b",
            "UPPER", "dots.and-dash_", "(paren)", "semi;colon", "eq=al", "at@", "comma,", "quote'"]
VALUES = ["desc", "my fleet/α", "a1,b2", "", " lead", "x y z", "ü", "100%", "a&b=c", "plus+", "~", "*", "é/è"]
CONTENT_TYPES = [None, "application/json", "application/json;charset=UTF-8", "multipart/form-data; boundary=xyz",
                 "text/plain", "application/octet-stream", "application/bson", "application/x-www-form-urlencoded"]


def _random_request(rng):
    method = rng.choice(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"])
    segments = [rng.choice(SEGMENTS) for dummy in range(rng.randint(1, 5))]
    path = "/" + "/".join(s.replace("/", "%2F") if rng.random() < 0.5 else s.replace("/", "-") for s in segments)
    if rng.random() < 0.2:
        path += "/"
    query = []
    keys = rng.sample(["limit", "offset", "name", "enablestatus", "clusterids", "order", "tags", "k y", "ключ",
                       "with_count", "a.b", "Z"], rng.randint(0, 6))
    for key in keys:
        kind = rng.random()
        if kind < 0.25:
            value = rng.choice([True, False])
        elif kind < 0.45:
            value = rng.randint(-5, 500)
        elif kind < 0.55:
            value = sorted(rng.sample(VALUES, rng.randint(1, 3)), key=lambda v: rng.random())
        elif kind < 0.65:
            value = [rng.randint(0, 20) for dummy in range(rng.randint(1, 3))]
        else:
            value = rng.choice(VALUES)
        query.append((key, value))
    if query and rng.random() < 0.2:
        # the same key twice with string values
        key = query[0][0]
        query.append((key, "dup-" + rng.choice(VALUES)))
        query[0] = (key, "dup0")
    headers = {}
    content_type = rng.choice(CONTENT_TYPES)
    if content_type:
        headers["Content-Type"] = content_type
    if rng.random() < 0.5:
        headers["X-Domain-Id"] = "dom-%d" % rng.randint(0, 999)
    if rng.random() < 0.5:
        headers["X-Project-Id"] = "%032x" % rng.getrandbits(128)
    if rng.random() < 0.3:
        headers["X-Security-Token"] = "tmp-token-%d" % rng.randint(0, 10 ** 6)
    if rng.random() < 0.2:
        headers["X_Not_Signed"] = "underscore"
    if rng.random() < 0.2:
        headers["X-Padded"] = "  padded value  "
    headers["X-Sdk-Date"] = "2026%02d%02dT%02d%02d%02dZ" % (rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23),
                                                            rng.randint(0, 59), rng.randint(0, 59))
    body_kind = rng.random()
    if body_kind < 0.3:
        body = ""
    elif body_kind < 0.6:
        body = json.dumps({"name": rng.choice(VALUES), "n": rng.randint(0, 9), "ok": True}, ensure_ascii=rng.random() < 0.5)
    elif body_kind < 0.8:
        body = (b"--xyz\r\nContent-Disposition: form-data; name=\"parameters\"\r\n\r\n{\"env_name\": \"e\"}\r\n"
                b"--xyz\r\nContent-Disposition: form-data; name=\"workflow_source\"; filename=\"m.wdl\"\r\n\r\n"
                + bytes(rng.getrandbits(8) for dummy in range(rng.randint(0, 64))) + b"\r\n--xyz--\r\n")
    else:
        body = None
    host = rng.choice(["ucs.myhuaweicloud.com", "bce.cn-north-4.myhuaweicloud.com", "127.0.0.1:8443"])
    return method, host, path, query, headers, body


def test_randomized_against_official_signer():
    rng = random.Random(20261123)
    compared = 0
    for dummy in range(300):
        method, host, path, query, headers, body = _random_request(rng)
        off_headers, off_uri = _official(method, host, path, query, headers, body)
        mine, uri = signer.sign(AK, SK, method, host, path, copy.deepcopy(query), headers, body)
        assert mine["Authorization"] == off_headers["Authorization"], (method, path, query, headers)
        assert mine.get("X-Sdk-Content-Sha256") == off_headers.get("X-Sdk-Content-Sha256")
        assert uri == off_uri
        compared += 1
    assert compared >= 200


def test_dict_query_and_none_values_dropped():
    headers, uri = signer.sign(AK, SK, "GET", "h", "/p", {"b": None, "a": True, "c": [3, 1]}, {}, None,
                               now=datetime.datetime(2026, 1, 1))
    assert uri == "/p?a=true&c=1&c=3"
    official, off_uri = _official("GET", "h", "/p", [("a", True), ("c", [3, 1])], {"X-Sdk-Date": "20260101T000000Z"}, None)
    assert headers["Authorization"] == official["Authorization"]
    assert off_uri == uri


def test_sign_requires_both_keys():
    with pytest.raises(ValueError):
        signer.sign("", SK, "GET", "h", "/", None, {}, None)


def test_canonical_helpers():
    assert signer.canonical_uri("/v1/my stack/α") == "/v1/my%20stack/%CE%B1/"
    assert signer.canonical_uri("/v1/x/") == "/v1/x/"
    # an escaped "/" stays inside its segment on the wire (it used to be decoded into a separator)
    assert signer.wire_path("/v1/my stack/a%2Fb") == "/v1/my%20stack/a%2Fb"
    assert signer.wire_path("/v1/..%2Fclusters%2Fpool") == "/v1/..%2Fclusters%2Fpool"
    assert signer.wire_path("/v1/100%/x") == "/v1/100%25/x"
    for dots in ("/v1/../x", "/v1/./x", "/v1/%2E%2E/x", "/v1/%2e/x"):
        with pytest.raises(ValueError):
            signer.wire_path(dots)
    assert signer.canonical_query_string([("b", "x y"), ("a", False)]) == "a=false&b=x%20y"


def _verify_with_official(record, secret_keys):
    """Recompute the signature of a received request with the official Signer (server side view)."""
    headers = record["headers"]
    auth = headers["Authorization"]
    signed_names = auth.split("SignedHeaders=")[1].split(",")[0].split(";")
    access = auth.split("Access=")[1].split(",")[0]
    lookup = dict((k.lower(), v) for k, v in headers.items())
    signed_headers = dict((name, lookup[name]) for name in signed_names)
    query = parse_qsl(record["query"], keep_blank_values=True)
    grouped = {}
    for key, value in query:
        grouped.setdefault(key, []).append(value)
    pairs = [(k, v[0] if len(v) == 1 else v) for k, v in grouped.items()]
    credentials = sdk_credentials.BasicCredentials(ak=access, sk=secret_keys[access])
    request = sdk_request.SdkRequest(method=record["method"], schema="http", host=lookup["host"],
                                     resource_path=unquote(record["raw_path"]), query_params=pairs,
                                     header_params=signed_headers, body=record["body"])
    expected = sdk_signer.Signer(credentials).sign(request).header_params["Authorization"]
    return expected == auth


def test_sent_url_is_the_signed_one(fake_cloud):
    """A real server recomputes each signature with the official signer from what it received."""
    path = "/ucs/v1/clusters/my cluster/α"
    fake_cloud.script("GET", "/ucs/v1/clusters/my%20cluster/%CE%B1", reply(200, {"ok": True}))
    fake_cloud.script("POST", "/bce/v1/0123456789abcdef0123456789abcdef/executions-extend", reply(201, {"id": "e1"}))
    client = CloudClient(dict(access_key="AKSERVER", secret_key="SKSERVER-secret", security_token="sts-1",
                              domain_id="dom-9", project_id="0123456789abcdef0123456789abcdef", region="cn-north-4",
                              endpoints=dict(iam=fake_cloud.base + "/iam", ucs=fake_cloud.base + "/ucs",
                                             bce=fake_cloud.base + "/bce")))
    resp = client.call("ucs", "GET", path[len("/ucs"):], query={"name": "my fleet/α", "enablestatus": True,
                                                                "clusterids": "a1,b2", "limit": -1})
    assert resp.body == {"ok": True}
    client.call("bce", "POST", "/v1/{project_id}/executions-extend",
                data={"parameters": json.dumps({"env_name": "e"})},
                files={"workflow_source": ("main.wdl", b"workflow w {}\n")}, create=True)
    got = fake_cloud.requests
    assert len(got) == 2
    assert got[0]["query"] == "clusterids=a1%2Cb2&enablestatus=true&limit=-1&name=my%20fleet%2F%CE%B1"
    assert got[0]["headers"]["X-Domain-Id"] == "dom-9"
    assert got[0]["headers"]["X-Security-Token"] == "sts-1"
    assert got[1]["headers"]["X-Project-Id"] == "0123456789abcdef0123456789abcdef"
    assert got[1]["headers"]["X-Sdk-Content-Sha256"] == "UNSIGNED-PAYLOAD"
    assert got[1]["headers"]["Content-Type"].startswith("multipart/form-data; boundary=")
    assert b'name="workflow_source"; filename="main.wdl"' in got[1]["body"]
    for record in got:
        assert _verify_with_official(record, {"AKSERVER": "SKSERVER-secret"}), record


def test_resigned_on_every_attempt(fake_cloud, monkeypatch):
    fake_cloud.script("GET", "/ucs/v1/clusters", reply(503, "busy"), reply(200, {"items": []}))
    dates = iter(["20260101T000000Z", "20260101T000001Z"])
    real_sign = signer.sign

    def fake_sign(*args, **kwargs):
        headers = dict(args[6])
        headers["X-Sdk-Date"] = next(dates)
        return real_sign(*(args[:6] + (headers,) + args[7:]), **kwargs)

    monkeypatch.setattr(signer, "sign", fake_sign)
    client = CloudClient(dict(access_key="AKSERVER", secret_key="SKSERVER-secret", domain_id="dom-9",
                              endpoints=dict(ucs=fake_cloud.base + "/ucs")), backoff_base=0.01)
    client.call("ucs", "GET", "/v1/clusters")
    sent = [r["headers"] for r in fake_cloud.requests]
    assert [h["X-Sdk-Date"] for h in sent] == ["20260101T000000Z", "20260101T000001Z"]
    assert sent[0]["Authorization"] != sent[1]["Authorization"]


def test_body_over_12mb_with_aksk_is_refused(fake_cloud):
    client = CloudClient(dict(access_key="AK", secret_key="SK-secret", project_id="p1", region="cn-north-4",
                              endpoints=dict(bce=fake_cloud.base + "/bce")))
    with pytest.raises(ConfigurationError, match="12 MB"):
        client.call("bce", "POST", "/v1/{project_id}/executions-extend",
                    files={"workflow_source": ("big.wdl", b"x" * (12 * 1024 * 1024 + 1))}, create=True)
    assert fake_cloud.requests == []

# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cross-process token cache, 401 refresh and wrong-password behaviour, against a real server."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import stat
import subprocess
import sys
import time

import pytest

from ansible_collections.fleetops.cloud.plugins.module_utils.client import CloudClient
from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ApiError
from ansible_collections.fleetops.cloud.plugins.module_utils.token_cache import (
    TokenCache,
    cache_key,
    is_fresh,
    parse_expiry,
)
from ansible_collections.fleetops.cloud.tests.unit.conftest import PROJECT_ID, reply

TOKEN_PATH = "/iam/v3/auth/tokens"

CHILD = r"""
import json, sys, time
from ansible_collections.fleetops.cloud.plugins.module_utils.client import CloudClient
params = json.loads(sys.argv[1])
client = CloudClient(params)
time.sleep(max(0.0, min(10.0, float(sys.argv[2]) - time.time())))  # all children start together
resp = client.call("ucs", "GET", "/v1/clusters")
print(json.dumps({"body": resp.body, "issued": client.tokens.issued}))
"""


def _params(cloud, tmp_path, **extra):
    params = dict(user_name=cloud.user_name, password=cloud.password, domain_name=cloud.domain_name,
                  region="cn-north-4", token_cache_dir=str(tmp_path / "cache" / "tokens"),
                  endpoints=dict(iam=cloud.base + "/iam", ucs=cloud.base + "/ucs", bce=cloud.base + "/bce"),
                  max_retries=2)
    params.update(extra)
    return params


def _pythonpath():
    import ansible_collections
    roots = [os.path.dirname(p) for p in ansible_collections.__path__]
    return os.pathsep.join(roots + [os.environ.get("PYTHONPATH", "")])


def test_ten_processes_share_one_token(fake_cloud, tmp_path):
    fake_cloud.require_token = True
    fake_cloud.token_delay = 0.3  # a slow IAM widens the race between the processes
    fake_cloud.script("GET", "/ucs/v1/clusters", reply(200, {"items": [], "total": 0}))
    params = json.dumps(_params(fake_cloud, tmp_path))
    env = dict(os.environ, PYTHONPATH=_pythonpath())
    start = str(time.time() + 2.5)
    procs = [subprocess.Popen([sys.executable, "-c", CHILD, params, start], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
             for dummy in range(10)]
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err.decode()
        outputs.append(json.loads(out.decode().strip().splitlines()[-1]))
    assert fake_cloud.count("POST", TOKEN_PATH) == 1
    assert fake_cloud.count("GET", "/ucs/v1/clusters") == 10
    assert sum(o["issued"] for o in outputs) == 1
    assert all(o["body"] == {"items": [], "total": 0} for o in outputs)
    tokens = set(r["headers"]["X-Auth-Token"] for r in fake_cloud.requests if r["path"] == "/ucs/v1/clusters")
    assert len(tokens) == 1


def test_cache_file_and_dir_modes_and_contents(fake_cloud, tmp_path):
    fake_cloud.script("GET", "/ucs/v1/clusters", reply(200, {"items": []}))
    client = CloudClient(_params(fake_cloud, tmp_path))
    client.call("ucs", "GET", "/v1/clusters")
    directory = tmp_path / "cache" / "tokens"
    assert stat.S_IMODE(os.stat(str(directory)).st_mode) == 0o700
    files = [f for f in os.listdir(str(directory)) if f.endswith(".json")]
    assert len(files) == 1
    path = str(directory / files[0])
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with open(path) as handle:
        text = handle.read()
    entry = json.loads(text)
    assert set(["token", "expires_at", "catalog", "project_id"]) <= set(entry)
    assert fake_cloud.password not in text and fake_cloud.password not in files[0]
    assert entry["token"] not in files[0]
    assert not [f for f in os.listdir(str(directory)) if f.startswith(".tmp-")]


def test_second_client_reuses_cache(fake_cloud, tmp_path):
    fake_cloud.require_token = True
    fake_cloud.script("GET", "/ucs/v1/clusters", reply(200, {"items": []}))
    CloudClient(_params(fake_cloud, tmp_path)).call("ucs", "GET", "/v1/clusters")
    CloudClient(_params(fake_cloud, tmp_path)).call("ucs", "GET", "/v1/clusters")
    assert fake_cloud.count("POST", TOKEN_PATH) == 1


def test_cache_disabled(fake_cloud, tmp_path):
    fake_cloud.script("GET", "/ucs/v1/clusters", reply(200, {"items": []}))
    CloudClient(_params(fake_cloud, tmp_path, token_cache=False)).call("ucs", "GET", "/v1/clusters")
    CloudClient(_params(fake_cloud, tmp_path, token_cache=False)).call("ucs", "GET", "/v1/clusters")
    assert fake_cloud.count("POST", TOKEN_PATH) == 2
    assert not os.path.exists(str(tmp_path / "cache" / "tokens"))


def test_token_near_expiry_is_not_reused(fake_cloud, tmp_path):
    fake_cloud.token_lifetime = 200  # under the 5 minute margin
    fake_cloud.script("GET", "/ucs/v1/clusters", reply(200, {"items": []}))
    CloudClient(_params(fake_cloud, tmp_path)).call("ucs", "GET", "/v1/clusters")
    CloudClient(_params(fake_cloud, tmp_path)).call("ucs", "GET", "/v1/clusters")
    assert fake_cloud.count("POST", TOKEN_PATH) == 2


def test_refresh_once_on_401(fake_cloud, tmp_path):
    fake_cloud.require_token = True
    fake_cloud.script("GET", "/ucs/v1/clusters", reply(200, {"items": []}))
    fake_cloud.script("POST", "/ucs/v1/clustergroups", reply(201, {"uid": "g1"}))
    CloudClient(_params(fake_cloud, tmp_path)).call("ucs", "GET", "/v1/clusters")
    fake_cloud.revoke_tokens()  # the cached token is now rejected
    client = CloudClient(_params(fake_cloud, tmp_path))
    resp = client.call("ucs", "POST", "/v1/clustergroups", json={"metadata": {"name": "f"}}, create=True)
    assert resp.body == {"uid": "g1"}
    assert fake_cloud.count("POST", TOKEN_PATH) == 2
    assert fake_cloud.count("POST", "/ucs/v1/clustergroups") == 2  # the 401 one, then the retry
    # the refreshed token went to the cache
    CloudClient(_params(fake_cloud, tmp_path)).call("ucs", "GET", "/v1/clusters")
    assert fake_cloud.count("POST", TOKEN_PATH) == 2


def test_second_401_fails(fake_cloud, tmp_path):
    fake_cloud.script("GET", "/ucs/v1/clusters", reply(401, {"error_code": "APIGW.0301", "error_msg": "bad token"}))
    with pytest.raises(ApiError) as info:
        CloudClient(_params(fake_cloud, tmp_path)).call("ucs", "GET", "/v1/clusters")
    assert info.value.status == 401
    assert fake_cloud.count("POST", TOKEN_PATH) == 2
    assert fake_cloud.count("GET", "/ucs/v1/clusters") == 2


def test_given_token_is_not_refreshed(fake_cloud, tmp_path):
    fake_cloud.script("GET", "/ucs/v1/clusters", reply(401, {"error_code": "APIGW.0301", "error_msg": "bad token"}))
    params = _params(fake_cloud, tmp_path, token="expired-token")
    with pytest.raises(ApiError) as info:
        CloudClient(params).call("ucs", "GET", "/v1/clusters")
    assert info.value.status == 401
    assert fake_cloud.count("POST", TOKEN_PATH) == 0
    assert fake_cloud.count("GET", "/ucs/v1/clusters") == 1
    assert not os.path.exists(str(tmp_path / "cache" / "tokens"))


def test_wrong_password_fails_once_with_clear_message(fake_cloud, tmp_path):
    params = _params(fake_cloud, tmp_path, password="wrong-Password-1")
    with pytest.raises(ApiError) as info:
        CloudClient(params).call("ucs", "GET", "/v1/clusters")
    err = info.value
    assert err.status == 401
    assert "IAM rejected the password credentials" in err.message
    assert "alice" in err.message and "wrong-Password-1" not in str(err) and "wrong-Password-1" not in str(err.to_dict())
    assert fake_cloud.count("POST", TOKEN_PATH) == 1
    assert fake_cloud.count() == 1


def test_project_scope_for_bce_and_domain_scope_for_ucs(fake_cloud, tmp_path):
    fake_cloud.script("GET", "/ucs/v1/clusters", reply(200, {"items": []}))
    fake_cloud.script("GET", "/bce/v1/%s/clusters" % PROJECT_ID, reply(200, {"clusters": []}))
    client = CloudClient(_params(fake_cloud, tmp_path))
    client.call("ucs", "GET", "/v1/clusters")
    client.call("bce", "GET", "/v1/{project_id}/clusters")
    client.call("bce", "GET", "/v1/{project_id}/clusters")
    bodies = [json.loads(r["body"]) for r in fake_cloud.requests if r["path"] == TOKEN_PATH]
    assert len(bodies) == 2
    assert bodies[0]["auth"]["scope"] == {"domain": {"name": "acme"}}
    assert bodies[1]["auth"]["scope"] == {"project": {"name": "cn-north-4", "domain": {"name": "acme"}}}
    assert bodies[1]["auth"]["identity"]["methods"] == ["password"]
    assert client.project_id == PROJECT_ID


def test_cache_key_has_no_secret():
    key = cache_key("https://iam/v3", "alice", "acme", "domain:acme", "pw-123")
    assert "pw-123" not in key and len(key) == 64
    assert key != cache_key("https://iam/v3", "alice", "acme", "domain:acme", "pw-124")
    assert key != cache_key("https://iam/v3", "alice", "acme", "project-name:x", "pw-123")


def test_expiry_parsing_and_freshness():
    assert parse_expiry("2026-01-01T00:00:00.000000Z") == 1767225600
    assert parse_expiry("2026-01-01T01:00:00+01:00") == 1767225600
    assert parse_expiry("garbage") is None
    soon = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 299))
    later = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 400))
    assert not is_fresh({"token": "t", "expires_at": soon})
    assert is_fresh({"token": "t", "expires_at": later})


def test_corrupt_cache_file_is_ignored(tmp_path):
    cache = TokenCache(str(tmp_path / "c"))
    cache.store("k", {"token": "t", "expires_at": "2099-01-01T00:00:00Z"})
    assert cache.load("k")["token"] == "t"
    with open(cache.path("k"), "w") as handle:
        handle.write("{half")
    assert cache.load("k") is None
    cache.drop("k")
    cache.drop("k")
    assert not os.path.exists(cache.path("k"))


def test_cache_file_readable_by_others_is_not_trusted(tmp_path):
    cache = TokenCache(str(tmp_path / "c"))
    cache.store("k", {"token": "t", "expires_at": "2099-01-01T00:00:00Z"})
    os.chmod(cache.path("k"), 0o644)
    assert cache.load("k") is None
    os.chmod(cache.path("k"), 0o600)
    assert cache.load("k")["token"] == "t"

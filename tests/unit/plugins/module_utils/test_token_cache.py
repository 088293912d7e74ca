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
from ansible_collections.fleetops.cloud.plugins.module_utils.auth import Credentials, PasswordTokens
from ansible_collections.fleetops.cloud.plugins.module_utils.token_cache import (
    EXPIRY_MARGIN,
    TokenCache,
    cache_key,
    expiry_margin,
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
    fake_cloud.token_lifetime = 200  # a one-hour token with 200 s left: inside the 5 minute margin
    fake_cloud.token_age = 3400
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
    assert not os.path.exists(cache.path("k"))  # dropped, so that the next store replaces it
    cache.store("k", {"token": "t2", "expires_at": "2099-01-01T00:00:00Z"})
    assert cache.load("k")["token"] == "t2"


def _iso(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def test_expiry_margin_is_half_the_lifetime_of_short_tokens():
    now = time.time()
    assert expiry_margin({"issued_at": _iso(now), "expires_at": _iso(now + 24 * 3600)}) == EXPIRY_MARGIN
    assert expiry_margin({"issued_at": _iso(now), "expires_at": _iso(now + 60)}) == 30
    assert expiry_margin({"issued_at": _iso(now), "expires_at": _iso(now + 600)}) == EXPIRY_MARGIN
    assert expiry_margin({"expires_at": _iso(now + 60)}) == EXPIRY_MARGIN  # entries written before issued_at
    assert expiry_margin({"issued_at": _iso(now + 60), "expires_at": _iso(now + 60)}) == EXPIRY_MARGIN


def test_day_token_is_still_refreshed_five_minutes_before_expiry():
    issued = int(time.time()) - 24 * 3600 + 400
    entry = {"token": "t", "issued_at": _iso(issued), "expires_at": _iso(issued + 24 * 3600)}
    now = issued + 24 * 3600
    assert is_fresh(entry, now=now - 310)
    assert not is_fresh(entry, now=now - 290)


def test_short_token_is_fresh_for_half_its_lifetime():
    issued = int(time.time())  # the times have whole seconds
    entry = {"token": "t", "issued_at": _iso(issued), "expires_at": _iso(issued + 4)}
    assert is_fresh(entry, now=issued)
    assert is_fresh(entry, now=issued + 1.5)
    assert not is_fresh(entry, now=issued + 2.5)


class _Issuer(object):
    """Stands in for IAM: issues tokens that live ``lifetime`` seconds, with or without ``issued_at``."""

    def __init__(self, lifetime, with_issued_at=True):
        self.lifetime = lifetime
        self.with_issued_at = with_issued_at
        self.count = 0

    def __call__(self, body):
        self.count += 1
        now = time.time()
        token = {"expires_at": _iso(now + self.lifetime), "domain": {"id": "d-1"}}
        if self.with_issued_at:
            token["issued_at"] = _iso(now)
        return "tok-%d" % self.count, {"token": token}


def _tokens(tmp_path, issuer):
    creds = Credentials(dict(user_name="alice", password="pw-1", domain_name="acme"))
    return PasswordTokens(creds, TokenCache(str(tmp_path / "tokens")), "https://iam.example/v3", issuer)


@pytest.mark.parametrize("with_issued_at", [True, False], ids=["iam-issued-at", "local-issued-at"])
def test_short_lived_token_is_reused_across_tasks(tmp_path, with_issued_at):
    issuer = _Issuer(120, with_issued_at)
    first = _tokens(tmp_path, issuer).get("domain")
    for dummy in range(3):  # three more tasks (processes) and calls within them
        tokens = _tokens(tmp_path, issuer)
        assert tokens.get("domain")["token"] == first["token"]
        assert tokens.get("domain")["token"] == first["token"]
    assert issuer.count == 1
    assert first["issued_at"]


def test_expired_short_lived_token_is_replaced(tmp_path):
    issuer = _Issuer(2)
    tokens = _tokens(tmp_path, issuer)
    assert tokens.get("domain")["token"] == "tok-1"
    time.sleep(1.2)  # past half of the 2 s lifetime (expires_at has whole seconds)
    assert _tokens(tmp_path, issuer).get("domain")["token"] == "tok-2"
    assert issuer.count == 2


def test_run_keeps_its_short_lived_token_until_a_401(tmp_path):
    issuer = _Issuer(2)
    tokens = _tokens(tmp_path, issuer)
    assert tokens.get("domain")["token"] == "tok-1"
    time.sleep(1.2)  # stale for a new process, but this run goes on with it until the API rejects it
    assert tokens.get("domain")["token"] == "tok-1"
    tokens.invalidate("domain")  # what the client does after a 401
    assert tokens.get("domain")["token"] == "tok-2"
    assert issuer.count == 2


def test_run_refreshes_a_day_token_five_minutes_before_expiry(tmp_path):
    issuer = _Issuer(24 * 3600)
    tokens = _tokens(tmp_path, issuer)
    now = int(time.time())
    label = "domain:acme"
    tokens.memory[label] = {"token": "old", "issued_at": _iso(now - 24 * 3600 + 200), "expires_at": _iso(now + 200)}
    assert tokens.get("domain")["token"] == "tok-1"
    tokens.memory[label] = {"token": "old", "issued_at": _iso(now - 24 * 3600 + 400), "expires_at": _iso(now + 400)}
    assert tokens.get("domain")["token"] == "old"
    assert issuer.count == 1


# -- a cache that trusts nothing it did not make (issue 15 item 3) ------------------------------------------
FRESH = {"token": "cached-token-secret-1", "expires_at": "2099-01-01T00:00:00Z", "catalog": []}


def test_symlinked_directory_is_refused_with_a_warning(tmp_path):
    real = tmp_path / "elsewhere"
    real.mkdir(mode=0o700)
    link = tmp_path / "tokens"
    link.symlink_to(real)
    cache = TokenCache(str(link))
    cache.store("k", FRESH)
    assert cache.load("k") is None
    assert os.listdir(str(real)) == []  # nothing was written through the link
    warnings = cache.pop_warnings()
    assert len(warnings) == 1 and "symbolic link" in warnings[0] and "not used" in warnings[0]
    cache.store("k", FRESH)
    assert cache.pop_warnings() == []  # once per run


def test_directory_of_another_user_is_refused(tmp_path, monkeypatch):
    directory = tmp_path / "tokens"
    directory.mkdir(mode=0o700)
    monkeypatch.setattr(os, "getuid", lambda: os.stat(str(directory)).st_uid + 1)
    cache = TokenCache(str(directory))
    assert cache.load("k") is None
    cache.store("k", FRESH)
    assert os.listdir(str(directory)) == []
    assert "another user" in " ".join(cache.pop_warnings())


def test_module_goes_on_without_cache_when_the_directory_is_untrusted(fake_cloud, tmp_path):
    fake_cloud.script("GET", "/ucs/v1/clusters", reply(200, {"items": []}))
    real = tmp_path / "elsewhere"
    real.mkdir(mode=0o700)
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "tokens").symlink_to(real)
    client = CloudClient(_params(fake_cloud, tmp_path))
    assert client.call("ucs", "GET", "/v1/clusters").body == {"items": []}
    assert any("token cache" in w and "not used" in w for w in client.pop_warnings())
    assert os.listdir(str(real)) == []


def test_file_names_are_keyed_hashes(tmp_path):
    one, two = TokenCache(str(tmp_path / "a")), TokenCache(str(tmp_path / "b"))
    key = cache_key("https://iam/v3", "alice", "acme", "domain:acme", "pw-123")
    one.store(key, FRESH)
    two.store(key, FRESH)
    name_one, name_two = os.path.basename(one.path(key)), os.path.basename(two.path(key))
    assert name_one != name_two  # a random key per cache: the same credentials give unrelated names
    assert key not in name_one and key not in name_two
    key_file = tmp_path / "a" / ".key"
    assert stat.S_IMODE(os.lstat(str(key_file)).st_mode) == 0o600
    assert TokenCache(str(tmp_path / "a")).load(key)["token"] == FRESH["token"]  # another process finds it


@pytest.mark.parametrize("content", ["[1, 2]", '{"token": 5, "expires_at": "2099-01-01T00:00:00Z"}', '{"token": "x"}',
                                     '{"token": "x", "expires_at": "never"}', "\x00\xff", '"just a string"', ""])
def test_wrong_shape_entry_is_dropped_and_replaced(tmp_path, content):
    cache = TokenCache(str(tmp_path / "c"))
    cache.store("k", FRESH)
    path = cache.path("k")
    with open(path, "w", encoding="latin-1") as handle:
        handle.write(content)
    assert cache.load("k") is None
    assert not os.path.exists(path)
    cache.store("k", FRESH)
    assert cache.load("k")["token"] == FRESH["token"]


def test_symlink_or_fifo_in_place_of_an_entry_is_not_followed(tmp_path):
    cache = TokenCache(str(tmp_path / "c"))
    cache.store("k", FRESH)
    path = cache.path("k")
    target = tmp_path / "victim.json"
    target.write_text(json.dumps(dict(FRESH, token="planted-token")))
    target.chmod(0o600)
    os.unlink(path)
    os.symlink(str(target), path)
    assert cache.load("k") is None
    cache.store("k", FRESH)
    assert json.loads(target.read_text())["token"] == "planted-token"  # the link target was never written
    assert not os.path.islink(path)
    os.unlink(path)
    os.mkfifo(path, 0o600)
    started = time.monotonic()
    assert cache.load("k") is None  # O_NONBLOCK: a FIFO never hangs the module
    assert time.monotonic() - started < 2


def test_lock_file_that_is_a_symlink_is_not_followed(tmp_path):
    cache = TokenCache(str(tmp_path / "c"))
    cache.store("k", FRESH)
    lock_path = cache.path("k")[:-len(".json")] + ".lock"
    target = tmp_path / "victim"
    target.write_text("keep")
    os.symlink(str(target), lock_path)
    with cache.lock("k"):
        pass
    assert target.read_text() == "keep"
    assert os.path.islink(lock_path)


def test_unwritable_cache_warns_once_and_the_run_goes_on(tmp_path):
    directory = tmp_path / "c"
    directory.mkdir(mode=0o700)
    cache = TokenCache(str(directory))
    os.chmod(str(directory), 0o500)
    try:
        if os.access(str(directory), os.W_OK):
            pytest.skip("running as a user who can write anywhere (root)")
        cache.store("k", FRESH)
        cache.store("k2", FRESH)
        warnings = cache.pop_warnings()
        assert len(warnings) == 1 and "cannot be written" in warnings[0]
        assert FRESH["token"] not in warnings[0]
    finally:
        os.chmod(str(directory), 0o700)


def test_cache_file_never_appears_in_warnings(tmp_path):
    cache = TokenCache(str(tmp_path / "c"))
    cache.store("k", FRESH)
    with open(cache.path("k"), "w") as handle:
        handle.write('{"token": "leaky-token-value", "expires_at": 5}')
    assert cache.load("k") is None
    assert "leaky-token-value" not in json.dumps(cache.pop_warnings())


def test_cache_that_cannot_be_created_warns_once(tmp_path):
    (tmp_path / "plain-file").write_text("x")
    cache = TokenCache(str(tmp_path / "plain-file" / "tokens"))  # works as root too: a file is in the way
    cache.store("k", FRESH)
    cache.store("k", FRESH)
    assert cache.load("k") is None
    warnings = cache.pop_warnings()
    assert len(warnings) == 1 and "cannot be written" in warnings[0]

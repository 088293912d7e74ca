# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Retries, Retry-After, connection resets and the no-resend rule, against a real local HTTP server."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import email.utils
import time

import pytest

from ansible_collections.fleetops.cloud.plugins.module_utils.client import CloudClient, encode_multipart
from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ApiError, OutcomeUnknownError
from ansible_collections.fleetops.cloud.plugins.module_utils.transport import (
    FAST_FAIL_RETRIES,
    Transport,
    parse_retry_after,
)
from ansible_collections.fleetops.cloud.tests.unit.conftest import RESET, HANG, reply


class Sleeps(object):
    """Records the pauses the transport asks for, and sleeps only a tiny bit."""

    def __init__(self):
        self.calls = []

    def __call__(self, seconds):
        self.calls.append(seconds)
        time.sleep(min(seconds, 0.01))


def _client(cloud, sleeps=None, **params):
    base = dict(token="given-token", endpoints=dict(ucs=cloud.base + "/ucs", iam=cloud.base + "/iam"),
                max_retries=3, api_timeout=5)
    base.update(params)
    return CloudClient(base, backoff_base=0.05, backoff_cap=0.2, retry_budget=10, sleep=sleeps or Sleeps())


def test_retry_on_429_with_retry_after_seconds(fake_cloud):
    fake_cloud.script("GET", "/ucs/v1/clusters", reply(429, {"error_code": "UCS.01000002", "error_msg": "slow down"},
                                                       {"Retry-After": "1"}), reply(200, {"items": [], "total": 0}))
    sleeps = Sleeps()
    resp = _client(fake_cloud, sleeps).call("ucs", "GET", "/v1/clusters")
    assert resp.body == {"items": [], "total": 0}
    assert fake_cloud.count("GET", "/ucs/v1/clusters") == 2
    assert sleeps.calls == [1.0]


def test_retry_on_429_with_retry_after_http_date(fake_cloud):
    when = email.utils.formatdate(time.time() + 3, usegmt=True)
    fake_cloud.script("GET", "/ucs/v1/clusters", reply(429, "", {"Retry-After": when}), reply(200, {"ok": 1}))
    sleeps = Sleeps()
    _client(fake_cloud, sleeps).call("ucs", "GET", "/v1/clusters")
    assert fake_cloud.count("GET", "/ucs/v1/clusters") == 2
    assert len(sleeps.calls) == 1 and 1.0 <= sleeps.calls[0] <= 3.5


def test_retry_on_429_without_retry_after_uses_backoff(fake_cloud):
    fake_cloud.script("GET", "/ucs/v1/clusters", reply(429, ""), reply(429, ""), reply(200, {"ok": 1}))
    sleeps = Sleeps()
    _client(fake_cloud, sleeps).call("ucs", "GET", "/v1/clusters")
    assert fake_cloud.count("GET", "/ucs/v1/clusters") == 3
    assert len(sleeps.calls) == 2
    assert 0.025 <= sleeps.calls[0] <= 0.05 and 0.05 <= sleeps.calls[1] <= 0.1


def test_backoff_is_capped_and_jittered():
    transport = Transport(backoff_base=1, backoff_cap=20)
    delays = [transport.backoff(10) for dummy in range(50)]
    assert all(10 <= d <= 20 for d in delays)
    assert len(set(delays)) > 1
    assert transport.backoff(3, retry_after=7) == 7


def test_retries_are_bounded_in_count(fake_cloud):
    fake_cloud.script("GET", "/ucs/v1/clusters", reply(503, {"error_code": "UCS.00000503", "error_msg": "down"}))
    with pytest.raises(ApiError) as info:
        _client(fake_cloud, max_retries=2).call("ucs", "GET", "/v1/clusters")
    assert info.value.status == 503
    assert fake_cloud.count("GET", "/ucs/v1/clusters") == 3


def test_retries_are_bounded_in_time(fake_cloud):
    fake_cloud.script("GET", "/ucs/v1/clusters", reply(503, "down", {"Retry-After": "30"}))
    client = CloudClient(dict(token="t", endpoints=dict(ucs=fake_cloud.base + "/ucs"), max_retries=50),
                         retry_budget=5, sleep=Sleeps())
    started = time.monotonic()
    with pytest.raises(ApiError) as info:
        client.call("ucs", "GET", "/v1/clusters")
    assert info.value.status == 503
    assert time.monotonic() - started < 3
    assert fake_cloud.count() == 1  # Retry-After beyond the budget: give up at once


def test_retry_on_503_then_success(fake_cloud):
    fake_cloud.script("PUT", "/ucs/v1/clustergroups/g1/description", reply(503, "unavailable"),
                      reply(200, "update success"))
    resp = _client(fake_cloud).call("ucs", "PUT", "/v1/clustergroups/g1/description", json={"description": "x"})
    assert resp.body == "update success"
    assert fake_cloud.count("PUT") == 2


def test_connection_reset_is_retried_for_reads(fake_cloud):
    fake_cloud.script("GET", "/ucs/v1/clusters", RESET, reply(200, {"items": [1]}))
    resp = _client(fake_cloud).call("ucs", "GET", "/v1/clusters")
    assert resp.body == {"items": [1]}
    assert fake_cloud.count("GET", "/ucs/v1/clusters") == 2


def test_create_not_resent_after_reset(fake_cloud):
    fake_cloud.script("POST", "/ucs/v1/clustergroups", RESET, reply(201, {"uid": "g1"}))
    with pytest.raises(OutcomeUnknownError) as info:
        _client(fake_cloud).call("ucs", "POST", "/v1/clustergroups", json={"metadata": {"name": "f"}}, create=True)
    assert fake_cloud.count("POST", "/ucs/v1/clustergroups") == 1
    assert info.value.status is None
    assert "may or may not" in str(info.value)
    assert info.value.to_dict()["code"] == "OutcomeUnknown"


@pytest.mark.parametrize("status", [502, 503, 504])
def test_create_not_resent_after_gateway_error(fake_cloud, status):
    fake_cloud.script("POST", "/ucs/v1/clustergroups", reply(status, "gateway"), reply(201, {"uid": "g1"}))
    with pytest.raises(OutcomeUnknownError):
        _client(fake_cloud).call("ucs", "POST", "/v1/clustergroups", json={}, create=True)
    assert fake_cloud.count("POST", "/ucs/v1/clustergroups") == 1


def test_create_not_resent_after_read_timeout(fake_cloud):
    fake_cloud.script("POST", "/ucs/v1/clustergroups", HANG)
    client = _client(fake_cloud, api_timeout=1)
    with pytest.raises(OutcomeUnknownError) as info:
        client.call("ucs", "POST", "/v1/clustergroups", json={}, create=True)
    assert "timed out: no answer within api_timeout (1 s)" in info.value.message
    assert fake_cloud.count("POST", "/ucs/v1/clustergroups") == 1


def test_create_is_retried_after_429(fake_cloud):
    fake_cloud.script("POST", "/ucs/v1/clustergroups", reply(429, "", {"Retry-After": "0"}), reply(201, {"uid": "g1"}))
    resp = _client(fake_cloud).call("ucs", "POST", "/v1/clustergroups", json={}, create=True)
    assert resp.status == 201 and resp.body == {"uid": "g1"}
    assert fake_cloud.count("POST", "/ucs/v1/clustergroups") == 2


def test_500_is_not_retried_for_writes(fake_cloud):
    fake_cloud.script("POST", "/ucs/v1/clustergroups", reply(500, {"error_code": "UCS.00000500", "error_msg": "boom"}))
    with pytest.raises(ApiError) as info:
        _client(fake_cloud).call("ucs", "POST", "/v1/clustergroups", json={}, create=True)
    assert info.value.status == 500 and not isinstance(info.value, OutcomeUnknownError)
    assert fake_cloud.count("POST") == 1


def test_non_create_post_is_retried_after_reset(fake_cloud):
    fake_cloud.script("POST", "/ucs/v1/clusters/c1/join", RESET, reply(200, "join success"))
    resp = _client(fake_cloud).call("ucs", "POST", "/v1/clusters/c1/join", json={"clusterGroupID": "g"})
    assert resp.body == "join success"
    assert fake_cloud.count("POST") == 2


def test_connect_error_is_retried_even_for_create(dead_port):
    sleeps = Sleeps()
    client = CloudClient(dict(token="t", endpoints=dict(ucs="http://127.0.0.1:%d/ucs" % dead_port), max_retries=2),
                         backoff_base=0.01, sleep=sleeps)
    with pytest.raises(ApiError) as info:
        client.call("ucs", "POST", "/v1/clustergroups", json={}, create=True)
    assert not isinstance(info.value, OutcomeUnknownError)
    assert info.value.code == "ConnectionError"
    assert "3 attempt" in info.value.message
    assert client.transport.attempts == 3
    assert len(sleeps.calls) == 2


def test_connection_refused_fails_fast_with_url_and_hint(dead_port):
    """Issue 14 item 9: before, a refused connection was retried for the whole budget (max_retries 5, 180 s)."""
    sleeps = Sleeps()
    client = CloudClient(dict(token="t", endpoints=dict(ucs="http://127.0.0.1:%d/ucs" % dead_port)), sleep=sleeps)
    with pytest.raises(ApiError) as info:
        client.call("ucs", "GET", "/v1/clusters")
    error = info.value
    assert client.transport.attempts == FAST_FAIL_RETRIES + 1 < 6
    assert sum(sleeps.calls) <= FAST_FAIL_RETRIES * 1.0
    assert "refused" in error.message and "127.0.0.1:%d" % dead_port in error.message
    assert "emulator" in error.hint and "up" in error.hint


def test_read_timeout_says_it_was_a_timeout(fake_cloud):
    fake_cloud.script("GET", "/ucs/v1/clusters", HANG)
    client = _client(fake_cloud, api_timeout=0.5, max_retries=1)
    with pytest.raises(ApiError) as info:
        client.call("ucs", "GET", "/v1/clusters")
    assert "timed out" in info.value.message and "0.5 s" in info.value.message
    assert "api_timeout" in info.value.hint


def test_500_is_retried_for_reads(fake_cloud):
    """Issue 15 item 7: a read is retried on 500 like on 502/503, with the same backoff."""
    sleeps = Sleeps()
    fake_cloud.script("GET", "/ucs/v1/clusters", reply(500, {"error_code": "UCS.01000006", "error_msg": "boom"}),
                      reply(200, {"items": []}))
    assert _client(fake_cloud, sleeps).call("ucs", "GET", "/v1/clusters").body == {"items": []}
    assert fake_cloud.count("GET") == 2 and len(sleeps.calls) == 1


def test_500_is_not_retried_for_idempotent_writes(fake_cloud):
    fake_cloud.script("PUT", "/ucs/v1/clustergroups/g1", reply(500, {"error_code": "UCS.01000006", "error_msg": "x"}))
    with pytest.raises(ApiError) as info:
        _client(fake_cloud).call("ucs", "PUT", "/v1/clustergroups/g1", json={})
    assert info.value.status == 500 and fake_cloud.count("PUT") == 1
    assert "may or may not have been applied" in info.value.full_message()


def test_a_post_that_changes_nothing_is_retried_like_a_read(fake_cloud):
    """Heat's POST /validate (and the update preview) change nothing: a 500 is retried, and no write is counted."""
    sleeps = Sleeps()
    fake_cloud.script("POST", "/ucs/v1/validate", reply(500, {"error_code": "X.500", "error_msg": "boom"}),
                      reply(503, ""), reply(200, {"Parameters": {}}))
    client = _client(fake_cloud, sleeps)
    assert client.call("ucs", "POST", "/v1/validate", json={}, read=True).body == {"Parameters": {}}
    assert fake_cloud.count("POST") == 3 and len(sleeps.calls) == 2
    assert client.writes_sent == 0 and client.writes_unknown == 0


def test_timeout_is_set_on_every_connection(fake_cloud):
    client = _client(fake_cloud, api_timeout=7)
    fake_cloud.script("GET", "/ucs/v1/clusters", reply(200, {}))
    client.call("ucs", "GET", "/v1/clusters")
    assert [connection.sock.gettimeout() for connection in client.transport._pool.values()] == [7.0]


def test_one_connection_carries_the_calls(fake_cloud):
    fake_cloud.script("GET", "/ucs/v1/clusters", reply(200, {}))
    fake_cloud.script("PUT", "/ucs/v1/clusters/c1", reply(200, {}))
    client = _client(fake_cloud)
    for dummy in range(3):
        client.call("ucs", "GET", "/v1/clusters")
    client.call("ucs", "PUT", "/v1/clusters/c1", json={"a": 1})
    assert len(fake_cloud.requests) == 4
    assert len(set(record["peer"] for record in fake_cloud.requests)) == 1


def test_a_connection_the_server_closed_is_replaced_before_a_create(fake_cloud):
    """A server may close an idle keep-alive connection without saying so: the create goes on a new one, once."""
    def answer_then_hang_up(handler, record):
        handler.close_connection = True
        return reply(200, {"items": []})

    fake_cloud.script("GET", "/ucs/v1/clusters", answer_then_hang_up)
    fake_cloud.script("POST", "/ucs/v1/clusters", reply(201, {"id": "c1"}))
    client = _client(fake_cloud)
    client.call("ucs", "GET", "/v1/clusters")
    deadline = time.time() + 5
    while time.time() < deadline and not _closed_by_peer(client):
        time.sleep(0.01)
    assert client.call("ucs", "POST", "/v1/clusters", json={}, create=True).body == {"id": "c1"}
    assert fake_cloud.count("POST", "/ucs/v1/clusters") == 1
    assert client.writes_unknown == 0
    assert len(set(record["peer"] for record in fake_cloud.requests)) == 2


def _closed_by_peer(client):
    import select
    socks = [connection.sock for connection in client.transport._pool.values() if connection.sock is not None]
    return bool(socks) and bool(select.select(socks, [], [], 0)[0])


def test_http_proxy_from_the_environment_with_credentials(fake_cloud, monkeypatch):
    """A plain http endpoint through HTTP_PROXY: the absolute URL on the request line, the proxy's credentials in
    Proxy-Authorization; a host in NO_PROXY is reached directly."""
    proxy = fake_cloud.base.replace("http://", "http://scott:ti%3Ager@")
    monkeypatch.setenv("HTTP_PROXY", proxy)
    monkeypatch.setenv("NO_PROXY", "direct.invalid")
    fake_cloud.script("GET", "/ucs/v1/clusters", reply(200, {"items": []}))
    client = CloudClient(dict(token="given-token", endpoints=dict(ucs="http://ucs.example.invalid/ucs"), max_retries=0,
                              api_timeout=5))
    assert client.call("ucs", "GET", "/v1/clusters").body == {"items": []}
    record = fake_cloud.requests[-1]
    assert record["target"] == "http://ucs.example.invalid:80/ucs/v1/clusters"
    assert record["headers"]["Proxy-Authorization"] == "Basic c2NvdHQ6dGk6Z2Vy"  # scott:ti:ger
    assert record["headers"]["X-Auth-Token"] == "given-token"
    direct = CloudClient(dict(token="given-token", endpoints=dict(ucs="http://direct.invalid/ucs"), max_retries=0,
                              api_timeout=5), sleep=Sleeps())
    with pytest.raises(ApiError) as info:  # a reserved name: no DNS answer, and never the proxy
        direct.call("ucs", "GET", "/v1/clusters")
    assert info.value.status is None and info.value.code == "ConnectionError"
    assert len(fake_cloud.requests) == 1


def test_an_https_proxy_url_is_refused_before_anything_is_sent(fake_cloud, monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "https://proxy.example.invalid:3128")
    client = CloudClient(dict(token="given-token", endpoints=dict(ucs="https://ucs.example.invalid/ucs"), max_retries=0))
    with pytest.raises(ApiError) as info:
        client.call("ucs", "POST", "/v1/clusters", json={}, create=True)
    assert "http:// URL" in info.value.message
    assert client.writes_sent == 0


def test_multipart_body_fields_and_files():
    import email.parser
    body, content_type = encode_multipart(files=[
        ("parameters", (None, '{"env_name": "e"}', "application/json")),
        ("wdl", ('main "v2".wdl', b"workflow w {}\n", "application/octet-stream")),
    ])
    message = email.parser.BytesParser().parsebytes(b"Content-Type: " + content_type.encode("ascii") + b"\r\n\r\n" + body)
    parts = message.get_payload()
    assert [part.get_param("name", header="Content-Disposition") for part in parts] == ["parameters", "wdl"]
    assert parts[0].get_filename() is None and parts[0].get_content_type() == "application/json"
    assert parts[0].get_payload(decode=True) == b'{"env_name": "e"}'
    assert parts[1].get_filename() == "main %22v2%22.wdl"
    assert parts[1].get_payload(decode=True) == b"workflow w {}\n"


def test_parse_retry_after():
    assert parse_retry_after("5") == 5.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    now = time.time()
    assert 9 <= parse_retry_after(email.utils.formatdate(now + 10, usegmt=True), now=now) <= 10
    assert parse_retry_after(email.utils.formatdate(now - 100, usegmt=True), now=now) == 0


def test_netrc_never_replaces_auth_headers(fake_cloud, tmp_path, monkeypatch):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login someone password netrc-pass\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    fake_cloud.script("GET", "/ucs/v1/clusters", reply(200, {}))
    CloudClient(dict(access_key="AK", secret_key="SK-secret", domain_id="d",
                     endpoints=dict(ucs=fake_cloud.base + "/ucs"))).call("ucs", "GET", "/v1/clusters")
    assert fake_cloud.requests[0]["headers"]["Authorization"].startswith("SDK-HMAC-SHA256 ")

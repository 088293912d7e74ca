# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a failure message says about the writes of the run: not sent, refused, unknown, or earlier writes made."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time

import pytest

from ansible_collections.fleetops.cloud.plugins.module_utils.client import CloudClient
from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ApiError, OutcomeUnknownError
from ansible_collections.fleetops.cloud.tests.unit.conftest import RESET, reply

UNKNOWN = "may or may not have been applied; run the task again (the module compares before it writes)"


def _client(cloud, **params):
    base = dict(token="given-token", endpoints=dict(ucs=cloud.base + "/ucs", iam=cloud.base + "/iam"),
                max_retries=2, api_timeout=5)
    base.update(params)
    return CloudClient(base, backoff_base=0.01, backoff_cap=0.02, retry_budget=5, sleep=lambda s: time.sleep(min(s, 0.01)))


def _fail(client, method, path, **kwargs):
    with pytest.raises(ApiError) as info:
        client.call("ucs", method, path, **kwargs)
    return info.value


def test_read_exhausting_retries_says_nothing_was_sent(fake_cloud):
    fake_cloud.script("GET", "/ucs/v1/clustergroups", reply(503, "busy"))
    error = _fail(_client(fake_cloud), "GET", "/v1/clustergroups")
    assert error.status == 503 and error.write_outcome is None
    assert fake_cloud.count("GET", "/ucs/v1/clustergroups") == 3
    assert error.full_message().startswith("GET http")
    assert "Nothing was changed: no write had been sent." in error.full_message()


def test_create_refused_with_429_says_not_applied(fake_cloud):
    fake_cloud.script("POST", "/ucs/v1/clustergroups", reply(429, {"error_code": "UCS.01000002", "error_msg": "slow"}))
    error = _fail(_client(fake_cloud), "POST", "/v1/clustergroups", json={}, create=True)
    assert not isinstance(error, OutcomeUnknownError)
    assert error.status == 429 and error.write_outcome == "refused"
    assert fake_cloud.count("POST", "/ucs/v1/clustergroups") == 3
    msg = error.full_message()
    assert "The write was refused and not applied: nothing was changed." in msg
    assert "throttled" in msg  # the hint is still there


@pytest.mark.parametrize("method,what", [("PUT", "update"), ("DELETE", "deletion")])
def test_idempotent_write_with_gateway_errors_says_unknown(fake_cloud, method, what):
    fake_cloud.script(method, "/ucs/v1/clustergroups/g1", reply(503, "busy"))
    error = _fail(_client(fake_cloud), method, "/v1/clustergroups/g1", json={"description": "x"})
    assert error.status == 503 and error.write_outcome == "unknown"
    assert fake_cloud.count(method, "/ucs/v1/clustergroups/g1") == 3
    assert "the %s %s" % (what, UNKNOWN) in error.full_message()


def test_put_with_500_says_unknown(fake_cloud):
    fake_cloud.script("PUT", "/ucs/v1/clustergroups/g1", reply(500, {"error_code": "UCS.00000500", "error_msg": "boom"}))
    error = _fail(_client(fake_cloud), "PUT", "/v1/clustergroups/g1", json={})
    assert fake_cloud.count("PUT") == 1
    assert error.write_outcome == "unknown" and UNKNOWN in error.full_message()


def test_put_503_then_429_is_still_unknown(fake_cloud):
    fake_cloud.script("PUT", "/ucs/v1/clustergroups/g1", reply(503, "busy"), reply(429, ""))
    error = _fail(_client(fake_cloud), "PUT", "/v1/clustergroups/g1", json={})
    assert error.status == 429 and error.write_outcome == "unknown"


def test_delete_reset_every_time_says_unknown(fake_cloud):
    fake_cloud.script("DELETE", "/ucs/v1/clustergroups/g1", RESET)
    error = _fail(_client(fake_cloud), "DELETE", "/v1/clustergroups/g1")
    assert error.status is None and error.code == "ConnectionError"
    assert fake_cloud.count("DELETE") == 3
    assert "the deletion " + UNKNOWN in error.full_message()


def test_write_that_never_connected_says_not_sent(dead_port):
    client = CloudClient(dict(token="t", endpoints=dict(ucs="http://127.0.0.1:%d/ucs" % dead_port), max_retries=1),
                         backoff_base=0.01, sleep=lambda s: None)
    with pytest.raises(ApiError) as info:
        client.call("ucs", "PUT", "/v1/clustergroups/g1", json={})
    assert info.value.write_outcome == "not_sent"
    assert "The write was not sent: nothing was changed." in info.value.full_message()


def test_bad_request_on_write_says_refused(fake_cloud):
    fake_cloud.script("PUT", "/ucs/v1/clustergroups/g1", reply(400, {"error_code": "UCS.00000400", "error_msg": "bad"}))
    error = _fail(_client(fake_cloud), "PUT", "/v1/clustergroups/g1", json={})
    assert fake_cloud.count("PUT") == 1
    assert "The write was refused and not applied: nothing was changed." in error.full_message()


def test_failure_after_an_applied_write_does_not_claim_nothing_changed(fake_cloud):
    fake_cloud.script("POST", "/ucs/v1/clustergroups", reply(201, {"uid": "g1"}))
    fake_cloud.script("GET", "/ucs/v1/clustergroups/g1", reply(503, "busy"))
    fake_cloud.script("PUT", "/ucs/v1/clustergroups/g1", reply(429, ""))
    client = _client(fake_cloud)
    client.call("ucs", "POST", "/v1/clustergroups", json={}, create=True)
    read = _fail(client, "GET", "/v1/clustergroups/g1")
    assert "Nothing was changed" not in read.full_message()
    assert "Earlier writes of this task were (or may have been) applied" in read.full_message()
    write = _fail(client, "PUT", "/v1/clustergroups/g1", json={})
    assert "nothing was changed" not in write.full_message().lower()
    assert "refused and not applied, but earlier writes" in write.full_message()
    assert (client.writes_applied, client.writes_sent) == (1, 2)


def test_read_after_refused_write_says_every_write_was_refused(fake_cloud):
    fake_cloud.script("POST", "/ucs/v1/clustergroups", reply(409, {"error_code": "UCS.01030003", "error_msg": "taken"}))
    fake_cloud.script("GET", "/ucs/v1/clustergroups", reply(503, "busy"))
    client = _client(fake_cloud)
    _fail(client, "POST", "/v1/clustergroups", json={}, create=True)
    error = _fail(client, "GET", "/v1/clustergroups")
    assert "Nothing was changed: every write was refused." in error.full_message()


def test_outcome_unknown_create_keeps_its_own_message(fake_cloud):
    fake_cloud.script("POST", "/ucs/v1/clustergroups", reply(502, "gateway"))
    client = _client(fake_cloud)
    with pytest.raises(OutcomeUnknownError) as info:
        client.call("ucs", "POST", "/v1/clustergroups", json={}, create=True)
    assert info.value.outcome_note is None
    assert "may or may not have been applied" in info.value.full_message()
    assert "Nothing was changed" not in info.value.full_message()
    assert client.writes_unknown == 1

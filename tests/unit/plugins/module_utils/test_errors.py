# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Error mapping of the three error formats and response body parsing, through a real server."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.fleetops.cloud.plugins.module_utils.client import CloudClient, parse_body
from ansible_collections.fleetops.cloud.plugins.module_utils.errors import (
    ApiError,
    OutcomeUnknownError,
    hint_for,
    parse_error_body,
    redact_url,
)
from ansible_collections.fleetops.cloud.tests.unit.conftest import reply


def _client(cloud):
    return CloudClient(dict(token="given-token", max_retries=0,
                            endpoints=dict(ucs=cloud.base + "/ucs", bce=cloud.base + "/bce",
                                           orchestration=cloud.base + "/heat/v1/p1")))


def test_ucs_error_code_format(fake_cloud):
    fake_cloud.script("POST", "/ucs/v1/clustergroups",
                      reply(409, {"error_code": "UCS.01100004", "error_msg": "fleet name already exists"},
                            {"X-Request-Id": "req-409"}))
    with pytest.raises(ApiError) as info:
        _client(fake_cloud).call("ucs", "POST", "/v1/clustergroups", json={}, create=True)
    err = info.value
    assert (err.status, err.code, err.message, err.request_id) == (409, "UCS.01100004", "fleet name already exists", "req-409")
    assert err.method == "POST" and err.url == fake_cloud.base + "/ucs/v1/clustergroups"
    assert "name is already taken" in err.hint
    assert err.to_dict() == dict(status=409, code="UCS.01100004", message="fleet name already exists",
                                 request_id="req-409", method="POST", url=fake_cloud.base + "/ucs/v1/clustergroups",
                                 hint=err.hint)
    assert "UCS.01100004" in err.full_message() and err.hint in err.full_message()


def test_bce_error_with_request_id_in_body(fake_cloud):
    fake_cloud.script("GET", "/bce/v1/p1/clusters/x",
                      reply(404, {"error_code": "BCE.01010004", "error_msg": "cluster not found", "extend": {},
                                  "show_detail": "", "request_id": "body-req"}))
    with pytest.raises(ApiError) as info:
        _client(fake_cloud).call("bce", "GET", "/v1/p1/clusters/x", query={"token": "leak-me"})
    err = info.value
    assert (err.status, err.code, err.request_id) == (404, "BCE.01010004", "body-req")
    assert "not found" in err.hint
    assert "leak-me" not in err.url and "leak-me" not in str(err)


def test_heat_error_title_format(fake_cloud):
    fake_cloud.script("POST", "/heat/v1/p1/stacks",
                      reply(409, {"error": {"code": 409, "title": "Conflict", "message": "The Stack (web) already exists."}},
                            {"X-Openstack-Request-Id": "req-heat"}))
    with pytest.raises(ApiError) as info:
        _client(fake_cloud).call("orchestration", "POST", "/stacks", json={"stack_name": "web"}, create=True)
    err = info.value
    assert (err.status, err.code, err.message, err.request_id) == (409, "Conflict", "The Stack (web) already exists.", "req-heat")


def test_heat_error_code_only():
    assert parse_error_body({"error": {"code": 400, "message": "bad template"}}) == ("400", "bad template", None)


def test_plain_text_error(fake_cloud):
    fake_cloud.script("GET", "/ucs/v1/clusters/c1/accessinfo", reply(400, "已下载"))
    with pytest.raises(ApiError) as info:
        _client(fake_cloud).call("ucs", "GET", "/v1/clusters/c1/accessinfo")
    assert (info.value.status, info.value.code, info.value.message) == (400, None, "已下载")


def test_plain_text_and_empty_2xx_bodies(fake_cloud):
    fake_cloud.script("PUT", "/ucs/v1/clusters/c1", reply(200, "update completed successfully"))
    fake_cloud.script("DELETE", "/ucs/v1/clusters/c1", reply(200, b""))
    fake_cloud.script("GET", "/ucs/v1/clusters/c1", reply(200, {"metadata": {"name": "c"}}))
    manifests = reply(200, b'[{"kind": "Deployment"}]', {"Content-Type": "text/plain"})
    fake_cloud.script("GET", "/ucs/v1/clusters/c1/accessinfo", manifests)
    client = _client(fake_cloud)
    assert client.call("ucs", "PUT", "/v1/clusters/c1", json={}).body == "update completed successfully"
    assert client.call("ucs", "DELETE", "/v1/clusters/c1").body is None
    assert client.call("ucs", "GET", "/v1/clusters/c1").body == {"metadata": {"name": "c"}}
    assert client.call("ucs", "GET", "/v1/clusters/c1/accessinfo").body == [{"kind": "Deployment"}]


def test_parse_body_variants():
    assert parse_body(b"") is None
    assert parse_body(b"   ") is None
    assert parse_body(b"update success", "text/plain") == "update success"
    assert parse_body(b'{"a": 1}', "application/json") == {"a": 1}
    assert parse_body(b"{not json", "application/json") == "{not json"


@pytest.mark.parametrize("status,code,message,word", [
    (403, "UCS.00000017", "", "quota"),
    (400, "UCS.01000017", "Insufficient quota", "quota"),
    (400, "UCS.01080006", "Cluster group has not been federalized", "federation"),
    (400, "UCS.01010004", "get deployment region's projectID error", "project"),
    (409, "UCS.01030003", "", "already taken"),
    (400, "UCS.01100004", "", "already taken"),
    (404, None, "", "not found"),
    (429, "UCS.01000002", "", "throttled"),
    (400, "UCS.01000002", "", "throttled"),
    (401, None, "", "rejected"),
    (403, None, "forbidden", "permission"),
])
def test_hints(status, code, message, word):
    assert word in hint_for(status, code, message)


def test_no_hint_for_unknown():
    assert hint_for(400, "UCS.99999999", "bad") is None
    assert hint_for(400, "UCS.01000018", "Quota info validate failed") is None


def test_hints_never_read_the_wording():
    # the same status and code give the same hint whatever the message says
    assert hint_for(400, "BCE.00000001", "quota insufficient for pools") is None
    assert hint_for(403, None, "Quota exceeded for fleets") == hint_for(403, None, "")


def test_redact_url():
    url = redact_url("https://u:p@h/x?limit=1&X-Auth-Token=abc&password=pw&name=n")
    assert "abc" not in url and "pw" not in url and "u:p" not in url
    assert "limit=1" in url and "name=n" in url


def test_outcome_unknown_is_api_error():
    err = OutcomeUnknownError(method="POST", url="https://h/v1/x", reason="reset")
    assert isinstance(err, ApiError) and err.status is None
    assert "may or may not" in err.full_message()

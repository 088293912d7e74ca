# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Path segments: an id or name is sent and signed as one encoded segment, never as '/' or '..' (issue 15 item 1)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from urllib.parse import unquote

import pytest

from ansible_collections.fleetops.cloud.plugins.module_utils.client import CloudClient
from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ConfigurationError
from ansible_collections.fleetops.cloud.plugins.module_utils.paths import segment
from ansible_collections.fleetops.cloud.tests.unit.conftest import PROJECT_ID, reply

sdk_signer = pytest.importorskip("huaweicloudsdkcore.signer.signer")
sdk_request = pytest.importorskip("huaweicloudsdkcore.sdk_request")
sdk_credentials = pytest.importorskip("huaweicloudsdkcore.auth.credentials")

INJECTIONS = ["../clusters/pool-1", "a/b", "x?y=1", "x#frag", "%2E%2E", "..%2F..%2Fclusters", "100%", "sp ace", "日本"]


@pytest.mark.parametrize("value", INJECTIONS)
def test_segment_is_one_segment(value):
    encoded = segment(value, "execution id")
    assert "/" not in encoded and "?" not in encoded and "#" not in encoded
    assert unquote(encoded) == value


@pytest.mark.parametrize("value", ["", " ", ".", "..", None, ["x"], "a\nb", "a\x00b", "tab\there", "del\x7f"])
def test_segment_refuses_what_cannot_be_a_segment(value):
    with pytest.raises(ConfigurationError, match="execution id"):
        segment(value, "execution id")


def test_segment_accepts_integers():
    assert segment(42) == "42"


def _token_client(cloud):
    return CloudClient(dict(token="given-token-123", project_id=PROJECT_ID, domain_id="dom-1",
                            endpoints=dict(iam=cloud.base + "/iam", bce=cloud.base + "/bce", ucs=cloud.base + "/ucs")))


def _aksk_client(cloud):
    return CloudClient(dict(access_key="AKPATHS", secret_key="SKPATHS-secret", project_id=PROJECT_ID, domain_id="dom-1",
                            endpoints=dict(iam=cloud.base + "/iam", bce=cloud.base + "/bce", ucs=cloud.base + "/ucs")))


@pytest.mark.parametrize("make_client", [_token_client, _aksk_client], ids=["token", "aksk"])
def test_encoded_segment_is_sent_as_encoded(fake_cloud, make_client):
    """Before the fix, ``..%2Fclusters%2Fpool-1`` was decoded and sent as ``../clusters/pool-1`` (and the HTTP stack
    resolved it to the pool): the execution id reached another resource."""
    client = make_client(fake_cloud)
    path = "/v1/{project_id}/executions/%s" % segment("../clusters/pool-1", "execution id")
    with pytest.raises(Exception):
        client.call("bce", "GET", path)  # unscripted: 404, and nothing else than this path was asked for
    sent = [r["raw_path"] for r in fake_cloud.requests if r["raw_path"].startswith("/bce/")]
    assert sent == ["/bce/v1/%s/executions/..%%2Fclusters%%2Fpool-1" % PROJECT_ID]
    assert not any("/clusters/pool-1" in r["raw_path"] for r in fake_cloud.requests)


def test_signature_of_an_encoded_segment_verifies_server_side(fake_cloud):
    """The gateway recomputes the signature from the raw path it received (official algorithm)."""
    raw = "/bce/v1/%s/executions/a%%2Fb%%20c" % PROJECT_ID
    fake_cloud.script("GET", raw, reply(200, {"ok": True}))
    client = _aksk_client(fake_cloud)
    assert client.call("bce", "GET", "/v1/{project_id}/executions/%s" % segment("a/b c")).body == {"ok": True}
    record = [r for r in fake_cloud.requests if r["raw_path"] == raw][0]
    headers = dict((k.lower(), v) for k, v in record["headers"].items())
    auth = headers["authorization"]
    names = auth.split("SignedHeaders=")[1].split(",")[0].split(";")
    credentials = sdk_credentials.BasicCredentials(ak="AKPATHS", sk="SKPATHS-secret")
    request = sdk_request.SdkRequest(method="GET", schema="http", host=headers["host"], resource_path=record["raw_path"],
                                     query_params=[], header_params=dict((n, headers[n]) for n in names), body="")
    assert sdk_signer.Signer(credentials).sign(request).header_params["Authorization"] == auth


@pytest.mark.parametrize("path", ["/v1/{project_id}/executions/../clusters/pool-1", "/v1/{project_id}/executions/%2E%2E",
                                  "/v1/./clusters"])
def test_dot_segments_are_refused_before_any_call(fake_cloud, path):
    client = _token_client(fake_cloud)
    with pytest.raises(ConfigurationError, match="'\\.' or '\\.\\.'"):
        client.call("bce", "GET", path)
    assert not [r for r in fake_cloud.requests if r["raw_path"].startswith("/bce/")]

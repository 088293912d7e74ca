# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the pure helpers of ucs_fleet_kubeconfig (parsing, expiry, reuse, atomic 0600 write)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import datetime
import json
import os
import stat

import pytest

from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ApiError
from ansible_collections.fleetops.cloud.plugins.modules import ucs_fleet_kubeconfig as kc

UTC = datetime.timezone.utc


def kubeconfig(cert_data="", server="https://10.1.2.3:5443", marker=None):
    config = {"kind": "Config", "apiVersion": "v1",
              "clusters": [{"name": "other", "cluster": {"server": "https://wrong"}},
                           {"name": "fed", "cluster": {"server": server}}],
              "users": [{"name": "user", "user": {"client-certificate-data": cert_data, "token": "secret-token-value"}}],
              "contexts": [{"name": "federation", "context": {"cluster": "fed", "user": "user"}}],
              "current-context": "federation"}
    if marker is not None:
        config["extensions"] = [{"name": kc.MARKER, "extension": marker}]
    return config


def make_cert(days):
    crypto = pytest.importorskip("cryptography")
    del crypto
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, u"fleet-user")])
    now = datetime.datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=days)).sign(key, hashes.SHA256()))
    pem = cert.public_bytes(serialization.Encoding.PEM)
    return base64.b64encode(pem).decode(), cert


def test_parse_kubeconfig_accepts_dict_json_yaml_and_list():
    config = kubeconfig()
    assert kc.parse_kubeconfig(config) == config
    assert kc.parse_kubeconfig(json.dumps(config)) == config
    assert kc.parse_kubeconfig("kind: Config\nclusters: []\n") == {"kind": "Config", "clusters": []}
    assert kc.parse_kubeconfig([json.dumps(config)]) == config
    assert kc.parse_kubeconfig("not: [valid") is None
    assert kc.parse_kubeconfig("just text") is None


def test_facts_follow_the_current_context():
    server, context, user = kc.kubeconfig_facts(kubeconfig())
    assert server == "https://10.1.2.3:5443"
    assert context == "federation"
    assert user["token"] == "secret-token-value"


def test_certificate_expiry_reads_the_client_certificate():
    data, cert = make_cert(10)
    expiry = kc.certificate_expiry({"client-certificate-data": data})
    expected = getattr(cert, "not_valid_after_utc", None) or cert.not_valid_after.replace(tzinfo=UTC)
    assert expiry == expected
    assert kc.certificate_expiry({"client-certificate-data": ""}) is None
    assert kc.certificate_expiry({"client-certificate-data": base64.b64encode(b"garbage").decode()}) is None


def test_read_existing_uses_marker_expiry_when_there_is_no_certificate(tmp_path):
    path = str(tmp_path / "k")
    kc.write_atomically(path, json.dumps(kubeconfig(marker={"fleet_id": "id-f", "fleet_name": "f",
                                                            "expires_at": "2999-01-01T00:00:00Z"})))
    existing = kc.read_existing(path)
    assert existing["fleet_name"] == "f" and existing["fleet_id"] == "id-f"
    assert existing["expires"] == datetime.datetime(2999, 1, 1, tzinfo=UTC)
    assert existing["mode"] == 0o600
    assert "secret-token-value" not in json.dumps(existing, default=str)
    assert kc.read_existing(str(tmp_path / "missing")) is None


def test_certificate_expiry_wins_over_the_marker(tmp_path):
    data, dummy = make_cert(3)
    path = str(tmp_path / "k")
    marker = {"fleet_name": "f", "expires_at": "2999-01-01T00:00:00Z"}
    kc.write_atomically(path, json.dumps(kubeconfig(cert_data=data, marker=marker)))
    existing = kc.read_existing(path)
    assert existing["expires"] < datetime.datetime.now(UTC) + datetime.timedelta(days=4)


def test_write_atomically_is_0600_and_replaces(tmp_path):
    path = str(tmp_path / "k")
    with open(path, "w") as handle:
        handle.write("old")
    os.chmod(path, 0o644)
    kc.write_atomically(path, "new")
    with open(path) as handle:
        assert handle.read() == "new"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert os.listdir(str(tmp_path)) == ["k"]


def test_a_refusal_is_judged_by_its_status_never_its_wording():
    table = ApiError(status=400, code="UCS.01080001", message="Failed to obtain the federation information.")
    worded = ApiError(status=400, code="UCS.01080001", message="the network connection of the federation does not exist")
    assert kc.may_lack_connection(table) and kc.may_lack_connection(worded)
    for status in (401, 403, 429, 500, 503):
        assert not kc.may_lack_connection(ApiError(status=status, code="X", message="connection"))


FLEET_ID = "6efb4a18-2fa4-11ee-ad1d-0255ac1001c4"


class Exited(Exception):
    def __init__(self, result):
        super(Exited, self).__init__("exit")
        self.result = result


class Failed(Exception):
    def __init__(self, result):
        super(Failed, self).__init__(result.get("msg"))
        self.result = result


class FakeUcs(object):
    """kubeconfig/connection answers scripted as lists (each call takes the next; exceptions are raised)."""

    def __init__(self, kubeconfig, connection=()):
        self.kubeconfig = list(kubeconfig)
        self.connection = list(connection)
        self.calls = []

    def resolve_fleet(self, name):
        self.calls.append("resolve")
        return {"metadata": {"name": name, "uid": FLEET_ID}, "spec": {"federationId": "fed"}}

    def _next(self, kind, answers):
        self.calls.append(kind)
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def download_fleet_kubeconfig(self, fleet_id, duration):
        return self._next("kubeconfig", self.kubeconfig)

    def create_fleet_connection(self, fleet_id, project_id, vpc_id, subnet_id):
        return self._next("connection", self.connection)


def run_module(tmp_path, api, **params):
    import types
    module = object.__new__(kc.KubeconfigModule)

    def exit_json(**result):
        raise Exited(result)

    def fail_json(**result):
        raise Failed(result)

    module.module = types.SimpleNamespace(check_mode=False, _diff=False, no_log_values=set(), warn=lambda m: None,
                                          exit_json=exit_json, fail_json=fail_json)
    module.params = dict(dict(fleet="prod", dest=str(tmp_path / "fed.kubeconfig"), duration=30,
                              connection_project_id="proj", vpc_id=None, subnet_id=None, min_valid_days=1,
                              force=False), **params)
    module._client = None
    module.wait_history = []
    module._added_secrets = []
    module._option_secrets = []
    module.api = api
    try:
        module.run()
    except Exited as done:
        return done.result
    raise AssertionError("neither exit nor fail")


TABLE_REFUSAL = ApiError(status=400, code="UCS.01080001", message="Failed to obtain the federation information.")


def test_table_wording_refusal_creates_the_connection_then_downloads(tmp_path):
    api = FakeUcs([TABLE_REFUSAL, kubeconfig()], connection=["ep-1"])
    result = run_module(tmp_path, api, vpc_id="vpc", subnet_id="sub")
    assert api.calls == ["resolve", "kubeconfig", "connection", "kubeconfig"]
    assert result["changed"] and result["connection_created"] and result["connection_id"] == "ep-1"
    # a repeat run mints nothing: the file is valid, no call at all
    again = FakeUcs([])
    assert run_module(tmp_path, again, vpc_id="vpc", subnet_id="sub")["changed"] is False
    assert again.calls == []


def test_connection_already_exists_is_tolerated(tmp_path):
    exists = ApiError(status=400, code="UCS.01080004", message="Cluster group federation validate failed.")
    api = FakeUcs([TABLE_REFUSAL, kubeconfig()], connection=[exists])
    result = run_module(tmp_path, api, vpc_id="vpc", subnet_id="sub")
    assert result["changed"] and result["connection_created"] is False
    assert api.calls == ["resolve", "kubeconfig", "connection", "kubeconfig"]


def test_without_vpc_the_refusal_is_reported_with_the_way_out(tmp_path):
    api = FakeUcs([TABLE_REFUSAL])
    with pytest.raises(Failed) as failed:
        run_module(tmp_path, api)
    assert "give vpc_id and subnet_id" in failed.value.result["msg"]
    assert api.calls == ["resolve", "kubeconfig"]


def test_a_lost_kubeconfig_answer_is_never_asked_again(tmp_path):
    from ansible_collections.fleetops.cloud.plugins.module_utils.errors import OutcomeUnknownError
    api = FakeUcs([OutcomeUnknownError(method="POST", url="/kubeconfig", reason="reset")])
    with pytest.raises(Failed) as failed:
        run_module(tmp_path, api, vpc_id="vpc", subnet_id="sub")
    assert "was not asked again" in failed.value.result["msg"]
    assert api.calls.count("kubeconfig") == 1


@pytest.mark.parametrize("shape", ["dict", "text", "sdk-list"])
def test_the_credentials_of_a_downloaded_kubeconfig_become_secrets_of_the_run(shape):
    import types
    config = kubeconfig(cert_data=base64.b64encode(b"-----BEGIN CERTIFICATE-----\nMIIBfleetusercert0123456789\n").decode())
    body = {"dict": config, "text": json.dumps(config), "sdk-list": [json.dumps(config)]}[shape]
    module = object.__new__(kc.KubeconfigModule)
    module.module = types.SimpleNamespace(no_log_values=set())
    module._added_secrets = []
    module.register_credentials(body)
    assert "secret-token-value" in module._added_secrets
    assert "secret-token-value" in module.module.no_log_values  # AnsibleModule's own output filter knows it too
    assert "MIIBfleetusercert0123456789" in module._added_secrets  # decoded client certificate body
    assert "https://10.1.2.3:5443" not in module._added_secrets  # the server is no secret


@pytest.mark.parametrize("unknown", [
    "lost", ApiError(status=500, code="UCS.01000006", message="Internal server error")], ids=["lost", "500"])
def test_a_connection_create_that_did_not_happen_is_sent_once_more(tmp_path, unknown):
    from ansible_collections.fleetops.cloud.plugins.module_utils.errors import OutcomeUnknownError
    if unknown == "lost":
        unknown = OutcomeUnknownError(method="POST", url="/connection", reason="reset")
    api = FakeUcs([TABLE_REFUSAL, TABLE_REFUSAL, kubeconfig()], connection=[unknown, "ep-2"])
    result = run_module(tmp_path, api, vpc_id="vpc", subnet_id="sub")
    assert api.calls == ["resolve", "kubeconfig", "connection", "kubeconfig", "connection", "kubeconfig"]
    assert result["changed"] and result["connection_created"] and result["connection_id"] == "ep-2"


def test_a_refusal_after_a_connection_that_was_created_is_reported_without_a_second_create(tmp_path):
    api = FakeUcs([TABLE_REFUSAL, TABLE_REFUSAL], connection=["ep-1"])
    with pytest.raises(Failed) as failed:
        run_module(tmp_path, api, vpc_id="vpc", subnet_id="sub")
    assert "before and after" in failed.value.result["msg"]
    assert api.calls == ["resolve", "kubeconfig", "connection", "kubeconfig"]

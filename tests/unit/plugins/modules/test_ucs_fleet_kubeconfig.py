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


def test_no_connection_error_detection():
    missing = ApiError(status=400, code="UCS.01080001", message="the network connection of the federation does not exist")
    not_federated = ApiError(status=400, code="UCS.01080006", message="Cluster group has not been federalized.")
    server = ApiError(status=500, code="UCS.01000006", message="connection pool exhausted")
    assert kc.is_no_connection_error(missing)
    assert not kc.is_no_connection_error(not_federated)
    assert not kc.is_no_connection_error(server)

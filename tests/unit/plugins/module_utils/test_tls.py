# Copyright (c) 2026 fleetops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""TLS failures say why verification failed and what helps (issue 15 item 4), against a real local TLS server."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import ipaddress
import ssl
import threading

from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from ansible_collections.fleetops.cloud.plugins.module_utils.client import CloudClient
from ansible_collections.fleetops.cloud.plugins.module_utils.errors import ApiError
from ansible_collections.fleetops.cloud.plugins.module_utils.transport import Transport

x509 = pytest.importorskip("cryptography.x509")
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402


def _certificate(tmp_path, name, san_ip=None, san_dns=None, days=(-1, 30)):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    alt = []
    if san_ip:
        alt.append(x509.IPAddress(ipaddress.ip_address(san_ip)))
    if san_dns:
        alt.append(x509.DNSName(san_dns))
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now + datetime.timedelta(days=days[0]))
            .not_valid_after(now + datetime.timedelta(days=days[1]))
            .add_extension(x509.SubjectAlternativeName(alt), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / ("%s.pem" % name), tmp_path / ("%s.key" % name)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_path), str(key_path)


class _Ok(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def tls_server():
    servers = []

    def start(cert, key, client_ca=None):
        server = HTTPServer(("127.0.0.1", 0), _Ok)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        if client_ca:  # mutual TLS: only a client with a certificate of this CA gets an answer
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(cafile=client_ca)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append(server)
        return server.server_address[1]

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _call(port, host="127.0.0.1", **params):
    client = CloudClient(dict(token="t", endpoints=dict(ucs="https://%s:%d/ucs" % (host, port)), max_retries=3, **params))
    with pytest.raises(ApiError) as info:
        client.call("ucs", "GET", "/v1/clusters")
    assert client.transport.attempts == 1  # a TLS failure is never retried
    return info.value


def test_unknown_ca(tmp_path, tls_server):
    port = tls_server(*_certificate(tmp_path, "self", san_ip="127.0.0.1"))
    error = _call(port)
    assert error.code == "TLSError" and "not trusted" in error.message and "ca_path" in error.hint


def test_hostname_mismatch(tmp_path, tls_server):
    cert, key = _certificate(tmp_path, "other", san_dns="api.example.invalid")
    error = _call(tls_server(cert, key), ca_path=cert)
    assert "does not match the host name" in error.message and "host name" in error.hint


def test_expired(tmp_path, tls_server):
    cert, key = _certificate(tmp_path, "old", san_ip="127.0.0.1", days=(-30, -1))
    error = _call(tls_server(cert, key), ca_path=cert)
    assert "expired" in error.message and "clock" in error.hint


def test_trusted_with_ca_path(tmp_path, tls_server):
    cert, key = _certificate(tmp_path, "good", san_ip="127.0.0.1")
    client = CloudClient(dict(token="t", ca_path=cert, endpoints=dict(ucs="https://127.0.0.1:%d/ucs" % tls_server(cert, key))))
    assert client.call("ucs", "GET", "/v1/clusters").body == {}
    assert client.pop_warnings() == []  # https with verification: nothing to warn about


def test_https_to_a_plain_http_port(fake_cloud):
    port = int(fake_cloud.base.rsplit(":", 1)[1])
    error = _call(port)
    assert "does not speak TLS" in error.message


def test_the_system_store_is_used_without_ca_path(tmp_path, tls_server, monkeypatch):
    """No ca_path: the system's CA store decides, and SSL_CERT_FILE names it (as for every OpenSSL client)."""
    cert, key = _certificate(tmp_path, "corp", san_ip="127.0.0.1")
    port = tls_server(cert, key)
    monkeypatch.setenv("SSL_CERT_FILE", cert)
    client = CloudClient(dict(token="t", endpoints=dict(ucs="https://127.0.0.1:%d/ucs" % port)))
    assert client.call("ucs", "GET", "/v1/clusters").body == {}


def test_validate_certs_false_accepts_a_self_signed_endpoint_and_warns(tmp_path, tls_server):
    cert, key = _certificate(tmp_path, "lab", san_dns="lab.example.invalid")
    client = CloudClient(dict(token="t", validate_certs=False,
                              endpoints=dict(ucs="https://127.0.0.1:%d/ucs" % tls_server(cert, key))))
    assert client.call("ucs", "GET", "/v1/clusters").body == {}
    assert any("validate_certs is false" in text for text in client.pop_warnings())


def test_a_client_certificate_is_presented(tmp_path, tls_server):
    """The kubeconfig's client-certificate / client-key (ucs_fleet_workload_info) reach the TLS handshake."""
    server_cert, server_key = _certificate(tmp_path, "karmada", san_ip="127.0.0.1")
    client_cert, client_key = _certificate(tmp_path, "admin")
    port = tls_server(server_cert, server_key, client_ca=client_cert)
    url = "https://127.0.0.1:%d/apis" % port
    with_cert = Transport(verify=server_cert, cert=(client_cert, client_key), max_retries=0)
    assert with_cert.send("GET", lambda attempt: (url, {}, None)).status_code == 200
    without = Transport(verify=server_cert, max_retries=0)
    with pytest.raises(ApiError):
        without.send("GET", lambda attempt: (url, {}, None))

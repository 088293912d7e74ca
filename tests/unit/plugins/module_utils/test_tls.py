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

    def start(cert, key):
        server = HTTPServer(("127.0.0.1", 0), _Ok)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
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

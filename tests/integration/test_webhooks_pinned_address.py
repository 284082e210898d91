"""A delivery connects to the address the SSRF check passed, never to a second resolution of
the partner's host name (DNS rebinding), while the request still names the host: the Host
header over HTTP, SNI and the certificate's name over HTTPS. Real sockets, real TLS; the
names below do not resolve anywhere, so an answer proves the checked address was used."""
import datetime
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from services.webhooks.adapters.http import pinned_session, post
from services.webhooks.domain.ssrf import check_url

HOST = "partner.rebind.invalid"


class Recorder(BaseHTTPRequestHandler):
    seen: list = []

    def log_message(self, *args):
        pass

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Recorder.seen.append(self.headers.get("Host"))
        self.send_response(204)
        self.end_headers()


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    Recorder.seen = []
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd
    httpd.shutdown()


def _certificate(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=1))
            .not_valid_after(now + datetime.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(HOST)]), critical=False).sign(key, hashes.SHA256()))
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


def test_http_goes_to_the_checked_address_and_names_the_host(server):
    port = server.server_address[1]
    target = check_url(f"http://{HOST}:{port}/hook", allowed={"127.0.0.1"}, resolver=lambda host: ["127.0.0.1"])
    outcome = post(pinned_session(), target, "{}", {"Content-Type": "application/json"}, 5)
    assert outcome.status_code == 204, outcome.error
    assert Recorder.seen == [f"{HOST}:{port}"]


def test_https_goes_to_the_checked_address_and_checks_the_hosts_certificate(server, tmp_path):
    cert_file, key_file = _certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    names = []
    context.sni_callback = lambda sock, name, ctx: names.append(name)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    port = server.server_address[1]
    target = check_url(f"https://{HOST}:{port}/hook", allowed={"127.0.0.1"}, resolver=lambda host: ["127.0.0.1"])
    session = pinned_session()
    session.verify = str(cert_file)   # the partner's certificate, for its host name (not for 127.0.0.1)
    outcome = post(session, target, "{}", {}, 5)
    assert outcome.status_code == 204, outcome.error
    assert names == [HOST] and Recorder.seen == [f"{HOST}:{port}"]

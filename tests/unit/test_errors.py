"""Bad settings refused before any request reaches a node: one ``Error:``
line, a non-zero exit, no traceback from the CLI; the project's own error
types from the Python API. The TLS cases use a real local HTTPS server with
a self-signed certificate. With a node: tests/integration/test_errors.py."""

from __future__ import annotations

import datetime
import http.server
import ipaddress
import json
import ssl
import threading
from pathlib import Path

import pytest

from rsearch.core import analysis
from rsearch.core.errors import ConfigError, RsearchError
from rsearch.core.settings import Settings
from rsearch.search import QueryError, search
from rsearch.search.documents import chunk_in_context
from rsearch.search.engine import MAX_QUERY_CHARS
from cli_support import assert_one_error, run_cli
from paths import SEEDS


@pytest.fixture(autouse=True)
def _fresh_analysis():
    """Dictionary and segmenter settings change per test: forget loaded ones."""
    analysis.reset()
    yield
    analysis.reset()


# ---------------------------------------------------------- connection


BAD_URLS = {
    "127.0.0.1:9401": "needs http:// or https://",
    "localhost:9200": "needs http:// or https://",
    "http://127.0.0.1:notaport": "notaport",
    "http://127.0.0.1:99999": "bad Elasticsearch URL",
    "ftp://127.0.0.1:9200": "needs http:// or https://",
    "http://": "needs http:// or https://",
}


@pytest.mark.parametrize("bad", sorted(BAD_URLS))
@pytest.mark.parametrize("command", [["search", "党史"], ["stats"], ["show", "0" * 20], ["index", str(SEEDS)]])
def test_bad_url_is_one_line(bad, command):
    for result in (run_cli("--es-url", bad, *command), run_cli(*command, env={"RSEARCH_ES_URL": bad})):
        assert_one_error(result, BAD_URLS[bad], "RSEARCH_ES_URL")


@pytest.mark.parametrize("bad", sorted(BAD_URLS))
def test_bad_url_in_the_python_api(bad):
    with pytest.raises(ConfigError, match="RSEARCH_ES_URL"):
        search("党史", settings=Settings(url=bad))
    with pytest.raises(ConfigError):
        Settings(url=bad).client()


def _self_signed(directory: Path) -> tuple[Path, Path]:
    """A real certificate for 127.0.0.1 and its key, written as PEM."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "rsearch test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture(scope="module")
def https_server(tmp_path_factory):
    """A real HTTPS server on 127.0.0.1 that answers every request as a
    secured Elasticsearch would answer an unauthenticated one (401)."""
    cert, key = _self_signed(tmp_path_factory.mktemp("tls"))

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self):
            body = json.dumps({"error": {
                "root_cause": [{"type": "security_exception", "reason": "missing authentication credentials"}],
                "type": "security_exception", "reason": "missing authentication credentials"},
                "status": 401}).encode()
            self.send_response(401)
            self.send_header("Content-Type", "application/json")
            self.send_header("X-Elastic-Product", "Elasticsearch")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            self._answer()

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            self._answer()

        do_HEAD = do_GET

        def log_message(self, *a):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"https://127.0.0.1:{server.server_port}", cert
    server.shutdown()


@pytest.mark.parametrize("command", [["search", "党史"], ["stats"]])
def test_tls_verification_failure_names_the_ca_option(https_server, command):
    url, cert = https_server
    line = assert_one_error(run_cli("--es-url", url, *command), "certificate", "--ca-certs",
                            "RSEARCH_ES_CA_CERTS")
    assert "cannot reach" not in line and "rsearch es start" not in line
    # With the CA file the handshake succeeds and the server's own answer shows.
    assert_one_error(run_cli("--es-url", url, "--ca-certs", str(cert), *command),
                     "401", "missing authentication credentials", "RSEARCH_ES_API_KEY")


def test_tls_verification_failure_in_the_python_api(https_server):
    from rsearch.search.documents import index_stats

    url, _ = https_server
    with pytest.raises(RsearchError, match="certificate.*RSEARCH_ES_CA_CERTS"):
        index_stats(Settings(url=url).client(), "reports")
    with pytest.raises(RsearchError, match="certificate.*RSEARCH_ES_CA_CERTS"):
        chunk_in_context(Settings(url=url).client(), "reports", "0" * 20)
    with pytest.raises(RsearchError, match="certificate.*RSEARCH_ES_CA_CERTS"):
        search("党史", settings=Settings(url=url))


def test_ca_file_that_is_not_pem(tmp_path, https_server):
    url, cert = https_server
    der = tmp_path / "cert.der"
    der.write_bytes(ssl.PEM_cert_to_DER_cert(cert.read_text()))  # a real certificate, wrong encoding
    text = tmp_path / "notes.txt"
    text.write_text("not a certificate\n")
    for bad in (der, text):
        for command in (["search", "党史"], ["stats"]):
            assert_one_error(run_cli("--es-url", url, "--ca-certs", str(bad), *command),
                             str(bad), "PEM", "RSEARCH_ES_CA_CERTS")
        with pytest.raises(ConfigError, match="PEM"):
            search("党史", settings=Settings(url=url, ca_certs=str(bad)))


def test_ca_file_with_an_http_url(https_server):
    # Refused before any request: nothing answers on port 9.
    url, alias = "http://127.0.0.1:9", "reports"
    _, cert = https_server
    for command in (["search", "党史"], ["stats"], ["show", "0" * 20]):
        assert_one_error(run_cli("--es-url", url, "--index", alias, "--ca-certs", str(cert), *command),
                         "not https://", "RSEARCH_ES_CA_CERTS")
        assert_one_error(run_cli("--index", alias, *command,
                                 env={"RSEARCH_ES_URL": url, "RSEARCH_ES_CA_CERTS": str(cert)}),
                         "not https://")


# ------------------------------------------------------- length and ranges


def test_query_over_the_length_limit_is_refused_before_any_request():
    # Port 9 answers nothing: a request would be an unreachable-cluster error.
    nowhere = Settings(url="http://127.0.0.1:9").client()
    with pytest.raises(QueryError, match="100,000 characters long; the limit is 1,000"):
        search("党" * 100_000, client=nowhere, index="reports")
    with pytest.raises(QueryError, match="limit is 1,000"):
        search("党史", filters={"region": "区" * (MAX_QUERY_CHARS + 1)}, client=nowhere, index="reports")



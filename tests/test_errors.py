"""Bad input and broken settings: one ``Error:`` line, a non-zero exit, no
traceback from the CLI; the project's own error types from the Python API.
Against the real test node (and a real local HTTPS server with a
self-signed certificate for the TLS cases)."""

from __future__ import annotations

import datetime
import gzip
import http.server
import ipaddress
import json
import os
import ssl
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from rsearch.core import analysis
from rsearch.core.analysis import normalize
from rsearch.indexer.sync import index_paths
from rsearch.cli import cli
from rsearch.core.errors import ConfigError, ElasticsearchError, RsearchError, from_elasticsearch
from rsearch.core.settings import Settings
from rsearch.search import QueryError, search
from rsearch.search.documents import chunk_in_context
from rsearch.search.engine import MAX_QUERY_CHARS
from indexed import new_alias
from paths import SEEDS

# Tests that use the node (es, url, alias fixtures) are marked `es` by tests/conftest.py.


@pytest.fixture(scope="module")
def url(es):
    return str(es.transport.node_pool.get().base_url)


@pytest.fixture(scope="module")
def alias(es):
    yield from new_alias(es, [SEEDS], "errors")


@pytest.fixture(autouse=True)
def _fresh_analysis():
    """Dictionary and segmenter settings change per test: forget loaded ones."""
    analysis.reset()
    yield
    analysis.reset()


def run_cli(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env)


def assert_one_error(result, *fragments, exit_code=1):
    """Exit non-zero, exactly one Error: line on stderr, nothing else broken."""
    assert result.exit_code == exit_code, (result.exit_code, result.output, result.exception)
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in errors[0], (fragment, errors[0])
    return errors[0]


# ------------------------------------------------------------------ dates


@pytest.mark.parametrize("args", [
    ["--filter", "date=99999999999999999999"],
    ["date:99999999999999999999"],
    ["--filter", "date=2021-99999999999999999999"],
])
def test_overflowing_date_is_one_line(url, alias, args):
    assert_one_error(run_cli("--es-url", url, "--index", alias, "search", "党史", *args),
                     "bad date", "YYYY-MM-DD")


def test_overflowing_date_is_a_query_error(es, alias):
    with pytest.raises(QueryError, match="bad date"):
        search("党史", filters={"date": "99999999999999999999"}, client=es, index=alias)


# --------------------------------------------- bytes that were not UTF-8


@pytest.mark.parametrize("args,what", [
    (["search", "\udcff"], "query"),
    (["search", "党史\udce5\udc85"], "query"),
    (["search", "党史", "--filter", "region=\udcff"], "--filter value"),
    (["show", "\udcff"], "chunk id"),
])
def test_non_utf8_arguments_are_one_line(url, alias, args, what):
    line = assert_one_error(run_cli("--es-url", url, "--index", alias, *args), "not valid UTF-8")
    assert what in line and "byte 0x" in line


def test_non_utf8_bytes_from_a_real_shell(url, alias):
    """As a shell passes them: raw bytes in argv, decoded by Python itself."""
    exe = Path(sys.executable).with_name("rsearch")
    env = {**os.environ, "RSEARCH_ES_URL": url, "RSEARCH_INDEX": alias}
    for argv in ([b"search", b"\xff"], [b"search", "党史".encode(), b"--filter", b"region=\xff"],
                 [b"show", b"\xff"]):
        proc = subprocess.run([str(exe), *argv], env=env, capture_output=True, timeout=60)
        stderr = proc.stderr.decode()
        assert proc.returncode == 1, stderr
        assert stderr.count("Error:") == 1 and "byte 0xff" in stderr and "Traceback" not in stderr
        assert proc.stdout == b""


def test_lone_surrogates_in_the_python_api_are_replaced(es, alias):
    assert normalize("党史\udcff学习") == "党史\ufffd学习"
    assert normalize("\ud83d") == "\ufffd"
    # Searched as the replacement character, which no report contains.
    assert search("\udcff", client=es, index=alias).total == 0
    ids = [h.id for h in search("党史\udcff", client=es, index=alias, limit=50).hits]
    assert ids and ids == [h.id for h in search("党史\ufffd", client=es, index=alias, limit=50).hits]
    # In a phrase the replacement character is what the index makes of it: no token.
    assert search('"党史\udcff"', client=es, index=alias).total == search('"党史"', client=es, index=alias).total
    filtered = search("党史", filters={"region": ["\udcff"]}, client=es, index=alias)
    assert filtered.total == 0
    assert search("党史 -\udcff", client=es, index=alias).total > 0
    with pytest.raises(RsearchError, match="no chunk with id"):
        chunk_in_context(es, alias, "\udcff")


# ------------------------------------------------------------ chunk ids


@pytest.mark.parametrize("chunk_id", ["", "   "])
def test_empty_chunk_id_is_one_line(url, alias, chunk_id):
    assert_one_error(run_cli("--es-url", url, "--index", alias, "show", chunk_id),
                     "no chunk with id", "rsearch search")


def test_over_long_chunk_id_is_one_line(url, alias):
    assert_one_error(run_cli("--es-url", url, "--index", alias, "show", "a" * 5000), "no chunk with id")


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


def test_ca_file_with_an_http_url(url, alias, https_server):
    _, cert = https_server
    for command in (["search", "党史"], ["stats"], ["show", "0" * 20]):
        assert_one_error(run_cli("--es-url", url, "--index", alias, "--ca-certs", str(cert), *command),
                         "not https://", "RSEARCH_ES_CA_CERTS")
        assert_one_error(run_cli("--index", alias, *command,
                                 env={"RSEARCH_ES_URL": url, "RSEARCH_ES_CA_CERTS": str(cert)}),
                         "not https://")


# ------------------------------------------------------------ dictionary


def _bad_dictionaries(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    binary = tmp_path / "words.txt.gz"
    with gzip.open(binary, "wt", encoding="utf-8") as f:  # a real gzip file, not text
        f.write("绣花功夫 10 n\n" * 50)
    malformed = tmp_path / "malformed.txt"
    malformed.write_text("# my words\n党史学习教育 1000 nz\n绣花功夫 abc n\n", encoding="utf-8")
    zero = tmp_path / "zero.txt"
    zero.write_text("西关 0\n", encoding="utf-8")
    huge = tmp_path / "huge.txt"
    huge.write_text("西关\n洛八办 99999999999999999999999\n", encoding="utf-8")
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("党史学习教育\n绣花功夫\n".encode("gbk"))
    return {
        "missing": (tmp_path / "nope.txt", "no such file"),
        "directory": (tmp_path, "cannot read"),
        "binary": (binary, "line 1: not UTF-8"),
        "gbk": (gbk, "line 1: not UTF-8"),
        "malformed": (malformed, "line 3: '绣花功夫 abc n' is not 'word [freq] [tag]'"),
        "zero": (zero, "line 1: frequency must be"),
        "huge": (huge, "line 2: frequency must be"),
    }


@pytest.mark.parametrize("case", ["missing", "directory", "binary", "gbk", "malformed", "zero", "huge"])
def test_bad_user_dictionary_is_one_line_everywhere(tmp_path, es, url, alias, case):
    path, expected = _bad_dictionaries(tmp_path)[case]
    env = {"RSEARCH_USER_DICT": str(path)}
    before = set(es.indices.get(index="rsearch-test-errors-*"))
    for command in (["search", "党史"], ["stats"], ["index", str(SEEDS)], ["index", "--rebuild", str(SEEDS)]):
        line = assert_one_error(run_cli("--es-url", url, "--index", alias, *command, env=env), expected)
        assert str(path) in line and "RSEARCH_USER_DICT" in line
    # Refused before anything was created: no orphan index, the alias unchanged.
    assert set(es.indices.get(index="rsearch-test-errors-*")) == before
    assert search("党史", client=es, index=alias).total > 0
    # The Python API raises the project's error type, naming the file.
    os.environ["RSEARCH_USER_DICT"] = str(path)
    try:
        with pytest.raises(analysis.DictionaryError, match="RSEARCH_USER_DICT"):
            search("党史", client=es, index=alias)
        with pytest.raises(analysis.DictionaryError):
            analysis.dictionary_version()
    finally:
        del os.environ["RSEARCH_USER_DICT"]


def test_good_user_dictionary_still_works(tmp_path, url, alias):
    good = tmp_path / "words.txt"
    good.write_text("\ufeff# comment\n\n绣花功夫 10 n\n洛八办\n西工区 3000 ns\n", encoding="utf-8")
    result = run_cli("--es-url", url, "--index", alias, "search", "党史", env={"RSEARCH_USER_DICT": str(good)})
    assert result.exit_code == 0, result.output


# ------------------------------------------------- Elasticsearch's reasons


def test_root_cause_reason_and_hint(es, url, alias):
    """A query over the cluster's clause limit: the message carries the root
    cause (maxClauseCount) and the fix."""
    limit = 100_000  # above any cluster's maxClauseCount
    body = {"query": {"bool": {"should": [{"term": {"kind": f"k{i}"}} for i in range(limit)]}}}
    with pytest.raises(Exception) as official:
        es.search(index=alias, body=body)
    err = from_elasticsearch(official.value, url)
    text = str(err)
    assert isinstance(err, ElasticsearchError) and err.status_code == 400
    assert "maxClauseCount" in text and "shorten the query" in text
    assert "all shards failed" not in text and "\n" not in text


def test_blocked_index_shows_the_reason(es, url):
    """A real 403 with a root cause (an index read block), through search,
    stats and show and the Python API."""
    name = f"rsearch-test-errors-blocked-{uuid.uuid4().hex[:6]}"
    assert index_paths(es, name, [SEEDS / sorted(os.listdir(SEEDS))[0]]).ok
    physical = next(iter(es.indices.get(index=f"{name}*")))
    es.indices.put_settings(index=physical, settings={"index.blocks.read": True})
    try:
        for command in (["search", "党史"], ["stats"]):
            assert_one_error(run_cli("--es-url", url, "--index", name, *command),
                             "403", "cluster_block_exception", "blocked by", "index.blocks")
        with pytest.raises(ElasticsearchError, match="blocked by") as err:
            search("党史", client=es, index=name)
        assert err.value.status_code == 403
    finally:
        es.indices.put_settings(index=physical, settings={"index.blocks.read": False})
        es.indices.delete(index=physical)


# ------------------------------------------------------- length and ranges


def test_query_over_the_length_limit_is_refused_before_any_request():
    # Port 9 answers nothing: a request would be an unreachable-cluster error.
    nowhere = Settings(url="http://127.0.0.1:9").client()
    with pytest.raises(QueryError, match="100,000 characters long; the limit is 1,000"):
        search("党" * 100_000, client=nowhere, index="reports")
    with pytest.raises(QueryError, match="limit is 1,000"):
        search("党史", filters={"region": "区" * (MAX_QUERY_CHARS + 1)}, client=nowhere, index="reports")


def test_query_over_the_length_limit_in_the_cli(url, alias):
    assert_one_error(run_cli("--es-url", url, "--index", alias, "search", "党" * 100_000),
                     "the limit is 1,000")
    assert_one_error(run_cli("--es-url", url, "--index", alias, "search", "--json", "a " * 50_000),
                     "the limit is 1,000")


@pytest.mark.parametrize("operator", ["and", "or"])
def test_queries_at_the_length_limit_are_answered(es, alias, operator):
    """The documented limit is safe on a real node: the worst shapes (one term
    per character, every character a distinct term, a phrase) answer."""
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    compact = "".join(text.split())
    shapes = [
        compact[:MAX_QUERY_CHARS],
        " ".join(compact[: MAX_QUERY_CHARS // 2])[:MAX_QUERY_CHARS],
        ('"' + compact[: MAX_QUERY_CHARS - 2] + '"'),
        " OR ".join(compact[:200])[:MAX_QUERY_CHARS].rstrip(" OR"),
    ]
    for query in shapes:
        assert len(query) <= MAX_QUERY_CHARS
        search(query, client=es, index=alias, operator=operator)


@pytest.mark.parametrize("args,option", [
    (["--fragments", "-1"], "--fragments"),
    (["--fragments", "0"], "--fragments"),
    (["--fragment-size", "0"], "--fragment-size"),
    (["--fragment-size", "-5"], "--fragment-size"),
])
def test_fragment_options_are_range_checked(url, alias, args, option):
    assert_one_error(run_cli("--es-url", url, "--index", alias, "search", "党史", *args), option,
                     exit_code=2)


@pytest.mark.parametrize("kw", [{"fragments": -1}, {"fragments": 0}, {"fragment_size": 0}])
def test_fragment_arguments_are_checked_in_the_python_api(es, alias, kw):
    with pytest.raises(QueryError, match="at least 1"):
        search("党史", client=es, index=alias, **kw)

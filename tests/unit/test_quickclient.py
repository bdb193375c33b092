"""core.quickclient's plain-HTTP exchange: the answers a server may give
(length, chunked, to the end of the connection; errors; garbage), read
from a real socket server. Against Elasticsearch itself: tests/integration/test_search.py."""

from __future__ import annotations

import json
import socket
import threading

import pytest

from rsearch.core.errors import ElasticsearchError, RsearchError
from rsearch.core.quickclient import QuickClient, _dechunk

RESULT = {"took": 3, "hits": {"total": {"value": 1, "relation": "eq"}, "hits": []}, "note": "党史" * 50}
BODY = json.dumps(RESULT, ensure_ascii=False).encode("utf-8")


def chunked(data: bytes, size: int) -> bytes:
    parts = [b"%x\r\n%s\r\n" % (len(data[i : i + size]), data[i : i + size]) for i in range(0, len(data), size)]
    return b"".join(parts) + b"0\r\n\r\n"


class OneShotServer:
    """Answers each connection with ``answer`` (bytes), after reading the request."""

    def __init__(self, answer: bytes):
        self.answer = answer
        self.requests: list[bytes] = []
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                data = b""
                while b"\r\n\r\n" not in data:
                    data += conn.recv(4096)
                head, _, body = data.partition(b"\r\n\r\n")
                length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                                  if line.lower().startswith(b"content-length")))
                while len(body) < length:
                    body += conn.recv(4096)
                self.requests.append(head + b"\r\n\r\n" + body)
                conn.sendall(self.answer)

    def close(self):
        self.sock.close()


@pytest.fixture
def serve():
    servers = []

    def start(answer: bytes) -> QuickClient:
        server = OneShotServer(answer)
        servers.append(server)
        client = QuickClient(f"http://127.0.0.1:{server.port}/base", api_key="k==")
        client.server = server  # for the tests that read what was sent
        return client

    yield start
    for server in servers:
        server.close()


@pytest.mark.parametrize("answer", [
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(BODY) + BODY,
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(BODY, 7),
    b"HTTP/1.1 200 OK\r\ntransfer-encoding: Chunked\r\n\r\n" + chunked(BODY, 4096),
    b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + BODY,  # to the end of the connection
])
def test_answers_are_read_whole(serve, answer):
    client = serve(answer)
    assert client.search(index="reports,other", body={"query": {"match_all": {}}, "q": "党史"}) == RESULT


def test_the_request_is_one_post_with_headers_and_utf8_json(serve):
    client = serve(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(BODY) + BODY)
    client.search(index="reports", body={"q": "党史"})
    (request,) = client.server.requests
    head, _, body = request.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    assert lines[0] == "POST /base/reports/_search HTTP/1.1"
    headers = dict(line.split(": ", 1) for line in lines[1:])
    assert headers["Authorization"] == "ApiKey k==" and headers["Connection"] == "close"
    assert headers["Host"].startswith("127.0.0.1:") and int(headers["Content-Length"]) == len(body)
    assert json.loads(body.decode("utf-8")) == {"q": "党史"}


@pytest.mark.parametrize("answer, expected", [
    (b"garbage without any structure", "not HTTP"),
    (b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{\"hits\": 1}", "ended after"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabc", "ended early"),
    (b"", "not HTTP"),
])
def test_a_garbled_answer_is_one_error(serve, answer, expected):
    client = serve(answer)
    with pytest.raises(RsearchError) as err:
        client.search(index="reports", body={})
    assert expected in str(err.value) and "\n" not in str(err.value)


def test_an_error_status_is_translated(serve):
    body = b'{"error": {"type": "index_not_found_exception", "reason": "no such index [reports]"}, "status": 404}'
    client = serve(b"HTTP/1.1 404 Not Found\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    with pytest.raises(RsearchError) as err:
        client.search(index="reports", body={})
    assert "reports" in str(err.value)


def test_not_a_search_result(serve):
    body = b'{"name": "some other server"}'
    client = serve(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    with pytest.raises(ElasticsearchError, match="not an Elasticsearch search result"):
        client.search(index="reports", body={})


def test_nothing_listening_is_unreachable():
    sock = socket.create_server(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with pytest.raises(RsearchError, match="cannot reach Elasticsearch"):
        QuickClient(f"http://127.0.0.1:{port}").search(index="reports", body={})


def test_dechunk_with_extensions_and_trailers():
    assert _dechunk(b"3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: x\r\n\r\n") == b"abcde"


def test_quick_client_sends_credentials(tmp_path):
    """API key and basic auth reach the server as Elasticsearch expects them."""
    import http.server
    import threading

    from rsearch.core.errors import ElasticsearchError
    from rsearch.core.quickclient import QuickClient

    seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            seen.append((self.path, self.headers.get("Authorization")))
            self.send_response(401)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"error": {"type": "security_exception", "reason": "missing authentication"}}')

        def log_message(self, *a):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/prefix"
        for client, expected in (
            (QuickClient(url, api_key="abc=="), "ApiKey abc=="),
            (QuickClient(url, username="u", password="p"), "Basic dTpw"),
        ):
            with pytest.raises(ElasticsearchError) as err:
                client.search(index="reports", body={})
            assert err.value.status_code == 401 and "RSEARCH_ES_API_KEY" in str(err.value)
            assert seen[-1] == ("/prefix/reports/_search", expected)
    finally:
        server.shutdown()

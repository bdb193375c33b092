"""A minimal Elasticsearch client for ``rsearch search`` in a fresh process.

Importing the official client (it pulls in its async half and asyncio) is
most of a command-line search's start-up time (the README has the figures).
A search needs one JSON POST, so the CLI's search path sends it itself:
over HTTPS with the standard library's http.client, over plain HTTP (the
local node) as one HTTP/1.1 exchange on a socket, because importing
http.client (the email package for its header parser, and ssl) costs more
than the rest of the request. Same settings (URL, API key, basic auth, CA
file) as Settings.client(); everything else uses the official client. Given
several nodes of a cluster it asks them in turn, going on to the next when
one cannot be reached (the request never got an answer, so asking again is
safe); an answer, even an error, is final.
"""

from __future__ import annotations

import base64
import json
from urllib.parse import quote, urlsplit

from .errors import HttpAnswer, from_elasticsearch


class BadAnswer(ConnectionError):
    """What came back is not an HTTP response (a network-level failure)."""


def _dechunk(data: bytes) -> bytes:
    """The body of a ``Transfer-Encoding: chunked`` payload."""
    out, pos = [], 0
    while True:
        end = data.find(b"\r\n", pos)
        if end < 0:
            raise BadAnswer("a chunked answer ended early")
        try:
            size = int(data[pos:end].split(b";", 1)[0], 16)
        except ValueError:
            raise BadAnswer("a chunked answer with a bad chunk size") from None
        if size == 0:
            return b"".join(out)
        out.append(data[end + 2 : end + 2 + size])
        pos = end + 2 + size + 2
        if pos > len(data):
            raise BadAnswer("a chunked answer ended early")


def http_exchange(host: str, port: int, request_head: str, body: bytes, timeout: float) -> tuple[int, str, bytes]:
    """Send one HTTP/1.1 request (``Connection: close``) and read the whole answer.

    Status, reason and body (Content-Length or chunked; to the end of the
    connection otherwise). OSError (BadAnswer for a garbled answer,
    TimeoutError) for anything that goes wrong on the way.
    """
    import socket

    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(request_head.encode("latin-1") + body)
        chunks = []
        while True:
            data = sock.recv(1 << 16)
            if not data:
                break
            chunks.append(data)
    raw = b"".join(chunks)
    head, sep, payload = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    version, _, rest = lines[0].partition(" ")
    code, _, reason = rest.partition(" ")
    if not sep or not version.startswith("HTTP/") or not code.isdigit():
        raise BadAnswer(f"the answer is not HTTP ({len(raw)} bytes)")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", "").lower():
        payload = _dechunk(payload)
    elif headers.get("content-length", "").isdigit():
        length = int(headers["content-length"])
        if len(payload) < length:
            raise BadAnswer(f"the answer ended after {len(payload)} of {length} bytes")
        payload = payload[:length]
    return int(code), reason, payload


class _Node:
    """One node's URL, split once."""

    def __init__(self, url: str, ca_certs: str | None):
        parts = urlsplit(url)
        self.url = url
        self.https = parts.scheme == "https"
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or (443 if self.https else 80)
        self.netloc = parts.netloc.rpartition("@")[2] or self.host
        self.base = parts.path.rstrip("/")
        self.context = None
        if self.https:
            import ssl

            self.context = ssl.create_default_context(cafile=ca_certs)


class QuickClient:
    def __init__(self, url: str | list[str], *, api_key: str | None = None, username: str | None = None,
                 password: str | None = None, ca_certs: str | None = None, timeout: float = 30.0):
        urls = [url] if isinstance(url, str) else list(url)
        self.url = ",".join(urls)
        self._nodes = [_Node(u, ca_certs) for u in urls]
        self._timeout = timeout
        self._headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if api_key:
            self._headers["Authorization"] = f"ApiKey {api_key}"
        elif username:
            token = base64.b64encode(f"{username}:{password or ''}".encode()).decode()
            self._headers["Authorization"] = f"Basic {token}"

    def _post_https(self, node: _Node, path: str, body: bytes) -> tuple[int, str, bytes]:
        from http.client import HTTPSConnection

        conn = HTTPSConnection(node.host, node.port, timeout=self._timeout, context=node.context)
        try:
            conn.request("POST", path, body=body, headers=self._headers)
            resp = conn.getresponse()
            return resp.status, resp.reason, resp.read()
        finally:
            conn.close()

    def _post_http(self, node: _Node, path: str, body: bytes) -> tuple[int, str, bytes]:
        head = [f"POST {path} HTTP/1.1", f"Host: {node.netloc}", f"Content-Length: {len(body)}",
                "Connection: close", *(f"{k}: {v}" for k, v in self._headers.items())]
        return http_exchange(node.host, node.port, "\r\n".join(head) + "\r\n\r\n", body, self._timeout)

    def _post(self, path: str, body: bytes) -> tuple[int, str, bytes]:
        """POST to the first node that answers. A node that could not be
        reached (refused, reset, timed out: a search is safe to ask again) is
        asked last from then on; TLS and certificate failures are final, as
        every node would give them. The last error when no node answers."""
        last: OSError | None = None
        for node in list(self._nodes):
            try:
                return (self._post_https if node.https else self._post_http)(node, node.base + path, body)
            except OSError as err:
                if type(err).__module__ == "ssl" or len(self._nodes) == 1:
                    raise
                last = err
                self._nodes.remove(node)
                self._nodes.append(node)
        raise last

    def search(self, *, index: str, body: dict) -> dict:
        path = f"/{quote(index, safe=',*')}/_search"
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        try:
            status, reason, data = self._post(path, data)
        except Exception as err:  # OSError, ssl's and http.client's errors
            translated = from_elasticsearch(err, self.url, socket_level=True)
            if translated is None:
                raise
            raise translated from None
        try:
            payload = json.loads(data) if data else {}
        except ValueError:
            payload = {}
        if status >= 400:
            # Translated like the official client's ApiError (status_code, root cause).
            raise from_elasticsearch(HttpAnswer(status, payload, reason), self.url)
        if not isinstance(payload, dict) or "hits" not in payload:
            raise from_elasticsearch(HttpAnswer(
                status, f"an answer that is not an Elasticsearch search result "
                        f"({len(data)} bytes)", reason), self.url)
        return payload

    def close(self) -> None:
        pass

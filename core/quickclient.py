"""A minimal Elasticsearch client for ``rsearch search`` in a fresh process.

Importing the official client (it pulls in its async half and asyncio) is
most of a command-line search's start-up time (the README has the figures).
A search needs one JSON POST, so the CLI's search path sends it with the
standard library's http.client. Same settings (URL, API key, basic auth,
CA file) as Settings.client(); everything else uses the official client.
"""

from __future__ import annotations

import base64
import json
import ssl
from http.client import HTTPConnection, HTTPException, HTTPSConnection
from urllib.parse import quote, urlsplit

from .errors import HttpAnswer, from_elasticsearch


class QuickClient:
    def __init__(self, url: str, *, api_key: str | None = None, username: str | None = None,
                 password: str | None = None, ca_certs: str | None = None, timeout: float = 30.0):
        parts = urlsplit(url)
        self.url = url
        self._https = parts.scheme == "https"
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port or (443 if self._https else 80)
        self._base = parts.path.rstrip("/")
        self._timeout = timeout
        self._context = ssl.create_default_context(cafile=ca_certs) if self._https else None
        self._headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if api_key:
            self._headers["Authorization"] = f"ApiKey {api_key}"
        elif username:
            token = base64.b64encode(f"{username}:{password or ''}".encode()).decode()
            self._headers["Authorization"] = f"Basic {token}"

    def _connection(self):
        if self._https:
            return HTTPSConnection(self._host, self._port, timeout=self._timeout, context=self._context)
        return HTTPConnection(self._host, self._port, timeout=self._timeout)

    def search(self, *, index: str, body: dict) -> dict:
        conn = self._connection()
        try:
            conn.request("POST", f"{self._base}/{quote(index, safe=',*')}/_search",
                         body=json.dumps(body, ensure_ascii=False).encode("utf-8"), headers=self._headers)
            resp = conn.getresponse()
            data = resp.read()
        except (OSError, HTTPException) as err:
            raise from_elasticsearch(err, self.url, socket_level=True) from None
        finally:
            conn.close()
        try:
            payload = json.loads(data) if data else {}
        except ValueError:
            payload = {}
        if resp.status >= 400:
            # Translated like the official client's ApiError (status_code, root cause).
            raise from_elasticsearch(HttpAnswer(resp.status, payload, resp.reason), self.url)
        if not isinstance(payload, dict) or "hits" not in payload:
            raise from_elasticsearch(HttpAnswer(
                resp.status, f"an answer that is not an Elasticsearch search result "
                             f"({len(data)} bytes)", resp.reason), self.url)
        return payload

    def close(self) -> None:
        pass

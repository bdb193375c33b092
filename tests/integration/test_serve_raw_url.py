"""A URL with raw (not percent-encoded) Chinese in it, as `curl
'http://127.0.0.1:8000/search?q=党史'` sends it: uvicorn's HTTP parser (h11,
and httptools too: measured) refuses any byte outside ASCII in the request
line, as RFC 9112 says. The real `rsearch serve` answers it with the
service's JSON error saying what to do, not a plain-text "Invalid HTTP
request received."; the same URL percent-encoded works."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys

import pytest


@pytest.fixture(scope="module")
def served(es_url):
    env = {k: v for k, v in os.environ.items() if not k.startswith("RSEARCH_")}
    env["RSEARCH_ES_URL"] = es_url
    proc = subprocess.Popen([sys.executable, "-c", "from rsearch.cli import main; main()", "serve", "--port", "0"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = proc.stdout.readline()
        port = int(re.search(r"127\.0\.0\.1:(\d+)/", line).group(1))
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def exchange(port: int, request_line: bytes) -> tuple[str, dict, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(request_line + b"\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status, *fields = head.decode("latin-1").split("\r\n")
    return status, {k.lower(): v.strip() for k, v in (f.split(":", 1) for f in fields)}, body


def test_raw_utf8_in_the_url_is_a_json_400_saying_what_to_do(served):
    status, headers, body = exchange(served, "GET /search?q=党史学习教育&filter=region:西工区 HTTP/1.1".encode())
    assert status.startswith("HTTP/1.1 400") and headers["content-type"] == "application/json"
    answer = json.loads(body)
    assert answer["status"] == 400 and "percent-encode" in answer["message"] and "--data-urlencode" in answer["message"]


def test_the_same_url_percent_encoded_is_answered(served):
    status, _, body = exchange(served, b"GET /health?x=%E5%85%9A HTTP/1.1")
    assert status.startswith("HTTP/1.1 200") and json.loads(body)["service"] == "ok"

"""A service that stays up, and a page that is safe to open.

The app's limits and headers through the test client (request bodies: 413
with the service's JSON error; security headers; the page's cookie; what
/health tells a caller without the token), and the real ``rsearch serve``
(uvicorn) under a file limit of 1,024 with 1,100 idle connections and a
slowloris client: real requests are still answered within a second.
"""

from __future__ import annotations

import os
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from rsearch.core.settings import Settings
from rsearch.localnode.node import free_port
from rsearch.service import create_app
from rsearch.service.limits import MAX_BODY_BYTES
from rsearch.serving import HEADER_SECONDS, RepeatFilter, wait_until_healthy

DEAD = "http://127.0.0.1:9"  # nothing listens there: the cluster is down


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Settings(url=DEAD, index="reports"))) as c:
        yield c


def test_a_body_over_the_limit_is_413_json(client):
    resp = client.post("/search", content=b"{" + b" " * MAX_BODY_BYTES + b"}",
                       headers={"content-type": "application/json"})
    assert resp.status_code == 413
    assert resp.json() == {"status": 413, "message": f"request body too large: at most {MAX_BODY_BYTES:,} bytes"}


def test_a_chunked_body_over_the_limit_is_413_json(client):
    def chunks():  # no Content-Length: counted as it arrives
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b" " * 65536

    resp = client.post("/search", content=chunks(), headers={"content-type": "application/json"})
    assert resp.status_code == 413 and resp.json()["status"] == 413


def test_a_small_body_is_read(client):
    resp = client.post("/search", json={"q": "党史", "hits_per_page": 0})
    assert resp.status_code == 400 and "hits_per_page" in resp.json()["message"]


def test_security_headers(client):
    api = client.get("/facets")
    page = client.get("/")
    for resp in (api, page):
        assert resp.headers["x-content-type-options"] == "nosniff"
        assert resp.headers["x-frame-options"] == "DENY"
        assert resp.headers["referrer-policy"] == "no-referrer"
    csp = page.headers["content-security-policy"]
    assert page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    docs = client.get("/docs")
    assert docs.status_code == 200 and "script-src" not in docs.headers["content-security-policy"]


def test_the_page_cookie_is_not_the_token():
    with TestClient(create_app(Settings(url=DEAD, index="reports"), token="s3cret")) as c:
        landed = c.get("/facets", params={"token": "s3cret"}, follow_redirects=False)
        assert landed.status_code == 303
        cookie = landed.cookies["rsearch_token"]
        assert "s3cret" not in cookie and "s3cret" not in landed.headers["set-cookie"]
        assert c.get("/facets", cookies={"rsearch_token": cookie}).status_code == 200
        assert c.get("/facets", cookies={"rsearch_token": "s3cret"}).status_code == 401
        assert c.get("/facets", headers={"authorization": "Bearer s3cret"}).status_code == 200


def test_health_without_the_token_says_ok_and_nothing_more(es_url):
    with TestClient(create_app(Settings(url=es_url, index="reports"), token="s3cret")) as c:
        assert c.get("/health").json() == {"status": "ok"}
        full = c.get("/health", headers={"authorization": "Bearer s3cret"}).json()
        assert full["cluster"]["nodes"] >= 1 and full["cluster"]["index"] == "reports"
    with TestClient(create_app(Settings(url=DEAD, index="reports"), token="s3cret")) as c:
        down = c.get("/health")
        assert down.status_code == 503
        assert down.json() == {"status": 503, "message": "the search cluster is unavailable"}


def test_repeated_warnings_are_held_back():
    import logging

    held = RepeatFilter(seconds=60)
    record = lambda: logging.LogRecord("asyncio", logging.ERROR, __file__, 1, "socket.accept() out of system resource",
                                       None, None)
    shown = [held.filter(record()) for _ in range(10_000)]
    assert shown.count(True) == 1
    info = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, "GET /", None, None)
    assert all(held.filter(info) for _ in range(3))


# -- the real server ----------------------------------------------------------------------
IDLE = 1_100
FILE_LIMIT = 1_024


def _serve(es_url):
    port = free_port()
    exe = Path(sys.executable).with_name("rsearch")

    def limit_files():
        resource.setrlimit(resource.RLIMIT_NOFILE, (FILE_LIMIT, FILE_LIMIT))

    proc = subprocess.Popen([str(exe), "--es-url", es_url, "serve", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "RSEARCH_API_TOKEN": ""}, preexec_fn=limit_files)
    base = f"http://127.0.0.1:{port}"
    wait_until_healthy(base, proc)
    return proc, port, base


def _timed_get(base: str, path: str) -> tuple[int, float]:
    started = time.monotonic()
    resp = httpx.get(f"{base}{path}", timeout=10)
    return resp.status_code, time.monotonic() - started


def test_idle_and_slow_clients_do_not_take_the_service_down(es_url):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < IDLE + 200:
        pytest.skip(f"this process may open {hard} files: the test needs {IDLE + 200}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, IDLE + 1000)), hard))
    proc, port, base = _serve(es_url)
    idle: list[socket.socket] = []
    try:
        assert _timed_get(base, "/facets")[0] == 200  # warm: the first answer builds the registry's JSON
        for _ in range(IDLE):  # connections that never send a byte
            idle.append(socket.create_connection(("127.0.0.1", port)))
        time.sleep(0.5)
        slow = socket.create_connection(("127.0.0.1", port))
        slow.sendall(b"GET /facets HTTP/1.1\r\nHost: x\r\n")  # a head that is never finished
        times = []
        for _ in range(5):
            status, took = _timed_get(base, "/facets")
            assert status == 200
            times.append(took)
            status, took = _timed_get(base, "/health")
            assert status == 200
            times.append(took)
        assert max(times) < 1.0, times
        print(f"\n{IDLE} idle connections under a file limit of {FILE_LIMIT}: 10 requests answered in "
              f"{min(times):.2f}-{max(times):.2f} s")
        # The unfinished head is cut off after HEADER_SECONDS (uvicorn kept it forever).
        slow.settimeout(HEADER_SECONDS + 10)
        started = time.monotonic()
        try:
            closed = slow.recv(1) == b""
        except ConnectionResetError:
            closed = True
        assert closed and time.monotonic() - started < HEADER_SECONDS + 5
        assert proc.poll() is None
    finally:
        for s in idle:
            s.close()
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
    assert "Traceback" not in out
    assert len(out.splitlines()) < 20, out[-2000:]  # no log flood

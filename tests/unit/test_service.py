"""The HTTP service without a node: an unreachable cluster is a 503 that never
shows the cluster's credentials, `serve` refuses a public host without
--public, its socket sends without delay, and its files are package data.
Against a real node: tests/integration/test_service.py."""

from __future__ import annotations

import socket

from click.testing import CliRunner
from fastapi.testclient import TestClient

from rsearch.cli import cli
from rsearch.service import create_app
from rsearch.core.settings import Settings

from paths import REPO
from service_support import error, ok


# -- errors ----------------------------------------------------------------------------------


def test_unreachable_cluster_is_503():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    with TestClient(create_app(Settings(url=f"http://127.0.0.1:{port}", index="reports"))) as c:
        for path in ("/search?q=党史", "/stats", "/health", "/chunks/abc", "/reports/abc"):
            assert str(port) in error(c.get(path), 503)
        page = c.get("/", params={"q": "党史"})
        assert page.status_code == 503 and str(port) in page.text
        assert ok(c.get("/facets"))["facets"]


# -- the token ---------------------------------------------------------------------------------


def test_non_loopback_host_needs_public():
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--port", "0"])
    assert result.exit_code == 1 and result.output.count("Error:") == 1 and "--public" in result.output


# -- the real server -----------------------------------------------------------------------------


def test_served_connections_send_without_nagle_delay():
    """The socket `rsearch serve` binds says it is TCP, so asyncio sets
    TCP_NODELAY on every connection (without it, ~40 ms per response)."""
    import asyncio

    from rsearch.serving import bind

    async def accept_one() -> int:
        sock = bind("127.0.0.1", 0)
        seen = asyncio.get_running_loop().create_future()

        async def handler(reader, writer):
            seen.set_result(writer.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(handler, sock=sock)
        async with server:
            _, writer = await asyncio.open_connection(*sock.getsockname())
            value = await asyncio.wait_for(seen, 10)
            writer.close()
        return value

    assert asyncio.run(accept_one()) != 0


def test_templates_and_static_files_are_package_data():
    """Every file the page needs is matched by pyproject's package-data (so it is in the wheel)."""
    import fnmatch
    import tomllib

    globs = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["rsearch.service"]
    root = REPO / "rsearch" / "service"
    files = [p.relative_to(root).as_posix() for d in ("templates", "static") for p in (root / d).iterdir()]
    assert files and all(any(fnmatch.fnmatch(f, g) for g in globs) for f in files), files


def test_cluster_credentials_never_reach_callers():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = Settings(url=f"http://admin:hunter2secret@127.0.0.1:{port}", index="reports",
                        username="admin", password="hunter2secret")
    with TestClient(create_app(settings)) as c:
        for path in ("/search?q=党史", "/health", "/stats", "/", "/read/abc"):
            resp = c.get(path)
            assert resp.status_code == 503 and "hunter2secret" not in resp.text, path
    # Whatever a message quotes: the user:password part of a URL is cut.
    from rsearch.service.app import public_text

    assert public_text("refused by https://elastic:s3cr3t@es.example:9243/x (401)") == \
        "refused by https://es.example:9243/x (401)"
    assert public_text("at http://127.0.0.1:9200 and user@example.org") == "at http://127.0.0.1:9200 and user@example.org"

"""The README's main command on a machine that has never seen the project.

A fresh copy of the checkout (the files git knows, as a clone has them) with
no .venv, an empty Maven repository (so the distribution really is
downloaded from Maven Central and checked against the pinned SHA-256), an
empty state directory, and another program already listening on port 9200:
then ``scripts/run-demo.sh`` must still succeed in the copy, creating its own
venv with the pip that ships with Python, and start the node on a port it
picks and names. Nothing is installed into the working venv or the system
(the copy's bootstrap is told not to use apt). Port 8000 is taken too: the page is served on another port, the URL the
demo prints answers curl as printed, and a second run finds that page
rather than starting another. After ``rsearch es stop`` commands refuse in
one line rather than ask the other program. One download of the zip (about
100 MB) and one install of the package with its test tools (from pip's cache
when it has them) per run of this test.
"""

from __future__ import annotations

import hashlib
import http.server
import os
import re
import signal
import shutil
import stat
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest

from rsearch.localnode.distribution import _maven_path
from rsearch.core.settings import ES_SHA256, ES_VERSION
from paths import REPO


pytestmark = pytest.mark.es  # network and a node of its own


class _Other(http.server.BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_GET(self):  # noqa: N802
        self.seen.append(self.path)
        body = b'{"someone": "else"}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _copy_checkout(to: Path) -> None:
    """The files a clone of this checkout has (tracked, and new ones not ignored)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            capture_output=True, check=True).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source, target = REPO / name, to / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():  # as git checks it out (core/mappings -> ../mappings)
            os.symlink(os.readlink(source), target)
        elif source.is_file():
            shutil.copy2(source, target)
    assert not (to / ".venv").exists()


def _taken(port: int):
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Other)
    except OSError:
        yield None  # something else holds it already: the condition holds anyway
        return
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def port_9200_taken():
    yield from _taken(9200)


@pytest.fixture
def port_8000_taken():
    yield from _taken(8000)


@pytest.mark.skipif(not shutil.which("mvn") and not os.environ.get("RSEARCH_MAVEN_REPOSITORY"),
                    reason="needs mvn or RSEARCH_MAVEN_REPOSITORY to download the distribution")
def test_demo_on_a_fresh_machine_with_9200_taken(port_9200_taken, port_8000_taken):
    top = Path(tempfile.mkdtemp(prefix="rsearch-fresh-"))
    # As root the node runs as the user `rsearch`, which must enter the state directory.
    os.chmod(top, stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
    home, m2, repo = top / "home", top / "m2", top / "rsearch"
    m2.mkdir()
    _copy_checkout(repo)
    env = {k: v for k, v in os.environ.items() if not k.startswith("RSEARCH_")}
    env.update(RSEARCH_HOME=str(home), MAVEN_LOCAL_REPO=str(m2), RSEARCH_ES_HEAP="512m",
               RSEARCH_BOOTSTRAP_APT="no")
    env.pop("VIRTUAL_ENV", None)
    if os.environ.get("RSEARCH_MAVEN_REPOSITORY"):
        env["RSEARCH_MAVEN_REPOSITORY"] = os.environ["RSEARCH_MAVEN_REPOSITORY"]
    rsearch = str(repo / ".venv" / "bin" / "rsearch")
    serve_pid = None
    try:
        demo = subprocess.run(["bash", "scripts/run-demo.sh"], cwd=repo, env=env, capture_output=True,
                              text=True, timeout=1500)
        out = demo.stdout
        serve = re.search(r"rsearch serve is running \(pid (\d+)", out)
        if serve:
            serve_pid = int(serve.group(1))
        assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]
        assert serve, out
        assert "port 9200 on 127.0.0.1 is in use by another program: starting on a free port instead" in out
        assert "is up at http://127.0.0.1:" in out and "is up at http://127.0.0.1:9200 " not in out
        assert "5 files" in out and "matching reports" in out
        # The zip came through the empty Maven repository and has the pinned hash.
        zips = [home / "downloads" / f"elasticsearch-{ES_VERSION}.zip", m2 / _maven_path(ES_VERSION)]
        for z in zips:
            if z.is_file():
                assert hashlib.sha256(z.read_bytes()).hexdigest() == ES_SHA256[ES_VERSION]
        assert (m2 / _maven_path(ES_VERSION)).is_file() or not shutil.which("mvn")
        if port_9200_taken is not None:
            assert _Other.seen == []  # nothing asked the other program

        # The page: on another port than 8000, and the printed URL works in curl as printed.
        moved = re.search(r"port 8000 is in use by another program: serving on port (\d+) instead", out)
        assert moved, out
        page = re.search(r"Search page \(党史学习教育\): (\S+)", out).group(1)
        assert page.startswith(f"http://127.0.0.1:{moved.group(1)}/?q=%E5%85%9A"), page
        curl = subprocess.run(["curl", "-s", "-w", "\n%{http_code}", page], capture_output=True, text=True, timeout=60)
        assert curl.stdout.endswith("\n200") and "学史力行" in curl.stdout, curl.stdout[-500:]
        if Path("/usr/bin/chromium").exists():  # and in a browser, which shows the query decoded
            from playwright.sync_api import sync_playwright

            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"])
                try:
                    shown = browser.new_page()
                    shown.goto(page)
                    assert shown.locator("#q").input_value() == "党史学习教育"
                    assert shown.locator("li.hit mark").count() > 0
                finally:
                    browser.close()

        # Again: the node this state directory runs is reused, and so is the page.
        again = subprocess.run([rsearch, "es", "start"], env=env, capture_output=True, text=True, timeout=120)
        assert again.returncode == 0 and "already running" in again.stdout, again.stdout + again.stderr
        second = subprocess.run(["bash", "scripts/run-demo.sh"], cwd=repo, env=env, capture_output=True,
                                text=True, timeout=900)
        assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
        assert f"rsearch serve is already running at http://127.0.0.1:{moved.group(1)}/" in second.stdout
        assert "rsearch serve is running (pid" not in second.stdout
    finally:
        if serve_pid:  # the demo leaves the search page running in the background
            try:
                os.kill(serve_pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        subprocess.run([rsearch, "es", "stop"], env=env, capture_output=True, timeout=120)

    stats = subprocess.run([rsearch, "stats"], env=env, capture_output=True, text=True, timeout=120)
    assert stats.returncode == 1
    lines = stats.stderr.strip().splitlines()
    assert len(lines) == 1 and "not running" in lines[0] and "rsearch es start" in lines[0], stats.stderr
    if port_9200_taken is not None:
        assert _Other.seen == []
    shutil.rmtree(top, ignore_errors=True)

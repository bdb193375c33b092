"""The local node: real starts and stops, and each start-up error as one line."""

from __future__ import annotations

import json
import shutil
import socket
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from rsearch.cli import cli
from rsearch.localnode import LocalNode
from rsearch.localnode.distribution import DownloadFailed, coordinates, ensure_distribution, fetch_zip
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


@pytest.mark.es  # runs Maven against the network: not part of the fast set
@pytest.mark.skipif(not shutil.which("mvn"), reason="needs mvn")
def test_download_failure_names_coordinates(tmp_path, monkeypatch):
    monkeypatch.setenv("MAVEN_LOCAL_REPO", str(tmp_path / "m2"))
    monkeypatch.delenv("RSEARCH_MAVEN_REPOSITORY", raising=False)
    with pytest.raises(DownloadFailed) as err:
        fetch_zip(tmp_path, "0.0.0-no-such-version", sha256="0" * 64)
    assert coordinates("0.0.0-no-such-version") in str(err.value)
    assert "\n" not in str(err.value)



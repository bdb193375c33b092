"""Which cluster a command talks to, and how the connection options are given.

* connection options work before and after the subcommand; -h is --help;
* with no URL configured and the local node of the state directory not
  running, a command refuses in one line instead of asking whatever answers
  on port 9200; an unreachable URL is one line too.

Options after the subcommand, on a real node: tests/integration/test_cli_connection.py.
"""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading

import pytest
from click.testing import CliRunner

from rsearch.cli import cli
from paths import REPO, SEEDS


COMMANDS = [[], ["index"], ["search"], ["show"], ["stats"], ["es"], ["es", "start"], ["es", "stop"],
            ["es", "status"], ["es", "logs"], ["kibana"], ["kibana", "setup"], ["kibana", "export"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "rsearch")
def test_dash_h_is_help_everywhere(command):
    out = CliRunner().invoke(cli, [*command, "-h"])
    assert out.exit_code == 0, out.output
    assert out.output.startswith("Usage: ") and "-h, --help" in out.output


@pytest.mark.parametrize("command", [["index", "x"], ["search", "q"], ["show", "x"], ["stats"]])
def test_connection_options_are_listed_on_each_command_that_talks_to_elasticsearch(command):
    out = CliRunner().invoke(cli, [*command[:1], "-h"])
    for option in ("--es-url", "--index", "--api-key", "--user", "--password", "--ca-certs"):
        assert option in out.output


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Some other HTTP server: answers like an Elasticsearch, records requests."""
    seen: list[str] = []

    def do_GET(self):  # noqa: N802
        self.seen.append(self.path)
        body = b'{"name": "someone-else", "version": {"number": "8.19.9"}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Elastic-Product", "Elasticsearch")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture
def other_server():
    """An HTTP server on 9200 if that is free, else on a free port."""
    _Recorder.seen = []
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 9200), _Recorder)
    except OSError:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.mark.parametrize("state", ["no-node-yet", "stopped-uncleanly"])
def test_no_url_and_no_local_node_refuses_in_one_line(other_server, tmp_path, state):
    port = other_server.server_address[1]
    home = tmp_path / "home"
    if state == "stopped-uncleanly":  # node.json left behind, pointing at the port the other server holds
        (home / "node").mkdir(parents=True)
        (home / "node" / "node.json").write_text(json.dumps(
            {"pid": _dead_pid(), "port": port, "url": f"http://127.0.0.1:{port}"}))
    env = {k: v for k, v in os.environ.items() if not k.startswith("RSEARCH_")}
    env["RSEARCH_HOME"] = str(home)
    for command in (["stats"], ["search", "党史"], ["show", "abc"], ["index", str(REPO / "seeds")]):
        proc = subprocess.run([sys.executable, "-m", "rsearch.cli", *command], capture_output=True, text=True,
                              env=env, cwd=REPO, timeout=120)
        assert proc.returncode == 1, (command, proc.stdout, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), proc.stderr
        assert "not running" in lines[0] and "rsearch es start" in lines[0] and str(home / "node") in lines[0]
        assert proc.stdout == ""
    assert _Recorder.seen == []  # never asked the other server


# -- options after the subcommand, on a real node -----------------------------------


@pytest.mark.parametrize("args", [["search", "党史"], ["stats"], ["index", str(SEEDS)]])
def test_unreachable_cluster_is_one_line(args):
    result = CliRunner().invoke(cli, ["--es-url", "http://127.0.0.1:9", *args])
    assert result.exit_code == 1, result.output
    assert result.output.count("Error:") == 1 and "cannot reach Elasticsearch at http://127.0.0.1:9" in result.output
    assert "Traceback" not in result.output

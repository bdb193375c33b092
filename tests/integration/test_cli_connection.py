"""Connection options before and after the subcommand, and the environment
under a subcommand's option, on a real node (without one:
tests/unit/test_cli_connection.py)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from rsearch.indexer.sync import index_paths
from rsearch.cli import cli
from paths import SEEDS


@pytest.fixture
def seeded(es, index_name):
    assert index_paths(es, index_name, [SEEDS]).ok
    return index_name


def test_options_after_the_subcommand(es_url, seeded, tmp_path):
    runner = CliRunner(env={"RSEARCH_HOME": str(tmp_path / "nohome"), "RSEARCH_ES_URL": None})
    out = runner.invoke(cli, ["search", "党史", "--es-url", es_url, "--index", seeded, "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["query"] == "党史" and data["total"] > 0  # --es-url is not a query word
    stats = runner.invoke(cli, ["stats", "--es-url", es_url, "--index", seeded, "--json"])
    assert stats.exit_code == 0, stats.output
    assert json.loads(stats.output)["alias"] == seeded
    # before the subcommand still works, and after overrides before
    both = runner.invoke(cli, ["--es-url", "http://127.0.0.1:1", "--index", "nope", "stats",
                               "--es-url", es_url, "--index", seeded, "--json"])
    assert both.exit_code == 0 and json.loads(both.output)["alias"] == seeded
    before = runner.invoke(cli, ["--es-url", es_url, "--index", seeded, "stats", "--json"])
    assert before.exit_code == 0 and json.loads(before.output)["alias"] == seeded
    chunk = data["hits"][0]["id"]
    shown = runner.invoke(cli, ["show", chunk, "--json", "--index", seeded, "--es-url", es_url])
    assert shown.exit_code == 0 and chunk in shown.output


def test_environment_then_subcommand_option(es_url, seeded, monkeypatch):
    monkeypatch.setenv("RSEARCH_ES_URL", "http://127.0.0.1:1")
    out = CliRunner().invoke(cli, ["stats", "--es-url", es_url, "--index", seeded, "--json"])
    assert out.exit_code == 0, out.output

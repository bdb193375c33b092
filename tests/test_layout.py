"""Shards and replicas a user chooses (core.layout), several node URLs
(core.connection, core.settings): parsing without a node, then what an
index gets on the real test node. The three-node behaviour is in
test_cluster.py."""

from __future__ import annotations

import pytest

from rsearch.core import layout
from rsearch.core.errors import ConfigError
from rsearch.core.layout import Layout
from rsearch.core.settings import Settings
from rsearch.indexer import index_admin
from rsearch.indexer.sync import index_paths

from paths import SEEDS


@pytest.mark.parametrize("given, shards", [(None, None), ("", None), ("1", 1), (" 3 ", 3), (2, 2)])
def test_shards_parse(given, shards):
    assert layout.parse_shards(given) == shards


@pytest.mark.parametrize("given", ["0", "-1", "x", "1.5", "2000"])
def test_bad_shards_are_one_line_naming_the_setting(given):
    with pytest.raises(ConfigError, match="--shards / RSEARCH_SHARDS"):
        layout.parse_shards(given)


@pytest.mark.parametrize("given, replicas", [(None, None), ("1", "1"), ("0", "0"), ("0-1", "0-1"),
                                              ("0-ALL", "0-all"), ("01-2", "1-2")])
def test_replicas_parse(given, replicas):
    assert layout.parse_replicas(given) == replicas


@pytest.mark.parametrize("given", ["x", "2-1", "-1", "1-", "all", "0-some"])
def test_bad_replicas_are_one_line_naming_the_setting(given):
    with pytest.raises(ConfigError, match="--replicas / RSEARCH_REPLICAS"):
        layout.parse_replicas(given)


def test_layout_settings():
    assert Layout(1, "0-1").index_settings() == {"number_of_shards": 1, "auto_expand_replicas": "0-1"}
    assert Layout(2, "1").index_settings() == {"number_of_shards": 2, "number_of_replicas": 1,
                                               "auto_expand_replicas": "false"}
    assert Layout(2, "1").replica_settings() == {"number_of_replicas": 1, "auto_expand_replicas": "false"}


def test_one_shard_per_thirty_gigabytes_of_index():
    assert layout.default_shards(0) == 1
    assert layout.default_shards(10 * 2**30) == 1  # 10 GB of files: about 30 GB of index
    assert layout.default_shards(11 * 2**30) == 2
    assert layout.default_shards(10**15) == layout.MAX_SHARDS


def test_settings_read_the_layout_from_the_environment(monkeypatch):
    monkeypatch.setenv("RSEARCH_SHARDS", "2")
    monkeypatch.setenv("RSEARCH_REPLICAS", "0-all")
    assert Settings.from_env().layout() == (2, "0-all")
    monkeypatch.setenv("RSEARCH_SHARDS", "two")
    with pytest.raises(ConfigError, match="RSEARCH_SHARDS"):
        Settings.from_env().layout()


def test_several_urls_are_each_checked():
    settings = Settings(url="http://127.0.0.1:9200, http://127.0.0.1:9201,")
    assert settings.urls == ["http://127.0.0.1:9200", "http://127.0.0.1:9201"]
    settings.check()
    with pytest.raises(ConfigError, match="127.0.0.1:9201"):
        Settings(url="http://127.0.0.1:9200,127.0.0.1:9201").check()
    with pytest.raises(ConfigError, match="empty"):
        Settings(url=" , ").check()


def test_the_client_gets_every_node():
    client = Settings(url="http://127.0.0.1:9200,http://127.0.0.1:9201").client()
    assert sorted(str(n.base_url) for n in client.transport.node_pool.all()) == [
        "http://127.0.0.1:9200", "http://127.0.0.1:9201"]


# -- on the test node ----------------------------------------------------------------
def test_defaults_then_a_rebuild_keeps_what_was_chosen(es, index_name):
    first = index_paths(es, index_name, [SEEDS])
    assert first.ok and (first.shards, first.replicas, first.health) == (1, "0-1", "green")
    # One node: auto_expand_replicas 0-1 places no replica, so the index is green.
    assert layout.describe(es, first.index)["copies_unassigned"] == 0
    rebuilt = index_paths(es, index_name, [SEEDS], rebuild=True, shards=2, replicas="0-all")
    assert rebuilt.ok and (rebuilt.shards, rebuilt.replicas) == (2, "0-all")
    again = index_paths(es, index_name, [SEEDS], rebuild=True)
    assert again.ok and (again.shards, again.replicas) == (2, "0-all")  # kept
    assert es.count(index=index_name)["count"] == first.chunks


def test_replicas_change_on_a_live_index_shards_only_with_a_rebuild(es, index_name):
    assert index_paths(es, index_name, [SEEDS]).ok
    # A fixed replica on one node has nowhere to go: the run says yellow, loses nothing.
    summary = index_paths(es, index_name, [SEEDS], replicas="1")
    assert summary.ok and summary.replicas == "1" and summary.health == "yellow"
    info = layout.describe(es, summary.index)
    assert (info["copies_started"], info["copies_unassigned"]) == (1, 1)
    with pytest.raises(index_admin.ShardsFixed, match="only with --rebuild"):
        index_paths(es, index_name, [SEEDS], shards=3)
    assert index_paths(es, index_name, [SEEDS], shards=1, replicas="0-1").health == "green"

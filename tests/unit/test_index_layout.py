"""Shards and replicas a user chooses (core.layout) and several node URLs
(core.connection, core.settings), without a node. What an index gets on a
real node: tests/integration/test_index_layout.py; on three nodes:
tests/integration/test_cluster.py."""

from __future__ import annotations

import pytest

from rsearch.core import layout
from rsearch.core.errors import ConfigError
from rsearch.core.layout import Layout
from rsearch.core.settings import Settings


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

"""Shards and replicas (core.layout) as an index gets them on the real test
node: the defaults, a rebuild keeps them, replicas change live, shards only
with a rebuild. The three-node behaviour: test_cluster.py."""

from __future__ import annotations

import pytest

from rsearch.core import layout
from rsearch.indexer import index_admin
from rsearch.indexer.sync import index_paths

from paths import SEEDS


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

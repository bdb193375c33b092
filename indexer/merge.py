"""A rebuilt index: written without refreshes, then merged to one segment
per shard before it goes live.

Nobody searches the new index while a rebuild fills it, so it is written
with refreshes off (``refresh_interval: -1``): Elasticsearch then makes few
large segments instead of one small segment a second, and merges less. Its
translog is synced in the background (``durability: async``) rather than
on every bulk request: a node that dies mid-rebuild loses the rebuild either
way (it is deleted and the old index stays live). Both are restored before
the index goes live.

A rebuilt index is written once and then only searched, so one segment per
shard is the cheapest to search and the smallest to store. Nothing has to
wait before that merge: the mapping excludes nothing from ``_source``, so
Elasticsearch keeps no ``_recovery_source`` for the retention leases to
release (mapping v7 did, and its rebuild waited up to 40 s for the lease).
"""

from __future__ import annotations

import time

from elasticsearch import Elasticsearch

BUILD_SETTINGS = {"index.refresh_interval": "-1", "index.translog.durability": "async"}
MERGE_TIMEOUT = 3600  # a force-merge of a large index takes minutes; the request waits


def settings_while_building() -> dict:
    """Index settings for a new index while a rebuild writes it."""
    return dict(BUILD_SETTINGS)


def merge_for_search(es: Elasticsearch, index: str) -> float:
    """Restore the default settings, refresh, merge to one segment per shard;
    the seconds it took."""
    started = time.monotonic()
    es.indices.put_settings(index=index, settings={name: None for name in BUILD_SETTINGS})
    es.indices.refresh(index=index)
    es.options(request_timeout=MERGE_TIMEOUT).indices.forcemerge(index=index, max_num_segments=1)
    return round(time.monotonic() - started, 3)

"""Merge a freshly built index to one segment before it goes live.

A rebuilt index is written once and then only searched, so one segment is
the cheapest to search and the smallest to store. One catch: the mapping
keeps the analysed copies out of ``_source``, so Elasticsearch also stores
each whole document as ``_recovery_source`` (for replica recovery) until the
shard's retention lease has moved past it. The lease moves on the node's
periodic retention-lease sync (about every 30 s), pruning also needs a safe
commit that covers every document, and a merge to one segment done before
both keeps the recovery source for good: a one-segment index is not merged
again. So we wait (bounded) for the lease and the global checkpoint, commit,
then merge. A segment merged before the lease moved keeps its recovery
source through later merges too (seen on the test distribution), and
Elasticsearch's own merges can bring a whole freshly built index into one
segment while it is written (a 20 MB corpus did: 216 MB instead of 59).
So while a rebuild writes, its index only merges small segments
(BUILD_SETTINGS, set by limit_merges_while_building); the one merge to a
single segment comes after the lease, and restores the default policy
first. A small index already in one segment (under SMALL_INDEX_BYTES) is
left as it is, recovery source and all: the wait costs more than the bytes.
"""

from __future__ import annotations

import time

from elasticsearch import Elasticsearch

# The node renews retention leases every 30 s; a little more than one period.
LEASE_WAIT = 40.0
SMALL_INDEX_BYTES = 32 * 1024 * 1024
MAX_MERGED_SEGMENT = "index.merge.policy.max_merged_segment"
# While a rebuild writes: merge only into segments up to this size, none
# holding the whole index before its recovery source may be dropped.
BUILD_SETTINGS = {MAX_MERGED_SEGMENT: "16mb"}
MERGE_TIMEOUT = 3600  # a force-merge of a large index takes minutes; the request waits


def _leases_past_every_document(es: Elasticsearch, index: str) -> bool:
    shards = es.indices.stats(index=index, level="shards")["indices"][index]["shards"]
    for copies in shards.values():
        for copy in copies:
            seq = copy["seq_no"]
            leases = copy.get("retention_leases", {}).get("leases", [])
            if seq["global_checkpoint"] < seq["max_seq_no"] or any(
                    lease["retaining_seq_no"] <= seq["max_seq_no"] for lease in leases):
                return False
    return True


def _segments_and_bytes(es: Elasticsearch, index: str) -> tuple[int, int]:
    stats = es.indices.stats(index=index, metric="segments,store")["indices"][index]["primaries"]
    return stats["segments"]["count"], stats["store"]["size_in_bytes"]


def limit_merges_while_building(es: Elasticsearch, index: str) -> None:
    """Keep a new index's background merges small until merge_for_search."""
    es.indices.put_settings(index=index, settings=BUILD_SETTINGS)


def merge_for_search(es: Elasticsearch, index: str, lease_wait: float = LEASE_WAIT) -> float:
    """Restore the default merge policy, flush, wait up to ``lease_wait`` s
    for the retention leases, merge to one segment; the seconds it all took."""
    started = time.monotonic()
    es.indices.put_settings(index=index, settings={name: None for name in BUILD_SETTINGS})
    es.indices.flush(index=index)
    segments, size = _segments_and_bytes(es, index)
    if segments <= 1 and size < SMALL_INDEX_BYTES:
        # A small index in one segment: not worth the lease wait.
        return round(time.monotonic() - started, 3)
    while not _leases_past_every_document(es, index) and time.monotonic() - started < lease_wait:
        time.sleep(0.5)
    # A new commit, taken now that the global checkpoint covers every
    # document: what may be pruned is decided from the last safe commit.
    es.indices.flush(index=index, force=True)
    es.options(request_timeout=MERGE_TIMEOUT).indices.forcemerge(index=index, max_num_segments=1)
    return round(time.monotonic() - started, 3)

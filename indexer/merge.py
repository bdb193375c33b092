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
then merge. (An index that is one segment before the merge, i.e. a small
one, is left as it is, recovery source and all.)
"""

from __future__ import annotations

import time

from elasticsearch import Elasticsearch

# The node renews retention leases every 30 s; a little more than one period.
LEASE_WAIT = 40.0
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


def _segments(es: Elasticsearch, index: str) -> int:
    stats = es.indices.stats(index=index, metric="segments")["indices"][index]
    return stats["primaries"]["segments"]["count"]


def merge_for_search(es: Elasticsearch, index: str, lease_wait: float = LEASE_WAIT) -> float:
    """Flush, wait up to ``lease_wait`` s for the retention leases, merge to
    one segment; the seconds it all took."""
    started = time.monotonic()
    es.indices.flush(index=index)
    if _segments(es, index) <= 1:
        # Already one segment (a small index): nothing to merge, nothing to wait for.
        return round(time.monotonic() - started, 3)
    while not _leases_past_every_document(es, index) and time.monotonic() - started < lease_wait:
        time.sleep(0.5)
    # A new commit, taken now that the global checkpoint covers every
    # document: what may be pruned is decided from the last safe commit.
    es.indices.flush(index=index, force=True)
    es.options(request_timeout=MERGE_TIMEOUT).indices.forcemerge(index=index, max_num_segments=1)
    return round(time.monotonic() - started, 3)

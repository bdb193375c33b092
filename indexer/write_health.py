"""Why writes to an index fail, in words that say what to do.

Two states make every bulk request fail however often it is retried, and
both used to look like something else: a **write block** (the node's disk
passed the flood-stage watermark and Elasticsearch made the index read-only,
or someone set ``index.blocks.write``) gave 17 silent minutes of retries;
a **missing primary shard** (its node left, its disk failed) made bulk
requests wait until the client gave up, reported as "unreachable:
Connection timed out" after 253 s. ``block_message`` reads a block from an
item's error; ``missing_primaries`` asks the cluster which primary shards
of the index have no node, and why.
"""

from __future__ import annotations

from elasticsearch import Elasticsearch


class WritesRefused(Exception):
    """Elasticsearch refuses every write to the index: retrying is useless.
    ``str()`` is one line with the fix."""


def block_message(index: str, error) -> str | None:
    """The one line for a ``cluster_block_exception`` item error, else None."""
    if not isinstance(error, dict) or error.get("type") != "cluster_block_exception":
        return None
    reason = str(error.get("reason", ""))
    if "flood-stage" in reason or "read-only-allow-delete" in reason:
        return (f"index {index} is read-only: the disk of an Elasticsearch node passed the flood-stage "
                "watermark (95% full by default). Free disk space on that node; Elasticsearch lifts the "
                "block by itself once usage falls below the high watermark; then run `rsearch index` again")
    return (f"index {index} refuses writes ({reason}): lift the block, e.g. PUT /{index}/_settings "
            '{"index.blocks.write": null, "index.blocks.read_only": null}, then run `rsearch index` again')


def missing_primaries(es: Elasticsearch, index: str) -> str | None:
    """One line naming the primary shards of ``index`` that are not on any
    node (and why, as Elasticsearch records it), None when every primary is
    active or the cluster cannot say (it does not answer either)."""
    try:
        shards = es.options(request_timeout=10).cat.shards(
            index=index, format="json", h="index,shard,prirep,state,unassigned.reason,unassigned.details,node")
    except Exception:
        return None
    lost = [s for s in shards if s.get("prirep") == "p" and s.get("state") != "STARTED"]
    if not lost:
        return None
    named = []
    for shard in lost:
        why = shard.get("unassigned.reason") or shard.get("state", "").lower()
        details = shard.get("unassigned.details")
        named.append(f"shard {shard.get('shard')} ({why}{': ' + details if details else ''})")
    return (f"index {index} has no copy of {len(lost)} primary shard(s) on any node: {', '.join(named)}. "
            "Bring back the node that held it (see `GET _cluster/allocation/explain`), then run "
            "`rsearch index` again")

"""How the chunk index lies on the cluster: its shards and replicas.

A user chooses them (``rsearch index --shards N --replicas R``, or
``RSEARCH_SHARDS`` / ``RSEARCH_REPLICAS``, read by core.settings); the
defaults are right on one node and on many:

* shards: one per ``SHARD_TARGET_BYTES`` of the index to be (Elastic's
  guidance is 10-50 GB a shard), estimated when the index is created from
  the size of the files to index (``STORE_PER_INPUT_BYTE``): one shard up to
  about 10 GB of report files. A shard is a unit of parallel work but each
  one costs memory and per-search overhead, so more than needed is slower.
* replicas: ``0-1`` (``auto_expand_replicas``): none on one node, where a
  replica could never be placed and would keep the index yellow, and one as
  soon as the cluster has a second node, so losing any one node loses nothing
  and searches keep answering. A number (``1``) is fixed; a range
  (``0-2``, ``0-all``) expands with the nodes.

A rebuild keeps the layout of the index it replaces unless told otherwise;
replicas can change on a live index, shards only with a rebuild.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .errors import ConfigError

SHARD_TARGET_BYTES = 30 * 2**30
# The index as written is about 3x the report files it holds (bench/bench_scale.py).
STORE_PER_INPUT_BYTE = 3
MAX_SHARDS = 1024
DEFAULT_REPLICAS = "0-1"
SHARDS_OPTION = "--shards / RSEARCH_SHARDS"
REPLICAS_OPTION = "--replicas / RSEARCH_REPLICAS"
_RANGE = re.compile(r"(\d+)-(\d+|all)")


@dataclass(frozen=True)
class Layout:
    shards: int
    replicas: str  # "1" (fixed) or "0-1" / "0-all" (auto_expand_replicas)

    @property
    def auto_expand(self) -> bool:
        return "-" in self.replicas

    def index_settings(self) -> dict:
        """The index settings that give this layout."""
        if self.auto_expand:
            return {"number_of_shards": self.shards, "auto_expand_replicas": self.replicas}
        return {"number_of_shards": self.shards, "number_of_replicas": int(self.replicas),
                "auto_expand_replicas": "false"}

    def replica_settings(self) -> dict:
        """The part of index_settings a live index can change."""
        return {k: v for k, v in self.index_settings().items() if k != "number_of_shards"}


def parse_shards(value: str | int | None) -> int | None:
    """A shard count (None when not given); ConfigError naming the setting."""
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_SHARDS:
        raise ConfigError(f"bad shard count {text!r} ({SHARDS_OPTION}): give a whole number from 1 "
                          f"to {MAX_SHARDS}, e.g. 1 (the default picks one shard per ~30 GB of index)")
    return int(text)


def parse_replicas(value: str | int | None) -> str | None:
    """A replica count ("1") or range ("0-1", "0-all"), None when not given."""
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip().lower()
    if text.isdigit():
        return str(int(text))
    m = _RANGE.fullmatch(text)
    if m and (m.group(2) == "all" or int(m.group(1)) <= int(m.group(2))):
        return f"{int(m.group(1))}-{m.group(2) if m.group(2) == 'all' else int(m.group(2))}"
    raise ConfigError(f"bad replica setting {text!r} ({REPLICAS_OPTION}): give a number (1) or a "
                      f"range the cluster expands within as nodes join and leave ({DEFAULT_REPLICAS}, 0-all)")


def default_shards(input_bytes: int) -> int:
    """One shard per SHARD_TARGET_BYTES of the index these files will make."""
    return max(1, min(MAX_SHARDS, math.ceil(input_bytes * STORE_PER_INPUT_BYTE / SHARD_TARGET_BYTES)))


def of_index(es, physical: str) -> Layout:
    """The layout an existing index was given."""
    s = es.indices.get_settings(index=physical, flat_settings=True)[physical]["settings"]
    auto = s.get("index.auto_expand_replicas", "false")
    replicas = auto if auto not in ("false", None) else str(s.get("index.number_of_replicas", "1"))
    return Layout(int(s["index.number_of_shards"]), replicas)


def describe(es, physical: str) -> dict:
    """For ``rsearch stats``: the layout, the copies placed now, the health
    and the nodes (name and which copies each holds)."""
    layout = of_index(es, physical)
    health = es.cluster.health(index=physical)
    shards = es.cat.shards(index=physical, format="json", h="shard,prirep,state,node")
    nodes = {}
    for row in shards:
        if row.get("node"):
            nodes.setdefault(row["node"], []).append(f"{row['shard']}{'p' if row['prirep'] == 'p' else 'r'}")
    return {
        "shards": layout.shards,
        "replicas": layout.replicas,
        "copies_started": sum(1 for row in shards if row.get("state") == "STARTED"),
        "copies_unassigned": sum(1 for row in shards if row.get("state") == "UNASSIGNED"),
        "health": health["status"],
        "cluster_nodes": health["number_of_nodes"],
        "nodes": {name: sorted(copies) for name, copies in sorted(nodes.items())},
    }

"""The versioned physical index behind the alias.

Searches and the indexer address the alias (``reports`` by default). Behind it
stands one physical index ``<alias>-m<mapping_version>-<UTC timestamp>``,
created from ``mappings/chunks.json`` (the single source of settings and
mappings; the package carries a copy, ``indexer/data/chunks.json``, so an
installed wheel can index: tests/test_packaging.py checks both are identical) with ``_meta`` saying which mapping and which analysis dictionary
built it. A rebuild fills a new physical index and swaps the alias in one
atomic ``_aliases`` call, so searches keep answering throughout.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from elasticsearch import Elasticsearch, NotFoundError

from rsearch.errors import RsearchError

MAPPINGS_DIR = Path(__file__).resolve().parents[1] / "mappings"  # the readable source
PACKAGED = Path(__file__).resolve().parent / "data" / "chunks.json"  # what the wheel ships


@lru_cache(maxsize=1)
def definition() -> dict:
    return json.loads(PACKAGED.read_text(encoding="utf-8"))


def mapping_version() -> int:
    return int(definition()["mapping_version"])


@dataclass
class IndexInfo:
    alias: str
    physical: str | None
    mapping_version: int | None
    dictionary_version: str | None

    @property
    def exists(self) -> bool:
        return self.physical is not None


def current(es: Elasticsearch, alias: str) -> IndexInfo:
    """Which physical index the alias points at, and what built it."""
    try:
        found = es.indices.get_alias(name=alias)
    except NotFoundError:
        if es.indices.exists(index=alias):
            raise RsearchError(
                f"'{alias}' is a plain index, not an alias: choose another --index name, "
                f"or delete that index")
        return IndexInfo(alias, None, None, None)
    physical = sorted(found)[-1]
    meta = es.indices.get_mapping(index=physical)[physical]["mappings"].get("_meta", {})
    return IndexInfo(alias, physical, meta.get("mapping_version"), meta.get("dictionary_version"))


def _physical_pattern(alias: str) -> re.Pattern:
    return re.compile(rf"{re.escape(alias)}-m\d+-\d{{14}}-\d{{6}}")


def orphans(es: Elasticsearch, alias: str) -> list[str]:
    """This alias's physical indices that the alias does not point at (what a
    killed rebuild leaves behind)."""
    found = es.options(ignore_status=404).indices.get_alias(index=f"{alias}-m*", expand_wildcards="all")
    if not hasattr(found, "items") or "error" in found:
        return []
    pattern = _physical_pattern(alias)
    return sorted(name for name, info in found.items()
                  if pattern.fullmatch(name) and alias not in (info.get("aliases") or {}))


def delete_orphans(es: Elasticsearch, alias: str) -> list[str]:
    """Delete the orphans; call only while holding the alias's write lock
    (otherwise a running rebuild's new index would look like one)."""
    gone = orphans(es, alias)
    if gone:
        es.options(ignore_status=404).indices.delete(index=",".join(gone))
    return gone


def create_physical(es: Elasticsearch, alias: str, dictionary_version: str) -> str:
    """Create a new, empty physical index from mappings/chunks.json."""
    d = definition()
    name = f"{alias}-m{d['mapping_version']}-{time.strftime('%Y%m%d%H%M%S', time.gmtime())}-{time.time_ns() % 10**6:06d}"
    mappings = dict(d["mappings"])
    mappings["_meta"] = {"mapping_version": d["mapping_version"], "dictionary_version": dictionary_version}
    es.indices.create(index=name, settings=d["settings"], mappings=mappings)
    return name


def point_alias(es: Elasticsearch, alias: str, physical: str) -> list[str]:
    """Atomically move the alias to ``physical``; returns the indices it left."""
    try:
        old = [i for i in es.indices.get_alias(name=alias) if i != physical]
    except NotFoundError:
        old = []
    actions = [{"remove": {"index": i, "alias": alias}} for i in old]
    actions.append({"add": {"index": physical, "alias": alias, "is_write_index": True}})
    es.indices.update_aliases(actions=actions)
    return old


def ensure(es: Elasticsearch, alias: str, dictionary_version: str) -> IndexInfo:
    """The alias's index, creating the first physical index if there is none."""
    info = current(es, alias)
    if info.exists:
        return info
    physical = create_physical(es, alias, dictionary_version)
    point_alias(es, alias, physical)
    return IndexInfo(alias, physical, mapping_version(), dictionary_version)

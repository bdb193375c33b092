"""The versioned physical index behind the alias.

Searches and the indexer address the alias (``reports`` by default). Behind it
stands one physical index ``<alias>-m<mapping_version>-<UTC timestamp>``,
created from ``mappings/chunks.json`` (read by core.schema, the single source
of settings and mappings) with ``_meta`` saying which mapping and which analysis dictionary
built it. A rebuild fills a new physical index and swaps the alias in one
atomic ``_aliases`` call, so searches keep answering throughout.
"""

from __future__ import annotations

import time

from elasticsearch import Elasticsearch, NotFoundError

from rsearch.core.schema import IndexInfo, current, definition, mapping_version, orphans

__all__ = ["IndexInfo", "create_physical", "current", "delete_orphans", "ensure", "orphans", "point_alias"]


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

"""The versioned physical index behind the alias.

Searches and the indexer address the alias (``reports`` by default). Behind it
stands one physical index ``<alias>-m<mapping_version>-<UTC timestamp>``,
created from ``mappings/chunks.json`` (read by core.schema, the single source
of settings and mappings) with ``_meta`` saying which mapping and which analysis dictionary
built it. A rebuild fills a new physical index and swaps the alias in one
atomic ``_aliases`` call, so searches keep answering throughout. Shards and
replicas (core.layout) are given when an index is created: the user's
choice, else those of the index a rebuild replaces, else the defaults.
"""

from __future__ import annotations

import time

from elasticsearch import Elasticsearch, NotFoundError

from rsearch.core import layout as layouts
from rsearch.core.errors import RsearchError
from rsearch.core.layout import Layout
from rsearch.core.schema import IndexInfo, current, definition, mapping_version, orphans

__all__ = ["IndexInfo", "Layout", "choose_layout", "create_physical", "current", "delete_orphans", "ensure",
           "orphans", "point_alias"]


def delete_orphans(es: Elasticsearch, alias: str) -> list[str]:
    """Delete the orphans; call only while holding the alias's write lock
    (otherwise a running rebuild's new index would look like one)."""
    gone = orphans(es, alias)
    if gone:
        es.options(ignore_status=404).indices.delete(index=",".join(gone))
    return gone


class ShardsFixed(RsearchError):
    """More or fewer shards were asked for than a live index has."""


def choose_layout(es: Elasticsearch, shards: int | None, replicas: str | None, *,
                  replacing: str | None = None, input_bytes: int = 0) -> Layout:
    """What a new index gets: what was asked for, else the layout of the index
    it replaces (a rebuild keeps it), else the defaults (core.layout)."""
    before = layouts.of_index(es, replacing) if replacing else None
    return Layout(
        shards or (before.shards if before else layouts.default_shards(input_bytes)),
        replicas or (before.replicas if before else layouts.DEFAULT_REPLICAS),
    )


def apply_layout(es: Elasticsearch, physical: str, shards: int | None, replicas: str | None) -> None:
    """Give a live index the replicas asked for; ShardsFixed when it has
    another number of shards than asked for (only a rebuild changes that)."""
    now = layouts.of_index(es, physical)
    if shards and shards != now.shards:
        raise ShardsFixed(f"index '{physical}' has {now.shards} shard(s), not {shards} "
                          f"({layouts.SHARDS_OPTION}): the shard count changes only with --rebuild")
    if replicas and replicas != now.replicas:
        es.indices.put_settings(index=physical, settings=Layout(now.shards, replicas).replica_settings())


def create_physical(es: Elasticsearch, alias: str, dictionary_version: str, layout: Layout | None = None,
                    extra_settings: dict | None = None) -> str:
    """Create a new, empty physical index from mappings/chunks.json (plus
    ``extra_settings``: a rebuild's, indexer.merge)."""
    d = definition()
    name = f"{alias}-m{d['mapping_version']}-{time.strftime('%Y%m%d%H%M%S', time.gmtime())}-{time.time_ns() % 10**6:06d}"
    mappings = dict(d["mappings"])
    mappings["_meta"] = {"mapping_version": d["mapping_version"], "dictionary_version": dictionary_version}
    settings = {**d["settings"], **(layout or Layout(1, layouts.DEFAULT_REPLICAS)).index_settings(),
                **(extra_settings or {})}
    es.indices.create(index=name, settings=settings, mappings=mappings)
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


def ensure(es: Elasticsearch, alias: str, dictionary_version: str, layout: Layout | None = None) -> IndexInfo:
    """The alias's index, creating the first physical index (with ``layout``) if there is none."""
    info = current(es, alias)
    if info.exists:
        return info
    physical = create_physical(es, alias, dictionary_version, layout)
    point_alias(es, alias, physical)
    return IndexInfo(alias, physical, mapping_version(), dictionary_version)

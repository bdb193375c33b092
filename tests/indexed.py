"""Test material indexed into a throw-away alias of the test node."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator

from rsearch.indexer.sync import index_paths


def new_alias(es, paths: Iterable, label: str) -> Iterator[str]:
    """Index ``paths`` into a new alias; yields its name, then deletes its indices.

    Use it as the body of a module fixture: ``yield from new_alias(es, [corpus], "search")``.
    """
    name = f"rsearch-test-{label}-{uuid.uuid4().hex[:8]}"
    summary = index_paths(es, name, list(paths))
    assert summary.ok, summary.errors
    yield name
    es.indices.delete(index=",".join(es.indices.get(index=f"{name}*")))


def all_chunks(es, alias: str) -> dict[str, dict]:
    """Every chunk of the alias: id -> source."""
    resp = es.search(index=alias, size=10000, query={"match_all": {}})
    return {h["_id"]: h["_source"] for h in resp["hits"]["hits"]}


def search_in(es, alias: str, query: str = "", **kw):
    """rsearch.search.search() on the alias, through the test client."""
    from rsearch.search import search

    return search(query, client=es, index=alias, **kw)


def hit_ids(result) -> set[str]:
    return {h.id for h in result.hits}

"""Place names as users type them -> the full official names the index stores.

The ``region`` and ``places`` fields of a chunk hold full names from the cpca
gazetteer, each place with its parents (西工区 comes with 洛阳市 and 河南省).
A filter may name a place any way people write it; :func:`resolve` maps the
value to the stored full names, so that

* ``洛阳`` and ``洛阳市`` are the same filter, and both find the reports of
  洛阳市's districts (those carry 洛阳市 as a parent);
* ``大厂县`` is ``大厂回族自治县``, ``瀍河区`` is ``瀍河回族区``, ``恩施州`` and
  ``恩施`` are ``恩施土家族苗族自治州``;
* ``西工`` is ``西工区`` (a county's name without 区/县/旗: unsafe in running
  text, where indexer.metadata does not use it, but a filter is deliberate);
* a short name shared by several places stands for all of them (``朝阳``:
  朝阳市, 朝阳区, 朝阳县);
* traditional script works (``洛陽``), and a value the gazetteer does not know
  is kept as typed.

Used at query time by search.engine and, through indexer.metadata, by the
indexer; loads cpca on first use.
"""

from __future__ import annotations

from functools import lru_cache

from indexer import metadata

__all__ = ["resolve", "lineage"]

lineage = metadata.lineage


@lru_cache(maxsize=1)
def _names() -> dict[str, tuple[str, ...]]:
    """Every name people write for a place -> the full names it stands for."""
    entries, _ = metadata._table()
    index: dict[str, dict[str, None]] = {}
    for info in entries:
        keys = [info.name, *metadata.short_names(info.name, info.rank)]
        if info.rank == metadata._COUNTY and info.name[-1] in "区县旗" and len(info.name) >= 3:
            keys.append(info.name[:-1])
        for key in keys:
            index.setdefault(key, {})[info.name] = None
    # A full name stands for itself only, even where it is also another
    # place's short form (吉林 is a province's short name, not the city).
    full = {info.name for info in entries}
    return {key: ((key,) if key in full else tuple(names)) for key, names in index.items()}


@lru_cache(maxsize=4096)
def resolve(value: str) -> list[str]:
    """The full names a region/places filter value stands for (see module doc)."""
    from indexer.analysis import fold

    key = fold("".join(value.split()))
    return list(_names().get(key, (value,)))

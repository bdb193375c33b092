"""The chunk index's schema, as both sides need it.

``mappings/chunks.json`` (top level, the readable source) is the single
definition of settings and mappings; it ships inside this package as
``core/mappings`` (a link to that folder), so an installed wheel carries it.
Behind the alias stands one physical index whose ``_meta`` records the
mapping version and the analysis dictionary that built it: :func:`current`
reads that, and :meth:`IndexInfo.stale_because` is the one staleness check
(the indexer refuses to add to a stale index, ``stats`` reports it).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from elasticsearch import NotFoundError

from .errors import RsearchError

# Text fields the index analyses (copy_to their *_chars and *_bigrams
# fields, mappings/chunks.json), and the suffixes of those fields. A field
# whose script the index cannot fold also goes folded, as <field>_folded.
ANALYSED_FIELDS = ("title", "section", "text")
CHARS, BIGRAMS, FOLDED = "_chars", "_bigrams", "_folded"
# The analyzer of the *_chars fields, named on every phrase over them.
CHARS_ANALYZER = "standard"
# The folded copies are for the index: never returned to callers.
SOURCE_EXCLUDES = [f"*{FOLDED}"]


def chars_field(field: str) -> str:
    return field + CHARS


def bigrams_field(field: str) -> str:
    return field + BIGRAMS


def folded_field(field: str) -> str:
    return field + FOLDED


@lru_cache(maxsize=1)
def definition() -> dict:
    """mappings/chunks.json, parsed."""
    return json.loads((files(__package__) / "mappings" / "chunks.json").read_text(encoding="utf-8"))


def mapping_version() -> int:
    return int(definition()["mapping_version"])


class NotAnAlias(RsearchError):
    """The index name is taken by a plain index, so no alias can have it."""


@dataclass
class IndexInfo:
    alias: str
    physical: str | None
    mapping_version: int | None
    dictionary_version: str | None

    @property
    def exists(self) -> bool:
        return self.physical is not None

    def stale_because(self, dictionary_version: str) -> str | None:
        """Why this index no longer matches the code (mapping or dictionary), or None."""
        if self.mapping_version != mapping_version() or self.dictionary_version != dictionary_version:
            return (f"index '{self.physical}' was built with mapping {self.mapping_version} / dictionary "
                    f"{self.dictionary_version}, now {mapping_version()} / {dictionary_version}")
        return None


def current(es, alias: str) -> IndexInfo:
    """Which physical index the alias points at, and what built it."""
    try:
        found = es.indices.get_alias(name=alias)
    except NotFoundError:
        if es.indices.exists(index=alias):
            raise NotAnAlias(
                f"'{alias}' is a plain index, not an alias: choose another index name, "
                f"or delete that index")
        return IndexInfo(alias, None, None, None)
    physical = sorted(found)[-1]
    meta = es.indices.get_mapping(index=physical)[physical]["mappings"].get("_meta", {})
    return IndexInfo(alias, physical, meta.get("mapping_version"), meta.get("dictionary_version"))


def _physical_pattern(alias: str) -> re.Pattern:
    """Names of the physical indices behind ``alias`` (indexer.index_admin.create_physical)."""
    return re.compile(rf"{re.escape(alias)}-m\d+-\d{{14}}-\d{{6}}")


def orphans(es, alias: str) -> list[str]:
    """This alias's physical indices that the alias does not point at (what a
    killed rebuild leaves behind)."""
    found = es.options(ignore_status=404).indices.get_alias(index=f"{alias}-m*", expand_wildcards="all")
    if not hasattr(found, "items") or "error" in found:
        return []
    pattern = _physical_pattern(alias)
    return sorted(name for name, info in found.items()
                  if pattern.fullmatch(name) and alias not in (info.get("aliases") or {}))

"""Chunk -> Elasticsearch document: the chunk's fields under the index's names.

The index makes its own analysed copies of ``title``, ``section`` and
``text`` (``copy_to`` into ``*_chars`` and ``*_bigrams``, mappings/chunks.json),
lower-casing as it goes. What it cannot do with its built-in analysis is fold
traditional to simplified script, so a field whose fold differs from its
lower case (traditional script, a few variant characters) also goes as
``<field>_folded``, copied into the same two fields: a search in either
script finds it.
"""

from __future__ import annotations

from functools import lru_cache

from rsearch.core.analysis import fold
from rsearch.core.schema import ANALYSED_FIELDS, folded_field
from rsearch.indexer.chunking import Chunk

# Chunk attribute -> index field, where they differ.
_RENAMED = {"report_title": "title", "report_subtitle": "subtitle", "section_title": "section"}


def folded_copy(text: str) -> str | None:
    """``fold(text)`` when the index's lower-casing alone would not give it, else None."""
    folded = fold(text)
    return None if folded == text.lower() else folded


# Titles and section headings repeat on every chunk of a report: fold once.
_folded_heading = lru_cache(maxsize=4096)(folded_copy)


def to_document(chunk: Chunk) -> dict:
    source = chunk.to_source()
    doc = {_RENAMED.get(k, k): v for k, v in source.items()}
    for field in ANALYSED_FIELDS:
        value = doc.get(field)
        if value:
            folded = folded_copy(value) if field == "text" else _folded_heading(value)
            if folded is not None:
                doc[folded_field(field)] = folded
    return doc

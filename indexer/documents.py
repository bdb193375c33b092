"""Chunk -> Elasticsearch document: the chunk's fields under the index's
names, plus the analysed copies (``*_chars``, ``*_words``, ``*_bigrams``) of
the searchable text fields, made by core.analysis (the same module the query side uses)."""

from __future__ import annotations

from functools import lru_cache

from rsearch.core.analysis import analyze
from rsearch.core.schema import ANALYSED_FIELDS, bigrams_field, chars_field, words_field
from rsearch.indexer.chunking import Chunk

# Chunk attribute -> index field, where they differ.
_RENAMED = {"report_title": "title", "report_subtitle": "subtitle", "section_title": "section"}


@lru_cache(maxsize=4096)
def _analysed(text: str):
    # Titles and section headings repeat on every chunk of a report: analyse once.
    return analyze(text)


def to_document(chunk: Chunk) -> dict:
    source = chunk.to_source()
    doc = {_RENAMED.get(k, k): v for k, v in source.items()}
    for field in ANALYSED_FIELDS:
        value = doc.get(field)
        if value:
            analysed = _analysed(value) if field != "text" else analyze(value)
            doc[chars_field(field)] = analysed.chars
            doc[words_field(field)] = analysed.words
            doc[bigrams_field(field)] = analysed.bigrams
    return doc

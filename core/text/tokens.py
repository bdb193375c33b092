"""Tokens of a text, the same on both sides.

* :func:`char_tokens` -- ``fold(text)`` with single spaces: the text of a
  phrase over the ``*_chars`` fields (and of a match on ``*_bigrams``),
  whose ``standard`` analyzer makes the same tokens of it as of the indexed
  text. A phrase over them finds any verbatim Chinese substring, whatever
  the dictionary says: the never-miss guarantee.
* :func:`word_tokens` -- jieba search-mode words of the folded text (the
  benchmarks' and the query units' segmentation).
* :func:`query_units` -- precise-mode segments of one query word, each a
  contiguous substring of ``fold(term)``: if the query occurs verbatim in a
  chunk, every unit does too.
* :func:`query_words` -- :func:`word_tokens` of a query word.

Both sides cut with the one segmenter (core.text.dictionary).
"""

from __future__ import annotations

import re
import unicodedata

from .cjk import CJK
from .dictionary import segmenter, stopwords
from .fold import fold

__all__ = ["char_tokens", "clear_caches", "is_junk", "query_units",
           "query_words", "word_tokens"]


def is_junk(token: str) -> bool:
    """Whitespace-only or punctuation/symbol-only token."""
    return all(ch.isspace() or unicodedata.category(ch)[0] in "PSZ" for ch in token)


# Tokens already classified for word_tokens: kept (not junk, not a stopword)
# or dropped. Tokens repeat a lot, so set lookups in one comprehension save
# most of the per-token work.
_kept: set[str] = set()
_dropped: set[str] = set()


def _classify(token: str) -> bool:
    if len(_kept) + len(_dropped) > 1_000_000:
        _kept.clear()
        _dropped.clear()
    keep = token not in stopwords() and not is_junk(token)
    (_kept if keep else _dropped).add(token)
    return keep


def _keep(tokens: list[str]) -> list[str]:
    kept, dropped = _kept, _dropped
    return [t for t in tokens if t in kept or (t not in dropped and _classify(t))]


def clear_caches() -> None:
    """Forget classified tokens (after a dictionary or stopword change)."""
    _kept.clear()
    _dropped.clear()


# A single line break between two Chinese characters is a hard wrap (PDF and
# newspaper columns: "西\n关办事处"); the word segmenter sees the line joined.
HARD_WRAP = re.compile(rf"(?<=[{CJK}])[ \t]*\n[ \t]*(?=[{CJK}])")


def char_tokens(text: str) -> str:
    """``fold(text)`` with its white space runs made single spaces: the text
    of a phrase over the ``*_chars`` fields, which Elasticsearch's
    ``standard`` analyzer reads as one token per Chinese character and per
    run of letters or digits (white space matters only between those runs)."""
    return " ".join(fold(text).split())


def word_tokens(text: str) -> list[str]:
    """jieba search-mode tokens of ``fold(text)``.

    Long words also yield their dictionary sub-words (中华人民共和国 -> 中华,
    华人, 人民, 共和, 共和国, 中华人民共和国). Whitespace and pure punctuation
    tokens and stopwords are dropped; Latin is lower case (fold).
    """
    return _words_of_folded(fold(text))


def _words_of_folded(folded: str) -> list[str]:
    return _words_of_joined(HARD_WRAP.sub("", folded))


def _words_of_joined(joined: str) -> list[str]:
    return _keep(segmenter().cut_for_search(joined))


def query_words(term: str) -> list[str]:
    """:func:`word_tokens` of a query word."""
    return _words_of_folded(fold(term))


def query_units(term: str) -> list[str]:
    """Precise-mode segments of one (normalised) query word.

    Whitespace/punctuation tokens and stopwords are dropped, unless every
    remaining token is a stopword (a query for ``的`` still finds ``的``); a
    term of punctuation only keeps its punctuation tokens (``《``), so the
    result is empty only for an empty or all-space term. Each unit is a
    contiguous substring of ``fold(term)``.
    """
    tokens = [t for t in segmenter().cut(fold(term)) if t.strip()]
    words = [t for t in tokens if not is_junk(t)]
    sw = stopwords()
    return [t for t in words if t not in sw] or words or tokens

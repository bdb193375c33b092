"""Tokens of a text, the same on both sides: what the indexer stores and the
query side asks for.

* :func:`char_tokens` -- one token per non-space character of ``fold(text)``,
  space-joined, for the ``*_chars`` fields (ES ``whitespace``). A phrase
  query over these tokens finds ANY verbatim substring, whatever the
  dictionary says: the never-miss guarantee.
* :func:`word_tokens` -- jieba search-mode words of the folded text, for the
  ``*_words`` fields; BM25 over these makes whole-word matches rank above
  mere character matches.
* :func:`bigram_tokens` -- overlapping CJK character bigrams of the folded
  text (what Elasticsearch's ``cjk_bigram`` makes), for the ``*_bigrams``
  fields: a ranking signal that does not depend on the dictionary.
* :func:`query_units` -- precise-mode segments of one query word, each a
  contiguous substring of ``fold(term)``: if the query occurs verbatim in a
  chunk, every unit does too.
* :func:`query_words` -- :func:`word_tokens` of a query word.

Both sides cut with the one segmenter (core.text.dictionary).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from operator import add

from .cjk import CJK
from .dictionary import segmenter, stopwords
from .fold import fold

__all__ = ["Analyzed", "analyze", "bigram_tokens", "char_tokens", "clear_caches", "is_junk", "query_units",
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
    """The characters of ``fold(text)``, whitespace dropped, space-joined."""
    return " ".join("".join(fold(text).split()))


# Scripts Lucene's CJKBigramFilter pairs up: Han (with extension A,
# compatibility and supplementary ideographs), hiragana, katakana, hangul.
BIGRAM_SCRIPT = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff"
# One CJK run, or one run of other letters/digits (a Latin word, a number).
_BIGRAM_RUN = re.compile(rf"([{BIGRAM_SCRIPT}]+)|(?:(?![{BIGRAM_SCRIPT}])[^\W_])+")


def bigram_tokens(text: str) -> list[str]:
    """Overlapping character bigrams of each CJK run of ``fold(text)``.

    What Lucene's CJKAnalyzer / Elasticsearch's ``cjk_bigram`` filter make
    (the test distribution lacks that filter, so it is done here): every two
    adjacent CJK characters are one token (党史学习 -> 党史 史学 学习), a CJK
    character with no CJK neighbour is a token of its own, and other runs of
    letters or digits are whole tokens (lower case, as fold makes them).
    Punctuation and white space end a run, except a hard line wrap between
    two Chinese characters, which is joined as for :func:`word_tokens`.
    """
    return _bigrams_of_folded(fold(text))


def _bigrams_of_folded(folded: str) -> list[str]:
    return _bigrams_of_joined(HARD_WRAP.sub("", folded))


def _bigrams_of_joined(joined: str) -> list[str]:
    out: list[str] = []
    for m in _BIGRAM_RUN.finditer(joined):
        run = m.group(1)
        if run is None or len(run) == 1:
            out.append(m.group(0))
        else:
            out += map(add, run, run[1:])  # each character with the next, in C
    return out


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


@dataclass(frozen=True)
class Analyzed:
    """What the indexer stores for one text field besides the text itself."""

    chars: str  # -> <field>_chars
    words: str  # -> <field>_words
    bigrams: str  # -> <field>_bigrams


def analyze(text: str) -> Analyzed:
    """Char, word and bigram tokens of one field, each space-joined."""
    folded = fold(text)  # once for all three (fold is idempotent)
    joined = HARD_WRAP.sub("", folded)  # hard wraps joined once for words and bigrams
    return Analyzed(chars=" ".join("".join(folded.split())), words=" ".join(_words_of_joined(joined)),
                    bigrams=" ".join(_bigrams_of_joined(joined)))


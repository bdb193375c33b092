"""rjieba holding only the dictionary entries the texts it cuts can reach.

Before cutting a text, every substring of it that is a word of the final
dictionary is looked up in the word table (core.text.wordtable) and added
to an empty rjieba with its frequency; one more entry, a noncharacter no
text can match, carries the rest of the dictionary's frequency, so the
total the route divides by is the full dictionary's. jieba's algorithm
consults the dictionary only for substrings of the text (see wordtable),
so the tokens are the full dictionary's (tests/test_partial_segmenter.py
checks that over varied texts against the fully loaded backend).

Entries accumulate: a later text looks up only substrings not seen before.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from .segment import Segmenter, _RJieba, _load_rjieba_class
from .wordtable import TableError, WordTable

__all__ = ["PartialRJieba"]

# U+FFFF is a noncharacter: in no block jieba-rs segments with its
# neighbours, so the DAG never reaches it; it only holds frequency.
_REST = "\uffff"


class PartialRJieba(_RJieba):
    """The rjieba backend, filled lazily from a word table."""

    name = "rjieba"

    def __init__(self, table: WordTable, fallback: Callable[[TableError], Segmenter]):
        """``fallback`` gives the fully loaded segmenter when the table fails mid-way."""
        self._fallback = fallback
        self._full: Segmenter | None = None
        self._jieba = _load_rjieba_class().empty()
        self._grams = {}
        self._table = table
        self._seen: dict[str, bool] = {}  # looked-up string -> word or prefix of one
        self._sum = 0  # frequencies of the words added so far
        self._jieba.add_word(_REST, table.total, None)
        # Re-entrant: cut_for_search cuts through self.cut.
        self._lock = threading.RLock()

    def _fill(self, text: str) -> None:
        """Add every word that is a substring of ``text``.

        Substrings grow one character at a time from each start, and only
        while the shorter one is a word or a word's prefix (the table keeps
        prefixes), so the lookups stay near the number of characters.
        """
        seen = self._seen
        n = len(text)
        starts = [i for i in range(n) if not text[i].isspace()]
        if not any(i + 1 < n and not text[i + 1].isspace() for i in starts):
            return  # no two adjacent characters: no word can matter, nothing to choose
        size = 1
        added = False
        while starts:
            wanted = {text[i : i + size] for i in starts} - seen.keys()
            if wanted:
                found = self._table.lookup(wanted)
                for s in wanted:
                    seen[s] = s in found
                for word, freq in found.items():
                    if freq > 0:
                        self._jieba.add_word(word, freq, None)
                        self._sum += freq
                        added = True
            starts = [i for i in starts if i + size < n and seen[text[i : i + size]]]
            size += 1
        if added:
            # Replaces the previous rest entry (jieba-rs keeps its total the
            # sum of the entries' frequencies).
            self._jieba.add_word(_REST, self._table.total - self._sum, None)
            self._grams.clear()

    def _ready(self, text: str) -> Segmenter | None:
        """Fill for ``text``; the full segmenter instead once the table has failed."""
        if self._full is None:
            try:
                self._fill(text)
            except TableError as err:
                self._full = self._fallback(err)
        return self._full

    def cut(self, text: str) -> list[str]:
        with self._lock:
            full = self._ready(text)
            return full.cut(text) if full is not None else super().cut(text)

    def cut_for_search(self, text: str) -> list[str]:
        with self._lock:
            full = self._ready(text)
            return full.cut_for_search(text) if full is not None else super().cut_for_search(text)

    def close(self) -> None:
        self._table.close()

    def add_word(self, word: str, freq: int | None, tag: str | None) -> int:
        raise TypeError("a partial segmenter holds the final dictionary's words only")

"""rjieba holding only the dictionary entries the texts it cuts can reach.

Before cutting a text, every substring of it that is a word of the final
dictionary is looked up in the word table (core.text.wordtable) and added
to an empty rjieba with its frequency; one more entry, a noncharacter no
text can match, carries the rest of the dictionary's frequency, so the
total the route divides by is the full dictionary's. jieba's algorithm
consults the dictionary only for substrings of the text (see wordtable),
so the tokens are the full dictionary's (tests/unit/test_word_cache.py
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
        self._seen: dict[str, bool] = {}  # looked-up substring -> is a word
        self._reach: dict[str, int] = {}  # character -> length of the longest word it starts
        self._filled: set[str] = set()  # texts whose words are all in
        self._sum = 0  # frequencies of the words added so far
        self._jieba.add_word(_REST, table.total, None)
        # Re-entrant: cut_for_search cuts through self.cut.
        self._lock = threading.RLock()

    def _fill(self, text: str) -> None:
        """Add every word of the table that is a substring of ``text``."""
        if text in self._filled:
            return
        if not any(not a.isspace() and not b.isspace() for a, b in zip(text, text[1:])):
            return  # characters stand alone: each is a token, whatever the dictionary says
        seen, reach = self._seen, self._reach
        n = len(text)
        added = False
        for i, ch in enumerate(text):
            if ch.isspace():
                continue  # no word holds white space
            longest = reach.get(ch)
            if longest is None:
                words = self._table.words_starting(ch)
                longest = reach[ch] = max((len(w) for w in words if w[0] == ch), default=0)
            words = None
            for j in range(i + 1, min(n, i + longest) + 1):
                s = text[i:j]
                if s in seen:
                    continue
                if words is None:
                    words = self._table.words_starting(ch)
                freq = words.get(s)
                seen[s] = freq is not None
                if freq:
                    self._jieba.add_word(s, freq, None)
                    self._sum += freq
                    added = True
        if added:
            # Replaces the previous rest entry (jieba-rs keeps its total the
            # sum of the entries' frequencies).
            self._jieba.add_word(_REST, max(0, self._table.total - self._sum), None)
            self._grams.clear()
        if len(self._filled) > 10_000:
            self._filled.clear()
        self._filled.add(text)

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

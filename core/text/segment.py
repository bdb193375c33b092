"""jieba-compatible segmenter backends: rjieba (Rust, default) and jieba (Python).

Both share jieba's dictionary and algorithm; rjieba's output is corrected
here where jieba-rs differs from jieba (see the comment above ``_py_split``),
so the two give identical ``cut`` and ``cut_for_search`` tokens (checked by
bench/bench_segmenter.py and the tests). Which backend runs, and with which
dictionaries, is core.text.dictionary's business.
"""

from __future__ import annotations

import functools
import os
import re
import sys

__all__ = ["BACKENDS", "HMM", "Segmenter"]

# HMM discovery of out-of-vocabulary words (person names, new place names) is
# on for both modes; bench/bench_segmenter.py has the figures.
HMM = True

class Segmenter:
    """One jieba-compatible backend with the dictionaries loaded."""

    name: str

    def cut(self, text: str) -> list[str]:  # precise mode
        raise NotImplementedError

    def cut_for_search(self, text: str) -> list[str]:
        raise NotImplementedError

    def add_word(self, word: str, freq: int | None, tag: str | None) -> int:
        """Add or replace an entry; the frequency it got (suggested when None)."""
        raise NotImplementedError


def _load_rjieba_class():
    """rjieba.Jieba without running ``rjieba/__init__.py``.

    That file builds a module-level default instance with the whole default
    dictionary, and we want our own instance, not a shared mutable
    global: loading the extension module directly halves the cold start.
    The extension module is registered under its own name, so a later
    ``import rjieba`` elsewhere reuses it instead of initialising it twice.
    Falls back to a plain import when the layout is not the expected one.
    """
    import importlib.machinery
    import importlib.util

    for loaded in ("rjieba.rjieba", "rjieba"):
        if loaded in sys.modules:
            return sys.modules[loaded].Jieba
    try:
        spec = importlib.util.find_spec("rjieba")
        if spec is not None and spec.submodule_search_locations:
            for folder in spec.submodule_search_locations:
                for suffix in importlib.machinery.EXTENSION_SUFFIXES:
                    path = os.path.join(folder, "rjieba" + suffix)
                    if os.path.isfile(path):
                        loader = importlib.machinery.ExtensionFileLoader("rjieba.rjieba", path)
                        ext_spec = importlib.util.spec_from_file_location(
                            "rjieba.rjieba", path, loader=loader
                        )
                        module = importlib.util.module_from_spec(ext_spec)
                        loader.exec_module(module)
                        sys.modules["rjieba.rjieba"] = module
                        return module.Jieba
    except (ImportError, OSError):  # pragma: no cover - unusual installs
        pass
    import rjieba  # pragma: no cover

    return rjieba.Jieba  # pragma: no cover


# jieba (Python) and rjieba 0.2.2 (jieba-rs) share the dictionary and the
# algorithm but differ in these details; rjieba's output is brought to
# jieba's here and bench/bench_segmenter.py checks the result is identical
# (without the corrections, 136 of 512 cut/cut_for_search results on the CMRC
# passages differed):
#  1. Non-Chinese runs left to the HMM: jieba splits them with
#     _PY_SKIP and yields the gaps whole ("jean-pierre" -> jean / - / pierre,
#     "1.2.3" -> 1.2 / . / 3); jieba-rs keeps "jean-pierre", "1.2.3", "t-92"
#     whole. Ideographs outside jieba's Han range U+4E00-U+9FD5 (extension
#     A, U+9FD6-U+9FFF, compatibility and supplementary ideographs) end a
#     block and are single tokens in jieba (so a dictionary word containing
#     one is never found); jieba-rs segments them with their neighbours,
#     which also changes the HMM's view of the Chinese around them. rjieba
#     therefore gets the text in pieces split at those characters.
#  2. Search mode: jieba-rs 0.2.2 also yields the parts of such compounds
#     ("jean", "pierre"); jieba only dictionary 2- and 3-grams. The grams are
#     therefore computed here, from the corrected precise-mode words.
#  3. Dictionary bookkeeping, where _PyJieba follows jieba-rs instead: the
#     total of frequencies (jieba counts dict.txt's duplicate "B超" line
#     twice; re-adding a known word adds its new frequency without removing
#     the old one) and the frequency suggested for an entry given without
#     one (jieba multiplies probabilities and rounds differently from
#     jieba-rs's log-space sum: 中原区 got 4 from one, 5 from the other).
# Ideographs jieba-rs segments like Chinese but jieba does not (extension A,
# U+9FD6-U+9FFF, compatibility, supplementary planes).
_PY_NOT_HAN = "([\u3400-\u4dbf\u9fd6-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]+)"
_PY_BLOCK = r"([a-zA-Z0-9+#&._%\-]+)"  # jieba's re_han_default less Han
_PY_SKIP = r"([a-zA-Z0-9]+(?:\.\d+)?%?)"  # jieba.finalseg.re_skip
# Only a token mixing Latin letters or digits with these signs can differ.
_PY_MIXED = r"[a-zA-Z0-9][+#&._%\-]|[+#&._%\-][a-zA-Z0-9]"


@functools.cache
def _re(pattern: str) -> re.Pattern[str]:
    """Compiled on first use: keeps ``import rsearch.core.analysis`` cheap."""
    return re.compile(pattern)


def _py_split(token: str) -> list[str]:
    """How jieba cuts a non-dictionary run of non-Chinese characters."""
    out: list[str] = []
    block = _re(_PY_BLOCK)
    for part in block.split(token):
        if not part:
            continue
        if block.fullmatch(part):
            out.extend(p for p in _re(_PY_SKIP).split(part) if p)
        else:
            out.extend(part)  # one token per character
    return out


class _RJieba(Segmenter):
    name = "rjieba"

    def __init__(self) -> None:
        self._jieba = _load_rjieba_class()()
        self._grams: dict[str, tuple[str, ...]] = {}

    def cut(self, text: str) -> list[str]:
        not_han = _re(_PY_NOT_HAN)
        if not_han.search(text) is None:
            words = self._jieba.cut(text, HMM)
        else:
            # jieba's blocks end at these characters and each is one token.
            words = []
            for i, piece in enumerate(not_han.split(text)):
                if i % 2:
                    words.extend(piece)
                elif piece:
                    words.extend(self._jieba.cut(piece, HMM))
        if _re(_PY_MIXED).search(text) is None:
            return words
        has_word = self._jieba.has_word
        out = None
        for i, w in enumerate(words):
            if len(w) > 1 and w.isascii() and not w.isalnum() and not w.isspace():
                parts = _py_split(w)
                if len(parts) > 1 and not has_word(w):
                    if out is None:
                        out = words[:i]
                    out.extend(parts)
                    continue
            if out is not None:
                out.append(w)
        return words if out is None else out

    def _grams_of(self, word: str) -> tuple[str, ...]:
        grams = self._grams.get(word)
        if grams is None:
            has_word = self._jieba.has_word
            n = len(word)
            found = [word[i : i + 2] for i in range(n - 1) if has_word(word[i : i + 2])]
            if n > 3:
                found += [word[i : i + 3] for i in range(n - 2) if has_word(word[i : i + 3])]
            grams = tuple(found)
            if len(self._grams) > 500_000:
                self._grams.clear()
            self._grams[word] = grams
        return grams

    def cut_for_search(self, text: str) -> list[str]:
        out: list[str] = []
        for w in self.cut(text):
            if len(w) > 2:
                out.extend(self._grams_of(w))
            out.append(w)
        return out

    def add_word(self, word: str, freq: int | None, tag: str | None) -> int:
        self._grams.clear()
        return self._jieba.add_word(word, freq, tag)


class _PyJieba(Segmenter):
    name = "jieba"

    def __init__(self) -> None:
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        tok = jieba.Tokenizer()
        tok.initialize()
        # jieba-rs's total counts each word once; jieba's counts dict.txt's
        # duplicate line twice.
        tok.total = sum(tok.FREQ.values())
        self._jieba = tok

    def cut(self, text: str) -> list[str]:
        return list(self._jieba.cut(text, HMM=HMM))

    def cut_for_search(self, text: str) -> list[str]:
        return list(self._jieba.cut_for_search(text, HMM=HMM))

    def _suggest_freq(self, word: str) -> int:
        """jieba-rs's suggest_freq (same rule as jieba's, in log space)."""
        import math

        freq = self._jieba.FREQ
        logtotal = math.log(self._jieba.total)
        logfreq = 0.0
        for seg in self._jieba.cut(word, HMM=False):
            logfreq = logfreq + (math.log(freq.get(seg) or 1) - logtotal)
        return max(int(math.exp(logfreq + logtotal)) + 1, freq.get(word) or 1)

    def add_word(self, word: str, freq: int | None, tag: str | None) -> int:
        if freq is None:
            freq = self._suggest_freq(word)
        old = self._jieba.FREQ.get(word) or 0
        self._jieba.add_word(word, freq, tag)
        # jieba adds freq to the total; jieba-rs replaces the old frequency.
        self._jieba.total -= old
        return freq


BACKENDS = {"rjieba": _RJieba, "jieba": _PyJieba}

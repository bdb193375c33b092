"""fold: the cross-script, case-insensitive view of a text.

Per character traditional -> simplified (derived from OpenCC ``t2s``) and
lower case (Latin, and any other cased script: Greek, Cyrillic). It is
LENGTH-PRESERVING (``fold(t)[i]`` corresponds to ``t[i]``) and
SUBSTRING-CONSISTENT (``fold(t[i:j]) == fold(t)[i:j]``), so a match found in
``fold(text)`` maps back to the same positions of ``text`` for highlighting.
It is also idempotent.

The table is filled lazily, one character at a time: a query pays only for
OpenCC's load and its own characters, not for a table of every ideograph
(bench/bench_segmenter.py measures both).
"""

from __future__ import annotations

import threading

__all__ = ["cached_characters", "converter", "fold"]

_lock = threading.Lock()

class _FoldTable(dict):
    """code point -> folded code point, filled lazily for str.translate.

    A miss converts the one character with OpenCC ``t2s`` (kept only if the
    result is exactly one character), repeats that until it stops changing (so
    fold is idempotent: OpenCC maps 薴 -> 苧 and 苧 -> 苎), then lowercases it
    when lowercasing keeps one character (U+0130 İ would become two, so it
    stays). Every seen character is cached, identities included, so a warm
    table never raises inside translate.
    """

    def __missing__(self, cp: int) -> int:
        ch = chr(cp)
        out = ch
        if cp >= 0x80 and not 0xD800 <= cp <= 0xDFFF:  # lone surrogates stay
            convert = converter()
            for _ in range(4):
                conv = convert(out)
                if len(conv) != 1 or conv == out:
                    break
                out = conv
        low = out.lower()
        if len(low) == 1:
            out = low
        res = ord(out)
        self[cp] = res
        return res


_FOLD = _FoldTable()
_opencc_convert = None


def converter():
    """OpenCC's t2s conversion function, loaded on first use."""
    global _opencc_convert
    if _opencc_convert is None:
        with _lock:
            if _opencc_convert is None:
                import opencc

                _opencc_convert = opencc.OpenCC("t2s").convert
    return _opencc_convert


def fold(text: str) -> str:
    """Per-character traditional -> simplified, and lower case.

    ``len(fold(t)) == len(t)`` and ``fold(t[i:j]) == fold(t)[i:j]``.
    ``fold('黨史學習教育') == '党史学习教育'``.
    """
    return text.translate(_FOLD)



def cached_characters() -> int:
    """How many distinct characters the fold table holds so far."""
    return len(_FOLD)

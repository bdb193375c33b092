"""Highlights drawn on the clean original text.

The index searches folded text (traditional->simplified, lower case, one token
per character); people read the original. Folding keeps one character for one
character, so a match found in ``fold(text)`` is at the same offsets in
``text``. White space is ignored when matching (the ``*_chars`` fields drop
it), so a match may span a line break; offsets map back through the list of
non-space positions. Nothing is inserted into the text but the marks, and only
around characters that are part of a match.

Highlights are HTML: the report text between the marks is HTML-escaped, so
only the match tags are markup and a page can render them as they are (a
report holding ``<img onerror=...>`` shows that text, it does not run it). The
tags are the caller's choice (``pre``/``post``); the plain ``text`` of a hit
stays raw.
"""

from __future__ import annotations

import bisect
import functools
import re
from html import escape

from rsearch.core.analysis import fold


@functools.cache
def _re_space() -> re.Pattern[str]:
    # \s in a str pattern is str.isspace()'s white space, which str.split() drops.
    return re.compile(r"\s+")


PRE, POST = "<em>", "</em>"


def match_spans(text: str, needles: list[str]) -> list[tuple[int, int]]:
    """Merged [start, end) spans of ``text`` where any needle occurs.

    Needles are folded query strings; white space in them and in the text is
    ignored.
    """
    folded = fold(text)
    compact = "".join(folded.split())
    # Offsets in compact -> offsets in text, through the white-space runs
    # (few per chunk: a per-character table cost most of a 100-hit search).
    run_starts: list[int] = []  # compact offset of the character after each run
    skipped: list[int] = []  # white space before that character
    total = 0
    if len(compact) != len(folded):
        for m in _re_space().finditer(folded):
            run_starts.append(m.start() - total)
            total += m.end() - m.start()
            skipped.append(total)

    def original(i: int) -> int:
        k = bisect.bisect_right(run_starts, i)
        return i + (skipped[k - 1] if k else 0)

    spans = []
    for needle in {"".join(n.split()) for n in needles}:
        if not needle:
            continue
        start = compact.find(needle)
        while start != -1:
            end = start + len(needle)
            spans.append((original(start), original(end - 1) + 1))
            start = compact.find(needle, start + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def mark(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None,
         pre: str = PRE, post: str = POST) -> str:
    """``text[start:end]``, HTML-escaped, with every span (clipped to the
    window) wrapped in ``pre``/``post``."""
    end = len(text) if end is None else end
    out, cursor = [], start
    for s, e in spans:
        s, e = max(s, start), min(e, end)
        if s >= e:
            continue
        out += [escape(text[cursor:s]), pre, escape(text[s:e]), post]
        cursor = e
    out.append(escape(text[cursor:end]))
    return "".join(out)


_BOUNDARIES = "。！？；!?;\n"


def _sentence_start(text: str, ws: int, match_start: int, floor: int, reach: int = 24) -> int:
    """Move a window start to just after a nearby sentence end, so fragments
    read from the start of a sentence: back up to ``reach`` characters (not
    below ``floor``, which keeps the match inside the fragment size), else
    forward, but never past the match."""
    for i in range(ws, max(-1, floor - 1, ws - reach - 1), -1):
        if i == 0 or text[i - 1] in _BOUNDARIES:
            return i
    for i in range(ws, min(match_start, ws + reach)):
        if text[i - 1] in _BOUNDARIES:
            return i
    return ws


def fragments(text: str, needles: list[str], size: int = 100, count: int = 3,
              pre: str = PRE, post: str = POST) -> list[str]:
    """Up to ``count`` windows of about ``size`` characters around the matches,
    best first (most matched characters), each with its matches marked.

    With no match in the text (it matched in the title or section heading),
    the opening of the text is returned unmarked, so every hit shows something.
    """
    spans = match_spans(text, needles)
    if not spans:
        return [escape(text[:size])] if text else []
    windows: list[tuple[int, int]] = []
    for s, e in spans:
        if windows and s < windows[-1][1]:
            # Overlaps the previous window: widen it rather than cut the match.
            windows[-1] = (windows[-1][0], max(windows[-1][1], e))
            continue
        # Centre the window on the match, within the text, never before the
        # previous window's end and never after the match's start.
        pad = max(0, size - (e - s)) // 2
        ws = _sentence_start(text, max(0, min(s - pad, len(text) - size)), s, floor=e - size)
        if windows:
            ws = max(ws, windows[-1][1])
        ws = min(ws, s)
        we = min(len(text), max(ws + size, e))
        windows.append((ws, we))

    def covered(w):
        return sum(min(e, w[1]) - max(s, w[0]) for s, e in spans if s < w[1] and e > w[0])

    best = sorted(windows, key=lambda w: (-covered(w), w[0]))[:count]
    return [mark(text, spans, ws, we, pre, post) for ws, we in best]


def whole(text: str, needles: list[str], pre: str = PRE, post: str = POST) -> str:
    """The entire text, HTML-escaped, with every match marked."""
    return mark(text, match_spans(text, needles), pre=pre, post=post)

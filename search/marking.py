"""Matches of a query marked in any text, as safe HTML: the reader view shows a
whole report with the words searched for marked.

    needles_for("党史 region:西工区")  -> the folded strings to mark
    mark_html(text, needles, "<mark>", "</mark>") -> escaped text, matches wrapped
"""

from __future__ import annotations

from html import escape

from rsearch.core.errors import QueryError

from .analysed import analyse
from .highlight import match_spans


def needles_for(query: str) -> list[str]:
    """What search() would mark for ``query``; none for a malformed query."""
    try:
        return analyse(query or "").needles
    except QueryError:
        return []


def mark_html(text: str, needles: list[str], pre: str = "<mark>", post: str = "</mark>") -> str:
    """``text`` HTML-escaped, every match of ``needles`` between ``pre`` and ``post``."""
    out, cursor = [], 0
    for start, end in match_spans(text, needles):
        out += [escape(text[cursor:start], quote=False), pre, escape(text[start:end], quote=False), post]
        cursor = end
    out.append(escape(text[cursor:], quote=False))
    return "".join(out)

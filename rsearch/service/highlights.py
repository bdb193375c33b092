"""Highlights as safe HTML: the report text escaped, only the match tags markup.

When search.search() takes ``highlight_pre_tag``/``highlight_post_tag`` it
escapes the text itself and the tags are handed to it (nothing is done here,
so nothing is escaped twice). Until then, the library marks matches with
``<em>``/``</em>`` in raw text: the pieces between those marks are escaped
here and the marks replaced by the tags asked for. A fragment whose source
text itself holds a literal ``<em>`` or ``</em>`` cannot be split reliably; it
is returned escaped whole (safe; its marks show as text).
"""

from __future__ import annotations

import inspect
import re
from html import escape

from search import search as _search

LIB_PRE, LIB_POST = "<em>", "</em>"
_MARKS = re.compile(r"(<em>|</em>)")


def library_escapes() -> bool:
    """Does search.search() escape highlights and take the tags itself?"""
    params = inspect.signature(_search).parameters
    return "highlight_pre_tag" in params and "highlight_post_tag" in params


LIBRARY_ESCAPES = library_escapes()


def search_tag_options(pre: str, post: str) -> dict:
    """The keyword arguments that hand the tags to search.search(), if it takes them."""
    return {"highlight_pre_tag": pre, "highlight_post_tag": post} if LIBRARY_ESCAPES else {}


def safe_marked(marked: str | None, source: str | None, pre: str, post: str) -> str | None:
    """One highlight from the library (raw text, ``<em>`` marks) as escaped HTML
    with ``pre``/``post`` around the matches. ``source`` is the text it was cut from."""
    if marked is None or LIBRARY_ESCAPES:
        return marked
    if source is not None and (LIB_PRE in source or LIB_POST in source):
        return escape(marked, quote=False)
    out, inside = [], False
    for piece in _MARKS.split(marked):
        if piece == LIB_PRE and not inside:
            out.append(pre)
            inside = True
        elif piece == LIB_POST and inside:
            out.append(post)
            inside = False
        else:
            out.append(escape(piece, quote=False))
    if inside:
        out.append(post)
    return "".join(out)

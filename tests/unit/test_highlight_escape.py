"""Highlights are safe to render: the report text is HTML-escaped and only the
match tags are markup; the plain text stays raw. On a real node and through the CLI:
tests/integration/test_highlight_escape.py."""

from __future__ import annotations

import re
from html import unescape

import pytest

from rsearch.search.highlight import fragments, whole
from markup import ATTACKS, tags

@pytest.mark.parametrize("attack", ATTACKS)
def test_pure_highlight_escapes_everything_but_the_marks(attack):
    text = f"西工区{attack}党史学习教育。{attack}"
    for marked in [whole(text, ["党史学习教育"]), *fragments(text, ["党史学习教育"], size=40)]:
        assert set(tags(marked)) == {"em"}
        assert attack not in marked
        assert text.find(unescape(re.sub(r"</?em>", "", marked))) >= 0


def test_no_match_opening_is_escaped_too():
    assert fragments("<b>开头</b>", ["不存在"], size=20) == ["&lt;b&gt;开头&lt;/b&gt;"]


def test_customtags():
    out = whole("a<b党史", ["党史"], pre='<mark class="hit">', post="</mark>")
    assert out == 'a&lt;b<mark class="hit">党史</mark>'



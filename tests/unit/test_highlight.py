"""Highlight drawing on original text (pure functions; search tests cover the
same on real hits)."""

import re
from html import unescape

from hypothesis import given, strategies as st

from rsearch.search.highlight import fragments, match_spans, whole

EM = re.compile(r"</?em>")
TEXT = ("会议强调，要进一步提高认识。压实责任，确保各项工作落到实处。"
        "中原区委书记乔耸在西工区委宣传部为民办实事。黨史學習教育开展以来，中原区各单位积极行动。")


def test_matches_map_back_to_traditional_original():
    assert whole(TEXT, ["党史学习教育"]).count("<em>黨史學習教育</em>") == 1


def test_match_may_span_a_line_break_without_touching_it():
    assert whole("为民办\n实事", ["办实事"]) == "为民<em>办\n实事</em>"


def test_adjacent_and_overlapping_matches_merge():
    assert whole("西工区委宣传部", ["西工区", "区委"]) == "<em>西工区委</em>宣传部"


def test_fragments_start_at_a_sentence_and_keep_their_size():
    (frag,) = fragments(TEXT, ["办实事"], size=30, count=1)
    plain = unescape(EM.sub("", frag))
    assert plain.startswith("中原区委书记") and len(plain) <= 30 and "<em>办实事</em>" in frag


def test_no_match_in_text_shows_its_opening():
    assert fragments(TEXT, ["不存在"], size=10) == [TEXT[:10]]


@given(st.text(alphabet="党史学习教育区委办实事。，\n ab<>&\"'", max_size=80),
       st.lists(st.sampled_from(["党史", "区委", "办实事", "a", "学习教育"]), min_size=1, max_size=3),
       st.integers(5, 40), st.integers(1, 4))
def test_fragments_never_alter_the_text(text, needles, size, count):
    for frag in fragments(text, needles, size=size, count=count):
        assert unescape(EM.sub("", frag)) in text
        for marked in re.findall(r"<em>(.*?)</em>", frag, re.S):
            compact = "".join(marked.split())
            assert any(n in compact for n in needles) or any(compact in n for n in needles)
    assert unescape(EM.sub("", whole(text, needles))) == text
    assert len(match_spans(text, needles)) == whole(text, needles).count("<em>")

"""Random query text for the fuzz tests (tests/unit/test_fuzz.py, tests/integration/test_fuzz.py) and the fuzz
campaign (bench/bench_fuzz.py): Chinese, emoji, control characters, NUL,
lone surrogates (bytes that were not UTF-8), the query language's own syntax,
and real words of the seeds so that many queries also find something."""

from __future__ import annotations

from hypothesis import strategies as st

# The query language's syntax and near-misses of it, plus characters other
# engines treat as syntax (Lucene's + - && || ! ( ) { } [ ] ^ " ~ * ? : \ /).
SYNTAX = [
    '"', '""', '" "', "-", "--", "-\"", ":", "::", "(", ")", "（", "）", "“", "”", " OR ", "OR", " NOT ",
    "NOT", "or", "region:", "date:", "people:", "kind:", "report:\"", "Region:", "regoin:", "date:-",
    "date:2021-02-30", "date:99999999999999999999", "-region:", "NOT -", "OR OR", "*", "?", "\\", "/",
    "{", "}", "[", "]", "^", "~", "&&", "||", "!", "<em>", "</em>", "&amp;", "%", "+", "#", "'",
]
ODD = [
    "\x00", "\x01", "\x1f", "\x7f", "\x85", "\u200b", "\u200d", "\ufeff", "\u00ad", "\u3000", "\u00a0",
    "\n", "\r\n", "\t", "\x0b", "\x0c", "\u2028", "\udcff", "\udc80", "\ud83d", "\ufffd", "😀",
    "👨\u200d👩\u200d👧", "🇨🇳", "\U00020000", "\U0002a6d6", "㐀", "鿖", "Ａ１", "İ", "ß", "ﬁ", "e\u0301",
]
WORDS = [
    "党史", "学习教育", "党史学习教育", "西工区", "洛八办", "为民办实事", "我为群众办实事", "黨史學習教育",
    "张再行", "中原区", "的", "2021", "2021-03", "COVID-19", "10:30", "B型", "洛阳(B型)保税", "区委",
]

piece = st.one_of(
    st.sampled_from(SYNTAX),
    st.sampled_from(ODD),
    st.sampled_from(WORDS),
    st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=6),  # CJK
    st.text(max_size=4),  # anything hypothesis likes (no surrogates by default)
    st.just(" "),
)

# Short to medium queries made of those pieces.
queries = st.lists(piece, max_size=24).map("".join)


def near_the_limit(limit: int):
    """Queries around ``limit`` characters: pieces repeated up to the length."""
    return st.tuples(st.lists(piece, min_size=1, max_size=8).map("".join),
                     st.integers(min_value=limit - 20, max_value=limit + 20)).filter(
        lambda t: t[0] != "").map(lambda t: (t[0] * (t[1] // len(t[0]) + 1))[: t[1]])

"""The shape of a line: widths, sentence ends, and whether a line could be a
headline, a kicker, a ``——`` subtitle or a caption. Every pass asks these."""

from __future__ import annotations

import re
from functools import lru_cache

from rsearch.core.analysis import CJK, fold, is_cjk, normalize


# --- character classes --------------------------------------------------------

# A paragraph (or sentence) ends with one of these, optionally followed by
# closing quotes/brackets (``……。”``).
FINAL = "。！？!?；;…"
CLOSERS = "”’」』）)》】\"'"
# A line ending in one of these is certainly continued (lists, clauses,
# opening brackets).
CONTINUING = "，,、：:（(“‘《「『【—-"
# Sentence punctuation that never occurs inside a headline or a caption.
_NOT_IN_HEADLINE = set("。！？!?；;…")
_PAIRS = (("“", "”"), ("（", "）"), ("(", ")"), ("《", "》"), ("【", "】"), ("「", "」"), ("『", "』"))
# Markers that open a lede bullet (▶ 地处…). □ also opens bylines, which are
# recognised first.
BULLETS = "▶►▷●◆◇■□★☆•※▲△"
# Section headings that announce a lede rather than a topic. Newspaper
# vocabulary, not taken from any one file.
LEDE_LABELS = {"核心提示", "内容提要", "提要", "导读", "导语", "编者按", "摘要", "引言"}
LEDE_LABEL_MAX = max(map(len, LEDE_LABELS))
# A brief opens with a dateline: 本报讯 / 本报洛阳讯 / 新华社北京3月1日电.
_DATELINE = re.compile(
    r"^[【\[（(]?(?:本报讯|本报[^\s，。]{1,10}讯|(?:新华社|中新社|中新网)[^\s，。]{0,16}电"
    # 央视网消息（新闻联播）：, 新华社消息： - an outlet's "news from".
    r"|[^\s，。：:（）()]{2,8}消息\s*(?:[（(][^（）()]{1,12}[）)])?\s*[：:]"
    # 中国经济网北京6月12日讯 - any outlet, a place and the day.
    r"|[^\s，。、“”：:（）()]{2,20}?\d{1,2}\s*月\s*\d{1,2}\s*日\s*[电讯])"
)
# No match of _DATELINE is longer: the head of a text is all it needs to
# see, folded (fold is per character, so fold(t)[:n] == fold(t[:n])).
_DATELINE_SPAN = 40


def opens_with_dateline(text: str) -> bool:
    return _DATELINE.match(fold(text[:_DATELINE_SPAN])) is not None


def is_lede_label(text: str) -> bool:
    """``核心提示：`` and the like (``LEDE_LABELS``, any script, colons after)."""
    label = text.rstrip("：:")  # fold keeps colons colons, so strip before folding
    return len(label) <= LEDE_LABEL_MAX and fold(label) in LEDE_LABELS
# No paragraph starts with these; a unit that does continues the previous one.
NEVER_STARTS = "”’）)》」』】、，,。；;：:！!？?…"
# With their traditional forms: the cheap pre-check runs on every line, so it
# looks at the raw text (parse_byline folds what passes it).
BYLINE_MARKS = ("记者", "記者", "通讯员", "通訊員", "/", "／", "摄", "攝", "》（", "》(", "发稿人", "發稿人")
MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s*(.*?)\s*#*$")
# A line of its own that opens with a label (附件：…, 联系人：…, 抄送：…) is an
# item of its own, not the rest of a paragraph broken by a blank line.
LABEL_LINE = re.compile(rf"^[{CJK}]{{2,6}}[：:]\S")
# A field of a form or an official document's header, one per line:
# 受文者： 如正、副本 / 發文日期：… / 主旨：… (a value may follow a space).
FIELD_LINE = re.compile(rf"^[{CJK}]{{2,9}}[：:]\s*\S")

# Short lines: headlines and captions are at most this wide (CJK = 1).
HEADLINE_MAX = 40
# A long line is certainly a paragraph, not a heading or caption.
LONG = 40


def width(line: str) -> float:
    """Display width in CJK cells: ASCII (half-width) characters count one
    half, everything else one. Counted in C (encode), not per character in
    Python: this is called for every line."""
    return len(line) - 0.5 * len(line.encode("ascii", "ignore"))


def ends_sentence(text: str) -> bool:
    """True if ``text`` ends with sentence-final punctuation (+ closers)."""
    stripped = text.rstrip(CLOSERS + " ")
    return bool(stripped) and stripped[-1] in FINAL


_BRACKET = re.compile("[" + re.escape("".join(a + b for a, b in _PAIRS)) + "]")
_TWO_CJK = re.compile(rf"[{CJK}].*?[{CJK}]")
_HEADLINE_BREAKER = re.compile("[" + re.escape("".join(sorted(_NOT_IN_HEADLINE))) + "]|，，")


def balanced(text: str) -> bool:
    if not _BRACKET.search(text):
        return True
    return all(text.count(a) == text.count(b) for a, b in _PAIRS)


# The shape tests below run several times per unit (one pass per decision);
# caching them keeps the passes cheap on files of many short lines.
@lru_cache(maxsize=1 << 14)
def headline_like(text: str) -> bool:
    """A short line that could be a title, heading or caption: no sentence
    punctuation, balanced quotes/brackets, not ending mid-clause."""
    if not text or len(text) > 2 * HEADLINE_MAX or width(text) > HEADLINE_MAX or text[-1] in CONTINUING:
        return False
    if _HEADLINE_BREAKER.search(text):
        return False
    return balanced(text) and _TWO_CJK.search(text) is not None


_KICKER_END = ("：", ":", "——", "--", "……")


def kicker_like(text: str) -> bool:
    """A short lead-in line above a title: ``洛阳市老城区西关办事处：``,
    ``针对群众反映的停车难问题，某市出台新规——`` (a dash leading into
    the title), ``雨伞、水杯、充电宝……``."""
    if len(text) < 3 or not text.endswith(_KICKER_END):
        return False
    return headline_like(kicker_text(text).rstrip("…")) and not text.startswith(("——", "—", "--"))


def kicker_text(text: str) -> str:
    """A kicker without the colon or dash that leads into the title."""
    return text if text.endswith("……") else text.rstrip("：:—-").strip()


def dash_line(text: str) -> bool:
    """``——我区开展党史学习教育成效综述`` - a subtitle line."""
    return text.startswith(("——", "—", "--")) and headline_like(text.lstrip("—-－ "))


@lru_cache(maxsize=1 << 14)
def caption_like(text: str) -> bool:
    """A photo caption: short, at most one closing full stop, no clauses."""
    if not text or width(text) > HEADLINE_MAX or text[0] in BULLETS:
        return False
    body = text[:-1] if text[-1] in "。." else text
    return headline_like(body) and not set("，,：:") & set(body)


def join_lines(*pieces: str) -> str:
    """Join the pieces of a broken paragraph (in one pass: a paragraph may be
    thousands of pieces, and repeated concatenation would be quadratic).

    No space: Chinese needs none, and a number or Latin word broken at the
    column edge (``2`` / ``016年``) was one token before the layout cut it. A
    half-width ``,:;`` at a break may now stand between two Chinese
    characters; ``normalize`` (idempotent on the rest) gives it the
    full-width form it gets everywhere else, queries included."""
    text = "".join(pieces)
    if any(p and p[-1] in ",:;" for p in pieces[:-1]) or any(p and p[0] in ",:;" for p in pieces[1:]):
        return normalize(text)
    return text


# --- word segmentation at line breaks ------------------------------------------

_SEGMENTER = None


def splits_word(left: str, right: str) -> bool:
    """True if the break between ``left`` and ``right`` falls inside a word
    (``河南省重`` / ``点建设`` -> 重点): then the lines are one paragraph,
    whatever their shape. Uses rjieba's dictionary on a few characters."""
    global _SEGMENTER
    # The dictionary is in simplified script: fold traditional (per character).
    a, b = fold(left[-4:]), fold(right[:4])
    if not a or not b or not is_cjk(a[-1]) or not is_cjk(b[0]):
        return False
    if _SEGMENTER is None:
        from rsearch.core.text.dictionary import plain_segmenter  # loaded lazily: most files never need it

        _SEGMENTER = plain_segmenter().cut
    pos = 0
    cut = len(a)
    for token in _SEGMENTER(a + b):
        end = pos + len(token)
        if pos < cut < end:
            return True
        pos = end
    return False

"""Recover report structure from text pulled out of newspaper pages and PDFs.

``parse_reports(text, source_path)`` turns one file's normalised text into a
list of ``Report`` records (title block, bylines, sections of lede / body /
caption paragraphs). Nothing here knows any seed file: every decision uses the
*shape* of the text - line widths, punctuation, blank lines, position, and a
word-segmentation check at line breaks.

The pipeline, each step a function below:

1. ``_blocks``: runs of non-blank lines, with the number of blank lines
   around them. Blank lines matter: photo captions stand in "gaps" of two
   or more blank lines, headings and paragraphs are one blank apart.
2. ``_column_width``: if the file is set in a narrow newspaper column (lines
   of ~12 characters broken mid-sentence), the typical line width W. Lines
   of a wrapped block are joined; a line clearly shorter than W that does not
   end a sentence marks the end of a heading set in the column.
3. ``_units``: each block becomes units - markdown headings, bylines
   (``indexer.bylines``), bullets (▶ lede items), text paragraphs, and
   headings found inside wrapped blocks.
4. ``_classify``: title blocks (kicker ``…：``, title, ``——`` subtitle),
   photo captions, plain headings, and continuation of paragraphs broken by a
   blank line (``以群众需求`` / ``为导向``).
5. ``_split_reports``: several articles in one file (``## 标题`` followed by
   ``本报讯 …`` and closed by its own byline).
6. ``_build_report``: sections, lede/body/caption kinds, bylines -> people,
   de-duplication of repeated paragraphs, regions and dates.

Sections: paragraphs before the first heading, and whatever follows a title
block that stands after body text (001's ▶ ledes and captions), form the
untitled lead section, placed first; headed sections follow in file order.
Section.index is 1-based (0 is the title chunk's).

Known limits (documented rather than guessed at): text that the layout
interleaved (a paragraph printed inside another one, 004 lines 89-93) is
kept in file order; a truncated paragraph (003 ``…主题党日活``) is continued
by the next paragraph; in columns of 11 characters or less a two-line
heading whose second line is nearly full is not told from body text (it
stays searchable as body); a column break right after a sentence that ends
a full line starts a new paragraph.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from rsearch.core.analysis import CJK, fold, is_cjk, normalize
from rsearch.indexer.bylines import split_dateline_byline, split_trailing_byline
from rsearch.indexer.doclayout import Layout, numbered_level, prepare_lines, speaker, split_run_in
from rsearch.indexer.models import Byline, Paragraph, Person, Report, Section

# --- character classes --------------------------------------------------------

# A paragraph (or sentence) ends with one of these, optionally followed by
# closing quotes/brackets (``……。”``).
_FINAL = "。！？!?；;…"
_CLOSERS = "”’」』）)》】\"'"
# A line ending in one of these is certainly continued (lists, clauses,
# opening brackets).
_CONTINUING = "，,、：:（(“‘《「『【—-"
# Sentence punctuation that never occurs inside a headline or a caption.
_NOT_IN_HEADLINE = set("。！？!?；;…")
_PAIRS = (("“", "”"), ("（", "）"), ("(", ")"), ("《", "》"), ("【", "】"), ("「", "」"), ("『", "』"))
# Markers that open a lede bullet (▶ 地处…). □ also opens bylines, which are
# recognised first.
_BULLETS = "▶►▷●◆◇■□★☆•※▲△"
# Section headings that announce a lede rather than a topic. Newspaper
# vocabulary, not taken from any one file.
_LEDE_LABELS = {"核心提示", "内容提要", "提要", "导读", "导语", "编者按", "摘要", "引言"}
_LEDE_LABEL_MAX = max(map(len, _LEDE_LABELS))
# A brief opens with a dateline: 本报讯 / 本报洛阳讯 / 新华社北京3月1日电.
_DATELINE = re.compile(r"^[【\[（(]?(?:本报讯|本报[^\s，。]{1,10}讯|(?:新华社|中新社|中新网)[^\s，。]{0,16}电)")
# No match of _DATELINE is longer (1 + 3 + 16 + 1): the head of a text is all
# it needs to see, folded (fold is per character, so fold(t)[:n] == fold(t[:n])).
_DATELINE_SPAN = 24


def opens_with_dateline(text: str) -> bool:
    return _DATELINE.match(fold(text[:_DATELINE_SPAN])) is not None


def is_lede_label(text: str) -> bool:
    """``核心提示：`` and the like (``_LEDE_LABELS``, any script, colons after)."""
    label = text.rstrip("：:")  # fold keeps colons colons, so strip before folding
    return len(label) <= _LEDE_LABEL_MAX and fold(label) in _LEDE_LABELS
# No paragraph starts with these; a unit that does continues the previous one.
_NEVER_STARTS = "”’）)》」』】、，,。；;：:！!？?…"
# With their traditional forms: the cheap pre-check runs on every line, so it
# looks at the raw text (parse_byline folds what passes it).
_BYLINE_MARKS = ("记者", "記者", "通讯员", "通訊員", "/", "／", "摄", "攝")
_MARKDOWN = re.compile(r"^(#{1,6})\s*(.*?)\s*#*$")
# A line of its own that opens with a label (附件：…, 联系人：…, 抄送：…) is an
# item of its own, not the rest of a paragraph broken by a blank line.
_LABEL = re.compile(rf"^[{CJK}]{{2,6}}[：:]\S")

# Short lines: headlines and captions are at most this wide (CJK = 1).
_HEADLINE_MAX = 40
# A long line is certainly a paragraph, not a heading or caption.
_LONG = 40


def width(line: str) -> float:
    """Display width in CJK cells: ASCII (half-width) characters count one
    half, everything else one. Counted in C (encode), not per character in
    Python: this is called for every line."""
    return len(line) - 0.5 * len(line.encode("ascii", "ignore"))


def ends_sentence(text: str) -> bool:
    """True if ``text`` ends with sentence-final punctuation (+ closers)."""
    stripped = text.rstrip(_CLOSERS + " ")
    return bool(stripped) and stripped[-1] in _FINAL


_BRACKET = re.compile("[" + re.escape("".join(a + b for a, b in _PAIRS)) + "]")
_TWO_CJK = re.compile(rf"[{CJK}].*?[{CJK}]")
_HEADLINE_BREAKER = re.compile("[" + re.escape("".join(sorted(_NOT_IN_HEADLINE))) + "]|，，")


def _balanced(text: str) -> bool:
    if not _BRACKET.search(text):
        return True
    return all(text.count(a) == text.count(b) for a, b in _PAIRS)


# The shape tests below run several times per unit (one pass per decision);
# caching them keeps the passes cheap on files of many short lines.
@lru_cache(maxsize=1 << 14)
def headline_like(text: str) -> bool:
    """A short line that could be a title, heading or caption: no sentence
    punctuation, balanced quotes/brackets, not ending mid-clause."""
    if not text or len(text) > 2 * _HEADLINE_MAX or width(text) > _HEADLINE_MAX or text[-1] in _CONTINUING:
        return False
    if _HEADLINE_BREAKER.search(text):
        return False
    return _balanced(text) and _TWO_CJK.search(text) is not None


def kicker_like(text: str) -> bool:
    """``洛阳市老城区西关办事处：`` - a short lead-in line ending in a colon."""
    return len(text) >= 3 and text[-1] in "：:" and headline_like(text[:-1])


def dash_line(text: str) -> bool:
    """``——我区开展党史学习教育成效综述`` - a subtitle line."""
    return text.startswith(("——", "—", "--")) and headline_like(text.lstrip("—-－ "))


@lru_cache(maxsize=1 << 14)
def caption_like(text: str) -> bool:
    """A photo caption: short, at most one closing full stop, no clauses."""
    if not text or width(text) > _HEADLINE_MAX or text[0] in _BULLETS:
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
    a, b = left[-4:], right[:4]
    if not a or not b or not is_cjk(a[-1]) or not is_cjk(b[0]):
        return False
    if _SEGMENTER is None:
        import rjieba  # imported lazily: most files never need it

        _SEGMENTER = rjieba.cut
    pos = 0
    cut = len(a)
    for token in _SEGMENTER(a + b):
        end = pos + len(token)
        if pos < cut < end:
            return True
        pos = end
    return False


# --- 1. blocks -------------------------------------------------------------------


@dataclass
class _Block:
    start: int  # line number (0-based) of the first line
    lines: list[str]
    gap_before: int  # blank lines before (at file start: the leading blanks)
    gap_after: int
    at_file_start: bool


def _blocks(lines: list[str]) -> list[_Block]:
    blocks: list[_Block] = []
    gap = 0
    current: list[str] = []
    start = 0
    for no, line in enumerate(lines):
        if line.strip():
            if not current:
                start = no
            current.append(line.strip())
            continue
        if current:
            blocks.append(_Block(start, current, gap, 0, not blocks))
            current, gap = [], 0
        gap += 1
    if current:
        blocks.append(_Block(start, current, gap, 0, not blocks))
        gap = 0
    for prev, nxt in zip(blocks, blocks[1:]):
        prev.gap_after = nxt.gap_before
    if blocks:
        blocks[-1].gap_after = gap
    return blocks


# --- 2. column width ------------------------------------------------------------


def _median(values: list[float]) -> float:
    values = sorted(values)
    return values[len(values) // 2]


def _wrap_samples(lines: list[str]) -> list[float]:
    """Widths of lines that are continued on the next line of their block."""
    return [
        width(line)
        for line, nxt in zip(lines, lines[1:])
        if not ends_sentence(line) and len(line) <= _LONG and not _MARKDOWN.match(line) and nxt
    ]


def _column_width(blocks: list[_Block]) -> float | None:
    """Typical width of a narrow column, or None if lines are paragraphs.

    A file is column-wrapped when many lines (at least 6, and a fifth of the
    text lines) are short and broken mid-sentence inside a block."""
    samples: list[float] = []
    total = 0
    for block in blocks:
        samples += _wrap_samples(block.lines)
        total += len(block.lines)
    if len(samples) >= 6 and len(samples) * 5 >= total:
        return _median(samples)
    return None


# --- 3. units ------------------------------------------------------------------------


class Role(StrEnum):
    """What a unit of the page is, decided pass by pass (NONE: not yet decided)."""

    NONE = ""
    TITLE = "title"
    SUBTITLE = "subtitle"
    KICKER = "kicker"  # the line above a title
    TITLEGROUP = "titlegroup"  # a title block whose parts are not yet told apart
    HEADING = "heading"
    CAPTION = "caption"
    BODY = "body"
    BYLINE = "byline"
    ISSUER = "issuer"  # the body issuing an official document
    ADDRESSEE = "addressee"
    SIGNATURE = "signature"  # the closing issuer and date of an official document


@dataclass
class _Unit:
    kind: str  # "text" | "md" | "byline" | "bullet"
    text: str
    lines: list[str]
    line_no: int
    block: _Block
    block_start: bool  # first unit of its block
    level: int = 0  # markdown heading level
    byline: Byline | None = None
    role: Role = Role.NONE  # decided by the classifying passes
    group: int = -1  # title group id
    after_heading: bool = False  # follows a heading in the same block: a paragraph start
    number_level: int = 0  # numbered heading (一、 1, （一） 2, 1. 3, （1） 4)
    tail_byline: bool = False  # a byline was cut off its end (``byline`` holds it)
    photo_credit: bool = False  # ... and it credits photographers only: a caption

    @property
    def whole_block(self) -> bool:
        return self.block_start and len(self.lines) == len(self.block.lines)

    @property
    def gap_isolated(self) -> bool:
        """Two or more blank lines before it (leading blanks of a file don't count)."""
        return self.block_start and self.block.gap_before >= 2 and not self.block.at_file_start


def _line_kind(line: str) -> tuple[str, object]:
    m = _MARKDOWN.match(line)
    if m and m.group(2):
        return "md", (len(m.group(1)), m.group(2))
    # Every byline has a role word or a credit mark (记者, 通讯员, 文/图, 摄);
    # checking for them first spares the full parse on ordinary lines.
    if len(line) <= 80 and any(mark in line for mark in _BYLINE_MARKS):
        from rsearch.indexer.bylines import parse_byline

        byline = parse_byline(line)
        if byline is not None:
            return "byline", byline
    if line[0] in _BULLETS or (line.startswith("——") and not headline_like(line.lstrip("—"))):
        return "bullet", None
    return "text", None


@dataclass
class _Template:
    """Shape of a confident in-column heading (``夯实党建基础，增强群众`` /
    ``获得感、幸福感``): where its first comma falls and how many it has.
    Section headings of one article are written in parallel, so another
    block opening with the same shape is a heading too."""

    comma_at: int
    commas: int


def _units(blocks: list[_Block], col_width: float | None, templates: list[_Template]) -> list[_Unit]:
    units: list[_Unit] = []
    for block in blocks:
        block_from = len(units)
        first = True
        pending: list[str] = []  # text lines waiting to become units
        pending_no = block.start

        def flush() -> None:
            nonlocal first
            if pending:
                for u in _text_units(pending, pending_no, block, first, col_width, templates, units):
                    units.append(u)
                    first = False
                pending.clear()

        for offset, line in enumerate(block.lines):
            no = block.start + offset
            kind, data = _line_kind(line)
            if kind == "text":
                if not pending:
                    pending_no = no
                pending.append(line)
                continue
            flush()
            if kind == "md":
                level, text = data
                units.append(_Unit("md", text, [text], no, block, first, level=level))
            elif kind == "byline":
                prev = units[-1] if units else None
                if prev is not None and prev.kind == "byline" and prev.block is block:
                    _merge_byline(prev, data, line)
                else:
                    units.append(_Unit("byline", line, [line], no, block, first, byline=data))
            else:  # bullet: its continuation lines follow until the next marker
                units.append(_Unit("bullet", line, [line], no, block, first))
            first = False
        flush()
        units[block_from:] = _attach_bullet_continuations(units[block_from:])
    return units


def _attach_bullet_continuations(block_units: list[_Unit]) -> list[_Unit]:
    """Text units that follow a bullet in the same block belong to that
    bullet (wrapped ▶ items)."""
    merged: list[_Unit] = []
    for u in block_units:
        if merged and u.kind == "text" and merged[-1].kind == "bullet" and not ends_sentence(merged[-1].lines[-1]):
            merged[-1].lines += u.lines
            continue
        merged.append(u)
    for u in merged:
        if u.kind == "bullet" and len(u.lines) > 1:
            u.text = join_lines(*u.lines)
    return merged


def _merge_byline(prev: _Unit, byline: Byline, line: str) -> None:
    """``记者 张改华`` / ``通讯员 潘铁楠 王维`` on two lines: one byline."""
    assert prev.byline is not None
    prev.byline = Byline(
        publication=prev.byline.publication or byline.publication,
        people=prev.byline.people + byline.people,
        raw=f"{prev.byline.raw} {byline.raw}",
    )
    prev.text = f"{prev.text} {line}"
    prev.lines.append(line)


def _text_units(
    lines: list[str],
    line_no: int,
    block: _Block,
    block_start: bool,
    col_width: float | None,
    templates: list[_Template],
    previous: list[_Unit],
) -> list[_Unit]:
    """Split a run of text lines of one block into paragraph units."""
    wrapped = col_width is not None and len(lines) >= 2 and _is_wrapped(lines)
    out: list[_Unit] = []

    def emit(chunk: list[str], no: int, after_heading: bool = False) -> None:
        text = join_lines(*chunk)
        out.append(
            _Unit("text", text, list(chunk), no, block, block_start and not out, after_heading=after_heading)
        )

    start = 0
    after_heading = False
    if wrapped and block_start and _paragraph_ended(previous):
        k = _column_heading(lines, col_width, templates)
        if k:
            emit(lines[:k], line_no)
            out[-1].role = Role.HEADING
            start, after_heading = k, True

    local_width = col_width
    if wrapped:
        samples = _wrap_samples(lines)
        if len(samples) >= 4:
            local_width = _median(samples)

    chunk: list[str] = []
    chunk_no = line_no + start
    for i in range(start, len(lines)):
        line = lines[i]
        if not chunk:
            chunk_no = line_no + i
        chunk.append(line)
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if nxt is None:
            break
        if _ends_unit(line, nxt, wrapped, local_width):
            emit(chunk, chunk_no, after_heading)
            after_heading = False
            chunk = []
    if chunk:
        emit(chunk, chunk_no, after_heading)
    return out


def _is_wrapped(lines: list[str]) -> bool:
    """Most non-last lines are short and continued: a column, not paragraphs."""
    body = lines[:-1]
    short = sum(1 for line in body if len(line) <= _LONG and not ends_sentence(line))
    return short * 2 >= len(body)


def _paragraph_ended(previous: list[_Unit]) -> bool:
    if not previous:
        return True
    prev = previous[-1]
    return prev.kind != "text" or prev.role == Role.HEADING or ends_sentence(prev.text)


def _column_heading(lines: list[str], col_width: float, templates: list[_Template]) -> int:
    """Number of leading lines of a wrapped block that form a heading set in
    the column and immediately followed by body text (0: none).

    Two lines at most. Accepted when the heading's second line is clearly
    shorter than the column (a body line that does not end a sentence is
    always full width), or when the heading has the shape of another heading
    of the same article (parallel headings)."""
    if len(lines) < 3:
        return 0
    head = join_lines(lines[0], lines[1])
    if not headline_like(head) or width(head) > 2 * col_width + 2:
        return 0
    if splits_word(lines[1], lines[2]):
        return 0
    if width(lines[1]) <= col_width - 2:
        return 2
    if _matches_template(lines[:2], templates):
        return 2
    return 0


def _column_heading_block(lines: list[str], col_width: float, templates: list[_Template]) -> bool:
    """Can a whole block of a narrow column be a heading? Headings there
    take two lines, the second stopping short of the column, or have the
    shape of the article's other headings. A single short line is far more
    often a paragraph's (indented) first line cut off by a column break."""
    if _matches_template(lines, templates):
        return True
    return len(lines) == 2 and width(lines[-1]) <= col_width - 2


def _matches_template(lines: list[str], templates: list[_Template]) -> bool:
    if len(lines) != 2:
        return False
    comma_at = lines[0].find("，")
    commas = lines[0].count("，") + lines[1].count("，")
    return comma_at > 0 and any(t.comma_at == comma_at and t.commas == commas for t in templates)


def _ends_unit(line: str, nxt: str, wrapped: bool, col_width: float | None) -> bool:
    """Does a paragraph end between ``line`` and ``nxt`` (same block)?"""
    if wrapped:
        # In a column only a sentence end on a short line closes a paragraph
        # (a full line ending in 。 is often mid-paragraph).
        assert col_width is not None
        return ends_sentence(line) and width(line) < col_width - 1
    if ends_sentence(line):
        return True
    # One paragraph per line: a headline followed by a long line is a heading
    # set directly above its text.
    return headline_like(line) and width(nxt) > _LONG and not splits_word(line, nxt)


def _templates(units: list[_Unit], col_width: float) -> list[_Template]:
    """Shapes of the headings found with certainty: split off by the short
    line rule, or a whole two-line block whose last line stops short."""
    out = []
    for i, u in enumerate(units):
        nxt = units[i + 1] if i + 1 < len(units) else None
        confident = u.role == Role.HEADING or (
            u.whole_block
            and u.kind == "text"
            and headline_like(u.text)
            and width(u.lines[-1]) <= col_width - 2
            and nxt is not None
            and nxt.kind == "text"
        )
        if confident and len(u.lines) == 2 and "，" in u.lines[0]:
            out.append(_Template(u.lines[0].find("，"), u.text.count("，")))
    return out


# --- 4. classification ------------------------------------------------------------


def _classify(
    units: list[_Unit], uses_markdown: bool, col_width: float | None, templates: list[_Template],
    layout: Layout | None = None,
) -> list[_Unit]:
    _mark_document_layout(units, layout or Layout())
    units = _mark_numbered_headings(units)
    for u in units:
        # Text that ends in a photo credit (``志愿者为老人义诊（孙伟 摄）``).
        if _is_open(u) and u.photo_credit and width(u.text) <= 60:
            u.role = Role.CAPTION
    for u in units:
        # ``核心提示`` and the like head a lede section wherever they stand.
        if u.kind == "text" and is_lede_label(u.text):
            u.role = Role.HEADING
    _mark_markdown_titles(units)
    _mark_title_groups(units)
    for u in units:
        if u.kind == "byline":
            u.role = Role.BYLINE
        elif u.kind == "md" and not u.role:
            u.role = Role.HEADING
        elif u.kind == "text" and not u.role and u.gap_isolated and u.whole_block and len(u.lines) == 1 and caption_like(u.text):
            u.role = Role.CAPTION
    _mark_plain_headings(units, uses_markdown, col_width, templates)
    _mark_closing_captions(units)
    units = _join_continuations(units)
    _mark_captions(units)
    for u in units:
        if not u.role:
            u.role = Role.BODY
    return units


def _split_unit_bylines(units: list[_Unit]) -> list[_Unit]:
    """Cut a byline off the end of a text unit (``……健康讲座。记者 周强``,
    ``……（记者 周强）``, ``志愿者为老人义诊（孙伟 摄）``): the paragraph ends
    there, whatever follows; a unit that is all byline becomes one."""
    for u in units:
        if u.kind not in ("text", "bullet"):
            continue
        rest, byline = split_trailing_byline(u.text)
        if byline is None:
            continue
        u.byline = byline
        if not rest.strip():
            u.kind, u.text = "byline", byline.raw
            continue
        u.text, u.tail_byline = rest, True
        u.photo_credit = u.kind == "text" and all(p.role == "photographer" for p in byline.people)
    return units


def _mark_document_layout(units: list[_Unit], layout: Layout) -> None:
    """Roles of an official document's header and closing lines
    (``indexer.doclayout`` set them apart): issuer, title (with any ``——``
    subtitle lines after it), addressee, closing issuer and date."""
    for u in units[:8]:
        # The speaker of a report given at a meeting is its author.
        name = speaker(u.text) if u.kind == "text" and u.whole_block and len(u.lines) == 1 else None
        if name is not None:
            u.kind, u.byline = "byline", Byline(publication=None, people=[Person(name, "author")], raw=u.text)
    if layout.title is None and not layout.signature:
        return
    issuers = set((layout.issuer or "").split()) if layout.title else set()
    title_at = None
    for i, u in enumerate(units):
        if u.kind != "text" or u.role:
            continue
        if title_at is None and layout.title is not None and u.text == layout.title:
            u.role, u.group, title_at = Role.TITLEGROUP, -2, i
        elif title_at is None and u.text in issuers:
            u.role = Role.ISSUER
        elif title_at is not None and i == title_at + 1 and dash_line(u.text):
            u.role, u.group, title_at = Role.TITLEGROUP, -2, i
        elif layout.addressee is not None and u.text == layout.addressee and title_at is not None:
            u.role = Role.ADDRESSEE
            break
    if layout.signature:
        tail = [u for u in units[-len(layout.signature):] if u.kind == "text" and not u.role]
        if [u.text for u in tail] == layout.signature:
            for u in tail:
                u.role = Role.SIGNATURE


def _mark_numbered_headings(units: list[_Unit]) -> list[_Unit]:
    """Numbered headings (一、 （一） 1. （1）): a short numbered line is a
    heading; a numbered paragraph whose first sentence is short has that
    sentence as a run-in heading (``（一）加强组织领导。区政府……``). Only
    where at least two units open with the same kind of number: one ``1.``
    is a list item, not a section."""
    levels = [numbered_level(u.text) if _is_open(u) and u.block_start else None for u in units]
    counts: dict[int, int] = {}
    for level in levels:
        if level:
            counts[level] = counts.get(level, 0) + 1
    out: list[_Unit] = []
    for u, level in zip(units, levels):
        if not level or counts[level] < 2:
            out.append(u)
            continue
        bare = u.text[:-1] if u.text.endswith("。") else u.text
        if headline_like(bare) and len(u.lines) <= 2:
            u.text, u.role, u.number_level = bare, Role.HEADING, level
            out.append(u)
            continue
        run_in = split_run_in(u.text)
        if run_in is None:
            out.append(u)
            continue
        head, rest = run_in
        out.append(_Unit("text", head, [head], u.line_no, u.block, u.block_start, role=Role.HEADING, number_level=level))
        body = _Unit("text", rest, [rest], u.line_no, u.block, False, after_heading=True)
        body.byline, body.tail_byline, body.photo_credit = u.byline, u.tail_byline, u.photo_credit
        out.append(body)
    return out


def _is_open(u: _Unit | None) -> bool:
    """A text unit with no role yet (body or continuation material)."""
    return u is not None and u.kind == "text" and not u.role


def _mark_markdown_titles(units: list[_Unit]) -> None:
    """``# 标题`` is a title; short lines right after it are its subtitle,
    a ``…：`` line right before it its kicker."""
    for i, u in enumerate(units):
        if u.kind != "md" or u.level != 1:
            continue
        u.role = Role.TITLE
        u.group = i
        j = i + 1
        while j < len(units) and _is_open(units[j]) and (headline_like(units[j].text) or dash_line(units[j].text)):
            if units[j].block.gap_before > 1:
                break
            units[j].role, units[j].group = Role.SUBTITLE, i
            j += 1
        if i > 0 and _is_open(units[i - 1]) and kicker_like(units[i - 1].text):
            units[i - 1].role, units[i - 1].group = Role.KICKER, i


def _title_candidate(u: _Unit) -> bool:
    return _is_open(u) and (headline_like(u.text) or kicker_like(u.text) or dash_line(u.text))


def _mark_title_groups(units: list[_Unit]) -> None:
    """Find title blocks that are not markdown: consecutive short lines, at
    most one blank apart, marked by a kicker (``…：``), a ``——`` subtitle, or
    followed by a byline or lede bullets. Wherever they stand in the file.

    Score: ``——`` subtitle 3, kicker 3, byline/bullets right after 2, two
    lines or more 1, nothing but short lines before it 1; 3 makes a title."""
    i = 0
    seen_text = False  # a paragraph before: the group is not at the top
    while i < len(units):
        if not _title_candidate(units[i]):
            if units[i].kind == "bullet" or (units[i].kind == "text" and width(units[i].text) > _LONG):
                seen_text = True
            i += 1
            continue
        j = i + 1
        while (
            j < len(units)
            and _title_candidate(units[j])
            and units[j].block.gap_before <= 1
            and units[j].block_start
            and not kicker_like(units[j].text)  # 各位代表： after a title opens the text
        ):
            j += 1
        group = units[i:j]
        lines = [line for u in group for line in u.lines]
        score = 0
        if any(dash_line(line) for line in lines[1:]):
            score += 3
        if len(lines) >= 2 and kicker_like(lines[0]):
            score += 3
        nxt = units[j] if j < len(units) else None
        if nxt is not None and nxt.kind in ("byline", "bullet") and nxt.block.gap_before <= 1:
            score += 2
            # A line set above a writer's byline heads an article, also
            # below another article's text (two articles on one page).
            # (Not a caption above the byline that closes an article: the
            # byline must be followed by the new article's text.)
            after = units[j + 1] if j + 1 < len(units) else None
            if nxt.kind == "byline" and _writer_byline(nxt) and _paragraph_like(after):
                score += 1
        if len(lines) >= 2:
            score += 1
        if not seen_text:
            score += 1  # a title followed by its byline at the top of the page
        if score >= 3 and all(not kicker_like(line) or k == 0 for k, line in enumerate(lines)):
            for u in group:
                u.role, u.group = Role.TITLEGROUP, i
        i = j


def _paragraph_like(u: _Unit | None) -> bool:
    """Text of an article (a sentence or more), not a caption or heading."""
    return u is not None and u.kind == "text" and (width(u.text) > _LONG or (ends_sentence(u.text) and not caption_like(u.text)))


def _writer_byline(u: _Unit) -> bool:
    """A byline that credits the text (not only photos)."""
    return u.byline is not None and any(p.role != "photographer" for p in u.byline.people)


def _house_style_spaced(candidates: list[_Unit]) -> bool:
    """Headings of this file are two phrases set apart by a space
    (``创新学习 强化自愿升华感悟``): at least two candidates, two thirds spaced."""
    spaced = [u for u in candidates if " " in u.text.strip()]
    return len(candidates) >= 2 and len(spaced) >= 2 and len(spaced) * 3 >= len(candidates) * 2


def _mark_plain_headings(
    units: list[_Unit], uses_markdown: bool, col_width: float | None, templates: list[_Template]
) -> None:
    """Short lines without sentence punctuation followed by body text are
    headings - unless the file marks its headings in markdown, or the line
    break splits a word (a paragraph broken by a blank line), or, in a
    narrow column, the block does not have a heading's shape there
    (``_column_heading_block``)."""
    candidates: list[_Unit] = []
    for i, u in enumerate(units):
        if not _is_open(u) or u.after_heading or not headline_like(u.text) or not u.block_start:
            continue
        nxt = units[i + 1] if i + 1 < len(units) else None
        if not (_is_open(nxt) or (nxt is not None and nxt.kind == "bullet")):
            continue
        if nxt.kind == "text" and headline_like(nxt.text) and not _continues(units, i + 1):
            continue  # a run of short lines: captions or a title, not a heading
        if nxt.kind == "text" and splits_word(u.text, nxt.text):
            continue  # a broken paragraph
        if uses_markdown:
            continue  # headings are marked; this is a fragment
        if col_width is not None and not _column_heading_block(u.lines, col_width, templates):
            continue
        candidates.append(u)
    spaced = _house_style_spaced(candidates)
    for u in candidates:
        if spaced and " " not in u.text.strip():
            u.role = Role.CAPTION  # not in the house style of headings
        else:
            u.role = Role.HEADING


def _mark_closing_captions(units: list[_Unit]) -> None:
    """Short standalone lines after the byline that closes an article are
    photo captions (they are often one blank apart, with no gap)."""
    seen_body = closed = False
    for u in units:
        if u.kind == "byline":
            closed = closed or seen_body
        elif u.role in (Role.HEADING, Role.TITLE, Role.TITLEGROUP):
            seen_body = closed = False
        elif _is_open(u):
            if closed and u.whole_block and caption_like(u.text):
                u.role = Role.CAPTION
            else:
                seen_body, closed = True, False
        elif u.kind == "bullet":
            seen_body = True


def _short_run(prev: _Unit, u: _Unit) -> bool:
    """Two standalone short lines in a row: a run of captions, not the two
    halves of a broken paragraph (unless the break splits a word)."""
    return (
        prev.whole_block
        and u.whole_block
        and caption_like(prev.text)
        and caption_like(u.text)
        and not splits_word(prev.text, u.text)
    )


def _continues(units: list[_Unit], i: int) -> bool:
    """Unit ``i`` is the start of a paragraph cut off by a blank line: it does
    not end a sentence and open text follows one blank line later."""
    nxt = units[i + 1] if i + 1 < len(units) else None
    return not ends_sentence(units[i].text) and _is_open(nxt) and nxt.block.gap_before <= 1 and not headline_like(nxt.text)


def _join_continuations(units: list[_Unit]) -> list[_Unit]:
    """A paragraph that does not end a sentence continues in the next text
    unit (a blank line inside a sentence: ``乡镇（街`` / ``道）部门``); so
    does one followed by text that no paragraph can start with (a closing
    quote or a comma cut off by a column break: ``…的关键。`` / ``”王逢伟说``)."""
    out: list[_Unit] = []
    pieces: list[list[str]] = []  # texts of each output unit, joined at the end
    for u in units:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.kind == "text"
            and prev.role in (Role.NONE, Role.BODY)
            and not prev.tail_byline
            and _is_open(u)
            and not (u.whole_block and len(u.lines) == 1 and _LABEL.match(u.text))
            and (u.text[0] in _NEVER_STARTS or not ends_sentence(pieces[-1][-1]))
            and not (len(pieces[-1]) == 1 and _short_run(prev, u))
        ):
            pieces[-1].append(u.text)
            prev.lines += u.lines
            continue
        out.append(u)
        pieces.append([u.text])
    for u, texts in zip(out, pieces):
        if len(texts) > 1:
            u.text = join_lines(*texts)
    return out


def _mark_captions(units: list[_Unit]) -> None:
    """Short standalone lines not followed by body are captions: runs of
    photo captions, a caption above the title, captions after the byline."""
    closed = False  # a byline after body text closes the article
    seen_body = False
    for i, u in enumerate(units):
        if u.kind == "byline" and seen_body:
            closed = True
        if not _is_open(u):
            if u.kind in ("text", "bullet") and u.role in (Role.NONE, Role.BODY):
                seen_body = True
            continue
        nxt = units[i + 1] if i + 1 < len(units) else None
        followed_by_body = nxt is not None and nxt.kind == "text" and nxt.role in (Role.NONE, Role.BODY) and not caption_like(nxt.text)
        # A sentence right under a heading is that section's text, however short.
        under_heading = i > 0 and units[i - 1].role == Role.HEADING and ends_sentence(u.text)
        if caption_like(u.text) and len(u.lines) <= 2 and (closed or not followed_by_body) and not under_heading:
            u.role = Role.CAPTION
        else:
            seen_body = True


# --- 5. several reports in one file -----------------------------------------------


def _split_reports(units: list[_Unit]) -> list[list[_Unit]]:
    """Start a new report at a heading whose text opens with a dateline
    (``## 标题`` + ``本报讯 …``), at a second markdown ``#`` title, and at a
    heading or title block after a byline that closed the previous article."""
    reports: list[list[_Unit]] = [[]]
    has_body = False
    closed = False
    seen_title = False
    for i, u in enumerate(units):
        start = False
        nxt = _next_text(units, i)
        if u.role in (Role.HEADING, Role.TITLE, Role.TITLEGROUP, Role.KICKER) and has_body:
            if nxt is not None and opens_with_dateline(nxt.text):
                start = True
            elif u.kind == "md" and u.level == 1 and seen_title:
                start = True
            elif closed and nxt is not None:
                start = True
            elif u.role == Role.TITLEGROUP and _byline_after_group(units, i):
                start = True  # a title with its own byline: the next article
            if u.role == Role.TITLEGROUP and i > 0 and units[i - 1].group == u.group:
                start = False  # inside a title block
        elif u.role == Role.BODY and has_body and opens_with_dateline(u.text):
            start = True  # 本报讯 …: a brief with no headline of its own
        if start:
            reports.append([])
            has_body = closed = False
        reports[-1].append(u)
        if u.kind == "md" and u.level == 1:
            seen_title = True
        if u.role == Role.BODY or u.kind == "bullet":
            has_body = True
        elif u.role == Role.BYLINE and has_body:
            closed = True
    return [r for r in reports if r]


def _byline_after_group(units: list[_Unit], i: int) -> bool:
    j = i
    while j < len(units) and units[j].role == Role.TITLEGROUP and units[j].group == units[i].group:
        j += 1
    return j < len(units) and units[j].kind == "byline" and _writer_byline(units[j])


def _next_text(units: list[_Unit], i: int) -> _Unit | None:
    for u in units[i + 1 : i + 4]:
        if u.kind in ("text", "bullet") and u.role in (Role.NONE, Role.BODY):
            return u
        if u.role in (Role.HEADING, Role.TITLE):
            return None
    return None


# --- 6. building a report -------------------------------------------------------------


@dataclass
class _TitleParts:
    kicker: list[str] = field(default_factory=list)
    title: str | None = None
    subtitle: list[str] = field(default_factory=list)


def _strip_dash(line: str) -> str:
    return line.lstrip("—-－ ").strip()


def _title_from_lines(lines: list[str]) -> _TitleParts:
    """Kicker / title / subtitle from the lines of a title block.

    ``——…`` lines are subtitles, a first line ending in ``：`` is a kicker.
    Of the other lines, the one right before the first ``——`` subtitle is the
    title (lines above it are kickers, as 引题 above 主题); with no ``——``
    line the first one is the title and later ones are subtitles."""
    parts = _TitleParts()
    plain: list[tuple[int, str]] = []
    first_dash = None
    for k, line in enumerate(lines):
        if dash_line(line):
            first_dash = k if first_dash is None else first_dash
        elif kicker_like(line) and not plain and first_dash is None:
            parts.kicker.append(line[:-1].strip())
        else:
            plain.append((k, line))
    before = [line for k, line in plain if first_dash is None or k < first_dash]
    after = [line for k, line in plain if first_dash is not None and k > first_dash]
    if first_dash is not None and before:
        parts.kicker += before[:-1]
        parts.title = before[-1]
    elif len(before) == 2 and not parts.kicker and len(before[1]) <= 6 and " " not in before[1]:
        # A title wrapped over two lines (a PDF dump): a second line that
        # short is the title's end, not a subtitle (老旧小区改造让居民 / 住得更舒心).
        parts.title = join_lines(*before)
    elif before:
        parts.title = before[0]
        parts.subtitle += before[1:]
    for k, line in enumerate(lines):
        if dash_line(line):
            parts.subtitle.append(_strip_dash(line))
    parts.subtitle += after
    if parts.title is None and parts.subtitle:
        parts.title = parts.subtitle.pop(0)
    return parts


def _choose_title(units: list[_Unit]) -> tuple[_TitleParts, set[int]]:
    """Pick the report's title; returns its parts and the ids of its units."""
    # A brief: the report starts with the heading that opened it.
    first = next((u for u in units if u.role != Role.CAPTION), None)
    # Markdown title.
    for u in units:
        if u.role == Role.TITLE:
            members = [v for v in units if v.group == u.group and v.role in (Role.TITLE, Role.SUBTITLE, Role.KICKER)]
            parts = _TitleParts(title=u.text)
            parts.kicker = [v.text.rstrip("：:").strip() for v in members if v.role == Role.KICKER]
            for v in members:
                if v.role == Role.SUBTITLE:
                    parts.subtitle.append(_strip_dash(v.text) if dash_line(v.text) else v.text)
            return parts, {id(v) for v in members}
    # A title block (the first one; a report rarely has two).
    groups = [u for u in units if u.role == Role.TITLEGROUP]
    if groups:
        gid = groups[0].group
        members = [u for u in units if u.role == Role.TITLEGROUP and u.group == gid]
        lines = [line for u in members for line in u.lines]
        return _title_from_lines(lines), {id(u) for u in members}
    # Fall back to a heading at the very top (or the heading that opened a
    # brief): a file with a title line and then plain text.
    if first is not None and first.role == Role.HEADING and not is_lede_label(first.text):
        return _TitleParts(title=first.text), {id(first)}
    return _TitleParts(), set()


def _clean_bullet(text: str) -> str:
    return text.lstrip(_BULLETS + "—- ").strip() or text


def _build_report(
    units: list[_Unit], source_path: str, content_hash: str, report_no: int, layout: Layout | None = None
) -> Report:
    parts, title_ids = _choose_title(units)
    lead = Section(title=None, index=0, paragraphs=[])
    headed: list[Section] = []
    current = lead
    bylines: list[Byline] = []
    seen: set[str] = set()
    after_title = False  # right after the title block: bullets there are lede
    numbered: list[tuple[int, str]] = []  # open numbered headings: (level, text)
    issuer: str | None = None
    signature: list[str] = []

    def add(text: str, kind: str) -> None:
        text = text.strip()
        if text and text not in seen:  # a paragraph printed twice is indexed once
            seen.add(text)
            current.paragraphs.append(Paragraph(text, kind))

    for u in units:
        if id(u) in title_ids:
            # A title block after body text ends the section before it; what
            # follows (ledes, captions) belongs to the lead section.
            current, after_title = lead, True
            continue
        if u.role == Role.ISSUER:
            issuer = f"{issuer} {u.text}" if issuer else u.text
            continue
        if u.role == Role.SIGNATURE:
            signature.append(u.text)
            continue
        if u.role in (Role.TITLE, Role.SUBTITLE, Role.KICKER, Role.TITLEGROUP, Role.HEADING):
            text = u.text.rstrip("：:") if u.role == Role.HEADING else " ".join(u.lines)
            # Numbered headings nest: the section is named by its path,
            # "一、主要工作 / （一）加强组织领导"; any other heading starts afresh.
            if u.role == Role.HEADING and u.number_level:
                while numbered and numbered[-1][0] >= u.number_level:
                    numbered.pop()
                numbered.append((u.number_level, text))
                current = Section(title=" / ".join(t for _, t in numbered), index=0, paragraphs=[],
                                  heading=text, level=len(numbered))
            else:
                numbered = []
                current = Section(title=text, index=0, paragraphs=[], heading=text, level=1)
            headed.append(current)
            after_title = False
            continue
        if u.role == Role.BYLINE:
            assert u.byline is not None
            bylines.append(u.byline)
            continue
        if u.byline is not None:  # cut off the end of this text (_split_unit_bylines)
            bylines.append(u.byline)
        if u.role == Role.CAPTION:
            add(u.text, "caption")
            continue
        text = u.text
        # 本报讯（记者 王建军 通讯员 赵丽）5月8日，…: the credit is not text.
        text, byline = split_dateline_byline(text)
        if byline is not None:
            bylines.append(byline)
        lede = (
            (current.title is not None and len(current.title) <= _LEDE_LABEL_MAX
             and fold(current.title) in _LEDE_LABELS)
            or (u.kind == "bullet" and (after_title or current is lead))
        )
        add(_clean_bullet(text) if u.kind == "bullet" else text, "lede" if lede else "body")

    if signature:
        # The closing issuer and date: the document's last paragraph.
        add(" ".join(signature), "body")
        issuer = issuer or (layout.issuer if layout else None)
    sections = ([lead] if lead.paragraphs else []) + headed
    for n, section in enumerate(sections, 1):
        section.index = n

    people, publication = _people(bylines)
    report_text = "\n".join(
        [*parts.kicker, parts.title or "", *parts.subtitle]
        + [s.title or "" for s in sections]
        + [p.text for s in sections for p in s.paragraphs]
    )
    from rsearch.indexer.metadata import extract_dates, extract_regions

    return Report(
        title=parts.title,
        subtitle=" ".join(parts.subtitle) or None,
        kicker=" ".join(parts.kicker) or None,
        # An official document names no paper: its issuer published it.
        publication=publication or issuer,
        people=people,
        regions=extract_regions(report_text),
        dates=extract_dates(report_text),
        source_path=source_path,
        content_hash=content_hash,
        report_no=report_no,
        sections=sections,
        issuer=issuer,
        bylines=list(dict.fromkeys(b.raw for b in bylines)),
    )


def _people(bylines: list[Byline]) -> tuple[list[Person], str | None]:
    people: list[Person] = []
    seen: set[tuple[str, str]] = set()
    publication = None
    for byline in bylines:
        publication = publication or byline.publication
        for person in byline.people:
            key = (person.name, person.role)
            if key not in seen:
                seen.add(key)
                people.append(person)
    return people, publication


# --- entry point ---------------------------------------------------------------------


def content_hash(text: str) -> str:
    """sha256 of the normalised text: the same report stored as GBK and as
    UTF-8, or with CRLF and LF line ends, has the same hash."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_reports(text: str, source_path: str) -> list[Report]:
    """Recover the reports in one file's normalised text (see module doc)."""
    lines, layout = prepare_lines(text.split("\n"))
    blocks = _blocks(lines)
    if not blocks:
        return []
    col_width = _column_width(blocks)
    units = _units(blocks, col_width, [])
    templates: list[_Template] = []
    if col_width is not None:
        templates = _templates(units, col_width)
        if templates:
            units = _units(blocks, col_width, templates)
    units = _split_unit_bylines(units)
    uses_markdown = any(u.kind == "md" for u in units)
    units = _classify(units, uses_markdown, col_width, templates, layout)
    digest = content_hash(text)
    return [
        _build_report(group, source_path, digest, n, layout)
        for n, group in enumerate(_split_reports(units), 1)
    ]

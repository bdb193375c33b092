"""Pass 3: each block becomes units - markdown headings, bylines, bullets,
text paragraphs (wrapped column lines joined) and headings set in a column."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from rsearch.indexer.models import Byline
from rsearch.indexer.structure.blocks import Block, median, wrap_samples
from rsearch.indexer.structure.shapes import (
    BULLETS, BYLINE_MARKS, FIELD_LINE, LONG, MARKDOWN_HEADING, NEVER_STARTS, ends_sentence, headline_like, join_lines, splits_word, width,
)


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
class Unit:
    kind: str  # "text" | "md" | "byline" | "bullet" | "link" | "image" (a picture's caption)
    text: str
    lines: list[str]
    line_no: int
    block: Block
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


# A markdown link alone on a line (``[查看原文](https://…)``), perhaps after
# a short label (``原文链接：[…](…)``) and struck through or bold: where a
# story came from, a credit - not text, never a title.
_LINK_LINE = re.compile(r"^(?:[^\[\]()]{1,16}[：:][^\[\]()]{0,8}?\s*)?([~*]{0,2})\[[^\[\]]{1,80}\]\(\S+\)\1$")
# A markdown image (``![图说](https://….jpg)``) or an HTML figure caption on a
# line of its own: the picture's caption is its text (none: nothing).
_IMAGE_LINE = re.compile(r"^!\[([^\[\]]*)\]\(\S+(?:\s+\"[^\"]*\")?\)$|^<figcaption>(.*)</figcaption>$")


# An image's file name standing in for its caption (``![10-01.jpg](…)``).
_FILE_NAME = re.compile(r"[\w.-]+\.(?:jpe?g|png|gif|webp|bmp|tiff?)", re.I)


# Any of BYLINE_MARKS in a line, looked for in one pass (C) rather than one
# ``in`` per mark (this runs for every line).
_BYLINE_MARK = re.compile("|".join(map(re.escape, BYLINE_MARKS)))


def line_kind(line: str) -> tuple[str, object]:
    if "](" in line and _LINK_LINE.match(line):
        return "link", Byline(publication=None, people=[], raw=line)
    if line[0] in "!<":
        m = _IMAGE_LINE.match(line)
        if m:
            caption = (m.group(1) if m.group(1) is not None else m.group(2)).strip()
            return "image", "" if _FILE_NAME.fullmatch(caption) else caption
    m = MARKDOWN_HEADING.match(line)
    if m and m.group(2):
        return "md", (len(m.group(1)), m.group(2))
    # Every byline has a role word or a credit mark (记者, 通讯员, 文/图, 摄);
    # checking for them first spares the full parse on ordinary lines.
    if len(line) <= 80 and _BYLINE_MARK.search(line):
        from rsearch.indexer.bylines import parse_byline

        byline = parse_byline(line)
        if byline is not None:
            return "byline", byline
    if line[0] in BULLETS or (line.startswith("——") and not headline_like(line.lstrip("—"))):
        return "bullet", None
    return "text", None


@dataclass
class Template:
    """Shape of a confident in-column heading (``夯实党建基础，增强群众`` /
    ``获得感、幸福感``): where its first comma falls and how many it has.
    Section headings of one article are written in parallel, so another
    block opening with the same shape is a heading too."""

    comma_at: int
    commas: int


def lines_are_paragraphs(blocks: list[Block]) -> bool:
    """Text with one paragraph per line and no blank lines between them (a
    web page saved as text): most lines of multi-line blocks end a sentence.
    In a PDF dump or a newspaper column most lines are wrapped instead."""
    lines = [line for block in blocks if len(block.lines) > 1 for line in block.lines]
    if len(lines) >= 6 and sum(map(ends_sentence, lines)) * 2 >= len(lines):
        return True
    # Or nothing is wrapped: the long lines of the file are whole paragraphs
    # (they end a sentence), as in text with a blank line after each.
    long = [line for block in blocks for line in block.lines if width(line) > 2 * LONG]
    return len(long) >= 3 and sum(map(ends_sentence, long)) >= 0.8 * len(long)


_TOP_BLOCK_LINES = 4
_TOP_LINE_MAX = 120  # characters


def title_block_lines(lines: list[str]) -> bool:
    """Lines that can only be a title block: two to four, short, none
    ending a sentence or a clause."""
    return 2 <= len(lines) <= _TOP_BLOCK_LINES and all(
        len(line) <= _TOP_LINE_MAX and not ends_sentence(line) and line[-1] not in "，,、；;：:" for line in lines
    )


def make_units(blocks: list[Block], col_width: float | None, templates: list[Template]) -> list[Unit]:
    units: list[Unit] = []
    per_line = col_width is None and lines_are_paragraphs(blocks)
    for block in blocks:
        block_from = len(units)
        first = True
        pending: list[str] = []  # text lines waiting to become units
        pending_no = block.start

        # The file's first block, in text not set in a column, made of a few
        # lines none of which ends a sentence: a title over its subtitles
        # (``总统出席…`` under the title), one unit per line.
        top = col_width is None and block.at_file_start and title_block_lines(block.lines)

        def flush() -> None:
            nonlocal first
            if pending:
                for u in _text_units(pending, pending_no, block, first, col_width, templates, units, per_line or top):
                    units.append(u)
                    first = False
                pending.clear()

        for offset, line in enumerate(block.lines):
            no = block.start + offset
            kind, data = line_kind(line)
            if kind == "text":
                if not pending:
                    pending_no = no
                pending.append(line)
                continue
            flush()
            if kind == "md":
                level, text = data
                units.append(Unit("md", text, [text], no, block, first, level=level))
            elif kind == "link":
                units.append(Unit("link", line, [line], no, block, first, byline=data))
            elif kind == "image":
                if not data:
                    continue  # a picture without a caption: no text
                units.append(Unit("image", data, [data], no, block, first))
            elif kind == "byline":
                prev = units[-1] if units else None
                if prev is not None and prev.kind == "byline" and prev.block is block:
                    _merge_byline(prev, data, line)
                else:
                    units.append(Unit("byline", line, [line], no, block, first, byline=data))
            else:  # bullet: its continuation lines follow until the next marker
                units.append(Unit("bullet", line, [line], no, block, first))
            first = False
        flush()
        units[block_from:] = _attach_bullet_continuations(units[block_from:])
    return units


def _attach_bullet_continuations(block_units: list[Unit]) -> list[Unit]:
    """Text units that follow a bullet in the same block belong to that
    bullet (wrapped ▶ items)."""
    merged: list[Unit] = []
    for u in block_units:
        if merged and u.kind == "text" and merged[-1].kind == "bullet" and not ends_sentence(merged[-1].lines[-1]):
            merged[-1].lines += u.lines
            continue
        merged.append(u)
    for u in merged:
        if u.kind == "bullet" and len(u.lines) > 1:
            u.text = join_lines(*u.lines)
    return merged


def _merge_byline(prev: Unit, byline: Byline, line: str) -> None:
    """``记者 张改华`` / ``通讯员 潘铁楠 王维`` on two lines: one byline."""
    assert prev.byline is not None
    prev.byline = Byline(
        publication=prev.byline.publication or byline.publication,
        people=prev.byline.people + byline.people,
        raw=f"{prev.byline.raw} {byline.raw}",
        date=prev.byline.date or byline.date,
        cited=prev.byline.cited or byline.cited,
    )
    prev.text = f"{prev.text} {line}"
    prev.lines.append(line)


def _text_units(
    lines: list[str],
    line_no: int,
    block: Block,
    block_start: bool,
    col_width: float | None,
    templates: list[Template],
    previous: list[Unit],
    per_line: bool = False,
) -> list[Unit]:
    """Split a run of text lines of one block into paragraph units (in text
    of one paragraph per line, each line, unless the break splits a word)."""
    wrapped = col_width is not None and len(lines) >= 2 and _is_wrapped(lines)
    out: list[Unit] = []

    def emit(chunk: list[str], no: int, after_heading: bool = False) -> None:
        text = join_lines(*chunk)
        out.append(
            Unit("text", text, list(chunk), no, block, block_start and not out, after_heading=after_heading)
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
    # The width of a full line of this block: a line that stops well short
    # of it without ending a sentence is a line of its own (a title, a
    # subtitle, a heading), not the first part of a wrapped paragraph.
    full_width = max((width(line) for line in lines), default=0.0)
    if wrapped:
        samples = wrap_samples(lines)
        if len(samples) >= 4:
            local_width = median(samples)

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
        if _ends_unit(line, nxt, wrapped, local_width, full_width) or (
            per_line and not wrapped and nxt[0] not in NEVER_STARTS and not splits_word(line, nxt)
        ):
            emit(chunk, chunk_no, after_heading)
            after_heading = False
            chunk = []
    if chunk:
        emit(chunk, chunk_no, after_heading)
    return out


def _is_wrapped(lines: list[str]) -> bool:
    """Most non-last lines are short and continued: a column, not paragraphs."""
    body = lines[:-1]
    short = sum(1 for line in body if len(line) <= LONG and not ends_sentence(line))
    return short * 2 >= len(body)


def _paragraph_ended(previous: list[Unit]) -> bool:
    if not previous:
        return True
    prev = previous[-1]
    return prev.kind != "text" or prev.role == Role.HEADING or ends_sentence(prev.text)


def _column_heading(lines: list[str], col_width: float, templates: list[Template]) -> int:
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


def column_heading_block(lines: list[str], col_width: float, templates: list[Template]) -> bool:
    """Can a whole block of a narrow column be a heading? Headings there
    take two lines, the second stopping short of the column, or have the
    shape of the article's other headings. A single short line is far more
    often a paragraph's (indented) first line cut off by a column break."""
    if _matches_template(lines, templates):
        return True
    return len(lines) == 2 and width(lines[-1]) <= col_width - 2


def _matches_template(lines: list[str], templates: list[Template]) -> bool:
    if len(lines) != 2:
        return False
    comma_at = lines[0].find("，")
    commas = lines[0].count("，") + lines[1].count("，")
    return comma_at > 0 and any(t.comma_at == comma_at and t.commas == commas for t in templates)


def _ends_unit(line: str, nxt: str, wrapped: bool, col_width: float | None, full_width: float = 0.0) -> bool:
    """Does a paragraph end between ``line`` and ``nxt`` (same block)?"""
    if FIELD_LINE.match(line) and FIELD_LINE.match(nxt):
        return True  # 受文者：… / 發文日期：…: fields, one per line
    if wrapped:
        # In a column only a sentence end on a short line closes a paragraph
        # (a full line ending in 。 is often mid-paragraph).
        assert col_width is not None
        return ends_sentence(line) and width(line) < col_width - 1
    if ends_sentence(line):
        return True
    # One paragraph per line: a headline followed by a long line is a heading
    # set directly above its text; so is one that stops well short of the
    # block's full lines (a title over its subtitle, in text with no blank
    # lines), unless the break splits a word.
    if not headline_like(line) or splits_word(line, nxt):
        return False
    # A line that ends in a colon under a headline is the text's address or
    # salutation (各区县人民政府，市政府各部门： / 各位代表：), no part of it.
    addressed = nxt.rstrip().endswith(("：", ":")) and width(nxt) <= LONG
    return addressed or width(nxt) > LONG or (full_width > LONG and width(line) < 0.8 * full_width)


def find_templates(units: list[Unit], col_width: float) -> list[Template]:
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
            out.append(Template(u.lines[0].find("，"), u.text.count("，")))
    return out


def is_open(u: Unit | None) -> bool:
    """A text unit with no role yet (body or continuation material)."""
    return u is not None and u.kind == "text" and not u.role

"""Passes 1 and 2: runs of non-blank lines (blocks) with the blank lines around
them, and the width of a narrow newspaper column if the file is set in one."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rsearch.indexer.structure.shapes import FIELD_LINE, LONG, MARKDOWN_HEADING, ends_sentence, width


# --- 1. blocks -------------------------------------------------------------------


@dataclass
class Block:
    start: int  # line number (0-based) of the first line
    lines: list[str]
    gap_before: int  # blank lines before (at file start: the leading blanks)
    gap_after: int
    at_file_start: bool


# A line of rule characters only (markdown's ``---`` / ``***`` / ``___``, a
# row of dashes or em dashes): a separator drawn between parts, no text.
_RULE = re.compile(r"[-*_=—─━~～·•]{3,}|(?:[-*_] ){2,}[-*_]")


def find_blocks(lines: list[str]) -> list[Block]:
    """Runs of non-blank lines; a rule line counts as a blank one."""
    blocks: list[Block] = []
    gap = 0
    current: list[str] = []
    start = 0
    for no, line in enumerate(lines):
        if line.strip() and not _RULE.fullmatch(line.strip()):
            if not current:
                start = no
            current.append(line.strip())
            continue
        if current:
            blocks.append(Block(start, current, gap, 0, not blocks))
            current, gap = [], 0
        gap += 1
    if current:
        blocks.append(Block(start, current, gap, 0, not blocks))
        gap = 0
    for prev, nxt in zip(blocks, blocks[1:]):
        prev.gap_after = nxt.gap_before
    if blocks:
        blocks[-1].gap_after = gap
    return blocks


# --- 2. column width ------------------------------------------------------------


def median(values: list[float]) -> float:
    values = sorted(values)
    return values[len(values) // 2]


def wrap_samples(lines: list[str]) -> list[float]:
    """Widths of lines that are continued on the next line of their block."""
    return [
        width(line)
        for line, nxt in zip(lines, lines[1:])
        if not ends_sentence(line) and len(line) <= LONG and not MARKDOWN_HEADING.match(line) and nxt
        and not (FIELD_LINE.match(line) and FIELD_LINE.match(nxt))  # fields, one per line
    ]


def column_width(blocks: list[Block]) -> float | None:
    """Typical width of a narrow column, or None if lines are paragraphs.

    A file is column-wrapped when many lines (at least 6, and a fifth of the
    text lines) are short and broken mid-sentence inside a block."""
    samples: list[float] = []
    total = 0
    for block in blocks:
        samples += wrap_samples(block.lines)
        total += len(block.lines)
    if len(samples) >= 6 and len(samples) * 5 >= total:
        return median(samples)
    return None


# A markdown block quote (``> 本报记者 张三``, as markdown exports and HTML
# converters write bylines and notes): the marker is layout, not text. A
# lone ``>`` (a breadcrumb's separator) is left alone.
# (a bare ``>`` is a blank line inside the quote)
_QUOTE = re.compile(r"^[ \t]*>(?:[ \t]+(?=\S)|[ \t]*$)")
# Markdown bold around a run of text (``**央视网消息**``): emphasis, not text.
_BOLD = re.compile(r"\*\*(?=\S)([^*\n]+?)(?<=\S)\*\*")


def unquote(lines: list[str]) -> list[str]:
    """Lines without markdown's quote markers and bold markers."""
    out = []
    for line in lines:
        if line[:1] in "> \t":
            line = _QUOTE.sub("", line)
        if "**" in line:
            line = _BOLD.sub(r"\1", line)
        out.append(line)
    return out

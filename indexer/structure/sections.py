"""Section headings: numbered ones (一、 （一） 1. （1）) with run-in headings,
and plain short lines standing above body text."""

from __future__ import annotations

from rsearch.indexer.doclayout import numbered_level, split_run_in
from rsearch.indexer.structure.paragraphs import continues
from rsearch.indexer.structure.shapes import headline_like, splits_word
from rsearch.indexer.structure.units import Role, Template, Unit, column_heading_block, is_open


def mark_numbered_headings(units: list[Unit]) -> list[Unit]:
    """Numbered headings (一、 （一） 1. （1）): a short numbered line is a
    heading; a numbered paragraph whose first sentence is short has that
    sentence as a run-in heading (``（一）加强组织领导。区政府……``). Only
    where at least two units open with the same kind of number: one ``1.``
    is a list item, not a section."""
    levels = [numbered_level(u.text) if is_open(u) and u.block_start else None for u in units]
    counts: dict[int, int] = {}
    for level in levels:
        if level:
            counts[level] = counts.get(level, 0) + 1
    out: list[Unit] = []
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
        out.append(Unit("text", head, [head], u.line_no, u.block, u.block_start, role=Role.HEADING, number_level=level))
        body = Unit("text", rest, [rest], u.line_no, u.block, False, after_heading=True)
        body.byline, body.tail_byline, body.photo_credit = u.byline, u.tail_byline, u.photo_credit
        out.append(body)
    return out


def _house_style_spaced(candidates: list[Unit]) -> bool:
    """Headings of this file are two phrases set apart by a space
    (``创新学习 强化自愿升华感悟``): at least two candidates, two thirds spaced."""
    spaced = [u for u in candidates if " " in u.text.strip()]
    return len(candidates) >= 2 and len(spaced) >= 2 and len(spaced) * 3 >= len(candidates) * 2


def mark_plain_headings(
    units: list[Unit], uses_markdown: bool, col_width: float | None, templates: list[Template]
) -> None:
    """Short lines without sentence punctuation followed by body text are
    headings - unless the file marks its headings in markdown, or the line
    break splits a word (a paragraph broken by a blank line), or, in a
    narrow column, the block does not have a heading's shape there
    (``column_heading_block``)."""
    candidates: list[Unit] = []
    for i, u in enumerate(units):
        if not is_open(u) or u.after_heading or not headline_like(u.text) or not u.block_start:
            continue
        nxt = units[i + 1] if i + 1 < len(units) else None
        if not (is_open(nxt) or (nxt is not None and nxt.kind == "bullet")):
            continue
        if nxt.kind == "text" and headline_like(nxt.text) and not continues(units, i + 1):
            continue  # a run of short lines: captions or a title, not a heading
        if nxt.kind == "text" and splits_word(u.text, nxt.text):
            continue  # a broken paragraph
        if uses_markdown:
            continue  # headings are marked; this is a fragment
        if col_width is not None and not column_heading_block(u.lines, col_width, templates):
            continue
        candidates.append(u)
    spaced = _house_style_spaced(candidates)
    for u in candidates:
        if spaced and " " not in u.text.strip():
            u.role = Role.CAPTION  # not in the house style of headings
        else:
            u.role = Role.HEADING

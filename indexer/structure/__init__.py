"""Recover report structure from text pulled out of newspaper pages and PDFs.

``parse_reports(text, source_path)`` turns one file's normalised text into a
list of ``Report`` records (title block, bylines, sections of lede / body /
caption paragraphs). Nothing here knows any seed file: every decision uses the
*shape* of the text - line widths, punctuation, blank lines, position, and a
word-segmentation check at line breaks.

The pipeline, each step a function below:

1. ``find_blocks``: runs of non-blank lines, with the number of blank lines
   around them. Blank lines matter: photo captions stand in "gaps" of two
   or more blank lines, headings and paragraphs are one blank apart.
2. ``column_width``: if the file is set in a narrow newspaper column (lines
   of ~12 characters broken mid-sentence), the typical line width W. Lines
   of a wrapped block are joined; a line clearly shorter than W that does not
   end a sentence marks the end of a heading set in the column.
3. ``make_units``: each block becomes units - markdown headings, bylines
   (``indexer.bylines``), bullets (▶ lede items), text paragraphs, and
   headings found inside wrapped blocks.
4. ``classify``: title blocks (kicker ``…：``, title, ``——`` subtitle),
   photo captions, plain headings, and continuation of paragraphs broken by a
   blank line (``以群众需求`` / ``为导向``).
5. ``split_reports``: several articles in one file (``## 标题`` followed by
   ``本报讯 …`` and closed by its own byline).
6. ``build_report``: sections, lede/body/caption kinds, bylines -> people,
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

from rsearch.core.analysis import fold
from rsearch.indexer.doclayout import prepare_lines
from rsearch.indexer.models import Report
from rsearch.indexer.structure.assemble import build_report
from rsearch.indexer.structure.blocks import column_width, find_blocks, unquote
from rsearch.indexer.structure.chrome import strip_chrome
from rsearch.indexer.structure.classify import classify
from rsearch.indexer.structure.credits import split_unit_bylines
from rsearch.indexer.structure.pages import split_reports
from rsearch.indexer.structure.units import Template, find_templates, make_units

__all__ = ["content_hash", "parse_reports"]


# --- entry point ---------------------------------------------------------------------


def content_hash(text: str) -> str:
    """sha256 of the normalised text: the same report stored as GBK and as
    UTF-8, or with CRLF and LF line ends, has the same hash."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_reports(text: str, source_path: str) -> list[Report]:
    """Recover the reports in one file's normalised text (see module doc)."""
    lines, header = strip_chrome(unquote(text.split("\n")))
    lines, layout = prepare_lines(lines)
    blocks = find_blocks(lines)
    if not blocks:
        return []
    col_width = column_width(blocks)
    units = make_units(blocks, col_width, [])
    templates: list[Template] = []
    if col_width is not None:
        templates = find_templates(units, col_width)
        if templates:
            units = make_units(blocks, col_width, templates)
    units = split_unit_bylines(units)
    uses_markdown = any(u.kind == "md" for u in units)
    units = classify(units, uses_markdown, col_width, templates, layout)
    digest = content_hash(text)
    reports = [
        build_report(group, source_path, digest, n, layout)
        for n, group in enumerate(split_reports(units), 1)
    ]
    for report in reports:
        # The page's header fields speak for every report on it.
        report.header_date = header.date
        report.publication = report.publication or header.source
        report.issuer = report.issuer or header.issuer
    if len(reports) == 1 and header.title and fold(reports[0].title or "") != fold(header.title):
        # A page's catalogue names its one document (标题：…): what it says
        # outranks a line the text merely begins with (某某市政府新聞稿),
        # which stays over it as its kicker.
        report = reports[0]
        if report.title and not report.kicker:
            report.kicker = report.title
        report.title = header.title
    return reports

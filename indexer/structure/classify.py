"""Pass 4: the role of every unit (title block, heading, caption, byline,
body, an official document's header and closing), pass by pass."""

from __future__ import annotations

from rsearch.indexer.doclayout import Layout, speaker
from rsearch.indexer.models import Byline, Person
from rsearch.indexer.structure.paragraphs import join_continuations, mark_captions, mark_closing_captions
from rsearch.indexer.structure.sections import mark_numbered_headings, mark_plain_headings
from rsearch.indexer.structure.shapes import caption_like, dash_line, ends_sentence, is_lede_label, opens_with_dateline, width
from rsearch.indexer.structure.titles import mark_cited_title_blocks, mark_markdown_titles, mark_title_groups
from rsearch.indexer.structure.units import Role, Template, Unit, is_open


# --- 4. classification ------------------------------------------------------------


def classify(
    units: list[Unit], uses_markdown: bool, col_width: float | None, templates: list[Template],
    layout: Layout | None = None,
) -> list[Unit]:
    mark_document_layout(units, layout or Layout())
    units = mark_numbered_headings(units)
    for u in units:
        # Text that ends in a photo credit (``志愿者为老人义诊（孙伟 摄）``).
        if is_open(u) and u.photo_credit and width(u.text) <= 60:
            u.role = Role.CAPTION
    for u in units:
        # ``核心提示`` and the like head a lede section wherever they stand.
        if u.kind == "text" and is_lede_label(u.text):
            u.role = Role.HEADING
    mark_markdown_titles(units)
    mark_cited_title_blocks(units)
    mark_title_groups(units)
    for u in units:
        if u.kind in ("byline", "link"):
            u.role = Role.BYLINE
        elif u.kind == "image":
            u.role = Role.CAPTION
        elif u.kind == "md" and not u.role:
            u.role = Role.HEADING
        elif u.kind == "text" and not u.role and u.gap_isolated and u.whole_block and len(u.lines) == 1 and caption_like(u.text):
            u.role = Role.CAPTION
    mark_story_titles(units)
    mark_plain_headings(units, uses_markdown, col_width, templates)
    mark_closing_captions(units)
    units = join_continuations(units)
    mark_captions(units)
    for u in units:
        if not u.role:
            u.role = Role.BODY
    return units


def mark_document_layout(units: list[Unit], layout: Layout) -> None:
    """Roles of an official document's header and closing lines
    (``indexer.doclayout`` set them apart): issuer, title (with any ``——``
    subtitle lines after it), addressee, closing issuer and date."""
    for u in units[:8]:
        # The speaker of a report given at a meeting is its author.
        name = speaker(u.text) if u.kind == "text" and len(u.lines) == 1 else None
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


_STORY_TITLE_MAX = 120  # characters


def mark_story_titles(units: list[Unit]) -> None:
    """A line of its own right above a paragraph that opens with a dateline
    (``央视网消息（新闻联播）：``, ``新华社北京3月1日电``) is the title of the
    story the dateline opens, however long (a transcript's headlines run to
    a sentence's length)."""
    for u, nxt in zip(units, units[1:]):
        if (
            is_open(u) and u.whole_block and len(u.lines) == 1 and len(u.text) <= _STORY_TITLE_MAX
            and not ends_sentence(u.text) and u.text[-1] not in "，,、；;：:"
            and nxt.kind == "text" and nxt.block_start and opens_with_dateline(nxt.text)
        ):
            u.role = Role.HEADING

"""Title blocks: markdown titles, kicker / title / ``——`` subtitle groups of
short lines, and choosing a report's title from them."""

from __future__ import annotations

from dataclasses import dataclass, field

from rsearch.indexer.structure.credits import writer_byline
from rsearch.indexer.structure.shapes import LONG, caption_like, dash_line, ends_sentence, headline_like, is_lede_label, join_lines, kicker_like, width
from rsearch.indexer.structure.units import Role, Unit, is_open


def mark_markdown_titles(units: list[Unit]) -> None:
    """``# 标题`` is a title; short lines right after it are its subtitle,
    a ``…：`` line right before it its kicker."""
    for i, u in enumerate(units):
        if u.kind != "md" or u.level != 1:
            continue
        u.role = Role.TITLE
        u.group = i
        j = i + 1
        while j < len(units) and is_open(units[j]) and (headline_like(units[j].text) or dash_line(units[j].text)):
            if units[j].block.gap_before > 1:
                break
            units[j].role, units[j].group = Role.SUBTITLE, i
            j += 1
        if i > 0 and is_open(units[i - 1]) and kicker_like(units[i - 1].text):
            units[i - 1].role, units[i - 1].group = Role.KICKER, i


def _title_candidate(u: Unit) -> bool:
    return is_open(u) and (headline_like(u.text) or kicker_like(u.text) or dash_line(u.text))


def mark_title_groups(units: list[Unit]) -> None:
    """Find title blocks that are not markdown: consecutive short lines, at
    most one blank apart, marked by a kicker (``…：``), a ``——`` subtitle, or
    followed by a byline or lede bullets. Wherever they stand in the file.

    Score: ``——`` subtitle 3, kicker 3, byline/bullets right after 2, two
    lines or more 1, nothing but short lines before it 1; 3 makes a title."""
    i = 0
    seen_text = False  # a paragraph before: the group is not at the top
    while i < len(units):
        if not _title_candidate(units[i]):
            if units[i].kind == "bullet" or (units[i].kind == "text" and width(units[i].text) > LONG):
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
            if nxt.kind == "byline" and writer_byline(nxt) and paragraph_like(after):
                score += 1
        if len(lines) >= 2:
            score += 1
        if not seen_text:
            score += 1  # a title followed by its byline at the top of the page
        if score >= 3 and all(not kicker_like(line) or k == 0 for k, line in enumerate(lines)):
            for u in group:
                u.role, u.group = Role.TITLEGROUP, i
        i = j


def paragraph_like(u: Unit | None) -> bool:
    """Text of an article (a sentence or more), not a caption or heading."""
    return u is not None and u.kind == "text" and (width(u.text) > LONG or (ends_sentence(u.text) and not caption_like(u.text)))


# --- 6. building a report -------------------------------------------------------------


@dataclass
class TitleParts:
    kicker: list[str] = field(default_factory=list)
    title: str | None = None
    subtitle: list[str] = field(default_factory=list)


def strip_dash(line: str) -> str:
    return line.lstrip("—-－ ").strip()


def title_from_lines(lines: list[str]) -> TitleParts:
    """Kicker / title / subtitle from the lines of a title block.

    ``——…`` lines are subtitles, a first line ending in ``：`` is a kicker.
    Of the other lines, the one right before the first ``——`` subtitle is the
    title (lines above it are kickers, as 引题 above 主题); with no ``——``
    line the first one is the title and later ones are subtitles."""
    parts = TitleParts()
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
            parts.subtitle.append(strip_dash(line))
    parts.subtitle += after
    if parts.title is None and parts.subtitle:
        parts.title = parts.subtitle.pop(0)
    return parts


def choose_title(units: list[Unit]) -> tuple[TitleParts, set[int]]:
    """Pick the report's title; returns its parts and the ids of its units."""
    # A brief: the report starts with the heading that opened it.
    first = next((u for u in units if u.role != Role.CAPTION), None)
    # Markdown title.
    for u in units:
        if u.role == Role.TITLE:
            members = [v for v in units if v.group == u.group and v.role in (Role.TITLE, Role.SUBTITLE, Role.KICKER)]
            parts = TitleParts(title=u.text)
            parts.kicker = [v.text.rstrip("：:").strip() for v in members if v.role == Role.KICKER]
            for v in members:
                if v.role == Role.SUBTITLE:
                    parts.subtitle.append(strip_dash(v.text) if dash_line(v.text) else v.text)
            return parts, {id(v) for v in members}
    # A title block (the first one; a report rarely has two).
    groups = [u for u in units if u.role == Role.TITLEGROUP]
    if groups:
        gid = groups[0].group
        members = [u for u in units if u.role == Role.TITLEGROUP and u.group == gid]
        lines = [line for u in members for line in u.lines]
        return title_from_lines(lines), {id(u) for u in members}
    # Fall back to a heading at the very top (or the heading that opened a
    # brief): a file with a title line and then plain text.
    if first is not None and first.role == Role.HEADING and not is_lede_label(first.text):
        return TitleParts(title=first.text), {id(first)}
    return TitleParts(), set()

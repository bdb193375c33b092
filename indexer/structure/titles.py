"""Title blocks: markdown titles, kicker / title / ``——`` subtitle groups of
short lines, and choosing a report's title from them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rsearch.indexer.structure.chrome import field_line
from rsearch.indexer.structure.credits import writer_byline
from rsearch.indexer.structure.shapes import (
    LONG, balanced, caption_like, dash_line, ends_sentence, opens_with_dateline, headline_like, is_lede_label, join_lines, kicker_like, kicker_text, width,
)
from rsearch.indexer.structure.units import Role, Unit, is_open


def mark_markdown_titles(units: list[Unit]) -> None:
    """``# 标题`` is a title; short lines right after it are its subtitle,
    a ``…：`` line right before it its kicker. A smaller markdown heading
    set right above it is its kicker (``### 引题`` over ``# 主题``), one
    right below it a subtitle when it is one by its shape (``## ——…``) or
    the byline follows it (``# 主题`` / ``## 副题`` / ``> 本报记者 …``)."""
    for i, u in enumerate(units):
        if u.kind != "md" or u.level != 1:
            continue
        u.role = Role.TITLE
        u.group = i
        j = i + 1
        while j < len(units) and units[j].block.gap_before <= 1:
            v = units[j]
            nxt = units[j + 1] if j + 1 < len(units) else None
            if is_open(v) and (headline_like(v.text) or dash_line(v.text) or label_line(v.text)):
                pass
            elif v.kind == "md" and v.level > 1 and not v.role and (
                dash_line(v.text) or (nxt is not None and nxt.kind == "byline")
            ):
                pass
            else:
                break
            v.role, v.group = Role.SUBTITLE, i
            j += 1
        prev = units[i - 1] if i > 0 else None
        if prev is not None and u.block.gap_before <= 1 and (
            (is_open(prev) and kicker_like(prev.text))
            or (prev.kind == "md" and prev.level > 1 and not prev.role and headline_like(kicker_text(prev.text)))
        ):
            prev.role, prev.group = Role.KICKER, i


def cited(u: Unit | None) -> bool:
    """A byline closed by a paper's citation (``…《人民日报》（2025年01月02日第 05 版）``)."""
    return u is not None and u.kind == "byline" and u.byline is not None and u.byline.cited


_BLOCK_LINE_MAX = 60  # display width


def title_line_like(text: str) -> bool:
    """A line that can be part of a title block above a byline: short, not a
    sentence (no 。, not ending mid-clause); unlike a heading it may ask or
    exclaim (``老房漏水，该找谁修？``)."""
    return (
        2 <= len(text) and width(text) <= _BLOCK_LINE_MAX and "。" not in text and text[-1] not in "，,、；;"
        and balanced(text) and not _NOTE.match(text) and not _PHOTO_CREDIT.search(text)
    )


# A line wholly in brackets is a note (（作者为…）, （摘编自《…》）), not a title;
# a line ending in a photo credit (张三摄（新华社发）) is a caption's credit.
_NOTE = re.compile(r"^[（(][^（）()]*[）)]$")
_PHOTO_CREDIT = re.compile(r"摄影?\s*(?:[（(][^（）()]*[）)])?$")


_TITLE_BLOCK_MAX = 4  # lines: kickers, title, subtitles


def mark_cited_title_blocks(units: list[Unit]) -> list[int]:
    """In a file whose articles are headed by cited bylines (a paper's
    archive), the short lines right above each such byline are that
    article's title block. Returns where each article's head starts."""
    starts = []
    for j, u in enumerate(units):
        if not cited(u):
            continue
        i = j
        while i > 0 and j - i < _TITLE_BLOCK_MAX:
            v = units[i - 1]
            if v.role in (Role.TITLE, Role.SUBTITLE, Role.KICKER):
                i -= 1
                continue
            if v.role or v.kind not in ("text", "md") or len(v.lines) != 1 or not title_line_like(v.text):
                break
            i -= 1
        for v in units[i:j]:
            if not v.role:
                v.role, v.group = Role.TITLEGROUP, i
        starts.append(i)
    return starts


def label_line(text: str) -> bool:
    """``系列：走基层·看变化③``: a short label, a colon and a name, as
    papers tag a series or column beside a title."""
    head, colon, rest = text.partition("：")
    if not colon:
        head, colon, rest = text.partition(":")
    return bool(colon) and 2 <= len(head) <= 4 and bool(rest.strip()) and headline_like(rest.strip())


def _title_candidate(u: Unit) -> bool:
    # 央视网消息（新闻联播）： on a line of its own opens a story's text: no kicker.
    return is_open(u) and (headline_like(u.text) or kicker_like(u.text) or dash_line(u.text)) \
        and not opens_with_dateline(u.text)


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
            and (
                (units[j].block.gap_before <= 1 and units[j].block_start)
                # text with no blank lines: lines the unit pass set apart
                or (units[j].block is units[j - 1].block and len(units[j].lines) == 1)
            )
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
            parts.kicker.append(kicker_text(line))
        else:
            plain.append((k, line))
    before = [line for k, line in plain if first_dash is None or k < first_dash]
    after = [line for k, line in plain if first_dash is not None and k > first_dash]
    labels = [line for line in before if label_line(line)]
    before = [line for line in before if not label_line(line)]  # 系列：… beside a title
    if first_dash is not None and before:
        parts.kicker += before[:-1]
        parts.title = before[-1]
        # A line above that holds the whole title says it more fully (a
        # page's ``2026年某省政府工作报告`` over the printed ``政府工作报告``):
        # it is the title, not a kicker.
        fuller = [k for k in parts.kicker if _squeezed(parts.title) in _squeezed(k)]
        if fuller:
            parts.kicker.remove(fuller[-1])
            parts.title = fuller[-1]
    elif len(before) == 2 and not parts.kicker and len(before[1]) <= 6 and " " not in before[1]:
        # A title wrapped over two lines (a PDF dump): a second line that
        # short is the title's end, not a subtitle (老旧小区改造让居民 / 住得更舒心).
        parts.title = join_lines(*before)
    elif before:
        main = _main_line(before)
        parts.kicker += before[:main]
        parts.title = before[main]
        parts.subtitle += before[main + 1:]
    parts.subtitle += labels
    for k, line in enumerate(lines):
        if dash_line(line):
            parts.subtitle.append(strip_dash(line))
    parts.subtitle += after
    if parts.title is None and parts.subtitle:
        parts.title = parts.subtitle.pop(0)
    return parts


def _squeezed(text: str) -> str:
    return "".join(text.split())


# A line that is only an office's or body's name: a few characters ending in
# what names a government office, a court, a company.
_OFFICE = re.compile(
    r"^[\u4e00-\u9fff]{1,8}(?:办公室|办公厅|委员会|政府|法院|检察院|中心|集团|公司|协会|学会|商会|联合会"
    r"|[办委部局厅署院])$"
)


# A column tag after a title: （人民时评）, （2025春运一线）.
_COLUMN_TAG = re.compile(r"[（(][^（）()]{2,12}[）)]$")
# Two phrases set apart by spaces, as papers set a title's parallel halves.
_SPACED = re.compile(r"\S\s+\S")


def _main_line(lines: list[str]) -> int:
    """Which of a title block's plain lines is the title (主题), the others
    being kickers above it (引题) or subtitles below it (副题). The title is
    the line set as one: with a column tag, or two phrases set apart by
    spaces; else the shortest, as a kicker or subtitle explains at more
    length than the title says (ties: the later line, kickers being the
    commoner)."""
    def rank(k: int) -> tuple:
        line = lines[k].strip()
        marked = bool(_COLUMN_TAG.search(line)) or bool(_SPACED.search(line))
        # An office's name alone (国务院安委办 over what it did) says who,
        # not what: a kicker, however short.
        return (_OFFICE.match(line) is not None, not marked, width(line), -k)

    return min(range(len(lines)), key=rank)


def choose_title(units: list[Unit]) -> tuple[TitleParts, set[int]]:
    """Pick the report's title; returns its parts and the ids of its units."""
    # A brief: the report starts with the heading that opened it.
    first = next((u for u in units if u.role not in (Role.CAPTION, Role.BYLINE)), None)
    # Markdown title.
    for u in units:
        if u.role == Role.TITLE:
            members = [v for v in units if v.group == u.group and v.role in (Role.TITLE, Role.SUBTITLE, Role.KICKER)]
            parts = TitleParts(title=u.text)
            parts.kicker = [kicker_text(v.text) for v in members if v.role == Role.KICKER]
            for v in members:
                if v.role == Role.SUBTITLE:
                    parts.subtitle.append(strip_dash(v.text) if dash_line(v.text) else v.text)
            return parts, {id(v) for v in members}
    # A title block (the first one; a report rarely has two) - unless the
    # file's first line titles the report and the block stands below text.
    groups = [u for u in units if u.role == Role.TITLEGROUP]
    # The file's first line - after the fields of a page's catalogue left in
    # the text (发文字号：…), which head no document.
    fields = next((k for k, u in enumerate(units) if not (u.kind == "text" and field_line(u.text))), len(units))
    lead = units[fields] if fields < len(units) else None
    at_top = lead is not None and lead.block_start and (lead.block.at_file_start or fields > 0)
    if groups and groups[0] is not lead and at_top and _first_line_title(lead, units[fields:], sentence=False):
        return TitleParts(title=lead.text), {id(lead)}
    if groups:
        gid = groups[0].group
        members = [u for u in units if u.role == Role.TITLEGROUP and u.group == gid]
        lines = [line for u in members for line in u.lines]
        return title_from_lines(lines), {id(u) for u in members}
    # The first line of a file, standing alone above the text: a press
    # release or a saved web page heads its text with its title, however
    # long and whatever its punctuation (！ ？ ，), even a whole sentence
    # when a blank line sets it apart (a notice titled by its gist). Lines
    # right under it in its block that read as headlines are its subtitles.
    if at_top and _first_line_title(lead, units[fields:]):
        parts, ids = TitleParts(title=lead.text), {id(lead)}
        for v in units[fields + 1:]:
            if v.block is not lead.block or v.kind != "text" or len(v.lines) != 1 or ends_sentence(v.text):
                break
            if not parts.subtitle and len(v.text) <= 6 and " " not in v.text and not lead.text[-1] in "！？!?":
                # A title wrapped over two lines (a PDF dump): a second line
                # that short is its end (老旧小区改造让居民 / 住得更舒心).
                parts.title = join_lines(parts.title, v.text)
            else:
                parts.subtitle.append(v.text)
            ids.add(id(v))
        return parts, ids
    # Fall back to a heading at the very top (or the heading that opened a
    # brief): a file with a title line and then plain text.
    if first is not None and first.role == Role.HEADING and not is_lede_label(first.text):
        return TitleParts(title=first.text), {id(first)}
    return TitleParts(), set()


_TITLE_LINE_MAX = 120  # characters
_LOOKED_AT = 5  # units after the first line


def _unlike_its_paragraphs(text: str, rest: list[Unit]) -> bool:
    """A first line that is a sentence heads the text as its title only when
    it is not one of its paragraphs: what follows is not sentences (the
    fields of an official document, numbered items), or its sentences run
    much longer than the line. (A text of one-sentence paragraphs and no
    title has a first paragraph like the others.)"""
    after = [v.text for v in rest[:_LOOKED_AT]]
    paragraphs = sorted(len(t) for t in after if ends_sentence(t))
    if len(paragraphs) * 2 < len(after):
        return True
    return bool(paragraphs) and len(text) * 5 <= paragraphs[len(paragraphs) // 2] * 3
_SENTENCE_TITLE_MAX = 300  # characters: a notice's gist as its title
_SENTENCE_TITLE_SENTENCES = 3


def _first_line_title(u: Unit, units: list[Unit], sentence: bool = True) -> bool:
    """Is the file's first line its title? ``sentence``: may it be a whole
    sentence (not where a title block stands below it: then a first
    sentence is the summary set above the title, 内容提要 style)."""
    text = u.text
    if u.kind != "text" or len(u.lines) != 1 or u.role not in (Role.BODY, Role.CAPTION, Role.HEADING, Role.NONE):
        return False
    if len(text) < 4 or text[-1] in "，,、；;：:" or is_lede_label(text):
        return False
    if opens_with_dateline(text) or field_line(text):
        return False
    k = next((k for k, v in enumerate(units) if k and v.block is not u.block), None)
    if k is not None and k + 1 < len(units) and units[k].role == Role.HEADING and units[k + 1].kind == "text" \
            and opens_with_dateline(units[k + 1].text):
        return False  # a line over a story's title (详细新闻 over the first story's): not the title
    # The text under the title's block (not its subtitles).
    rest = [v for v in units[1:] if v.kind in ("text", "bullet") and v.role in (Role.BODY, Role.NONE, Role.HEADING)
            and v.block is not u.block]
    # Set apart by a blank line over a text longer than itself.
    set_apart = u.whole_block and u.block.gap_after >= 1 and sum(len(v.text) for v in rest) > len(text)
    if "。" in text or len(text) > _TITLE_LINE_MAX:
        # A sentence is a title only so, and at most three sentences long (a
        # notice titled by its gist).
        sentences = len([s for s in re.split(r"[。！？]", text) if s.strip()])
        return (sentence and set_apart and len(text) <= _SENTENCE_TITLE_MAX
                and sentences <= _SENTENCE_TITLE_SENTENCES and _unlike_its_paragraphs(text, rest))
    body = [v for v in rest if v.role != Role.HEADING]
    nxt = body[0] if body else (rest[0] if rest else None)
    # Text follows, longer than the line (a title heads more than itself),
    # or any text under a line that reads as a headline (a press
    # conference's notice: 時間：… 地點：…), or it stands apart.
    return nxt is not None and (len(nxt.text) > len(text) or headline_like(text) or set_apart)

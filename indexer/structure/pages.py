"""Pass 5: several reports in one file (a page of articles, a run of briefs)."""

from __future__ import annotations

from rsearch.indexer.structure.credits import writer_byline
from rsearch.indexer.structure.shapes import LONG, ends_sentence, opens_with_dateline, width
from rsearch.indexer.structure.titles import cited
from rsearch.indexer.structure.units import Role, Unit


# --- 5. several reports in one file -----------------------------------------------


def split_reports(units: list[Unit]) -> list[list[Unit]]:
    """Start a new report at a heading whose text opens with a dateline
    (``## 标题`` + ``本报讯 …``), at a second markdown ``#`` title, and at a
    heading or title block after a byline that closed the previous article.

    A file whose articles are headed by cited bylines (``…《人民日报》（…第 05
    版）``, a paper's archive) says where each article starts: there, and
    only there, a report starts - the pieces of a multi-part article, each
    with its own little title and byline, stay one report."""
    if any(cited(u) for u in units):
        return _split_at_citations(units)
    reports: list[list[Unit]] = [[]]
    has_body = has_paragraph = False
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
        elif u.role == Role.BODY and has_paragraph and opens_with_dateline(u.text):
            start = True  # 本报讯 …: a brief with no headline of its own
        if start:
            reports.append([])
            has_body = has_paragraph = closed = False
        reports[-1].append(u)
        if u.role == Role.BODY and (ends_sentence(u.text) or (width(u.text) > LONG and ("，" in u.text or "。" in u.text))):
            has_paragraph = True  # not a title line the title pass has yet to name
        if u.kind == "md" and u.level == 1:
            seen_title = True
        if u.role == Role.BODY or u.kind == "bullet":
            has_body = True
        elif u.role == Role.BYLINE and has_body and (writer_byline(u) or u.kind == "link"):
            # (an editor's credit, 责任编辑, ends a web page's text, not an article;
            # a link to the story's source, [查看原文](…), ends the story)
            closed = True
    return _furniture_joined([r for r in reports if r])


def _furniture_joined(reports: list[list[Unit]]) -> list[list[Unit]]:
    """A part after an article that holds no sentence of text is no article:
    the lists of other headlines, channel menus and follow-us boxes a web
    page sets under its story (``热门推荐``, ``- 推荐 - 娱乐``). It stays
    with the report before it, as captions: searchable, never a title."""
    out = reports[:1]
    for group in reports[1:]:
        if any(u.kind in ("text", "bullet") and u.role in (Role.BODY, Role.NONE) and ends_sentence(u.text)
               for u in group):
            out.append(group)
            continue
        for u in group:
            if u.role in (Role.TITLE, Role.TITLEGROUP, Role.KICKER, Role.SUBTITLE, Role.HEADING, Role.BODY, Role.NONE):
                u.role = Role.CAPTION
        out[-1] = out[-1] + group
    return out


def _byline_after_group(units: list[Unit], i: int) -> bool:
    j = i
    while j < len(units) and units[j].role == Role.TITLEGROUP and units[j].group == units[i].group:
        j += 1
    return j < len(units) and units[j].kind == "byline" and writer_byline(units[j])


def _next_text(units: list[Unit], i: int) -> Unit | None:
    for u in units[i + 1 : i + 4]:
        if u.kind in ("text", "bullet") and u.role in (Role.NONE, Role.BODY):
            return u
        if u.role in (Role.HEADING, Role.TITLE):
            return None
    return None


def _split_at_citations(units: list[Unit]) -> list[list[Unit]]:
    starts = set()
    seen_text = False
    for i, u in enumerate(units):
        if cited(u):
            k = i
            while k > 0 and units[k - 1].role in (Role.TITLE, Role.SUBTITLE, Role.KICKER, Role.TITLEGROUP) \
                    and units[k - 1].group == units[i - 1].group:
                k -= 1
            if seen_text:
                starts.add(k)
            seen_text = False
        elif u.kind in ("text", "bullet") and u.role in (Role.BODY, Role.CAPTION, Role.HEADING, Role.NONE):
            seen_text = True
    reports: list[list[Unit]] = [[]]
    for i, u in enumerate(units):
        if i in starts and reports[-1]:
            reports.append([])
        reports[-1].append(u)
    if len(reports) > 1 and not any(u.kind in ("text", "bullet", "md") for u in reports[-1]):
        # A citation that closes the file's last article (…（2025年01月02日 01
        # 版） under its text, as a site prints it) heads nothing of its own.
        last = reports.pop()
        reports[-1] = reports[-1] + last
    return reports

"""Pass 6: a report from its units - title, sections of lede / body / caption
paragraphs, bylines -> people, places and dates."""

from __future__ import annotations

import re

from rsearch.core.analysis import fold
from rsearch.indexer.bylines import split_dateline_byline
from rsearch.indexer.doclayout import Layout
from rsearch.indexer.models import Byline, Paragraph, Person, Report, Section
from rsearch.indexer.structure.shapes import BULLETS, LEDE_LABEL_MAX, LEDE_LABELS
from rsearch.indexer.structure.titles import choose_title
from rsearch.indexer.structure.units import Role, Unit


# A paragraph wholly in brackets that credits the text: who wrote it, who
# put it together, where it was taken from.
_CREDIT_NOTE = re.compile(r"^[（(](?:作者|本文作者|.{0,12}整理|摘编自|摘自|来源|稿件来源|转载自|原载)[^（）()]*[）)]$")
# The sign-off of an editor's note: ——编者, —— 编  者.
_EDITOR_SIGN_OFF = re.compile(r"^[—-]{1,2}\s*编\s*者\s*$")


def _clean_bullet(text: str) -> str:
    return text.lstrip(BULLETS + "—- ").strip() or text


def build_report(
    units: list[Unit], source_path: str, content_hash: str, report_no: int, layout: Layout | None = None
) -> Report:
    parts, title_ids = choose_title(units)
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
        if u.byline is not None:  # cut off the end of this text (split_unit_bylines)
            bylines.append(u.byline)
        if u.kind == "text" and (_CREDIT_NOTE.match(fold(u.text)) or _EDITOR_SIGN_OFF.match(fold(u.text))):
            # （作者为某大学教授）, （本报记者 张三整理）, （摘编自《某报》）, ——编者:
            # credits, kept with the bylines, out of the body text.
            bylines.append(Byline(publication=None, people=[], raw=u.text))
            continue
        if u.role == Role.CAPTION:
            add(u.text, "caption")
            continue
        text = u.text
        # 本报讯（记者 王建军 通讯员 赵丽）5月8日，…: the credit is not text.
        text, byline = split_dateline_byline(text)
        if byline is not None:
            bylines.append(byline)
        lede = (
            (current.title is not None and len(current.title) <= LEDE_LABEL_MAX
             and fold(current.title) in LEDE_LABELS)
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
    byline_date = next((b.date for b in bylines if b.date), None)
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
        byline_date=byline_date,
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

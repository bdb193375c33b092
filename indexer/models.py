"""Plain data records shared by the indexer modules."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Person:
    name: str
    role: str  # "reporter" | "correspondent" | "photographer" | "author" | "editor" | "page_editor"


@dataclass
class Byline:
    publication: str | None
    people: list[Person]
    raw: str
    # The day a citation after the byline prints (``《人民日报》（2025年01月02日第 05 版）``):
    # the paper's own date of the report, ISO.
    date: str | None = None
    cited: bool = False  # closed by such a citation: the head of an article in the paper's archive


@dataclass
class Regions:
    """Places a text mentions, by level (full names)."""

    provinces: list[str]
    cities: list[str]
    districts: list[str]

    @property
    def all(self) -> list[str]:
        """Sorted unique names of all levels."""
        return sorted(set(self.provinces) | set(self.cities) | set(self.districts))


# --- Report structure (indexer.structure) ------------------------------------

@dataclass
class Paragraph:
    text: str
    kind: str  # "lede" | "body" | "caption"


@dataclass
class Section:
    title: str | None  # None: the report's untitled lead section; numbered
    # sub-sections are named by their path: "一、主要工作 / （一）加强组织领导"
    index: int  # 1-based position in Report.sections (0 is the title chunk)
    paragraphs: list[Paragraph]
    heading: str | None = None  # the section's own heading (the path's last part)
    level: int = 1  # depth in the heading hierarchy: 1 top level, 2 inside it ...


@dataclass
class Report:
    title: str | None
    subtitle: str | None
    kicker: str | None
    publication: str | None
    people: list[Person]
    regions: Regions
    dates: list[str]
    source_path: str
    content_hash: str
    report_no: int  # 1-based position of the report in its file
    sections: list[Section]
    issuer: str | None = None  # the issuing body of an official document (发文机关)
    # The credit lines as printed (``记者 王建军 通讯员 赵丽``, ``孙伟 摄``):
    # not body text, but indexed as the report's ``byline`` chunk so that
    # the names are found by plain search.
    bylines: list[str] = field(default_factory=list)
    # Set by indexer.pipeline after the structure is recovered
    # (indexer.report_region, indexer.report_date):
    region: list[str] = field(default_factory=list)  # where the report is from, with parents
    date: str | None = None  # the report's own date (YYYY-MM-DD, YYYY-MM or YYYY)
    date_source: str | None = None  # which part of the report gave it (report_date.SOURCES)
    # Dates the structure pass read off the report's frame (ISO), for report_date:
    byline_date: str | None = None  # printed with a byline (《人民日报》（2025年01月02日第 05 版）)
    header_date: str | None = None  # a header field of the page (时间：, 發稿時間：) or a timestamp line

    @property
    def places(self) -> list[str]:
        """Every administrative place the report mentions, with parents (``regions``)."""
        return self.regions.all

    def paragraphs(self, kind: str | None = None) -> list[Paragraph]:
        """All paragraphs in section order, optionally of one kind."""
        return [p for s in self.sections for p in s.paragraphs if kind is None or p.kind == kind]

    def names(self, role: str | None = None) -> list[str]:
        """Names of the credited people (optionally of one role), in byline order, unique."""
        seen: dict[str, None] = {}
        for person in self.people:
            if role is None or person.role == role:
                seen.setdefault(person.name, None)
        return list(seen)

"""Typed results of search.search(): what other apps import and the CLI prints."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Hit:
    id: str
    report_id: str
    title: str | None
    section: str | None
    kind: str
    text: str
    highlights: list[str]  # fragments of ``text``, matches wrapped in <em>…</em>
    score: float | None
    title_highlight: str | None = None  # the title with matches marked
    source_path: str = ""
    report_no: int = 0
    section_index: int = 0
    chunk_index: int = 0
    publication: str | None = None
    people: list[str] = field(default_factory=list)
    region: list[str] = field(default_factory=list)  # where the report is from, with parents
    places: list[str] = field(default_factory=list)  # places the report mentions
    date: str | None = None  # the report's date
    date_source: str | None = None  # where that date came from (indexer.report_date.SOURCES)
    report_matches: int | None = None  # with group_by_report: matching chunks of this report
    # "ocr": the text was read by OCR from a scan or page image (it may hold
    # misread characters), with the engine's mean confidence (0-1); else "text".
    source_kind: str = "text"
    ocr_confidence: float | None = None
    explanation: dict | None = None  # with explain=True: Elasticsearch's score explanation


def ocr_label(source_kind: str | None, confidence: float | None) -> str:
    """``OCR 97%`` for text read by OCR (its engine's mean confidence), else ''."""
    if source_kind != "ocr":
        return ""
    return "OCR" + (f" {confidence:.0%}" if confidence is not None else "")


@dataclass
class FacetValue:
    value: str
    count: int
    selected: bool = False


@dataclass
class SearchResult:
    query: str
    total: int  # matching chunks (matching reports with group_by_report)
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    took: int  # Elasticsearch's own time, ms
    elapsed_ms: float  # the whole library call, ms
    page: int = 1
    limit: int = 10
    grouped: bool = False
    # What the facet counts count: "all_words" (the chunks that match every
    # word: the default mode, when any does) or "all" (every match).
    facets_over: str = "all"

    def to_dict(self) -> dict:
        return asdict(self)

"""What the parser makes of a file, without Elasticsearch.

``parse_file(path)`` reads one file exactly as the indexer does (the reader
for its type, structure recovery, each report's region and date, chunking)
and returns its reports with the kinds of their chunks. ``rsearch parse``
prints it, and ``bench/bench_structure.py`` scores it against labels: users
and the benchmark see the same call, so a wrong title or person shown by the
one is the wrong title or person measured by the other.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field

from rsearch.indexer.chunking import chunk_report
from rsearch.indexer.formats import read_document
from rsearch.indexer.models import Report
from rsearch.indexer.pipeline import _modified, recover_reports
from rsearch.indexer.reader import UnreadableFile

__all__ = ["ParsedFile", "parse_file", "parse_text", "report_dict", "format_parsed"]


@dataclass
class ParsedFile:
    path: str
    reports: list[Report] = field(default_factory=list)
    # Per report, the number of chunks of each kind (title, byline, lede, body, caption).
    chunk_kinds: list[dict[str, int]] = field(default_factory=list)
    error: str | None = None  # why the file could not be read (then no reports)

    def to_dict(self) -> dict:
        out: dict = {"path": self.path}
        if self.error is not None:
            out["error"] = self.error
        out["reports"] = [report_dict(r, kinds) for r, kinds in zip(self.reports, self.chunk_kinds)]
        return out


def parse_text(text: str, source_path: str = "<text>", *, metadata_date: str | None = None,
               file_date: str | None = None) -> ParsedFile:
    """The reports of one file's normalised text (see ``parse_file``)."""
    reports = recover_reports(text, source_path, metadata_date=metadata_date, file_date=file_date)
    kinds = [dict(Counter(c.kind for c in chunk_report(r))) for r in reports]
    return ParsedFile(source_path, reports, kinds)


def parse_file(path: str | os.PathLike) -> ParsedFile:
    """Read and parse one file; an unreadable file gives ``error`` and no reports."""
    name = os.fspath(path)
    try:
        document = read_document(path)
    except UnreadableFile as exc:
        return ParsedFile(name, error=exc.reason)
    return parse_text(document.text, name, metadata_date=document.date, file_date=_modified(path))


def report_dict(report: Report, chunk_kinds: dict[str, int] | None = None) -> dict:
    """The parts of a report a user checks, as JSON-able data."""
    return {
        "report_no": report.report_no,
        "title": report.title,
        "subtitle": report.subtitle,
        "kicker": report.kicker,
        "publication": report.publication,
        "issuer": report.issuer,
        "people": [{"name": p.name, "role": p.role} for p in report.people],
        "bylines": list(report.bylines),
        "region": list(report.region),
        "places": list(report.places),
        "date": report.date,
        "date_source": report.date_source,
        "sections": [
            {"index": s.index, "title": s.title, "heading": s.heading, "level": s.level,
             "paragraphs": len(s.paragraphs)}
            for s in report.sections
        ],
        "chunks": dict(chunk_kinds or {}),
    }


def format_parsed(parsed: ParsedFile) -> str:
    """Readable text of ``parse_file``'s result: one block per report."""
    lines = [parsed.path]
    if parsed.error is not None:
        lines.append(f"  unreadable: {parsed.error}")
        return "\n".join(lines)
    if not parsed.reports:
        lines.append("  no reports")
    for report, kinds in zip(parsed.reports, parsed.chunk_kinds):
        d = report_dict(report, kinds)
        lines.append(f"  report {d['report_no']}")
        for key in ("kicker", "title", "subtitle"):
            if d[key] is not None or key == "title":
                lines.append(f"    {key + ':':13}{_shown(d[key])}")
        people = ", ".join(f"{p['name']} ({p['role']})" for p in d["people"])
        lines.append(f"    {'people:':13}{people or '-'}")
        for key in ("publication", "issuer"):
            if d[key]:
                lines.append(f"    {key + ':':13}{d[key]}")
        lines.append(f"    {'region:':13}{' / '.join(d['region']) or '-'}")
        when = f"{d['date']} ({d['date_source']})" if d["date"] else "-"
        lines.append(f"    {'date:':13}{when}")
        lines.append(f"    {'sections:':13}{len(d['sections'])}")
        for s in d["sections"]:
            lines.append(f"      {s['index']}. {_shown(s['title'])} ({s['paragraphs']} paragraphs)")
        chunks = ", ".join(f"{k} {n}" for k, n in d["chunks"].items())
        lines.append(f"    {'chunks:':13}{chunks or '-'}")
    return "\n".join(lines)


def _shown(value: str | None) -> str:
    return "null" if value is None else value

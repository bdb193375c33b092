"""The text ``rsearch parse`` prints: what the parser made of a file
(``rsearch.indexer.parse``), one block per report, each part on its own
line and every absent part said in words (``(no title)``), not ``null``.
``--json`` prints ``ParsedFile.to_dict()`` instead."""

from __future__ import annotations

from rsearch.indexer.parse import ParsedFile, report_dict

_LABEL = 13  # width of the "title:" column

NO_TITLE = "(no title)"
LEAD_SECTION = "(before the first heading)"


def render_parsed(parsed: ParsedFile) -> str:
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
                lines.append(_field(key, d[key] if d[key] is not None else NO_TITLE))
        people = ", ".join(f"{p['name']} ({p['role']})" for p in d["people"])
        lines.append(_field("people", people or "(none)"))
        for key in ("publication", "issuer"):
            if d[key]:
                lines.append(_field(key, d[key]))
        lines.append(_field("region", " / ".join(d["region"]) or "(none)"))
        lines.append(_field("date", f"{d['date']} ({d['date_source']})" if d["date"] else "(no date)"))
        lines.append(_field("sections", str(len(d["sections"]))))
        for s in d["sections"]:
            count = s["paragraphs"]
            name = s["title"] if s["title"] is not None else LEAD_SECTION
            lines.append(f"      {s['index']}. {name} ({count} paragraph{'' if count == 1 else 's'})")
        chunks = ", ".join(f"{k} {n}" for k, n in d["chunks"].items())
        lines.append(_field("chunks", chunks or "(none)"))
    return "\n".join(lines)


def _field(name: str, value: str) -> str:
    return f"    {name + ':':{_LABEL}}{value}"

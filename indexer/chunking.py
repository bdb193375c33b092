"""Cut a Report into search chunks of bounded size.

The rule (MIN_CHARS = 300, MAX_CHARS = 600, lengths in characters of the
chunk text):

* Title chunk: ``kicker title subtitle`` joined by spaces, kind ``title``,
  ``section_index`` 0, ``section_title`` None, ``chunk_index`` 0. A report
  without a title has no title chunk.
* Byline chunk: the report's credit lines as printed, one per line, kind
  ``byline``, ``section_index`` 0, right after the title chunk. Bylines are
  not body text, but a person's name must be found by plain search; search
  gives this kind a low weight, so a report about a person outranks one
  merely by them.
* Every section, in order, is cut separately; a chunk never spans sections.
* Captions: one chunk per caption paragraph, kind ``caption``.
* Lede and body paragraphs: consecutive paragraphs of the same kind are
  packed greedily, joined by a newline, as long as the chunk stays within
  MAX_CHARS. So every chunk is at most MAX_CHARS; it is shorter than
  MIN_CHARS only when the run of paragraphs it ends is.
* A paragraph longer than MAX_CHARS is cut on sentence boundaries (after
  。！？；… and ! ? ;, with any closing quotes or brackets after them) into
  pieces of about equal size, each at most MAX_CHARS; each piece is a chunk
  of its own. A single sentence longer than MAX_CHARS is cut at the last
  clause mark (，、：,) in the second half of the window, else hard at
  MAX_CHARS.
* A section with a title but no paragraphs yields one ``body`` chunk whose
  text is the section title, so the heading stays findable - unless the
  next section lies inside it (``一、… / （一）…``): its title carries the
  heading already.
* ``chunk_index`` counts chunks within the report (title = 0, then in
  order); ``section_index`` is ``Section.index`` (1-based).

Ids are stable: report_id = first 16 hex digits of
sha1("{source_path}#{report_no}"); chunk id = first 20 hex digits of sha1 over
report_id, section_index, chunk_index, kind, text, the section title and every
report-level field the chunk carries (title, people, places, date, ...). Same
document, same id: the indexer writes only ids the index lacks, so a field
left out of the hash would keep its old value in the index after an edit
(a place added to a report: its unchanged chunks kept the old ``places``).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass

from rsearch.indexer.models import Report

MIN_CHARS = 300
MAX_CHARS = 600

# A sentence: anything up to a run of final marks plus closing quotes.
_SENTENCE = re.compile(r"[^。！？；…!?;]*[。！？；…!?;]+[”’」』）)》】\"']*|[^。！？；…!?;]+$")
_CLAUSE_MARKS = "，、：,"


@dataclass
class Chunk:
    id: str
    report_id: str
    report_title: str | None
    report_subtitle: str | None
    section_title: str | None
    section_index: int
    chunk_index: int
    kind: str  # "title" | "byline" | "lede" | "body" | "caption"
    text: str
    publication: str | None
    people: list[str]
    reporters: list[str]
    correspondents: list[str]
    photographers: list[str]
    editors: list[str]
    region: list[str]  # the report's own region, with parents
    places: list[str]  # every place the report mentions, with parents
    date: str | None  # the report's date
    date_source: str | None  # where the report's date came from
    dates: list[str]  # dates the report mentions
    source_path: str
    content_hash: str
    report_no: int

    def to_source(self) -> dict:
        """The JSON-able document for Elasticsearch (the id goes in ``_id``)."""
        # A shallow copy: asdict() deep-copies every list and was a fifth of
        # the indexing time.
        source = dict(self.__dict__)
        del source["id"]
        return source


def report_id(source_path: str, report_no: int) -> str:
    return hashlib.sha1(f"{source_path}#{report_no}".encode("utf-8")).hexdigest()[:16]


def chunk_id(rid: str, section_index: int, chunk_index: int, kind: str, text: str, fields: str = "") -> str:
    """``fields``: everything else the chunk's document holds, serialised
    (``chunk_report`` passes the section title and the report's fields)."""
    key = "\x1f".join((rid, str(section_index), str(chunk_index), kind, text, fields))
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``; joined back together they give ``text``."""
    return [m.group(0) for m in _SENTENCE.finditer(text) if m.group(0)]


def _hard_split(sentence: str, limit: int) -> list[str]:
    """Cut one over-long sentence, preferring a clause mark near the end."""
    pieces = []
    while len(sentence) > limit:
        window = sentence[:limit]
        cut = max(window.rfind(mark) for mark in _CLAUSE_MARKS) + 1
        if cut <= limit // 2:
            cut = limit
        pieces.append(sentence[:cut])
        sentence = sentence[cut:]
    if sentence:
        pieces.append(sentence)
    return pieces


def split_paragraph(text: str, limit: int = MAX_CHARS) -> list[str]:
    """Cut a paragraph into pieces of at most ``limit`` characters on
    sentence boundaries, about equal in size."""
    if len(text) <= limit:
        return [text]
    sentences: list[str] = []
    for sentence in split_sentences(text):
        sentences += _hard_split(sentence, limit) if len(sentence) > limit else [sentence]
    target = math.ceil(len(text) / math.ceil(len(text) / limit))
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for sentence in sentences:
        if current and (size >= target or size + len(sentence) > limit):
            pieces.append("".join(current))
            current, size = [], 0
        current.append(sentence)
        size += len(sentence)
    if current:
        pieces.append("".join(current))
    return pieces


def _pack(paragraphs: list[str]) -> list[str]:
    """Texts of the chunks for a run of same-kind paragraphs."""
    out: list[str] = []
    current: list[str] = []
    size = 0
    for text in paragraphs:
        if len(text) > MAX_CHARS:
            if current:
                out.append("\n".join(current))
                current, size = [], 0
            out += split_paragraph(text)
            continue
        added = len(text) + (1 if current else 0)
        if current and size + added > MAX_CHARS:
            out.append("\n".join(current))
            current, size, added = [], 0, len(text)
        current.append(text)
        size += added
    if current:
        out.append("\n".join(current))
    return out


def chunk_report(report: Report) -> list[Chunk]:
    """All chunks of ``report`` (see module docstring for the rule)."""
    rid = report_id(report.source_path, report.report_no)
    pieces: list[tuple[int, str | None, str, str]] = []  # section index, title, kind, text

    title = " ".join(part for part in (report.kicker, report.title, report.subtitle) if part)
    if report.title:
        pieces.append((0, None, "title", title))
    if report.bylines:
        pieces.append((0, None, "byline", "\n".join(report.bylines)))

    for k, section in enumerate(report.sections):
        following = report.sections[k + 1] if k + 1 < len(report.sections) else None
        parent = following is not None and section.title and (following.title or "").startswith(section.title + " / ")
        if not section.paragraphs and section.title and not parent:
            pieces.append((section.index, section.title, "body", section.title))
        run: list[str] = []
        run_kind = None
        for paragraph in section.paragraphs + [None]:
            kind = paragraph.kind if paragraph is not None else None
            if run and (kind != run_kind or kind == "caption"):
                for text in _pack(run) if run_kind != "caption" else run:
                    pieces.append((section.index, section.title, run_kind, text))
                run = []
            if paragraph is not None:
                run.append(paragraph.text)
                run_kind = kind

    people = report.names()
    common = dict(
        report_id=rid,
        report_title=report.title,
        report_subtitle=report.subtitle,
        publication=report.publication,
        people=people,
        reporters=report.names("reporter"),
        correspondents=report.names("correspondent"),
        photographers=report.names("photographer"),
        editors=report.names("editor"),
        region=list(report.region),
        places=list(report.places),
        date=report.date,
        date_source=report.date_source,
        dates=list(report.dates),
        source_path=report.source_path,
        content_hash=report.content_hash,
        report_no=report.report_no,
    )
    # Every report-level field goes into each chunk's id (see the module doc).
    report_fields = json.dumps(common, ensure_ascii=False, sort_keys=True)
    chunks = []
    for n, (section_index, section_title, kind, text) in enumerate(pieces):
        chunks.append(
            Chunk(
                id=chunk_id(rid, section_index, n, kind, text, f"{section_title}\x1f{report_fields}"),
                section_title=section_title,
                section_index=section_index,
                chunk_index=n,
                kind=kind,
                text=text,
                **common,
            )
        )
    return chunks

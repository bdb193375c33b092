"""File-level pipeline: read -> recover structure -> region and date -> chunk.

``load_file`` is everything the indexer needs to turn one file into chunks,
without Elasticsearch; ``recover_reports`` is the part after reading (text ->
reports with their region and date); ``iter_files`` expands command-line paths.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from rsearch.indexer.chunking import Chunk, chunk_report
from rsearch.core.analysis import fold
from rsearch.indexer.formats import read_document
from rsearch.indexer.metadata import extract_regions
from rsearch.indexer.models import Report
from rsearch.indexer.reader import UnreadableFile
from rsearch.indexer.report_date import report_date, report_text
from rsearch.indexer.report_region import report_region
from rsearch.indexer.structure import parse_reports

__all__ = ["SUFFIXES", "UnreadableFile", "iter_files", "load_file", "recover_reports"]

# The file types indexed (any case), and the single list of them: plain text,
# markdown (what some converters write), PDF, Word, HTML, page images (OCR).
# indexer.formats reads each; anything else in a directory is reported as skipped.
SUFFIXES = (".txt", ".md", ".pdf", ".docx", ".html", ".htm", ".png", ".jpg", ".jpeg", ".tif", ".tiff")


def recover_reports(
    text: str, source_path: str, *, metadata_date: str | None = None, file_date: str | None = None
) -> list[Report]:
    """The reports in one file's text, each with its region and date."""
    reports = parse_reports(text, source_path)
    folded = fold(text)
    for report in reports:
        if folded != text:
            # Traditional script: places are found in the folded text (the
            # gazetteer is simplified); folding keeps every character's place.
            report.regions = extract_regions(fold(report_text(report)))
        report.region = report_region(report)
        report.date, report.date_source = report_date(
            report, text, single_report=len(reports) == 1,
            metadata_date=metadata_date, file_date=file_date,
        )
    return reports


def load_file(path: str | os.PathLike, source_path: str | None = None) -> list[Chunk]:
    """Chunks of every report in ``path``; raises UnreadableFile.

    ``source_path`` is the name stored with the chunks (and hashed into their
    ids); by default the path as given.
    """
    document = read_document(path)
    name = source_path if source_path is not None else os.fspath(path)
    chunks: list[Chunk] = []
    reports = recover_reports(
        document.text, name, metadata_date=document.date, file_date=_modified(path)
    )
    for report in reports:
        chunks += chunk_report(report)
    if document.ocr is not None:
        document.ocr.mark(chunks)
    if not chunks:
        raise UnreadableFile(path, "no report text found")
    return chunks


def _modified(path: str | os.PathLike) -> str | None:
    """The file's modification day: the last resort for a report's date."""
    try:
        return date.fromtimestamp(os.stat(path).st_mtime).isoformat()
    except (OSError, ValueError, OverflowError):
        return None


def iter_files(paths: Iterable[str | os.PathLike]) -> Iterator[Path]:
    """Files to index: each given file as is; directories walked recursively
    for files with one of SUFFIXES (any case), in sorted path order. Hidden
    files and directories (``.git``) are skipped."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = []
            for root, dirs, files in os.walk(path):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                found += [
                    Path(root, f) for f in files if not f.startswith(".") and f.lower().endswith(SUFFIXES)
                ]
            yield from sorted(found)
        else:
            yield path

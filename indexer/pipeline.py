"""File-level pipeline: read -> recover structure -> region and date -> chunk.

``load_file`` is everything the indexer needs to turn one file into chunks,
without Elasticsearch; ``recover_reports`` is the part after reading (text ->
reports with their region and date); ``iter_files`` expands command-line paths.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from rsearch.indexer.chunking import Chunk, chunk_report
from rsearch.core.analysis import fold
from rsearch.indexer.formats import read_document
from rsearch.indexer.metadata import extract_regions
from rsearch.indexer.models import Report
from rsearch.indexer.reader import UnreadableFile
from rsearch.indexer.report_date import file_name_date, report_date, report_text
from rsearch.indexer.report_region import report_region
from rsearch.indexer.structure import parse_reports

__all__ = ["SUFFIXES", "UnreadableFile", "iter_files", "load_file", "recover_reports"]

# The file types indexed (any case), and the single list of them: plain text,
# markdown (what some converters write), PDF, Word, HTML. indexer.formats
# reads each; anything else in a directory is reported as skipped.
SUFFIXES = (".txt", ".md", ".pdf", ".docx", ".html", ".htm")


def recover_reports(
    text: str, source_path: str, *, metadata_date: str | None = None, name_date: str | None = None
) -> list[Report]:
    """The reports in one file's text, each with its region and date
    (``metadata_date``: the date the file records about itself; ``name_date``:
    one its name gives, ``report_date.file_name_date``)."""
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
            metadata_date=metadata_date, name_date=name_date,
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
        document.text, name, metadata_date=document.date, name_date=file_name_date(path)
    )
    for report in reports:
        chunks += chunk_report(report)
    if not chunks:
        raise UnreadableFile(path, "no report text found")
    return chunks


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

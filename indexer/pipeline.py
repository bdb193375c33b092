"""File-level pipeline: read -> recover structure -> region and date -> chunk.

``load_file`` is everything the indexer needs to turn one file into chunks,
without Elasticsearch; ``recover_reports`` is the part after reading (text ->
reports with their region and date); ``iter_files`` expands command-line paths.

``load_piece`` is how the indexer calls it, so that what one file costs in
memory does not grow with its text: a text file larger than
``reader.PIECE_BYTES``, or a document (PDF, Word, HTML) with more text than
that, is taken a piece at a time (each ends at a blank line; a document's
text is first written to a temporary file in ``Piece.spill_dir``). The
reports of each piece are recovered on their own and numbered on from the
previous piece's; a report that runs across a piece boundary becomes two.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from rsearch.indexer.chunking import Chunk, chunk_report
from rsearch.core.analysis import fold
from rsearch.indexer.formats import check_size, front_matter, is_plain_text, read_document
from rsearch.indexer.metadata import extract_regions
from rsearch.indexer.models import Report
from rsearch.indexer.reader import PIECE_BYTES, UnreadableFile, read_piece
from rsearch.indexer.report_date import file_name_date, report_date, report_text
from rsearch.indexer.report_region import report_region
from rsearch.indexer.structure import parse_reports

__all__ = ["SUFFIXES", "Piece", "UnreadableFile", "iter_files", "load_file", "load_piece", "recover_reports"]

# The file types indexed (any case), and the single list of them: plain text,
# markdown (what some converters write), PDF, Word, HTML, page images (OCR).
# indexer.formats reads each; anything else in a directory is reported as skipped.
SUFFIXES = (".txt", ".md", ".pdf", ".docx", ".html", ".htm", ".png", ".jpg", ".jpeg", ".tif", ".tiff")


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


@dataclass(frozen=True)
class Piece:
    """Where to go on reading a file: the first piece is ``Piece()``."""

    offset: int = 0  # in the file's bytes (or in ``text_file``)
    encoding: str | None = None  # decided by the first piece
    reports_before: int = 0  # reports in the pieces before this one
    chunks_before: int = 0
    text_file: str | None = None  # a document's text, spilled (UTF-8)
    metadata_date: str | None = None  # the date the document records
    spill_dir: str | None = None  # where a document's text may be spilled


def load_piece(path: str | os.PathLike, source_path: str, piece: Piece = Piece()) -> tuple[list[Chunk], Piece | None]:
    """The chunks of one piece of ``path`` and the piece after it (None: the
    file is done); raises UnreadableFile."""
    spilled = piece.text_file
    if piece.offset == 0 and spilled is None:
        if not is_plain_text(path):
            document = read_document(path)
            # A scan's text is read whole: its chunks are marked as OCR below
            # (indexer.formats.scans), and its pages bound its size anyway.
            if len(document.text) <= PIECE_BYTES // 3 or piece.spill_dir is None or document.ocr is not None:
                chunks = _chunks(document.text, path, source_path, document.date, piece)
                if document.ocr is not None:
                    document.ocr.mark(chunks)
                if not chunks:
                    raise UnreadableFile(path, "no report text found")
                return chunks, None
            fd, spilled = tempfile.mkstemp(suffix=".txt", prefix="document-", dir=piece.spill_dir)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(document.text)
            piece = replace(piece, text_file=spilled, encoding="utf-8", metadata_date=document.date)
            del document
        else:
            check_size(path)
    text, following, encoding = read_piece(spilled or path, piece.offset, piece.encoding)
    if piece.offset == 0 and spilled is None:  # a text file's own title and date (as _plain reads them)
        text, day = front_matter.read(text)
        piece = replace(piece, metadata_date=day)
    chunks = _chunks(text, path, source_path, piece.metadata_date, piece)
    reports = len({c.report_id for c in chunks})
    if following is None:
        if spilled:
            os.unlink(spilled)
        if not chunks and not piece.chunks_before:
            raise UnreadableFile(path, "no report text found")
        return chunks, None
    return chunks, replace(piece, offset=following, encoding=encoding, reports_before=piece.reports_before + reports,
                           chunks_before=piece.chunks_before + len(chunks))


def _chunks(text: str, path, source_path: str, metadata_date: str | None, piece: Piece) -> list[Chunk]:
    chunks: list[Chunk] = []
    reports = recover_reports(text, source_path, metadata_date=metadata_date, name_date=file_name_date(path))
    for report in reports:
        report.report_no += piece.reports_before
        chunks += chunk_report(report)
    return chunks


def load_file(path: str | os.PathLike, source_path: str | None = None) -> list[Chunk]:
    """Chunks of every report in ``path``; raises UnreadableFile.

    ``source_path`` is the name stored with the chunks (and hashed into their
    ids); by default the path as given. A large text file is read piece by
    piece (``load_piece``), its chunks gathered here.
    """
    name = source_path if source_path is not None else os.fspath(path)
    chunks, following = load_piece(path, name)
    while following is not None:
        more, following = load_piece(path, name, following)
        chunks += more
    return chunks


def iter_files(paths: Iterable[str | os.PathLike]) -> Iterator[Path]:
    """Files to index: each given file as is; directories walked recursively
    for files with one of SUFFIXES (any case), in sorted path order. Hidden
    files and directories (``.git``) are skipped."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = []
            from rsearch.indexer.walk import walk_tree

            for root, dirs, files in walk_tree(path):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                found += [
                    Path(root, f) for f in files if not f.startswith(".") and f.lower().endswith(SUFFIXES)
                ]
            yield from sorted(found)
        else:
            yield path

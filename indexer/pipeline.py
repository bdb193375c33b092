"""File-level pipeline: read -> recover structure -> chunk.

``load_file`` is everything the indexer needs to turn one file into chunks,
without Elasticsearch; ``iter_files`` expands command-line paths.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from indexer.chunking import Chunk, chunk_report
from indexer.reader import UnreadableFile, read_text
from indexer.structure import parse_reports

__all__ = ["UnreadableFile", "iter_files", "load_file"]

# Report files are plain text; markdown is what some converters write.
SUFFIXES = (".txt", ".md")


def load_file(path: str | os.PathLike, source_path: str | None = None) -> list[Chunk]:
    """Chunks of every report in ``path``; raises UnreadableFile.

    ``source_path`` is the name stored with the chunks (and hashed into their
    ids); by default the path as given.
    """
    text = read_text(path)
    name = source_path if source_path is not None else os.fspath(path)
    chunks: list[Chunk] = []
    for report in parse_reports(text, name):
        chunks += chunk_report(report)
    if not chunks:
        raise UnreadableFile(path, "no report text found")
    return chunks


def iter_files(paths: Iterable[str | os.PathLike]) -> Iterator[Path]:
    """Files to index: each given file as is; directories walked recursively
    for ``.txt`` and ``.md`` files (any case), in sorted path order. Hidden
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

"""Report files of every supported type -> normalised text (+ the date the
file records), dispatched by suffix. The suffixes indexed are listed once, in
``indexer.pipeline.SUFFIXES``; ``READERS`` has a reader for each (a test
checks they agree).

* ``.txt`` / ``.md``: indexer.reader (encodings, binary and empty files).
* ``.pdf``: pypdfium2 (PDFium; Apache-2.0/BSD-3, not the AGPL PyMuPDF):
  text in reading order from the characters' positions (two-column pages
  read column by column), paragraphs from line spacing, indents and short
  last lines, the largest type as the ``#`` title. A PDF without a text layer
  (a scan) is unreadable: no OCR.
* ``.docx``: python-docx: Word's Title and Heading styles become ``#`` /
  ``##`` markup, which the structure parser reads as title and sections.
* ``.html`` / ``.htm``: trafilatura's main-content extraction (navigation,
  footers, side bars dropped), headings kept as markdown.

Each reader returns a ``Document``; a file that cannot be read raises
``indexer.reader.UnreadableFile`` with a one-line reason. The heavy libraries
load only when a file of their type is read.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass

from rsearch.indexer.reader import UnreadableFile


@dataclass
class Document:
    text: str  # normalised (core.analysis)
    date: str | None = None  # the date the file records about itself (ISO), if any


def _plain(path) -> Document:
    from rsearch.indexer.reader import read_text

    return Document(read_text(path))


def _pdf(path) -> Document:
    from rsearch.indexer.formats.pdf import read

    return read(path)


def _docx(path) -> Document:
    from rsearch.indexer.formats.docx import read

    return read(path)


def _html(path) -> Document:
    from rsearch.indexer.formats.html import read

    return read(path)


READERS: dict[str, Callable[[str | os.PathLike], Document]] = {
    ".txt": _plain,
    ".md": _plain,
    ".pdf": _pdf,
    ".docx": _docx,
    ".html": _html,
    ".htm": _html,
}


# The library each reader stands on, imported before the first file of its
# type is read: a reader that cannot load (a library missing from a plain pip
# install, or one whose own import fails) makes its files unreadable, each
# named, never the run.
LIBRARIES = {".pdf": "pypdfium2", ".docx": "docx", ".html": "trafilatura", ".htm": "trafilatura"}


def read_document(path: str | os.PathLike) -> Document:
    """Read ``path`` with the reader for its suffix (plain text for unknown
    suffixes: a file named on the command line is read as text)."""
    suffix = os.path.splitext(os.fspath(path))[1].lower()
    reader = READERS.get(suffix, _plain)
    try:
        with open(path, "rb"):
            pass
    except OSError as exc:
        raise UnreadableFile(path, f"cannot read ({exc.strerror or exc})") from exc
    if suffix in LIBRARIES:
        try:
            importlib.import_module(LIBRARIES[suffix])
        except Exception as exc:  # ImportError, or an OSError of a shared library
            raise UnreadableFile(path, f"the {suffix} reader cannot load ({LIBRARIES[suffix]}: "
                                       f"{type(exc).__name__}: {exc})") from exc
    return reader(path)

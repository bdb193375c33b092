"""Report files of every supported type -> normalised text (+ the date the
file records), dispatched by suffix. The suffixes indexed are listed once, in
``indexer.pipeline.SUFFIXES``; ``READERS`` has a reader for each (a test
checks they agree).

* ``.txt`` / ``.md``: indexer.reader (encodings, binary and empty files);
  a static-site generator's YAML front matter gives the title and date
  (indexer.formats.front_matter).
* ``.pdf``: pypdfium2 (PDFium; Apache-2.0/BSD-3, not the AGPL PyMuPDF):
  text in reading order from the characters' positions (two-column pages
  read column by column), paragraphs from line spacing, indents and short
  last lines, the largest type as the ``#`` title. Pages without a text
  layer (scans) are read by OCR (the ``ocr`` extra), whose characters go
  through the same layout steps.
* ``.docx``: python-docx: Word's Title and Heading styles become ``#`` /
  ``##`` markup, which the structure parser reads as title and sections.
* ``.html`` / ``.htm``: trafilatura's main-content extraction (navigation,
  footers, side bars dropped), headings kept as markdown.
* ``.png`` / ``.jpg`` / ``.jpeg`` / ``.tif`` / ``.tiff``: page images (a scan,
  a photo of a notice), read by OCR (indexer.formats.image); without the
  ``ocr`` extra they are unreadable, with the install hint.

Each reader returns a ``Document``; a file that cannot be read raises
``indexer.reader.UnreadableFile`` with a one-line reason. The heavy libraries
load only when a file of their type is read. A file larger than
``RSEARCH_MAX_FILE_MB`` is not opened by any reader (``check_size``).

A new format (images through OCR, say) is one module here with a
``read(path) -> Document`` and one line in ``READERS``; its suffix goes in
``indexer.pipeline.SUFFIXES``.
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
    # What of the text OCR read, and how sure it was (indexer.formats.scans.OcrText).
    ocr: object | None = None


def _plain(path) -> Document:
    from rsearch.indexer.formats import front_matter
    from rsearch.indexer.reader import read_text

    return Document(*front_matter.read(read_text(path)))


def _pdf(path) -> Document:
    from rsearch.indexer.formats.pdf import read

    return read(path)


def _docx(path) -> Document:
    from rsearch.indexer.formats.docx import read

    return read(path)


def _html(path) -> Document:
    from rsearch.indexer.formats.html import read

    return read(path)


def _image(path) -> Document:
    from rsearch.indexer.formats.image import read

    return read(path)


READERS: dict[str, Callable[[str | os.PathLike], Document]] = {
    ".txt": _plain,
    ".md": _plain,
    ".pdf": _pdf,
    ".docx": _docx,
    ".html": _html,
    ".htm": _html,
    ".png": _image,
    ".jpg": _image,
    ".jpeg": _image,
    ".tif": _image,
    ".tiff": _image,
}


# The library each reader stands on, imported before the first file of its
# type is read: a reader that cannot load (a library missing from a plain pip
# install, or one whose own import fails) makes its files unreadable, each
# named, never the run.
LIBRARIES = {".pdf": "pypdfium2", ".docx": "docx", ".html": "trafilatura", ".htm": "trafilatura"}


def reader_for(path: str | os.PathLike) -> Callable[[str | os.PathLike], Document]:
    """The reader for ``path``'s suffix (plain text for unknown suffixes: a
    file named on the command line is read as text)."""
    return READERS.get(os.path.splitext(os.fspath(path))[1].lower(), _plain)


def is_plain_text(path: str | os.PathLike) -> bool:
    return reader_for(path) is _plain


def check_size(path: str | os.PathLike) -> int:
    """The file's size; UnreadableFile when it cannot be opened or is larger
    than RSEARCH_MAX_FILE_MB."""
    from rsearch.core.settings import ENV_MAX_FILE_MB, max_file_bytes

    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
    except OSError as exc:
        raise UnreadableFile(path, f"cannot read ({exc.strerror or exc})") from exc
    limit = max_file_bytes()
    if size > limit:
        raise UnreadableFile(path, f"too large to read ({megabytes(size)}; the limit is {megabytes(limit)}: "
                                   f"raise {ENV_MAX_FILE_MB} to read it)")
    return size


def megabytes(size: int) -> str:
    return f"{size / 2**20:,.0f} MB" if size >= 10 * 2**20 else f"{size / 2**20:.1f} MB"


def read_document(path: str | os.PathLike) -> Document:
    """Read ``path`` with the reader for its suffix."""
    check_size(path)
    suffix = os.path.splitext(os.fspath(path))[1].lower()
    if suffix in LIBRARIES:
        try:
            importlib.import_module(LIBRARIES[suffix])
        except Exception as exc:  # ImportError, or an OSError of a shared library
            raise UnreadableFile(path, f"the {suffix} reader cannot load ({LIBRARIES[suffix]}: "
                                       f"{type(exc).__name__}: {exc})") from exc
    return reader_for(path)(path)

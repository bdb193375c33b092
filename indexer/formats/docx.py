"""Word (.docx) files -> text, Word's heading styles as markdown.

Paragraph styles are the author's own statement of the structure: ``Title``
(or, in a document without one, ``Heading 1``) becomes the ``#`` title,
``Subtitle`` a line right under it, lower headings ``##`` sections. Other
paragraphs are separated by blank lines; tables are read row by row. The
document's core properties give its date (created).

Before python-docx parses anything, the archive itself is checked: its XML
may hold at most RSEARCH_MAX_MARKUP_MB once decompressed (a 1 MB file can
hold 300 MB of XML: a decompression bomb), and no part may declare a DTD
(Word never writes one; entity declarations are how XML bombs expand).
python-docx's own parser does not resolve entities either.
"""

from __future__ import annotations

import os
import re
import zipfile

from rsearch.indexer.formats import Document
from rsearch.core.analysis import normalize
from rsearch.indexer.reader import UnreadableFile

_HEADING = re.compile(r"^(?:heading|标题)\s*(\d)$", re.I)


def _level(style_name: str) -> int | None:
    """0 for Title, n for Heading n, None otherwise (English and Chinese Word)."""
    name = (style_name or "").strip().lower()
    if name in ("title", "标题"):
        return 0
    if name in ("subtitle", "副标题"):
        return -1
    m = _HEADING.match(name)
    return int(m.group(1)) if m else None


def check_archive(path: str | os.PathLike) -> None:
    """UnreadableFile for an archive that is broken, too large once
    decompressed, or declares a DTD in an XML part."""
    from rsearch.core.settings import ENV_MAX_MARKUP_MB, max_markup_bytes
    from rsearch.indexer.formats import megabytes

    limit = max_markup_bytes()
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            # zipfile never returns more than a member's declared size (and
            # checks its CRC), so the declared sizes bound what parsing reads.
            inflated = sum(m.file_size for m in members)
            if inflated > limit:
                raise UnreadableFile(path, f"holds {megabytes(inflated)} once decompressed (the limit is "
                                           f"{megabytes(limit)}: raise {ENV_MAX_MARKUP_MB} to read it)")
            for member in members:
                if member.filename.endswith((".xml", ".rels")):
                    with archive.open(member) as fh:
                        head = fh.read(4096)
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        raise UnreadableFile(path, f"{member.filename} declares a DTD (entities are not "
                                                   "allowed in a .docx): not read")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError) as exc:
        reason = str(exc) or exc.__class__.__name__
        raise UnreadableFile(path, f"not a readable Word .docx file (broken archive: {reason})") from exc


def read(path: str | os.PathLike) -> Document:
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.opc.exceptions import PackageNotFoundError

    check_archive(path)
    try:
        document = docx.Document(os.fspath(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableFile(path, f"not a readable Word .docx file ({exc.__class__.__name__})") from exc
    except SyntaxError as exc:  # lxml's XMLSyntaxError: a part is not well-formed XML
        raise UnreadableFile(path, f"not a readable Word .docx file (malformed XML: {exc})") from exc

    # Paragraph style names by style id, looked up once per id: python-docx
    # scans every style of the document for each paragraph that has none
    # (4 ms a paragraph; minutes for a long document).
    names: dict[str | None, str] = {}

    def style_name(paragraph) -> str:
        style_id = paragraph._p.style
        if style_id not in names:
            style = document.part.get_style(style_id, WD_STYLE_TYPE.PARAGRAPH)
            names[style_id] = style.name if style is not None else ""
        return names[style_id]

    items: list[tuple[int | None, str]] = []
    for block in document.iter_inner_content():
        if hasattr(block, "rows"):  # a table
            for row in block.rows:
                cells = list(dict.fromkeys(c.text.strip() for c in row.cells if c.text.strip()))
                if cells:
                    items.append((None, " ".join(cells)))
            continue
        text = block.text.strip()
        if text:
            items.append((_level(style_name(block)), text))
    if not items:
        raise UnreadableFile(path, "Word file without text")
    has_title = any(level == 0 for level, _ in items)
    out: list[str] = []
    for level, text in items:
        if level == -1:
            out.append(text)  # a subtitle: a plain line right under the title
            continue
        if level is not None:
            depth = level + 1 if has_title else max(level, 1)
            text = "#" * min(depth, 6) + " " + " ".join(text.split())
        out += ["", text]
    created = document.core_properties.created
    return Document(normalize("\n".join(out).strip() + "\n"), created.date().isoformat() if created else None)

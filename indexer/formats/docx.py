"""Word (.docx) files -> text, Word's heading styles as markdown.

Paragraph styles are the author's own statement of the structure: ``Title``
(or, in a document without one, ``Heading 1``) becomes the ``#`` title,
``Subtitle`` a line right under it, lower headings ``##`` sections. Other
paragraphs are separated by blank lines; tables are read row by row. The
document's core properties give its date (created).
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


def read(path: str | os.PathLike) -> Document:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(os.fspath(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableFile(path, f"not a readable Word .docx file ({exc.__class__.__name__})") from exc
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
            items.append((_level(block.style.name if block.style is not None else ""), text))
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

"""PDF files -> text in reading order, with paragraphs and the title marked.

PDFium (through pypdfium2) gives each character with its box and font size.
From those, per page:

1. rows: characters on one baseline, cut into segments where a gap wider
   than two characters opens (the gutter between columns);
2. columns: a vertical gutter in the middle half of the page that no
   segment crosses, with rows that have text on both sides of it, makes the
   page two-column. Rows that cross the gutter (a headline over both
   columns) are read where they stand; runs of rows between them are read
   left column first, then right;
3. paragraphs: a new paragraph starts after extra line spacing, at an
   indented first line, after a line that stops well short of the column's
   right edge, or where the font size changes. Lines of a paragraph are
   joined (no space between Chinese characters);
4. headings: the first paragraph in the largest type, above the body text,
   becomes the ``#`` title (continued by a second line in that type); short
   lines in larger-than-body type right above it are its kicker and right
   under it its subtitle (plain lines in the title's block); later ones are
   ``##`` section headings, and so are short body-size paragraphs followed
   by body text (``一、总体情况``: bold in the same size), since a file with
   a ``#`` title gets no plain-heading detection in the structure parser. A document set in one size gets no markup: the structure
   parser finds its headings by their shape.

Across pages, page numbers are dropped and a paragraph that runs on to the
next page (no sentence end, next page's first line not indented) is joined.

A page with images and no characters is a scan: with the OCR extra
(indexer.formats.ocr) it is rendered and read by OCR, and the characters
found go through the same steps as a text layer's; so a mixed PDF is read
page by page. Without the extra such pages are left out, and a PDF with no
text at all is reported as unreadable, ``no text layer``, with the install
hint.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import NamedTuple
from statistics import median

from rsearch.indexer.formats import Document
from rsearch.core.analysis import normalize
from rsearch.indexer.reader import UnreadableFile

_TITLE_RATIO = 1.3  # title type is at least this much larger than body type
_HEADING_RATIO = 1.1
_FINAL = "。！？!?；;…”」』"
_TITLE_FINAL = "。；;…"  # marks no title ends with (it may end with ！ or ？)
_SENTENCE_END = "。！？!?；;…"  # a title line ending so is the title's last


@dataclass
class _Seg:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float

    @property
    def height(self) -> float:
        return self.top - self.bottom


def _chars(textpage, raw):
    """(char, left, bottom, right, top, size) of the page's printed characters
    (OCR adds the number of the text line it read each on: indexer.formats.ocr)."""
    out = []
    for i in range(textpage.count_chars()):
        code = raw.FPDFText_GetUnicode(textpage.raw, i)
        ch = chr(code) if code else ""
        if not ch or ch.isspace() or ch in "\ufffe\x02":
            continue  # generated breaks and spaces: positions speak instead
        left, bottom, right, top = textpage.get_charbox(i, loose=True)
        size = raw.FPDFText_GetFontSize(textpage.raw, i) or (top - bottom)
        out.append((ch, left, bottom, right, top, size))
    return out


def _segments(chars) -> list[list[_Seg]]:
    """Rows (top to bottom) of segments (left to right)."""
    rows: list[list[tuple]] = []
    for c in sorted(chars, key=lambda c: (-(c[2] + c[4]) / 2, c[1])):
        mid = (c[2] + c[4]) / 2
        if rows:
            last = rows[-1]
            r_mid = median((x[2] + x[4]) / 2 for x in last[-8:])
            r_h = median(x[4] - x[2] for x in last[-8:])
            if abs(mid - r_mid) < 0.45 * r_h:
                last.append(c)
                continue
        rows.append([c])
    out = []
    for row in rows:
        row.sort(key=lambda c: c[1])
        segs: list[list[tuple]] = [[row[0]]]
        for c in row[1:]:
            prev = segs[-1][-1]
            # A gap wider than two characters; or, for characters read by
            # OCR (which carry the number of the text line the engine
            # found them on), another line of the engine's.
            if c[1] - prev[3] > 2.0 * max(prev[5], c[5]) * 0.9 or c[6:] != prev[6:]:
                segs.append([c])
            else:
                segs[-1].append(c)
        out.append([_make_seg(s) for s in segs])
    return out


def _make_seg(chars) -> _Seg:
    text = ""
    for k, c in enumerate(chars):
        if k and c[1] - chars[k - 1][3] > 0.2 * c[5]:
            text += " "  # a space the page shows (记者 王建军 通讯员 赵丽; Latin words)
        text += c[0]
    return _Seg(
        text, min(c[1] for c in chars), max(c[3] for c in chars),
        max(c[4] for c in chars), min(c[2] for c in chars), median(c[5] for c in chars),
    )


def _gutter(rows: list[list[_Seg]], page_width: float) -> float | None:
    """x of a column gutter in the middle half of the page, or None."""
    segs = [s for row in rows for s in row]
    if len(segs) < 6:
        return None
    best = None
    for step in range(26, 75):
        x = page_width * step / 100
        crossing = sum(1 for s in segs if s.x0 < x < s.x1)
        both = sum(1 for row in rows if any(s.x1 <= x for s in row) and any(s.x0 >= x for s in row))
        if both >= 3 and crossing <= 0.25 * len(segs):
            key = (crossing, -both)
            if best is None or key < best[0]:
                best = (key, x)
    return best[1] if best else None


def _reading_order(rows: list[list[_Seg]], page_width: float) -> list[list[_Seg]]:
    """Segments in reading order, grouped in flows (one per column run)."""
    gutter = _gutter(rows, page_width)
    if gutter is None:
        return [[s for row in rows for s in row]]
    flows: list[list[_Seg]] = []
    left: list[_Seg] = []
    right: list[_Seg] = []

    def flush():
        flows.extend(f for f in (left[:], right[:]) if f)
        left.clear()
        right.clear()

    # The headline block over the columns: rows in larger type than the
    # columns' text before the first row with column text on both sides of
    # the gutter. A centred headline's short last line may sit on one side
    # of the gutter, and OCR may cut a headline in two at the gutter; either
    # is still the headline, not the top of a column.
    body = median(s.size for row in rows for s in row)

    def large(s: _Seg) -> bool:
        return s.size >= _TITLE_RATIO * body

    columns_start = next((k for k, row in enumerate(rows)
                          if any(s.x1 <= gutter and not large(s) for s in row)
                          and any(s.x0 >= gutter and not large(s) for s in row)), len(rows))
    for k, row in enumerate(rows):
        if any(s.x0 < gutter < s.x1 for s in row) or (k < columns_start and all(map(large, row))):
            flush()
            flows.append(row)
            continue
        for s in row:
            (left if s.x1 <= gutter else right).append(s)
    flush()
    return flows


class _Para(NamedTuple):
    text: str
    size: float
    indented: bool  # its first line is indented


# Page furniture: page numbers (3, - 3 -, 第3页, 3/12).
_PAGE_NUMBER = re.compile(r"^[-—–\s]*(?:第\s*)?\d{1,4}\s*(?:页|/\s*\d{1,4})?[-—–\s]*$")


def _join_pages(paragraphs: list[_Para], page: list[_Para]) -> None:
    """Append a page's paragraphs; one that runs on from the previous page
    (no sentence end there, no indent here, same type) is joined to it."""
    page = [p for p in page if not _PAGE_NUMBER.match(p.text)]
    if paragraphs and page:
        last, first = paragraphs[-1], page[0]
        if last.text[-1:] not in _FINAL and not first.indented and abs(last.size - first.size) <= 0.15 * last.size:
            paragraphs[-1] = _Para(last.text + first.text, last.size, last.indented)
            page = page[1:]
    paragraphs.extend(page)


def _same_line(a: _Seg, b: _Seg) -> bool:
    """Is ``b`` the rest of ``a``'s line, after a space? OCR's detector cuts
    a line where a wide space stands (``防止“程序空转” 推动……``, ``记者 王建军``):
    two segments side by side on one baseline, less than the two characters
    apart that mark a column gutter (``_segments``; so a text layer's
    segments never are), in about the same type (a piece with few Chinese
    characters has its size from its box, less surely: ``防止“程序空转”``
    measured 29 points beside its other half's 22)."""
    size = max(a.size, b.size)
    return (abs((a.top + a.bottom) / 2 - (b.top + b.bottom) / 2) < 0.4 * min(a.height, b.height)
            and -0.2 * size <= b.x0 - a.x1 <= 1.5 * size and size <= 1.4 * min(a.size, b.size))


def _paragraphs(flow: list[_Seg]) -> list[_Para]:
    """The paragraphs of one flow."""
    if not flow:
        return []
    lo = min(s.x0 for s in flow)
    hi = max(s.x1 for s in flow)
    paras: list[list[_Seg]] = []
    prev = None
    for s in flow:
        new = prev is None
        if prev is not None and _same_line(prev, s):
            new = False
        elif prev is not None:
            gap = prev.bottom - s.top
            size = max(prev.size, s.size)
            new = (
                gap > 0.8 * size
                or gap < -size  # back up the page: a new flow
                or s.x0 > lo + 1.5 * s.size  # indented first line
                # a short last line: ends a sentence, or stops well before the edge
                or (prev.x1 < hi - 2.5 * prev.size and (prev.text[-1:] in _FINAL or prev.x1 < lo + 0.7 * (hi - lo)))
                or abs(s.size - prev.size) > 0.15 * size
            )
        if new:
            paras.append([s])
        else:
            paras[-1].append(s)
        prev = s
    out = []
    for p in paras:
        text = ""
        for k, s in enumerate(p):
            if text and ((text[-1].isascii() and text[-1].isalnum() and s.text[:1].isascii() and s.text[:1].isalnum())
                         or (_same_line(p[k - 1], s) and s.x0 - p[k - 1].x1 > 0.4 * s.size)):
                text += " "  # (OCR's line ends are measured less surely than a text layer's)
            text += s.text
        out.append(_Para(text, median(s.size for s in p), p[0].x0 > lo + 1.5 * p[0].size))
    return out


def _markup(paragraphs: list[_Para]) -> str:
    sizes = [p.size for p in paragraphs for _ in p.text]
    if not sizes:
        return ""
    body = median(sizes)

    def heading(text: str, size: float, ends: str = _FINAL) -> bool:
        return size >= _HEADING_RATIO * body and len(text) <= 60 and text[-1:] not in ends

    def headline(text: str, size: float) -> bool:
        # A title may end in an exclamation or a question (``……提高警觉！``).
        return heading(text, size, _TITLE_FINAL)

    title_size = max(p.size for p in paragraphs)
    title_at = None
    if title_size >= _TITLE_RATIO * body:
        # The first paragraph in the largest type, before the body text
        # (a page header in small type, an issuer line, do not count as body).
        for k, (text, size, _) in enumerate(paragraphs):
            if size >= 0.95 * title_size and headline(text, size):
                title_at = k
                break
            if size >= 0.95 * body and (len(text) > 30 or text[-1:] in _FINAL):
                break  # body text: a larger line further down is no title
    if title_at is None:
        return "\n\n".join(p.text for p in paragraphs) + "\n"
    out: list[str] = []
    k = title_at - 1
    kicker = []
    while k >= 0 and heading(*paragraphs[k][:2]):  # 引题 above the title: lines right before it
        kicker.insert(0, paragraphs[k][0])
        k -= 1
    out += [p.text for p in paragraphs[: k + 1]]
    title = paragraphs[title_at][0]
    k = title_at + 1
    while (k < len(paragraphs) and paragraphs[k][1] >= 0.95 * title_size and title[-1:] not in _SENTENCE_END
           and headline(*paragraphs[k][:2])):
        title += paragraphs[k][0]  # a title set over two lines (a centred one's are paragraphs each)
        k += 1
    block = kicker + ["# " + title]
    while k < len(paragraphs) and heading(*paragraphs[k][:2]):
        block.append(paragraphs[k][0])  # subtitles: right under the title
        k += 1
    out.append("\n".join(block))
    rest = paragraphs[k:]
    for n, (text, size, _) in enumerate(rest):
        nxt = rest[n + 1] if n + 1 < len(rest) else None
        if heading(text, size) or (size >= 0.95 * body and nxt is not None and _plain_heading(text, nxt[0])):
            text = "## " + text
        out.append(text)
    return "\n\n".join(out) + "\n"


def _plain_heading(text: str, following: str) -> bool:
    """A body-size paragraph that is a section heading (``一、总体情况``): short,
    no sentence or clause mark at its end, not a byline, and followed by body
    text. Needed because a file with a ``#`` title gets no plain-heading
    detection in the structure parser: its headings must be marked here."""
    from rsearch.indexer.bylines import parse_byline

    if len(text) > 30 or text[-1:] in _FINAL + "：:，,、" or parse_byline(text) is not None:
        return False
    return len(following) > 30 and following[-1:] in _FINAL


def _pdf_date(value: str | None) -> str | None:
    m = re.match(r"^(?:D:)?(\d{4})(\d{2})(\d{2})", value or "")
    if not m or m.group(1) < "1990":
        return None
    return f"{m.group(1)}-{m.group(2)}-{m.group(3)}"


def page_paragraphs(chars, page_width: float) -> list[_Para]:
    """One page's paragraphs in reading order, from its characters (a text
    layer's, or what OCR read: indexer.formats.ocr)."""
    return [p for flow in _reading_order(_segments(chars), page_width) for p in _paragraphs(flow)]


def layout_text(pages) -> str:
    """The marked-up, normalised text of pages of paragraphs (page_paragraphs)."""
    paragraphs: list[_Para] = []
    for page in pages:
        _join_pages(paragraphs, page)
    return normalize(_markup(paragraphs)) if paragraphs else ""


# Scans are rendered at this resolution (less when that would make the page
# larger than the OCR engine reads: indexer.formats.ocr.MAX_SIDE).
_SCAN_DPI = 300


def _is_scan(page, raw) -> bool:
    return any(True for _ in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE]))


# An image XObject's dictionary. A stream is never inside an object stream,
# so this is in the file's bytes as written, compressed or not (only an
# inline image, inside a content stream, is not: rare, and meant for small
# images; a page scanned as one is still read by OCR, by the reader).
_IMAGE_XOBJECT = re.compile(rb"/Subtype\s*/Image\b")


def has_images(path: str | os.PathLike) -> bool:
    """Does the file hold any image XObject? A search of its bytes: about a
    thousandth of what opening its pages costs."""
    tail = b""
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            if _IMAGE_XOBJECT.search(tail + block):
                return True
            tail = block[-32:]
    return False


def scanned_pages(path: str | os.PathLike) -> list[int]:
    """The pages (0-based) that have images and no text. A PDF without
    images has none, found without opening it; in one with images, a page's
    objects are looked at until a text object shows (building its text
    page, as the reader does, costs twice that). A page whose text objects
    hold no printable character is a scan to the reader but not here: the
    reader then reads it by OCR itself."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    if not has_images(path):
        return []
    pdf = pdfium.PdfDocument(os.fspath(path))
    kinds = [raw.FPDF_PAGEOBJ_TEXT, raw.FPDF_PAGEOBJ_IMAGE]
    try:
        out = []
        for n, page in enumerate(pdf):
            image = False
            for obj in page.get_objects(filter=kinds):
                if obj.type == raw.FPDF_PAGEOBJ_TEXT:
                    image = False
                    break
                image = True
            if image:
                out.append(n)
            page.close()
        return out
    finally:
        pdf.close()


def render_page(path: str | os.PathLike, index: int, pdf=None):
    """Page ``index`` as a greyscale image for OCR, and its resolution (dpi)."""
    import pypdfium2 as pdfium

    from rsearch.indexer.formats.ocr import MAX_SIDE

    own = pdf is None
    pdf = pdfium.PdfDocument(os.fspath(path)) if own else pdf
    try:
        page = pdf[index]
        dpi = min(_SCAN_DPI, MAX_SIDE / max(page.get_width(), page.get_height(), 1) * 72)
        image = page.render(scale=dpi / 72, grayscale=True).to_pil()
        page.close()
        return image, dpi
    finally:
        if own:
            pdf.close()


def read(path: str | os.PathLike) -> Document:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    from rsearch.indexer.formats.ocr import OcrUnavailable
    from rsearch.indexer.formats.scans import Scans

    try:
        pdf = pdfium.PdfDocument(os.fspath(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise UnreadableFile(path, "encrypted PDF: it needs a password to open (save a copy "
                                       "without one to index it)") from exc
        raise UnreadableFile(path, f"not a readable PDF ({exc})") from exc
    pages: list[list[_Para]] = []
    images = 0
    scans = Scans(path)
    missing_ocr = None
    try:
        for n, page in enumerate(pdf):
            textpage = page.get_textpage()
            chars = _chars(textpage, raw)
            width = page.get_width()
            ocr_page = False
            if not chars and _is_scan(page, raw):
                images += 1
                try:
                    scan = scans.page(n, lambda: render_page(path, n, pdf))
                    chars, width, ocr_page = scan.chars(), scan.span, True
                except OcrUnavailable as exc:
                    missing_ocr = str(exc)
                except pdfium.PdfiumError:
                    raise
                except Exception as exc:  # noqa: BLE001 - the engine on a page it cannot take
                    raise UnreadableFile(path, f"page {n + 1}: OCR failed ({exc.__class__.__name__}: {exc})") from exc
            paragraphs = page_paragraphs(chars, width)
            if ocr_page:
                scans.add_paragraphs(n, [p.text for p in paragraphs])
            pages.append(paragraphs)
            textpage.close()
            page.close()
        meta = pdf.get_metadata_dict()
    except pdfium.PdfiumError as exc:
        raise UnreadableFile(path, f"not a readable PDF ({exc})") from exc
    finally:
        pdf.close()
    text = layout_text(pages)
    if not text.strip():
        if images:
            raise UnreadableFile(path, f"scanned PDF: no text layer ({missing_ocr or 'OCR found no text'})")
        raise UnreadableFile(path, "PDF without text")
    ocr = scans.text if scans.text.pages else None
    if ocr is not None:
        ocr.every_page = all(not page or n in ocr.pages for n, page in enumerate(pages))
    return Document(text, _pdf_date(meta.get("CreationDate")), ocr=ocr)

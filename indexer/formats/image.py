"""Page images (.png, .jpg, .jpeg, .tif, .tiff) -> text, by OCR.

Each image is a page (each frame of a multi-page TIFF one more page). A
phone photo is turned upright by its EXIF orientation first. The page is
read by OCR (indexer.formats.ocr, through the cache of
indexer.formats.scans), and the characters found are put in reading order,
made into paragraphs and given their title by the PDF reader's layout logic
(indexer.formats.pdf.page_paragraphs), so an image of a page reads like the
PDF of it.

Without the OCR extra an image is unreadable, with the install hint.
Pillow comes with the extra (the engine needs it), so it is imported only
here, after the extra is known to be there.
"""

from __future__ import annotations

import os

from rsearch.indexer.formats import Document
from rsearch.indexer.reader import UnreadableFile

# Pillow refuses images larger than this many pixels (a decompression bomb);
# a 600-dpi A3 scan is about 70 million.
_MAX_PIXELS = 120_000_000


def _open(path):
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = _MAX_PIXELS
    return Image.open(os.fspath(path))


def frame_count(path: str | os.PathLike) -> int:
    with _open(path) as img:
        return getattr(img, "n_frames", 1)


def load_frame(path: str | os.PathLike, index: int) -> tuple[object, float]:
    """Frame ``index``, upright and greyscale, with its resolution (dpi;
    300 when the file does not say)."""
    from PIL import ImageOps

    from rsearch.indexer.formats.ocr import MAX_SIDE

    with _open(path) as img:
        img.seek(index)
        dpi = img.info.get("dpi", (300, 300))[0] or 300
        try:
            dpi = float(dpi)
        except (TypeError, ValueError):
            dpi = 300.0
        dpi = dpi if 50 <= dpi <= 2400 else 300.0
        # A JPEG is decoded straight to grey at the smallest of 1/2, 1/4,
        # 1/8 of its size that is still at least what the engine reads
        # (MAX_SIDE): a 48-megapixel phone photo then takes 12 MB, not the
        # 190 MB of its full-size colour and grey copies.
        width = img.width
        if img.format == "JPEG" and max(img.size) > 2 * MAX_SIDE:
            scale = max(MAX_SIDE / max(img.size), 1 / 8)
            img.draft("L", (round(img.width * scale), round(img.height * scale)))
            dpi *= img.width / width
        frame = ImageOps.exif_transpose(img)
        frame = frame.convert("L")
    return frame, dpi


def read(path: str | os.PathLike) -> Document:
    from rsearch.indexer.formats import ocr
    from rsearch.indexer.formats.pdf import layout_text, page_paragraphs
    from rsearch.indexer.formats.scans import MAX_PAGES, Scans

    try:
        ocr.engine_version()
    except ocr.OcrUnavailable as exc:
        raise UnreadableFile(path, f"page image: {exc}") from exc
    try:
        frames = min(frame_count(path), MAX_PAGES)
    except Exception as exc:  # noqa: BLE001 - Pillow raises many kinds on a bad file
        raise UnreadableFile(path, f"not a readable image ({exc.__class__.__name__}: {exc})") from exc
    scans = Scans(path)
    pages = []
    for index in range(frames):
        try:
            page = scans.page(index, lambda: load_frame(path, index))
        except ocr.OcrUnavailable as exc:
            raise UnreadableFile(path, f"page image: {exc}") from exc
        except Exception as exc:  # noqa: BLE001 - a truncated or corrupt frame
            raise UnreadableFile(path, f"not a readable image ({exc.__class__.__name__}: {exc})") from exc
        paragraphs = page_paragraphs(page.chars(), page.span)
        scans.add_paragraphs(index, [p.text for p in paragraphs])
        pages.append(paragraphs)
    text = layout_text(pages)
    if not text.strip():
        raise UnreadableFile(path, "page image: OCR found no text")
    scans.text.every_page = True
    return Document(text, None, ocr=scans.text)


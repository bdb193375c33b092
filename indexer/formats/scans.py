"""A file's scanned pages: which pages need OCR, the cache, the page pool.

A page needs OCR when it has no text to take: a page image file (.png,
.jpg, .tif; every frame of a multi-page TIFF), or a PDF page with images and
no text layer. Each page's OCR result (indexer.formats.ocr.OcrPage) is kept
in ``<cache dir>/ocr/<engine version>/<sha256 of the file>/<page>.json``, so
an unchanged file -- wherever it lies, under whatever name -- is never read
twice, and a run cut short keeps the pages it finished.

Readers call :meth:`Scans.page`, which takes the page from the cache or
reads it there and then. ``rsearch index`` first calls :func:`prepare` for
all its files, which reads every page not yet cached on a bounded pool of
worker processes with a progress bar counting pages; the readers then find
every page in the cache.

The text a Document got from OCR is recorded with it (:class:`OcrText`), so
that each chunk can say whether its text was read by OCR, and how sure the
engine was (:meth:`OcrText.mark`).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rsearch.core import settings
from rsearch.core.analysis import normalize

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
# Pages an image or PDF may have before the rest is left unread (a guard
# against a decompression bomb of a TIFF with a million frames).
MAX_PAGES = 2000


def file_digest(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def cache_root() -> Path:
    from rsearch.indexer.formats.ocr import engine_version

    return settings.cache_dir() / "ocr" / engine_version()


def _cache_file(digest: str, index: int) -> Path:
    return cache_root() / digest[:2] / digest / f"{index}.json"


def load_cached(digest: str, index: int):
    from rsearch.indexer.formats.ocr import OcrPage

    try:
        with open(_cache_file(digest, index), encoding="utf-8") as fh:
            return OcrPage.from_json(json.load(fh))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # not there, or a torn write: read the page again


def store(digest: str, index: int, page) -> None:
    """Write atomically (a temporary file renamed into place); a cache that
    cannot be written only costs a second reading later."""
    target = _cache_file(digest, index)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(page.to_json(), fh, ensure_ascii=False, separators=(",", ":"))
        os.replace(tmp, target)
    except OSError:
        pass


@dataclass
class OcrText:
    """What a Document's text owes to OCR."""

    pages: dict[int, float | None] = field(default_factory=dict)  # page (0-based) -> mean confidence
    # Paragraphs as the layout made them, normalised, with their page's confidence.
    paragraphs: list[tuple[str, float]] = field(default_factory=list)
    every_page: bool = False  # every page with text was OCR'd (an image, a scanned PDF)

    @property
    def confidence(self) -> float | None:
        known = [c for c in self.pages.values() if c is not None]
        return sum(known) / len(known) if known else None

    def low_pages(self, threshold: float | None = None) -> list[tuple[int, float]]:
        from rsearch.indexer.formats.ocr import LOW_CONFIDENCE

        limit = LOW_CONFIDENCE if threshold is None else threshold
        return [(p, c) for p, c in sorted(self.pages.items()) if c is not None and c < limit]

    def mark(self, chunks: Iterable) -> None:
        """Set ``source_kind`` and ``ocr_confidence`` on each chunk whose
        text came from OCR'd pages: a fifth of its characters or more (a
        chunk packs paragraphs, of a mixed PDF's text page and the scan
        after it too; any of it may be misread). The confidence is that of
        the pages its OCR'd paragraphs came from."""
        if self.every_page:
            confidence = self.confidence
            for chunk in chunks:
                chunk.source_kind, chunk.ocr_confidence = "ocr", _round(confidence)
            return
        haystack = [("".join(text.split()), conf) for text, conf in self.paragraphs]
        for chunk in chunks:
            total = found = 0
            weighted = 0.0
            for piece in chunk.text.split():
                total += len(piece)
                for text, conf in haystack:
                    if piece in text:
                        found += len(piece)
                        weighted += conf * len(piece)
                        break
            if total and found * 5 >= total:
                chunk.source_kind, chunk.ocr_confidence = "ocr", _round(weighted / found)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


class Scans:
    """The OCR'd pages of one file, through the cache."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = path
        self._digest: str | None = None
        self.text = OcrText()

    @property
    def digest(self) -> str:
        if self._digest is None:
            self._digest = file_digest(self.path)
        return self._digest

    def page(self, index: int, render: Callable[[], tuple[object, float]]):
        """Page ``index``'s OcrPage; ``render()`` gives its image and dpi
        when the cache has none. Raises ocr.OcrUnavailable without the extra."""
        from rsearch.indexer.formats import ocr

        ocr.engine_version()  # OcrUnavailable before any work when the extra is missing
        page = load_cached(self.digest, index)
        if page is None:
            image, dpi = render()
            page = ocr.recognise(image, dpi=dpi)
            store(self.digest, index, page)
        self.text.pages[index] = page.confidence
        return page

    def add_paragraphs(self, index: int, texts: Iterable[str]) -> None:
        """The paragraphs the layout made of OCR'd page ``index``."""
        confidence = self.text.pages.get(index)
        for text in texts:
            self.text.paragraphs.append((normalize(text), 1.0 if confidence is None else confidence))


# ------------------------------------------------------------ the page pool

@dataclass
class Prepared:
    pages: int = 0  # pages read by OCR in this run
    cached: int = 0  # pages found in the cache
    low: list[dict] = field(default_factory=list)  # {"path", "page", "confidence"}
    unavailable: bool = False  # files needed OCR but the extra is missing


def pending_pages(path: Path) -> list[int]:
    """The pages of ``path`` that need OCR (0-based); [] for other files or
    files that cannot be opened (their reader says why)."""
    suffix = path.suffix.lower()
    try:
        if suffix in IMAGE_SUFFIXES:
            from rsearch.indexer.formats.image import frame_count

            return list(range(frame_count(path)))
        if suffix == ".pdf":
            from rsearch.indexer.formats.pdf import scanned_pages

            return scanned_pages(path)
    except Exception:  # noqa: BLE001 - the reader reports the file
        return []
    return []


def _read_page(task: tuple[str, str, int]) -> tuple[str, int, float | None]:
    """Worker: OCR one page and cache it. A page that fails is left to its
    reader, which names the file."""
    path, digest, index = task
    from rsearch.indexer.formats import ocr

    try:
        page = load_cached(digest, index)
        if page is None:
            image, dpi = render_page(Path(path), index)
            page = ocr.recognise(image, dpi=dpi, threads=1)
            store(digest, index, page)
    except Exception:  # noqa: BLE001
        return path, index, None
    return path, index, page.confidence


def render_page(path: Path, index: int) -> tuple[object, float]:
    if path.suffix.lower() == ".pdf":
        from rsearch.indexer.formats.pdf import render_page as render

        return render(path, index)
    from rsearch.indexer.formats.image import load_frame

    return load_frame(path, index)


def prepare(paths: Iterable[Path], *, progress: bool | None = None, workers: int | None = None) -> Prepared:
    """OCR every page of ``paths`` that needs it and is not cached, on a
    pool of at most ``workers`` processes (default: one per core)."""
    out = Prepared()
    tasks: list[tuple[str, str, int]] = []
    known: list[tuple[str, int, float | None]] = []
    for path in paths:
        pages = pending_pages(Path(path))[:MAX_PAGES]
        if not pages:
            continue
        try:
            from rsearch.indexer.formats import ocr

            ocr.engine_version()
        except Exception:  # noqa: BLE001 - OcrUnavailable: the readers name the files
            out.unavailable = True
            return out
        try:
            digest = file_digest(path)
        except OSError:
            continue
        for index in pages:
            page = load_cached(digest, index)
            if page is None:
                tasks.append((str(path), digest, index))
            else:
                out.cached += 1
                known.append((str(path), index, page.confidence))
    if tasks:
        known += _run(tasks, progress, workers)
        out.pages = len(tasks)
    from rsearch.indexer.formats.ocr import LOW_CONFIDENCE

    out.low = [{"path": p, "page": i + 1, "confidence": round(c, 3)}
               for p, i, c in sorted(known) if c is not None and c < LOW_CONFIDENCE]
    return out


def _run(tasks, progress, workers) -> list[tuple[str, int, float | None]]:
    from tqdm import tqdm

    n = max(1, min(workers or os.cpu_count() or 1, len(tasks)))
    disable = (not sys.stderr.isatty()) if progress is None else not progress
    bar = tqdm(total=len(tasks), unit="page", desc="ocr", disable=disable, file=sys.stderr)
    results = []
    try:
        if n == 1:
            for task in tasks:
                results.append(_read_page(task))
                bar.update(1)
        else:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor, as_completed
            from concurrent.futures.process import BrokenProcessPool

            # spawn, not fork: the caller's threads (and an engine it may
            # have loaded) do not survive a fork safely. A worker that dies
            # (out of memory) ends the pool; its pages are left to the
            # readers, which read them in-process.
            with ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("spawn")) as pool:
                futures = [pool.submit(_read_page, task) for task in tasks]
                try:
                    for future in as_completed(futures):
                        results.append(future.result())
                        bar.update(1)
                except BrokenProcessPool:
                    pass
    finally:
        bar.close()
    return results

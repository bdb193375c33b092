"""OCR: page images -> the characters on them, with their positions.

The engine is RapidOCR (``pip install "rsearch[ocr]"``: rapidocr with
onnxruntime), whose wheel carries PaddleOCR's PP-OCRv6 detection and
recognition models and the 0/180-degree line classifier, so it runs offline.
It was chosen over Tesseract (Debian's chi_sim/chi_tra) and the older
rapidocr-onnxruntime (PP-OCRv4) by measured accuracy and speed on rendered
pages of real reports (bench/bench_ocr.py; figures in docs).

What comes out is what the PDF reader gets from a text layer: characters
with their boxes and type size, in page points with y going up
(:meth:`OcrPage.chars`). From there the PDF reader's layout logic
(indexer.formats.pdf: rows, columns, paragraphs, title) puts them in
reading order, so a scan and a born-digital PDF of the same page give the
same text. The engine finds text lines and reads each line; a line's
characters are placed where the recogniser saw them, with two corrections
the layout logic needs:

* the page is deskewed: a scan a degree off straight would tilt every line
  across its neighbours;
* within a line, characters sit edge to edge (the recogniser's character
  boxes are coarse), except where the line shows a real gap (a column
  gutter, a wide space) or the recogniser read a space (Latin words).

A page set in vertical columns (traditional script) is turned a quarter so
its columns become rows, read right to left: the same layout logic then
reads it column by column.

Results are cached by the file's content (SHA-256) and the engine's
version, one small JSON file per page (indexer.formats.scans), so an
unchanged file is never read twice. Each page carries the engine's mean
confidence; pages below LOW_CONFIDENCE are reported.
"""

from __future__ import annotations

import math
import os
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from statistics import median

from rsearch.core.text.cjk import CJK

# Chinese characters and the full-width marks around them.
CJK_CLASS = f"[{CJK}\u3000-\u303f\uff00-\uffef“”‘’]"

INSTALL_HINT = 'OCR is not installed: pip install "rsearch[ocr]"'
# Below this mean confidence a page's text is likely wrong in many places:
# the indexer names the page (its text is still indexed).
LOW_CONFIDENCE = 0.80
# Pages are rendered (PDF) or scaled (images) so that their long side is at
# most this many pixels before the engine sees them: A4 at 200 dpi. The
# engine itself would scale a larger page down to 2000 pixels.
MAX_SIDE = 2339
# Line boxes are about this much taller than the type (the detector's
# margin), when a page has too few long lines to measure it on.
_BOX_TO_TYPE = 1.1


class OcrUnavailable(Exception):
    """The OCR extra is not installed (or its engine cannot load)."""


@dataclass
class OcrLine:
    text: str  # as read (spaces where the recogniser read them)
    score: float  # the recogniser's mean confidence for the line
    quad: list[list[float]]  # the line's box: four corners, clockwise from top left (pixels)
    # Centres (x, y) of the non-space characters of ``text``, in order;
    # empty when the engine gave none.
    centres: list[list[float]] = field(default_factory=list)


@dataclass
class OcrPage:
    width: int  # pixels
    height: int
    dpi: float  # pixels per inch of the image the engine read
    lines: list[OcrLine]

    @property
    def confidence(self) -> float | None:
        """Mean confidence per character read (None: nothing was read)."""
        n = sum(len(ln.text.replace(" ", "")) for ln in self.lines)
        if not n:
            return None
        return sum(ln.score * len(ln.text.replace(" ", "")) for ln in self.lines) / n

    def to_json(self) -> dict:
        return {"width": self.width, "height": self.height, "dpi": self.dpi,
                "lines": [[ln.text, round(ln.score, 4), _rounded(ln.quad), _rounded(ln.centres)]
                          for ln in self.lines]}

    @classmethod
    def from_json(cls, data: dict) -> "OcrPage":
        return cls(data["width"], data["height"], data["dpi"],
                   [OcrLine(t, s, q, c) for t, s, q, c in data["lines"]])

    @property
    def scale(self) -> float:
        """Points per pixel."""
        return 72 / (self.dpi or 72)

    def chars(self) -> list[tuple]:
        """The page's characters as the PDF reader's layout logic takes
        them: ``(char, left, bottom, right, top, size, line)`` in points, y
        up, and the number of the text line the engine read the character
        on (the layout never joins two of the engine's lines into one
        segment). A vertical page comes turned: its columns are rows."""
        return page_chars(self.lines, self.scale, self.height * self.scale)

    @property
    def span(self) -> float:
        """The width (points) of the page as :meth:`chars` places it: the
        height of a vertical page."""
        return (self.height if _vertical(self.lines) else self.width) * self.scale


def _rounded(points) -> list:
    return [[round(x, 1), round(y, 1)] for x, y in points]


# ---------------------------------------------------------------- geometry

def _angle(lines: list[OcrLine]) -> float:
    """The page's skew (radians): the median slope of the long horizontal
    lines' top edges."""
    slopes = []
    for ln in lines:
        (x0, y0), (x1, y1) = ln.quad[0], ln.quad[1]
        width = x1 - x0
        height = _dist(ln.quad[0], ln.quad[3])
        if width > 4 * height > 0:
            slopes.append(math.atan2(y1 - y0, width))
    return median(slopes) if slopes else 0.0


def _dist(a, b) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def _vertical(lines: list[OcrLine]) -> bool:
    """Is the page set in vertical columns? Most of its characters are in
    lines at least twice as tall as wide."""
    tall = wide = 0
    for ln in lines:
        n = len(ln.text.replace(" ", ""))
        w = _dist(ln.quad[0], ln.quad[1])
        h = _dist(ln.quad[0], ln.quad[3])
        if n < 2:
            continue
        if h >= 2 * w:
            tall += n
        else:
            wide += n
    return tall > wide


# Punctuation the recogniser often reads in its ASCII form: next to a Chinese
# character it is the full-width mark the page prints.
_FULL_WIDTH = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
_CJK_CHAR = re.compile(CJK_CLASS)


def _full_width(text: str) -> str:
    if not any(ch in _FULL_WIDTH for ch in text):
        return text
    out = list(text)
    for k, ch in enumerate(text):
        if ch in _FULL_WIDTH:
            before = text[k - 1] if k else ""
            after = text[k + 1] if k + 1 < len(text) else ""
            if _CJK_CHAR.match(before or " ") or _CJK_CHAR.match(after or " "):
                out[k] = _FULL_WIDTH[ch]
    return "".join(out)


def _weight(ch: str) -> float:
    """Advance of a character in type sizes (CJK full width, ASCII half)."""
    return 0.5 if ch.isascii() else 1.0


def page_chars(lines: list[OcrLine], scale: float, page_height: float) -> list[tuple]:
    """See :meth:`OcrPage.chars`."""
    if not lines:
        return []
    vertical = _vertical(lines)
    angle = 0.0 if vertical else _angle(lines)
    cos, sin = math.cos(-angle), math.sin(-angle)

    def turn(x: float, y: float) -> tuple[float, float]:
        # Deskew (about the origin: only relative positions matter), then
        # for a vertical page make columns rows: down a column is left to
        # right, and the rightmost column is the top row.
        x, y = x * cos - y * sin, x * sin + y * cos
        return (y, -x) if vertical else (x, y)

    placed = []
    for ln in lines:
        text = _full_width(ln.text.strip())
        glyphs = text.replace(" ", "")
        if not glyphs:
            continue
        quad = [turn(x, y) for x, y in ln.quad]
        xs = [p[0] for p in quad]
        ys = [p[1] for p in quad]
        left, right = min(xs), max(xs)
        top, bottom = min(ys), max(ys)  # image y grows downwards
        if len(ln.centres) == len(glyphs):
            centres = [turn(x, y)[0] for x, y in ln.centres]
        else:  # no usable positions: spread the characters over the line
            centres = []
            total = sum(_weight(c) for c in glyphs) or 1.0
            pos = left
            for c in glyphs:
                step = (right - left) * _weight(c) / total
                centres.append(pos + step / 2)
                pos += step
        placed.append((text, centres, left, right, top, bottom, bottom - top))
    # Type size: Chinese is set one character per em, so a line of enough
    # Chinese characters gives its size by their pitch. Other lines by their
    # box's height, scaled by how much taller than the type the detector
    # draws boxes on this page (that depends on the resolution and the blur).
    pitches = [_pitch(p[0].replace(" ", ""), p[1]) for p in placed]
    ratios = [p[6] / pitch for p, pitch in zip(placed, pitches) if pitch]
    ratio = median(ratios) if len(ratios) >= 3 else _BOX_TO_TYPE
    placed = [p[:6] + (pitch or p[6] / ratio,) for p, pitch in zip(placed, pitches)]
    placed = _beside(placed, pitches)
    sizes = _short_lines(placed, _type_sizes([p[6] for p in placed], [len(p[0]) for p in placed]))
    out: list[tuple] = []
    for n, ((text, centres, left, right, top, bottom, _), size) in enumerate(zip(placed, sizes)):
        out += [c + (n,) for c in _line_chars(text, centres, left, right, top, bottom, size, scale, page_height)]
    return out


def _beside(placed: list[tuple], pitches: list[float | None]) -> list[tuple]:
    """A line sized by its box (too few Chinese characters for a pitch)
    takes the size of a line beside it on the same baseline that was sized
    by its pitch, when the two are within 50% of each other: the detector
    cut one line in two at a space, and a box around ``防止“程序空转”`` is
    drawn a third taller than the type."""
    out = list(placed)
    for k, (text, _, left, right, top, bottom, size) in enumerate(placed):
        if pitches[k] is not None:
            continue
        for j, (_, _, left2, right2, top2, bottom2, size2) in enumerate(placed):
            if pitches[j] is None or j == k:
                continue
            overlap = min(bottom, bottom2) - max(top, top2)
            gap = max(left2 - right, left - right2)
            if (overlap >= 0.5 * min(bottom - top, bottom2 - top2) and gap < 2 * size2
                    and max(size, size2) <= 1.5 * min(size, size2)):
                out[k] = placed[k][:6] + (size2,)
                break
    return out


def _pitch(glyphs: str, centres: list[float]) -> float | None:
    """The distance between neighbouring Chinese characters of a line (its
    median, over at least five pairs), or None."""
    if len(centres) != len(glyphs):
        return None
    steps = [b - a for a, b, x, y in zip(centres, centres[1:], glyphs, glyphs[1:])
             if not x.isascii() and not y.isascii() and x.isalnum() and y.isalnum()]
    return median(steps) if len(steps) >= 5 else None


def _type_sizes(sizes: list[float], weights: list[int]) -> list[float]:
    """Line heights -> type sizes: heights within 15% of each other are one
    size (the detector's boxes vary by a few pixels from line to line, and
    the layout logic reads a change of size as a new paragraph)."""
    order = sorted(range(len(sizes)), key=lambda k: sizes[k])
    out = list(sizes)
    group: list[int] = []

    def close() -> None:
        if group:
            total = sum(weights[k] for k in group) or 1
            size = sum(sizes[k] * weights[k] for k in group) / total
            for k in group:
                out[k] = size

    for k in order:
        if group and sizes[k] > 1.15 * sizes[group[0]]:
            close()
            group = []
        group.append(k)
    close()
    return out


# A line this short has a box too unlike its neighbours' to size its type by
# (the detector draws a few characters' box taller).
_SHORT = 8


def _short_lines(placed: list[tuple], sizes: list[float]) -> list[float]:
    """A short line (a paragraph's last, a title's second) takes the type
    size of the line right above it in the same column (else right below),
    when the two are within 45% of each other."""
    out = list(sizes)
    for k, (text, _, left, right, top, bottom, _) in enumerate(placed):
        if len(text) >= _SHORT:
            continue
        best = None
        for j, (text2, _, left2, right2, top2, bottom2, _) in enumerate(placed):
            if j == k or len(text2) < _SHORT or right2 < left or left2 > right:
                continue
            gap = top - bottom2 if bottom2 <= top else top2 - bottom
            if gap < -0.5 * sizes[k] or gap > 1.5 * max(sizes[k], sizes[j]):
                continue
            above = bottom2 <= top + 0.5 * sizes[k]
            key = (not above, abs(gap))
            if best is None or key < best[0]:
                best = (key, j)
        if best is not None and max(sizes[k], sizes[best[1]]) <= 1.45 * min(sizes[k], sizes[best[1]]):
            out[k] = sizes[best[1]]
    return out


def _spaced(a: str, b: str) -> bool:
    """Could a space stand between these two characters (not next to punctuation)?"""
    return a.isalnum() and b.isalnum()


def _line_chars(text, centres, left, right, top, bottom, size, scale, page_height) -> list[tuple]:
    """One line's characters: each spans from halfway to its left neighbour
    to halfway to its right one (the line's ends at its box). Where the
    characters stand further apart than the line's pitch, the line shows a
    space (``记者  王建军``: the recogniser reads none between Chinese
    characters) or, further still, a real gap (a gutter the detector did not
    cut at), where each keeps its own width; a space the recogniser read is
    a space too."""
    glyphs: list[tuple[str, bool]] = []  # (char, a space read before it)
    space = False
    for ch in text:
        if ch == " ":
            space = True
            continue
        glyphs.append((ch, space))
        space = False
    pitch = _pitch("".join(g for g, _ in glyphs), centres) or size
    # The line's ends: where its end characters end, not the box's margin
    # (a box reaches into a narrow gutter, and joins two columns' lines).
    lo = [max(left, centres[0] - _weight(glyphs[0][0]) * size / 2)] + [
        (a + b) / 2 for a, b in zip(centres, centres[1:])]
    hi = lo[1:] + [min(right, centres[-1] + _weight(glyphs[-1][0]) * size / 2)]
    for k in range(len(glyphs) - 1):
        (a, _), (b, read_space) = glyphs[k], glyphs[k + 1]
        here, there = _weight(a), _weight(b)
        extra = centres[k + 1] - centres[k] - (here + there) / 2 * pitch
        if extra > 1.2 * size:
            hi[k] = min(hi[k], centres[k] + here * size / 2)
            lo[k + 1] = max(lo[k + 1], centres[k + 1] - there * size / 2)
        elif read_space or (extra > 0.65 * pitch and _spaced(a, b)):
            hi[k] -= 0.15 * size
            lo[k + 1] += 0.15 * size
    y0, y1 = page_height - bottom * scale, page_height - top * scale
    return [(ch, lo[k] * scale, y0, hi[k] * scale, y1, size * scale) for k, (ch, _) in enumerate(glyphs)]


# ---------------------------------------------------------------- the engine

@lru_cache(maxsize=1)
def engine_version() -> str:
    """What the cache is keyed by besides the file: engine and models.
    Raises OcrUnavailable without the extra (cached pages are not read
    without it either: a scan is then named and skipped, as it says)."""
    _import_engine()
    try:
        from importlib.metadata import version

        return f"rapidocr-{version('rapidocr')}-ppocrv6-small"
    except Exception as exc:  # not installed
        raise OcrUnavailable(INSTALL_HINT) from exc


def available() -> bool:
    try:
        _import_engine()
    except OcrUnavailable:
        return False
    return True


def _import_engine():
    try:
        from rapidocr import RapidOCR  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError as exc:
        raise OcrUnavailable(INSTALL_HINT) from exc
    return RapidOCR


# The detector reads the page scaled to at most this many pixels on its long
# side (A4 at about 110 dpi: 10-point type is 15 pixels high, more than it
# needs); the recogniser reads each line it finds at up to MAX_SIDE. The
# detector's time and memory grow with its pixels: at 1280 a page takes
# about 0.7 of the CPU it takes at 2339, at no measured cost in accuracy
# (docs/benchmarks.md#ocr).
DET_SIDE = 1280


def engine_settings() -> dict:
    """RapidOCR's settings besides the thread count (the benchmark keys its
    cache by them)."""
    return {
        "Global.log_level": "error",
        "Global.max_side_len": MAX_SIDE,
        "Det.limit_type": "max",
        "Det.limit_side_len": DET_SIDE,
        # The recogniser reads one line at a time, not six: a batch is as
        # wide as its widest line, and the model's memory grows faster
        # than its width; six lines of a page held about 450 MB more at the
        # peak, and took no less CPU (docs/benchmarks.md#ocr).
        "Rec.rec_batch_num": 1,
    }


_lock = threading.Lock()
_engines: dict[int, object] = {}


def _engine(threads: int):
    """One engine per process and thread count. Loading it takes a second;
    the libraries and models take about 180 MB, reading a page another
    350 MB at most (docs/benchmarks.md#ocr)."""
    with _lock:
        if threads not in _engines:
            RapidOCR = _import_engine()
            import logging

            logging.getLogger("RapidOCR").setLevel(logging.ERROR)
            _lean_sessions()
            params = {
                **engine_settings(),
                "EngineConfig.onnxruntime.intra_op_num_threads": threads,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            }
            try:
                _engines[threads] = RapidOCR(params=params)
            except Exception as exc:  # a broken install: say so in one line
                raise OcrUnavailable(f"the OCR engine cannot load ({exc.__class__.__name__}: {exc})") from exc
        return _engines[threads]


def _lean_sessions() -> None:
    """ONNX Runtime's memory pattern plans one block for all of a model's
    intermediate tensors, per input shape, and keeps it: with pages of many
    sizes that is the largest page's worth held for good (about 100 MB more
    at the peak). RapidOCR sets no option for it (it already turns the CPU
    arena off), so its session options are wrapped here; should its
    internals move, OCR still works, with that memory."""
    try:
        from rapidocr.inference_engine.onnxruntime.main import OrtInferSession
    except ImportError:
        return
    make = OrtInferSession.__dict__.get("_init_sess_opts")
    if make is None or getattr(make, "__func__", make).__name__ == "lean":
        return
    make = make.__func__ if isinstance(make, staticmethod) else make

    def lean(cfg):
        options = make(cfg)
        options.enable_mem_pattern = False
        return options

    OrtInferSession._init_sess_opts = staticmethod(lean)


def release_freed_memory() -> None:
    """Give the memory freed after a page back to the system (glibc's
    malloc_trim): the engine's buffers, tens of MB each, otherwise stay in
    the heap between pages (a worker then holds about 500 MB while idle
    rather than 180). Elsewhere (not glibc) a no-op. Lowering glibc's mmap
    threshold instead, so that every large buffer is returned at once,
    also lowers the peak, but costs the kernel 50-100% more CPU a page."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def default_threads() -> int:
    return max(1, os.cpu_count() or 1)


def recognise(image, *, dpi: float = 300.0, threads: int | None = None) -> OcrPage:
    """Read one page image (a PIL image) with the engine. A page that reads
    badly is read again upside down (a sheet put in the scanner the wrong
    way round), and the better reading kept."""
    image, dpi = _fit(image, dpi)
    engine = _engine(threads or default_threads())
    page = _read(engine, image, dpi)
    if (page.confidence or 0) < _UPSIDE_DOWN_BELOW:
        turned = _read(engine, image.rotate(180), dpi)
        if _weight_of(turned) > _weight_of(page):
            page = turned
    release_freed_memory()
    return page


# A page read with less confidence than this may be upside down.
_UPSIDE_DOWN_BELOW = 0.7


def _weight_of(page: OcrPage) -> float:
    return sum(ln.score * len(ln.text) for ln in page.lines)


def _read(engine, image, dpi: float) -> OcrPage:
    # No line classifier (0/180 degrees per line): it turns columns of
    # vertical text upside down; whole pages are turned by recognise().
    result = engine(image, use_cls=False, return_word_box=True, return_single_char_box=True)
    lines = []
    words = result.word_results if result.txts else ()
    for k, text in enumerate(result.txts or ()):
        quad = [[float(x), float(y)] for x, y in result.boxes[k]]
        centres = []
        if k < len(words) and words[k]:
            for _, _, box in words[k]:
                if box is None:
                    continue
                centres.append([sum(p[0] for p in box) / len(box), sum(p[1] for p in box) / len(box)])
        if len(centres) != len(text.replace(" ", "")):
            centres = []
        lines.append(OcrLine(text, float(result.scores[k]), quad, centres))
    return OcrPage(image.width, image.height, dpi, lines)


def _fit(image, dpi: float):
    """Greyscale-or-colour RGB at most MAX_SIDE pixels long."""
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    side = max(image.size)
    if side > MAX_SIDE:
        factor = MAX_SIDE / side
        from PIL import Image

        image = image.resize((max(1, round(image.width * factor)), max(1, round(image.height * factor))),
                             Image.LANCZOS)
        dpi *= factor
    if image.mode == "L":
        image = image.convert("RGB")
    return image, dpi

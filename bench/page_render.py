"""Typeset report text into page images, as a scanner would deliver them.

Used by bench/bench_ocr.py (real text from ../shared/realworld and the
seeds) and by tests/reports/make_formats.py (the committed test images,
from the seeds and invented sentences). Pillow draws with a CJK TrueType font
(Debian's fonts-wqy-microhei or fonts-noto-cjk; scripts/bootstrap.sh
installs the first when missing).

A page is an A4 sheet at a given resolution:

* ``one``: one column: kicker, the title in large type, subtitle, byline,
  then paragraphs with a two-character first-line indent;
* ``two``: a newspaper layout: the headline block spans both columns, the
  byline and body flow down the left column, then the right;
* ``vertical``: traditional vertical setting: the title as the rightmost
  column, the body in columns top to bottom, right to left.

Lines are filled character by character by measured width (Latin words and
numbers are not broken), and a closing mark never starts a line, as a
typesetter does. Only the text that fits on one page is set; ``Page.text``
is exactly that text, in reading order, one paragraph per line: the
reference the OCR output is compared with.

``scan_noise`` adds what a flatbed scan of a printed page adds: a slight
rotation, blur, grey-level noise and JPEG compression.
"""

from __future__ import annotations

import io
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
)
A4_MM = (210, 297)
# Marks that must not start a line (禁则): they stay at the end of the previous one.
_NO_LINE_START = "，。、；：？！”’」』）》】…,.;:?!)%"
_UNIT = re.compile(r"[A-Za-z0-9.%@/_+-]+|\s+|.", re.S)


def font_path() -> str:
    for path in FONTS:
        if Path(path).exists():
            return path
    raise SystemExit("no CJK font: apt-get install fonts-wqy-microhei (scripts/bootstrap.sh does)")


@dataclass
class Article:
    title: str
    paragraphs: list[str]
    kicker: str | None = None
    subtitle: str | None = None
    byline: str | None = None


@dataclass
class Page:
    image: object  # PIL.Image.Image, greyscale
    dpi: int
    layout: str
    text: str  # what was set, in reading order, one paragraph per line
    title_set: bool = True  # the whole title fits on the page
    # Every character set, as a PDF text layer gives it: (char, left,
    # bottom, right, top, size) in points, y up (the same page born digital).
    chars: list[tuple] = field(default_factory=list)

    @property
    def width_pt(self) -> float:
        return self.image.width * 72 / self.dpi


class _Typesetter:
    def __init__(self, dpi: int, font: str):
        from PIL import Image, ImageDraw, ImageFont

        self.dpi = dpi
        self.w = round(A4_MM[0] / 25.4 * dpi)
        self.h = round(A4_MM[1] / 25.4 * dpi)
        self.image = Image.new("L", (self.w, self.h), 255)
        self.draw = ImageDraw.Draw(self.image)
        self._font = font
        self._fonts: dict[float, object] = {}
        self._load = ImageFont.truetype
        self.chars: list[tuple] = []  # what a text layer would hold

    def px(self, value: float, unit: str = "pt") -> float:
        return value / 72 * self.dpi if unit == "pt" else value / 25.4 * self.dpi

    def font(self, pt: float):
        if pt not in self._fonts:
            self._fonts[pt] = self._load(self._font, round(self.px(pt)))
        return self._fonts[pt]

    def wrap(self, text: str, pt: float, width: float, indent: float = 0) -> list[str]:
        """Lines of ``text`` filling ``width`` pixels (the first indented)."""
        font = self.font(pt)
        units = [m.group(0) for m in _UNIT.finditer(text.strip())]
        lines: list[str] = []
        line = ""
        room = width - indent
        for unit in units:
            if line and font.getlength(line + unit.rstrip()) > room and unit[0] not in _NO_LINE_START:
                lines.append(line.rstrip())
                line = unit.lstrip()
                room = width
            else:
                line += unit
        if line.strip():
            lines.append(line.rstrip())
        return lines

    def line(self, x: float, y: float, text: str, pt: float) -> None:
        font = self.font(pt)
        self.draw.text((x, y), text, font=font, fill=0)
        k = 72 / self.dpi
        size = self.px(pt)
        for n, ch in enumerate(text):
            if ch.isspace():
                continue
            x0 = x + font.getlength(text[:n])
            x1 = x + font.getlength(text[: n + 1])
            self.chars.append((ch, x0 * k, (self.h - y - size) * k, x1 * k, (self.h - y) * k, pt))

    def centred(self, y: float, text: str, pt: float, x0: float, x1: float) -> None:
        width = self.font(pt).getlength(text)
        self.line(x0 + (x1 - x0 - width) / 2, y, text, pt)


def render(article: Article, *, layout: str = "one", dpi: int = 300, font: str | None = None,
           body_pt: float = 10.5) -> Page:
    """One A4 page of ``article`` (as much as fits)."""
    t = _Typesetter(dpi, font or font_path())
    if layout == "vertical":
        return _vertical(t, article, body_pt)
    margin = t.px(18, "mm")
    x0, x1 = margin, t.w - margin
    y = margin
    bottom = t.h - margin
    head_pt, title_pt = body_pt * 1.35, body_pt * 2.1
    lead = 1.6  # line spacing, in type sizes
    set_text: list[str] = []
    title_set = True

    def head_line(text: str, pt: float) -> None:
        nonlocal y, title_set
        lines = t.wrap(text, pt, x1 - x0)
        for ln in lines:
            if y + t.px(pt) > bottom:
                title_set = False
                return
            t.centred(y, ln, pt, x0, x1)
            y += t.px(pt) * 1.45
        set_text.append("".join(lines))

    if article.kicker:
        head_line(article.kicker, head_pt)
    head_line(article.title, title_pt)
    if article.subtitle:
        head_line(article.subtitle, head_pt)
    y += t.px(body_pt) * 1.2
    if layout == "two":
        gutter = t.px(7, "mm")
        col = (x1 - x0 - gutter) / 2
        columns = [(x0, x0 + col), (x1 - col, x1)]
    else:
        columns = [(x0, x1)]
    top = y
    # Every body line first (text, indented, paragraph number), then placed:
    # down the first column and on into the next, the columns balanced (a
    # newspaper sets a short article's columns to equal length).
    paragraphs = ([(article.byline, False)] if article.byline else []) + [(p, True) for p in article.paragraphs]
    c0, c1 = columns[0]
    lines = []
    for n, (text, indent) in enumerate(paragraphs):
        for m, ln in enumerate(t.wrap(text, body_pt, c1 - c0, 2 * t.px(body_pt) if indent else 0)):
            lines.append((ln, indent and m == 0, n))
    step = t.px(body_pt) * lead
    per_column = int((bottom - top - t.px(body_pt)) // step) + 1
    fits = min(len(lines), per_column * len(columns))
    tall = -(-fits // len(columns))  # lines per column, balanced
    done: dict[int, list[str]] = {}
    for k, (ln, first, n) in enumerate(lines[:fits]):
        c0, _ = columns[k // tall]
        row = k % tall
        t.line(c0 + (2 * t.px(body_pt) if first else 0), top + row * step, ln, body_pt)
        done.setdefault(n, []).append(ln)
    for n in sorted(done):
        set_text.append(_join(done[n]))
    return Page(t.image, dpi, layout, "\n".join(set_text) + "\n", title_set, t.chars)


def _join(lines: list[str]) -> str:
    out = ""
    for ln in lines:
        if out and out[-1].isascii() and out[-1].isalnum() and ln[:1].isascii() and ln[:1].isalnum():
            out += " "
        out += ln
    return out


def _vertical(t: _Typesetter, article: Article, body_pt: float) -> Page:
    """Columns top to bottom, right to left; the title the first column."""
    margin = t.px(20, "mm")
    title_pt = body_pt * 1.8
    x = t.w - margin
    y0, y1 = margin, t.h - margin
    set_text: list[str] = []

    def column(text: str, pt: float, indent: int = 0) -> bool:
        """Set ``text`` in columns from x leftwards; False when the page is full."""
        nonlocal x
        size = t.px(pt)
        per_col = int((y1 - y0) // (size * 1.05))
        chars = list(text.replace(" ", ""))
        done = ""
        first = True
        while chars:
            n = per_col - (indent if first else 0)
            if len(chars) > n and chars[n] in _NO_LINE_START:
                n += 1
            if x - size < margin:
                if done:
                    set_text.append(done)
                return False
            y = y0 + (indent * size * 1.05 if first else 0)
            for ch in chars[:n]:
                t.line(x - size, y, ch, pt)
                y += size * 1.05
            done += "".join(chars[:n])
            chars = chars[n:]
            x -= size * 1.7
            first = False
        set_text.append(done)
        return True

    ok = column(article.title, title_pt)
    x -= t.px(body_pt)
    for para in ([article.byline] if article.byline else []) + article.paragraphs:
        if not ok or not column(para, body_pt, 2 if para is not article.byline else 0):
            break
    return Page(t.image, t.dpi, "vertical", "\n".join(set_text) + "\n", True, t.chars)


def scan_noise(image, seed: int, *, degrees: float = 1.0, blur: float | None = None, quality: int = 70):
    """A scan of the printed page: rotated by up to ``degrees``, blurred,
    grey-level noise, JPEG-compressed."""
    import numpy as np
    from PIL import Image, ImageFilter

    rng = random.Random(seed)
    dpi_scale = image.width / 2480  # 1.0 at 300 dpi
    img = image.rotate(rng.uniform(-degrees, degrees), resample=Image.BICUBIC, fillcolor=255, expand=False)
    img = img.filter(ImageFilter.GaussianBlur(blur if blur is not None else 0.9 * max(dpi_scale, 0.5)))
    arr = np.asarray(img, dtype=np.float32)
    noise = np.random.default_rng(seed).normal(0, 10, arr.shape)
    arr = np.clip(arr * 0.92 + 12 + noise, 0, 255).astype(np.uint8)  # grey paper, not quite black ink
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format="JPEG", quality=quality)
    buf.seek(0)
    return Image.open(buf).convert("L")


def from_markdown(md: str) -> Article:
    """An Article from a People's Daily ``.md`` body (### kicker, # title,
    ## subtitle, > byline, paragraphs)."""
    kicker = subtitle = byline = title = None
    paragraphs: list[str] = []
    for line in md.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("### ") and title is None:
            kicker = line[4:].strip()
        elif line.startswith("# ") and title is None:
            title = line[2:].strip()
        elif line.startswith("## ") and title is not None and not paragraphs and subtitle is None:
            subtitle = line[3:].strip()
        elif line.startswith(">") and byline is None and not paragraphs:
            text = line.lstrip("> ").strip()
            if text.startswith("系列"):
                subtitle = subtitle or text
            else:
                byline = text
        else:
            paragraphs.append(re.sub(r"^#+\s*|\*\*", "", line))
    return Article(title or "", paragraphs, kicker, subtitle, byline)


def from_plain(text: str) -> Article:
    """An Article from plain text: the first line is the title, every
    further line a paragraph (set in body type: nothing marks the title but
    its own line)."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return Article(lines[0] if lines else "", lines[1:])

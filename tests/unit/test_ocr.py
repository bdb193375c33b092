"""Scanned pages and page images read by OCR (indexer.formats.ocr, .image,
.scans), without Elasticsearch.

The scans in tests/reports/scans are typeset from invented texts
(tests/reports/scans/make_scans.py) and saved as a scanner or a phone would:
an image-only two-column PDF, a tilted, unevenly lit JPEG photo of a notice,
a PDF whose second page is a scan, a traditional notice set vertically. The
geometry tests feed the layout hand-made engine output (no engine)."""

from __future__ import annotations

import importlib.util
import json
import math
import os
import shutil
import subprocess
import sys

import pytest

from rsearch.indexer.formats import ocr, read_document, scans
from rsearch.indexer.formats.ocr import OcrLine, OcrPage
from rsearch.indexer.formats.pdf import layout_text, page_paragraphs
from rsearch.indexer.pipeline import load_file, recover_reports
from rsearch.indexer.reader import UnreadableFile
from paths import REPO, REPORTS

SCANS = REPORTS / "scans"
needs_engine = pytest.mark.skipif(not ocr.available(), reason='the OCR extra is not installed: pip install ".[ocr]"')


def _texts():
    spec = importlib.util.spec_from_file_location("make_scans", SCANS / "make_scans.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _cer(got: str, article) -> float:
    from rapidfuzz.distance import Levenshtein

    def strip(text: str) -> str:
        return "".join(text.replace("#", "").split())

    want = strip("".join(filter(None, [article.kicker, article.title, article.subtitle, article.byline,
                                       *article.paragraphs])))
    return Levenshtein.distance(strip(got), want) / len(want)


# -- the layout of OCR output (no engine) ----------------------------------------------

def _line(text: str, x: float, y: float, size: float = 20.0, angle: float = 0.0, pitch: float | None = None):
    """An engine line: ``text`` from (x, y) rightwards (rotated by ``angle``
    radians), one character per ``pitch`` pixels; spaces take half a pitch."""
    pitch = pitch or size
    centres, pos = [], 0.0
    for ch in text:
        step = pitch * (0.5 if ch.isascii() else 1.0)
        if ch != " ":
            c = pos + step / 2
            centres.append([x + c * math.cos(angle), y + size / 2 + c * math.sin(angle)])
        pos += step
    cos, sin = math.cos(angle), math.sin(angle)
    h = size * 1.1
    quad = [[x, y], [x + pos * cos, y + pos * sin], [x + pos * cos - h * sin, y + pos * sin + h * cos],
            [x - h * sin, y + h * cos]]
    return OcrLine(text, 0.99, quad, centres)


def _read(lines, width=1000, height=1400) -> str:
    page = OcrPage(width, height, 72.0, lines)
    return layout_text([page_paragraphs(page.chars(), page.span)])


def test_two_columns_under_a_headline_read_column_by_column():
    left = ["左栏第一行的文字内容在这里继续写下去", "左栏第二行的文字内容也在这里写下去",
            "左栏第三行的文字内容还在这里写下去", "左栏第四行的文字内容到这里写完了。"]
    right = ["右栏第一行的文字内容在这里继续写下", "右栏第二行的文字内容也在这里写下去",
             "右栏第三行的文字内容还在这里写下去", "右栏第四行的文字内容也在这里结束。"]
    lines = [_line("一条横跨两栏的大标题", 200, 60, size=44)]
    for k, (a, b) in enumerate(zip(left, right)):
        y = 160 + 32 * k
        # a gutter of one character: narrower than the PDF reader's two, but
        # the engine found two lines
        lines += [_line(a, 60, y), _line(b, 60 + 20 * 18 + 20, y)]
    text = _read(lines)
    assert text.startswith("# 一条横跨两栏的大标题")
    order = [text.index(s) for s in ("左栏第一行", "左栏第四行", "右栏第一行", "右栏第四行")]
    assert order == sorted(order)


def _columns(top: float, rows: int = 4, width: int = 18, gutter: float = 40) -> list:
    """Two columns of body text (size 20) from ``top`` down: the left one's
    lines, then the right one's."""
    lines = []
    for k in range(rows):
        y = top + 32 * k
        end = "。" if k == rows - 1 else ""
        lines += [_line(f"左栏第{k + 1}行的正文" + "文字" * ((width - 7) // 2) + end, 60, y),
                  _line(f"右栏第{k + 1}行的正文" + "内容" * ((width - 7) // 2) + end, 60 + 20 * width + gutter, y)]
    return lines


def test_a_centred_headlines_short_last_line_over_the_gutter_stays_in_the_headline():
    """A headline over two columns, centred: its last line is one character,
    standing just right of the gutter. It is the headline's, not the top of
    the right column."""
    gutter = 60 + 20 * 18 + 20  # the middle of the gap between the columns
    lines = [_line("一条很长的大标题横跨两栏排了两", 90, 40, size=44),
             _line("行", gutter + 4, 100, size=44)] + _columns(180)
    text = _read(lines)
    assert text.startswith("# 一条很长的大标题横跨两栏排了两行\n")
    order = [text.index(s) for s in ("左栏第1行", "左栏第4行", "右栏第1行", "右栏第4行")]
    assert order == sorted(order)


def test_a_headline_the_engine_cut_in_two_at_the_gutter_is_one_headline():
    """The detector may cut a one-line headline at the column gutter into two
    lines of its own: still the headline, and the right column's lines are
    not indented paragraphs each."""
    gutter = 60 + 20 * 18 + 20
    lines = [_line("法院审理一起假冒", gutter - 44 * 8 - 4, 40, size=44),
             _line("注册商标的案件", gutter + 4, 40, size=44)] + _columns(120)
    text = _read(lines)
    assert text.startswith("# 法院审理一起假冒注册商标的案件\n")
    paragraphs = [p for p in text.split("\n") if p and not p.startswith("#")]
    assert len(paragraphs) == 2 and paragraphs[1].startswith("右栏第1行") and paragraphs[1].endswith("。")


def test_a_line_the_engine_cut_at_a_space_stays_one_line():
    """The detector cuts a headline (and a byline) where a wide space
    stands: the pieces are one line with a space, not a title and a
    subtitle (or two paragraphs)."""
    lines = [_line("防止程序空转", 100, 40, size=44), _line("推动化解纠纷", 100 + 44 * 6 + 22, 40, size=44),
             _line("本报记者", 60, 120), _line("王建军", 60 + 20 * 4 + 10, 120)]
    lines += [_line("正文第一段从这里开始写，内容很长很长，一直写到这一行的最后面。", 100, 160),
              _line("正文第一段的第二行，继续写下去，直到这一段结束为止的地方。", 60, 192)]
    text = _read(lines)
    assert text.startswith("# 防止程序空转 推动化解纠纷\n")
    assert "\n本报记者 王建军\n" in text


def test_a_piece_sized_by_its_box_takes_the_size_of_its_neighbour_on_the_line():
    """A piece with few Chinese characters is sized by its box, which the
    detector may draw much taller than the type: beside a piece of the same
    line sized by its character pitch, it is in that size, and the two are
    one headline."""
    left = _line("防止“空转”", 100, 40, size=44)
    top, bottom = left.quad[0][1], left.quad[3][1]
    grow = (bottom - top) * 0.45
    left.quad = [[x, y - grow / 2 if k < 2 else y + grow / 2] for k, (x, y) in enumerate(left.quad)]
    lines = [left, _line("推动实质性化解矛盾纠纷", 100 + 44 * 6 + 22, 40, size=44)]
    lines += [_line("正文第一段从这里开始写，内容很长很长，一直写到这一行的最后面。", 100, 160),
              _line("正文第一段的第二行，继续写下去，直到这一段结束为止的地方。", 60, 192)]
    text = _read(lines)
    assert text.startswith("# 防止“空转” 推动实质性化解矛盾纠纷\n")


def test_a_title_ending_in_an_exclamation_over_two_centred_lines():
    lines = [_line("请广大市民注意防范台风带来的强降雨天气", 60, 40, size=40),
             _line("提高警觉！", 300, 90, size=40)]
    lines += [_line("正文第一段从这里开始写，内容很长很长，一直写到这一行的最后面。", 100, 160),
              _line("正文第一段的第二行，继续写下去，直到这一段结束为止的地方。", 60, 192)]
    text = _read(lines)
    assert text.startswith("# 请广大市民注意防范台风带来的强降雨天气提高警觉！\n")


def test_a_tilted_page_is_read_line_by_line():
    angle = math.radians(1.2)
    rows = [f"第{n}行：倾斜扫描的页面上每一行都是完整的一句话。" for n in "一二三四五六"]
    lines = [_line(t, 60, 100 + 34 * k, angle=angle) for k, t in enumerate(rows)]
    text = _read(lines)
    assert [text.index(r) for r in rows] == sorted(text.index(r) for r in rows)


def test_spaces_between_names_and_latin_words():
    line = _line("本报记者王建军", 60, 100)
    # 王 stands a full character further right than the pitch: a space
    for k in range(4, 7):
        line.centres[k][0] += 20
    other = _line("这是正文的一行文字，后面还有很多很多字。", 60, 140)
    latin = _line("使用 OpenAI 和 Hello World 两个词", 60, 180)
    text = _read([line, other, latin])
    assert "本报记者 王建军" in text
    assert "Hello World" in text and "这是正文的一行文字" in text


def test_vertical_columns_read_right_to_left():
    cols = ["臺中市舉辦燈會志工培訓", "第一欄的文字從上到下閱讀到這裡為止", "第二欄在第一欄的左邊接著閱讀下去"]
    lines = []
    for k, text in enumerate(cols):
        x = 900 - 60 * k
        size = 40 if k == 0 else 24
        centres = [[x + size / 2, 60 + size * (n + 0.5)] for n in range(len(text))]
        quad = [[x, 60], [x + size, 60], [x + size, 60 + size * len(text)], [x, 60 + size * len(text)]]
        lines.append(OcrLine(text, 0.98, quad, centres))
    text = _read(lines)
    assert text.startswith("# 臺中市舉辦燈會志工培訓")
    assert text.index("第一欄") < text.index("第二欄")


def test_short_lines_keep_their_paragraph():
    """A paragraph's short last line has a taller box than its neighbours
    (the detector's margin): it must not read as a new paragraph."""
    rows = ["这是一段很长的正文，第一行排满了整整一行的文字", "第二行也排满了，一直写到这一栏的右边为止的内", "容。"]
    lines = [_line(t, 60, 100 + 32 * k) for k, t in enumerate(rows)]
    lines[2].quad = [[x, y - 3 if k < 2 else y + 3] for k, (x, y) in enumerate(lines[2].quad)]
    lines.append(_line("另起一段：缩进两个字的新段落从这里开始写，也很长很长。", 100, 196))
    paragraphs = [p for p in _read(lines).split("\n") if p]
    assert paragraphs[0].endswith("右边为止的内容。") and paragraphs[1].startswith("另起一段")


def test_half_width_punctuation_next_to_chinese_is_full_width():
    text = _read([_line("各社区居委会:请于(9月1日)前报送,谢谢!Hello, World", 60, 100)])
    assert "各社区居委会：请于（9月1日）前报送，谢谢！Hello, World" in text


# -- real scans, read by the engine ----------------------------------------------------

@needs_engine
def test_scanned_two_column_pdf():
    """The figure bench/bench_ocr.py measures, on a committed page: the
    character error rate of a lightly noised 150-dpi scan stays at most 2%,
    the title, the kicker and the byline's people are recovered."""
    article = _texts().FARMING
    doc = read_document(SCANS / "two_column_scan.pdf")
    assert _cer(doc.text, article) <= 0.02
    (report,) = recover_reports(doc.text, "scan.pdf")
    assert report.title == article.title
    assert set(report.names()) == {"周明远", "何静"}
    left_end, right_start = "全部实现机械化耕种", "据了解，青山镇"
    assert doc.text.index(left_end) < doc.text.index(right_start)  # column by column
    assert doc.ocr.every_page and doc.ocr.pages[0] > 0.9


@needs_engine
def test_page_photo():
    """A phone photo (tilted, blurred, lit from one side, JPEG): CER at most
    5%, the title found, every chunk marked as OCR with its confidence."""
    article = _texts().NOTICE
    chunks = load_file(SCANS / "notice_photo.jpg")
    text = read_document(SCANS / "notice_photo.jpg").text
    assert _cer(text, article) <= 0.05
    assert chunks[0].kind == "title" and chunks[0].text == article.title
    assert {c.source_kind for c in chunks} == {"ocr"}
    assert all(0.9 < c.ocr_confidence <= 1 for c in chunks)


@needs_engine
def test_mixed_pdf_is_read_page_by_page():
    module = _texts()
    doc = read_document(SCANS / "mixed.pdf")
    assert list(doc.ocr.pages) == [1] and not doc.ocr.every_page  # page 2 only
    assert _cer(doc.text, module.SPORTS_TEXT) > 0.3  # both pages are there ...
    for para in module.SPORTS_TEXT.paragraphs + module.SPORTS_SCAN.paragraphs:
        assert para[:12] in doc.text  # ... in order
    chunks = load_file(SCANS / "mixed.pdf")
    kinds = {c.text[:6]: c.source_kind for c in chunks}
    assert kinds[module.SPORTS_TEXT.title[:6]] == "text"  # the text layer's title
    ocr_chunks = [c for c in chunks if "比赛间隙" in c.text]
    assert ocr_chunks and all(c.source_kind == "ocr" and c.ocr_confidence for c in ocr_chunks)


@needs_engine
def test_vertical_traditional_notice():
    article = _texts().LANTERN
    doc = read_document(SCANS / "vertical_notice.png")
    assert doc.text.startswith("# " + article.title)
    assert doc.text.index(article.paragraphs[0][:10]) < doc.text.index(article.paragraphs[1][:10])
    assert _cer(doc.text, article) <= 0.05


@needs_engine
def test_an_unchanged_file_is_never_read_twice(tmp_path, monkeypatch):
    """The cache is keyed by content: a copy under another name is not read
    again (the engine is not called)."""
    monkeypatch.setenv("RSEARCH_CACHE_DIR", str(tmp_path / "cache"))
    first = read_document(SCANS / "vertical_notice.png")
    copy = tmp_path / "renamed.png"
    shutil.copy(SCANS / "vertical_notice.png", copy)

    def no_engine(*args, **kwargs):
        raise AssertionError("the engine was called for a cached page")

    monkeypatch.setattr(ocr, "recognise", no_engine)
    assert read_document(copy).text == first.text
    copy.write_bytes(copy.read_bytes() + b"\0")  # another content: read again
    with pytest.raises((AssertionError, UnreadableFile), match="engine was called"):
        read_document(copy)


@needs_engine
def test_pages_are_read_on_a_bounded_pool_and_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("RSEARCH_CACHE_DIR", str(tmp_path / "cache"))
    files = [SCANS / "notice_photo.jpg", SCANS / "mixed.pdf", REPO / "seeds" / sorted(os.listdir(REPO / "seeds"))[0]]
    done = scans.prepare(files, progress=False, workers=2)
    assert (done.pages, done.cached, done.low) == (2, 0, [])
    again = scans.prepare(files, progress=False, workers=2)
    assert (again.pages, again.cached) == (0, 2)


@needs_engine
def test_low_confidence_pages_are_named(tmp_path, monkeypatch):
    monkeypatch.setenv("RSEARCH_CACHE_DIR", str(tmp_path / "cache"))
    image = tmp_path / "smudged.png"
    shutil.copy(SCANS / "vertical_notice.png", image)
    page = OcrPage(100, 100, 72.0, [OcrLine("模糊不清的字", 0.41, [[0, 0], [60, 0], [60, 10], [0, 10]])])
    scans.store(scans.file_digest(image), 0, page)  # as if the engine had read it so
    done = scans.prepare([image], progress=False)
    assert done.low == [{"path": str(image), "page": 1, "confidence": 0.41}]


# -- without the extra ------------------------------------------------------------------

_BLOCKED = """
import sys
sys.modules["rapidocr"] = None  # import rapidocr raises ImportError: the extra is missing
from rsearch.indexer.pipeline import load_file
from rsearch.indexer.reader import UnreadableFile
for path in sys.argv[1:]:
    try:
        load_file(path)
    except UnreadableFile as err:
        print(err)
"""


def test_without_the_extra_scans_are_named_with_the_install_hint(tmp_path):
    out = subprocess.run([sys.executable, "-c", _BLOCKED, str(SCANS / "two_column_scan.pdf"),
                          str(SCANS / "notice_photo.jpg"), str(SCANS / "mixed.pdf")],
                         capture_output=True, text=True, timeout=120,
                         env={**os.environ, "RSEARCH_CACHE_DIR": str(tmp_path)})
    lines = out.stdout.splitlines()
    assert out.returncode == 0, out.stderr
    assert lines == [
        f'{SCANS / "two_column_scan.pdf"}: scanned PDF: no text layer (OCR is not installed: pip install "rsearch[ocr]")',
        f'{SCANS / "notice_photo.jpg"}: page image: OCR is not installed: pip install "rsearch[ocr]"',
    ]  # the mixed PDF's text page is read: no line


def test_ocr_cache_entries_are_small_json(tmp_path, monkeypatch):
    monkeypatch.setenv("RSEARCH_CACHE_DIR", str(tmp_path))
    if not ocr.available():
        pytest.skip("the OCR extra is not installed")
    page = OcrPage(10, 10, 300.0, [OcrLine("字", 0.9, [[0, 0], [1, 0], [1, 1], [0, 1]], [[0.5, 0.5]])])
    scans.store("ab" * 32, 3, page)
    (path,) = list((tmp_path / "ocr").rglob("3.json"))
    assert json.loads(path.read_text(encoding="utf-8"))["lines"][0][0] == "字"
    assert scans.load_cached("ab" * 32, 3).lines[0].text == "字"


def test_a_large_jpeg_is_decoded_reduced_with_its_resolution(tmp_path):
    """A photo far larger than the engine reads is decoded at a fraction of
    its size (the memory of its full-size copies saved), its dpi scaled."""
    from PIL import Image

    from rsearch.indexer.formats.image import load_frame

    path = tmp_path / "photo.jpg"
    Image.new("RGB", (8000, 6000), "white").save(path, dpi=(400, 400))
    frame, dpi = load_frame(path, 0)
    assert frame.mode == "L" and frame.size == (4000, 3000) and dpi == 200
    assert max(frame.size) >= ocr.MAX_SIDE
    small = tmp_path / "small.jpg"
    Image.new("RGB", (2000, 1500), "white").save(small, dpi=(300, 300))
    assert load_frame(small, 0)[0].size == (2000, 1500) and load_frame(small, 0)[1] == 300


@needs_engine
@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads the peak from Linux's /proc")
def test_an_ocr_worker_reads_a_page_in_bounded_memory(tmp_path):
    """A fresh process reading a scanned A4 page as the indexer's pool
    workers do stays well under 1 GB (about 400 MB; 770 MB with the
    engine's default settings: docs/benchmarks.md#ocr)."""
    # The peak of the process's own memory (VmHWM): getrusage's ru_maxrss
    # would also count the pytest process it was forked from.
    code = (
        "import pathlib\n"
        "from rsearch.indexer.formats import scans\n"
        f"p = pathlib.Path({str(SCANS / 'two_column_scan.pdf')!r})\n"
        "assert scans._read_page((str(p), scans.file_digest(p), 0))[2] > 0.9\n"
        "status = dict(line.split(':', 1) for line in open('/proc/self/status'))\n"
        "print(int(status['VmHWM'].split()[0]) // 1024)\n"
    )
    env = {**os.environ, "RSEARCH_CACHE_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout.split()[-1]) < 600

"""What finding a run's scanned pages costs on PDFs that have none.

    .venv/bin/python bench/bench_scan_check.py [--files 60] [--rounds 3]

Before it takes the write lock, ``rsearch index`` looks for pages that need
OCR in every file it was given (indexer.formats.scans.prepare), so that they
are read on the OCR pool with a progress bar. For a PDF that means asking
which of its pages have images and no text layer. This measures that look
against reading the same files (indexer.formats.read_document: the reader's
own work, which runs on the reading pool afterwards), on text PDFs written
with reportlab (a third with a photo on their first page) from real report text (../shared/realworld: work reports of
many pages, articles of one or two; the seeds when it is absent), kept
under bench/out/scan-check (never committed).

Both are timed in this process, alternating file by file, ``--rounds``
times; the figures are medians over rounds of the totals (CPU-seconds and
wall), with the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

REALWORLD = REPO.parent / "shared" / "realworld"
OUT = REPO / "bench" / "out" / "scan-check"
FONT = "STSong-Light"


def texts(n: int) -> list[tuple[str, str]]:
    """(name, text): work reports first (long), then articles and releases."""
    docs = REALWORLD / "docs"
    if docs.exists():
        paths = sorted((docs / "gov_reports_2026").glob("*.txt"))[: n // 3]
        paths += sorted((docs / "rmrb").glob("*.txt"))[: n // 3]
        paths += sorted((docs / "tainan_press").glob("*.txt"))[: n - len(paths)]
    else:
        paths = sorted((REPO / "seeds").glob("*.txt"))[:n]
    return [(p.stem, p.read_text(encoding="utf-8")) for p in paths]


def write_pdf(path: Path, text: str, photo: bool = False) -> int:
    """A text PDF of ``text``: A4, 10.5 pt, lines filled by measured width;
    with ``photo``, a picture above the text on its first page. Returns its
    number of pages."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    w, h = A4
    size, leading, margin = 10.5, 16, 56
    y, pages = h - margin, 1
    if photo:
        from PIL import Image
        from reportlab.lib.utils import ImageReader

        picture = Image.linear_gradient("L").resize((400, 250)).convert("RGB")
        c.drawImage(ImageReader(picture), margin, y - 150, width=240, height=150)
        y -= 170
    for para in (p.strip() for p in text.splitlines()):
        while para:
            n = 1
            while n < len(para) and stringWidth(para[: n + 1], FONT, size) <= w - 2 * margin:
                n += 1
            if y < margin:
                c.showPage()
                y, pages = h - margin, pages + 1
            c.setFont(FONT, size)
            c.drawString(margin, y, para[:n])
            para = para[n:]
            y -= leading
    c.showPage()
    c.save()
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    from rsearch.indexer.formats import read_document
    from rsearch.indexer.formats.scans import pending_pages

    OUT.mkdir(parents=True, exist_ok=True)
    files, pages, photos = [], 0, 0
    for k, (name, text) in enumerate(texts(args.files)):
        photo = k % 3 == 2
        path = OUT / f"{name}{'-photo' if photo else ''}.pdf"
        if not path.exists():
            write_pdf(path, text, photo)
        files.append(path)
        photos += photo
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
        pages += len(pdf)
        pdf.close()
    load = os.getloadavg()
    check_cpu, check_wall, read_cpu, read_wall = [], [], [], []
    for _ in range(args.rounds):
        totals = [0.0, 0.0, 0.0, 0.0]
        for path in files:
            for k, work in ((0, pending_pages), (2, read_document)):
                w, c = time.perf_counter(), time.process_time()
                found = work(path)
                totals[k + 1] += time.perf_counter() - w
                totals[k] += time.process_time() - c
                if k == 0:
                    assert found == [], f"{path}: a text PDF has no scanned pages"
        check_cpu.append(totals[0])
        check_wall.append(totals[1])
        read_cpu.append(totals[2])
        read_wall.append(totals[3])
    load = [round((a + b) / 2, 2) for a, b in zip(load, os.getloadavg())]
    med = statistics.median
    print(f"{len(files)} text PDFs ({photos} with a photo), {pages} pages, {args.rounds} rounds (medians)")
    print(f"  looking for scanned pages: {med(check_cpu):.2f} CPU-s, {med(check_wall):.2f} s wall "
          f"({1000 * med(check_cpu) / pages:.2f} CPU-ms a page)")
    print(f"  reading the files:         {med(read_cpu):.2f} CPU-s, {med(read_wall):.2f} s wall "
          f"({1000 * med(read_cpu) / pages:.2f} CPU-ms a page)")
    print(f"  the look costs {med(check_cpu) / med(read_cpu):.0%} of reading, in the indexer's main process "
          f"before the readers start; load average {load[0]} (1 min) on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()

"""OCR on real text: character error rate, structure recovered, speed, memory.

    .venv/bin/python bench/bench_ocr.py [--docs 12] [--layouts one,two] [--dpi 300,150]
                                        [--noise clean,noisy] [--vertical 2] [--json out.json]
                                        [--cache]

Real report text from ../shared/realworld (People's Daily articles with their
title, kicker, subtitle and byline; Tainan press releases in traditional
script; provincial work reports, first page) and the seeds is typeset into
A4 page images (bench/page_render.py: a CJK TrueType font, one column or a
newspaper's two columns under a headline spanning both, at 150 and 300
dpi), clean and with mild scan noise (up to a degree of rotation, blur,
grey-level noise, JPEG). Each page is read the way the indexer reads a scan
(indexer.formats.ocr, then the PDF reader's layout logic) and compared with
what was set:

* CER: character error rate, the edit distance between the OCR text and
  the text set (white space and heading marks left out on both sides) over
  the length of the text set;
* titles right: the share of pages whose first report, recovered by the
  indexer's structure recovery from the OCR text, has the source's labelled
  title (white space left out, full- and half-width forms taken as one:
  ``1930.`` read for ``1930．`` is a character error, which the CER counts;
  ``exactly`` counts without that); ``born digital`` is the same for the
  characters as the typesetter placed them (a PDF with a text layer), so
  the difference is what OCR costs;
* people right: the same for the labelled byline names (People's Daily);
* seconds per page: wall and CPU of the OCR call, one engine thread (the
  indexer runs one thread per worker process, a worker per core), with the
  load average of the machine;
* peak memory: the largest resident set of this process (engine, models,
  one page at a time).

``--vertical N`` adds N Tainan releases set in vertical columns (reported
apart). ``--cache`` keeps the engine's reading of each page image under
bench/out/ocr-pages and uses it again: a change of the layout or the
structure code is then measured again in seconds (times are the first
reading's). Pages are sampled deterministically (``--seed``). OCR is CPU-heavy:
about 5-15 CPU-seconds a page, so the defaults read 12 documents x 2
layouts x 2 resolutions x 2 = 96 pages.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import statistics
import sys
import time
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

from page_render import Article, from_markdown, render, scan_noise  # noqa: E402

REALWORLD = REPO.parent / "shared" / "realworld"
SEEDS = REPO / "seeds"


def strip(text: str) -> str:
    """Text without white space or heading marks."""
    text = re.sub(r"(?m)^#+ ", "", text)
    return "".join(text.split())


def cer(ocr_text: str, reference: str) -> float:
    """The reference is normalised as the indexer normalises all text
    (core.text.normalize: ``年,深入`` is written ``年，深入``), so that only
    what the engine misread counts."""
    from rapidfuzz.distance import Levenshtein

    from rsearch.core.text.normalize import normalize

    ref = strip(normalize(reference))
    return Levenshtein.distance(strip(ocr_text), ref) / max(1, len(ref))


# ------------------------------------------------------------------ sources

def _labels() -> dict[str, dict]:
    out = {}
    with open(REALWORLD / "labels.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            out[row["file"]] = row
    return out


def _plain_article(text: str, title: str) -> Article | None:
    """Title (the labelled one, from where the text prints it) and the
    lines after it as paragraphs; a work report's ``——...会议上`` line is
    its subtitle; web chrome before the title is not on a printed page."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    key = strip(title)
    at = next((k for k, ln in enumerate(lines) if strip(ln) == key), None)
    if at is None:
        return None
    rest = lines[at + 1:]
    subtitle = rest.pop(0) if rest and rest[0].startswith("——") else None
    return Article(title, rest, subtitle=subtitle)


def documents(n: int, seed: int) -> list[dict]:
    """About half People's Daily articles, a quarter Tainan releases, the
    rest work reports and seeds."""
    rng = random.Random(seed)
    docs: list[dict] = []
    if REALWORLD.exists():
        labels = _labels()
        by_kind: dict[str, list] = {}
        for name, row in sorted(labels.items()):
            by_kind.setdefault(row["kind"], []).append(row)
        for kind, share in (("article", 0.5), ("press_release", 0.25), ("report", 0.125)):
            rows = by_kind.get(kind, [])
            rng.shuffle(rows)
            for row in rows[: max(1, round(n * share))]:
                path = REALWORLD / row["file"]
                label = row["reports"][0]
                if kind == "article":
                    article = from_markdown(path.with_suffix(".md").read_text(encoding="utf-8"))
                else:
                    article = _plain_article(path.read_text(encoding="utf-8"), label["title"])
                if article is None or not article.title:
                    continue
                docs.append({"name": row["file"], "kind": kind, "script": row["script"], "article": article,
                             "title": label["title"], "people": label.get("people", [])})
    seeds = sorted(SEEDS.glob("*.txt"))
    rng.shuffle(seeds)
    for path in seeds[: max(1, n - len(docs))]:
        article = _seed_article(path.read_text(encoding="utf-8"))
        if article:
            docs.append({"name": f"seeds/{path.name}", "kind": "seed", "script": "simplified",
                         "article": article, "title": article.title, "people": []})
    return docs[:n]


def _seed_article(md: str) -> Article | None:
    """A seed's ``# title`` and what follows (the photo caption before it left out)."""
    at = md.find("\n# ")
    if at < 0:
        return None
    return from_markdown(md[at + 1:])


# ------------------------------------------------------------------ reading

CACHE = REPO / "bench" / "out" / "ocr-pages"


def read_page(image, dpi: float, cache: bool = False):
    """OCR + layout, as the indexer reads a scan: (text, confidence, wall,
    cpu). With ``cache``, the engine's reading of an image is kept under
    bench/out/ocr-pages (keyed by the image, its dpi and the engine's
    settings), so that a change of the layout or structure code is measured
    again in seconds; wall and cpu are then those of the first reading."""
    from rsearch.indexer.formats import ocr
    from rsearch.indexer.formats.pdf import layout_text, page_paragraphs

    key = None
    if cache:
        import hashlib

        h = hashlib.sha1(image.tobytes())
        h.update(repr((image.size, dpi, ocr.engine_version(), ocr.engine_settings())).encode())
        key = CACHE / f"{h.hexdigest()}.json"
    if key is not None and key.exists():
        data = json.loads(key.read_text(encoding="utf-8"))
        page, wall, cpu = ocr.OcrPage.from_json(data["page"]), data["wall"], data["cpu"]
    else:
        wall, cpu = time.perf_counter(), time.process_time()
        page = ocr.recognise(image, dpi=dpi, threads=1)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if key is not None:
            key.parent.mkdir(parents=True, exist_ok=True)
            key.write_text(json.dumps({"page": page.to_json(), "wall": wall, "cpu": cpu}), encoding="utf-8")
    text = layout_text([page_paragraphs(page.chars(), page.span)])
    return text, page.confidence, wall, cpu


def structure(text: str, name: str):
    from rsearch.indexer.pipeline import recover_reports

    reports = recover_reports(text, name)
    return reports[0] if reports else None


def folded(text: str) -> str:
    """Text without white space, full- and half-width forms as one (NFKC):
    ``《1930．烏山頭》`` read as ``《1930.烏山頭》`` is the right title with one
    character misread, which the CER counts."""
    return unicodedata.normalize("NFKC", strip(text))


def judge(text: str, doc: dict) -> tuple[bool, bool | None, bool]:
    """(title right up to character width, people right, title exactly right)."""
    report = structure(text, doc["name"])
    got = report.title if report and report.title else None
    people = None
    if doc["people"]:
        people = bool(report) and set(doc["people"]) <= set(report.names())
    return (got is not None and folded(got) == folded(doc["title"]), people,
            got is not None and strip(got) == strip(doc["title"]))


def born_digital(page) -> str:
    from rsearch.indexer.formats.pdf import layout_text, page_paragraphs

    return layout_text([page_paragraphs(page.chars, page.width_pt)])


# ------------------------------------------------------------------ main

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=12)
    parser.add_argument("--layouts", default="one,two")
    parser.add_argument("--dpi", default="300,150")
    parser.add_argument("--noise", default="clean,noisy")
    parser.add_argument("--vertical", type=int, default=0, help="traditional releases set vertically")
    parser.add_argument("--seed", type=int, default=23)
    parser.add_argument("--json", help="write every page's figures here")
    parser.add_argument("--show", action="store_true", help="print each page's OCR text")
    parser.add_argument("--only", help="only documents whose name contains this")
    parser.add_argument("--cache", action="store_true",
                        help="keep the engine's readings under bench/out/ocr-pages and use them again "
                             "(for measuring layout and structure changes; times are the first run's)")
    args = parser.parse_args()

    from rsearch.indexer.formats import ocr

    if not ocr.available():
        raise SystemExit(ocr.INSTALL_HINT)
    docs = documents(args.docs, args.seed)
    if args.only:
        docs = [d for d in docs if args.only in d["name"]]
    if not REALWORLD.exists():
        print(f"note: {REALWORLD} is absent: seeds only", file=sys.stderr)
    variants = [(layout, int(dpi), noise) for layout in args.layouts.split(",")
                for dpi in args.dpi.split(",") for noise in args.noise.split(",")]
    if args.vertical:
        trad = [d for d in documents(args.docs * 4, args.seed + 1) if d["script"] == "traditional"]
        vertical = [(d, ("vertical", 300, "clean")) for d in trad[: args.vertical]]
    else:
        vertical = []
    # Warm up (models loaded, first-run allocations) outside the figures.
    read_page(render(docs[0]["article"], dpi=150).image, 150)

    rows = []
    load = os.getloadavg()
    jobs = [(d, v) for d in docs for v in variants] + vertical
    for k, (doc, (layout, dpi, noise)) in enumerate(jobs):
        page = render(doc["article"], layout=layout, dpi=dpi)
        image = scan_noise(page.image, seed=k) if noise == "noisy" else page.image
        text, confidence, wall, cpu = read_page(image, dpi, args.cache)
        title_ok, people_ok, title_exact = judge(text, doc)
        base_title, base_people, _ = judge(born_digital(page), doc) if layout != "vertical" else (None, None, None)
        row = dict(doc=doc["name"], kind=doc["kind"], layout=layout, dpi=dpi, noise=noise,
                   chars=len(strip(page.text)), cer=round(cer(text, page.text), 4),
                   confidence=round(confidence or 0, 4), title_set=page.title_set,
                   title=title_ok, title_exact=title_exact, people=people_ok, born_digital_title=base_title,
                   born_digital_people=base_people, wall=round(wall, 2), cpu=round(cpu, 2))
        rows.append(row)
        print(f"[{k + 1}/{len(jobs)}] {doc['name']} {layout} {dpi}dpi {noise}: CER {row['cer']:.2%}, "
              f"confidence {row['confidence']:.3f}, title {'right' if title_ok else 'WRONG'}"
              f"{'' if people_ok is None else ', people ' + ('right' if people_ok else 'WRONG')}, "
              f"{wall:.1f} s ({cpu:.1f} CPU-s)", flush=True)
        if not title_ok and page.title_set:
            report_ = structure(text, doc["name"])
            print(f"    title wanted {doc['title']!r}, got {report_.title if report_ else None!r}")
        if args.show:
            print(text)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load = [round((a + b) / 2, 2) for a, b in zip(load, os.getloadavg())]
    print()
    report(rows, peak, load)
    if args.json:
        Path(args.json).write_text(json.dumps({"pages": rows, "peak_mb": peak, "load": load},
                                              ensure_ascii=False, indent=1), encoding="utf-8")


def report(rows: list[dict], peak: float, load: list[float]) -> None:
    def line(label: str, sel: list[dict]) -> None:
        if not sel:
            return
        titled = [r for r in sel if r["title_set"]]
        people = [r for r in sel if r["people"] is not None]
        digital = [r for r in titled if r["born_digital_title"] is not None]
        print(f"{label:<26} pages {len(sel):>3}  CER mean {statistics.mean(r['cer'] for r in sel):6.2%} "
              f"median {statistics.median(r['cer'] for r in sel):6.2%}  "
              f"titles right {sum(r['title'] for r in titled)}/{len(titled)}"
              f" (exactly {sum(r['title_exact'] for r in titled)})"
              + (f" (born digital {sum(r['born_digital_title'] for r in digital)}/{len(digital)})" if digital else "")
              + (f"  people right {sum(r['people'] for r in people)}/{len(people)}"
                 f" (born digital {sum(bool(r['born_digital_people']) for r in people)})" if people else "")
              + f"  s/page {statistics.median(r['wall'] for r in sel):.1f} wall, "
              f"{statistics.median(r['cpu'] for r in sel):.1f} CPU (median)")

    flat = [r for r in rows if r["layout"] != "vertical"]
    for dpi in sorted({r["dpi"] for r in flat}, reverse=True):
        for noise in ("clean", "noisy"):
            line(f"{dpi} dpi {noise}", [r for r in flat if r["dpi"] == dpi and r["noise"] == noise])
    for layout in sorted({r["layout"] for r in flat}):
        line(f"layout {layout}", [r for r in flat if r["layout"] == layout])
    for kind in sorted({r["kind"] for r in flat}):
        line(f"source {kind}", [r for r in flat if r["kind"] == kind])
    line("vertical (traditional)", [r for r in rows if r["layout"] == "vertical"])
    line("all", flat)
    print(f"peak memory {peak:.0f} MB (this process: Python, rsearch, the engine, one page); "
          f"load average during the run {load[0]} (1 min), {load[1]} (5 min) on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()

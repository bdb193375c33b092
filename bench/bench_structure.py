"""Structure recovery measured on real, labelled documents (no Elasticsearch).

    .venv/bin/python bench/bench_structure.py [--corpus DIR] [--json FILE] [--misses N]

``DIR`` (default ``../shared/realworld`` beside the repository) holds
``labels.jsonl``, one line per file under it (the format is described in that
corpus's README): ``file``, ``kind`` (``page`` for a newspaper page of several
articles), ``script`` and ``reports``, each with an optional ``title``,
``date``, ``people``, ``author_raw`` and ``sections``. Every file is parsed by
``rsearch.indexer.parse.parse_file``, the call ``rsearch parse`` prints.

Figures, per source (the folder under ``docs/``) and kind, and overall:

* titles: the parsed title equals the label, ignoring white space and script
  (both folded to simplified). A file of one document is judged by its first
  report; a page's articles are matched to its reports (below).
* people recall: the share of labelled ``people`` names the report credits;
  precision: the share of names the report credits that are right - in
  ``people`` where the label has it, else occurring in ``author_raw`` (a
  report with neither is not judged, nor one whose ``author_raw`` is its
  ``source_raw``: a page's author meta that names the site itself, 网易,
  says nothing of who wrote it). Editors (责任编辑, 本版责编) are left
  out of both: labels come from the author field, which never lists them.
* dates: the report's date equals the labelled day.
* sections: the share of labelled section headings that head a parsed section.
* pages exact: the share of ``page`` files parsed into exactly their labelled
  articles, with the right titles in order.
* one report: the share of single-document files parsed as one report.

A page's labelled articles are matched to its reports in order: each to the
first unused report after the previous match whose title is right, else (when
the counts agree) to the report at its own position; an unmatched article
counts as wrong for title and date and finds none of its people.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "realworld"

METRICS = ("titles", "people_recall", "people_precision", "dates", "sections", "pages_exact", "one_report")
# Where each labelled report's date came from (report_date's sources): the
# text alone; the text, with its year or month from the file's record; the
# file's record itself (page metadata, the file's name); nothing.
ORIGINS = ("text", "text+record", "record", "none")
ORIGIN_HEADERS = {"text": "from the text", "text+record": "text, year/month from the file",
                  "record": "file's record (metadata / name)", "none": "undated"}
HEADERS = {
    "titles": "titles", "people_recall": "people R", "people_precision": "people P", "dates": "dates",
    "sections": "sections", "pages_exact": "pages exact", "one_report": "one report",
}
EDITOR = "editor"
BASELINE = REPO / "bench" / "structure_baseline.json"
BASELINE_NOTE = ("Percentages per source (kind) and overall on ../shared/realworld; "
                 "tests/unit/test_structure_benchmark.py fails when one drops more than 1 point below. "
                 "Raise them as the figures improve.")


def _norm(text: str | None) -> str:
    """Text as compared: normalised as the indexer normalises every text (a
    half-width colon between Chinese characters is a full-width one), folded
    to simplified script, without white space."""
    from rsearch.core.analysis import fold, normalize

    return "".join(fold(normalize(text or "")).split()).rstrip("：:。")


class Tally:
    """hits / total per metric for one group of files."""

    def __init__(self) -> None:
        self.hit: dict[str, int] = defaultdict(int)
        self.total: dict[str, int] = defaultdict(int)
        self.files = 0

    def add(self, metric: str, hit: int, total: int = 1) -> None:
        self.hit[metric] += hit
        self.total[metric] += total

    def merge(self, other: Tally) -> None:
        self.files += other.files
        for m in other.total:
            self.add(m, other.hit[m], other.total[m])

    def pct(self, metric: str) -> float | None:
        total = self.total.get(metric, 0)
        return round(100.0 * self.hit[metric] / total, 1) if total else None

    def to_dict(self) -> dict:
        return {"files": self.files} | {
            m: {"hit": self.hit[m], "total": self.total[m], "pct": self.pct(m)}
            for m in (*METRICS, *(f"date_{o}" for o in ORIGINS)) if self.total.get(m)
        }


def _writers(report) -> list[str]:
    return list(dict.fromkeys(p.name for p in report.people if p.role != EDITOR))


def _match_page(labels: list[dict], reports: list) -> list:
    """For each labelled article, its report (or None); see the module doc."""
    out = []
    pos = 0
    used: set[int] = set()
    for k, label in enumerate(labels):
        want = _norm(label.get("title"))
        found = next((j for j in range(pos, len(reports)) if j not in used and _norm(reports[j].title) == want), None)
        if found is None and len(reports) == len(labels) and k not in used:
            found = k
        if found is not None:
            used.add(found)
            pos = max(pos, found + 1)
        out.append(reports[found] if found is not None else None)
    return out


def date_origin(source: str | None) -> str:
    """Which of ``ORIGINS`` a report's ``date_source`` is."""
    from rsearch.indexer.report_date import RECORDS, source_parts

    rung, record = source_parts(source)
    if rung is None:
        return "none"
    if rung in RECORDS:
        return "record"
    return "text+record" if record else "text"


def score_report(tally: Tally, label: dict, report, misses: list) -> None:
    """Add one labelled report (and the parsed report given for it, maybe None)."""
    where = label.get("_file", "")
    if "title" in label:
        got = report.title if report is not None else None
        ok = report is not None and _norm(got) == _norm(label["title"])
        tally.add("titles", ok)
        if not ok:
            misses.append(("title", where, label["title"], got))
    if "date" in label:
        got = report.date if report is not None else None
        ok = got == label["date"]
        tally.add("dates", ok)
        origin = date_origin(report.date_source if report is not None else None)
        tally.add(f"date_{origin}", ok)
        if not ok:
            misses.append(("date", where, label["date"], f"{got} ({report.date_source if report else '-'})"))
    names = _writers(report) if report is not None else []
    if "people" in label:
        want = [_norm(n) for n in label["people"]]
        got = [_norm(n) for n in names]
        tally.add("people_recall", sum(1 for n in want if n in got), len(want))
        tally.add("people_precision", sum(1 for n in got if n in want), len(got))
        if set(want) != set(got):
            misses.append(("people", where, label["people"], names))
    elif "author_raw" in label and _norm(label["author_raw"]) != _norm(label.get("source_raw")):
        raw = _norm(label["author_raw"])
        got = [_norm(n) for n in names]
        tally.add("people_precision", sum(1 for n in got if n and n in raw), len(got))
        if any(n not in raw for n in got):
            misses.append(("people", where, label["author_raw"], names))
    if label.get("sections"):
        heads = {_norm(s.heading or s.title) for s in (report.sections if report is not None else [])}
        for section in label["sections"]:
            # (a label may be the heading line as written: ``### 标题``)
            ok = _norm(re.sub(r"^#+[ \t]*", "", section).replace("**", "")) in heads
            tally.add("sections", ok)
            if not ok:
                misses.append(("section", where, section, None))


def score_file(corpus: Path, row: dict, misses: list, name_dates: bool = True) -> Tally:
    from rsearch.indexer.parse import parse_file

    tally = Tally()
    tally.files = 1
    parsed = parse_file(corpus / row["file"], name_dates=name_dates)
    reports = parsed.reports
    labels = [dict(r, _file=row["file"]) for r in row["reports"]]
    if row["kind"] == "page":
        matched = _match_page(labels, reports)
        exact = len(reports) == len(labels) and all(
            _norm(r.title) == _norm(label.get("title")) for r, label in zip(reports, labels)
        )
        tally.add("pages_exact", exact)
        if not exact:
            misses.append(("page", row["file"], [label.get("title") for label in labels], [r.title for r in reports]))
    else:
        matched = [reports[0] if reports else None] + [None] * (len(labels) - 1)
        tally.add("one_report", len(reports) == 1)
        if len(reports) != 1:
            misses.append(("one_report", row["file"], 1, [r.title for r in reports]))
    for label, report in zip(labels, matched):
        score_report(tally, label, report, misses)
    return tally


def group_of(row: dict) -> str:
    parts = Path(row["file"]).parts
    source = parts[1] if len(parts) > 2 and parts[0] == "docs" else (parts[0] if len(parts) > 1 else ".")
    return f"{source} ({row['kind']})"


def evaluate(corpus: Path, name_dates: bool = True) -> tuple[dict[str, Tally], list]:
    """Tallies per group and ``overall``, and the misses (kind, file, want, got)."""
    rows = [json.loads(line) for line in (corpus / "labels.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    groups: dict[str, Tally] = {}
    misses: list = []
    for row in rows:
        tally = score_file(corpus, row, misses, name_dates)
        groups.setdefault(group_of(row), Tally()).merge(tally)
    overall = Tally()
    for tally in groups.values():
        overall.merge(tally)
    return dict(sorted(groups.items())) | {"overall": overall}, misses


def figures(groups: dict[str, Tally]) -> dict[str, dict[str, float]]:
    """Percentages per group and metric (what the baseline file holds)."""
    return {g: {m: t.pct(m) for m in METRICS if t.pct(m) is not None} for g, t in groups.items()}


def table(groups: dict[str, Tally]) -> str:
    """A markdown table: one row per group, each cell ``pct% (hit/total)``."""
    used = [m for m in METRICS if any(t.total.get(m) for t in groups.values())]
    lines = ["| source (kind) | files | " + " | ".join(HEADERS[m] for m in used) + " |",
             "|---|---:|" + "---:|" * len(used)]
    for name, t in groups.items():
        cells = [f"{t.pct(m):.1f}% ({t.hit[m]}/{t.total[m]})" if t.total.get(m) else "" for m in used]
        label = f"**{name}**" if name == "overall" else name
        lines.append(f"| {label} | {t.files} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def origins_table(groups: dict[str, Tally]) -> str:
    """Where the labelled reports' dates came from, per group: each cell
    ``n (k right)``, so that a date figure shows how much of it the text
    earned and how much the file's own record."""
    lines = ["| source (kind) | labelled dates | " + " | ".join(ORIGIN_HEADERS[o] for o in ORIGINS) + " |",
             "|---|---:|" + "---:|" * len(ORIGINS)]
    for name, t in groups.items():
        if not t.total.get("dates"):
            continue
        cells = [f"{t.total[f'date_{o}']} ({t.hit[f'date_{o}']} right)" if t.total.get(f"date_{o}") else ""
                 for o in ORIGINS]
        label = f"**{name}**" if name == "overall" else name
        lines.append(f"| {label} | {t.total['dates']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="folder with labels.jsonl and the files it names (default: ../shared/realworld)")
    parser.add_argument("--json", type=Path, help="also write the figures (hits, totals, percentages) here")
    parser.add_argument("--write-baseline", type=Path, metavar="FILE",
                        help="write the percentages as the baseline the fast test holds them to "
                        "(bench/structure_baseline.json)")
    parser.add_argument("--no-name-dates", action="store_true",
                        help="ignore dates written in file names (what the text and the files' metadata date)")
    parser.add_argument("--misses", type=int, default=0, metavar="N",
                        help="print up to N misses of each kind (title, date, people, section, page, one_report)")
    args = parser.parse_args(argv)
    if not (args.corpus / "labels.jsonl").is_file():
        print(f"error: no labels.jsonl in {args.corpus}", file=sys.stderr)
        return 2
    sys.path.insert(0, str(REPO))
    started, cpu = time.perf_counter(), time.process_time()
    groups, misses = evaluate(args.corpus, name_dates=not args.no_name_dates)
    print(f"corpus {args.corpus}: {groups['overall'].files} files, "
          f"{time.perf_counter() - started:.1f} s ({time.process_time() - cpu:.1f} CPU-s)\n")
    print(table(groups))
    print("\nWhere the dates came from (labelled reports; n (right)):\n")
    print(origins_table(groups))
    if args.misses:
        shown: dict[str, int] = defaultdict(int)
        for kind, where, want, got in misses:
            if shown[kind] < args.misses:
                shown[kind] += 1
                print(f"\n{kind} {where}\n  want: {want}\n  got:  {got}")
    if args.write_baseline:
        corpus = "../shared/realworld" if args.corpus == DEFAULT_CORPUS else str(args.corpus)
        baseline = {"corpus": corpus, "command": "bench/bench_structure.py --write-baseline",
                    "note": BASELINE_NOTE, "figures": figures(groups)}
        args.write_baseline.write_text(json.dumps(baseline, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps({g: t.to_dict() for g, t in groups.items()}, ensure_ascii=False, indent=1),
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

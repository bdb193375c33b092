"""Benchmark reading + structure recovery + chunking (no Elasticsearch).

    python bench/make_corpus.py            # once: >= 50 MB in bench/out/corpus
    python bench/bench_parse.py [CORPUS] [--runs 3]

Each run reads every file of the corpus (read_text), recovers its reports
(parse_reports) and cuts them into chunks (chunk_report). Prints the input
throughput of every run and the median (MB/s of input bytes), chunk and
report counts, and the peak memory of the process (ru_maxrss: resident set
size, which includes the interpreter and libraries). Unreadable files are
counted, not fatal.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from rsearch.indexer.chunking import chunk_report  # noqa: E402
from rsearch.indexer.pipeline import iter_files  # noqa: E402
from rsearch.indexer.reader import UnreadableFile, read_text  # noqa: E402
from rsearch.indexer.pipeline import recover_reports as parse_reports  # noqa: E402


def one_run(files: list[Path]) -> dict:
    started = time.perf_counter()
    size = reports = chunks = bad = 0
    for path in files:
        size += path.stat().st_size
        try:
            text = read_text(path)
        except UnreadableFile:
            bad += 1
            continue
        for report in parse_reports(text, str(path)):
            reports += 1
            chunks += len(chunk_report(report))
    elapsed = time.perf_counter() - started
    return dict(seconds=elapsed, mb=size / 1024 / 1024, reports=reports, chunks=chunks, bad=bad)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", default=str(REPO / "bench" / "out" / "corpus"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    files = list(iter_files([args.corpus]))
    if not files:
        raise SystemExit(f"no .txt/.md files in {args.corpus}; run bench/make_corpus.py first")
    # Warm-up outside the timing: lazy imports (cpca gazetteer, rjieba dictionary).
    for path in files[:20]:
        try:
            for report in parse_reports(read_text(path), str(path)):
                chunk_report(report)
        except UnreadableFile:
            pass

    rates = []
    for n in range(args.runs):
        r = one_run(files)
        rate = r["mb"] / r["seconds"]
        rates.append(rate)
        print(
            f"run {n + 1}: {r['mb']:.1f} MB in {r['seconds']:.2f} s = {rate:.2f} MB/s "
            f"({len(files)} files, {r['reports']} reports, {r['chunks']} chunks, {r['bad']} unreadable)"
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"median: {statistics.median(rates):.2f} MB/s of input; peak RSS {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()

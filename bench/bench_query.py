"""Query speed on the 50 MB corpus: Elasticsearch's own ``took`` and the
library's end-to-end time (search.search), median and p99; and a CLI search
in a new process.

    .venv/bin/python bench/bench_indexing.py --keep --es-url URL   # leaves index bench-e2e
    .venv/bin/python bench/bench_query.py --es-url URL [--index bench-e2e] [--queries 300]

Queries are drawn (fixed seed) from the indexed text itself: one to three
words cut from random chunks, so they hit real postings of every size.
Targets: library overhead (end to end - took) <= 20 ms at the median; CLI
search in a new process <= 0.8 s at the median (issue 21).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def draw_queries(es, index, n, seed=7):
    from rsearch.core.analysis import word_tokens

    rng = random.Random(seed)
    resp = es.search(index=index, size=2000, query={"function_score": {
        "random_score": {"seed": seed, "field": "_seq_no"}}}, source=["text"])
    texts = [h["_source"]["text"] for h in resp["hits"]["hits"]]
    queries = []
    while len(queries) < n:
        words = [w for w in word_tokens(rng.choice(texts)) if len(w) >= 2]
        if len(words) < 3:
            continue
        k = rng.choice([1, 1, 2, 2, 3])
        start = rng.randrange(0, len(words) - k + 1)
        queries.append(" ".join(words[start:start + k]))
    return queries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--es-url", required=True)
    parser.add_argument("--index", default="bench-e2e")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--cli-runs", type=int, default=10)
    args = parser.parse_args()

    from rsearch.core.settings import Settings
    from rsearch.search import search

    es = Settings(url=args.es_url).client()
    count = es.count(index=args.index)["count"]
    queries = draw_queries(es, args.index, args.queries)
    for q in queries[:50]:  # warm caches and the analysis chain
        search(q, client=es, index=args.index)
    took, total = [], []
    for q in queries:
        t0 = time.perf_counter()
        r = search(q, client=es, index=args.index, limit=10)
        total.append((time.perf_counter() - t0) * 1000)
        took.append(r.took)
    overhead = [t - k for t, k in zip(total, took)]
    print(f"index {args.index}: {count} chunks; {len(queries)} queries (1-3 words, with facets, highlights)")
    print(f"Elasticsearch took: median {statistics.median(took):.1f} ms, p99 {pct(took, 99):.1f} ms")
    print(f"library end to end: median {statistics.median(total):.1f} ms, p99 {pct(total, 99):.1f} ms")
    print(f"library overhead (end to end - took): median {statistics.median(overhead):.1f} ms, "
          f"p99 {pct(overhead, 99):.1f} ms (target <= 20 ms at the median)")

    rsearch = str(Path(sys.executable).parent / "rsearch")
    env = {**os.environ, "RSEARCH_ES_URL": args.es_url, "RSEARCH_INDEX": args.index}
    cli = []
    for q in queries[: args.cli_runs + 1]:
        t0 = time.perf_counter()
        subprocess.run([rsearch, "search", q, "-n", "10"], env=env, check=True, capture_output=True)
        cli.append(time.perf_counter() - t0)
    cli = cli[1:]  # the first run also warms the OS file cache
    print(f"CLI search in a new process: median {statistics.median(cli):.3f} s, max {max(cli):.3f} s "
          f"over {len(cli)} runs (target <= 0.8 s)")


if __name__ == "__main__":
    main()

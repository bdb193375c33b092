"""Queries per second on one node and on a three-node cluster, same machine.

    .venv/bin/python bench/bench_cluster.py [--mb 10] [--heap 512m] [--threads 8,32]
        [--seconds 10] [--queries 200] [--json FILE]

The corpus is bench/make_corpus.py's (cached in ``bench/out/scale-<MB>``).
Three layouts, each indexed by ``indexer.sync.index_paths`` with
``rebuild=True`` (what ``rsearch index --rebuild`` does) into a fresh
cluster of the test distribution on loopback, each node with heap
``--heap``:

* one node, the default layout (one shard, replicas ``0-1``: none);
* three nodes (rsearch.localnode.cluster), the default layout (one shard,
  ``0-1``: one replica, so two nodes hold a copy);
* three nodes, ``--replicas 2`` (a copy on every node).

For each: ``rsearch.search.search`` (default facets) with N threads sharing
one client (given every node's URL) for ``--seconds``, random 2-6 character
strings cut from the texts (as bench_scale.py): queries/s, and the median and
p95 latency. The load average is printed next to each figure.

Expect little from three nodes here: they share the same two cores, so a
replica adds copies to search, not CPU to search them with. The point is
that nothing breaks and the figures are honest; on machines of their own the
replicas are what lets the searches spread.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from bench_scale import make_corpus, pct, random_strings  # noqa: E402


def load_test(url: str, alias: str, queries: list[str], threads: int, seconds: float) -> dict:
    from rsearch.core.settings import Settings
    from rsearch.search import search

    es = Settings(url=url, request_timeout=120).client().options(request_timeout=120)
    for q in queries[:20]:  # warm caches
        search(q, client=es, index=alias)
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]
    stop = time.perf_counter() + seconds

    def worker(k: int) -> None:
        rng = random.Random(k)
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            try:
                search(rng.choice(queries), client=es, index=alias)
            except Exception:
                with lock:
                    errors[0] += 1
                continue
            with lock:
                latencies.append((time.perf_counter() - t0) * 1000)

    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    wall = time.perf_counter() - t0
    es.close()
    return {"threads": threads, "qps": round(len(latencies) / wall, 1), "p50_ms": round(statistics.median(latencies), 1),
            "p95_ms": round(pct(latencies, 95), 1), "errors": errors[0], "load": round(load, 1)}


def index_corpus(url: str, alias: str, corpus: Path, replicas: str | None) -> dict:
    from rsearch.core import layout
    from rsearch.core.settings import Settings
    from rsearch.indexer.sync import index_paths

    es = Settings(url=url, request_timeout=600).client()
    t0 = time.perf_counter()
    summary = index_paths(es, alias, [corpus], rebuild=True, progress=False, replicas=replicas)
    assert summary.ok, summary.errors[:3]
    es.cluster.health(index=alias, wait_for_status="green", timeout="300s")
    info = layout.describe(es, summary.index)
    es.close()
    return {"chunks": summary.chunks, "index_s": round(time.perf_counter() - t0, 1), "layout": info}


def texts_of(corpus: Path) -> list[str]:
    return [p.read_text(encoding="utf-8", errors="replace") for p in sorted(corpus.rglob("*.txt"))[:400]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=10.0)
    parser.add_argument("--heap", default="512m", help="heap of every node (default 512m)")
    parser.add_argument("--threads", default="8,32")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--json")
    args = parser.parse_args()

    from rsearch.localnode.cluster import temporary_cluster
    from rsearch.localnode.temporary import temporary_node

    corpus = make_corpus(args.mb)
    queries = random_strings(texts_of(corpus), args.queries, random.Random(3))
    threads = [int(t) for t in args.threads.split(",")]
    results = []

    def measure(name: str, url: str, replicas: str | None) -> None:
        res = {"setup": name, **index_corpus(url, "bench-cluster", corpus, replicas)}
        res["load"] = [load_test(url, "bench-cluster", queries, n, args.seconds) for n in threads]
        results.append(res)
        lay = res["layout"]
        print(f"== {name}: {res['chunks']} chunks, shards {lay['shards']}, replicas {lay['replicas']} "
              f"({lay['copies_started']} copies on {len(lay['nodes'])} node(s)), health {lay['health']}; "
              f"indexed in {res['index_s']} s", flush=True)
        for r in res["load"]:
            print(f"   {r['threads']:3d} threads: {r['qps']:7.1f} queries/s, p50 {r['p50_ms']:.0f} ms, "
                  f"p95 {r['p95_ms']:.0f} ms, errors {r['errors']} (load {r['load']})", flush=True)

    with temporary_node(heap=args.heap, prefix="rsearch-bench-cluster-") as node:
        measure("one node", node.url, None)
    with temporary_cluster(3, heap=args.heap, prefix="rsearch-bench-cluster-") as cluster:
        measure("three nodes", cluster.url, None)
        measure("three nodes, --replicas 2", cluster.url, "2")

    base = {r["threads"]: r["qps"] for r in results[0]["load"]}
    print("\nqueries/s against one node:")
    for res in results[1:]:
        print(f"  {res['setup']:28s} " + ", ".join(
            f"{r['threads']} threads {r['qps'] / base[r['threads']]:.2f}x" for r in res["load"]))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()

"""How indexing, the store and queries scale with the corpus, in one run.

    .venv/bin/python bench/bench_scale.py [--sizes 5,20,80] [--es-url URL] [--json FILE]

For each size (MB of input) a corpus is made by bench/make_corpus.py (cached
in bench/out/scale-<MB>) and indexed with ``indexer.sync.index_paths`` into a
fresh alias. Printed per size:

* indexing: wall MB/s; CPU-s per MB on the Python side (this process's rusage
  plus its children's, i.e. the worker pool) and on the Elasticsearch side
  (the node process and its children via psutil; only meaningful when the
  node is ours, i.e. without --es-url);
* store: size as indexed (refreshed and flushed) and after the merge to one
  segment that ``--rebuild`` does (indexer.merge), each against a plain index of the same chunk texts analysed by
  Elasticsearch's ``standard`` analyzer (merged likewise);
* queries, on the merged index (what ``--rebuild`` leaves): Elasticsearch's
  ``took`` and the library's end-to-end time (``search.search`` with the
  default facets), median and p95, for random 2-6 character strings cut from
  the indexed texts and for common words (中国 ...); then queries/s with 8 and
  32 threads sharing one client; and the same queries counting no facets
  (what the default facets cost). ``--unmerged`` also times the queries before
  the merge.

The machine is shared: compare figures within one run (ratios), not across.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

COMMON_WORDS = ["中国", "发展", "工作", "经济", "人民", "社会", "历史", "政府", "城市", "文化"]
PLAIN_MAPPING = {"properties": {"text": {"type": "text", "analyzer": "standard"}}}


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def make_corpus(mb: float) -> Path:
    out = REPO / "bench" / "out" / f"scale-{mb:g}"
    marker = out / ".complete"
    if not marker.exists():
        subprocess.run([sys.executable, str(REPO / "bench" / "make_corpus.py"), str(out), "--mb", str(mb)],
                       check=True, stdout=subprocess.DEVNULL)
        marker.write_text("ok")
    return out


def own_cpu() -> float:
    """CPU seconds of this process and of its waited-for children (the worker pool)."""
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


class NodeCPU:
    """CPU seconds of the Elasticsearch node process tree (None when not ours)."""

    def __init__(self, pid: int | None):
        import psutil

        self.proc = psutil.Process(pid) if pid else None

    def __call__(self) -> float | None:
        if self.proc is None:
            return None
        total = 0.0
        for p in [self.proc, *self.proc.children(recursive=True)]:
            try:
                t = p.cpu_times()
                total += t.user + t.system + t.children_user + t.children_system
            except Exception:  # a child that exited between listing and reading
                pass
        return total


def store_bytes(es, index: str) -> int:
    es.indices.refresh(index=index)
    es.indices.flush(index=index)
    return es.indices.stats(index=index, metric="store")["_all"]["primaries"]["store"]["size_in_bytes"]


def force_merge(es, index: str) -> float:
    """The merge ``--rebuild`` does before the alias swap (indexer.merge)."""
    from rsearch.indexer.merge import merge_for_search

    return merge_for_search(es, index)


def drop(es, pattern: str) -> None:
    for old in es.indices.get(index=pattern, expand_wildcards="all"):
        es.indices.delete(index=old)


def fresh_alias(es, name: str) -> str:
    from rsearch.core import analysis
    from rsearch.indexer import index_admin
    from rsearch.indexer.merge import settings_while_building

    drop(es, f"{name}*")
    physical = index_admin.create_physical(es, name, analysis.dictionary_version())
    es.indices.put_settings(index=physical, settings=settings_while_building())  # as --rebuild builds its index
    index_admin.point_alias(es, name, physical)
    return physical


def all_texts(es, index: str) -> list[str]:
    from elasticsearch.helpers import scan

    return [h["_source"].get("text") or "" for h in
            scan(es, index=index, query={"query": {"match_all": {}}, "_source": ["text"]}, size=2000)]


def plain_index(es, texts: list[str]) -> tuple[int, int]:
    """Store bytes (as indexed, merged) of the texts in a plain `standard` index."""
    from elasticsearch.helpers import streaming_bulk

    drop(es, "bench-plain*")
    es.indices.create(index="bench-plain", mappings=PLAIN_MAPPING,
                      settings={"number_of_shards": 1, "number_of_replicas": 0})
    for ok, item in streaming_bulk(es, ({"_index": "bench-plain", "_source": {"text": t}} for t in texts),
                                   chunk_size=1000, raise_on_error=True):
        pass
    unmerged = store_bytes(es, "bench-plain")
    force_merge(es, "bench-plain")
    merged = store_bytes(es, "bench-plain")
    drop(es, "bench-plain*")
    return unmerged, merged


def random_strings(texts: list[str], n: int, rng: random.Random) -> list[str]:
    """Random 2-6 character runs of Chinese characters cut from the texts."""
    out = []
    pool = [t for t in texts if len(t) >= 10]
    while len(out) < n:
        t = rng.choice(pool)
        k = rng.randint(2, 6)
        i = rng.randrange(0, len(t) - k)
        s = t[i:i + k]
        if all("\u4e00" <= ch <= "\u9fff" for ch in s):
            out.append(s)
    return out


def time_queries(es, index: str, queries: list[str], facets=None) -> dict:
    from rsearch.search import search

    for q in queries[:20]:  # warm caches and the analysis chain
        search(q, client=es, index=index, facets=facets)
    took, total = [], []
    for q in queries:
        t0 = time.perf_counter()
        r = search(q, client=es, index=index, facets=facets)
        total.append((time.perf_counter() - t0) * 1000)
        took.append(r.took)
    return {"took_median_ms": statistics.median(took), "took_p95_ms": pct(took, 95),
            "e2e_median_ms": statistics.median(total), "e2e_p95_ms": pct(total, 95), "n": len(queries)}


def throughput(url: str, index: str, queries: list[str], threads: int, seconds: float) -> float:
    from rsearch.core.settings import Settings
    from elasticsearch import Elasticsearch
    from rsearch.search import search

    settings = Settings(url=url, request_timeout=120)
    es = Elasticsearch(settings.resolved_url, request_timeout=120, connections_per_node=threads)
    done = [0] * threads
    stop = time.perf_counter() + seconds

    def worker(k: int) -> None:
        rng = random.Random(k)
        while time.perf_counter() < stop:
            search(rng.choice(queries), client=es, index=index)
            done[k] += 1

    t0 = time.perf_counter()
    with ThreadPoolExecutor(threads) as ex:
        list(ex.map(worker, range(threads)))
    return sum(done) / (time.perf_counter() - t0)


def run_size(es, url: str, node_cpu: NodeCPU, mb_wanted: float, args) -> dict:
    from rsearch.indexer.pipeline import iter_files
    from rsearch.indexer.sync import index_paths

    corpus = make_corpus(mb_wanted)
    files = list(iter_files([corpus]))
    mb = sum(f.stat().st_size for f in files) / 2**20
    alias = "bench-scale"
    fresh_alias(es, alias)

    es0, py0, t0 = node_cpu(), own_cpu(), time.perf_counter()
    peak0 = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    summary = index_paths(es, alias, [corpus], progress=False)
    wall = time.perf_counter() - t0
    py_cpu, es1 = own_cpu() - py0, node_cpu()
    es_cpu = None if es0 is None else es1 - es0
    assert summary.ok, summary.errors[:3]
    physical = summary.index
    res = {"mb": round(mb, 2), "files": len(files), "chunks": summary.chunks,
           "index_s": round(wall, 2), "mb_per_s": round(mb / wall, 3),
           "python_cpu_s_per_mb": round(py_cpu / mb, 3),
           "es_cpu_s_per_mb": None if es_cpu is None else round(es_cpu / mb, 3),
           "peak_rss_mb_self": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
           "peak_rss_mb_worker": round(max(peak0, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024)}
    res["store_unmerged_mb"] = round(store_bytes(es, physical) / 2**20, 2)

    texts = all_texts(es, physical)
    rng = random.Random(11)
    rand_q = random_strings(texts, args.queries, rng)
    common_q = [COMMON_WORDS[i % len(COMMON_WORDS)] for i in range(max(20, args.queries // 4))]
    if args.unmerged:
        res["unmerged_random"] = time_queries(es, alias, rand_q)
        res["unmerged_common"] = time_queries(es, alias, common_q)

    res["force_merge_s"] = round(force_merge(es, physical), 2)
    # What `rsearch index --rebuild` takes end to end: the indexing and the merge.
    res["with_merge_mb_per_s"] = round(mb / (wall + res["force_merge_s"]), 3)
    res["store_merged_mb"] = round(store_bytes(es, physical) / 2**20, 2)
    plain_unmerged, plain_merged = plain_index(es, texts)
    res["plain_unmerged_mb"] = round(plain_unmerged / 2**20, 2)
    res["plain_merged_mb"] = round(plain_merged / 2**20, 2)
    res["store_ratio_unmerged"] = round(res["store_unmerged_mb"] / res["plain_unmerged_mb"], 2)
    res["store_ratio_merged"] = round(res["store_merged_mb"] / res["plain_merged_mb"], 2)

    res["random"] = time_queries(es, alias, rand_q)
    res["common"] = time_queries(es, alias, common_q)
    # What the default facets cost: the same queries counting none.
    res["random_no_facets"] = time_queries(es, alias, rand_q, facets=[])
    res["common_no_facets"] = time_queries(es, alias, common_q, facets=[])
    for threads in (8, 32):
        res[f"qps_{threads}"] = round(throughput(url, alias, rand_q, threads, args.qps_seconds), 1)
    return res


def show(r: dict) -> None:
    es_cpu = "n/a" if r["es_cpu_s_per_mb"] is None else f"{r['es_cpu_s_per_mb']:.2f}"
    print(f"== {r['mb']:.1f} MB: {r['files']} files, {r['chunks']} chunks")
    print(f"  indexing: {r['index_s']:.1f} s = {r['mb_per_s']:.2f} MB/s; CPU-s/MB python {r['python_cpu_s_per_mb']:.2f}, "
          f"elasticsearch {es_cpu}; peak RSS self {r['peak_rss_mb_self']} MB, worker {r['peak_rss_mb_worker']} MB")
    print(f"  store: unmerged {r['store_unmerged_mb']:.1f} MB ({r['store_ratio_unmerged']:.2f}x plain "
          f"{r['plain_unmerged_mb']:.1f}), merged {r['store_merged_mb']:.1f} MB ({r['store_ratio_merged']:.2f}x plain "
          f"{r['plain_merged_mb']:.1f}); force-merge {r['force_merge_s']:.1f} s "
          f"(indexing and merge: {r['with_merge_mb_per_s']:.2f} MB/s)")
    for key in ("unmerged_random", "unmerged_common", "random", "common", "random_no_facets", "common_no_facets"):
        if key in r:
            q = r[key]
            print(f"  {key:17s} took median {q['took_median_ms']:.1f} p95 {q['took_p95_ms']:.1f} ms; "
                  f"end to end median {q['e2e_median_ms']:.1f} p95 {q['e2e_p95_ms']:.1f} ms (n={q['n']})")
    print(f"  queries/s (random, merged): 8 threads {r['qps_8']:.0f}, 32 threads {r['qps_32']:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="5,20,80", help="corpus sizes in MB, comma-separated")
    parser.add_argument("--es-url", help="use this cluster (Elasticsearch CPU is then not measured)")
    parser.add_argument("--heap", default="1g")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--qps-seconds", type=float, default=8.0)
    parser.add_argument("--unmerged", action="store_true", help="also time queries before the force-merge")
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args()
    sizes = [float(s) for s in args.sizes.split(",") if s.strip()]

    from rsearch.core.settings import Settings
    from rsearch.localnode.temporary import node_url_and_pid

    results = []
    with contextlib.ExitStack() as stack:
        url, pid = stack.enter_context(node_url_and_pid(args.es_url, heap=args.heap, prefix="rsearch-scale-"))
        es = Settings(url=url, request_timeout=600).client()
        node_cpu = NodeCPU(pid)
        for mb in sizes:
            r = run_size(es, url, node_cpu, mb, args)
            show(r)
            results.append(r)
            sys.stdout.flush()
        drop(es, "bench-scale*")
    if args.json:
        Path(args.json).write_text(json.dumps({"sizes": results}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()

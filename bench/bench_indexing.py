"""End-to-end indexing throughput against its ceiling, in one run.

    .venv/bin/python bench/make_corpus.py            # once: >= 50 MB in bench/out/corpus
    .venv/bin/python bench/bench_indexing.py [--corpus DIR] [--es-url URL] [--rounds 2]

* prepare: read + structure + chunk + analyse every file into documents
  (written to bench/out/prepared.ndjson), no Elasticsearch;
* ceiling: bulk-index those prepared documents alone into a fresh index;
* end to end: ``rsearch index`` (indexer.sync.index_paths) on the corpus into a
  fresh index: read, structure, analysis and bulk, pipelined.
Throughput is MB of input files per second. The target is end to end within
1.5x of the ceiling. Rounds alternate ceiling / end to end; medians reported.
Without --es-url a local node (heap 1g) is started in a temporary directory.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import statistics
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def corpus_mb(files) -> float:
    return sum(f.stat().st_size for f in files) / 2**20


def prepare(files, out: Path) -> tuple[float, int]:
    from indexer.documents import to_document
    from indexer.pipeline import load_file
    from indexer.reader import UnreadableFile
    from indexer.sync import source_key

    t0 = time.perf_counter()
    n = 0
    with out.open("w", encoding="utf-8") as fh:
        for path in files:
            try:
                chunks = load_file(path, source_path=source_key(path))
            except UnreadableFile:
                continue
            for chunk in chunks:
                fh.write(json.dumps({"_id": chunk.id, "_source": to_document(chunk)}, ensure_ascii=False))
                fh.write("\n")
                n += 1
    return time.perf_counter() - t0, n


def fresh_alias(es, name: str) -> str:
    from core import analysis, index_admin

    for old in es.indices.get(index=f"{name}*", expand_wildcards="all"):
        es.indices.delete(index=old)
    physical = index_admin.create_physical(es, name, analysis.dictionary_version())
    index_admin.point_alias(es, name, physical)
    return physical


def ceiling(es, prepared: Path) -> float:
    from indexer.bulk import bulk_write

    physical = fresh_alias(es, "bench-ceiling")
    failed = []

    def actions():
        with prepared.open(encoding="utf-8") as fh:
            for line in fh:
                doc = json.loads(line)
                yield {"_op_type": "index", "_index": physical, "_id": doc["_id"], "_source": doc["_source"]}

    t0 = time.perf_counter()
    bulk_write(es, actions(), lambda a, ok, err: ok or failed.append(err))
    es.indices.refresh(index=physical)
    elapsed = time.perf_counter() - t0
    assert not failed, failed[:3]
    return elapsed


def end_to_end(es, corpus: Path) -> tuple[float, dict]:
    from indexer.sync import index_paths

    fresh_alias(es, "bench-e2e")
    t0 = time.perf_counter()
    summary = index_paths(es, "bench-e2e", [corpus], progress=False)
    elapsed = time.perf_counter() - t0
    return elapsed, summary.to_dict()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default=str(REPO / "bench" / "out" / "corpus"))
    parser.add_argument("--es-url")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="leave the bench-e2e index (for bench_query.py)")
    args = parser.parse_args()

    from indexer.pipeline import iter_files
    from core.settings import Settings

    corpus = Path(args.corpus)
    files = list(iter_files([corpus]))
    mb = corpus_mb(files)
    if mb < 50:
        print(f"warning: corpus is {mb:.1f} MB; run bench/make_corpus.py for >= 50 MB")
    out = REPO / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    prepared = out / "prepared.ndjson"

    from rsearch.localnode.temporary import node_url

    cluster = contextlib.ExitStack()
    url = cluster.enter_context(node_url(args.es_url, heap="1g", prefix="rsearch-bench-"))
    es = Settings(url=url, request_timeout=120).client()
    try:
        prep_s, n_docs = prepare(files, prepared)
        print(f"corpus: {len(files)} files, {mb:.1f} MB, {n_docs} chunks")
        print(f"prepare (read+structure+chunk+analyse, no ES): {prep_s:.1f}s = {mb / prep_s:.2f} MB/s")
        ceilings, e2es = [], []
        summary = {}
        for r in range(args.rounds):
            c = ceiling(es, prepared)
            ceilings.append(c)
            e, summary = end_to_end(es, corpus)
            e2es.append(e)
            print(f"round {r + 1}: ceiling {c:.1f}s ({mb / c:.2f} MB/s), end to end {e:.1f}s "
                  f"({mb / e:.2f} MB/s), ratio {e / c:.2f}")
        assert summary["failed"] == 0 and summary["indexed"] == n_docs, summary
        c, e = statistics.median(ceilings), statistics.median(e2es)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"median: ceiling {mb / c:.2f} MB/s, end to end {mb / e:.2f} MB/s, "
              f"end to end / ceiling = {e / c:.2f}x (target <= 1.5x); peak RSS of this process {peak:.0f} MB")
        if not args.keep:
            for name in ("bench-ceiling", "bench-e2e"):
                for old in es.indices.get(index=f"{name}*"):
                    es.indices.delete(index=old)
    finally:
        cluster.close()


if __name__ == "__main__":
    main()

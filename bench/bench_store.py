"""Where the chunk index's bytes are, field by field, next to a plain index.

    .venv/bin/python bench/bench_store.py [--mb 20] [--es-url URL] [--json FILE]

A corpus of ``--mb`` MB (bench/make_corpus.py, cached in bench/out/scale-<MB>)
is indexed with ``indexer.sync.index_paths`` into a fresh alias (the mapping
of mappings/chunks.json), merged as ``--rebuild`` merges it (indexer.merge),
and measured with Elasticsearch's ``_disk_usage?run_expensive_tasks=true``:
per field, the inverted index, stored fields (``_source``, ``_id``,
``_recovery_source``), doc values, norms and points. The same chunk texts then
go into a plain ``standard`` index (bench/bench_scale.py's PLAIN_MAPPING),
merged likewise and measured the same way. Also printed: the store as indexed
and merged against the plain index, the bulk body per MB of input (every
document serialised as the client sends it, action lines included), and the
Elasticsearch CPU-s per MB of indexing (only when the node is ours).

Store sizes are deterministic for a given corpus and mapping; CPU figures are
noisy on a shared machine (compare within one run or take medians).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_scale import (PLAIN_MAPPING, NodeCPU, all_texts, drop, force_merge,  # noqa: E402
                         fresh_alias, make_corpus, store_bytes)

PARTS = ("inverted_index", "stored_fields", "doc_values", "points", "norms", "term_vectors")


def disk_usage(es, index: str) -> dict[str, dict[str, int]]:
    """Bytes per field and part (inverted_index, stored_fields, ...) of one index."""
    resp = es.perform_request("POST", f"/{index}/_disk_usage", params={"run_expensive_tasks": "true"},
                              headers={"accept": "application/json"}).body
    fields = resp[index]["fields"]
    out = {}
    for name, f in fields.items():
        row = {p: int(f[p]["total_in_bytes"]) if isinstance(f.get(p), dict) else int(f.get(f"{p}_in_bytes", 0))
               for p in PARTS}
        row["total"] = int(f["total_in_bytes"])
        out[name] = row
    return out


def bulk_bytes(es, corpus: Path) -> tuple[int, int]:
    """Bytes of the bulk bodies for the corpus (action + document lines, as the
    client serialises them) and the number of documents."""
    from rsearch.indexer.documents import to_document
    from rsearch.indexer.pipeline import iter_files, load_file
    from rsearch.indexer.reader import UnreadableFile
    from rsearch.indexer.sync import source_key

    serializer = es.transport.serializers.get_serializer("application/json")
    total = n = 0
    for path in iter_files([corpus]):
        try:
            chunks = load_file(path, source_path=source_key(path))
        except UnreadableFile:
            continue
        for chunk in chunks:
            action = {"index": {"_index": "x", "_id": chunk.id}}
            total += len(serializer.dumps(action)) + len(serializer.dumps(to_document(chunk))) + 2
            n += 1
    return total, n


def plain(es, texts: list[str]) -> dict:
    from elasticsearch.helpers import streaming_bulk

    drop(es, "bench-plain*")
    es.indices.create(index="bench-plain", mappings=PLAIN_MAPPING,
                      settings={"number_of_shards": 1, "number_of_replicas": 0})
    for _ in streaming_bulk(es, ({"_index": "bench-plain", "_source": {"text": t}} for t in texts),
                            chunk_size=1000, raise_on_error=True):
        pass
    res = {"unmerged": store_bytes(es, "bench-plain")}
    force_merge(es, "bench-plain")
    res["merged"] = store_bytes(es, "bench-plain")
    res["fields"] = disk_usage(es, "bench-plain")
    drop(es, "bench-plain*")
    return res


def show_fields(title: str, fields: dict[str, dict[str, int]], total: int) -> None:
    mb = 2**20
    print(f"-- {title}: {total / mb:.2f} MB on disk (merged)")
    print(f"  {'field':22s} {'total':>8s} {'inverted':>9s} {'stored':>8s} {'docval':>8s} {'norms':>7s} "
          f"{'points':>7s}  share")
    for name, row in sorted(fields.items(), key=lambda kv: -kv[1]["total"]):
        if row["total"] < 0.001 * total:
            continue
        print(f"  {name:22s} {row['total'] / mb:8.2f} {row['inverted_index'] / mb:9.2f} "
              f"{row['stored_fields'] / mb:8.2f} {row['doc_values'] / mb:8.2f} {row['norms'] / mb:7.2f} "
              f"{row['points'] / mb:7.2f}  {100 * row['total'] / total:4.1f}%")
    groups = defaultdict(int)
    for name, row in fields.items():
        for suffix in ("_chars", "_bigrams", "_folded", ".keyword"):
            if name.endswith(suffix):
                groups["*" + suffix] += row["total"]
                break
        else:
            groups[name if name.startswith("_") or name in ("text", "title", "section", "subtitle")
                   else "other keyword/number/date fields"] += row["total"]
    print("  by group: " + ", ".join(f"{k} {v / mb:.2f} MB ({100 * v / total:.0f}%)"
                                      for k, v in sorted(groups.items(), key=lambda kv: -kv[1])))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=20)
    parser.add_argument("--es-url")
    parser.add_argument("--heap", default="1g")
    parser.add_argument("--json")
    args = parser.parse_args()

    from rsearch.core.schema import mapping_version
    from rsearch.core.settings import Settings
    from rsearch.indexer.pipeline import iter_files
    from rsearch.indexer.sync import index_paths
    from rsearch.localnode.temporary import node_url_and_pid

    corpus = make_corpus(args.mb)
    mb = sum(f.stat().st_size for f in iter_files([corpus])) / 2**20
    with contextlib.ExitStack() as stack:
        url, pid = stack.enter_context(node_url_and_pid(args.es_url, heap=args.heap, prefix="rsearch-store-"))
        es = Settings(url=url, request_timeout=600).client()
        node_cpu = NodeCPU(pid)
        alias = "bench-store"
        fresh_alias(es, alias)
        es0, t0 = node_cpu(), time.perf_counter()
        summary = index_paths(es, alias, [corpus], progress=False)
        wall = time.perf_counter() - t0
        es_cpu = None if es0 is None else node_cpu() - es0
        assert summary.ok, summary.errors[:3]
        physical = summary.index
        res = {"mapping_version": mapping_version(), "mb": round(mb, 2), "chunks": summary.chunks,
               "index_s": round(wall, 1),
               "es_cpu_s_per_mb": None if es_cpu is None else round(es_cpu / mb, 3),
               "unmerged": store_bytes(es, physical)}
        texts = all_texts(es, physical)
        force_merge(es, physical)
        res["merged"] = store_bytes(es, physical)
        res["fields"] = disk_usage(es, physical)
        drop(es, f"{alias}*")
        res["plain"] = plain(es, texts)
    body, n = bulk_bytes(es, corpus)
    res["bulk_bytes_per_mb"] = round(body / mb)

    p = res["plain"]
    print(f"== mapping v{res['mapping_version']}, {mb:.1f} MB input, {res['chunks']} chunks; "
          f"indexed in {res['index_s']} s, Elasticsearch {res['es_cpu_s_per_mb']} CPU-s/MB")
    print(f"  store as indexed {res['unmerged'] / 2**20:.2f} MB = {res['unmerged'] / p['unmerged']:.2f}x plain "
          f"({p['unmerged'] / 2**20:.2f}); merged {res['merged'] / 2**20:.2f} MB = "
          f"{res['merged'] / p['merged']:.2f}x plain ({p['merged'] / 2**20:.2f})")
    print(f"  bulk body {body / 2**20:.1f} MB = {body / 2**20 / mb:.2f} MB per MB of input ({n} documents)")
    show_fields(f"chunk index v{res['mapping_version']}", res["fields"], res["merged"])
    show_fields("plain standard index", p["fields"], p["merged"])
    if args.json:
        Path(args.json).write_text(json.dumps(res, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()

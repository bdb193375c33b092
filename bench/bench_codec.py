"""What the stored-fields codec costs at query time, in one run.

    .venv/bin/python bench/bench_codec.py [--mb 5] [--queries 200] [--es-url URL]

The same documents (a bench/make_corpus.py corpus, prepared by the indexer's
own ``to_document``) go into two indices with the mapping of
mappings/chunks.json, one with ``index.codec`` ``default`` (LZ4) and one with
``best_compression`` (zstd), both merged as ``--rebuild`` merges. Then
``search.search`` runs random 2-6 character strings cut from the texts and
common words against both, alternating query by query, at 10 and 100 hits;
printed: store size and Elasticsearch ``took`` median / p95 per codec.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_scale import COMMON_WORDS, drop, make_corpus, pct, random_strings, store_bytes  # noqa: E402
from bench_store import disk_usage  # noqa: E402

CODECS = ("default", "best_compression")


def documents(corpus: Path) -> list[tuple[str, dict]]:
    from rsearch.indexer.documents import to_document
    from rsearch.indexer.pipeline import iter_files, load_file
    from rsearch.indexer.reader import UnreadableFile
    from rsearch.indexer.sync import source_key

    out = []
    for path in iter_files([corpus]):
        try:
            chunks = load_file(path, source_path=source_key(path))
        except UnreadableFile:
            continue
        out += [(c.id, to_document(c)) for c in chunks]
    return out


def build(es, name: str, codec: str, docs) -> int:
    from elasticsearch.helpers import bulk

    from rsearch.core.schema import definition

    d = definition()
    settings = dict(d["settings"], codec=codec)
    drop(es, f"{name}*")
    es.indices.create(index=name, settings=settings, mappings=d["mappings"])
    from rsearch.indexer.merge import merge_for_search

    bulk(es.options(request_timeout=600), ({"_index": name, "_id": i, "_source": s} for i, s in docs),
         chunk_size=500)
    es.indices.refresh(index=name)
    # A longer lease wait than --rebuild's: the comparison needs both without _recovery_source.
    merge_for_search(es, name, lease_wait=180)
    recovery = disk_usage(es, name).get("_recovery_source", {}).get("total", 0)
    assert recovery == 0, f"{name} kept {recovery} bytes of _recovery_source"
    return store_bytes(es, name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=5)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--es-url")
    args = parser.parse_args()

    from rsearch.core.settings import Settings
    from rsearch.localnode.temporary import node_url
    from rsearch.search import search

    docs = documents(make_corpus(args.mb))
    texts = [s.get("text") or "" for _, s in docs]
    rng = random.Random(7)
    queries = random_strings(texts, args.queries, rng) + COMMON_WORDS * 2
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(node_url(args.es_url, heap="1g", prefix="rsearch-codec-"))
        es = Settings(url=url, request_timeout=600).client()
        sizes = {codec: build(es, f"bench-codec-{codec}", codec, docs) for codec in CODECS}
        for limit in (10, 100, 10, 100):
            took = {codec: [] for codec in CODECS}
            for q in queries[:20]:  # warm up
                for codec in CODECS:
                    search(q, client=es, index=f"bench-codec-{codec}", limit=limit)
            for q in queries:
                for codec in CODECS:
                    took[codec].append(search(q, client=es, index=f"bench-codec-{codec}", limit=limit).took)
            for codec in CODECS:
                print(f"{codec:17s} store {sizes[codec] / 2**20:6.2f} MB; {limit:3d} hits: took median "
                      f"{statistics.median(took[codec]):.1f} p95 {pct(took[codec], 95):.1f} ms "
                      f"(n={len(queries)})", flush=True)
        for codec in CODECS:
            drop(es, f"bench-codec-{codec}*")


if __name__ == "__main__":
    main()

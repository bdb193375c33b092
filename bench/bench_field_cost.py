"""What each analysed field of the mapping costs Elasticsearch to index, in one run.

    .venv/bin/python bench/bench_field_cost.py [--mb 10] [--rounds 2] [--heap 1g] [--json FILE]

The corpus is bench/make_corpus.py's (cached in ``bench/out/scale-<MB>``, as
bench_scale.py makes it). Its files are prepared once, as ``rsearch index``
prepares them (indexer.boundary.prepare_file: the same documents, the same
JSON), and the same documents are then bulk-indexed, 500 per request, one
request in flight, into one fresh index per variant of mappings/chunks.json
on one local node (its own temporary directory), with a rebuild's settings
(no refreshes, asynchronous translog, no replica). Variants:

* ``v9``: the mapping as shipped;
* ``no-text-bigrams``: without ``text_bigrams`` (titles' and headings' kept);
* ``no-bigrams``: without any ``*_bigrams`` field;
* ``no-chars``: without the ``*_chars`` fields (bigrams only);
* ``plain``: the chunk text alone in one ``standard`` field (the floor).

Per variant, medians over the rounds (variants in turn, the order reversed
each round): the bulk requests' wall seconds, the node's CPU-seconds per MB
of input for the bulk requests and for the refresh that writes the segment,
and the store after a merge to one segment. A first pass over 3,000
documents per variant, unmeasured, warms the node's JIT.

This is Elasticsearch's side only; bench_rebuild.py and bench_scale.py time
the whole command. The machine is shared: read the ratios within one run.
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from bench_rebuild import node_cpu  # noqa: E402
from bench_scale import make_corpus  # noqa: E402

VARIANTS = ("v9", "no-text-bigrams", "no-bigrams", "no-chars", "plain")
FIELDS = ("title", "section", "text")


def variant(name: str, definition: dict) -> tuple[dict, dict, bool]:
    """(settings, mappings, text only?) of one variant."""
    from rsearch.indexer.merge import settings_while_building

    d = copy.deepcopy(definition)
    settings = {**d["settings"], "number_of_shards": 1, "number_of_replicas": 0, **settings_while_building()}
    props = d["mappings"]["properties"]
    if name == "plain":
        return settings, {"properties": {"text": {"type": "text", "analyzer": "standard"}}}, True
    dropped = {"no-text-bigrams": ["text_bigrams"], "no-bigrams": [f"{f}_bigrams" for f in FIELDS],
               "no-chars": [f"{f}_chars" for f in FIELDS]}.get(name, [])
    for field in dropped:
        del props[field]
    for source in (*FIELDS, *(f"{f}_folded" for f in FIELDS)):
        props[source]["copy_to"] = [t for t in props[source]["copy_to"] if t not in dropped]
    if name == "no-chars":
        settings.pop("query")  # its default fields are gone
    return settings, d["mappings"], False


def prepared_documents(corpus: Path) -> list[tuple[str, bytes]]:
    from rsearch.indexer.boundary import prepare_file, warm_up
    from rsearch.indexer.walk import source_key

    warm_up()
    docs = []
    for path in sorted(p for p in corpus.rglob("*") if p.is_file() and not p.name.startswith(".")):
        chunks, _ = prepare_file((path, source_key(path), frozenset()))
        docs += [(chunk_id, doc) for chunk_id, _, doc in chunks or ()]
    return docs


def bodies(docs: list[tuple[str, bytes]], text_only: bool) -> list[bytes]:
    import orjson

    def source(doc: bytes) -> bytes:
        return orjson.dumps({"text": orjson.loads(doc)["text"]}) if text_only else doc

    return [b"".join(b'{"index":{"_id":"%s"}}\n%s\n' % (i.encode(), source(d)) for i, d in docs[n:n + 500])
            for n in range(0, len(docs), 500)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=10.0, help="corpus size in MB (default 10)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--heap", default="1g")
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args()

    import psutil

    from rsearch.core.schema import definition
    from rsearch.core.settings import Settings
    from rsearch.localnode.temporary import temporary_node

    corpus = make_corpus(args.mb)
    mb = sum(p.stat().st_size for p in corpus.rglob("*") if p.is_file()) / 2**20
    docs = prepared_documents(corpus)
    print(f"corpus {corpus}: {mb:.1f} MB, {len(docs)} documents", flush=True)
    shapes = {name: variant(name, definition()) for name in VARIANTS}
    requests = {name: bodies(docs, shapes[name][2]) for name in VARIANTS}
    warm = {name: bodies(docs[:3000], shapes[name][2]) for name in VARIANTS}

    with temporary_node(heap=args.heap, prefix="rsearch-bench-fields-") as node:
        es = Settings(url=node.url, request_timeout=600).client()
        pid = node.node.status().pid

        def cpu() -> float:
            return node_cpu(pid)

        def run(name: str, batch: list[bytes]) -> dict:
            settings, mappings, _ = shapes[name]
            index = f"bench-fields-{name}"
            es.options(ignore_status=404).indices.delete(index=index)
            es.indices.create(index=index, settings=settings, mappings=mappings, wait_for_active_shards="1")
            c0, t0 = cpu(), time.monotonic()
            for body in batch:
                if es.bulk(index=index, operations=body)["errors"]:
                    raise SystemExit(f"{name}: a bulk request had errors")
            c1, t1 = cpu(), time.monotonic()
            es.indices.refresh(index=index)
            c2 = cpu()
            es.options(request_timeout=600).indices.forcemerge(index=index, max_num_segments=1)
            store = es.indices.stats(index=index, metric="store")["_all"]["primaries"]["store"]["size_in_bytes"]
            es.indices.delete(index=index)
            return {"bulk_s": t1 - t0, "bulk_cpu_per_mb": (c1 - c0) / mb, "refresh_cpu_per_mb": (c2 - c1) / mb,
                    "store_mb": store / 2**20}

        for name in VARIANTS:
            run(name, warm[name])
        runs: dict[str, list[dict]] = {name: [] for name in VARIANTS}
        for r in range(args.rounds):
            for name in VARIANTS if r % 2 == 0 else VARIANTS[::-1]:
                runs[name].append(run(name, requests[name]))
                print(f"  round {r + 1} {name:16s} bulk {runs[name][-1]['bulk_s']:5.2f} s  (load "
                      f"{psutil.getloadavg()[0]:.1f})", flush=True)

    keys = ("bulk_s", "bulk_cpu_per_mb", "refresh_cpu_per_mb", "store_mb")
    figures = {name: {k: statistics.median(x[k] for x in runs[name]) for k in keys} for name in VARIANTS}
    print(f"\nmedians over {args.rounds} round(s), {mb:.1f} MB, {len(docs)} documents, Elasticsearch only")
    print(f"{'variant':16s} {'bulk s':>7s} {'CPU-s/MB bulk':>14s} {'refresh':>8s} {'both':>6s} {'store MB':>9s}")
    for name, f in figures.items():
        print(f"{name:16s} {f['bulk_s']:7.2f} {f['bulk_cpu_per_mb']:14.3f} {f['refresh_cpu_per_mb']:8.3f} "
              f"{f['bulk_cpu_per_mb'] + f['refresh_cpu_per_mb']:6.3f} {f['store_mb']:9.1f}")
    if args.json:
        Path(args.json).write_text(json.dumps({"mb": mb, "documents": len(docs), "runs": runs,
                                               "medians": figures}, indent=1))


if __name__ == "__main__":
    main()

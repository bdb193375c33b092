"""Relevance benchmark: passage retrieval on CMRC 2018, this engine against
two plain Elasticsearch baselines, on the same node in the same run.

    .venv/bin/python bench/bench_relevance.py [--split trial|dev] [--es-url URL]
        [--limit-queries N] [--json FILE] [--heap 1g]

Data: CMRC 2018 (CC BY-SA 4.0, SQuAD format), read from ``<repo>/../shared/
bench/cmrc2018/`` (override the ``shared`` folder with RSEARCH_SHARED); it is
never copied into the repository.

Task: the corpus is EVERY passage (``context``) of the trial AND the dev file,
identical contexts merged (1,104 passages); the queries are the questions of
one split (``--split``, default dev: 3,219 questions; trial: 1,002, the only
split the weights in search/engine.py were tuned on); a question's one
relevant passage is the one it was written on. Metrics over the top 100:
MRR@10 (reciprocal rank of the relevant passage if it is in the top 10, else
0, averaged), Recall@1/10/100 (share of questions whose passage is in the top
k). The trial file has 2 blank questions: a miss for every system (the
engine would read an empty query as "browse everything"). Query time is
wall-clock per question as the caller sees it, sequential: for rsearch that is
everything search.search does (analysis, the query with its six facet
aggregations and total hit count, highlighting 100 hits in Python); the
``ES took`` column is Elasticsearch's own time for the same requests.

Figures (2 cores, ES 8.19.9, W_WORDS = 2.0): dev MRR@10 rsearch .970,
jieba+ws .947, standard .931; trial .969 / .939 / .929. The JSON has all of
them; a run takes ~3 minutes (dev) or ~1.5 (trial) with the node start.

Systems (each sees only the passage text: no article title, no section):

1. ``rsearch``: this engine. One document per passage, built by the indexer's
   own code (core.analysis.normalize on the passage, a body Chunk,
   indexer.documents.to_document: text, text_chars, text_words, kind "body",
   report_id, ...), in an index created from mappings/chunks.json by
   indexer.index_admin.create_physical + point_alias; queried through the
   library's one entry point ``search.search(question, operator="or",
   limit=100)`` (any-word mode: a question is a sentence, not a list of
   required words). A question the query language rejects (QueryError) is
   retried once with its ASCII syntax characters (" - :) replaced by spaces
   and, if that still fails, counted as a miss; the table reports how many.
2. ``standard``: one ``text`` field with Elasticsearch's ``standard``
   analyzer (one token per Chinese character); ``match`` query (OR).
3. ``jieba+ws``: one field holding the passage's jieba precise-mode tokens
   (core.analysis's segmenter, i.e. jieba's dictionary plus the shipped
   domain dictionary, no folding, no stopwords), space-joined and analysed by
   ``whitespace``; the question's jieba tokens, ``match`` (OR).

Elasticsearch: a fresh local node (rsearch.localnode.LocalNode, temporary
directory, stopped at the end) unless ``--es-url`` names one; the benchmark's
indices are deleted at the end either way.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SPLITS = ("trial", "dev")
TOP = 100
SYSTEMS = ("rsearch", "standard", "jieba+ws")


def shared_dir() -> Path:
    env = os.environ.get("RSEARCH_SHARED")
    return Path(env) if env else ROOT / ".." / "shared"


def load(shared: Path) -> tuple[list[str], dict[str, list[tuple[str, str, int]]]]:
    """(passages, split -> [(question id, question, passage number)])."""
    passages: list[str] = []
    number: dict[str, int] = {}
    queries: dict[str, list[tuple[str, str, int]]] = {}
    for split in SPLITS:
        path = shared / "bench" / "cmrc2018" / f"cmrc2018_{split}.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        queries[split] = []
        for article in data["data"]:
            for paragraph in article["paragraphs"]:
                context = paragraph["context"]
                if context not in number:
                    number[context] = len(passages)
                    passages.append(context)
                for qa in paragraph["qas"]:
                    queries[split].append((qa["id"], qa["question"], number[context]))
    return passages, queries


def doc_id(n: int) -> str:
    return f"p{n:05d}"


# ------------------------------------------------------------------ indexing


def engine_documents(passages: list[str]):
    """The indexer's documents, one body chunk per passage."""
    from indexer.chunking import Chunk, chunk_id
    from indexer.documents import to_document
    from core.analysis import normalize

    for n, context in enumerate(passages):
        text = normalize(context)
        rid = doc_id(n)
        chunk = Chunk(
            id=chunk_id(rid, 1, 0, "body", text), report_id=rid, report_title=None,
            report_subtitle=None, section_title=None, section_index=1, chunk_index=0,
            kind="body", text=text, publication=None, people=[], reporters=[],
            correspondents=[], photographers=[], region=[], places=[], date=None,
            date_source=None, dates=[], source_path=f"cmrc2018#{rid}",
            content_hash=hashlib.sha1(text.encode("utf-8")).hexdigest(), report_no=n + 1,
        )
        yield rid, to_document(chunk)


def jieba_tokens(text: str) -> str:
    from core.analysis import _segmenter

    return " ".join(t for t in _segmenter().cut(text) if t.strip())


def load_index(es, index: str, docs) -> float:
    from elasticsearch.helpers import bulk

    t0 = time.perf_counter()
    bulk(es.options(request_timeout=120), ({"_index": index, "_id": i, "_source": d} for i, d in docs),
         chunk_size=200, raise_on_error=True)
    es.indices.refresh(index=index)
    return time.perf_counter() - t0


def build_indices(es, passages: list[str], prefix: str) -> dict[str, str]:
    from indexer import index_admin
    from core.analysis import dictionary_version

    names = {}
    alias = f"{prefix}-rsearch"
    physical = index_admin.create_physical(es, alias, dictionary_version())
    index_admin.point_alias(es, alias, physical)
    names["rsearch"] = alias
    secs = load_index(es, alias, engine_documents(passages))
    print(f"indexed {len(passages)} passages: rsearch {secs:.1f}s", end="", flush=True)

    plain = {"number_of_shards": 1, "number_of_replicas": 0}
    std = f"{prefix}-standard"
    es.indices.create(index=std, settings=plain,
                      mappings={"properties": {"text": {"type": "text", "analyzer": "standard"}}})
    names["standard"] = std
    secs = load_index(es, std, ((doc_id(n), {"text": p}) for n, p in enumerate(passages)))
    print(f", standard {secs:.1f}s", end="", flush=True)

    ws = f"{prefix}-jieba"
    es.indices.create(index=ws, settings=plain,
                      mappings={"properties": {"text": {"type": "text", "analyzer": "whitespace"}}})
    names["jieba+ws"] = ws
    secs = load_index(es, ws, ((doc_id(n), {"text": jieba_tokens(p)}) for n, p in enumerate(passages)))
    print(f", jieba+ws {secs:.1f}s", flush=True)
    return names


# ------------------------------------------------------------------ querying


_SYNTAX = str.maketrans({'"': " ", "-": " ", ":": " "})


def run_engine(es, index: str, question: str) -> tuple[list[str], bool, int]:
    """(ranked ids, whether the query language rejected the question, ES ms)."""
    from search import QueryError, search

    if not question.strip():
        return [], False, 0  # an empty query browses everything: no answer
    try:
        result = search(question, client=es, index=index, limit=TOP, operator="or")
        return [h.id for h in result.hits], False, result.took
    except QueryError:
        pass
    try:
        result = search(question.translate(_SYNTAX), client=es, index=index, limit=TOP, operator="or")
        return [h.id for h in result.hits], True, result.took
    except QueryError:
        return [], True, 0


def run_match(es, index: str, text: str) -> tuple[list[str], int]:
    """(ranked ids, ES ms) of a plain ``match`` on ``text``."""
    if not text.strip():
        return [], 0
    resp = es.search(index=index, query={"match": {"text": text}}, size=TOP, _source=False)
    return [h["_id"] for h in resp["hits"]["hits"]], resp["took"]


def evaluate(es, names: dict[str, str], queries: list[tuple[str, str, int]]) -> dict[str, dict]:
    results = {}
    for system in SYSTEMS:
        index = names[system]
        ranks, times, took, rejected, failed = [], [], [], 0, []
        for qid, question, relevant in queries:
            t0 = time.perf_counter()
            if system == "rsearch":
                ids, bad, ms = run_engine(es, index, question)
                rejected += bad
                if bad and not ids:
                    failed.append(qid)
            elif system == "standard":
                ids, ms = run_match(es, index, question)
            else:
                ids, ms = run_match(es, index, jieba_tokens(question))
            times.append((time.perf_counter() - t0) * 1000)
            took.append(ms)
            want = doc_id(relevant)
            ranks.append(ids.index(want) + 1 if want in ids else None)
        n = len(ranks)
        results[system] = {
            "mrr@10": sum(1 / r for r in ranks if r and r <= 10) / n,
            "r@1": sum(1 for r in ranks if r and r <= 1) / n,
            "r@10": sum(1 for r in ranks if r and r <= 10) / n,
            "r@100": sum(1 for r in ranks if r) / n,
            "queries": n,
            "mean_ms": statistics.fmean(times),
            "median_ms": statistics.median(times),
            "mean_es_took_ms": statistics.fmean(took),
            "blank_questions": sum(1 for _, q, _ in queries if not q.strip()),
        }
        if system == "rsearch":
            results[system]["query_errors_retried"] = rejected
            results[system]["query_errors_missed"] = failed
        print(f"  {system}: done ({n} queries)", flush=True)
    return results


def print_table(split: str, corpus: int, results: dict[str, dict]) -> None:
    print(f"\nCMRC 2018 {split}: {corpus} passages (trial+dev, deduped), top {TOP}")
    print(f"{'system':<10} {'MRR@10':>7} {'R@1':>6} {'R@10':>6} {'R@100':>6} {'queries':>8} {'mean ms':>8}"
          f" {'(ES took)':>9}")
    for system, r in results.items():
        print(f"{system:<10} {r['mrr@10']:>7.4f} {r['r@1']:>6.3f} {r['r@10']:>6.3f} {r['r@100']:>6.3f} "
              f"{r['queries']:>8} {r['mean_ms']:>8.1f} {r['mean_es_took_ms']:>9.1f}")
    blank = next(iter(results.values()))["blank_questions"]
    if blank:
        print(f"{blank} blank questions in the file count as misses for every system")
    eng = results.get("rsearch", {})
    if "query_errors_retried" in eng:
        print(f"rsearch: {eng['query_errors_retried']} questions rejected by the query language "
              f"(retried without \" - :), {len(eng['query_errors_missed'])} counted as misses")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=SPLITS, default="dev")
    parser.add_argument("--es-url", help="use this Elasticsearch instead of starting a local node")
    parser.add_argument("--limit-queries", type=int, metavar="N", help="only the first N questions")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    parser.add_argument("--heap", default="1g", help="heap of the local node (default 1g)")
    args = parser.parse_args()

    started = time.perf_counter()
    shared = shared_dir()
    passages, queries = load(shared)
    split_queries = queries[args.split][: args.limit_queries] if args.limit_queries else queries[args.split]
    print(f"corpus: {len(passages)} passages; {args.split}: {len(split_queries)} questions")

    from elasticsearch import Elasticsearch

    node = directory = None
    if args.es_url:
        url = args.es_url
    else:
        from rsearch.localnode import LocalNode
        from core.settings import Settings

        directory = Path(tempfile.mkdtemp(prefix="rsearch-bench-"))
        node = LocalNode(Settings.from_env().home, directory=directory, heap=args.heap)
        t0 = time.perf_counter()
        url = node.start(port=0).url
        print(f"local node at {url} ({time.perf_counter() - t0:.1f}s)")
    es = Elasticsearch(url, request_timeout=60)
    prefix = f"bench-relevance-{uuid.uuid4().hex[:8]}"
    try:
        # The test distribution answers GET / with 405: ask the nodes API.
        version = next(iter(es.nodes.info(filter_path="nodes.*.version")["nodes"].values()))["version"]
        names = build_indices(es, passages, prefix)
        # Warm-up: first-use costs (segmenter load, OpenCC, JIT) out of the timings.
        for system in SYSTEMS:
            for _, question, _ in queries["trial"][:20]:
                if system == "rsearch":
                    run_engine(es, names[system], question)
                else:
                    run_match(es, names[system], question if system == "standard" else jieba_tokens(question))
        results = evaluate(es, names, split_queries)
    finally:
        try:
            found = es.indices.get(index=f"{prefix}*", expand_wildcards="all")
            if found:
                es.indices.delete(index=",".join(found))
        except Exception as err:  # noqa: BLE001 - clean-up must not hide the real error
            print(f"warning: could not delete the benchmark indices: {err}", file=sys.stderr)
        es.close()
        if node is not None:
            node.stop()
            shutil.rmtree(directory, ignore_errors=True)

    print_table(args.split, len(passages), results)
    from search import engine

    weights = {name: getattr(engine, name) for name in (
        "W_TITLE", "W_SECTION", "W_TEXT", "W_WORDS", "W_TERM_PHRASE", "W_PROXIMITY",
        "PROXIMITY_SLOP", "KIND_WEIGHTS")}
    elapsed = time.perf_counter() - started
    print(f"elasticsearch {version}; {elapsed:.0f}s in all")
    if args.json:
        args.json.write_text(json.dumps({
            "dataset": "CMRC 2018 (CC BY-SA 4.0)", "split": args.split,
            "corpus_passages": len(passages), "queries": len(split_queries), "top": TOP,
            "elasticsearch": version, "engine_weights": weights, "results": results,
            "seconds": round(elapsed, 1),
        }, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()

"""Relevance benchmark: passage retrieval on CMRC 2018, this engine against
three plain Elasticsearch baselines, on the same node in the same run.

    .venv/bin/python bench/bench_relevance.py [--split trial|dev] [--es-url URL]
        [--limit-queries N] [--json FILE] [--heap 1g]

Data: CMRC 2018 (CC BY-SA 4.0, SQuAD format), read from
``<repo>/../shared/bench/cmrc2018/cmrc2018_{trial,dev}.json`` (override the ``shared`` folder
with RSEARCH_SHARED); it is never copied into the repository. Any
SQuAD-format pair of files under those names works: nothing here depends on
CMRC beyond the format (``data[].title``, ``data[].paragraphs[].context``,
``...qas[].question``).

Corpus: EVERY passage (``context``) of the trial AND the dev file, identical
contexts merged (CMRC: 1,104 passages). Two tasks, each on the queries of one
split (``--split``, default dev; trial is the only split the engine's weights
were tuned on):

1. questions: a question's one relevant passage is the one it was written on
   (CMRC dev: 3,219 questions, trial 1,002). Metrics over the top 100:
   MRR@10 (reciprocal rank of the relevant passage if it is in the top 10,
   else 0, averaged), Recall@1/10/100. Blank questions (the CMRC trial file
   has 2) are misses for every system (the engine would read an empty query
   as "browse everything").
2. keywords: one query per article, its title, as a user types a topic; the
   relevant passages are every corpus passage of an article with that title
   (CMRC dev: 848 queries). Metrics: nDCG@10 (binary gains), MRR@10 (first
   relevant passage), Recall@10/100 (share of the relevant passages).

Query time: wall-clock per query as the caller sees it, sequential, median
and p95; for rsearch that is everything search.search does (analysis, the
query with its facet aggregations and total hit count, highlighting 100 hits
in Python); ``ES took`` is Elasticsearch's own time for the same requests.

Systems (each sees only the passage text: no article title, no section):

* ``rsearch``: this engine. One document per passage, built by the indexer's
  own code (core.analysis.normalize on the passage, a body Chunk,
  indexer.documents.to_document), in an index created from
  mappings/chunks.json by indexer.index_admin.create_physical + point_alias;
  queried through the library's one entry point ``search.search(query,
  limit=100)``. Questions: ``operator="or"`` (any-word mode: a question is
  a sentence, not a list of required words). Keywords: the default mode
  (``rsearch``), ``operator="or"`` (``rsearch-any``) and the strict
  all-words mode (``rsearch-strict``, ``strict=True``). A query the query
  language rejects (QueryError) is retried once with its ASCII syntax
  characters (" - :) replaced by spaces and, if that still fails, counted
  as a miss; the tables report how many.
* ``standard``: one ``text`` field with Elasticsearch's ``standard``
  analyzer (one token per Chinese character); ``match`` query (OR).
* ``jieba+ws``: one field holding the passage's jieba precise-mode tokens
  (core.analysis's segmenter, i.e. jieba's dictionary plus the shipped
  domain dictionary, no folding, no stopwords), space-joined and analysed by
  ``whitespace``; the query's jieba tokens, ``match`` (OR).
* ``bigram``: BM25 over overlapping CJK character bigrams, the usual lexical
  baseline for Chinese retrieval. It stands for Elasticsearch's
  ``cjk_bigram`` filter (Lucene's CJKAnalyzer; what Anserini uses for
  Chinese): the test distribution has no analysis-common module, so
  ``cjk_bigram`` is not available here, and the same tokens are made in
  Python instead (``bigrams`` below, on the folded text: each
  two adjacent CJK characters, a lone CJK character alone, other
  letter/digit runs whole), space-joined, analysed by ``whitespace``;
  the query's bigrams, ``match`` (OR).

Elasticsearch: a fresh local node (rsearch.localnode.LocalNode, temporary
directory, stopped at the end) unless ``--es-url`` names one; the benchmark's
indices are deleted at the end either way.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import math
import os
import statistics
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SPLITS = ("trial", "dev")
TOP = 100
BASELINES = ("standard", "jieba+ws", "bigram")
# rsearch system name -> search() options, per task.
QUESTION_ENGINES = {"rsearch": {"operator": "or"}}
KEYWORD_ENGINES = {"rsearch": {}, "rsearch-strict": {"strict": True}, "rsearch-any": {"operator": "or"}}


@dataclass(frozen=True)
class Query:
    id: str
    text: str
    relevant: frozenset[int]  # passage numbers


def shared_dir() -> Path:
    env = os.environ.get("RSEARCH_SHARED")
    return Path(env) if env else ROOT / ".." / "shared"


def load(shared: Path) -> tuple[list[str], dict[str, list[Query]], dict[str, list[Query]]]:
    """(passages, split -> questions, split -> keyword queries)."""
    passages: list[str] = []
    number: dict[str, int] = {}
    questions: dict[str, list[Query]] = {}
    articles: dict[str, list[tuple[str, str, list[int]]]] = {}  # split -> (id, title, passages)
    by_title: dict[str, set[int]] = {}
    for split in SPLITS:
        path = shared / "bench" / "cmrc2018" / f"cmrc2018_{split}.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        questions[split], articles[split] = [], []
        for a, article in enumerate(data["data"]):
            own = []
            for paragraph in article["paragraphs"]:
                context = paragraph["context"]
                if context not in number:
                    number[context] = len(passages)
                    passages.append(context)
                own.append(number[context])
                for qa in paragraph["qas"]:
                    questions[split].append(Query(qa["id"], qa["question"], frozenset([number[context]])))
            title = (article.get("title") or "").strip()
            if title:
                articles[split].append((str(article.get("id", f"{split}-{a}")), title, own))
                by_title.setdefault(title, set()).update(own)
    # A title shared by two articles cannot tell them apart: both are relevant.
    keywords = {split: [Query(i, t, frozenset(by_title[t])) for i, t, _ in arts]
                for split, arts in articles.items()}
    return passages, questions, keywords


def doc_id(n: int) -> str:
    return f"p{n:05d}"


# ------------------------------------------------------------------ indexing


def engine_documents(passages: list[str]):
    """The indexer's documents, one body chunk per passage."""
    from rsearch.indexer.chunking import Chunk, chunk_id
    from rsearch.indexer.documents import to_document
    from rsearch.core.analysis import normalize

    for n, context in enumerate(passages):
        text = normalize(context)
        rid = doc_id(n)
        chunk = Chunk(
            id=chunk_id(rid, 1, 0, "body", text), report_id=rid, report_title=None,
            report_subtitle=None, section_title=None, section_index=1, chunk_index=0,
            kind="body", text=text, publication=None, people=[], reporters=[],
            correspondents=[], photographers=[], editors=[], region=[], places=[], date=None,
            date_source=None, dates=[], source_path=f"cmrc2018#{rid}",
            content_hash=hashlib.sha1(text.encode("utf-8")).hexdigest(), report_no=n + 1,
        )
        yield rid, to_document(chunk)


def jieba_tokens(text: str) -> str:
    from rsearch.core.analysis import segmenter

    return " ".join(t for t in segmenter().cut(text) if t.strip())


# Scripts Lucene's CJKBigramFilter pairs up: Han (with extension A,
# compatibility and supplementary ideographs), hiragana, katakana, hangul.
CJK_BIGRAM_SCRIPT = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff"
# One CJK run, or one run of other letters/digits (a Latin word, a number).
CJK_BIGRAM_RUN = rf"([{CJK_BIGRAM_SCRIPT}]+)|(?:(?![{CJK_BIGRAM_SCRIPT}])[^\W_])+"


def bigrams(text: str) -> str:
    """cjk_bigram's tokens of the folded text, space-joined (see the module
    docstring): every two adjacent CJK characters of a run, a lone CJK
    character alone, other runs of letters or digits whole; a hard line
    wrap between two Chinese characters is joined."""
    import re

    from rsearch.core.analysis import HARD_WRAP, fold

    out: list[str] = []
    for m in re.finditer(CJK_BIGRAM_RUN, re.sub(HARD_WRAP, "", fold(text))):
        run = m.group(1)
        out += [m.group(0)] if run is None or len(run) == 1 else [a + b for a, b in zip(run, run[1:])]
    return " ".join(out)


# Baseline -> what its one field holds (and what its query is made of).
BASELINE_TEXT = {"standard": lambda t: t, "jieba+ws": jieba_tokens, "bigram": bigrams}
BASELINE_ANALYZER = {"standard": "standard", "jieba+ws": "whitespace", "bigram": "whitespace"}


def load_index(es, index: str, docs) -> float:
    from elasticsearch.helpers import bulk

    t0 = time.perf_counter()
    bulk(es.options(request_timeout=120), ({"_index": index, "_id": i, "_source": d} for i, d in docs),
         chunk_size=200, raise_on_error=True)
    es.indices.refresh(index=index)
    return time.perf_counter() - t0


def build_engine_index(es, passages: list[str], alias: str) -> float:
    """The engine's index of the passages behind ``alias``; seconds taken."""
    from rsearch.indexer import index_admin
    from rsearch.core.analysis import dictionary_version

    physical = index_admin.create_physical(es, alias, dictionary_version())
    index_admin.point_alias(es, alias, physical)
    return load_index(es, alias, engine_documents(passages))


def build_indices(es, passages: list[str], prefix: str) -> dict[str, str]:
    names = {}
    alias = f"{prefix}-rsearch"
    names["rsearch"] = alias
    secs = build_engine_index(es, passages, alias)
    print(f"indexed {len(passages)} passages: rsearch {secs:.1f}s", end="", flush=True)

    plain = {"number_of_shards": 1, "number_of_replicas": 0}
    for system in BASELINES:
        index = f"{prefix}-{system.replace('+', '-')}"
        es.indices.create(index=index, settings=plain, mappings={"properties": {
            "text": {"type": "text", "analyzer": BASELINE_ANALYZER[system]}}})
        names[system] = index
        make = BASELINE_TEXT[system]
        secs = load_index(es, index, ((doc_id(n), {"text": make(p)}) for n, p in enumerate(passages)))
        print(f", {system} {secs:.1f}s", end="", flush=True)
    print(flush=True)
    return names


# ------------------------------------------------------------------ querying


_SYNTAX = str.maketrans({'"': " ", "-": " ", ":": " "})


def run_engine(es, index: str, query: str, options: dict, limit: int = TOP) -> tuple[list[str], bool, int]:
    """(ranked ids, whether the query language rejected the query, ES ms)."""
    from rsearch.search import QueryError, search

    if not query.strip():
        return [], False, 0  # an empty query browses everything: no answer
    try:
        result = search(query, client=es, index=index, limit=limit, **options)
        return [h.id for h in result.hits], False, result.took
    except QueryError:
        pass
    try:
        result = search(query.translate(_SYNTAX), client=es, index=index, limit=limit, **options)
        return [h.id for h in result.hits], True, result.took
    except QueryError:
        return [], True, 0


def run_match(es, index: str, text: str) -> tuple[list[str], int]:
    """(ranked ids, ES ms) of a plain ``match`` on ``text``."""
    if not text.strip():
        return [], 0
    resp = es.search(index=index, query={"match": {"text": text}}, size=TOP, _source=False)
    return [h["_id"] for h in resp["hits"]["hits"]], resp["took"]


def run_system(es, names: dict[str, str], system: str, engines: dict[str, dict], query: str):
    """(ranked ids, rejected by the query language, ES ms) for one system."""
    if system in engines:
        return run_engine(es, names["rsearch"], query, engines[system])
    ids, ms = run_match(es, names[system], BASELINE_TEXT[system](query))
    return ids, False, ms


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]


def metrics(ranked: list[str], relevant: frozenset[int]) -> dict[str, float]:
    want = {doc_id(n) for n in relevant}
    hits = [i for i, d in enumerate(ranked, 1) if d in want]
    first = hits[0] if hits else None
    dcg = sum(1 / math.log2(r + 1) for r in hits if r <= 10)
    ideal = sum(1 / math.log2(r + 1) for r in range(1, min(len(want), 10) + 1))
    return {
        "mrr@10": 1 / first if first and first <= 10 else 0.0,
        "ndcg@10": dcg / ideal if ideal else 0.0,
        "r@1": sum(1 for r in hits if r <= 1) / len(want),
        "r@10": sum(1 for r in hits if r <= 10) / len(want),
        "r@100": len(hits) / len(want),
    }


def evaluate(es, names: dict[str, str], queries: list[Query], engines: dict[str, dict],
             keys: tuple[str, ...]) -> dict[str, dict]:
    results = {}
    for system in (*engines, *BASELINES):
        sums: dict[str, float] = {}
        times, took, rejected, failed = [], [], 0, []
        for q in queries:
            t0 = time.perf_counter()
            ids, bad, ms = run_system(es, names, system, engines, q.text)
            times.append((time.perf_counter() - t0) * 1000)
            took.append(ms)
            rejected += bad
            if bad and not ids:
                failed.append(q.id)
            for k, v in metrics(ids, q.relevant).items():
                sums[k] = sums.get(k, 0.0) + v
        n = len(queries)
        row = {k: sums[k] / n for k in keys}
        row.update({
            "queries": n,
            "median_ms": statistics.median(times), "p95_ms": p95(times),
            "median_es_took_ms": statistics.median(took), "p95_es_took_ms": p95(took),
            "mean_ms": statistics.fmean(times), "mean_es_took_ms": statistics.fmean(took),
            "blank_queries": sum(1 for q in queries if not q.text.strip()),
        })
        if system in engines:
            row["query_errors_retried"] = rejected
            row["query_errors_missed"] = failed
        results[system] = row
        print(f"  {system}: done ({n} queries)", flush=True)
    return results


QUESTION_KEYS = ("mrr@10", "r@1", "r@10", "r@100")
KEYWORD_KEYS = ("ndcg@10", "mrr@10", "r@10", "r@100")


def print_table(title: str, results: dict[str, dict], keys: tuple[str, ...]) -> None:
    print(f"\n{title}")
    head = " ".join(f"{k.upper().replace('NDCG', 'nDCG').replace('MRR', 'MRR'):>8}" for k in keys)
    print(f"{'system':<15} {head} {'queries':>8} {'med ms':>7} {'p95 ms':>7} {'took med':>8} {'took p95':>8}")
    for system, r in results.items():
        vals = " ".join(f"{r[k]:>8.4f}" for k in keys)
        print(f"{system:<15} {vals} {r['queries']:>8} {r['median_ms']:>7.1f} {r['p95_ms']:>7.1f} "
              f"{r['median_es_took_ms']:>8.1f} {r['p95_es_took_ms']:>8.1f}")
    blank = next(iter(results.values()))["blank_queries"]
    if blank:
        print(f"{blank} blank queries in the file count as misses for every system")
    for system, r in results.items():
        if r.get("query_errors_retried"):
            print(f"{system}: {r['query_errors_retried']} queries rejected by the query language "
                  f"(retried without \" - :), {len(r['query_errors_missed'])} counted as misses")


def warm_up(es, names: dict[str, str], queries: list[Query]) -> None:
    """First-use costs (segmenter load, OpenCC, JIT) out of the timings."""
    engines = {**QUESTION_ENGINES, **KEYWORD_ENGINES}
    for system in (*engines, *BASELINES):
        for q in queries[:20]:
            run_system(es, names, system, engines, q.text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=SPLITS, default="dev")
    parser.add_argument("--es-url", help="use this Elasticsearch instead of starting a local node")
    parser.add_argument("--limit-queries", type=int, metavar="N", help="only the first N queries of each task")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    parser.add_argument("--heap", default="1g", help="heap of the local node (default 1g)")
    args = parser.parse_args()

    started = time.perf_counter()
    passages, questions, keywords = load(shared_dir())
    split_questions = questions[args.split][: args.limit_queries or None]
    split_keywords = keywords[args.split][: args.limit_queries or None]
    print(f"corpus: {len(passages)} passages; {args.split}: {len(split_questions)} questions, "
          f"{len(split_keywords)} keyword queries")

    from elasticsearch import Elasticsearch

    from rsearch.localnode.temporary import node_url

    cluster = contextlib.ExitStack()
    t0 = time.perf_counter()
    url = cluster.enter_context(node_url(args.es_url, heap=args.heap, prefix="rsearch-bench-"))
    if not args.es_url:
        print(f"local node at {url} ({time.perf_counter() - t0:.1f}s)")
    es = Elasticsearch(url, request_timeout=60)
    prefix = f"bench-relevance-{uuid.uuid4().hex[:8]}"
    try:
        # The test distribution answers GET / with 405: ask the nodes API.
        version = next(iter(es.nodes.info(filter_path="nodes.*.version")["nodes"].values()))["version"]
        names = build_indices(es, passages, prefix)
        warm_up(es, names, questions["trial"])
        print("questions:")
        results = evaluate(es, names, split_questions, QUESTION_ENGINES, QUESTION_KEYS)
        print("keyword queries:")
        keyword_results = evaluate(es, names, split_keywords, KEYWORD_ENGINES, KEYWORD_KEYS)
    finally:
        try:
            found = es.indices.get(index=f"{prefix}*", expand_wildcards="all")
            if found:
                es.indices.delete(index=",".join(found))
        except Exception as err:  # noqa: BLE001 - clean-up must not hide the real error
            print(f"warning: could not delete the benchmark indices: {err}", file=sys.stderr)
        es.close()
        cluster.close()

    corpus = f"{len(passages)} passages (trial+dev, deduped), top {TOP}"
    print_table(f"questions, {args.split}: {corpus}", results, QUESTION_KEYS)
    print_table(f"keyword queries (article titles), {args.split}: {corpus}", keyword_results, KEYWORD_KEYS)
    elapsed = time.perf_counter() - started
    print(f"elasticsearch {version}; {elapsed:.0f}s in all")
    if args.json:
        args.json.write_text(json.dumps({
            "dataset": "CMRC 2018 (CC BY-SA 4.0)", "split": args.split,
            "corpus_passages": len(passages), "queries": len(split_questions),
            "keyword_queries": len(split_keywords), "top": TOP,
            "elasticsearch": version, "engine_weights": engine_weights(),
            "results": results, "keyword_results": keyword_results,
            "seconds": round(elapsed, 1),
        }, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")


def engine_weights() -> dict:
    """The engine's ranking constants (upper-case names starting W_ or ending _WEIGHTS/_SLOP)."""
    from rsearch.search import request

    return {name: getattr(request, name) for name in dir(request)
            if name.isupper() and (name.startswith("W_") or name.endswith(("_WEIGHTS", "_SLOP", "_BOOST")))}


if __name__ == "__main__":
    main()

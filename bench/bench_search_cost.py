"""What a search costs inside Elasticsearch, and where: facets, clauses, matches.

    .venv/bin/python bench/bench_search_cost.py --es-url URL --index ALIAS
        [--queries 200] [--baseline REV [--baseline-index ALIAS]] [--profile] [--json FILE]

ALIAS is an existing index (e.g. one bench/bench_scale.py or ``rsearch index
--rebuild`` built: merged). Query sets as in bench_scale.py: random 2-6
character strings cut from the indexed texts (seed 11) and common words.

* timing: for each query the request bodies of every variant are sent one
  after the other (variants alternate, so load drifts hit all alike):
  ``default`` (the default facets) and ``none`` (no facets), each built by
  this checkout and, with ``--baseline REV``, by that commit's code too
  (bench/baseline.py), sent to ``--baseline-index`` when given (an index
  that code built, when the analysis differs). Printed: Elasticsearch
  ``took`` and the client round trip (send, wait, parse), median and p95,
  and ``search.search`` end to end for this checkout.
* ``--profile``: Elasticsearch's search profile of the default request,
  medians over the queries: the query's top clauses, each aggregation, the
  collector; and how many chunks match (hits total) against how many match
  every word (the all-words tier).

The machine is shared: compare variants within one run (ratios), not runs.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from baseline import extract  # noqa: E402
from bench_scale import COMMON_WORDS, all_texts, pct, random_strings  # noqa: E402

FACET_CHOICES = {"default": None, "none": []}

# Prints the request bodies of the queries on stdin, built by the rsearch
# first on the path (this checkout, or a baseline's code on PYTHONPATH).
BODIES_SCRIPT = """
import json, sys
from rsearch.search.analysed import analyse
from rsearch.search.options import SearchOptions
try:
    from rsearch.search.request import ReportSearch
    def build(aq, options):
        return ReportSearch(aq, options).build_search().to_dict()
except ImportError:  # code from before elasticsearch.dsl built the request
    from rsearch.search.request import build_request as build
job = json.load(sys.stdin)
facets = None if job["facets"] is None else tuple(job["facets"])
print(json.dumps([build(analyse(q, None), SearchOptions(facets=facets)) for q in job["queries"]]))
"""


def bodies(code: Path | None, queries: list[str], facets) -> list[dict]:
    env = None if code is None else {**os.environ, "PYTHONPATH": str(code)}
    out = subprocess.run([sys.executable, "-c", BODIES_SCRIPT], cwd=tempfile.gettempdir(), check=True, text=True,
                         env=env, input=json.dumps({"queries": queries, "facets": facets}), capture_output=True)
    return json.loads(out.stdout)


def _meaning(node):
    """A request without its empty clause lists (``"should": []`` means what leaving it out means)."""
    if isinstance(node, dict):
        return {k: _meaning(v) for k, v in node.items() if v != []}
    if isinstance(node, list):
        return [_meaning(v) for v in node]
    return node


def summary(values: list[float]) -> dict:
    return {"median": round(statistics.median(values), 2), "p95": round(pct(values, 95), 2)}


def time_variants(es, index: str, queries: list[str], variants: dict[str, list[dict]], rounds: int = 1,
                  indices: dict[str, str] | None = None) -> dict:
    """``indices``: variant -> the index its bodies go to (default ``index``)."""
    from rsearch.search import search

    indices = indices or {}
    took = {v: [] for v in variants}
    trip = {v: [] for v in variants}
    e2e = {v: [] for v in FACET_CHOICES}
    for i, q in enumerate(queries[:10]):  # warm-up
        for v, b in variants.items():
            es.search(index=indices.get(v, index), body=b[i])
    for _ in range(rounds):
        for i, q in enumerate(queries):
            for v, b in variants.items():
                t0 = time.perf_counter()
                r = es.search(index=indices.get(v, index), body=b[i])
                trip[v].append((time.perf_counter() - t0) * 1000)
                took[v].append(r["took"])
            for choice, facets in FACET_CHOICES.items():
                t0 = time.perf_counter()
                search(q, client=es, index=index, facets=facets)
                e2e[choice].append((time.perf_counter() - t0) * 1000)
    return {"took": {v: summary(t) for v, t in took.items()},
            "round_trip": {v: summary(t) for v, t in trip.items()},
            "search_e2e": {v: summary(t) for v, t in e2e.items()}, "n": len(queries) * rounds}


def _walk(node: dict, depth: int, acc: dict, path: str = "") -> None:
    key = f"{path}/{node['type']}" if depth < 3 else node["type"]
    acc[(depth, key)].append(node["time_in_nanos"] / 1e6)
    for child in node.get("children", []):
        _walk(child, depth + 1, acc, key)


def profile(es, index: str, queries: list[str]) -> dict:
    from rsearch.search.analysed import analyse
    from rsearch.search.options import SearchOptions
    from rsearch.search.request import ReportSearch, all_words

    clauses, aggs = collections.defaultdict(list), collections.defaultdict(list)
    totals, tiers, collector, query_copies = [], [], [], []
    for q in queries:
        aq = analyse(q, None)
        body = ReportSearch(aq, SearchOptions()).build_search().extra(profile=True).to_dict()
        r = es.search(index=index, body=body)
        totals.append(r["hits"]["total"]["value"])
        tier = all_words(aq, one_unit=True)
        tiers.append(es.count(index=index, query=tier[0].to_dict())["count"] if tier else totals[-1])
        shard = r["profile"]["shards"][0]
        for s in shard["searches"]:
            query_copies.append(len(s["query"]))  # the query, plus one per filter-by-filter aggregation
            for node in s["query"][:1]:
                _walk(node, 0, clauses)
            collector.append(s["collector"][0]["time_in_nanos"] / 1e6)
        for a in shard["aggregations"]:
            aggs[a["description"]].append(a["time_in_nanos"] / 1e6)
    return {
        "hits_total": summary(totals), "all_words_tier": summary(tiers),
        "query_copies_median": statistics.median(query_copies),
        "collector_ms": summary(collector),
        "clauses_ms": {f"{'  ' * d}{k}": round(statistics.median(v), 2)
                       for (d, k), v in sorted(clauses.items(), key=lambda kv: (kv[0][0], -statistics.median(kv[1])))
                       if d <= 2},
        "aggs_ms": {k: round(statistics.median(v), 2) for k, v in sorted(aggs.items(), key=lambda kv: -statistics.median(kv[1]))},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--es-url", required=True)
    parser.add_argument("--index", required=True)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=1, help="passes over the queries")
    parser.add_argument("--baseline", metavar="REV", help="a commit whose request bodies to compare")
    parser.add_argument("--baseline-index", metavar="ALIAS", help="where the baseline's bodies go (default --index)")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--json")
    args = parser.parse_args()

    from rsearch.core.settings import Settings

    es = Settings(url=args.es_url, request_timeout=600).client()
    texts = all_texts(es, args.index)
    sets = {"random": random_strings(texts, args.queries, random.Random(11)),
            "common": [COMMON_WORDS[i % len(COMMON_WORDS)] for i in range(max(20, args.queries // 4))]}
    out = {"index": args.index, "chunks": len(texts)}
    print(f"{args.index}: {len(texts)} chunks")
    tmp = tempfile.TemporaryDirectory(prefix="bench-cost-")
    code = extract(args.baseline, Path(tmp.name)) if args.baseline else None
    for name, queries in sets.items():
        variants, indices = {}, {}
        for choice, facets in FACET_CHOICES.items():
            variants[f"{choice}"] = bodies(None, queries, facets)
            if args.baseline:
                variants[f"baseline {choice}"] = bodies(code, queries, facets)
                indices[f"baseline {choice}"] = args.baseline_index or args.index
        res = out[name] = time_variants(es, args.index, queries, variants, args.rounds, indices)
        print(f"== {name} (n={res['n']})")
        if args.baseline:
            # Same scoring query: the same hits in the same order (relevance unchanged).
            same = sum(_meaning(a["query"]) == _meaning(b["query"])
                       for a, b in zip(variants["default"], variants["baseline default"]))
            res["same_scoring_query"] = same
            print(f"  scoring query identical to the baseline's for {same} of {len(queries)} queries")
        for v in variants:
            t, rt = res["took"][v], res["round_trip"][v]
            print(f"  {v:17s} took median {t['median']:6.1f} p95 {t['p95']:6.1f} ms; "
                  f"round trip median {rt['median']:6.1f} p95 {rt['p95']:6.1f} ms")
        for v, e in res["search_e2e"].items():
            print(f"  search() {v:8s} end to end median {e['median']:6.1f} p95 {e['p95']:6.1f} ms")
        if args.profile:
            prof = out[f"{name}_profile"] = profile(es, args.index, queries[:60])
            print(f"  profile: hits total {prof['hits_total']}, all-words tier {prof['all_words_tier']}, "
                  f"copies of the query run {prof['query_copies_median']}, collector {prof['collector_ms']} ms")
            for k, v in prof["clauses_ms"].items():
                print(f"    {k}: {v}")
            for k, v in prof["aggs_ms"].items():
                print(f"    agg {k}: {v}")
        sys.stdout.flush()
    if args.json:
        Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()

"""Relevance regression on CMRC 2018's trial split, on a real node.

The corpus and queries are bench/bench_relevance.py's (every passage of the
trial and dev files; questions: the passage each was written on; keywords:
an article's title, its passages), built and queried by its own functions,
so the test and the benchmark cannot drift apart. MRR@10 of both tasks must
stay within 0.003 of the figures committed in bench/relevance_baseline.json
(what `bench/bench_relevance.py --split trial` prints). Trial is the split
the weights were tuned on; dev is for reporting, in the benchmark only.

The data is not in the repository: the test skips, saying where it looked,
when ``<shared>/bench/cmrc2018`` is absent (RSEARCH_SHARED, default
``../shared``).
"""

from __future__ import annotations

import importlib.util
import json
import statistics
import sys
import uuid

import pytest

from paths import REPO

BASELINE = REPO / "bench" / "relevance_baseline.json"
TOLERANCE = 0.003


def _bench():
    spec = importlib.util.spec_from_file_location("bench_relevance", REPO / "bench" / "bench_relevance.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


bench = _bench()
DATA = bench.shared_dir() / "bench" / "cmrc2018"
pytestmark = pytest.mark.skipif(
    not all((DATA / f"cmrc2018_{split}.json").is_file() for split in bench.SPLITS),
    reason=f"CMRC 2018 is not at {DATA.resolve()} (set RSEARCH_SHARED to the folder holding bench/cmrc2018)")

# Task -> the search() options the benchmark uses for its headline rsearch row.
TASKS = {"questions": bench.QUESTION_ENGINES["rsearch"], "keywords": bench.KEYWORD_ENGINES["rsearch"]}


@pytest.fixture(scope="module")
def cmrc(es):
    passages, questions, keywords = bench.load(bench.shared_dir())
    alias = f"rsearch-test-cmrc-{uuid.uuid4().hex[:8]}"
    bench.build_engine_index(es, passages, alias)
    yield alias, {"questions": questions["trial"], "keywords": keywords["trial"]}
    es.indices.delete(index=",".join(es.indices.get(index=f"{alias}*")))


def mrr_at_10(es, alias: str, queries, options: dict) -> float:
    """Mean reciprocal rank of the first relevant passage in the top 10. Only
    the top 10 is fetched, without facets: the ranking is the same."""
    ranks = [bench.metrics(bench.run_engine(es, alias, q.text, {**options, "facets": ()}, limit=10)[0],
                           q.relevant)["mrr@10"] for q in queries]
    return statistics.fmean(ranks)


@pytest.mark.parametrize("task", TASKS)
def test_mrr_at_10_holds_on_the_trial_split(es, cmrc, task):
    alias, queries = cmrc
    committed = json.loads(BASELINE.read_text(encoding="utf-8"))["trial"][task]["mrr@10"]
    measured = mrr_at_10(es, alias, queries[task], TASKS[task])
    print(f"CMRC 2018 trial, {task}: MRR@10 {measured:.6f} (committed {committed:.6f})")
    assert measured >= committed - TOLERANCE, (
        f"{task} MRR@10 fell from {committed:.4f} to {measured:.4f} (more than {TOLERANCE}); "
        "if the change is meant, rerun bench/bench_relevance.py --split trial and commit the figure")

"""Segmentation speed: what indexing pays per MB for the word tokens.

    .venv/bin/python bench/bench_segmenter.py [--quick] [--json FILE]

Throughput (MB/s of UTF-8 input) on the seed reports and the CMRC 2018 trial
passages (``<shared>/bench/cmrc2018``, when present) of

* ``word_tokens``: fold, search-mode segmentation and filtering, what the
  indexer runs on every text field (core.analysis);
* the segmenter's bare ``cut`` and ``cut_for_search`` (rjieba, the one
  backend: core.text.dictionary);
* and, when the pure-Python ``jieba`` package is importable (it is not a
  dependency: ``pip install jieba`` in a scratch environment), jieba's own
  ``cut`` and ``cut_for_search`` with the same dictionaries, for the ratio
  that decided the backend.

Each figure is the fastest of several passes (the least disturbed by other
load on a shared machine); compare ratios within one run.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import time
from pathlib import Path

from rsearch.core import analysis as A
from rsearch.core.text.dictionary import SHIPPED_DICT, parse_dict

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RSEARCH_SHARED") or ROOT / ".." / "shared")
CMRC = SHARED / "bench" / "cmrc2018" / "cmrc2018_trial.json"


def load_corpora() -> dict[str, list[str]]:
    seeds = [A.normalize(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "seeds").glob("*.txt"))]
    corpora = {"seeds": seeds}
    if CMRC.exists():
        data = json.loads(CMRC.read_text(encoding="utf-8"))
        corpora["cmrc"] = [A.normalize(p["context"]) for art in data["data"] for p in art["paragraphs"]]
    return corpora


def mb(texts: list[str]) -> float:
    return sum(len(t.encode("utf-8")) for t in texts) / 1e6


def rate(fn, texts: list[str], min_time: float) -> float:
    """MB/s of fn over texts: the fastest of the passes made in min_time seconds (at least 3)."""
    best, start, passes = float("inf"), time.perf_counter(), 0
    while passes < 3 or time.perf_counter() - start < min_time:
        t0 = time.perf_counter()
        for t in texts:
            fn(t)
        best = min(best, time.perf_counter() - t0)
        passes += 1
    return mb(texts) / best


def python_jieba():
    """jieba's own tokenizer with the shipped dictionary added, or None when jieba is not installed."""
    try:
        import jieba
    except ImportError:
        return None
    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    for word, freq, tag in parse_dict(SHIPPED_DICT.read_text(encoding="utf-8"), str(SHIPPED_DICT)):
        tok.add_word(word, freq, tag)
    return tok


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="shorter timings")
    ap.add_argument("--json", help="also write the results to this file")
    args = ap.parse_args()
    min_time = 0.3 if args.quick else 1.0
    corpora = load_corpora()
    seg, py = A.segmenter(), python_jieba()
    results: dict = {"corpora_MB": {k: round(mb(v), 3) for k, v in corpora.items()}}
    for name, texts in corpora.items():
        folded = [A.fold(t) for t in texts]
        row = {"word_tokens": rate(A.word_tokens, texts, min_time),
               "rjieba cut": rate(seg.cut, folded, min_time),
               "rjieba cut_for_search": rate(seg.cut_for_search, folded, min_time)}
        if py is not None:
            row["jieba cut"] = rate(lambda t: list(py.cut(t)), folded, min_time)
            row["jieba cut_for_search"] = rate(lambda t: list(py.cut_for_search(t)), folded, min_time)
        results[name] = {k: round(v, 2) for k, v in row.items()}
    print(json.dumps(results, indent=1, ensure_ascii=False))
    if py is None:
        print("(jieba is not installed: no comparison with the pure-Python segmenter)")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()

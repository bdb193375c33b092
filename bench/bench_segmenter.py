"""Benchmark and cross-check of the two segmenter backends of core.analysis.

    .venv/bin/python bench/bench_segmenter.py [--quick] [--json FILE]

Measures, for rjieba and jieba (RSEARCH_SEGMENTER):

* cold start in a fresh process: python start, ``import core.analysis``,
  first ``query_units`` (fold + OpenCC + dictionary + shipped and user
  dictionaries) and first ``word_tokens``; the median of several runs;
* throughput (MB/s of UTF-8 input) of ``word_tokens`` (fold + search-mode
  segmentation + filtering, i.e. what indexing pays) and of the bare
  backend ``cut`` / ``cut_for_search``, on the seed reports and on the CMRC 2018
  trial passages, with the HMM on and off;
* identity: do both backends give the same ``cut`` and ``cut_for_search``
  tokens, with the shipped dictionary and a user dictionary loaded (entries
  with and without frequency, a traditional entry, a re-added known word), on
  every seed, every CMRC passage and on random strings mixing Chinese, rare
  ideographs, Latin, digits and punctuation;
* the HMM's effect on word-level matching: for query words cut from the text
  (2-6 Chinese characters at random places), the share of their
  ``query_units`` found among the ``word_tokens`` of the text;
* fold: lazy per-character cache (cold and warm) against building a full
  table for the CJK blocks up front.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CMRC = Path("/work/shared/bench/cmrc2018/cmrc2018_trial.json")
BACKENDS = ("rjieba", "jieba")

USER_DICT = """\
# bench user dictionary: with and without frequencies, a traditional entry,
# a re-added known word
王逢伟
彭传喜 nr
黨史學習教育領導小組辦公室 50 nt
中原区 3000 ns
西关 20
环保志愿服务队
"""


def load_corpora() -> dict[str, list[str]]:
    from rsearch.core.analysis import normalize

    seeds = [normalize(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "seeds").glob("*.txt"))]
    corpora = {"seeds": seeds}
    if CMRC.exists():
        data = json.loads(CMRC.read_text(encoding="utf-8"))
        corpora["cmrc"] = [
            normalize(p["context"]) for art in data["data"] for p in art["paragraphs"]
        ]
    return corpora


def mb(texts: list[str]) -> float:
    return sum(len(t.encode("utf-8")) for t in texts) / 1e6


def rate(fn, texts: list[str], min_time: float) -> float:
    """MB/s of fn over texts: the fastest of the passes made in min_time
    seconds (at least 3), which is the figure least disturbed by other load
    on the machine."""
    size = mb(texts)
    best = float("inf")
    start = time.perf_counter()
    passes = 0
    while passes < 3 or time.perf_counter() - start < min_time:
        t0 = time.perf_counter()
        for t in texts:
            fn(t)
        best = min(best, time.perf_counter() - t0)
        passes += 1
    return size / best


# ------------------------------------------------------------- cold start

_CHILD = r"""
import time, sys, os
t0 = time.perf_counter()
sys.path.insert(0, {root!r})
import rsearch.core.analysis as A
t1 = time.perf_counter()
A.query_units("党史学习教育")
t2 = time.perf_counter()
A.word_tokens("西工区推动党史学习教育走深走实")
t3 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2)
"""


def cold_start(backend: str, user_dict: str, runs: int) -> dict:
    env = dict(os.environ, RSEARCH_SEGMENTER=backend, RSEARCH_USER_DICT=user_dict)
    walls, imports, firsts, seconds, bare = [], [], [], [], []
    for _ in range(runs):
        s = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True, env=env)
        bare.append(time.perf_counter() - s)
        s = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", _CHILD.format(root=str(ROOT))],
            check=True, env=env, capture_output=True, text=True,
        ).stdout
        walls.append(time.perf_counter() - s)
        a, b, c = map(float, out.split())
        imports.append(a)
        firsts.append(b)
        seconds.append(c)
    med = statistics.median
    return {
        "python_bare_s": med(bare),
        "process_wall_s": med(walls),
        "process_wall_min_s": min(walls),
        "import_s": med(imports),
        "first_query_units_s": med(firsts),
        "first_query_units_min_s": min(firsts),
        "then_word_tokens_s": med(seconds),
    }


def import_cost(runs: int) -> dict:
    """``-X importtime`` cumulative microseconds of core.analysis."""
    vals = []
    for _ in range(runs):
        err = subprocess.run(
            [sys.executable, "-X", "importtime", "-c",
             f"import sys; sys.path.insert(0, {str(ROOT)!r}); import core.analysis"],
            check=True, capture_output=True, text=True,
        ).stderr
        for line in err.splitlines():
            if line.rstrip().endswith("| core.analysis"):
                vals.append(int(line.split("|")[1]) / 1e6)
    return {"importtime_cumulative_s": statistics.median(vals)}


# --------------------------------------------------------------- identity

def random_strings(n: int, seed: int, han: list[str]) -> list[str]:
    rnd = random.Random(seed)
    rare = list("䶮㐀䶵鿖鿗鿿豈兀") + ["𠮷", "𡚸", "𪚥"]
    latin = list("abcxyzABCT0123456789") + list(".-_%+#&") * 2 + [" "]
    punct = list("，。、：；！？“”（）《》—…·\n")
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rnd.randint(1, 40)):
            k = rnd.random()
            pool = han if k < 0.55 else rare if k < 0.62 else latin if k < 0.9 else punct
            parts.append(rnd.choice(pool))
        out.append("".join(parts))
    return out


def identity(corpora: dict[str, list[str]], fuzz: int) -> dict:
    import rsearch.core.analysis as A
    rj = A.segmenter("rjieba")
    pj = A.segmenter("jieba")
    result = {}
    han = sorted({c for t in corpora.get("cmrc", corpora["seeds"]) for c in t if "\u4e00" <= c <= "\u9fd5"})
    sets = dict(corpora)
    sets["random"] = random_strings(fuzz, 7, han)
    for name, texts in sets.items():
        diff = {"cut": 0, "cut_for_search": 0}
        examples = []
        for t in texts:
            f = A.fold(t)
            for mode in diff:
                a, b = getattr(rj, mode)(f), getattr(pj, mode)(f)
                if a != b:
                    diff[mode] += 1
                    if len(examples) < 3:
                        examples.append((mode, f[:60]))
        result[name] = {"texts": len(texts), "differing": diff, "examples": examples}
    return result


# -------------------------------------------------------------- throughput

def throughput(corpora: dict[str, list[str]], min_time: float) -> dict:
    import rsearch.core.analysis as A
    from rsearch.core import settings
    from rsearch.core.text import segment

    res = {}
    for backend in BACKENDS:
        os.environ[settings.ENV_SEGMENTER] = backend
        seg = A.segmenter(backend)
        for hmm in (True, False):
            segment.HMM = hmm
            for name, texts in corpora.items():
                folded = [A.fold(t) for t in texts]
                key = f"{backend} hmm={'on' if hmm else 'off'} {name}"
                res[key] = {
                    "word_tokens_MBps": rate(A.word_tokens, texts, min_time),
                    "cut_MBps": rate(seg.cut, folded, min_time),
                    "cut_for_search_MBps": rate(seg.cut_for_search, folded, min_time),
                }
    segment.HMM = True
    return res


# --------------------------------------------------------------------- HMM

def hmm_effect(corpora: dict[str, list[str]], samples: int) -> dict:
    """Share of query units (of words cut from the text) among its word tokens."""
    import rsearch.core.analysis as A
    from rsearch.core.text import segment

    res = {}
    for hmm in (True, False):
        segment.HMM = hmm
        for name, texts in corpora.items():
            rnd = random.Random(3)
            found = total = multi = multi_found = 0
            per_text = max(1, samples // len(texts))
            for t in texts:
                f = A.fold(t)
                toks = set(A.word_tokens(t))
                starts = [i for i, c in enumerate(f) if "\u4e00" <= c <= "\u9fff"]
                for _ in range(per_text):
                    if not starts:
                        break
                    i = rnd.choice(starts)
                    term = f[i : i + rnd.randint(2, 6)]
                    for u in A.query_units(term):
                        total += 1
                        found += u in toks
                        multi += len(u) > 1
                        multi_found += len(u) > 1 and u in toks
            res[f"hmm={'on' if hmm else 'off'} {name}"] = {
                "units": total,
                "found_in_word_tokens": round(found / total, 4) if total else None,
                "multi_char_units": round(multi / total, 4) if total else None,
                "multi_char_units_found": round(multi_found / total, 4) if total else None,
            }
        # Person names in the seeds (not in jieba's dictionary): is the name
        # one query unit, and is that unit a word token of its report?
        seeds = corpora["seeds"]
        whole = found_whole = 0
        for name in NAMES:
            units = A.query_units(name)
            text = next(t for t in seeds if name in t)
            whole += units == [name]
            found_whole += units == [name] and name in A.word_tokens(text)
        res[f"hmm={'on' if hmm else 'off'} names"] = {
            "names": len(NAMES),
            "one_unit": whole,
            "one_unit_and_word_token": found_whole,
        }
    segment.HMM = True
    return res


# Person names that occur in the seed reports.
NAMES = [
    "王逢伟", "邢利红", "李俊龙", "孙兰生", "任书敏", "彭传喜", "张超飞", "刘璐",
    "张再行", "黄宗华", "毛相林", "陈朝禄", "刘胜福", "张新华", "张改华", "吕杨子",
    "郭广平", "景瑞福", "李卫林", "赵启恒", "韩中亮", "潘铁楠", "孙青海", "周水斌",
    "宋凯", "孙志刚", "李怀慈", "赵普", "葛超", "乔耸",
]


# -------------------------------------------------------------------- fold

def fold_costs(corpora: dict[str, list[str]]) -> dict:
    code = r"""
import sys, time, json
sys.path.insert(0, {root!r})
import rsearch.core.analysis as A
from rsearch.core.text import fold as fold_module
texts = json.loads(sys.stdin.read())
size = sum(len(t.encode()) for t in texts) / 1e6
t = time.perf_counter(); A.fold("黨"); opencc_load = time.perf_counter() - t
t = time.perf_counter()
for x in texts: A.fold(x)
cold = time.perf_counter() - t
n = 0; t = time.perf_counter()
while time.perf_counter() - t < 1.0:
    for x in texts: A.fold(x)
    n += 1
warm = size * n / (time.perf_counter() - t)
conv = fold_module.converter()
rng = [*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000), *range(0xF900, 0xFB00)]
t = time.perf_counter(); table = {{cp: conv(chr(cp)) for cp in rng}}; per_char = time.perf_counter() - t
t = time.perf_counter(); out = conv("\n".join(map(chr, rng))).split("\n"); batch = time.perf_counter() - t
print(json.dumps(dict(opencc_load_s=opencc_load, lazy_cold_s=cold, distinct_chars=fold_module.cached_characters(),
    lazy_warm_MBps=warm, table_per_char_s=per_char, table_one_call_s=batch, table_chars=len(rng))))
"""
    texts = [t for ts in corpora.values() for t in ts]
    out = subprocess.run(
        [sys.executable, "-c", code.format(root=str(ROOT))],
        input=json.dumps(texts), check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer runs, shorter timings")
    ap.add_argument("--json", help="also write the results to this file")
    args = ap.parse_args()
    runs, min_time, fuzz, samples = (3, 0.3, 2000, 1000) if args.quick else (7, 1.0, 20000, 4000)

    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.write(USER_DICT)
        user_dict = f.name
    os.environ["RSEARCH_USER_DICT"] = user_dict
    corpora = load_corpora()
    results: dict = {
        "corpora_MB": {k: round(mb(v), 4) for k, v in corpora.items()},
        "fold": fold_costs(corpora),
        "import": import_cost(runs),
        "cold_start": {b: cold_start(b, user_dict, runs) for b in BACKENDS},
        "identity": identity(corpora, fuzz),
        "throughput": throughput(corpora, min_time),
        "hmm_effect": hmm_effect(corpora, samples),
    }
    os.unlink(user_dict)

    def show(obj, indent=0):
        for k, v in obj.items():
            if isinstance(v, dict):
                print(" " * indent + f"{k}:")
                show(v, indent + 2)
            else:
                v = round(v, 4) if isinstance(v, float) else v
                print(" " * indent + f"{k}: {v}")

    show(results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()

"""End-to-end indexing throughput against its ceiling, in one run.

    .venv/bin/python bench/make_corpus.py            # once: >= 50 MB in bench/out/corpus
    .venv/bin/python bench/bench_indexing.py [--corpus DIR] [--es-url URL] [--rounds 2] [--against REV]

* prepare: read + structure + chunk + analyse every file into bulk JSON
  (bench/out/prepared.ndjson), no Elasticsearch;
* ceiling: bulk-index those prepared documents alone (the JSON bytes as they
  are) into a fresh index: what Elasticsearch and the bulk requests cost;
* end to end: ``rsearch index`` (indexer.sync.index_paths) on the corpus into a
  fresh index: read, structure, analysis and bulk, pipelined. Each run is a
  child process, so that its memory is its own: the peak resident set of the
  indexing process and of each worker, and the peak of the whole tree (RSS
  summed, which counts pages the forked workers share once per process, and
  PSS summed, which splits them), sampled every 50 ms with psutil. Its CPU:
  the Python side (the child and its workers) and, with our own node, the
  Elasticsearch side, in CPU-seconds per MB.

With ``--against REV`` each round runs the end to end of REV (its packages
unpacked by bench/baseline.py, first on the child's PYTHONPATH, the child run
from outside the repository) and of the working tree, alternating which goes
first; each child reports the file its indexer was imported from, and the run
stops if that is not the tree asked for.
Throughput is MB of input files per second. The target is end to end within
1.3x of the ceiling. Rounds alternate ceiling / end to end; medians reported.
Without --es-url a local node (heap 1g) is started in a temporary directory.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def corpus_mb(files) -> float:
    return sum(f.stat().st_size for f in files) / 2**20


def prepare(files, out: Path) -> tuple[float, int]:
    from rsearch.indexer.sync import prepare_file, source_key

    t0 = time.perf_counter()
    n = 0
    with out.open("wb") as fh:
        for path in files:
            chunks, error = prepare_file((path, source_key(path), frozenset()))
            for chunk_id, _, doc in chunks or ():
                if isinstance(doc, dict):  # an older prepare_file: not serialised yet
                    doc = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()
                fh.write(chunk_id.encode() + b"\t" + doc + b"\n")
                n += 1
    return time.perf_counter() - t0, n


def fresh_alias(es, name: str) -> str:
    from rsearch.core import analysis
    from rsearch.indexer import index_admin

    for old in es.indices.get(index=f"{name}*", expand_wildcards="all"):
        es.indices.delete(index=old)
    physical = index_admin.create_physical(es, name, analysis.dictionary_version())
    index_admin.point_alias(es, name, physical)
    return physical


def ceiling(es, prepared: Path) -> float:
    from rsearch.indexer.bulk import bulk_write

    physical = fresh_alias(es, "bench-ceiling")
    failed = []

    def actions():
        with prepared.open("rb") as fh:
            for line in fh:
                chunk_id, _, body = line.rstrip(b"\n").partition(b"\t")
                yield {"_op_type": "index", "_index": physical, "_id": chunk_id.decode(), "_source": body}

    t0 = time.perf_counter()
    bulk_write(es, actions(), lambda a, ok, err: ok or failed.append(err))
    es.indices.refresh(index=physical)
    elapsed = time.perf_counter() - t0
    assert not failed, failed[:3]
    return elapsed


class TreeMemory:
    """Peak memory of process ``pid`` and its children, sampled in a thread
    of this (the bench) process, so the sampling costs the run nothing."""

    def __init__(self, pid: int, interval: float = 0.1):
        import psutil

        self.me = psutil.Process(pid)
        self.interval = interval
        self.peak = dict(main_rss=0, worker_rss=0, tree_rss=0, tree_pss=0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        rows = []
        for n, p in enumerate([self.me, *self.me.children(recursive=True)]):
            try:
                m = p.memory_full_info()
            except Exception:  # exited between listing and reading
                continue
            rows.append((n, m.rss, getattr(m, "pss", m.rss)))
        peak = self.peak
        for n, rss, _ in rows:
            key = "main_rss" if n == 0 else "worker_rss"
            peak[key] = max(peak[key], rss)
        peak["tree_rss"] = max(peak["tree_rss"], sum(r for _, r, _ in rows))
        peak["tree_pss"] = max(peak["tree_pss"], sum(p for _, _, p in rows))

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        return False

    def mb(self) -> dict:
        return {k: round(v / 2**20) for k, v in self.peak.items()}


def e2e_child(url: str, corpus: str) -> None:
    """One end-to-end run in this process (the tree measured is this one)."""
    from rsearch.core.settings import Settings
    from rsearch.indexer.sync import index_paths

    es = Settings(url=url, request_timeout=120).client()
    fresh_alias(es, "bench-e2e")
    r0, c0 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print("ready", flush=True)  # the parent starts sampling memory now
    t0 = time.perf_counter()
    summary = index_paths(es, "bench-e2e", [corpus], progress=False)
    elapsed = time.perf_counter() - t0
    r1, c1 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    main_cpu = r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime
    worker_cpu = c1.ru_utime + c1.ru_stime - c0.ru_utime - c0.ru_stime
    import rsearch.indexer.sync as code

    print(json.dumps(dict(seconds=elapsed, main_cpu=main_cpu, worker_cpu=worker_cpu, code=code.__file__,
                          indexed=summary.indexed, failed=summary.failed)), flush=True)


def end_to_end(tree: Path, url: str, corpus: Path, node_cpu) -> dict:
    with tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--e2e-child", url, str(corpus)],
            cwd=tree.parent, env=dict(os.environ, PYTHONPATH=str(tree)), stdout=subprocess.PIPE, stderr=err,
            text=True)
        first = child.stdout.readline()
        es0 = node_cpu()
        with TreeMemory(child.pid) as memory:
            rest = child.stdout.read()
        child.wait()
        es1 = node_cpu()
        if child.returncode or first.strip() != "ready":
            err.seek(0)
            raise SystemExit(f"end to end failed in {tree}:\n{first}{rest}{err.read()}")
    result = json.loads(rest.strip().splitlines()[-1])
    if not Path(result["code"]).resolve().is_relative_to(tree.resolve()):
        raise SystemExit(f"end to end meant for {tree} ran {result['code']}")
    result["memory"] = memory.mb()
    result["es_cpu"] = None if es0 is None else es1 - es0
    return result


def node_cpu_of(pid: int | None):
    import psutil

    proc = psutil.Process(pid) if pid else None

    def cpu() -> float | None:
        if proc is None:
            return None
        total = 0.0
        for p in [proc, *proc.children(recursive=True)]:
            with contextlib.suppress(Exception):
                t = p.cpu_times()
                total += t.user + t.system
        return total

    return cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default=str(REPO / "bench" / "out" / "corpus"))
    parser.add_argument("--es-url")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--against", help="git revision whose end to end runs alternately with the working tree's")
    parser.add_argument("--no-ceiling", action="store_true",
                        help="end to end only (CPU, memory): no prepared documents, no ceiling")
    parser.add_argument("--e2e-child", nargs=2, metavar=("URL", "CORPUS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.e2e_child:
        e2e_child(*args.e2e_child)
        return
    sys.path.insert(0, str(REPO))

    from rsearch.core.settings import Settings
    from rsearch.indexer.pipeline import iter_files
    from rsearch.localnode.temporary import node_url_and_pid

    corpus = Path(args.corpus).resolve()
    files = list(iter_files([corpus]))
    mb = corpus_mb(files)
    out = REPO / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    prepared = out / "prepared.ndjson"

    with contextlib.ExitStack() as stack:
        url, pid = stack.enter_context(node_url_and_pid(args.es_url, heap="1g", prefix="rsearch-bench-"))
        node_cpu = node_cpu_of(pid)
        trees = {"new": REPO}
        if args.against:
            sys.path.insert(0, str(REPO / "bench"))
            from baseline import extract

            trees["old"] = extract(args.against, Path(stack.enter_context(
                tempfile.TemporaryDirectory(prefix="rsearch-e2e-"))))
        es = Settings(url=url, request_timeout=120).client()
        n_docs = None
        if not args.no_ceiling:
            prep_s, n_docs = prepare(files, prepared)
            print(f"corpus: {len(files)} files, {mb:.1f} MB, {n_docs} chunks")
            print(f"prepare (read+structure+chunk+analyse+JSON, one process, no ES): {prep_s:.1f}s = "
                  f"{mb / prep_s:.2f} MB/s")
        ceilings: list[float] = []
        runs: dict[str, list[dict]] = {name: [] for name in trees}
        for r in range(args.rounds):
            c = None if args.no_ceiling else ceiling(es, prepared)
            ceilings.append(c)
            order = list(trees) if r % 2 == 0 else list(reversed(trees))
            line = f"round {r + 1}: " + ("" if c is None else f"ceiling {c:.1f}s ({mb / c:.2f} MB/s)")
            for name in order:
                e = end_to_end(trees[name], url, corpus, node_cpu)
                assert e["failed"] == 0 and e["indexed"] == (n_docs or e["indexed"]), (name, e)
                runs[name].append(e)
                line += f"; {name} {e['seconds']:.1f}s ({mb / e['seconds']:.2f} MB/s"
                line += ")" if c is None else f", ratio {e['seconds'] / c:.2f})"
            print(line, flush=True)
        c = None if args.no_ceiling else statistics.median(ceilings)
        if c is not None:
            print(f"median ceiling {mb / c:.2f} MB/s")
        for name, rs in runs.items():
            e = statistics.median(x["seconds"] for x in rs)
            main_cpu = statistics.median(x["main_cpu"] for x in rs) / mb
            worker_cpu = statistics.median(x["worker_cpu"] for x in rs) / mb
            es_cpu = [x["es_cpu"] for x in rs if x["es_cpu"] is not None]
            es_text = f"{statistics.median(es_cpu) / mb:.2f}" if es_cpu else "n/a"
            peak = {k: max(x["memory"][k] for x in rs) for k in rs[0]["memory"]}
            label = "working tree" if name == "new" else args.against
            ratio = "" if c is None else f"end to end / ceiling = {e / c:.2f}x (target <= 1.3x); "
            print(f"{label}: end to end {mb / e:.2f} MB/s, {ratio}"
                  f"CPU-s/MB python {main_cpu + worker_cpu:.2f} (indexing process {main_cpu:.2f}, workers "
                  f"{worker_cpu:.2f}), elasticsearch {es_text}; peak MB: indexing process {peak['main_rss']}, "
                  f"largest worker {peak['worker_rss']}, tree RSS {peak['tree_rss']}, tree PSS {peak['tree_pss']}")
        for name in ("bench-ceiling", "bench-e2e"):
            for old in es.indices.get(index=f"{name}*"):
                es.indices.delete(index=old)


if __name__ == "__main__":
    main()

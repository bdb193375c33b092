"""What the safety of `rsearch index` costs, in one run.

    .venv/bin/python bench/bench_index_safety.py [--es-url URL] [--files 5000] [--rounds 15]

* lock: taking and giving back the alias's write lock (indexer.write_lock):
  create the lock document, start the renewal thread, delete it;
* walk: indexer.walk.walk (lstat/stat of every entry, skip reasons) against
  the plain indexer.pipeline.iter_files, over a tree of --files small files
  (one in ten with a suffix the indexer does not read), CPU seconds;
* no-op run: index_paths over the seeds when nothing changed (lock, orphan
  check, walk, id comparison), wall seconds.
Medians over --rounds. Without --es-url a local node is started in a
temporary directory.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def cpu(fn) -> float:
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--es-url")
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()

    from rsearch.indexer.pipeline import iter_files
    from rsearch.indexer.sync import index_paths
    from rsearch.indexer.walk import walk
    from rsearch.indexer.write_lock import WriteLock
    from rsearch.core.settings import Settings

    tree = Path(tempfile.mkdtemp(prefix="rsearch-bench-walk-"))
    node = directory = None
    try:
        for i in range(args.files):
            sub = tree / f"d{i % 50:02d}"
            sub.mkdir(exist_ok=True)
            (sub / (f"f{i}.xyz" if i % 10 == 0 else f"f{i}.txt")).write_text("x")
        walk_s = [cpu(lambda: walk([tree])) for _ in range(args.rounds)]
        plain_s = [cpu(lambda: list(iter_files([tree]))) for _ in range(args.rounds)]
        w, p = statistics.median(walk_s), statistics.median(plain_s)
        print(f"walk over {args.files} files: {w * 1000:.1f} ms CPU (iter_files {p * 1000:.1f} ms), ratio {w / p:.2f}")

        if args.es_url:
            url = args.es_url
        else:
            from rsearch.localnode import LocalNode

            directory = Path(tempfile.mkdtemp(prefix="rsearch-bench-"))
            node = LocalNode(Settings.from_env().home, directory=directory, heap="512m")
            url = node.start(port=0).url
        es = Settings(url=url).client()
        alias = f"bench-safety-{uuid.uuid4().hex[:8]}"
        lock_s = []
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            with WriteLock(es, alias):
                pass
            lock_s.append(time.perf_counter() - t0)
        print(f"lock take + give back: {statistics.median(lock_s) * 1000:.1f} ms wall (median of {args.rounds})")

        first = index_paths(es, alias, [REPO / "seeds"])
        assert first.ok, first.errors
        noop = []
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            summary = index_paths(es, alias, [REPO / "seeds"])
            noop.append(time.perf_counter() - t0)
            assert summary.ok and summary.indexed == 0
        print(f"no-op run over the seeds ({first.chunks} chunks): {statistics.median(noop) * 1000:.0f} ms wall")
        found = es.indices.get(index=f"{alias}*")
        if found:
            es.indices.delete(index=",".join(found))
    finally:
        shutil.rmtree(tree, ignore_errors=True)
        if node:
            node.stop()
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Time from `rsearch es start` to a yellow/green cluster with a cached
distribution, and the node's resident memory. Median of N runs.

    .venv/bin/python bench/bench_node_start.py [--runs 5] [--heap 1g]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from rsearch.localnode import LocalNode
from rsearch.localnode.distribution import ensure_distribution
from rsearch.core.settings import ES_VERSION, Settings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--heap", default="1g")
    args = parser.parse_args()
    home = Settings.from_env().home
    ensure_distribution(home, ES_VERSION)  # the benchmark is about a cached distribution
    times, rss = [], []
    for i in range(args.runs):
        directory = Path(tempfile.mkdtemp(prefix="rsearch-bench-node-"))
        node = LocalNode(home, directory=directory, heap=args.heap)
        t0 = time.monotonic()
        status = node.start(port=0)
        times.append(time.monotonic() - t0)
        time.sleep(2)  # let start-up allocations settle before reading RSS
        rss.append(node.status().rss_mb)
        node.stop()
        shutil.rmtree(directory, ignore_errors=True)
        print(f"run {i + 1}: {times[-1]:.2f}s to {status.health}, {rss[-1]:.0f} MB resident")
    print(f"start to yellow/green (cached distribution, heap {args.heap}): "
          f"median {statistics.median(times):.2f}s, min {min(times):.2f}s, max {max(times):.2f}s over {args.runs} runs")
    print(f"resident memory of the node (launcher + server JVM): median {statistics.median(rss):.0f} MB")


if __name__ == "__main__":
    main()

"""Cold ``rsearch search``: N new processes against a real local node, median
wall and CPU time, and where the time goes.

    .venv/bin/python bench/bench_cold_search.py [--node-dir DIR | --es-url URL] [--index NAME]
                                                [--runs 30] [--baseline-rev 6091e0b]

Without --node-dir or --es-url a temporary node is started and the seeds are
indexed into it. The searches find the node as ``rsearch search`` finds the
local node (its state file, through RSEARCH_HOME; --node-dir names a running
node's directory, e.g. a temporary node's), or use --es-url. Each run is one new process of the installed ``rsearch`` script
(``rsearch search QUERY -n 10``), cycling through QUERIES; wall time is
measured around the process, CPU time (user + system) from its rusage.
With --baseline-rev the same runs are made, alternating, with that commit's
code (bench/baseline.py: put first on PYTHONPATH), so old and new are
compared under the same machine load. Older commits kept caches in
RSEARCH_CACHE_DIR: the baseline gets a directory of its own, warmed by one
search first (its normal case).

Breakdown (medians over separate processes of each variant): the
interpreter alone (``python -c pass``, site and the install's path hooks
included), then inside one process: imports (the CLI and everything its
search command imports), fold (OpenCC), dictionary (the segmenter loaded and
the query cut), the rest of the query analysis and the response
(highlighting), the HTTP request (the round trip, Elasticsearch's time
included) and rendering.

Project modules are byte-compiled first (as ``pip install`` does): this
environment may set PYTHONDONTWRITEBYTECODE, and compiling ~30 modules from
source in every process would be measured otherwise.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from baseline import extract

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ["党史", "党史学习教育", "西工区 为民办实事", "黨史學習教育", "文明城市", "乡村振兴 产业", "covid-19",
           "走深走实", "老城区 文明"]
PACKAGES = ("core", "search", "rsearch", "indexer")


class _Popen(subprocess.Popen):
    """Popen that keeps the child's rusage (os.wait4) when it reaps it."""

    cpu = float("nan")

    def _try_wait(self, wait_flags):
        try:
            pid, status, usage = os.wait4(self.pid, wait_flags)
        except ChildProcessError:
            return self.pid, 0
        if pid:
            self.cpu = usage.ru_utime + usage.ru_stime
        return pid, status


def _run(cmd: list[str], env: dict) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (user + system) and stdout of one process."""
    t0 = time.perf_counter()
    proc = _Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err.decode()[-800:]}")
    return wall, proc.cpu, out.decode()


def med(values) -> float:
    return statistics.median(values) if values else float("nan")


# ---------------------------------------------------------------- phases child

def phases(query: str) -> dict:
    """Time the phases of a CLI search inside this (fresh) process."""
    from time import perf_counter, process_time

    marks = [("start", perf_counter(), process_time())]

    def mark(name):
        marks.append((name, perf_counter(), process_time()))

    import rsearch.cli  # noqa: F401  (click, settings, the search library)
    from rsearch.core.settings import Settings
    from rsearch.render import render_result
    from rsearch.search import search

    mark("imports")
    from rsearch.core import analysis

    analysis.fold(query)
    mark("fold")
    for term in query.split():
        analysis.query_units(term)
        analysis.query_words(term)
    mark("dictionary")
    settings = Settings.from_env()
    client = settings.quick_client() if hasattr(settings, "quick_client") else settings.client()
    inner = client.search
    request = [0.0, 0.0]

    def timed(**kwargs):
        t, c = perf_counter(), process_time()
        try:
            return inner(**kwargs)
        finally:
            request[0] += perf_counter() - t
            request[1] += process_time() - c

    client.search = timed
    result = search(query, client=client, index=settings.index, limit=10)
    mark("search")
    render_result(result)
    mark("render")
    out = {}
    for (_, t0, c0), (name, t1, c1) in zip(marks, marks[1:]):
        out[name] = [t1 - t0, c1 - c0]
    out["request"] = request
    out["analysis+response"] = [out["search"][0] - request[0], out["search"][1] - request[1]]
    del out["search"]
    return out


# ---------------------------------------------------------------- driver

def _variant_env(base: dict, code: Path | None, cache: Path) -> dict:
    if code is None:
        return dict(base)
    env = dict(base, RSEARCH_CACHE_DIR=str(cache))
    env["PYTHONPATH"] = str(code) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def _compile(root: Path) -> None:
    for package in PACKAGES:
        if (root / package).is_dir():
            compileall.compile_dir(str(root / package), quiet=1)


def bench(url: str | None, node_dir: Path | None, index: str, runs: int, baseline_rev: str | None) -> None:
    rsearch = str(Path(sys.executable).parent / "rsearch")
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("RSEARCH_")}
    base_env.update(RSEARCH_INDEX=index)
    with tempfile.TemporaryDirectory(prefix="bench-cold-") as tmp:
        tmp = Path(tmp)
        if node_dir is not None:
            # A state directory whose local node is that node (core.nodestate: HOME/node).
            home = tmp / "home"
            home.mkdir()
            (home / "node").symlink_to(node_dir.resolve())
            base_env["RSEARCH_HOME"] = str(home)
            url = json.loads((node_dir / "node.json").read_text())["url"]
            where = f"the local node at {url} (state file)"
        else:
            base_env["RSEARCH_ES_URL"] = url
            where = url
        _compile(ROOT)
        variants: dict[str, dict] = {"this checkout": _variant_env(base_env, None, tmp)}
        if baseline_rev:
            code = extract(baseline_rev, tmp)
            _compile(code)
            variants[f"baseline {baseline_rev}"] = _variant_env(base_env, code, tmp / "baseline-cache")
        # Warm the OS file cache (and a baseline's own caches) for every variant once.
        for env in variants.values():
            _run([rsearch, "search", QUERIES[1], "-n", "10"], env)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
        for i in range(runs):
            q = QUERIES[i % len(QUERIES)]
            for name, env in variants.items():  # alternating: the same load for each
                wall, cpu, _ = _run([rsearch, "search", q, "-n", "10"], env)
                times[name].append((wall, cpu))
        load = os.getloadavg()
        breakdown: dict[str, dict[str, list[tuple[float, float]]]] = {name: {} for name in variants}
        for i in range(max(5, runs // 2)):
            q = QUERIES[i % len(QUERIES)]
            for name, env in variants.items():
                wall, cpu, _ = _run([sys.executable, "-c", "pass"], env)
                breakdown[name].setdefault("interpreter", []).append((wall, cpu))
                _, _, out = _run([sys.executable, __file__, "--phases", q], env)
                for phase, (w, c) in json.loads(out).items():
                    breakdown[name].setdefault(phase, []).append((w, c))

    print(f"cold `rsearch search QUERY -n 10`, {runs} processes per variant, alternating; "
          f"queries cycle through {len(QUERIES)} (index {index}, {where}); "
          f"load average after the runs {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
    width = max(map(len, variants))
    print(f"{'variant':<{width}}  median wall   median CPU   (min wall, min CPU)")
    for name, values in times.items():
        walls, cpus = [w for w, _ in values], [c for _, c in values]
        print(f"{name:<{width}}  {med(walls) * 1000:8.0f} ms  {med(cpus) * 1000:8.0f} ms   "
              f"({min(walls) * 1000:.0f}, {min(cpus) * 1000:.0f})")
    order = ["interpreter", "imports", "fold", "dictionary", "analysis+response", "request", "render"]
    print("\nbreakdown, median ms wall / CPU (separate processes: the interpreter alone, then phases in one)")
    print(f"{'phase':<18}" + "".join(f"  {name[:28]:>28}" for name in variants))
    for phase in order:
        cells = []
        for name in variants:
            values = breakdown[name].get(phase, [])
            cells.append(f"{med([w for w, _ in values]) * 1000:6.1f} / {med([c for _, c in values]) * 1000:6.1f}")
        print(f"{phase:<18}" + "".join(f"  {cell:>28}" for cell in cells))
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--es-url")
    parser.add_argument("--node-dir", type=Path, help="directory of a running local node (holds node.json)")
    parser.add_argument("--index", default=None)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--baseline-rev", help="commit to compare with, e.g. 6091e0b")
    parser.add_argument("--phases", metavar="QUERY", help=argparse.SUPPRESS)  # the child's mode
    args = parser.parse_args()
    if args.phases is not None:
        print(json.dumps(phases(args.phases)))
        return
    if args.es_url or args.node_dir:
        bench(args.es_url, args.node_dir, args.index or "reports", args.runs, args.baseline_rev)
        return
    sys.path.insert(0, str(ROOT))
    from rsearch.core.settings import Settings
    from rsearch.indexer.sync import index_paths
    from rsearch.localnode.temporary import temporary_node

    with temporary_node(prefix="bench-cold-node-") as node:
        index = "bench-cold"
        summary = index_paths(Settings(url=node.url).client(), index, [ROOT / "seeds"])
        assert summary.ok, summary.errors
        bench(None, node.directory, index, args.runs, args.baseline_rev)


if __name__ == "__main__":
    main()

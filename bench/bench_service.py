"""Load on `rsearch serve` over loopback: requests per second and p50/p95
latency at 1, 8 and 32 concurrent clients, against search.search() called
in-process with the same queries and the same number of threads; and the
import cost of the server's stack next to a command-line search.

    .venv/bin/python bench/bench_service.py --es-url URL                       # the seeds
    .venv/bin/python bench/make_corpus.py /tmp/corpus --mb 50
    .venv/bin/python bench/bench_service.py --es-url URL --corpus /tmp/corpus --index bench-service-50mb

Without --corpus the seeds are indexed into ``bench-service-seeds``; with it,
the corpus is indexed into --index unless that alias exists already. The
server is the real `rsearch serve` (uvicorn) in its own process; the load
generator is threads with keep-alive httpx clients in this process, each
level bounded by --seconds. Everything shares one machine (2 cores here): the
generator, the server and Elasticsearch compete for it, so the figures are
for comparing within one run. CPU-seconds of the server process per request
(and the library's own per call in-process) are reported per level: they
vary less with the machine's load than the latencies. Results also go to bench/out/service.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))
from bench_query import draw_queries, pct  # noqa: E402

from rsearch.localnode.node import free_port  # noqa: E402
from rsearch.serving import wait_until_healthy  # noqa: E402

BIN = Path(sys.executable).parent


def ensure_index(es, index: str, corpus: Path) -> None:
    from rsearch.indexer.sync import index_paths

    if es.indices.exists_alias(name=index):
        return
    t0 = time.monotonic()
    summary = index_paths(es, index, [corpus], progress=False)
    if not summary.ok:
        raise SystemExit(f"indexing {corpus} failed: {summary.errors[:3]}")
    print(f"indexed {corpus}: {summary.files} files, {summary.chunks} chunks in {time.monotonic() - t0:.0f}s")


def run_level(call, queries: list[str], clients: int, seconds: float) -> dict:
    """``clients`` threads calling ``call(query)`` back to back until the deadline."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    start_gate = threading.Barrier(clients + 1)
    deadline = [0.0]

    def worker(k: int):
        local, bad, i = [], 0, k * 7919
        start_gate.wait()
        while True:
            t0 = time.perf_counter()
            if t0 >= deadline[0]:
                break
            ok = call(queries[i % len(queries)], k)
            local.append((time.perf_counter() - t0) * 1000)
            bad += not ok
            i += 1
        with lock:
            latencies.extend(local)
            errors[0] += bad

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    began = time.perf_counter()
    deadline[0] = began + seconds
    start_gate.wait()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    return {"clients": clients, "requests": len(latencies), "errors": errors[0],
            "rps": round(len(latencies) / elapsed, 1),
            "p50_ms": round(statistics.median(latencies), 1), "p95_ms": round(pct(latencies, 95), 1)}


def import_costs(es_url: str, index: str, runs: int = 5) -> dict:
    """Median wall time of fresh interpreters importing each stack, and of a CLI search."""
    def median_run(cmd: list[str]) -> float:
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True, env={**os.environ, "RSEARCH_ES_URL": es_url,
                                                                       "RSEARCH_INDEX": index})
            times.append(time.perf_counter() - t0)
        return round(statistics.median(times) * 1000)

    py = sys.executable
    out = {
        "python_bare_ms": median_run([py, "-c", "pass"]),
        "import_rsearch_cli_ms": median_run([py, "-c", "import rsearch.cli"]),
        "import_server_stack_ms": median_run([py, "-c", "import fastapi, uvicorn, jinja2"]),
        "import_rsearch_service_ms": median_run([py, "-c", "import rsearch.service"]),
        "cli_search_ms": median_run([str(BIN / "rsearch"), "search", "党史", "-n", "1"]),
    }
    probe = subprocess.run([py, "-c", "import sys; from rsearch.cli import main; sys.argv=['rsearch','search','党史','-n','1'];\n"
                            "try:\n main()\nexcept SystemExit:\n pass\n"
                            "print(sorted(m for m in ('fastapi','uvicorn','jinja2','starlette') if m in sys.modules))"],
                           capture_output=True, text=True, env={**os.environ, "RSEARCH_ES_URL": es_url,
                                                                "RSEARCH_INDEX": index})
    out["server_modules_loaded_by_cli_search"] = probe.stdout.strip().splitlines()[-1]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--es-url", required=True)
    parser.add_argument("--index", default=None, help="alias to load (default: bench-service-seeds)")
    parser.add_argument("--corpus", type=Path, default=None, help="directory to index into --index if it is missing")
    parser.add_argument("--seconds", type=float, default=8.0, help="per level and side")
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--no-imports", action="store_true", help="skip the import-cost part")
    args = parser.parse_args()

    import httpx

    from rsearch.core.settings import Settings
    from rsearch.search import search

    index = args.index or "bench-service-seeds"
    corpus = args.corpus or REPO / "seeds"
    es = Settings(url=args.es_url, index=index).client()
    ensure_index(es, index, corpus)
    es.indices.refresh(index=index)
    queries = draw_queries(es, index, args.queries)
    levels = [int(c) for c in args.clients.split(",")]
    chunks = es.count(index=index)["count"]
    print(f"index {index}: {chunks} chunks; {len(queries)} queries drawn from its text; "
          f"{args.seconds:.0f}s per level")

    # In-process: the library with one shared client (it is thread-safe).
    lib_client = Settings(url=args.es_url, index=index).client()

    def lib_call(q, _k):
        search(q, limit=10, fragments=3, fragment_size=100, client=lib_client, index=index)
        return True

    # The service: the real `rsearch serve` in its own process.
    port = free_port()
    server = subprocess.Popen([str(BIN / "rsearch"), "--es-url", args.es_url, "--index", index, "serve",
                               "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base, server)
    except RuntimeError as err:
        raise SystemExit(str(err)) from None
    import psutil

    proc = psutil.Process(server.pid)
    http_clients = [httpx.Client(base_url=base, timeout=30) for _ in range(max(levels))]

    def http_call(q, k):
        return http_clients[k].get("/search", params={"q": q, "hits_per_page": 10}).status_code == 200

    rows = []
    try:
        for q in queries[:20]:  # warm both paths and the node's caches
            lib_call(q, 0)
            http_call(q, 0)
        me = psutil.Process()
        for clients in levels:
            cpu0 = sum(me.cpu_times()[:2])
            lib = run_level(lib_call, queries, clients, args.seconds)
            # The library's own CPU (Elasticsearch runs in another process).
            lib["cpu_ms_per_request"] = round((sum(me.cpu_times()[:2]) - cpu0) * 1000 / max(1, lib["requests"]), 2)
            cpu0 = sum(proc.cpu_times()[:2])
            svc = run_level(http_call, queries, clients, args.seconds)
            svc["server_cpu_s"] = round(sum(proc.cpu_times()[:2]) - cpu0, 1)
            svc["cpu_ms_per_request"] = round(svc["server_cpu_s"] * 1000 / max(1, svc["requests"]), 2)
            rows.append({"clients": clients, "library": lib, "service": svc,
                         "overhead_p50_ms": round(svc["p50_ms"] - lib["p50_ms"], 1),
                         "rps_ratio": round(svc["rps"] / lib["rps"], 2) if lib["rps"] else None})
            print(f"{clients:>3} clients | service {svc['rps']:>6} rps p50 {svc['p50_ms']:>6} ms "
                  f"p95 {svc['p95_ms']:>6} ms ({svc['errors']} errors, server {svc['cpu_ms_per_request']} CPU-ms/req) | "
                  f"in-process {lib['rps']:>6} rps p50 {lib['p50_ms']:>6} ms p95 {lib['p95_ms']:>6} ms "
                  f"({lib['cpu_ms_per_request']} CPU-ms/call) | "
                  f"overhead p50 {rows[-1]['overhead_p50_ms']} ms", flush=True)
    finally:
        for c in http_clients:
            c.close()
        server.terminate()
        server.wait(20)

    result = {"index": index, "chunks": chunks, "seconds_per_level": args.seconds, "levels": rows,
              "cpus": os.cpu_count()}
    if not args.no_imports:
        result["imports"] = import_costs(args.es_url, index)
        print("imports (median of 5 fresh interpreters):", json.dumps(result["imports"], ensure_ascii=False))
    out = REPO / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    name = "service.json" if args.index is None else f"service-{index}.json"
    (out / name).write_text(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()

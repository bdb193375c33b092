"""``rsearch index --rebuild`` of this checkout against an older commit, side by
side in one run on one node.

    .venv/bin/python bench/bench_rebuild.py [--against e6b0add] [--mb 10] [--rounds 2]
        [--queries 100] [--heap 1g] [--json FILE]

REV (default e6b0add, the code before indexing got slower) is unpacked
into ``bench/out/against-<sha>`` (``git archive``) with its own virtualenv
(``pip install -e .``), made once and reused. The corpus is
bench/make_corpus.py's (cached in ``bench/out/scale-<MB>``, as bench_scale.py
makes it). One local node (heap ``--heap``, its own temporary directory)
serves both; every request goes through a small HTTP proxy in this process,
which counts the request bodies sent to ``_bulk``.

First each variant rebuilds the corpus once, unmeasured: a fresh node's JIT
compiles each variant's analysis and indexing paths on their first
megabytes (warmed on 2 MB only, e6b0add's first round ran 40% slower than
its others and flattered the ratio; ``--warmup-mb`` to change it). Then each
round runs both commands, alternating which goes first, each its own
index alias, as a user types it: ``<venv>/bin/rsearch --es-url PROXY --index
bench-<variant> index --rebuild CORPUS``. Per run: wall seconds (MB/s);
CPU-seconds per MB of the rsearch process tree (wait4's rusage: the command
and its worker pool) and of the Elasticsearch node (psutil, its process tree);
the bulk bodies per MB of input; the store of the index the run leaves (the
alias's index, flushed); the load average before the run.

Then ``took``: each variant's own search library (run in its own virtualenv
on the same random 2-6 character strings cut from the corpus and common
words, through the proxy, which keeps the ``_search`` request bodies) makes
the requests; this process sends each body to its variant's index, the
variants alternating query by query, three times each, and takes
Elasticsearch's ``took``: median and p95 per variant.

Printed: a table of medians per variant and the ratios this / REV. The
machine is shared: ratios from one run are the figures to read; absolute
seconds depend on the load printed next to them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from bench_scale import COMMON_WORDS, make_corpus, pct, random_strings  # noqa: E402


# -- the other commit, with its own virtualenv ----------------------------------
def other_checkout(rev: str) -> Path:
    """``rev`` unpacked into bench/out/against-<sha> with a virtualenv; reused when complete."""
    sha = subprocess.run(["git", "rev-parse", "--verify", f"{rev}^{{commit}}"], cwd=REPO, check=True,
                         capture_output=True, text=True).stdout.strip()
    where = REPO / "bench" / "out" / f"against-{sha}"
    stamp = where / ".venv" / ".bench-ready"
    if stamp.exists():
        return where
    where.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "archive", sha], cwd=REPO, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive, check=True)
    print(f"setting up {rev} ({sha[:10]}) in {where} ...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(where / ".venv")], check=True)
    subprocess.run([str(where / ".venv" / "bin" / "python"), "-m", "pip", "install", "-q", "-e", str(where)],
                   check=True)
    stamp.write_text(sha)
    return where


# -- a proxy that counts what is sent -------------------------------------------
class CountingProxy:
    """HTTP/1.1 proxy on a free loopback port in front of ``upstream``
    (host, port). Counts the body bytes of requests to ``_bulk``; while
    ``capture`` is set, keeps the bodies of ``_search`` requests."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.bulk_bytes = 0
        self.capture: list | None = None
        self._lock = threading.Lock()
        self._server = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._server.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            client, _ = self._server.accept()
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        server = socket.create_connection(self.upstream)
        threading.Thread(target=self._pump, args=(server, client), daemon=True).start()
        buf = b""
        try:
            while True:
                while b"\r\n\r\n" not in buf:
                    data = client.recv(1 << 16)
                    if not data:
                        return
                    buf += data
                head, _, buf = buf.partition(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1] if len(lines[0].split(" ")) > 1 else ""
                length = 0
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value.strip())
                while len(buf) < length:
                    data = client.recv(1 << 16)
                    if not data:
                        return
                    buf += data
                body, buf = buf[:length], buf[length:]
                with self._lock:
                    if "_bulk" in path:
                        self.bulk_bytes += length
                    if self.capture is not None and path.split("?")[0].endswith("/_search"):
                        self.capture.append((path, body))
                server.sendall(head + b"\r\n\r\n" + body)
        except OSError:
            pass
        finally:
            server.close()
            client.close()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(1 << 16)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


# -- one rebuild ------------------------------------------------------------------
def node_cpu(pid: int) -> float:
    import psutil

    proc = psutil.Process(pid)
    total = 0.0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def run_child(cmd: list[str], env: dict) -> tuple[int, bytes, bytes, float]:
    """Run ``cmd``; exit code, output, error output, and the CPU-seconds of its
    process tree (wait4's rusage: the child and the children it waited for)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=tempfile.gettempdir())
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return proc.returncode, out.read(), err.read(), usage.ru_utime + usage.ru_stime


def rebuild(variant: str, venv: Path, proxy: CountingProxy, es, node_pid: int, corpus: Path, mb: float) -> dict:
    alias = f"bench-{variant}"
    cmd = [str(venv / "bin" / "rsearch"), "--es-url", proxy.url, "--index", alias, "index", "--rebuild",
           str(corpus), "--json", "--no-progress"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("RSEARCH_")}
    env["RSEARCH_CACHE_DIR"] = tempfile.mkdtemp(prefix="bench-rebuild-cache-")
    load = os.getloadavg()[0]
    proxy.bulk_bytes = 0
    es0, t0 = node_cpu(node_pid), time.perf_counter()
    code, out, err, py_cpu = run_child(cmd, env)
    wall = time.perf_counter() - t0
    es_cpu = node_cpu(node_pid) - es0
    if code != 0:
        raise SystemExit(f"{variant}: exit {code}: {err.decode(errors='replace')[-2000:]}")
    summary = json.loads(out)
    physical = summary["index"]
    es.indices.flush(index=physical)
    store = es.indices.stats(index=physical, metric="store")["indices"][physical]["primaries"]["store"]
    return {"variant": variant, "load": round(load, 1), "seconds": round(wall, 2), "mb_per_s": round(mb / wall, 3),
            "python_cpu_s_per_mb": round(py_cpu / mb, 3), "es_cpu_s_per_mb": round(es_cpu / mb, 3),
            "bulk_mb_per_mb": round(proxy.bulk_bytes / 2**20 / mb, 2),
            "store_mb": round(store["size_in_bytes"] / 2**20, 1), "chunks": summary["chunks"],
            "merge_s": summary.get("merge_seconds")}


# -- took -------------------------------------------------------------------------
DRIVER = """
import json, sys
try:
    from rsearch.search import search
except ImportError:
    from search import search
for q in json.load(open(sys.argv[1], encoding="utf-8")):
    search(q)
"""


def capture_requests(variant: str, venv: Path, proxy: CountingProxy, queries_file: Path) -> list[tuple[str, bytes]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RSEARCH_")}
    env.update(RSEARCH_ES_URL=proxy.url, RSEARCH_INDEX=f"bench-{variant}",
               RSEARCH_CACHE_DIR=tempfile.mkdtemp(prefix="bench-rebuild-cache-"))
    proxy.capture = []
    try:
        # Run elsewhere than the repository: its folders would shadow the variant's packages.
        subprocess.run([str(venv / "bin" / "python"), "-c", DRIVER, str(queries_file)], env=env, check=True,
                       capture_output=True, cwd=queries_file.parent)
        return proxy.capture
    finally:
        proxy.capture = None


def replay(es, requests: dict[str, list[tuple[str, bytes]]], repeats: int = 3) -> dict[str, list[float]]:
    """Each captured request again, the variants alternating request by request; took per variant."""
    took: dict[str, list[float]] = {v: [] for v in requests}
    n = min(len(r) for r in requests.values())
    order = list(requests)
    for rep in range(repeats):
        for i in range(n):
            for variant in (order if (i + rep) % 2 == 0 else order[::-1]):
                path, body = requests[variant][i]
                resp = es.perform_request("POST", path.split("?")[0], body=json.loads(body),
                                          headers={"content-type": "application/json", "accept": "application/json"})
                took[variant].append(resp.body["took"])
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--against", default="e6b0add", help="the other commit (default e6b0add)")
    parser.add_argument("--mb", type=float, default=10.0, help="corpus size in MB (default 10)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--queries", type=int, default=100, help="random strings for took (plus common words)")
    parser.add_argument("--heap", default="1g")
    parser.add_argument("--warmup-mb", type=float,
                        help="corpus each variant rebuilds once, unmeasured, before the rounds (default: --mb)")
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args()

    from urllib.parse import urlsplit

    from rsearch.core.settings import Settings
    from rsearch.localnode.temporary import temporary_node

    corpus = make_corpus(args.mb)
    files = [p for p in corpus.rglob("*") if p.is_file() and not p.name.startswith(".")]
    mb = sum(p.stat().st_size for p in files) / 2**20
    venvs = {"before": other_checkout(args.against) / ".venv", "now": REPO / ".venv"}
    print(f"corpus {corpus} ({mb:.1f} MB, {len(files)} files); before = {args.against}, now = working tree",
          flush=True)
    runs: list[dict] = []
    with temporary_node(heap=args.heap, prefix="rsearch-bench-rebuild-") as node:
        es = Settings(url=node.url, request_timeout=600).client()
        parts = urlsplit(node.url)
        proxy = CountingProxy((parts.hostname, parts.port))
        pid = node.node.status().pid
        # A fresh node spends its first minutes compiling (the JIT): each
        # variant rebuilds the corpus (or --warmup-mb of it) once, unmeasured.
        args.warmup_mb = args.warmup_mb or args.mb
        warm = make_corpus(args.warmup_mb)
        for variant in venvs:
            rebuild(variant, venvs[variant], proxy, es, pid, warm, args.warmup_mb)
        for r in range(args.rounds):
            order = ["before", "now"] if r % 2 == 0 else ["now", "before"]
            for variant in order:
                res = rebuild(variant, venvs[variant], proxy, es, pid, corpus, mb)
                res["round"] = r + 1
                runs.append(res)
                print(f"  round {r + 1} {variant:6s} {res['seconds']:6.1f} s  {res['mb_per_s']:.2f} MB/s  "
                      f"CPU-s/MB python {res['python_cpu_s_per_mb']:.2f} ES {res['es_cpu_s_per_mb']:.2f}  "
                      f"bulk {res['bulk_mb_per_mb']:.2f} MB/MB  store {res['store_mb']:.1f} MB  "
                      f"(load {res['load']})", flush=True)
        # took, on the indices the last rounds left
        texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(files)[:400]
                 if p.suffix in (".txt", ".md")]
        rng = random.Random(5)
        query_sets = {"random": random_strings(texts, args.queries, rng),
                      "common": [COMMON_WORDS[i % len(COMMON_WORDS)] for i in range(max(20, args.queries // 4))]}
        took: dict[str, dict] = {}
        for name, queries in query_sets.items():
            qfile = Path(tempfile.mkdtemp(prefix="bench-rebuild-q-")) / "queries.json"
            qfile.write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")
            captured = {v: capture_requests(v, venvs[v], proxy, qfile) for v in venvs}
            for v, reqs in captured.items():
                if len(reqs) < len(queries):
                    raise SystemExit(f"{v}: {len(reqs)} search requests for {len(queries)} queries")
            # One request per query: the first each query sent (the scored one).
            per_query = {v: reqs[:len(queries)] for v, reqs in captured.items()}
            values = replay(es, per_query)
            took[name] = {v: {"median": statistics.median(t), "p95": pct(t, 95)} for v, t in values.items()}
        es.close()

    def med(variant: str, key: str) -> float:
        return statistics.median(r[key] for r in runs if r["variant"] == variant)

    keys = [("seconds", "rebuild s"), ("mb_per_s", "MB/s"), ("python_cpu_s_per_mb", "Python CPU-s/MB"),
            ("es_cpu_s_per_mb", "Elasticsearch CPU-s/MB"), ("bulk_mb_per_mb", "bulk body MB per MB"),
            ("store_mb", "store MB")]
    table = {}
    print(f"\nmedians over {args.rounds} round(s), {mb:.1f} MB; load averages {[r['load'] for r in runs]}")
    print(f"{'':24s} {'before':>10s} {'now':>10s} {'now/before':>11s}")
    for key, label in keys:
        b, n = med("before", key), med("now", key)
        table[key] = {"before": b, "now": n, "ratio": round(n / b, 3) if b else None}
        print(f"{label:24s} {b:10.2f} {n:10.2f} {n / b if b else float('nan'):10.2f}x")
    for name in took:
        for stat in ("median", "p95"):
            b, n = took[name]["before"][stat], took[name]["now"][stat]
            print(f"{'took ' + name + ' ' + stat + ' ms':24s} {b:10.1f} {n:10.1f} "
                  f"{(n / b) if b else float('nan'):10.2f}x")
    speedup = med("before", "seconds") / med("now", "seconds")
    print(f"--rebuild is {speedup:.2f}x as fast; the store {table['store_mb']['ratio']:.2f}x")
    if args.json:
        Path(args.json).write_text(json.dumps({"mb": mb, "against": args.against, "runs": runs, "table": table,
                                               "took": took, "speedup": speedup}, indent=1))


if __name__ == "__main__":
    main()

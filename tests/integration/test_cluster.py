"""rsearch on a real three-node cluster of the test distribution (loopback,
rsearch.localnode.cluster): indexing with one replica while a node is killed
with SIGKILL, searching under a bounded load while another is, and a re-run
once the nodes are back. Against a clean single-node index of the same files:
no chunk lost, none duplicated; the exit codes tell the truth; searches keep
answering. The figures are printed at the end of the module.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from paths import REPO, SEEDS
from rsearch.core.settings import Settings
from rsearch.indexer.sync import index_paths

pytestmark = pytest.mark.es

REPORTS = REPO / "tests" / "reports"
COPIES = 8  # copies of the seeds and test reports: a run long enough to kill a node in
HEAP = "384m"
FIGURES: dict[str, object] = {}


@pytest.fixture(scope="module", autouse=True)
def _report(request):
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None or not FIGURES:
        return
    with capture.global_and_fixture_disabled():  # the figures are meant to be seen
        reporter.write_line("")
        reporter.write_line("three-node cluster: " + json.dumps(FIGURES, ensure_ascii=False))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The seeds and test reports, COPIES times, each copy in its own folder (other paths, other chunks)."""
    from rsearch.indexer.pipeline import SUFFIXES, load_file
    from rsearch.indexer.reader import UnreadableFile

    def readable(path: Path) -> bool:
        try:
            return path.suffix.lower() in SUFFIXES and bool(load_file(path))
        except UnreadableFile:  # a scanned PDF: its own tests cover it
            return False

    files = [p for p in sorted([*SEEDS.iterdir(), *REPORTS.iterdir()]) if p.is_file() and readable(p)]
    root = tmp_path_factory.mktemp("cluster-corpus")
    for i in range(COPIES):
        for path in files:
            (root / f"{i:02d}" / path.parent.name).mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, root / f"{i:02d}" / path.parent.name / path.name)
    return root


@pytest.fixture(scope="module")
def cluster():
    from rsearch.localnode.cluster import temporary_cluster

    with temporary_cluster(3, heap=HEAP, prefix="rsearch-test-cluster-") as running:
        yield running


def ids(es, alias: str) -> list[str]:
    """Every chunk id of the alias (a list: a duplicate would show)."""
    from elasticsearch.helpers import scan

    es.indices.refresh(index=alias)
    return [h["_id"] for h in scan(es, index=alias, query={"query": {"match_all": {}}, "_source": False}, size=2000)]


def primary_node(es, alias: str) -> str:
    """The node holding the primary copy of the alias's (first) shard."""
    rows = es.cat.shards(index=alias, format="json", h="shard,prirep,state,node")
    return next(r["node"] for r in rows if r["prirep"] == "p" and r["state"] == "STARTED")


def run_index(url: str, alias: str, corpus: Path, *extra: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RSEARCH_ES_URL")}
    return subprocess.Popen(
        [sys.executable, "-m", "rsearch.cli", "--es-url", url, "--index", alias, "index", str(corpus),
         "--json", "--no-progress", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def finish(proc: subprocess.Popen, timeout: float = 600) -> tuple[int, dict, str]:
    out, err = proc.communicate(timeout=timeout)
    try:
        summary = json.loads(out)
    except ValueError:
        summary = {}
    return proc.returncode, summary, err


def test_three_nodes_lose_nothing_when_nodes_are_killed(es, cluster, corpus):
    # The clean reference: the same files on the single test node.
    reference = f"rsearch-test-clean-{uuid.uuid4().hex[:8]}"
    clean = index_paths(es, reference, [corpus])
    assert clean.ok, clean.errors
    expected = sorted(ids(es, reference))
    es.indices.delete(index=",".join(es.indices.get(index=f"{reference}*")))
    FIGURES["chunks"] = len(expected)

    ces = Settings(url=cluster.url).client()
    alias = "reports"

    # 1. Index with one replica; SIGKILL the node with the primary once a
    #    quarter of the chunks are in.
    proc = run_index(cluster.url, alias, corpus, "--replicas", "1")
    killed = None
    deadline = time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            if ces.indices.exists_alias(name=alias) and ces.count(index=alias)["count"] >= len(expected) // 4:
                killed = primary_node(ces, alias)
                cluster.kill(cluster.index_of(killed))
                break
        except Exception:
            pass
        time.sleep(0.2)
    code, summary, err = finish(proc)
    FIGURES["indexing: node killed"] = killed
    FIGURES["indexing: exit code"] = code
    FIGURES["indexing: failed chunks (run's own count)"] = summary.get("failed")
    assert killed is not None, "the run ended before a node could be killed"
    got = ids(ces, alias)
    FIGURES["indexing: chunks lost"] = len(set(expected) - set(got))
    FIGURES["indexing: chunks duplicated or extra"] = len(got) - len(set(got)) + len(set(got) - set(expected))
    # The exit code tells the truth: 0 exactly when every chunk landed.
    assert (code == 0) == (sorted(got) == expected), (code, summary.get("errors"), err[-2000:])
    # With a replica the run survives the loss of a node.
    assert code == 0 and sorted(got) == expected, (code, summary.get("errors"), err[-2000:])

    cluster.restart(cluster.index_of(killed))
    ces.cluster.health(index=alias, wait_for_status="green", timeout="120s")

    # 2. A bounded search load (four threads, each with its own client given
    #    all three URLs, as the CLI and the service make them); SIGKILL the
    #    primary's node a third of the way in.
    from rsearch.search import search

    settings = Settings(url=cluster.url, index=alias)
    queries = ["党史学习教育", "西工区", "志愿服务", "乡村振兴", "政府工作报告", "疫情防控", "经济", "民生"]
    seconds, stop, lock = 24.0, threading.Event(), threading.Lock()
    outcome: list[tuple[float, bool, str]] = []
    started = time.monotonic()

    def load(worker: int):
        client = settings.client()
        n = worker
        while not stop.is_set():
            query = queries[n % len(queries)]
            n += 1
            try:
                result = search(query, client=client, index=alias, limit=5)
                ok, why = result.total > 0, "" if result.total > 0 else "no hits"
            except Exception as err:  # counted, not raised: the figure is the point
                ok, why = False, f"{type(err).__name__}: {err}"[:200]
            with lock:
                outcome.append((time.monotonic() - started, ok, why))
            time.sleep(0.02)

    workers = [threading.Thread(target=load, args=(i,), daemon=True) for i in range(4)]
    for w in workers:
        w.start()
    time.sleep(seconds / 3)
    victim = primary_node(ces, alias)
    kill_at = time.monotonic() - started
    cluster.kill(cluster.index_of(victim))
    # The failover is over when the cluster has put the index back together
    # on the two nodes left (every primary active: yellow at least).
    ces.cluster.health(index=alias, wait_for_status="yellow", wait_for_nodes=2, timeout="60s")
    failover_done = time.monotonic() - started
    time.sleep(max(0.0, seconds - (time.monotonic() - started)))
    stop.set()
    for w in workers:
        w.join(timeout=60)
    failed_before = [o for o in outcome if not o[1] and o[0] < kill_at]
    failed_during = [o for o in outcome if not o[1] and kill_at <= o[0] < failover_done]
    failed_after = [o for o in outcome if not o[1] and o[0] >= failover_done]
    FIGURES["search: node killed"] = victim
    FIGURES["search: searches"] = len(outcome)
    FIGURES["search: failed before / during / after the failover"] = [
        len(failed_before), len(failed_during), len(failed_after)]
    FIGURES["search: failover seconds"] = round(failover_done - kill_at, 2)
    assert len([o for o in outcome if o[0] >= failover_done]) > 20  # the load went on after the failover
    assert failed_before == [] and failed_after == [], (failed_before + failed_after)[:5]

    # 3. The nodes back: a re-run changes nothing.
    cluster.restart(cluster.index_of(victim))
    ces.cluster.health(index=alias, wait_for_status="green", timeout="120s")
    code, summary, err = finish(run_index(cluster.url, alias, corpus))
    FIGURES["re-run: exit code"] = code
    FIGURES["re-run: indexed / deleted / unchanged"] = [summary.get("indexed"), summary.get("deleted"),
                                                       summary.get("unchanged")]
    assert code == 0, (summary.get("errors"), err[-2000:])
    assert (summary["indexed"], summary["deleted"], summary["unchanged"]) == (0, 0, len(expected))
    assert sorted(ids(ces, alias)) == expected
    FIGURES["re-run: chunks lost / duplicated"] = [len(set(expected) - set(ids(ces, alias))),
                                                  len(ids(ces, alias)) - len(expected)]
    ces.close()


def test_several_urls_fail_over(cluster):
    """A URL that answers nothing first in the list: the client goes on to the next node."""
    from rsearch.localnode.node import free_port

    dead = f"http://127.0.0.1:{free_port()}"
    settings = Settings(url=f"{dead},{cluster.url}")
    assert settings.urls[0] == dead and len(settings.urls) == 4
    client = settings.client()
    for _ in range(8):  # every node in turn, the dead one included
        assert client.cluster.health()["number_of_nodes"] == 3


def test_the_write_lock_survives_losing_the_node_that_holds_it(cluster):
    """The lock index has a replica on a cluster: when the node holding the
    lock's primary dies, the holder keeps renewing it, a second writer is
    still refused, and releasing it lets the next one in."""
    from rsearch.indexer.write_lock import LOCK_INDEX, IndexLocked, WriteLock

    es = Settings(url=cluster.url).client()
    alias = f"lock-{uuid.uuid4().hex[:6]}"
    lock = WriteLock(es, alias, ttl=3.0)
    lock.acquire()
    try:
        es.cluster.health(index=LOCK_INDEX, wait_for_status="green", timeout="60s")
        rows = es.cat.shards(index=LOCK_INDEX, format="json", h="prirep,state,node")
        assert sorted(r["prirep"] for r in rows if r["state"] == "STARTED") == ["p", "r"]
        holder = next(r["node"] for r in rows if r["prirep"] == "p")
        cluster.kill(cluster.index_of(holder))
        time.sleep(3 * 3.0)  # a few renewals (every ttl/4) across the failover
        assert lock.lost is None
        with pytest.raises(IndexLocked):
            WriteLock(es, alias, ttl=3.0).acquire()
    finally:
        lock.release()
    again = WriteLock(es, alias, ttl=3.0)
    again.acquire()
    again.release()
    FIGURES["write lock: node killed, renewals kept, second writer refused"] = holder
    es.close()  # the last test of the module: the cluster is stopped with the node still down

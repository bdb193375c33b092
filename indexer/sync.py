"""Keep the index in step with the files: ``index_paths`` is ``rsearch index``.

Incremental by construction: chunk ids are content hashes (same content, same
id), so for each file we compare the ids it yields now with the ids the index
holds for it, write only the new ones and delete only the ones that are gone.
Unchanged files write nothing; a changed file replaces exactly its old
chunks; a run cut short (node stopped mid-way) is completed by the next run,
which ends with the same ids as a clean run.

Pruning (default on): chunks whose file is gone from a directory being
indexed are deleted. Files given one by one prune only themselves. A file that
exists but cannot be read keeps its old chunks (we lose nothing) and is
reported; so do the files under a folder that cannot be listed.

Nothing is destroyed on a failed run: a rebuild moves the alias only when
every file was read and every chunk landed, else the new index is deleted
and the old one stays live. One run writes an alias at a time (a lock held in
Elasticsearch, indexer.write_lock); physical indices a killed rebuild left
behind are deleted by the next run.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from itertools import islice
from pathlib import Path

from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch
from elasticsearch.helpers import scan

from rsearch.core import analysis
from rsearch.indexer import index_admin
from rsearch.indexer.bulk import bulk_write
from rsearch.indexer.documents import to_document
from rsearch.indexer.merge import merge_for_search, settings_while_building
from rsearch.indexer.pipeline import load_file
from rsearch.indexer.reader import UnreadableFile
from rsearch.indexer.walk import source_key, walk  # noqa: F401  (source_key: the stored name)
from rsearch.indexer.write_lock import IndexLocked, WriteLock  # noqa: F401
from rsearch.core.errors import IndexOutdated


@dataclass
class IndexSummary:
    files: int = 0
    reports: int = 0
    chunks: int = 0
    indexed: int = 0
    unchanged: int = 0
    deleted: int = 0
    failed: int = 0
    errors: list[dict] = field(default_factory=list)
    index: str = ""
    seconds: float = 0.0
    # Which files: paths added (no chunks before), changed (their chunks
    # differ), removed (gone from a folder indexed: their chunks deleted),
    # and files not read, each with the reason.
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    # Physical indices of this alias that no alias pointed at (left by a
    # killed rebuild), deleted at the start of this run.
    orphans_deleted: list[str] = field(default_factory=list)
    # A rebuild force-merges the new index to one segment before the alias
    # moves (fewer segments: a smaller store and faster searches); its time.
    merge_seconds: float | None = None
    # The index's shards and replicas (core.layout) and its health at the
    # end: yellow when a replica asked for has no node to go to.
    shards: int | None = None
    replicas: str | None = None
    health: str | None = None

    @property
    def ok(self) -> bool:
        return self.failed == 0 and not self.errors

    def to_dict(self) -> dict:
        return asdict(self)


def _existing_ids(es: Elasticsearch, index: str, files: list[str], dirs: list[str]) -> dict[str, set[str]]:
    """Ids the index holds per source path, for these files and directories."""
    should: list[dict] = [{"prefix": {"source_path": d.rstrip("/") + "/"}} for d in dirs]
    for i in range(0, len(files), 10000):
        should.append({"terms": {"source_path": files[i:i + 10000]}})
    held: dict[str, set[str]] = defaultdict(set)
    if not should:
        return held
    query = {"bool": {"should": should, "minimum_should_match": 1}}
    for hit in scan(es, index=index, query={"query": query, "_source": ["source_path"]}, size=5000):
        held[hit["_source"]["source_path"]].add(hit["_id"])
    return held


def _is_gone(key: str, unreadable_dirs: list[str]) -> bool:
    """True only when the file certainly no longer exists: under a folder we
    could not list, or when lstat fails for another reason than "no such
    file" (a permission problem), its chunks are kept."""
    if any(key.startswith(d.rstrip("/") + "/") for d in unreadable_dirs):
        return False
    try:
        os.lstat(key)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return False


def index_paths(
    es: Elasticsearch,
    alias: str,
    paths: list[str | os.PathLike],
    *,
    rebuild: bool = False,
    prune: bool = True,
    progress: bool | None = None,
    bulk_options: dict | None = None,
    shards: int | None = None,
    replicas: str | None = None,
) -> IndexSummary:
    """Index ``paths`` (files and directories) into the index behind ``alias``.

    ``shards`` and ``replicas`` (core.layout; None: keep, else the defaults)
    are given to an index this run creates; ``replicas`` also to a live one.
    Holds the alias's write lock (indexer.write_lock) for the whole run;
    raises IndexLocked when another run holds it.
    """
    with WriteLock(es, alias) as lock:
        summary = _index_locked(es, alias, paths, rebuild=rebuild, prune=prune, progress=progress,
                                bulk_options=bulk_options, shards=shards, replicas=replicas)
        if lock.lost:
            summary.errors.append({"path": "", "error": lock.lost})
        return summary


def _index_locked(es, alias, paths, *, rebuild, prune, progress, bulk_options, shards, replicas) -> IndexSummary:
    started = time.monotonic()
    summary = IndexSummary()
    dict_version = analysis.dictionary_version()

    found = walk(list(paths))
    summary.errors += found.errors
    summary.skipped = found.skipped
    files = [path for path, _ in found.files]
    keys = [key for _, key in found.files]
    dirs = found.dirs
    summary.files = len(files)
    summary.orphans_deleted = index_admin.delete_orphans(es, alias)

    input_bytes = sum(_size(path) for path in files)
    if rebuild:
        layout = index_admin.choose_layout(es, shards, replicas, replacing=index_admin.current(es, alias).physical,
                                           input_bytes=input_bytes)
        target = index_admin.create_physical(es, alias, dict_version, layout, settings_while_building())
        held: dict[str, set[str]] = {}
    else:
        info = index_admin.current(es, alias)
        if info.exists:
            index_admin.apply_layout(es, info.physical, shards, replicas)
        else:
            info = index_admin.ensure(es, alias, dict_version,
                                      index_admin.choose_layout(es, shards, replicas, input_bytes=input_bytes))
        stale = info.stale_because(dict_version)
        if stale:
            raise IndexOutdated(f"{stale}: rebuild it from the files")
        target = info.physical
        held = _existing_ids(es, target, keys, dirs if prune else [])
    summary.index = target

    path_of: dict[str, str] = {}
    tasks = [(path, key, frozenset(held.get(key, ()))) for path, key in zip(files, keys)]
    pool = _worker_pool(len(files))

    def actions():
        bar = _progress(len(files), progress)
        prepared = in_order(pool, tasks) if pool else map(prepare_file, tasks)
        for (path, key, old), (chunks, error) in zip(tasks, prepared):
            bar.update(1)
            if error is not None:
                summary.errors.append({"path": str(path), "error": error})
                continue
            summary.reports += len({report_id for _, report_id, _ in chunks})
            summary.chunks += len(chunks)
            new_ids = {chunk_id for chunk_id, _, _ in chunks}
            if not old:
                summary.added.append(str(path))
            elif old != new_ids:
                summary.changed.append(str(path))
            for chunk_id, _, doc in chunks:
                if doc is None:
                    summary.unchanged += 1
                    continue
                path_of[chunk_id] = str(path)
                yield {"_op_type": "index", "_index": target, "_id": chunk_id, "_source": doc}
            for gone in old - new_ids:
                path_of[gone] = str(path)
                yield {"_op_type": "delete", "_index": target, "_id": gone}
            bar.set_postfix(chunks=summary.chunks, refresh=False)
        bar.close()
        # Files gone from the directories we index: their chunks go too --
        # only when the file is certainly gone (see _is_gone).
        seen = set(keys)
        for key, ids in held.items():
            if key not in seen and _is_gone(key, found.unreadable_dirs):
                summary.removed.append(key)
                for gone in ids:
                    path_of[gone] = key
                    yield {"_op_type": "delete", "_index": target, "_id": gone}

    failures: dict[tuple[str, str | None], list[str]] = defaultdict(list)

    def on_result(action: dict, ok: bool, error: str | None) -> None:
        op = action.get("_op_type", "index")
        if ok:
            if op == "delete":
                summary.deleted += 1
            else:
                summary.indexed += 1
        else:
            summary.failed += 1
            failures[(path_of.get(action["_id"], "?"), error)].append(action["_id"])
        path_of.pop(action["_id"], None)

    # Reading, structure and analysis (worker processes, fed by a background
    # thread) overlap with Elasticsearch indexing the previous batch.
    try:
        bulk_write(es, prefetch(actions()), on_result, **(bulk_options or {}))
    except BaseException:
        if rebuild:  # the old index stays live; the half-filled one goes
            try:
                es.options(ignore_status=404).indices.delete(index=target)
            except Exception:
                pass  # the next run deletes it as an orphan
        raise
    finally:
        if pool:
            pool.terminate()
    for (path, error), ids in failures.items():
        summary.errors.append({"path": path, "error": f"{len(ids)} chunk(s) not written: {error}"})

    try:
        es.indices.refresh(index=target)
    except (ApiError, TransportError):  # the node may be gone; the failures above say so
        pass
    if rebuild:
        # Swap only when every file was read and every chunk landed.
        if not summary.ok:
            summary.errors.append({"path": "", "error": (
                f"rebuild incomplete: alias '{alias}' left on the old index; {target} deleted")})
            try:
                es.options(ignore_status=404).indices.delete(index=target)
            except (ApiError, TransportError):
                pass  # the next run deletes it as an orphan
        else:
            summary.merge_seconds = merge_for_search(es, target)
            for old in index_admin.point_alias(es, alias, target):
                es.options(ignore_status=404).indices.delete(index=old)
    _describe_layout(es, target, summary)
    summary.seconds = round(time.monotonic() - started, 3)
    return summary


def _size(path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _describe_layout(es, index: str, summary: IndexSummary) -> None:
    """Shards, replicas and health of the index written, when it can still be asked."""
    try:
        now = index_admin.layouts.of_index(es, index)
        summary.shards, summary.replicas = now.shards, now.replicas
        # A short wait for replicas still starting; a timed-out wait answers 408, with the health.
        summary.health = es.options(ignore_status=408).cluster.health(
            index=index, wait_for_status="green", timeout="5s")["status"]
    except (ApiError, TransportError):
        pass  # deleted (an incomplete rebuild) or the cluster is gone: the errors say so


def prepare_file(task: tuple[Path, str, frozenset]) -> tuple[list | None, str | None]:
    """One file -> [(chunk id, report id, document as bulk JSON, or None if
    already indexed)].

    Runs in a worker process: everything CPU-bound (reading, structure,
    analysis, the JSON of the bulk body) happens here. The document goes
    back serialised (the bulk helper sends bytes as they are): one bytes
    object is far cheaper to pass between processes than a dict of many
    strings, and serialising here spreads that work over the workers
    rather than leaving it to the one process that talks to Elasticsearch.
    Chunks the index already holds are not analysed. Returns (chunks, None)
    or (None, one-line error).
    """
    path, key, held = task
    try:
        chunks = load_file(path, source_path=key)
    except UnreadableFile as err:
        return None, err.reason
    dumps = _serializer().dumps
    return [(c.id, c.report_id, None if c.id in held else dumps(to_document(c))) for c in chunks], None


@lru_cache(maxsize=1)
def _serializer():
    """The client's own JSON serializer over orjson (several times faster than
    the stdlib's and the same JSON), else its stdlib one."""
    try:
        from elasticsearch.serializer import OrjsonSerializer
    except ImportError:  # orjson not installed
        from elasticsearch.serializer import JsonSerializer as OrjsonSerializer

    return OrjsonSerializer()


def _prepare_batch(tasks: list) -> list:
    return [prepare_file(task) for task in tasks]


# Below this many files a process pool costs more than it saves.
POOL_MIN_FILES = 40
# Files per task sent to a worker, and tasks in flight per worker: enough to
# keep every worker busy while the bulk sender waits, few enough that
# prepared documents never pile up in memory (Pool.imap queues every
# result as soon as it is ready, however far ahead of the sender).
BATCH_FILES = 4
BATCHES_PER_WORKER = 64


def in_order(pool, tasks: list) -> Iterator[tuple[list | None, str | None]]:
    """``map(prepare_file, tasks)`` on the pool's workers, in order, with at
    most BATCHES_PER_WORKER batches per worker prepared ahead."""
    batches = (tasks[i:i + BATCH_FILES] for i in range(0, len(tasks), BATCH_FILES))
    ahead = deque(pool.apply_async(_prepare_batch, (batch,))
                  for batch in islice(batches, BATCHES_PER_WORKER * _workers()))
    while ahead:
        done = ahead.popleft().get()
        for batch in islice(batches, 1):
            ahead.append(pool.apply_async(_prepare_batch, (batch,)))
        yield from done


def _worker_pool(n_files: int):
    """Worker processes for prepare_file (``_workers``), for large runs.

    Forked here, in the calling thread, before the prefetch thread and the
    bulk requests start, so no lock of ours is held at the fork. A machine
    with one core, or a small run, prepares in-process (in the prefetch
    thread, while the bulk requests are in flight).
    """
    workers = _workers()
    if n_files < POOL_MIN_FILES or workers < 2:
        return None
    import multiprocessing

    return multiprocessing.get_context("fork").Pool(workers)


def _workers() -> int:
    """One worker process per core. Preparing in-process instead (one core
    for Python, the other left to Elasticsearch) halves the memory but was
    slower end to end on two cores (bench/bench_indexing.py; figures in
    docs/benchmarks.md), most likely because the thread that prepares holds the GIL
    that the one sending the bulk requests waits for, and Elasticsearch
    waits with it."""
    return os.cpu_count() or 1


def prefetch(items: Iterator[dict], depth: int = 1000) -> Iterator[dict]:
    """Run the ``items`` generator in a background thread, ``depth`` ahead.

    The bulk sender mostly waits on the network (releasing the GIL), so the
    producer keeps preparing the next documents meanwhile. Exceptions in the
    producer are re-raised here; closing this generator stops the producer.
    """
    q: queue.Queue = queue.Queue(maxsize=depth)
    done = object()
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        q.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            q.put(done)
        except BaseException as exc:  # handed to the consumer
            q.put(exc)

    worker = threading.Thread(target=produce, name="rsearch-prepare", daemon=True)
    worker.start()
    try:
        while True:
            item = q.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join(timeout=5)


def _progress(total: int, enabled: bool | None):
    """A progress bar on a terminal (files, chunks, rate); silent when piped."""
    from tqdm import tqdm

    disable = (not sys.stderr.isatty()) if enabled is None else not enabled
    return tqdm(total=total, unit="file", desc="indexing", disable=disable, file=sys.stderr)

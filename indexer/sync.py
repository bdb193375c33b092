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
reported.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
import time
from collections.abc import Iterator
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch
from elasticsearch.helpers import scan

from core import analysis
from indexer import index_admin
from indexer.bulk import bulk_write
from indexer.documents import to_document
from indexer.pipeline import iter_files, load_file
from indexer.reader import UnreadableFile
from core.errors import IndexOutdated


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

    @property
    def ok(self) -> bool:
        return self.failed == 0 and not self.errors

    def to_dict(self) -> dict:
        return asdict(self)


def source_key(path: Path) -> str:
    """The name stored with a file's chunks: its absolute path."""
    return str(path.resolve())


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


def index_paths(
    es: Elasticsearch,
    alias: str,
    paths: list[str | os.PathLike],
    *,
    rebuild: bool = False,
    prune: bool = True,
    progress: bool | None = None,
    bulk_options: dict | None = None,
) -> IndexSummary:
    """Index ``paths`` (files and directories) into the index behind ``alias``."""
    started = time.monotonic()
    summary = IndexSummary()
    dict_version = analysis.dictionary_version()

    roots = [Path(p) for p in paths]
    for root in roots:
        if not root.exists():
            summary.errors.append({"path": str(root), "error": "no such file or directory"})
    files = list(iter_files([r for r in roots if r.exists()]))
    dirs = [source_key(r) for r in roots if r.is_dir()]
    keys = [source_key(f) for f in files]
    summary.files = len(files)

    if rebuild:
        target = index_admin.create_physical(es, alias, dict_version)
        held: dict[str, set[str]] = {}
    else:
        info = index_admin.ensure(es, alias, dict_version)
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
        prepared = pool.imap(prepare_file, tasks, chunksize=4) if pool else map(prepare_file, tasks)
        for (path, key, old), (chunks, error) in zip(tasks, prepared):
            bar.update(1)
            if error is not None:
                summary.errors.append({"path": str(path), "error": error})
                continue
            summary.reports += len({report_id for _, report_id, _ in chunks})
            summary.chunks += len(chunks)
            for chunk_id, _, doc in chunks:
                if doc is None:
                    summary.unchanged += 1
                    continue
                path_of[chunk_id] = str(path)
                yield {"_op_type": "index", "_index": target, "_id": chunk_id, "_source": doc}
            for gone in old - {chunk_id for chunk_id, _, _ in chunks}:
                path_of[gone] = str(path)
                yield {"_op_type": "delete", "_index": target, "_id": gone}
            bar.set_postfix(chunks=summary.chunks, refresh=False)
        bar.close()
        # Files gone from the directories we index: their chunks go too.
        seen = set(keys)
        for key, ids in held.items():
            if key not in seen and not os.path.exists(key):
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
        if summary.failed:
            summary.errors.append({"path": "", "error": f"rebuild incomplete: alias '{alias}' left on the old index; {target} deleted"})
            es.options(ignore_status=404).indices.delete(index=target)
        else:
            for old in index_admin.point_alias(es, alias, target):
                es.options(ignore_status=404).indices.delete(index=old)
    summary.seconds = round(time.monotonic() - started, 3)
    return summary


def prepare_file(task: tuple[Path, str, frozenset]) -> tuple[list | None, str | None]:
    """One file -> [(chunk id, report id, document or None if already indexed)].

    Runs in a worker process: everything CPU-bound (reading, structure,
    analysis) happens here. Chunks the index already holds are not analysed.
    Returns (chunks, None) or (None, one-line error).
    """
    path, key, held = task
    try:
        chunks = load_file(path, source_path=key)
    except UnreadableFile as err:
        return None, err.reason
    return [(c.id, c.report_id, None if c.id in held else to_document(c)) for c in chunks], None


# Below this many files a process pool costs more than it saves.
POOL_MIN_FILES = 40


def _worker_pool(n_files: int):
    """Worker processes for prepare_file, one per core, for large runs.

    Forked here, in the calling thread, before the prefetch thread and the
    bulk requests start, so no lock of ours is held at the fork. A machine
    with one core, or a small run, prepares in-process.
    """
    workers = os.cpu_count() or 1
    if n_files < POOL_MIN_FILES or workers < 2:
        return None
    import multiprocessing

    return multiprocessing.get_context("fork").Pool(workers)


def prefetch(items: Iterator[dict], depth: int = 2000) -> Iterator[dict]:
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

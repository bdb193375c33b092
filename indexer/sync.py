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
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch
from elasticsearch.helpers import scan

from rsearch.core import analysis
from rsearch.indexer import index_admin
from rsearch.indexer.bulk import bulk_write
from rsearch.indexer.write_health import WritesRefused, missing_primaries
from rsearch.indexer.merge import merge_for_search, settings_while_building
from rsearch.indexer.boundary import (  # noqa: F401  (prepare_file: benches)
    Readers, Stopped, in_order, new_task, prepare_file, signal_name, warm_up_meanwhile)
from rsearch.indexer.walk import source_key, walk  # noqa: F401  (source_key: the stored name)
from rsearch.indexer.write_lock import IndexLocked, WriteLock  # noqa: F401
from rsearch.core.errors import IndexOutdated, RsearchError


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
    # Scanned pages and page images (indexer.formats.scans): pages read by
    # OCR in this run, pages whose OCR came from the cache, and pages the
    # engine was unsure of ({"path", "page", "confidence"}): indexed, but
    # their text may be wrong in many places.
    ocr_pages: int = 0
    ocr_cached: int = 0
    low_confidence: list[dict] = field(default_factory=list)
    # A failed or interrupted rebuild: was its new index deleted (confirmed)?
    rebuild_deleted: bool | None = None

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
    raises IndexLocked when another run holds it. Scanned pages are read by
    OCR first, before the lock is taken (that only fills the OCR cache).
    """
    found = walk(list(paths))
    summary = IndexSummary()
    try:
        scans = _read_scans(found, progress)
        with WriteLock(es, alias) as lock:
            _index_locked(es, alias, paths, summary, rebuild=rebuild, prune=prune, progress=progress,
                          bulk_options=bulk_options, found=found, shards=shards, replicas=replicas)
            summary.ocr_pages, summary.ocr_cached, summary.low_confidence = scans.pages, scans.cached, scans.low
            if lock.lost:
                summary.errors.append({"path": "", "error": lock.lost})
            return summary
    except (KeyboardInterrupt, Stopped) as stop:
        raise Interrupted(stop, summary, rebuild) from None


def _read_scans(found, progress):
    """OCR every page the files need and the cache lacks, on a bounded pool
    with a progress bar counting pages (indexer.formats.scans)."""
    from rsearch.indexer.formats.scans import prepare

    return prepare([path for path, _ in found.files], progress=progress)


class Interrupted(RsearchError):
    """Ctrl-C or SIGTERM ended a run: one line saying what is kept."""

    def __init__(self, stop: BaseException, summary: IndexSummary, rebuild: bool):
        what, self.exit_code = signal_name(stop)
        read = len(summary.added) + len(summary.changed)
        done = f"{read} of {summary.files} files read" if summary.files else "before any file was read"
        if rebuild:
            kept = (f"the alias was not moved; the half-built index {summary.index} was deleted"
                    if summary.index and summary.rebuild_deleted else
                    f"the alias was not moved; the next run deletes the half-built index {summary.index}"
                    if summary.index else "nothing was written")
        else:
            kept = "what was written stays; run `rsearch index` again to finish"
        super().__init__(f"stopped by {what} ({done}): {kept}")
        self.summary = summary


def _index_locked(es, alias, paths, summary, *, rebuild, prune, progress, bulk_options, found=None, shards=None, replicas=None) -> IndexSummary:
    started = time.monotonic()
    dict_version = analysis.dictionary_version()

    found = found if found is not None else walk(list(paths))
    summary.errors += found.errors
    summary.skipped = found.skipped
    files = [path for path, _ in found.files]
    keys = [key for _, key in found.files]
    dirs = found.dirs
    summary.files = len(files)
    # The workers' warm-up runs while Elasticsearch answers the requests below
    # (creating an index takes it most of a second).
    warming = warm_up_meanwhile() if files else None
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
        lost = missing_primaries(es, target)
        if lost:  # every write would wait for it, then fail: say so before reading anything
            summary.index = target
            summary.errors.append({"path": "", "error": f"nothing written: {lost}"})
            summary.seconds = round(time.monotonic() - started, 3)
            return summary
        held = _existing_ids(es, target, keys, dirs if prune else [])
    summary.index = target

    path_of: dict[str, str] = {}
    spill = tempfile.TemporaryDirectory(prefix="rsearch-index-")
    tasks = [new_task(path, key, frozenset(held.get(key, ())), spill.name) for path, key in zip(files, keys)]
    if warming is not None:
        warming.join()
    readers = Readers(len(files)) if files else None

    def actions():
        bar = _progress(len(files), progress)
        prepared = in_order(readers, tasks) if readers else iter(())
        new_ids: set[str] = set()
        for n, done in prepared:
            path, _, old, _ = tasks[n]
            if done.error is not None:
                summary.errors.append({"path": str(path), "error": done.error})
                # Pieces of it already sent: take back what the index did not hold.
                for written in new_ids - old:
                    path_of[written] = str(path)
                    yield {"_op_type": "delete", "_index": target, "_id": written}
                new_ids = set()
                bar.update(1)
                continue
            chunks = done.chunks
            summary.reports += len({report_id for _, report_id, _ in chunks})
            summary.chunks += len(chunks)
            for chunk_id, _, doc in chunks:
                new_ids.add(chunk_id)
                if doc is None:
                    summary.unchanged += 1
                    continue
                path_of[chunk_id] = str(path)
                yield {"_op_type": "index", "_index": target, "_id": chunk_id, "_source": doc}
            if done.following is not None:
                continue  # more pieces of this file to come
            bar.update(1)
            if not old:
                summary.added.append(str(path))
            elif old != new_ids:
                summary.changed.append(str(path))
            for gone in old - new_ids:
                path_of[gone] = str(path)
                yield {"_op_type": "delete", "_index": target, "_id": gone}
            new_ids = set()
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

    # Reading, structure and analysis (worker processes, indexer.boundary, fed
    # by a background thread) overlap with Elasticsearch indexing the previous batch.
    refused = None
    try:
        bulk_write(es, prefetch(actions()), on_result, **(bulk_options or {}))
    except WritesRefused as err:  # a write block, a lost primary: stop now, say why
        refused = str(err)
    except BaseException:
        if rebuild:  # the old index stays live; the half-filled one goes
            summary.rebuild_deleted = _delete_index(es, target)
        raise
    finally:
        if readers:
            readers.close()
        spill.cleanup()
    by_error: dict[str | None, list[tuple[str, int]]] = defaultdict(list)
    for (path, error), ids in failures.items():
        by_error[error].append((path, len(ids)))
    for error, hit in by_error.items():
        if error == refused:
            continue  # said once, below
        if len(hit) <= 3:  # one line per file
            summary.errors += [{"path": path, "error": f"{n} chunk(s) not written: {error}"} for path, n in hit]
        else:  # one reason for many files: one line
            summary.errors.append({"path": "", "error": (
                f"{sum(n for _, n in hit)} chunk(s) of {len(hit)} files not written (the first: "
                f"{hit[0][0]}): {error}")})
    if refused:
        written = len(summary.added) + len(summary.changed)
        summary.errors.append({"path": "", "error": f"writing stopped after {written} of {len(files)} files: {refused}"})

    try:
        es.indices.refresh(index=target)
    except (ApiError, TransportError):  # the node may be gone; the failures above say so
        pass
    if rebuild:
        # Swap only when every file was read and every chunk landed.
        if not summary.ok:
            summary.rebuild_deleted = _delete_index(es, target)
            fate = (f"{target} deleted" if summary.rebuild_deleted else
                    f"{target} could not be deleted now: the next `rsearch index` deletes it")
            summary.errors.append({"path": "", "error": (
                f"rebuild incomplete: alias '{alias}' left on the old index; {fate}")})
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


def _delete_index(es: Elasticsearch, index: str) -> bool:
    """Delete a half-built index; False when Elasticsearch did not confirm it
    (the message must not say it was deleted: the next run deletes it as an orphan)."""
    try:
        es.options(ignore_status=404, request_timeout=10).indices.delete(index=index)
        return True
    except Exception:
        return False


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

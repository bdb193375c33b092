"""The file boundary: whatever happens while one file is read is that file's
failure, never the run's.

Every file is prepared (read, structure, analysis, bulk JSON: ``prepare``)
in a worker process of a pebble ``ProcessPool``, one task per file (per
piece of a large file, indexer.pipeline.load_piece), so that

* any exception a reader or the structure code raises becomes one line
  naming the file and the reason (``failure_reason``);
* a file that takes longer than RSEARCH_FILE_SECONDS is stopped (its worker
  is killed and replaced) and named: a C library stuck in a hostile file
  cannot hold the run;
* a worker that dies (a crash in a C library, the kernel's out-of-memory
  killer, ``kill -9``) costs the file it was reading, not the run;
* Ctrl-C and SIGTERM reach the indexer only: the workers ignore SIGINT,
  die quietly on SIGTERM, and die with the indexer (PR_SET_PDEATHSIG), so
  no worker prints a traceback.

pebble (LGPL-3.0, maintained) does the per-task time-out and the
replacement of dead workers, which ``multiprocessing.Pool`` cannot (a task
whose worker dies there never returns).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rsearch.core.errors import one_line
from rsearch.indexer.documents import to_document
from rsearch.indexer.pipeline import Piece, load_piece
from rsearch.indexer.reader import UnreadableFile

# A task: (path, source key, ids the index holds for it, piece).
Task = tuple


@dataclass
class Prepared:
    """One piece of one file, prepared: ``chunks`` are (chunk id, report id,
    bulk JSON or None when the index holds that id already); ``error`` a
    one-line reason (then ``chunks`` is None); ``following`` the next piece
    of a large file, else None."""

    chunks: list | None
    error: str | None = None
    following: Piece | None = None


def failure_reason(exc: BaseException) -> str:
    """One line for an exception raised while reading a file."""
    if isinstance(exc, UnreadableFile):
        return exc.reason
    if isinstance(exc, MemoryError):
        return "ran out of memory while reading it"
    if isinstance(exc, RecursionError):
        return "nested too deeply to read"
    detail = one_line(str(exc), 200)
    return f"could not be read ({type(exc).__name__}{': ' + detail if detail else ''})"


def prepare(task: Task) -> Prepared:
    """One task -> Prepared. Runs in a worker: everything CPU-bound happens
    here, and the documents go back serialised (one bytes object is far
    cheaper to pass between processes than a dict of many strings). Chunks
    the index already holds are not analysed."""
    path, key, held, piece = task
    try:
        chunks, following = load_piece(path, key, piece or Piece())
        dumps = _serializer().dumps
        return Prepared([(c.id, c.report_id, None if c.id in held else dumps(to_document(c))) for c in chunks],
                        None, following)
    except Exception as exc:  # the file boundary: anything at all is this file's failure
        return Prepared(None, failure_reason(exc))


def prepare_file(task: tuple) -> tuple[list | None, str | None]:
    """A whole file, in this process: (chunks, None) or (None, one-line
    error); ``task`` is (path, source key, held ids)."""
    path, key, held = task[:3]
    chunks: list = []
    piece: Piece | None = Piece()
    while piece is not None:
        done = prepare((path, key, held, piece))
        if done.error is not None:
            return None, done.error
        chunks += done.chunks
        piece = done.following
    return chunks, None


@lru_cache(maxsize=1)
def _serializer():
    """The client's own JSON serializer over orjson (several times faster than
    the stdlib's and the same JSON), else its stdlib one."""
    try:
        from elasticsearch.serializer import OrjsonSerializer
    except ImportError:  # orjson not installed
        from elasticsearch.serializer import JsonSerializer as OrjsonSerializer

    return OrjsonSerializer()


# -- the workers --------------------------------------------------------------------
# A text that takes every path of reading a file that loads something on
# first use: the gazetteer and its scanner (a place), the word segmenter (a
# two-character place name inside other words), OpenCC (traditional script),
# the date patterns.
_WARM_UP_TEXT = "三台北斗导航在洛阳市西工区启用\n\n本报讯 2021年6月18日，黨史學習教育在河南举行。"


@lru_cache(maxsize=1)
def warm_up() -> None:
    """Load in this process what every worker would load for its first file
    (a quarter of a CPU-second: the gazetteer is most of it), so that the
    workers forked from it share it instead of each loading it again."""
    from rsearch.indexer.pipeline import recover_reports
    from rsearch.indexer.chunking import chunk_report

    try:
        dumps = _serializer().dumps
        for report in recover_reports(_WARM_UP_TEXT, "warm-up"):
            for chunk in chunk_report(report):
                dumps(to_document(chunk))
    except Exception:  # noqa: BLE001 - whatever fails here fails for each file, in its worker, named
        pass


def warm_up_meanwhile() -> threading.Thread:
    """``warm_up`` in a thread, while the indexer waits for Elasticsearch
    (the lock, the new index); join it before forking."""
    thread = threading.Thread(target=warm_up, name="rsearch-warm-up", daemon=True)
    thread.start()
    return thread


# Files prepared ahead of the bulk sender, per worker: enough to keep every
# worker busy while the sender waits, few enough that prepared documents
# never pile up in memory.
AHEAD_PER_WORKER = 64


def workers_for(n_files: int) -> int:
    """One worker process per core (preparing in the sending process was
    slower end to end on two cores, bench/bench_indexing.py and
    docs/benchmarks.md: the thread that prepares holds the GIL the bulk
    sender waits for), never more than there are files."""
    return max(1, min(os.cpu_count() or 1, n_files))


def _start_worker() -> None:
    """In each worker: Ctrl-C is the indexer's to handle; SIGTERM ends the
    worker quietly; the worker dies with the indexer (kill -9 included)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


class Readers:
    """A pool of worker processes that prepare files (a context manager)."""

    def __init__(self, n_files: int, seconds: float | None = None):
        import multiprocessing

        from pebble import ProcessPool

        from rsearch.core.settings import file_seconds

        self.seconds = seconds if seconds is not None else file_seconds()
        self.workers = workers_for(n_files)
        warm_up()
        # fork: the workers start with the segmenter and the dictionary the
        # indexer loaded, and nothing is pickled but tasks and results.
        for stream in (sys.stdout, sys.stderr):
            stream.flush()  # a forked child must not write the parent's buffered output again
        self.pool = ProcessPool(max_workers=self.workers, initializer=_start_worker,
                                context=multiprocessing.get_context("fork"))

    def submit(self, task: Task):
        return self.pool.schedule(prepare, args=(task,), timeout=self.seconds)

    def close(self) -> None:
        self.pool.stop()
        self.pool.join(timeout=10)

    def __enter__(self) -> "Readers":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def outcome(future, seconds: float) -> Prepared:
    """A task's result; its time-out and its worker's death as one line."""
    from concurrent.futures import TimeoutError as FutureTimeout

    from pebble import ProcessExpired

    from rsearch.core.settings import ENV_FILE_SECONDS

    try:
        return future.result()
    except FutureTimeout:
        return Prepared(None, f"reading it took longer than {seconds:g} s, so it was stopped "
                              f"(raise {ENV_FILE_SECONDS} to give it more time)")
    except ProcessExpired as exc:
        code = exc.exitcode
        how = (f"killed by {signal.Signals(-code).name}" if code is not None and code < 0
               and -code in signal.valid_signals() else f"exit code {code}")
        hint = " (out of memory?)" if code == -signal.SIGKILL else ""
        return Prepared(None, f"the process reading it died ({how}){hint}")
    except Exception as exc:  # pebble could not run the task (e.g. a result that cannot be pickled)
        return Prepared(None, failure_reason(exc))


def in_order(readers: Readers, tasks: list[Task]) -> Iterator[tuple[int, Prepared]]:
    """(index of the task, Prepared) for every piece of every task, in order,
    with at most AHEAD_PER_WORKER files per worker prepared ahead. The next
    piece of a large file is asked for as soon as the one before is back."""
    todo = iter(enumerate(tasks))
    ahead: deque = deque()

    def more() -> None:
        for n, task in todo:
            ahead.append((n, task, readers.submit(task)))
            if len(ahead) >= AHEAD_PER_WORKER * readers.workers:
                return

    more()
    while ahead:
        n, task, future = ahead.popleft()
        done = outcome(future, readers.seconds)
        if done.following is not None:
            nxt = (*task[:3], done.following)
            ahead.appendleft((n, nxt, readers.submit(nxt)))
        else:
            more()
        yield n, done


def new_task(path: Path, key: str, held: frozenset, spill_dir: str | None) -> Task:
    return (path, key, held, Piece(spill_dir=spill_dir))


# -- signals ---------------------------------------------------------------------------
class Stopped(BaseException):
    """SIGTERM reached the indexer (raised in its main thread, like
    KeyboardInterrupt for Ctrl-C); ``signal`` names it."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextmanager
def stop_on_signals():
    """While indexing: SIGTERM (and SIGHUP) raise Stopped in the main thread,
    so the run ends the way Ctrl-C ends it (workers stopped, a half-built
    rebuild deleted, the write lock released, one line)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise Stopped(signum)

    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def signal_name(exc: BaseException) -> tuple[str, int]:
    """(what stopped the run, the exit code a shell expects: 128 + signal)."""
    if isinstance(exc, Stopped):
        return exc.args[0], 128 + exc.signum
    return "Ctrl-C (SIGINT)", 128 + signal.SIGINT

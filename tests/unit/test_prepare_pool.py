"""Preparing files on the worker processes (indexer.boundary): the same
documents, in the same order, as preparing them in-process, with a bounded
look-ahead; and whatever goes wrong in a worker (an exception, a file that
takes too long, a worker killed) is that file's one-line failure."""

from __future__ import annotations

import json
import os
import shutil
import signal
import time

import pytest

from rsearch.indexer import boundary
from rsearch.indexer.boundary import Readers, in_order, new_task, prepare_file
from rsearch.indexer.documents import to_document
from rsearch.indexer.pipeline import load_file
from rsearch.indexer.walk import source_key
from paths import REPORTS, SEED_FILES


@pytest.fixture(scope="module")
def tasks(tmp_path_factory):
    """Seeds and our report files (text, PDF, Word, HTML), an unreadable
    file among them, and some chunks already indexed."""
    d = tmp_path_factory.mktemp("pool")
    others = sorted(p for p in REPORTS.iterdir() if p.suffix in (".pdf", ".docx", ".html"))
    one_of_each = list({p.suffix: p for p in others}.values())
    files = [*SEED_FILES, *sorted(REPORTS.glob("*.txt")), *one_of_each]
    paths = []
    for n, f in enumerate(files):
        target = d / f"{n:03d}_{f.name}"
        shutil.copy(f, target)
        paths.append(target)
    bad = d / "050_empty.txt"
    bad.write_bytes(b"")
    paths.insert(7, bad)
    held = {c.id for c in load_file(paths[0], source_path=source_key(paths[0]))[:2]}
    return [new_task(p, source_key(p), frozenset(held) if i == 0 else frozenset(), None)
            for i, p in enumerate(paths)]


def _whole(results):
    """in_order's pieces -> (chunks, error) per task."""
    out: dict[int, tuple] = {}
    for n, done in results:
        chunks, error = out.get(n, ([], None))
        out[n] = (None, done.error) if done.error else (chunks + done.chunks, None)
    return [out[n] for n in sorted(out)]


def test_workers_prepare_what_one_process_prepares_in_order(tasks):
    prepare_file(tasks[1])  # the segmenter loaded before the fork: the workers start warm
    with Readers(len(tasks)) as readers:
        assert _whole(in_order(readers, tasks)) == [prepare_file(t) for t in tasks]


def test_documents_are_the_bulk_json_of_each_chunk(tasks):
    path, key, held, _ = tasks[0]
    chunks, error = prepare_file(tasks[0])
    assert error is None and held
    expected = load_file(path, source_path=key)
    assert [c[0] for c in chunks] == [c.id for c in expected]
    for (chunk_id, report_id, body), chunk in zip(chunks, expected):
        if chunk_id in held:
            assert body is None  # already indexed: not analysed again
        else:
            assert isinstance(body, bytes) and json.loads(body) == to_document(chunk)
    assert prepare_file(tasks[7])[0] is None and prepare_file(tasks[7])[1]  # the empty file: named, skipped


def test_look_ahead_is_bounded(tasks, monkeypatch):
    # However slowly the results are taken, only a few files are prepared ahead.
    monkeypatch.setattr(boundary, "AHEAD_PER_WORKER", 2)
    some = [t for t in tasks if t[0].suffix == ".txt"][:12]
    with Readers(len(some)) as readers:
        submitted = []
        submit = readers.submit
        readers.submit = lambda task: submitted.append(task) or submit(task)
        results = in_order(readers, some)
        next(results)
        ahead = 2 * readers.workers
        assert len(some) > ahead + 1
        assert len(submitted) == ahead + 1
        rest = list(results)
    assert 1 + len(rest) == len(some)
    assert submitted == some


# -- the file boundary ------------------------------------------------------------
def _hostile_loader(real):
    """load_piece with three hostile files: one whose reader raises what no
    reader catches, one that never ends, one whose worker is killed."""

    def load(path, key, piece):
        name = os.path.basename(path)
        if name == "raises.txt":
            from lxml import etree

            etree.fromstring(b"<a><b></a>")  # lxml's XMLSyntaxError, as a malformed .docx gave
        if name == "hangs.txt":
            time.sleep(3600)
        if name == "killed.txt":
            os.kill(os.getpid(), signal.SIGKILL)
        return real(path, key, piece)

    return load


def test_any_failure_in_a_worker_is_that_files_one_line(tmp_path, monkeypatch):
    for n, seed in enumerate(SEED_FILES[:4]):
        shutil.copy(seed, tmp_path / f"good{n}.txt")
    for name in ("raises.txt", "hangs.txt", "killed.txt"):
        shutil.copy(SEED_FILES[0], tmp_path / name)
    paths = sorted(tmp_path.iterdir())
    monkeypatch.setattr(boundary, "load_piece", _hostile_loader(boundary.load_piece))
    tasks = [new_task(p, str(p), frozenset(), None) for p in paths]
    started = time.monotonic()
    with Readers(len(tasks), seconds=3) as readers:
        results = _whole(in_order(readers, tasks))
    took = time.monotonic() - started
    errors = {p.name: error for p, (_, error) in zip(paths, results) if error}
    assert set(errors) == {"raises.txt", "hangs.txt", "killed.txt"}
    assert errors["raises.txt"].startswith("could not be read (XMLSyntaxError: ")
    assert "longer than 3 s" in errors["hangs.txt"] and "RSEARCH_FILE_SECONDS" in errors["hangs.txt"]
    assert "died (killed by SIGKILL)" in errors["killed.txt"]
    assert all("\n" not in e for e in errors.values())
    good = [chunks for p, (chunks, _) in zip(paths, results) if p.name.startswith("good")]
    assert len(good) == 4 and all(good)
    assert took < 60

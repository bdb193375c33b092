"""Preparing files on the worker pool (indexer.sync): the same documents, in
the same order, as preparing them in-process, with a bounded look-ahead."""

from __future__ import annotations

import json
import multiprocessing
import shutil

import pytest

from rsearch.indexer import sync
from rsearch.indexer.documents import to_document
from rsearch.indexer.pipeline import load_file
from rsearch.indexer.sync import in_order, prepare_file, source_key
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
    return [(p, source_key(p), frozenset(held) if i == 0 else frozenset()) for i, p in enumerate(paths)]


@pytest.fixture(scope="module")
def pool(tasks):
    prepare_file(tasks[1])  # the segmenter loaded before the fork: the workers start warm
    workers = multiprocessing.get_context("fork").Pool(2)
    yield workers
    workers.terminate()


def test_pool_prepares_what_one_process_prepares_in_order(tasks, pool):
    assert list(in_order(pool, tasks)) == [prepare_file(t) for t in tasks]


def test_documents_are_the_bulk_json_of_each_chunk(tasks):
    path, key, held = tasks[0]
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


def test_look_ahead_is_bounded(tasks, pool, monkeypatch):
    # However slowly the results are taken, only a few batches are prepared
    # ahead (Pool.imap would queue every file's documents).
    submitted = []

    class Counting:
        def apply_async(self, fn, args):
            submitted.append(args)
            return pool.apply_async(fn, args)

    some = [t for t in tasks if t[0].suffix == ".txt"][:12]
    monkeypatch.setattr(sync, "BATCH_FILES", 1)
    monkeypatch.setattr(sync, "BATCHES_PER_WORKER", 2)
    results = in_order(Counting(), some)
    next(results)
    ahead = 2 * sync._workers()
    assert len(some) > ahead + 1  # more batches than the look-ahead
    assert len(submitted) == ahead + 1
    rest = list(results)
    assert 1 + len(rest) == len(some)
    assert [batch for (batch,) in submitted] == [[t] for t in some]

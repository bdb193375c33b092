"""The indexer never destroys or hides data (issue 7, section 2), on a real node.

Each test is a fault found by probing the indexer: a mistyped path, an
unreadable folder, racing writers, symbolic links, special files, names that
are not UTF-8, orphans of a killed rebuild, files not read, repeated paths.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from rsearch.indexer import index_admin
from rsearch.indexer.sync import index_paths
from rsearch.indexer.write_lock import LOCK_INDEX, IndexLocked, WriteLock
from rsearch.cli import cli
from paths import REPO, SEED_FILES

SEEDS = SEED_FILES


@pytest.fixture
def corpus(tmp_path) -> Path:
    d = tmp_path / "reports"
    d.mkdir()
    for seed in SEEDS[:3]:
        shutil.copy(seed, d / seed.name)
    return d


def ids_by_path(es, alias) -> dict[str, set[str]]:
    es.indices.refresh(index=alias)
    resp = es.search(index=alias, query={"match_all": {}}, size=10000, source=["source_path"])
    out: dict[str, set[str]] = {}
    for h in resp["hits"]["hits"]:
        out.setdefault(h["_source"]["source_path"], set()).add(h["_id"])
    return out


def physical_indices(es, alias) -> list[str]:
    return sorted(es.indices.get(index=f"{alias}-m*", expand_wildcards="all"))


def cli_run(es_url, alias, *args):
    return CliRunner().invoke(cli, ["--es-url", es_url, "--index", alias, *args])


def error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("Error:")]


# -- a rebuild swaps only when everything landed --------------------------------
@pytest.mark.parametrize("extra", [[], ["GOOD"]], ids=["only-the-typo", "typo-beside-a-good-path"])
def test_rebuild_of_a_mistyped_path_keeps_the_old_index(es, es_url, index_name, corpus, extra):
    first = index_paths(es, index_name, [corpus])
    assert first.ok and first.chunks > 10
    before = physical_indices(es, index_name)
    paths = [str(corpus) if p == "GOOD" else p for p in extra]
    out = cli_run(es_url, index_name, "index", "--rebuild", *paths, str(corpus) + "-typo")
    assert out.exit_code == 1, out.output
    assert any("reports-typo" in line and "no such file" in line for line in error_lines(out.output))
    assert any("left on the old index" in line for line in error_lines(out.output))
    assert physical_indices(es, index_name) == before  # the new one deleted, the old one kept
    assert index_admin.current(es, index_name).physical == before[0]
    assert sum(len(v) for v in ids_by_path(es, index_name).values()) == first.chunks


# -- unreadable folders and files ----------------------------------------------------
def _as_unprivileged(fn):
    """Run ``fn()`` (-> JSON-able) in a forked child that cannot read what
    chmod forbids: as root (who reads everything) the child switches to the
    unprivileged user ``rsearch`` first. Returns fn's result."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        code = 0
        try:
            os.close(read_fd)
            if os.geteuid() == 0:
                user = pwd.getpwnam("rsearch")
                os.setgroups([])
                os.setgid(user.pw_gid)
                os.setuid(user.pw_uid)
            payload = json.dumps({"ok": fn()})
        except BaseException as exc:  # handed to the parent
            payload = json.dumps({"exc": f"{type(exc).__name__}: {exc}"})
            code = 1
        with os.fdopen(write_fd, "w") as fh:
            fh.write(payload)
        os._exit(code)
    os.close(write_fd)
    with os.fdopen(read_fd) as fh:
        data = fh.read()
    os.waitpid(pid, 0)
    result = json.loads(data)
    assert "exc" not in result, result.get("exc")
    return result["ok"]


@pytest.fixture
def shared_corpus():
    """A corpus the unprivileged user owns (tmp_path is root's, mode 700)."""
    top = Path(tempfile.mkdtemp(prefix="rsearch-perm-"))
    os.chmod(top, 0o755)
    d = top / "reports"
    (d / "sub").mkdir(parents=True)
    shutil.copy(SEEDS[0], d / SEEDS[0].name)
    shutil.copy(SEEDS[1], d / "sub" / SEEDS[1].name)
    shutil.copy(SEEDS[2], d / "sub" / SEEDS[2].name)
    shutil.copy(SEEDS[3], d / SEEDS[3].name)
    if os.geteuid() == 0:
        user = pwd.getpwnam("rsearch")
        for root, dirs, files in os.walk(top):
            os.chown(root, user.pw_uid, user.pw_gid)
            for f in files:
                os.chown(os.path.join(root, f), user.pw_uid, user.pw_gid)
    yield d
    for root, dirs, files in os.walk(top):
        os.chmod(root, 0o755)
    for p in d.rglob("*"):
        os.chmod(p, 0o755)
    shutil.rmtree(top, ignore_errors=True)


def _cli_in_child(es_url, alias, *args):
    def run():
        res = CliRunner().invoke(cli, ["--es-url", es_url, "--index", alias, *args])
        return {"code": res.exit_code, "output": res.output,
                "exc": repr(res.exception) if res.exception and not isinstance(res.exception, SystemExit) else None}
    return _as_unprivileged(run)


@pytest.mark.parametrize("rebuild", [False, True], ids=["index", "rebuild"])
def test_unreadable_subfolder_is_an_error_and_its_chunks_stay(es, es_url, index_name, shared_corpus, rebuild):
    first = index_paths(es, index_name, [shared_corpus])
    assert first.ok, first.errors
    before = ids_by_path(es, index_name)
    sub = shared_corpus / "sub"
    assert sum(1 for k in before if k.startswith(str(sub) + "/")) == 2
    os.chmod(sub, 0)
    res = _cli_in_child(es_url, index_name, "index", *(["--rebuild"] if rebuild else []), str(shared_corpus))
    assert res["exc"] is None, res
    assert res["code"] == 1, res["output"]
    errors = error_lines(res["output"])
    assert any(str(sub) in line and "cannot list folder" in line for line in errors), res["output"]
    assert ids_by_path(es, index_name) == before  # nothing pruned, nothing swapped


def test_unreadable_file_is_named_and_keeps_its_chunks(es, es_url, index_name, shared_corpus):
    assert index_paths(es, index_name, [shared_corpus]).ok
    before = ids_by_path(es, index_name)
    locked = shared_corpus / SEEDS[3].name
    os.chmod(locked, 0)
    res = _cli_in_child(es_url, index_name, "index", str(shared_corpus))
    assert res["code"] == 1 and res["exc"] is None, res
    assert any(locked.name in line and "cannot read" in line for line in error_lines(res["output"]))
    assert ids_by_path(es, index_name) == before


def test_folder_without_search_permission_prunes_nothing(es, es_url, index_name, shared_corpus):
    """r but no x: the names can be listed, the files not reached."""
    assert index_paths(es, index_name, [shared_corpus]).ok
    before = ids_by_path(es, index_name)
    os.chmod(shared_corpus / "sub", 0o444)
    res = _cli_in_child(es_url, index_name, "index", str(shared_corpus))
    assert res["code"] == 1 and res["exc"] is None, res
    assert ids_by_path(es, index_name) == before


# -- one writer per alias -------------------------------------------------------
def test_a_second_writer_is_refused_in_one_line_naming_the_holder(es, es_url, index_name, corpus):
    with WriteLock(es, index_name):
        out = cli_run(es_url, index_name, "index", str(corpus))
        assert out.exit_code == 1
        lines = error_lines(out.output)
        assert len(lines) == 1 and "is being written by" in lines[0] and f"pid {os.getpid()}" in lines[0]
        assert "Traceback" not in out.output
        assert not es.indices.exists_alias(name=index_name)  # refused before anything was created
    assert index_paths(es, index_name, [corpus]).ok  # released: the next run goes ahead
    assert not es.options(ignore_status=404).get(index=LOCK_INDEX, id=index_name).get("found")


def test_a_lock_left_by_a_crashed_run_expires(es, index_name, corpus):
    now = time.time()
    es.indices.create(index=LOCK_INDEX) if not es.indices.exists(index=LOCK_INDEX) else None
    es.index(index=LOCK_INDEX, id=index_name, refresh=True, document={
        "user": "ghost", "host": "gone", "pid": 1, "command": "rsearch index", "acquired": now - 600,
        "heartbeat": now - 300, "expires": now - 240})
    summary = index_paths(es, index_name, [corpus])
    assert summary.ok and summary.chunks > 10


def test_the_lock_is_renewed_while_a_run_holds_it(es, index_name):
    with WriteLock(es, index_name, ttl=2.0):
        first = es.get(index=LOCK_INDEX, id=index_name)["_source"]["expires"]
        time.sleep(2.5)  # past the first expiry: renewed meanwhile
        doc = es.get(index=LOCK_INDEX, id=index_name)["_source"]
        assert doc["expires"] > first and doc["expires"] > time.time()
        with pytest.raises(IndexLocked):
            WriteLock(es, index_name).acquire()


def _race(*jobs):
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(i, job):
        barrier.wait()
        try:
            results[i] = job()
        except Exception as exc:  # noqa: BLE001 - the test looks at what came out
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    return results


@pytest.fixture
def big_corpus(tmp_path) -> Path:
    """Enough text that two runs really overlap (under 40 files: no worker pool)."""
    d = tmp_path / "big"
    d.mkdir()
    body = "\n\n".join(seed.read_text(encoding="utf-8") for seed in SEEDS)
    for i in range(30):
        (d / f"{i:02d}.txt").write_text(body + "\n\n" + body, encoding="utf-8")
    return d


def test_rebuild_racing_a_normal_run_loses_nothing(es, es_url, index_name, big_corpus):
    """Two processes, as two terminals (or two machines) would run them."""
    assert index_paths(es, index_name, [big_corpus]).ok
    full = sum(len(v) for v in ids_by_path(es, index_name).values())
    env = {k: v for k, v in os.environ.items() if not k.startswith("RSEARCH_")}
    env.update(RSEARCH_ES_URL=es_url, RSEARCH_INDEX=index_name)
    cmd = [sys.executable, "-m", "rsearch.cli", "index"]
    rebuild = subprocess.Popen([*cmd, "--rebuild", str(big_corpus)], env=env, cwd=REPO,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Start the normal run once the rebuild has created its new index.
    deadline = time.monotonic() + 120
    while len(physical_indices(es, index_name)) < 2 and rebuild.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    normal = subprocess.run([*cmd, str(big_corpus)], env=env, cwd=REPO, capture_output=True, text=True,
                            timeout=600)
    overlapped = rebuild.poll() is None  # the rebuild was still writing when the normal run ended
    out, err = rebuild.communicate(timeout=600)
    assert rebuild.returncode == 0, err
    if overlapped:  # refused, in one line naming the holder
        assert normal.returncode == 1, normal.stdout + normal.stderr
        lines = error_lines(normal.stderr)
        assert len(lines) == 1 and "is being written by" in lines[0], normal.stderr
        assert "Traceback" not in normal.stderr
    else:
        assert normal.returncode == 0, normal.stderr
    assert sum(len(v) for v in ids_by_path(es, index_name).values()) == full
    assert len(physical_indices(es, index_name)) == 1


def test_two_first_runs_on_a_new_alias_leave_one_index(es, index_name, corpus):
    results = _race(lambda: index_paths(es, index_name, [corpus]),
                    lambda: index_paths(es, index_name, [corpus]))
    assert any(not isinstance(r, Exception) and r.ok for r in results), results
    for r in results:
        assert isinstance(r, IndexLocked) or r.ok, r
    assert len(physical_indices(es, index_name)) == 1
    assert index_admin.orphans(es, index_name) == []


# -- symbolic links, special files, odd names ---------------------------------------------
def test_removing_a_symlink_to_a_file_outside_removes_its_chunks(es, index_name, corpus, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    target = outside / "linked.txt"
    shutil.copy(SEEDS[4], target)
    link = corpus / "link.txt"
    link.symlink_to(target)
    first = index_paths(es, index_name, [corpus])
    assert first.ok
    held = ids_by_path(es, index_name)
    assert str(link) in held  # stored under the link's name in the folder
    link.unlink()
    second = index_paths(es, index_name, [corpus])
    assert second.ok and second.removed == [str(link)]
    assert str(link) not in ids_by_path(es, index_name)
    assert second.deleted == len(held[str(link)])


def _index_with_timeout(es, alias, paths, seconds=120):
    box: dict = {}
    t = threading.Thread(target=lambda: box.update(summary=index_paths(es, alias, paths)), daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), "the run hung"
    return box["summary"]


def test_fifo_and_special_files_are_skipped_never_opened(es, es_url, index_name, corpus):
    os.mkfifo(corpus / "x.txt")
    summary = _index_with_timeout(es, index_name, [corpus])
    assert summary.ok and summary.files == 3
    assert {"path": str(corpus / "x.txt"), "reason": "not a regular file: a FIFO (named pipe)"} in summary.skipped
    direct = _index_with_timeout(es, index_name, [corpus / "x.txt"])  # named on the command line too
    assert direct.files == 0 and direct.skipped[0]["path"] == str(corpus / "x.txt")


def test_non_utf8_names_and_symlink_loops_do_not_abort_the_run(es, es_url, index_name, corpus):
    bad = os.path.join(os.fsencode(corpus), b"\xff\xfe-report.txt")
    with open(bad, "wb") as fh:
        fh.write(SEEDS[4].read_bytes())
    (corpus / "loop.txt").symlink_to("loop.txt")
    (corpus / "dangling.txt").symlink_to(corpus / "nowhere.txt")
    os.mkdir(os.path.join(os.fsencode(corpus), b"dir-\xe9"))
    out = cli_run(es_url, index_name, "index", "--json", str(corpus))
    assert out.exit_code == 1  # the file that could not be indexed is an error
    assert "Traceback" not in out.output
    summary = json.loads(out.output)
    assert summary["files"] == 3 and summary["chunks"] > 10  # the rest landed
    assert any(e["path"].endswith("\\xff\\xfe-report.txt") and "not valid UTF-8" in e["error"]
               for e in summary["errors"])
    reasons = {s["path"].rsplit("/", 1)[-1]: s["reason"] for s in summary["skipped"]}
    assert reasons["loop.txt"] == "symbolic link loop"
    assert reasons["dangling.txt"].startswith("broken symbolic link")
    assert len(ids_by_path(es, index_name)) == 3
    # the same name given on the command line: named, not a traceback
    named = index_paths(es, index_name, [os.fsdecode(os.path.join(os.fsencode(corpus), b"dir-\xe9"))])
    assert not named.ok and "not valid UTF-8" in named.errors[0]["error"]
    assert named.errors[0]["path"].endswith("dir-\\xe9")


# -- orphans of a killed rebuild ----------------------------------------------------
def test_orphans_are_shown_by_stats_and_deleted_by_the_next_run(es, es_url, index_name, corpus):
    assert index_paths(es, index_name, [corpus]).ok
    orphan = index_admin.create_physical(es, index_name, "whatever")  # what a killed rebuild leaves
    stats = json.loads(cli_run(es_url, index_name, "stats", "--json").output)
    assert stats["orphan_indices"] == [orphan]
    assert orphan in cli_run(es_url, index_name, "stats").output
    summary = index_paths(es, index_name, [corpus])
    assert summary.orphans_deleted == [orphan]
    assert not es.indices.exists(index=orphan)
    assert len(physical_indices(es, index_name)) == 1


# -- the summary says what happened to which file -----------------------------------------
def test_files_not_read_are_named_with_the_reason(es, es_url, index_name, corpus):
    (corpus / "notes.xyz").write_text("党史学习教育", encoding="utf-8")
    (corpus / "README").write_text("党史学习教育", encoding="utf-8")
    (corpus / "table.CSV").write_text("a,b", encoding="utf-8")
    out = cli_run(es_url, index_name, "index", str(corpus))
    assert out.exit_code == 0, out.output
    assert f"skipped {corpus / 'notes.xyz'}: no reader for .xyz files" in out.output
    assert f"skipped {corpus / 'table.CSV'}: no reader for .csv files" in out.output
    assert f"skipped {corpus / 'README'}: no extension" in out.output
    assert "3 skipped" in out.output
    data = json.loads(cli_run(es_url, index_name, "index", "--json", str(corpus)).output)
    assert sorted(s["path"] for s in data["skipped"]) == sorted(
        str(corpus / n) for n in ("notes.xyz", "README", "table.CSV"))


def test_summary_lists_added_changed_removed(es, es_url, index_name, corpus):
    first = index_paths(es, index_name, [corpus])
    assert sorted(first.added) == sorted(str(corpus / s.name) for s in SEEDS[:3])
    assert first.changed == [] and first.removed == []
    changed = corpus / SEEDS[0].name
    changed.write_text(changed.read_text(encoding="utf-8") + "\n补充一段新的内容，说明党史学习教育的成效。\n",
                       encoding="utf-8")
    (corpus / SEEDS[1].name).unlink()
    shutil.copy(SEEDS[4], corpus / "new.txt")
    out = cli_run(es_url, index_name, "index", "--json", str(corpus))
    data = json.loads(out.output)
    assert data["added"] == [str(corpus / "new.txt")]
    assert data["changed"] == [str(changed)]
    assert data["removed"] == [str((corpus / SEEDS[1].name).resolve())]
    text = cli_run(es_url, index_name, "index", str(corpus)).output
    assert "3 files (0 added, 0 changed, 3 unchanged, 0 unreadable), 0 removed, 0 skipped" in text


def test_a_repeated_path_is_read_once(es, index_name, corpus):
    once = index_paths(es, index_name, [corpus])
    other = f"{index_name}-b"
    try:
        rep = index_paths(es, other, [corpus, corpus, str(corpus) + "/", corpus / SEEDS[0].name,
                                      corpus / ".." / corpus.name])
        assert rep.ok
        assert (rep.files, rep.reports, rep.chunks, rep.indexed) == (once.files, once.reports, once.chunks, once.indexed)
    finally:
        found = es.indices.get(index=f"{other}*")
        if found:
            es.indices.delete(index=",".join(found))

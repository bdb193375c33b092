"""Signals end ``rsearch index`` with one line and no worker tracebacks.

The real command runs in its own session (as from a terminal); the signal
comes once its worker processes are reading. SIGTERM and Ctrl-C (SIGINT to
the whole process group, as a terminal sends it) stop the run: one
``Error: stopped by ...`` line saying what is kept, the shell's exit code
(128 + signal), no worker left behind. ``kill -9`` of a worker costs the
file it was reading at most: the run goes on and indexes the rest.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import psutil
import pytest

from paths import SEED_FILES

COPIES = 50


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("signals")
    for n in range(COPIES):
        for seed in SEED_FILES:
            shutil.copy(seed, folder / f"{n:03d}_{seed.name}")
    return folder


def _start(corpus, es_url, index_name, *extra):
    env = {**os.environ, "RSEARCH_ES_URL": es_url, "RSEARCH_INDEX": index_name}
    proc = subprocess.Popen([sys.executable, "-m", "rsearch.cli", "index", str(corpus), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # until its workers are reading
        try:
            workers = psutil.Process(proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            workers = []
        if workers and any(w.cpu_times().user > 0.05 for w in workers):  # (early: warm workers read the corpus in seconds)
            return proc, workers
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    proc.kill()
    raise AssertionError("the workers never started")


def _finish(proc, timeout=120):
    out, err = proc.communicate(timeout=timeout)
    assert "Traceback" not in out + err, err
    return out, [line for line in err.splitlines() if line.strip()]


@pytest.mark.parametrize("how, code", [("SIGTERM", 143), ("Ctrl-C", 130)])
def test_a_signal_ends_the_run_with_one_line(corpus, es_url, index_name, how, code):
    proc, workers = _start(corpus, es_url, index_name, "--rebuild")
    if how == "SIGTERM":
        proc.send_signal(signal.SIGTERM)
    else:
        os.killpg(proc.pid, signal.SIGINT)  # a terminal's Ctrl-C: the whole process group
    out, err = _finish(proc)
    assert proc.returncode == code
    assert len(err) == 1 and err[0].startswith(f"Error: stopped by {'SIGTERM' if how == 'SIGTERM' else 'Ctrl-C'}"), err
    assert "the alias was not moved" in err[0]
    time.sleep(0.5)
    assert not [w for w in workers if w.is_running() and w.status() != psutil.STATUS_ZOMBIE]


def test_kill_9_of_a_worker_costs_one_file_at_most(corpus, es, es_url, index_name):
    proc, workers = _start(corpus, es_url, index_name)
    os.kill(workers[0].pid, signal.SIGKILL)
    # A worker killed while it holds pebble's task hand-over lock (pebble
    # issue #163) leaves the others waiting for that lock until its 60 s
    # time-out; then the run goes on. On a loaded machine that pushes the
    # run past two minutes.
    out, err = _finish(proc, timeout=300)
    assert proc.returncode in (0, 1)
    assert len(err) <= 1 and all("the process reading it died (killed by SIGKILL)" in line for line in err), err
    es.indices.refresh(index=index_name)
    files = es.search(index=index_name, size=0, aggs={"n": {"cardinality": {"field": "source_path"}}})
    assert files["aggregations"]["n"]["value"] >= COPIES * len(SEED_FILES) - len(err)

"""An index that refuses writes is reported within seconds, with the fix.

* A write block set while ``rsearch index`` runs (what Elasticsearch does
  when a node's disk passes the flood-stage watermark: the
  ``read_only_allow_delete`` block): the run stops within seconds with one
  line saying what happened and what to do, no traceback (it used to retry
  in silence for 17 minutes).
* A primary shard on no node: named, with its reason, before anything is
  read (it used to be "unreachable: Connection timed out" after 253 s).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

from paths import SEED_FILES
from rsearch.indexer.index_admin import point_alias
from rsearch.indexer.sync import index_paths


def _run(es_url, index_name, folder, timeout=300):
    env = {**os.environ, "RSEARCH_ES_URL": es_url, "RSEARCH_INDEX": index_name}
    return subprocess.Popen([sys.executable, "-m", "rsearch.cli", "index", str(folder)], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_a_block_set_mid_run_stops_it_within_seconds(es, es_url, index_name, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(SEED_FILES[0], folder / "first.txt")
    assert index_paths(es, index_name, [folder]).ok
    physical = next(iter(es.indices.get_alias(name=index_name)))
    for n in range(40):
        for seed in SEED_FILES:
            shutil.copy(seed, folder / f"{n:02d}_{seed.name}")
    before = es.count(index=index_name)["count"]
    proc = _run(es_url, index_name, folder)
    try:
        deadline = time.monotonic() + 120
        while es.count(index=index_name)["count"] <= before:  # writing has begun
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.2)
            es.indices.refresh(index=index_name)
        es.indices.put_settings(index=physical, settings={"index.blocks.read_only_allow_delete": True})
        blocked_at = time.monotonic()
        out, err = proc.communicate(timeout=120)
        took = time.monotonic() - blocked_at
    finally:
        es.indices.put_settings(index=physical, settings={"index.blocks.read_only_allow_delete": None})
    assert "Traceback" not in out + err
    assert proc.returncode == 1
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert "writing stopped after" in lines[0] and "flood-stage watermark" in lines[0] and "Free disk space" in lines[0]
    assert took < 30, took
    print(f"\nblock set mid-run: reported and stopped after {took:.1f} s: {lines[0][:120]}...")


def test_a_primary_on_no_node_is_named_before_anything_is_read(es, es_url, index_name, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(SEED_FILES[0], folder / "first.txt")
    assert index_paths(es, index_name, [folder]).ok
    old = next(iter(es.indices.get_alias(name=index_name)))
    # The alias moves to an index whose primary may only live on a node that
    # does not exist: as after the node holding it left the cluster.
    physical = f"{index_name}-lost"
    mappings = es.indices.get_mapping(index=old)[old]["mappings"]
    settings = {k: v for k, v in es.indices.get_settings(index=old)[old]["settings"]["index"].items()
                if k in ("analysis", "number_of_shards", "number_of_replicas")}
    es.indices.create(index=physical, mappings=mappings, wait_for_active_shards="0",
                      settings={**settings, "routing": {"allocation": {"require": {"_name": "gone-node"}}}})
    point_alias(es, index_name, physical)
    shutil.copy(SEED_FILES[1], folder / "second.txt")
    started = time.monotonic()
    proc = _run(es_url, index_name, folder)
    out, err = proc.communicate(timeout=120)
    took = time.monotonic() - started
    assert "Traceback" not in out + err and proc.returncode == 1
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert f"index {physical} has no copy of 1 primary shard(s) on any node: shard 0" in lines[0]
    assert took < 60
    print(f"\na primary on no node: reported after {took:.1f} s: {lines[0][:140]}...")

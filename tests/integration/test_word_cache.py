"""Cold `rsearch search` processes on a real node give the same results in
every state of the word table's cache: missing, built, damaged, unwritable,
another user dictionary's (the table itself: tests/unit/test_word_cache.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rsearch.core import analysis as A
from rsearch.core import settings as core_settings
from rsearch.core.text import wordcache
from paths import REPO, SEED_FILES


@pytest.fixture(autouse=True)
def _env(monkeypatch, tmp_path):
    monkeypatch.delenv(core_settings.ENV_USER_DICT, raising=False)
    monkeypatch.delenv(core_settings.ENV_SEGMENTER, raising=False)
    monkeypatch.setenv(core_settings.ENV_CACHE_DIR, str(tmp_path / "cache"))
    wordcache.reset()
    yield
    A.reset()


def _unwritable_directory(tmp_path: Path) -> Path:
    if os.geteuid() != 0:  # a read-only directory (root could write it anyway)
        directory = tmp_path / "read-only"
        directory.mkdir()
        directory.chmod(0o555)
        return directory
    blocker = tmp_path / "a-file"  # a file where a directory would have to be made
    blocker.write_text("x")
    return blocker / "cache"


# ------------------------------------------------------------- the CLI, cold

def _cli_search(env: dict, query: str) -> tuple[dict, str]:
    proc = subprocess.run([sys.executable, "-m", "rsearch.cli", "search", query, "--json"], capture_output=True,
                          text=True, env=env, cwd=REPO, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    data = json.loads(proc.stdout)
    for key in ("took", "elapsed_ms"):
        data.pop(key)
    return data, proc.stderr


@pytest.fixture(scope="module")
def seeded(es):
    from indexed import new_alias

    yield from new_alias(es, SEED_FILES, "wordcache")


def test_cold_cli_searches_agree_in_every_cache_state(es_url, seeded, tmp_path, monkeypatch):
    cache = tmp_path / "clicache"
    env = {k: v for k, v in os.environ.items() if not k.startswith("RSEARCH_")}
    env.update(RSEARCH_ES_URL=es_url, RSEARCH_INDEX=seeded, RSEARCH_CACHE_DIR=str(cache))
    queries = ["党史", "西工区 为民办实事", "黨史學習教育", "文明城市创建", "covid"]
    cold = {q: _cli_search(env, q) for q in queries}
    assert all(err == "" for _, err in cold.values())
    tables = list(cache.glob("words-*"))
    assert len(tables) == 1  # built by the first search
    for q in queries:  # warm
        assert _cli_search(env, q) == cold[q]
    tables[0].write_bytes(b"garbage")
    data, err = _cli_search(env, queries[1])
    assert data == cold[queries[1]][0] and len(err.strip().splitlines()) == 1
    assert _cli_search(env, queries[1]) == cold[queries[1]]  # rebuilt by the search before
    data, err = _cli_search({**env, "RSEARCH_CACHE_DIR": str(_unwritable_directory(tmp_path))}, queries[0])
    assert data == cold[queries[0]][0]
    assert len(err.strip().splitlines()) == 1 and "RSEARCH_CACHE_DIR" in err
    # A user dictionary that changes the query's words: a new table, its tokens.
    user = tmp_path / "user.txt"
    user.write_text("城市创 5000000\n", encoding="utf-8")
    env_user = {**env, "RSEARCH_USER_DICT": str(user)}
    monkeypatch.setenv(core_settings.ENV_USER_DICT, str(user))
    A.reset()
    from rsearch.core.quickclient import QuickClient
    from rsearch.search import search
    from rsearch.search.analysed import analyse

    query = "文明城市创建"
    assert "城市创" in analyse(query).needles
    expected = search(query, client=QuickClient(es_url), index=seeded).to_dict()
    for key in ("took", "elapsed_ms"):
        expected.pop(key)
    for hit in expected["hits"]:
        hit.pop("explanation")
    assert _cli_search(env_user, query) == (expected, "")  # the table of the old dictionary is not used
    assert len(list(cache.glob("words-*"))) == 2  # the user's table, and the default one kept
    assert _cli_search(env_user, query) == (expected, "")  # and now from the new table

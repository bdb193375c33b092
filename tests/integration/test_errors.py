"""Bad input and broken settings: one ``Error:`` line, a non-zero exit, no
traceback from the CLI; the project's own error types from the Python API.
Against the real test node; what is refused before any request (URLs, TLS):
tests/unit/test_errors.py."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from rsearch.core import analysis
from rsearch.core.analysis import normalize
from rsearch.indexer.sync import index_paths
from rsearch.core.errors import ElasticsearchError, RsearchError, from_elasticsearch
from rsearch.search import QueryError, search
from rsearch.search.documents import chunk_in_context
from rsearch.search.engine import MAX_QUERY_CHARS
from cli_support import assert_one_error, run_cli
from indexed import new_alias
from paths import SEEDS

# Tests that use the node (es, url, alias fixtures) are marked `es` by tests/conftest.py.


@pytest.fixture(scope="module")
def url(es):
    return str(es.transport.node_pool.get().base_url)


@pytest.fixture(scope="module")
def alias(es):
    yield from new_alias(es, [SEEDS], "errors")


@pytest.fixture(autouse=True)
def _fresh_analysis():
    """Dictionary and segmenter settings change per test: forget loaded ones."""
    analysis.reset()
    yield
    analysis.reset()


# ------------------------------------------------------------------ dates


@pytest.mark.parametrize("args", [
    ["--filter", "date=99999999999999999999"],
    ["date:99999999999999999999"],
    ["--filter", "date=2021-99999999999999999999"],
])
def test_overflowing_date_is_one_line(url, alias, args):
    assert_one_error(run_cli("--es-url", url, "--index", alias, "search", "党史", *args),
                     "bad date", "YYYY-MM-DD")


def test_overflowing_date_is_a_query_error(es, alias):
    with pytest.raises(QueryError, match="bad date"):
        search("党史", filters={"date": "99999999999999999999"}, client=es, index=alias)


# --------------------------------------------- bytes that were not UTF-8


@pytest.mark.parametrize("args,what", [
    (["search", "\udcff"], "query"),
    (["search", "党史\udce5\udc85"], "query"),
    (["search", "党史", "--filter", "region=\udcff"], "--filter value"),
    (["show", "\udcff"], "chunk id"),
])
def test_non_utf8_arguments_are_one_line(url, alias, args, what):
    line = assert_one_error(run_cli("--es-url", url, "--index", alias, *args), "not valid UTF-8")
    assert what in line and "byte 0x" in line


def test_non_utf8_bytes_from_a_real_shell(url, alias):
    """As a shell passes them: raw bytes in argv, decoded by Python itself."""
    exe = Path(sys.executable).with_name("rsearch")
    env = {**os.environ, "RSEARCH_ES_URL": url, "RSEARCH_INDEX": alias}
    for argv in ([b"search", b"\xff"], [b"search", "党史".encode(), b"--filter", b"region=\xff"],
                 [b"show", b"\xff"]):
        proc = subprocess.run([str(exe), *argv], env=env, capture_output=True, timeout=60)
        stderr = proc.stderr.decode()
        assert proc.returncode == 1, stderr
        assert stderr.count("Error:") == 1 and "byte 0xff" in stderr and "Traceback" not in stderr
        assert proc.stdout == b""


def test_lone_surrogates_in_the_python_api_are_replaced(es, alias):
    assert normalize("党史\udcff学习") == "党史\ufffd学习"
    assert normalize("\ud83d") == "\ufffd"
    # Searched as the replacement character, which no report contains.
    assert search("\udcff", client=es, index=alias).total == 0
    ids = [h.id for h in search("党史\udcff", client=es, index=alias, limit=50).hits]
    assert ids and ids == [h.id for h in search("党史\ufffd", client=es, index=alias, limit=50).hits]
    # In a phrase the replacement character is what the index makes of it: no token.
    assert search('"党史\udcff"', client=es, index=alias).total == search('"党史"', client=es, index=alias).total
    filtered = search("党史", filters={"region": ["\udcff"]}, client=es, index=alias)
    assert filtered.total == 0
    assert search("党史 -\udcff", client=es, index=alias).total > 0
    with pytest.raises(RsearchError, match="no chunk with id"):
        chunk_in_context(es, alias, "\udcff")


# ------------------------------------------------------------ chunk ids


@pytest.mark.parametrize("chunk_id", ["", "   "])
def test_empty_chunk_id_is_one_line(url, alias, chunk_id):
    assert_one_error(run_cli("--es-url", url, "--index", alias, "show", chunk_id),
                     "no chunk with id", "rsearch search")


def test_over_long_chunk_id_is_one_line(url, alias):
    assert_one_error(run_cli("--es-url", url, "--index", alias, "show", "a" * 5000), "no chunk with id")


# ------------------------------------------------------------ dictionary


def _bad_dictionaries(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    binary = tmp_path / "words.txt.gz"
    with gzip.open(binary, "wt", encoding="utf-8") as f:  # a real gzip file, not text
        f.write("绣花功夫 10 n\n" * 50)
    malformed = tmp_path / "malformed.txt"
    malformed.write_text("# my words\n党史学习教育 1000 nz\n绣花功夫 abc n\n", encoding="utf-8")
    zero = tmp_path / "zero.txt"
    zero.write_text("西关 0\n", encoding="utf-8")
    huge = tmp_path / "huge.txt"
    huge.write_text("西关\n洛八办 99999999999999999999999\n", encoding="utf-8")
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("党史学习教育\n绣花功夫\n".encode("gbk"))
    return {
        "missing": (tmp_path / "nope.txt", "no such file"),
        "directory": (tmp_path, "cannot read"),
        "binary": (binary, "line 1: not UTF-8"),
        "gbk": (gbk, "line 1: not UTF-8"),
        "malformed": (malformed, "line 3: '绣花功夫 abc n' is not 'word [freq] [tag]'"),
        "zero": (zero, "line 1: frequency must be"),
        "huge": (huge, "line 2: frequency must be"),
    }


@pytest.mark.parametrize("case", ["missing", "directory", "binary", "gbk", "malformed", "zero", "huge"])
def test_bad_user_dictionary_is_one_line_everywhere(tmp_path, es, url, alias, case):
    path, expected = _bad_dictionaries(tmp_path)[case]
    env = {"RSEARCH_USER_DICT": str(path)}
    before = set(es.indices.get(index="rsearch-test-errors-*"))
    for command in (["search", "党史"], ["stats"], ["index", str(SEEDS)], ["index", "--rebuild", str(SEEDS)]):
        line = assert_one_error(run_cli("--es-url", url, "--index", alias, *command, env=env), expected)
        assert str(path) in line and "RSEARCH_USER_DICT" in line
    # Refused before anything was created: no orphan index, the alias unchanged.
    assert set(es.indices.get(index="rsearch-test-errors-*")) == before
    assert search("党史", client=es, index=alias).total > 0
    # The Python API raises the project's error type, naming the file.
    os.environ["RSEARCH_USER_DICT"] = str(path)
    try:
        with pytest.raises(analysis.DictionaryError, match="RSEARCH_USER_DICT"):
            search("党史", client=es, index=alias)
        with pytest.raises(analysis.DictionaryError):
            analysis.dictionary_version()
    finally:
        del os.environ["RSEARCH_USER_DICT"]


def test_good_user_dictionary_still_works(tmp_path, url, alias):
    good = tmp_path / "words.txt"
    good.write_text("\ufeff# comment\n\n绣花功夫 10 n\n洛八办\n西工区 3000 ns\n", encoding="utf-8")
    result = run_cli("--es-url", url, "--index", alias, "search", "党史", env={"RSEARCH_USER_DICT": str(good)})
    assert result.exit_code == 0, result.output


# ------------------------------------------------- Elasticsearch's reasons


def test_root_cause_reason_and_hint(es, url, alias):
    """A query over the cluster's clause limit: the message carries the root
    cause (maxClauseCount) and the fix."""
    limit = 100_000  # above any cluster's maxClauseCount
    body = {"query": {"bool": {"should": [{"term": {"kind": f"k{i}"}} for i in range(limit)]}}}
    with pytest.raises(Exception) as official:
        es.search(index=alias, body=body)
    err = from_elasticsearch(official.value, url)
    text = str(err)
    assert isinstance(err, ElasticsearchError) and err.status_code == 400
    assert "maxClauseCount" in text and "shorten the query" in text
    assert "all shards failed" not in text and "\n" not in text


def test_blocked_index_shows_the_reason(es, url):
    """A real 403 with a root cause (an index read block), through search,
    stats and show and the Python API."""
    name = f"rsearch-test-errors-blocked-{uuid.uuid4().hex[:6]}"
    assert index_paths(es, name, [SEEDS / sorted(os.listdir(SEEDS))[0]]).ok
    physical = next(iter(es.indices.get(index=f"{name}*")))
    es.indices.put_settings(index=physical, settings={"index.blocks.read": True})
    try:
        for command in (["search", "党史"], ["stats"]):
            assert_one_error(run_cli("--es-url", url, "--index", name, *command),
                             "403", "cluster_block_exception", "blocked by", "index.blocks")
        with pytest.raises(ElasticsearchError, match="blocked by") as err:
            search("党史", client=es, index=name)
        assert err.value.status_code == 403
    finally:
        es.indices.put_settings(index=physical, settings={"index.blocks.read": False})
        es.indices.delete(index=physical)


# ------------------------------------------------------- length and ranges


def test_query_over_the_length_limit_in_the_cli(url, alias):
    assert_one_error(run_cli("--es-url", url, "--index", alias, "search", "党" * 100_000),
                     "the limit is 1,000")
    assert_one_error(run_cli("--es-url", url, "--index", alias, "search", "--json", "a " * 50_000),
                     "the limit is 1,000")


@pytest.mark.parametrize("operator", ["and", "or"])
def test_queries_at_the_length_limit_are_answered(es, alias, operator):
    """The documented limit is safe on a real node: the worst shapes (one term
    per character, every character a distinct term, a phrase) answer."""
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    compact = "".join(text.split())
    shapes = [
        compact[:MAX_QUERY_CHARS],
        " ".join(compact[: MAX_QUERY_CHARS // 2])[:MAX_QUERY_CHARS],
        ('"' + compact[: MAX_QUERY_CHARS - 2] + '"'),
        " OR ".join(compact[:200])[:MAX_QUERY_CHARS].rstrip(" OR"),
    ]
    for query in shapes:
        assert len(query) <= MAX_QUERY_CHARS
        search(query, client=es, index=alias, operator=operator)


@pytest.mark.parametrize("args,option", [
    (["--fragments", "-1"], "--fragments"),
    (["--fragments", "0"], "--fragments"),
    (["--fragment-size", "0"], "--fragment-size"),
    (["--fragment-size", "-5"], "--fragment-size"),
])
def test_fragment_options_are_range_checked(url, alias, args, option):
    assert_one_error(run_cli("--es-url", url, "--index", alias, "search", "党史", *args), option,
                     exit_code=2)


@pytest.mark.parametrize("kw", [{"fragments": -1}, {"fragments": 0}, {"fragment_size": 0}])
def test_fragment_arguments_are_checked_in_the_python_api(es, alias, kw):
    with pytest.raises(QueryError, match="at least 1"):
        search("党史", client=es, index=alias, **kw)

"""The matching modes on a real node: by default the chunks that match every
word rank above those that match fewer, however strongly a partial match
scores on its own; strict mode returns only the every-word matches; any-word
mode ranks all of them in one list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from rsearch.cli import cli
from rsearch.search import search
from indexed import new_alias

FILLER = "会议强调，要进一步提高认识，压实责任，确保各项工作落到实处。"

REPORTS = {
    # Every unit of 马祖列岛 once, deep in a long body.
    "all-in-body.txt": f"海岛旅游情况简报\n\n{FILLER * 3}今年到马祖列岛观光的游客明显增多。{FILLER * 3}\n",
    # Only 马祖, but in the title and over and over in a short body: on
    # BM25 alone this outscores the report above.
    "part-in-title.txt": "马祖观光季启动\n\n马祖观光季启动，马祖各乡镇推出马祖美食与马祖民宿活动。\n",
    # Only 列岛.
    "part-other-unit.txt": f"列岛风光\n\n{FILLER}列岛周边海域适合垂钓，列岛游客渐多。\n",
    # Two typed words, both present once.
    "both-words.txt": f"城市管理工作简报\n\n{FILLER * 2}老城区召开垃圾分类工作推进会。{FILLER * 2}\n",
    # One of the two words, repeated and in the title.
    "one-word.txt": "垃圾分类知识问答\n\n垃圾分类怎么做？垃圾分类从我做起，垃圾分类人人有责。\n",
    "unrelated.txt": f"农业生产简报\n\n春耕备耕有序开展。{FILLER}\n",
}


@pytest.fixture(scope="module")
def alias(es, tmp_path_factory):
    d = tmp_path_factory.mktemp("modes")
    for name, text in REPORTS.items():
        (d / name).write_text(text, encoding="utf-8")
    yield from new_alias(es, [d], "modes")


def files(es, alias, query, **kw) -> list[str]:
    """Report files in rank order, each at its best chunk."""
    hits = search(query, client=es, index=alias, limit=100, **kw).hits
    return list(dict.fromkeys(Path(h.source_path).name for h in hits))


@pytest.mark.parametrize("query,full,partial", [
    ("马祖列岛", {"all-in-body.txt"}, {"part-in-title.txt", "part-other-unit.txt"}),
    ("垃圾分类 推进会", {"both-words.txt"}, {"one-word.txt"}),
    ("推进会 垃圾分类", {"both-words.txt"}, {"one-word.txt"}),
])
def test_every_word_matches_rank_above_partial_ones(es, alias, query, full, partial):
    ranked = files(es, alias, query)
    assert set(ranked) == full | partial  # partial matches are found, nothing unrelated
    assert set(ranked[: len(full)]) == full
    # The corpus is built so that without the tier a partial match wins.
    assert set(files(es, alias, query, operator="or")[: len(full)]) != full


@pytest.mark.parametrize("query,full", [
    ("马祖列岛", {"all-in-body.txt"}),
    ("垃圾分类 推进会", {"both-words.txt"}),
    ("马祖 OR 列岛 观光", {"all-in-body.txt", "part-in-title.txt"}),
])
def test_strict_mode_excludes_partial_matches(es, alias, query, full):
    assert set(files(es, alias, query, strict=True)) == full
    assert set(files(es, alias, query)) > full


def test_a_lone_character_unit_does_not_widen_the_default(es, alias):
    """推进会 is 推进 / 会: the default's fewer-words tier needs 推进 (会 alone is
    in nearly every report), any-word mode takes either."""
    assert "unrelated.txt" not in files(es, alias, "垃圾分类 推进会")
    assert "unrelated.txt" in files(es, alias, "垃圾分类 推进会", operator="or")


def test_cli_strict_flag(es_url, alias):
    def total(*args):
        result = CliRunner().invoke(cli, ["--es-url", es_url, "--index", alias, "search", "--json", *args])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)["total"]

    strict = total("--strict", "马祖列岛")
    assert strict >= 1 and total("马祖列岛") > strict
    result = CliRunner().invoke(cli, ["--es-url", es_url, "--index", alias, "search", "--strict", "--any", "马祖"])
    assert result.exit_code == 1 and result.stderr.startswith("Error: ")

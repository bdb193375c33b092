"""Highlights are safe to render: the report text is HTML-escaped and only the
match tags are markup; the plain text stays raw; on a real node and through the CLI."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from click.testing import CliRunner

from rsearch.cli import cli
from rsearch.search import search
from indexed import new_alias
from markup import ATTACKS, tags

@pytest.fixture
def hostile_alias(es, tmp_path):
    body = "\n".join(f"西工区开展党史学习教育活动，现场{a}群众参与。" for a in ATTACKS)
    (tmp_path / "hostile.txt").write_text(
        f"西工区党史学习教育<img src=x onerror=alert(1)>简报\n\n{body}\n", encoding="utf-8")
    yield from new_alias(es, [tmp_path], "xss")


def test_real_node_highlights_are_escaped_text_stays_raw(es, hostile_alias):
    result = search("党史学习教育", client=es, index=hostile_alias, fragment_size=200, fragments=3)
    assert result.hits
    hit = result.hits[0]
    assert "<img src=x onerror=alert(1)>" in hit.text  # the raw text is untouched
    shown = hit.highlights + ([hit.title_highlight] if hit.title_highlight else [])
    assert any("&lt;img src=x onerror=alert(1)&gt;" in h for h in shown)
    for h in shown:
        assert set(tags(h)) <= {"em"} and "<em>" in h
        assert "<img" not in h and "<script" not in h and "<svg" not in h
        assert unescape(re.sub(r"</?em>", "", h)) in (hit.text + (hit.title or ""))  # nothing lost


def test_real_node_configurabletags(es, hostile_alias):
    hit = search("党史学习教育", client=es, index=hostile_alias, whole_text=True,
                 highlight_pre_tag="[[", highlight_post_tag="]]").hits[0]
    assert "[[党史学习教育]]" in hit.highlights[0] and "<em>" not in hit.highlights[0]
    assert "&lt;img" in hit.highlights[0]


def test_cli_json_is_escaped_and_terminal_shows_the_text(es_url, hostile_alias):
    runner = CliRunner()
    out = runner.invoke(cli, ["--es-url", es_url, "--index", hostile_alias, "search", "党史学习教育", "--json"])
    assert out.exit_code == 0, out.output
    hit = json.loads(out.output)["hits"][0]
    assert "<img" not in "".join(hit["highlights"]) and "<img" in hit["text"]
    text = runner.invoke(cli, ["--es-url", es_url, "--index", hostile_alias, "search", "党史学习教育"])
    assert text.exit_code == 0 and "<img src=x onerror=alert(1)>" in text.output
    assert "&lt;img" not in text.output

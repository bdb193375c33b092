"""`rsearch search` in a terminal: it fits the width (display cells: a Chinese
character takes two), fragments are wrapped and indented under their title
with … where they are cut, titles are bold, and there are no colour codes
when the output is not a terminal or NO_COLOR is set.

These layout tests feed the renderer results of the shape search returns;
tests/integration/test_render.py runs the real command on a pseudo-terminal
against a real node."""

from __future__ import annotations

import click
import pytest

from rsearch.render import cells, number, render_result, width_of, wrap
from rsearch.search.results import FacetValue, Hit, SearchResult

TEXT = ("中央、省委、市委陆续对党史学习教育进行动员部署后，3月4日，区委常委会专题研究开展党史学习教育相关事项；"
        "区委书记先后两次对全区党史学习教育提出具体要求；3月5日，中原区召开党史学习教育动员大会，号召全区上下"
        "迅速行动起来。力量拟定《关于开展党史学习教育的实施方案》，筹备组建区委党史学习教育领导小组办公室。")


def result(**hit) -> SearchResult:
    fields = dict(id="e84525ca784558f96f5e", report_id="r1", title="中原区真学笃行 高质量开展党史学习教育 把学习成效转化为工作质效",
                  section="系统部署 重视程度上体现“高”字", kind="body", text=TEXT, score=1121.67,
                  title_highlight="中原区真学笃行 高质量开展<em>党史学习教育</em> 把学习成效转化为工作质效",
                  highlights=["陆续对<em>党史学习教育</em>进行动员部署后，3月4日，区委常委会专题研究开展<em>党史学习教育</em>相关事项；"
                              "区委书记先后两次对全区<em>党史学习教育</em>提出具体要求；3月5日，中原区召开",
                              "力量拟定《关于开展<em>党史学习教育</em>的实施方案》，筹备组建区委<em>党史学习教育</em>领导小组办公室。"],
                  explanation={"value": 3.4028234663852886e38, "description": "maxBoost", "details": []})
    fields.update(hit)
    return SearchResult(query="党史学习教育", total=37, hits=[Hit(**fields)], took=5, elapsed_ms=20.0,
                        facets={"region": [FacetValue(f"地区{i}", 40 - i, i == 2) for i in range(9)]})


def plain(text: str) -> list[str]:
    return click.unstyle(text).split("\n")


@pytest.mark.parametrize("width", [40, 60, 80, 120])
def test_every_line_fits_the_width(width):
    lines = plain(render_result(result(), explain=True, width=width))
    assert max(width_of(line) for line in lines) <= width, "\n".join(lines)


def test_fragments_are_indented_under_the_title_and_cut_with_an_ellipsis():
    lines = plain(render_result(result(), width=80))
    title = next(i for i, line in enumerate(lines) if line.startswith("  1. "))
    block = lines[title + 1:lines.index("     id e84525ca784558f96f5e")]
    assert block and all(line.startswith("     ") and line[5] != " " for line in block), block
    text = "".join(line.strip() for line in block).split("(body, score 1121.67)", 1)[1]
    # The first fragment starts and ends inside the chunk's text; the second ends where the text ends.
    assert text.startswith("…陆续对党史学习教育") and "中原区召开…" in text and "…力量拟定" in text
    assert text.endswith("领导小组办公室。")


def test_no_line_starts_with_closing_punctuation():
    for width in range(40, 90):
        lines = plain(render_result(result(), width=width))
        assert not [line for line in lines if line.strip() and line.strip()[0] in "，。、；：！？）》」』”"], width


def test_the_title_is_bold_and_the_matches_coloured():
    out = render_result(result(), width=100)
    head = next(line for line in out.split("\n") if "1. " in line)
    assert "\x1b[1m中原区真学笃行" in head  # bold, not an empty bold string
    assert click.style("党史学习教育", fg="red", bold=True) in head


def test_explain_prints_huge_numbers_in_three_figures():
    out = click.unstyle(render_result(result(), explain=True, width=100))
    assert "3.4e+38  maxBoost" in out and "340282" not in out
    assert number(1121.6734) == "1121.673"


def test_cells_count_display_width():
    assert [cells(c) for c in "a党，é\u0301"] == [1, 2, 2, 1, 0]
    assert [click.unstyle(line) for line in wrap([("abc defgh ijk", "plain")], 12, indent=2, first=0)] == \
        ["abc defgh", "  ijk"]


def test_the_section_heading_shows_the_words_searched_for():
    """A caption that matches only through its section heading: the heading's match is marked."""
    out = render_result(result(section="党史学习教育 重视程度上体现“高”字", highlights=["（图）会场一角。"],
                               text="（图）会场一角。"), width=100)
    head = next(line for line in out.split("\n") if "1. " in line)
    assert "› " + click.style("党史学习教育", fg="red", bold=True) in head

"""The CLI refuses what it does not know, and every front end names the sort
orders alike. Parsing only: no node (click's own parser, no search is run)."""

from __future__ import annotations

import re
import typing

import click
import pytest
from click.testing import CliRunner

from rsearch.cli import cli
from rsearch.search.options import SORTS, SearchOptions
from paths import REPO

SEARCH = cli.commands["search"]


def parse(*args: str) -> dict:
    with click.Context(cli) as parent:
        return SEARCH.make_context("search", list(args), parent=parent).params


@pytest.mark.parametrize("typo, meant", [("--limt", "--limit"), ("--gruop-by-report", "--group-by-report"),
                                         ("--fragment", "--fragments"), ("--jsn", "--json"),
                                         ("--filtr=people=张再行", "--filter")])
def test_an_unknown_option_is_an_error_naming_the_closest(typo, meant):
    result = CliRunner().invoke(cli, ["search", "党史", typo, "3"])
    assert result.exit_code == 2, result.output
    assert f"No such option '{typo.split('=')[0]}'" in result.output
    assert f"Did you mean '{meant}'" in result.output or f"'{meant}'" in result.output.split("Did you mean", 1)[-1]
    assert "Traceback" not in result.output


def test_an_option_nothing_resembles_is_refused_without_a_guess():
    result = CliRunner().invoke(cli, ["search", "党史", "--zzzzzz"])
    assert result.exit_code == 2 and "No such option '--zzzzzz'" in result.output
    assert "Did you mean" not in result.output


def test_a_dash_word_stays_the_documented_exclusion():
    params = parse("党史", "-西工区", "-n", "3", "-covid")
    assert params["query"] == ("党史", "-西工区", "-covid") and params["limit"] == 3
    quoted = parse('"为民办实事" -区委 region:中原区', "--group-by-report")
    assert quoted["query"] == ('"为民办实事" -区委 region:中原区',) and quoted["group_by_report"]


def test_after_a_double_dash_everything_is_query_text():
    assert parse("--", "--limt", "党史")["query"] == ("--limt", "党史")


def test_known_options_with_values_still_parse():
    params = parse("党史", "--limit=5", "--sort", "date", "--filter", "people=张再行", "--fragments", "1")
    assert (params["limit"], params["sort"], params["filters"], params["fragments"]) == (5, "date", ("people=张再行",), 1)


@pytest.mark.parametrize("args", [["-n", "0"], ["--limit", "-1"], ["--page", "0"], ["--fragments", "0"],
                                  ["--fragment-size", "0"]])
def test_counts_below_one_fail_alike(args):
    """-n 0 and --fragments 0 were refused differently (exit 1 and 2); now both
    are click's usage error, before anything is asked of Elasticsearch."""
    result = CliRunner().invoke(cli, ["search", "党史", *args])
    assert result.exit_code == 2 and "is not in the range x>=1" in result.output, result.output


def test_one_name_for_each_sort_order_everywhere():
    from rsearch.service.app import SearchRequest

    assert SORTS == ("relevance", "date")
    option = next(p for p in SEARCH.params if p.name == "sort")
    assert tuple(option.type.choices) == SORTS and option.default == "relevance"
    assert typing.get_args(SearchRequest.model_fields["sort"].annotation) == SORTS
    assert SearchOptions().sort == "relevance"
    template = (REPO / "rsearch" / "service" / "templates" / "_results.html").read_text(encoding="utf-8")
    select = re.search(r'<select name="sort">(.*?)</select>', template, re.S).group(1)
    assert tuple(re.findall(r'<option value="(\w+)"', select)) == SORTS
    app_js = (REPO / "rsearch" / "service" / "static" / "app.js").read_text(encoding="utf-8")
    assert '"relevance"' in app_js and '"score"' not in app_js
    with pytest.raises(Exception, match="unknown sort 'score'"):
        SearchOptions(sort="score")

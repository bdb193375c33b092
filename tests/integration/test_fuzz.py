"""Property tests: random query strings (tests/fuzz_text.py) thrown at
search.search() on a real node and at `rsearch search --json` (the parser
alone: tests/unit/test_fuzz.py).

The only exceptions allowed are the project's own: QueryError from search()
(the query is malformed or too long; a query Elasticsearch rejects would be a
bug in the query builder, so ElasticsearchError is not allowed here). The CLI prints valid JSON on
stdout, or nothing on stdout and one ``Error:`` line on stderr. Outcome counts
are printed at the end of the module; bench/bench_fuzz.py runs a larger
campaign.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from rsearch.cli import cli
from rsearch.search import QueryError, search
from rsearch.search.analysed import MAX_QUERY_CHARS

from fuzz_text import near_the_limit, queries
from indexed import new_alias
from paths import SEEDS

NODE = settings(max_examples=200, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
OUTCOMES: dict[str, Counter] = {}


def count(target: str, outcome: str) -> None:
    OUTCOMES.setdefault(target, Counter())[outcome] += 1


@pytest.fixture(scope="module", autouse=True)
def _report(request):
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        return
    with capture.global_and_fixture_disabled():  # the figures are meant to be seen
        reporter.write_line("")
        for target, counts in sorted(OUTCOMES.items()):
            line = ", ".join(f"{k} {v}" for k, v in counts.most_common())
            reporter.write_line(f"fuzz {target}: {sum(counts.values())} calls: {line}")


@pytest.fixture(scope="module")
def alias(es):
    yield from new_alias(es, [SEEDS], "fuzz")


@pytest.fixture(scope="module")
def url(es):
    return str(es.transport.node_pool.get().base_url)


def _search(es, alias, query, **kw):
    try:
        result = search(query, client=es, index=alias, **kw)
    except QueryError as err:
        assert "\n" not in str(err)
        count("search()", "QueryError")
        return None
    count("search()", "ok, hits" if result.total else "ok, no hits")
    # Everything in the result can be sent on as UTF-8 JSON.
    json.dumps(result.to_dict(), ensure_ascii=False).encode("utf-8")
    return result


@NODE
@given(query=queries, operator=st.sampled_from(["and", "or"]), group=st.booleans(),
       region=st.one_of(st.none(), queries))
def test_search_raises_only_query_errors(es, alias, query, operator, group, region):
    filters = {"region": [region]} if region is not None else None
    _search(es, alias, query, operator=operator, group_by_report=group, filters=filters)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=near_the_limit(MAX_QUERY_CHARS), operator=st.sampled_from(["and", "or"]))
def test_search_near_the_length_limit(es, alias, query, operator):
    result = _search(es, alias, query, operator=operator)
    if len(query) > MAX_QUERY_CHARS:
        assert result is None  # refused, before any request


@NODE
@given(query=queries, split=st.booleans(), extra=st.sampled_from([[], ["--any"], ["--group-by-report"]]))
def test_cli_json_is_valid_json_or_one_error(url, alias, query, split, extra):
    words = query.split() if split else [query]
    result = CliRunner().invoke(cli, ["--es-url", url, "--index", alias, "search", "--json", *extra,
                                      "--", *words])
    assert isinstance(result.exception, (SystemExit, type(None))), repr(result.exception)
    if result.exit_code == 0:
        data = json.loads(result.stdout)
        assert set(data) >= {"total", "hits", "facets"}
        assert result.stderr == ""
        count("rsearch search --json", "exit 0, valid JSON")
    else:
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
        count("rsearch search --json", f"exit {result.exit_code}, one Error: line")

"""The search request, built without Elasticsearch and compared as dicts
(the way elasticsearch-dsl tests FacetedSearch.build_search())."""

from __future__ import annotations

import pytest

from rsearch.core import facets
from rsearch.core.errors import QueryError
from rsearch.search.analysed import analyse
from rsearch.search.options import SearchOptions
from rsearch.search.request import (ALL_WORDS, COUNTS, FILTERED_PREFIX, build_request, date_range, facet_buckets,
                            facet_scope, facets_request, filter_clause, needs_counts_over_all)


def body(query: str = "", filters=None, **options) -> dict:
    return build_request(analyse(query, filters), SearchOptions(**options))


@pytest.mark.parametrize("value, lo, hi", [
    ("2021", "2021-01-01", "2021-12-31"),
    ("2021-02", "2021-02-01", "2021-02-28"),
    ("2024-02", "2024-02-01", "2024-02-29"),  # leap year
    ("2021-04", "2021-04-01", "2021-04-30"),
    ("2021-12", "2021-12-01", "2021-12-31"),
    ("2021-06-18", "2021-06-18", "2021-06-18"),
])
def test_date_filters_cover_the_whole_year_month_or_day(value, lo, hi):
    assert date_range("date", value) == {"range": {"date": {"gte": lo, "lte": hi, "format": "yyyy-MM-dd"}}}
    assert filter_clause("date", [value]) == {"bool": {"should": [date_range("date", value)],
                                                       "minimum_should_match": 1}}


@pytest.mark.parametrize("value", ["2021-13", "2021-02-30", "21-x", "99999999999999999999", "2021-01-01-01"])
def test_bad_dates_are_query_errors(value):
    with pytest.raises(QueryError, match="bad date"):
        date_range("date", value)


def scope_of(b: dict) -> tuple[dict, dict | None]:
    """(the aggregations the facets are in, the tier filter they count under or None)."""
    aggs = b["aggs"].get(COUNTS, {}).get("aggs", b["aggs"])
    if ALL_WORDS in aggs:
        return aggs[ALL_WORDS]["aggs"], aggs[ALL_WORDS]["filter"]
    return aggs, None


def counted_under(b: dict) -> dict[str, tuple[list, dict]]:
    """Each counted facet's (filters it is counted under, its aggregation)."""
    found = {}
    for key, agg in scope_of(b)[0].items():
        if key.startswith(FILTERED_PREFIX):
            for name, inner in agg["aggs"].items():
                found[name] = (agg["filter"]["bool"]["filter"], inner)
        elif key != "_reports":
            found[key] = ([], agg)
    return found


def test_filters_go_to_post_filter_and_each_facet_counts_under_the_others():
    b = body("党史", {"people": ["张再行"], "kind": "body"})
    people = {"terms": {"people": ["张再行"]}}
    kind = {"terms": {"kind": ["body"]}}
    assert b["post_filter"] == {"bool": {"filter": [people, kind]}}
    # The scoring query holds no facet filter: counts and hits see the same matches.
    assert "张再行" not in str(b["query"])
    under = counted_under(b)
    assert set(under) == {f.name for f in facets.defaults()}
    assert under["people"][0] == [kind]  # not its own
    assert under["kind"][0] == [people]
    assert all(under[f.name][0] == [people, kind] for f in facets.defaults() if f.name not in ("people", "kind"))
    assert under["people"][1] == {"terms": {"field": "people", "size": facets.REGISTRY["people"].size}}
    assert under["date"][1]["date_histogram"]["field"] == "date"
    # Facets under the same filters share one wrapper, all under one match_all parent.
    assert list(b["aggs"]) == [COUNTS] and b["aggs"][COUNTS]["filter"] == {"match_all": {}}
    assert len(scope_of(b)[0]) == 3


@pytest.mark.parametrize("query, filters, wrappers", [
    ("党史", None, 0),
    ("党史", {"kind": "body"}, 1),  # kind alone counts under nothing: plain; the rest share one
    ("党史学习", {"region": "洛阳", "places": "遵义"}, 3),
    ("推进会", {"people": "张再行", "date": "2021", "kind": "body"}, 4),
    ("推进会", {"people": "张再行", "report": "x"}, 2),  # report is no default facet: people, the rest
])
def test_only_facets_under_filters_are_wrapped(query, filters, wrappers):
    b = body(query, filters)
    scope, _ = scope_of(b)
    assert sum(key.startswith(FILTERED_PREFIX) for key in scope) == wrappers
    for name, (under, _) in counted_under(b).items():
        own = facets.REGISTRY[name].field
        expected = [filter_clause(n, v) for n, v in analyse("", filters).filters.items()
                    if facets.REGISTRY[n].field != own]
        assert under == expected
    # A top-level filter aggregation is one more pass of the whole query in
    # Elasticsearch: every count is under one parent.
    assert list(b["aggs"]) == [COUNTS] and b["aggs"][COUNTS]["filter"] == {"match_all": {}}


@pytest.mark.parametrize("query", ["党史", "会", '"党史学习教育"'])
def test_no_filters_no_post_filter_and_one_short_unit_counts_every_match(query):
    b = body(query)
    assert "post_filter" not in b
    scope, tier = scope_of(b)
    assert tier is None and all("filter" not in agg for agg in scope.values())
    assert list(scope) == [f.name for f in facets.defaults()]


@pytest.mark.parametrize("query", ["党史学习教育", "推进会", "新时代 文明实践", "马祖列岛 OR 台湾"])
def test_several_units_count_facets_over_the_all_words_tier(query):
    aq = analyse(query)
    b = build_request(aq, SearchOptions())
    scope, tier = scope_of(b)
    assert tier is not None and set(scope) == {f.name for f in facets.defaults()}
    # The same filter the scoring query lifts every-word matches with.
    lifted = b["query"]["bool"]["should"][0]["constant_score"]["filter"]
    assert tier == lifted
    # Strict and any-word mode count every match.
    for options in (SearchOptions(strict=True), SearchOptions(operator="or")):
        assert scope_of(build_request(aq, options))[1] is None
    # The fallback request counts every match, scoring nothing.
    fallback = facets_request(aq, SearchOptions())
    assert fallback["size"] == 0 and fallback["query"] == {"bool": {"filter": [b["query"]]}}
    assert scope_of(fallback) == (scope, None)
    grouped = facets_request(aq, SearchOptions(group_by_report=True))  # the report total is the search's
    assert scope_of(grouped) == (scope, None) and "_reports" not in grouped["aggs"][COUNTS]["aggs"]


def test_reading_counts_from_either_shape():
    buckets = [{"key": "洛阳市", "doc_count": 3}]
    plain = {"region": {"buckets": buckets}}
    assert facet_scope(plain) == (plain, "all") and facet_buckets(plain, "region") == buckets
    tiered = {COUNTS: {"doc_count": 9, ALL_WORDS: {"doc_count": 3, FILTERED_PREFIX + "kind": {
        "doc_count": 3, "region": {"buckets": buckets}}}}}
    scope, over = facet_scope(tiered)
    assert over == "all_words" and facet_buckets(scope, "region") == buckets
    assert not needs_counts_over_all(tiered) and not needs_counts_over_all(plain)
    tiered[COUNTS][ALL_WORDS]["doc_count"] = 0
    assert needs_counts_over_all(tiered)


def test_counted_facets_come_from_the_registry_or_the_caller():
    assert list(scope_of(body("x"))[0]) == [f.name for f in facets.defaults()]
    assert {f.name for f in facets.defaults()} < {f.name for f in facets.counted()}
    assert list(scope_of(body("x", facets=("people", "report")))[0]) == ["people", "report"]
    assert body("x", facets=())["aggs"] == {}
    with pytest.raises(QueryError, match="unknown facet 'peple'"):
        body("x", facets=("peple",))


def test_place_filters_resolve_short_names_and_date_filters_use_the_reports_date():
    b = body("", {"region": "洛阳"})
    assert b["post_filter"] == {"bool": {"filter": [{"terms": {"region": ["洛阳", "洛阳市"]}}]}}
    mentioned = body("", {"mentioned": "2021-03"})["post_filter"]["bool"]["filter"][0]
    assert mentioned["bool"]["should"][0]["range"]["dates"]["lte"] == "2021-03-31"


def test_query_filters_and_caller_filters_merge_by_name():
    b = body("党史 people:张再行", {"people": ["王建军", "张再行"]})
    assert b["post_filter"]["bool"]["filter"] == [{"terms": {"people": ["张再行", "王建军"]}}]
    excluded = body("党史 -kind:caption", strict=True)["query"]["function_score"]["query"]["bool"]["must_not"]
    assert excluded == [{"terms": {"kind": ["caption"]}}]


def test_strict_mode_requires_every_unit_as_a_character_phrase():
    q = body("洛阳西工区志愿者", strict=True)["query"]["function_score"]["query"]["bool"]
    [term] = q["must"]
    required = term["bool"]["must"][0]["bool"]["must"]
    fields = [[next(iter(c["match_phrase"])) for c in unit["dis_max"]["queries"]] for unit in required]
    assert fields == [["title_chars", "section_chars", "text_chars"]] * 3
    phrases = [c["dis_max"]["queries"][2]["match_phrase"]["text_chars"]["query"] for c in required]
    assert phrases == ["洛阳", "西工区", "志愿者"]
    # Bigrams and the whole term only add score.
    bigrams = term["bool"]["should"][0]["dis_max"]["queries"][2]["match"]["text_bigrams"]["query"]
    assert bigrams == "洛阳西工区志愿者"  # the field's analyzer pairs it as it did the text
    assert term["bool"]["should"][-1] == {"match_phrase": {"text_chars": {
        "query": "洛阳西工区志愿者", "analyzer": "standard", "boost": 1.0}}}


def test_any_word_mode_needs_one_unit_of_one_term():
    q = body("党史 西工区", operator="or")["query"]["function_score"]["query"]["bool"]
    [either] = q["must"]
    assert either["bool"]["minimum_should_match"] == 1 and len(either["bool"]["should"]) == 2


def test_paging_sorting_grouping_and_source():
    b = body("x", limit=5, page=3, sort="date", group_by_report=True)
    assert (b["from"], b["size"]) == (10, 5)
    assert b["sort"] == [{"date": {"order": "desc", "missing": "_last"}}, "_score"] and b["track_scores"]
    assert b["collapse"]["field"] == "report_id"
    assert b["aggs"][COUNTS]["aggs"]["_reports"] == {"cardinality": {"field": "report_id"}}  # no filter
    filtered = body("x", {"kind": "body"}, group_by_report=True)["aggs"][COUNTS]["aggs"]["_reports"]
    assert filtered == {"filter": filtered["filter"], "aggs": {"n": {"cardinality": {"field": "report_id"}}}}
    assert filtered["filter"] == {"bool": {"filter": [{"terms": {"kind": ["body"]}}]}}
    assert b["_source"] == {"excludes": ["*_folded"]}  # the index's folded copies of traditional text


def test_empty_query_browses_everything_but_the_exclusions():
    q = body("", {"kind": "title"})["query"]["function_score"]["query"]["bool"]
    assert q["must"] == [{"match_all": {}}] and q["must_not"] == []


@pytest.mark.parametrize("options, message", [
    ({"limit": 0}, "limit"), ({"page": 0}, "page"), ({"page": 2000}, "beyond"),
    ({"sort": "size"}, "unknown sort"), ({"operator": "xor"}, "unknown operator"),
    ({"fragments": 0}, "fragments"), ({"fragment_size": 0}, "fragment_size"),
])
def test_bad_options_are_query_errors(options, message):
    with pytest.raises(QueryError, match=message):
        SearchOptions(**options)


def test_the_query_is_analysed_once(monkeypatch):
    from rsearch.core import analysis

    calls = []
    real = analysis.normalize
    monkeypatch.setattr(analysis, "normalize", lambda text: calls.append(text) or real(text))
    analyse("党史 学习 people:张再行")
    assert calls == ["党史 学习 people:张再行"]


def _phrases_on_chars_fields(node, out):
    """Every match_phrase clause on a *_chars field anywhere in a request body."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "match_phrase":
                out.extend((field, spec) for field, spec in value.items() if field.endswith("_chars"))
            else:
                _phrases_on_chars_fields(value, out)
    elif isinstance(node, list):
        for value in node:
            _phrases_on_chars_fields(value, out)
    return out


@pytest.mark.parametrize("query, options", [
    ("洛阳西工区志愿者", {}), ("洛阳西工区志愿者", {"strict": True}), ("党史 西工区", {"operator": "or"}),
    ('"党史学习" 教育 -会议', {}), ("COVID-19 疫苗 2021年", {}), ("a", {}),
])
def test_every_chars_phrase_names_the_index_analyzer(query, options):
    # The *_chars fields' search analyzer splits typed text for Kibana; the
    # request's space-separated characters must be split on spaces only, as indexed.
    from rsearch.core.schema import CHARS_ANALYZER, definition

    props = definition()["mappings"]["properties"]
    assert {props[f"{f}_chars"]["analyzer"] for f in ("title", "section", "text")} == {CHARS_ANALYZER}
    phrases = _phrases_on_chars_fields(body(query, **options), [])
    assert phrases
    assert all(isinstance(spec, dict) and spec.get("analyzer") == CHARS_ANALYZER for _, spec in phrases)

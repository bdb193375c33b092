"""The search request, built without Elasticsearch and compared as dicts
(the way elasticsearch-dsl tests FacetedSearch.build_search())."""

from __future__ import annotations

import pytest

from core import facets
from core.errors import QueryError
from search.analysed import analyse
from search.options import SearchOptions
from search.request import build_request, date_range, filter_clause


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


def test_filters_go_to_post_filter_and_each_facet_counts_under_the_others():
    b = body("党史", {"people": ["张再行"], "kind": "body"})
    people = {"terms": {"people": ["张再行"]}}
    kind = {"terms": {"kind": ["body"]}}
    assert b["post_filter"] == {"bool": {"filter": [people, kind]}}
    # The scoring query holds no facet filter: counts and hits see the same matches.
    assert "张再行" not in str(b["query"])
    aggs = b["aggs"]
    assert aggs["people"]["filter"] == {"bool": {"filter": [kind]}}  # not its own
    assert aggs["kind"]["filter"] == {"bool": {"filter": [people]}}
    assert aggs["region"]["filter"] == {"bool": {"filter": [people, kind]}}
    assert aggs["people"]["aggs"]["values"] == {"terms": {"field": "people", "size": 20}}
    assert aggs["date"]["aggs"]["values"]["date_histogram"]["field"] == "date"


def test_no_filters_no_post_filter():
    b = body("党史")
    assert "post_filter" not in b
    assert all(agg["filter"] == {"bool": {"filter": []}} for agg in b["aggs"].values())


def test_counted_facets_come_from_the_registry_or_the_caller():
    assert list(body("x")["aggs"]) == [f.name for f in facets.counted()]
    assert list(body("x", facets=("people", "region"))["aggs"]) == ["people", "region"]
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
    assert phrases == ["洛 阳", "西 工 区", "志 愿 者"]
    # Whole words and the whole term only add score.
    words = term["bool"]["should"][0]["dis_max"]["queries"][2]["match"]["text_words"]["query"]
    assert words == "洛阳 西工 工区 西工区 志愿 愿者 志愿者"
    assert term["bool"]["should"][-1] == {"match_phrase": {"text_chars": {
        "query": "洛 阳 西 工 区 志 愿 者", "analyzer": "whitespace", "boost": 1.0}}}


def test_any_word_mode_needs_one_unit_of_one_term():
    q = body("党史 西工区", operator="or")["query"]["function_score"]["query"]["bool"]
    [either] = q["must"]
    assert either["bool"]["minimum_should_match"] == 1 and len(either["bool"]["should"]) == 2


def test_paging_sorting_grouping_and_source():
    b = body("x", limit=5, page=3, sort="date", group_by_report=True)
    assert (b["from"], b["size"]) == (10, 5)
    assert b["sort"] == [{"date": {"order": "desc", "missing": "_last"}}, "_score"] and b["track_scores"]
    assert b["collapse"]["field"] == "report_id"
    assert b["aggs"]["_reports"]["aggs"]["n"] == {"cardinality": {"field": "report_id"}}
    assert b["_source"] == {"excludes": ["*_chars", "*_words", "*_bigrams"]}


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
    from core import analysis

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
    from core.schema import CHARS_ANALYZER, definition

    props = definition()["mappings"]["properties"]
    assert {props[f"{f}_chars"]["analyzer"] for f in ("title", "section", "text")} == {CHARS_ANALYZER}
    phrases = _phrases_on_chars_fields(body(query, **options), [])
    assert phrases
    assert all(isinstance(spec, dict) and spec.get("analyzer") == CHARS_ANALYZER for _, spec in phrases)

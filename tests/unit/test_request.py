"""The search request, built without Elasticsearch (the way elasticsearch.dsl
tests ``FacetedSearch.build_search()``: from ``Search.to_dict()``).

The tests read the request through the helpers below -- what decides a
match (``matching``), the character phrases in it, the clauses of a kind,
the filters on a field, what each facet counts under -- never through fixed
paths into the dict, so a reshaped but equivalent request still passes. That
what is sent is ``to_dict()`` is checked against a real node in
test_search.py."""

from __future__ import annotations

import json

import pytest

from rsearch.core.analysis import char_tokens, query_units
from rsearch.core.errors import QueryError
from rsearch.core.schema import CHARS_ANALYZER, definition
from rsearch.search import facets, search
from rsearch.search import request as R
from rsearch.search.analysed import analyse
from rsearch.search.facets import REGISTRY, date_bounds
from rsearch.search.options import SearchOptions


# -- helpers: reading a request by what it means ----------------------------------
def body(query: str = "", filters=None, **options) -> dict:
    return R.ReportSearch(analyse(query, filters), SearchOptions(**options)).build_search().to_dict()


def facets_body(query: str = "", filters=None, **options) -> dict:
    return R.ReportSearch(analyse(query, filters), SearchOptions(**options)).build_facets_search().to_dict()


def walk(node):
    """Every dict in a request, depth first."""
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from walk(v)


def clauses(node, kind: str) -> list[dict]:
    """Every clause of a kind (``dis_max``, ``constant_score``, ...), as its body."""
    return [d[kind] for d in walk(node) if kind in d and isinstance(d[kind], dict)]


def matching(node):
    """The query without what only adds score (the ``should`` of a bool that
    has required clauses, function_score's functions): what decides a match."""
    if isinstance(node, list):
        return [matching(n) for n in node]
    if not isinstance(node, dict):
        return node
    if "bool" in node:
        b = dict(node["bool"])
        if (b.get("must") or b.get("filter")) and "minimum_should_match" not in b:
            b.pop("should", None)
        return {"bool": {k: matching(v) for k, v in b.items()}}
    if "function_score" in node:
        return matching(node["function_score"]["query"])
    return {k: matching(v) for k, v in node.items()}


def required(node) -> list[dict]:
    """The clauses every match must satisfy: reached through must and filter only."""
    if "bool" not in node:
        return [node]
    b = node["bool"]
    if b.get("should") and not (b.get("must") or b.get("filter")):
        return [node]  # alternatives: the bool itself is the requirement
    return [c for part in ("must", "filter") for clause in b.get(part, []) for c in required(clause)]


def phrases(node, slop: int | None = 0) -> list[str]:
    """The strings of the character phrases in ``node`` (any field), in order, once each."""
    found = [spec["query"] for c in clauses(node, "match_phrase") for f, spec in c.items()
             if f.endswith("_chars") and (slop is None or spec.get("slop", 0) == slop)]
    return list(dict.fromkeys(found))


def fields_of(node, kind: str) -> set[str]:
    return {f for c in clauses(node, kind) for f in c}


def filters_on(node, field: str) -> list[dict]:
    """The filter clauses (terms, range) on ``field`` anywhere in ``node``."""
    return [{kind: c} for d in walk(node) for kind, c in d.items()
            if kind in ("terms", "term", "range") and isinstance(c, dict) and field in c]


def counted(b: dict) -> dict[str, tuple[list[dict], dict]]:
    """Each counted facet -> (the filters of the aggregations it is counted
    under, outermost first; its own aggregation)."""
    found = {}

    def visit(aggs: dict, under: list[dict]):
        for name, agg in aggs.items():
            if "filter" in agg:
                visit(agg.get("aggs", {}), under + [agg["filter"]])
            elif "terms" in agg or "date_histogram" in agg:
                found[name] = (under, agg)

    visit(b.get("aggs", {}), [])
    return found


def counted_under(b: dict) -> dict[str, list[dict]]:
    return {name: under for name, (under, _) in counted(b).items()}


def facet_filters(under: list[dict]) -> list[dict]:
    """The facet filters among what a facet counts under (not the parent's
    match_all, not the all-words tier)."""
    return [{kind: c} for d in walk(under) for kind, c in d.items() if kind in ("terms", "range")]


def tier_filters(b: dict) -> list[dict]:
    """The all-words tier: the filters of the constant_score clauses that lift every-word matches."""
    return [c["filter"] for c in clauses(b["query"], "constant_score")]


# -- facets and filters ------------------------------------------------------------
@pytest.mark.parametrize("value, lo, hi", [
    ("2021", "2021-01-01", "2021-12-31"),
    ("2021-02", "2021-02-01", "2021-02-28"),
    ("2024-02", "2024-02-01", "2024-02-29"),  # leap year
    ("2021-04", "2021-04-01", "2021-04-30"),
    ("2021-12", "2021-12-01", "2021-12-31"),
    ("2021-06-18", "2021-06-18", "2021-06-18"),
])
def test_date_filters_cover_the_whole_year_month_or_day(value, lo, hi):
    assert [d.isoformat() for d in date_bounds(value)] == [lo, hi]
    [clause] = filters_on(body("", {"date": value})["post_filter"], "date")
    assert clause == {"range": {"date": {"gte": lo, "lte": hi, "format": "yyyy-MM-dd"}}}


@pytest.mark.parametrize("value", ["2021-13", "2021-02-30", "21-x", "99999999999999999999", "2021-01-01-01"])
def test_bad_dates_are_query_errors(value):
    with pytest.raises(QueryError, match="bad date"):
        body("", {"date": value})


def test_filters_narrow_the_hits_and_each_facet_counts_under_the_others():
    b = body("党史", {"people": ["张再行"], "kind": "body"})
    people, kind = {"terms": {"people": ["张再行"]}}, {"terms": {"kind": ["body"]}}
    assert filters_on(b["post_filter"], "people") == [people] and filters_on(b["post_filter"], "kind") == [kind]
    # The scoring query holds no facet filter: counts and hits see the same matches.
    assert filters_on(matching(b["query"]), "people") == [] and filters_on(matching(b["query"]), "kind") == []
    under = counted_under(b)
    assert set(under) == {f.name for f in facets.defaults()}
    assert facet_filters(under["people"]) == [kind]  # not its own
    assert facet_filters(under["kind"]) == [people]
    assert all(facet_filters(under[f.name]) == [people, kind] for f in facets.defaults()
               if f.name not in ("people", "kind"))
    assert counted(b)["people"][1] == {"terms": {"field": "people", "size": 20}}
    assert counted(b)["date"][1]["date_histogram"]["field"] == "date"


@pytest.mark.parametrize("query, filters, groups", [
    ("党史", None, 0),
    ("党史", {"kind": "body"}, 1),  # kind alone counts under nothing; the rest share one group
    ("党史学习", {"region": "洛阳", "places": "遵义"}, 3),
    ("推进会", {"people": "张再行", "date": "2021", "kind": "body"}, 4),
    ("推进会", {"people": "张再行", "report": "x"}, 2),  # report is no default facet: people, the rest
])
def test_all_counts_sit_under_one_parent_and_share_wrappers(query, filters, groups):
    b = body(query, filters)
    # A top-level filter aggregation is one more pass of the whole query in
    # Elasticsearch (FacetedSearch makes one per facet): one parent holds every count.
    [parent] = b["aggs"].values()
    assert parent["filter"] == {"match_all": {}}
    active = analyse("", filters).filters
    wrappers = set()
    for name, under in counted_under(b).items():
        expected = [REGISTRY[n].add_filter(v).to_dict() for n, v in active.items()
                    if REGISTRY[n].field != REGISTRY[name].field]
        assert facet_filters(under) == facet_filters(expected)
        wrappers |= {json.dumps(f, sort_keys=True) for f in under if facet_filters([f])}
    # Facets under the same filters share one filter aggregation.
    assert len(wrappers) == groups


@pytest.mark.parametrize("query", ["党史", "会", '"党史学习教育"'])
def test_no_filters_no_post_filter_and_one_short_unit_counts_every_match(query):
    b = body(query)
    assert "post_filter" not in b
    assert all(under == [{"match_all": {}}] for under in counted_under(b).values())
    assert list(counted_under(b)) == [f.name for f in facets.defaults()]


@pytest.mark.parametrize("query", ["党史学习教育", "推进会", "新时代 文明实践", "马祖列岛 OR 台湾"])
def test_several_units_count_facets_over_the_all_words_tier(query):
    b = body(query)
    [lift] = tier_filters(b)
    # The facets count under the very filter the scoring query lifts every-word matches with.
    assert all(lift in under for under in counted_under(b).values())
    assert set(counted_under(b)) == {f.name for f in facets.defaults()}
    # Strict and any-word mode count every match.
    for options in ({"strict": True}, {"operator": "or"}):
        assert all(under == [{"match_all": {}}] for under in counted_under(body(query, **options)).values())
    # The second request, when no chunk has every word: every match, nothing scored, no hits.
    again = facets_body(query)
    assert again["size"] == 0 and matching(again["query"]) == matching({"bool": {"filter": [b["query"]]}})
    assert clauses(again["query"], "bool")[0].keys() == {"filter"}
    assert all(under == [{"match_all": {}}] for under in counted_under(again).values())
    # Grouped, its report count is the search's own.
    assert "_reports" not in str(facets_body(query, group_by_report=True)["aggs"])


def test_reading_counts_from_either_shape():
    rs = R.ReportSearch(analyse("党史学习", {"kind": "body"}), SearchOptions(facets=("region", "kind")))
    buckets = [{"key": "洛阳市", "doc_count": 3}]
    kind = [{"key": "body", "doc_count": 3}]
    plain = {R.COUNTS: {"doc_count": 9, "kind": {"buckets": kind},
                        R.FILTERED_PREFIX + "kind": {"doc_count": 3, "region": {"buckets": buckets}}}}
    values, over = rs.facet_values(plain)
    assert over == "all" and [(v.value, v.count) for v in values["region"]] == [("洛阳市", 3)]
    assert values["kind"][0].selected
    tiered = {R.COUNTS: {"doc_count": 9, R.ALL_WORDS: plain[R.COUNTS] | {"doc_count": 3}}}
    assert rs.facet_values(tiered) == (values, "all_words")
    assert not rs.needs_facets_search(tiered) and not rs.needs_facets_search(plain)
    tiered[R.COUNTS][R.ALL_WORDS]["doc_count"] = 0
    assert rs.needs_facets_search(tiered)


def test_counted_facets_come_from_the_registry_or_the_caller():
    assert list(counted_under(body("x"))) == [f.name for f in facets.defaults()]
    assert {f.name for f in facets.defaults()} < {f.name for f in facets.counted()}
    assert list(counted_under(body("x", facets=("people", "report")))) == ["people", "report"]
    assert "aggs" not in body("x", facets=())
    with pytest.raises(QueryError, match="unknown facet 'peple'"):
        body("x", facets=("peple",))


def test_one_class_per_kind_of_facet():
    kinds = {name: type(f).__name__ for name, f in REGISTRY.items()}
    assert kinds["region"] == kinds["places"] == "PlaceFacet"
    assert kinds["date"] == kinds["mentioned"] == "MonthFacet"
    assert kinds["people"] == kinds["reporter"] == "KeywordFacet"
    assert all(isinstance(f, facets.Facet) for f in REGISTRY.values())
    assert REGISTRY["date"].get_aggregation().to_dict()["date_histogram"]["calendar_interval"] == "month"
    # A chosen year marks the months it holds; a short place name marks its full name.
    assert [v.selected for v in REGISTRY["date"].get_values(
        {"buckets": [{"key_as_string": "2021-03", "doc_count": 1}, {"key_as_string": "2020-12", "doc_count": 2}]},
        ["2021"])] == [True, False]
    assert [v.selected for v in REGISTRY["region"].get_values({"buckets": [{"key": "洛阳市", "doc_count": 1}]},
                                                             ["洛阳"])] == [True]


def test_place_filters_resolve_short_names_and_date_filters_use_the_reports_date():
    assert filters_on(body("", {"region": "洛阳"})["post_filter"], "region") == [
        {"terms": {"region": ["洛阳", "洛阳市"]}}]
    [mentioned] = filters_on(body("", {"mentioned": "2021-03"})["post_filter"], "dates")
    assert mentioned["range"]["dates"]["lte"] == "2021-03-31"
    assert filters_on(body("", {"mentioned": "2021-03"})["post_filter"], "date") == []


def test_query_filters_and_caller_filters_merge_by_name():
    b = body("党史 people:张再行", {"people": ["王建军", "张再行"]})
    assert filters_on(b["post_filter"], "people") == [{"terms": {"people": ["张再行", "王建军"]}}]
    q = body("党史 -kind:caption", strict=True)["query"]
    excluded = [c for b_ in clauses(q, "bool") for c in b_.get("must_not", [])]
    assert excluded == [{"terms": {"kind": ["caption"]}}]
    assert filters_on(required(matching(q)), "kind") == []


# -- matching and ranking ---------------------------------------------------------
def test_strict_mode_requires_every_unit_as_a_character_phrase():
    q = body("洛阳西工区志愿者", strict=True)["query"]
    units = [phrases(c) for c in required(matching(q))]
    assert units == [["洛阳"], ["西工区"], ["志愿者"]]
    # Each unit in the title, section heading or text.
    for c in required(matching(q)):
        assert fields_of(c, "match_phrase") == {"title_chars", "section_chars", "text_chars"}
    # Bigrams and the whole term only add score.
    assert fields_of(matching(q), "match") == set()
    bigrams = [c["text_bigrams"]["query"] for c in clauses(q, "match") if "text_bigrams" in c]
    assert bigrams == ["洛阳西工区志愿者"]  # the field's analyzer pairs it as it did the text
    assert "洛阳西工区志愿者" in phrases(q)


def test_any_word_mode_needs_one_unit_of_one_term():
    q = matching(body("党史 西工区", operator="or")["query"])
    [either] = required(q)
    assert either["bool"]["minimum_should_match"] == 1
    assert [phrases(alt) for alt in either["bool"]["should"]] == [["党史"], ["西工区"]]


def test_bigram_clause_matches_the_bigram_fields_with_field_weights():
    [term] = analyse("黨史學習").positive_terms
    assert term.bigrams == ("党史学习",)  # folded, whole: the fields' analyzer pairs it
    clause = R.bigrams_any_field(term.bigrams).to_dict()
    weights = {f: spec["boost"] for c in clauses(clause, "match") for f, spec in c.items()}
    assert weights == {f"{f}_bigrams": w * R.W_BIGRAMS for f, w in R.FIELD_WEIGHTS.items()}
    assert {spec["query"] for c in clauses(clause, "match") for spec in c.values()} == {"党史学习"}
    assert analyse("党").positive_terms[0].bigrams == ()  # one character: no pair
    assert R.bigrams_any_field(()) is None


def test_bigram_clause_only_scores_in_strict_and_any_word_mode():
    for options in ({"strict": True}, {"operator": "or"}):
        q = body("马祖列岛", **options)["query"]
        assert {"title_bigrams", "section_bigrams", "text_bigrams"} <= fields_of(q, "match")
        assert not any(f.endswith("_bigrams") for f in fields_of(matching(q), "match"))


def test_neighbouring_units_are_scored_as_sloppy_phrases():
    q = body("马祖列岛面积", strict=True)["query"]
    assert phrases(q, slop=R.PAIR_SLOP) == ["马祖 列岛", "列岛 面积"]
    # Neighbours of letters or digits stay two words, as the index reads them.
    assert phrases(R.unit_pairs(["machine", "learning"]).to_dict(), slop=R.PAIR_SLOP) == ["machine learning"]
    assert phrases(matching(q), slop=R.PAIR_SLOP) == []  # scoring only
    assert R.unit_pairs(["马祖"]) is None
    many = R.unit_pairs([f"词{i}" for i in range(100)]).to_dict()
    assert len(phrases(many, slop=R.PAIR_SLOP)) == R.MAX_PAIRS


def test_default_is_any_unit_plus_an_all_words_tier_above_the_kind_weights():
    default = body("马祖列岛 面积")["query"]
    anyword = body("马祖列岛 面积", operator="or")["query"]
    [tier] = clauses(default, "constant_score")
    assert tier["boost"] == R.TIER_BOOST * 3  # 马祖 / 列岛 / 面积
    assert [phrases(c) for c in required(tier["filter"])] == [["马祖", "列岛"], ["面积"]]
    # The tier is outside function_score, so a kind weight below 1 cannot
    # pull an every-word match under a partial one.
    [scored] = clauses(default, "function_score")
    assert "constant_score" not in str(scored)
    # Below it the any-unit query, with one more way in: any bigram, weakly scored.
    extra = [c for c in clauses(matching(default), "dis_max") if c.get("boost") == R.W_BIGRAM_FALLBACK]
    assert [{spec["query"] for m in clauses(c, "match") for spec in m.values()} for c in extra] == [
        {"马祖列岛 面积"}]
    assert phrases(matching(default)) == phrases(matching(anyword))


def test_tier_follows_or_groups():
    [tier] = clauses(body("马祖 OR 金门 面积")["query"], "constant_score")
    first, second = required(tier["filter"])
    assert [phrases(alt) for alt in first["bool"]["should"]] == [["马祖"], ["金门"]]
    assert phrases(second) == ["面积"]


@pytest.mark.parametrize("query", ['"学党史、悟思想"', '"党史" -西工区', "，"])
def test_a_one_unit_query_without_bigrams_has_no_tier(query):
    """One unit and no bigram way in (a quoted phrase stays whole): any unit is every unit."""
    assert body(query)["query"] == body(query, operator="or")["query"]


@pytest.mark.parametrize("query", ["中原区", "区委 -西工区"])
def test_a_one_unit_query_gets_a_tier_over_its_bigram_matches(query):
    q = body(query)["query"]
    assert [c["boost"] for c in clauses(q, "constant_score")] == [R.TIER_BOOST]
    assert any(c.get("boost") == R.W_BIGRAM_FALLBACK for c in clauses(matching(q), "dis_max"))


def test_interrogatives_leave_any_unit_matching_but_not_strict_matching():
    question = "马祖列岛的面积是多少？"
    assert "多少" in query_units(question)
    anyword = body(question, operator="or")["query"]
    assert "多少" not in phrases(matching(anyword)) and "面积" in phrases(matching(anyword))
    assert "多少" in analyse(question).needles  # still highlighted where it occurs
    strict = body(question, strict=True)["query"]
    assert ["多少"] in [phrases(c) for c in required(matching(strict))]
    # A query of nothing but interrogatives keeps them.
    assert phrases(matching(body("什么", operator="or")["query"])) == ["什么"]


def test_the_bigram_clause_sends_the_folded_term():
    # The index's char_pairs analyzer pairs it as it paired the text
    # (tests/integration/test_indexing.py checks what it makes).
    text = "2021年西工區推動黨史學習教育"
    queries = [c["text_bigrams"]["query"] for c in clauses(body(text, strict=True)["query"], "match")
               if "text_bigrams" in c]
    assert queries == [char_tokens(text)] == ["2021年西工区推动党史学习教育"]


def test_empty_query_browses_everything_but_the_exclusions():
    q = body("", {"kind": "title"})["query"]
    assert required(matching(q)) == [{"match_all": {}}]
    assert not any(b.get("must_not") for b in clauses(q, "bool"))


def test_kind_weights_multiply_the_score():
    [scored] = clauses(body("党史")["query"], "function_score")
    weights = {f["filter"]["term"]["kind"]: f["weight"] for f in scored["functions"]}
    assert weights == {k: w for k, w in R.KIND_WEIGHTS.items() if w != 1.0}
    assert (scored["score_mode"], scored["boost_mode"]) == ("first", "multiply")


@pytest.mark.parametrize("query, options", [
    ("洛阳西工区志愿者", {}), ("洛阳西工区志愿者", {"strict": True}), ("党史 西工区", {"operator": "or"}),
    ('"党史学习" 教育 -会议', {}), ("COVID-19 疫苗 2021年", {}), ("a", {}),
])
def test_every_chars_phrase_names_the_index_analyzer(query, options):
    # Every phrase names the analyzer the *_chars fields were indexed with.
    props = definition()["mappings"]["properties"]
    assert {props[f"{f}_chars"]["analyzer"] for f in ("title", "section", "text")} == {CHARS_ANALYZER}
    specs = [spec for c in clauses(body(query, **options), "match_phrase") for f, spec in c.items()
             if f.endswith("_chars")]
    assert specs and all(isinstance(spec, dict) and spec.get("analyzer") == CHARS_ANALYZER for spec in specs)


# -- the rest of the request --------------------------------------------------------
def test_paging_sorting_grouping_and_source():
    b = body("x", limit=5, page=3, sort="date", group_by_report=True)
    assert (b["from"], b["size"], b["track_total_hits"]) == (10, 5, True)
    assert b["sort"] == [{"date": {"order": "desc", "missing": "_last"}}, "_score"] and b["track_scores"]
    assert b["collapse"]["field"] == "report_id"
    assert [c for c in clauses(b["aggs"], "cardinality")] == [{"field": "report_id"}]
    filtered = body("x", {"kind": "body"}, group_by_report=True)["aggs"]
    # The grouped total counts the reports under the post filters.
    [reports] = [agg for d in walk(filtered) for name, agg in d.items() if name == "_reports"]
    assert filters_on(reports["filter"], "kind") == [{"terms": {"kind": ["body"]}}]
    assert b["_source"] == {"excludes": ["*_folded"]}  # the index's folded copies of traditional text
    assert "explain" not in b and body("x", explain=True)["explain"] is True


@pytest.mark.parametrize("options, message", [
    ({"limit": 0}, "limit"), ({"page": 0}, "page"), ({"page": 2000}, "beyond"),
    ({"sort": "size"}, "unknown sort"), ({"operator": "xor"}, "unknown operator"),
    ({"fragments": 0}, "fragments"), ({"fragment_size": 0}, "fragment_size"),
])
def test_bad_options_are_query_errors(options, message):
    with pytest.raises(QueryError, match=message):
        SearchOptions(**options)


def test_strict_and_any_together_are_one_query_error():
    with pytest.raises(QueryError, match="exclude each other"):
        search("党史", operator="or", strict=True, client=object(), index="reports")


def test_the_query_is_analysed_once(monkeypatch):
    from rsearch.core import analysis

    calls = []
    real = analysis.normalize
    monkeypatch.setattr(analysis, "normalize", lambda text: calls.append(text) or real(text))
    analyse("党史 学习 people:张再行")
    assert calls == ["党史 学习 people:张再行"]

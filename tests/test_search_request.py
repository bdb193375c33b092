"""The request search() sends, built without a node: the bigram signal, the
neighbouring-unit proximity, interrogatives in any-unit mode, and the three
matching modes (all words first, strict, any word) as dicts."""

from __future__ import annotations

import pytest

from rsearch.core.analysis import char_tokens, query_units
from rsearch.search import request as R
from rsearch.search import QueryError, search
from rsearch.search.analysed import analyse as q

W_TITLE, W_SECTION, W_TEXT = (R.FIELD_WEIGHTS[f] for f in ("title", "section", "text"))


def build_query(aq, operator: str = "and", strict: bool = False):
    """The scoring query and the highlight needles of an analysed query."""
    return R.scoring_query(aq, operator, strict), aq.needles


def walk(node):
    """Every dict in a request, depth first."""
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from walk(v)


def first_term(body: dict, strict: bool = False) -> dict:
    """The clause of the query's first term: {"bool": {"must": [required], "should": scoring}}."""
    if "function_score" not in body:
        body = body["bool"]["must"][0]  # the all-words tier around it
    core = body["function_score"]["query"]["bool"]["must"][0]
    return core if strict else core["bool"]["should"][0]  # any-unit: the groups are OR-ed


def phrase(folded: str, slop: int = 0) -> dict:
    chars = char_tokens(folded)
    return {"dis_max": {"tie_breaker": 0.3, "queries": [
        {"match_phrase": {"title_chars": {"query": chars, "analyzer": "standard", "slop": slop, "boost": W_TITLE}}},
        {"match_phrase": {"section_chars": {"query": chars, "analyzer": "standard", "slop": slop, "boost": W_SECTION}}},
        {"match_phrase": {"text_chars": {"query": chars, "analyzer": "standard", "slop": slop, "boost": W_TEXT}}},
    ]}}


def test_bigram_clause_matches_the_bigram_fields_with_field_weights():
    # The fields' own analyzer pairs the term's characters, as it did the text's.
    [term] = q("黨史學習").positive_terms
    assert term.bigrams == ("党史学习",)
    assert R.bigrams_any_field(term.bigrams) == {"dis_max": {"tie_breaker": 0.3, "queries": [
        {"match": {"title_bigrams": {"query": "党史学习", "boost": W_TITLE * R.W_BIGRAMS}}},
        {"match": {"section_bigrams": {"query": "党史学习", "boost": W_SECTION * R.W_BIGRAMS}}},
        {"match": {"text_bigrams": {"query": "党史学习", "boost": W_TEXT * R.W_BIGRAMS}}},
    ]}}
    assert q("党").positive_terms[0].bigrams == ()  # one character: no pair
    assert R.bigrams_any_field(()) is None


def test_bigram_clause_is_scoring_only_in_every_mode():
    for operator, strict in (("and", False), ("and", True), ("or", False)):
        term = first_term(build_query(q("马祖列岛"), operator, strict)[0], strict)
        assert R.bigrams_any_field(("马祖列岛",)) in term["bool"]["should"]
        assert all("bigrams" not in str(key) for c in walk(term["bool"]["must"]) for key in c)


def test_neighbouring_units_are_scored_as_sloppy_phrases():
    units = ["马祖", "列岛", "面积"]
    assert R.unit_pairs(units) == {"bool": {"should": [
        phrase("马祖 列岛", R.PAIR_SLOP), phrase("列岛 面积", R.PAIR_SLOP)], "boost": R.W_PAIRS}}
    # Neighbours of letters or digits stay two words, as the index reads them.
    assert R.unit_pairs(["machine", "learning"])["bool"]["should"][0]["dis_max"]["queries"][2][
        "match_phrase"]["text_chars"]["query"] == "machine learning"
    assert R.unit_pairs(["马祖"]) is None
    many = [f"词{i}" for i in range(100)]
    assert len(R.unit_pairs(many)["bool"]["should"]) == R.MAX_PAIRS


def test_strict_mode_requires_every_unit():
    body, needles = build_query(q("马祖列岛 面积"), "and", strict=True)
    assert "function_score" in body  # no tier in strict mode
    must = body["function_score"]["query"]["bool"]["must"]
    required = [term["bool"]["must"][0] for term in must]
    assert required == [{"bool": {"must": [phrase("马祖"), phrase("列岛")]}}, phrase("面积")]
    assert {"马祖", "列岛", "面积", "马祖列岛"} <= set(needles)


def test_default_is_the_any_unit_query_plus_an_all_words_tier():
    parsed = q("马祖列岛 面积")
    default, needles = build_query(parsed)
    anyword, any_needles = build_query(parsed, "or")
    tier = {"constant_score": {"boost": R.TIER_BOOST * 3, "filter": {"bool": {"filter": [
        {"bool": {"should": [{"bool": {"filter": [phrase("马祖"), phrase("列岛")]}}], "minimum_should_match": 1}},
        {"bool": {"should": [{"bool": {"filter": [phrase("面积")]}}], "minimum_should_match": 1}},
    ]}}}}
    # The tier sits outside the kind weights (function_score), so a kind
    # weight below 1 cannot pull an every-word match under a partial one.
    assert default["bool"]["should"] == [tier]
    # Below it, the any-unit query with one more way in: any bigram, weakly scored.
    fallback = {"dis_max": {"tie_breaker": 0.3, "boost": R.W_BIGRAM_FALLBACK, "queries": [
        {"match": {"title_bigrams": {"query": "马祖列岛 面积", "boost": W_TITLE}}},
        {"match": {"section_bigrams": {"query": "马祖列岛 面积", "boost": W_SECTION}}},
        {"match": {"text_bigrams": {"query": "马祖列岛 面积", "boost": W_TEXT}}},
    ]}}
    core = anyword["function_score"]["query"]["bool"]["must"][0]["bool"]
    core["should"].append(fallback)
    assert default["bool"]["must"] == [anyword]
    assert needles == any_needles


def test_tier_follows_or_groups():
    tier = R.all_words_tier(q("马祖 OR 金门 面积"))
    groups = tier["constant_score"]["filter"]["bool"]["filter"]
    assert groups[0] == {"bool": {"should": [{"bool": {"filter": [phrase("马祖")]}},
                                             {"bool": {"filter": [phrase("金门")]}}],
                                  "minimum_should_match": 1}}
    assert len(groups) == 2


@pytest.mark.parametrize("query", ['"学党史、悟思想"', '"党史" -西工区', "，"])
def test_a_one_unit_query_without_bigrams_has_no_tier(query):
    """One unit and no bigram way in (a quoted phrase stays whole): any unit is every unit."""
    assert build_query(q(query))[0] == build_query(q(query), "or")[0]


@pytest.mark.parametrize("query", ["中原区", "区委 -西工区"])
def test_a_one_unit_query_gets_a_tier_over_its_bigram_matches(query):
    default = build_query(q(query))[0]
    assert default["bool"]["should"][0]["constant_score"]["boost"] == R.TIER_BOOST
    assert any("dis_max" in c and c["dis_max"].get("boost") == R.W_BIGRAM_FALLBACK for c in walk(default))


def test_interrogatives_leave_any_unit_matching_but_not_strict_matching():
    question = "马祖列岛的面积是多少？"
    assert "多少" in query_units(question)
    anyword, needles = build_query(q(question), "or")
    required = first_term(anyword)["bool"]["must"][0]
    assert phrase("多少") not in required["bool"]["should"]
    assert phrase("面积") in required["bool"]["should"]
    assert "多少" in needles  # still highlighted where it occurs
    strict, _ = build_query(q(question), "and", strict=True)
    assert phrase("多少") in first_term(strict, strict=True)["bool"]["must"][0]["bool"]["must"]
    # A query of nothing but interrogatives keeps them.
    only, _ = build_query(q("什么"), "or")
    assert phrase("什么") in list(walk(only))


def test_bigram_clause_sends_the_folded_term():
    text = "2021年西工區推動黨史學習教育"
    clause = R.term_clause(q(text).groups[0][0], "and")
    bigram_clause = next(c for c in clause["bool"]["should"] if "text_bigrams" in str(c))
    assert bigram_clause["dis_max"]["queries"][2]["match"]["text_bigrams"]["query"] == char_tokens(text)


def test_strict_and_any_together_are_one_query_error():
    with pytest.raises(QueryError, match="exclude each other"):
        search("党史", operator="or", strict=True, client=object(), index="reports")

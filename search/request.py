"""The search request: a pure function from an analysed query and options to
an Elasticsearch request body. No client, no cluster: unit tests compare
dicts (the way elasticsearch-dsl tests ``FacetedSearch.build_search()``).

Matching (never miss): every query unit must occur verbatim, as a phrase of
character tokens, in the chunk text, title or section heading (``*_chars``
fields). If a query string occurs in a chunk, all of its units do, whatever
jieba makes of either side.

Ranking: BM25 over those character phrases, plus clauses that only add
score: whole jieba words (``*_words``: a word match outranks a mere character
match), the whole term as an exact phrase, and the whole query as a sloppy
phrase (proximity). Fields weigh title > section heading > text; chunk kinds
weigh lede > body > caption > byline (function_score, built-in, no scripts).

Facets work like elasticsearch-dsl's FacetedSearch: filters go to
``post_filter`` and each facet counts under every filter but its own, so
picking a region updates the other facets' counts while the region facet
keeps showing the alternatives.
"""

from __future__ import annotations

import calendar
from datetime import date

from core import facets
from core.analysis import char_tokens
from core.errors import QueryError
from core.gazetteer import resolve as resolve_place
from core.schema import SOURCE_EXCLUDES, chars_field, words_field

from .analysed import AnalysedQuery, AnalysedTerm
from .options import SearchOptions

# Field weights (title > section heading > text). W_WORDS is tuned on the
# CMRC 2018 trial questions (bench/bench_relevance.py, which has body
# passages only, so it does not exercise the field and kind weights).
FIELD_WEIGHTS = {"title": 3.0, "section": 2.0, "text": 1.0}
W_WORDS = 2.0  # whole-word matches, on top of the character phrase
W_TERM_PHRASE = 1.0  # the whole term exactly as typed
W_PROXIMITY = 0.5  # all terms close together
PROXIMITY_SLOP = 20
TIE_BREAKER = 0.3
# A byline chunk is a few characters long, so BM25's length norm lifts a
# name in it far above the same name in a 600-character body chunk: its
# weight takes that back, so a report about a person ranks above one by them.
KIND_WEIGHTS = {"title": 1.0, "lede": 1.15, "body": 1.0, "caption": 0.8, "byline": 0.25}
DATE_INTERVAL = "month"


# -- matching and scoring ------------------------------------------------------
def phrase_any_field(folded: str, slop: int = 0) -> dict:
    """The folded string as a phrase of characters in the title, section or text."""
    chars = char_tokens(folded)
    return {"dis_max": {"tie_breaker": TIE_BREAKER, "queries": [
        {"match_phrase": {chars_field(f): {"query": chars, "slop": slop, "boost": w}}}
        for f, w in FIELD_WEIGHTS.items()
    ]}}


def words_any_field(words: tuple[str, ...]) -> dict:
    query = " ".join(words)
    return {"dis_max": {"tie_breaker": TIE_BREAKER, "queries": [
        {"match": {words_field(f): {"query": query, "boost": w * W_WORDS}}}
        for f, w in FIELD_WEIGHTS.items()
    ]}}


def term_clause(term: AnalysedTerm, operator: str) -> dict:
    """The term's units (all, or any with operator "or"), plus scoring-only
    clauses: whole words, the whole term as a phrase."""
    unit_clauses = [phrase_any_field(u) for u in term.units]
    if operator == "and":
        required = unit_clauses[0] if len(unit_clauses) == 1 else {"bool": {"must": unit_clauses}}
    else:
        required = {"bool": {"should": unit_clauses, "minimum_should_match": 1}}
    scoring = []
    if term.words:
        scoring.append(words_any_field(term.words))
    if len(term.units) > 1 and term.compact:
        scoring.append({"match_phrase": {chars_field("text"): {
            "query": char_tokens(term.compact), "boost": W_TERM_PHRASE}}})
    return {"bool": {"must": [required], "should": scoring}} if scoring else required


def scoring_query(aq: AnalysedQuery, operator: str = "and") -> dict:
    """The query that matches and ranks (facet filters are not in it)."""
    groups = []
    for group in aq.groups:
        alternatives = [term_clause(t, operator) for t in group]
        groups.append(alternatives[0] if len(alternatives) == 1
                      else {"bool": {"should": alternatives, "minimum_should_match": 1}})
    if operator == "and" or not groups:
        must = groups
    else:
        must = [{"bool": {"should": groups, "minimum_should_match": 1}}]
    should = []
    positive = aq.positive_terms
    if len(positive) > 1:
        joined = "".join(t.compact for t in positive)
        should.append({"match_phrase": {chars_field("text"): {
            "query": char_tokens(joined), "slop": PROXIMITY_SLOP, "boost": W_PROXIMITY}}})
    must_not = [phrase_any_field(c) for c in aq.excluded]
    must_not += [filter_clause(name, values) for name, values in aq.excluded_filters.items()]
    # No positive term (browsing by filters): everything, minus the exclusions.
    core_query = {"bool": {"must": must or [{"match_all": {}}], "should": should, "must_not": must_not}}
    return {"function_score": {
        "query": core_query,
        "functions": [{"filter": {"term": {"kind": k}}, "weight": w} for k, w in KIND_WEIGHTS.items() if w != 1.0],
        "score_mode": "first", "boost_mode": "multiply",
    }}


# -- filters ---------------------------------------------------------------------
def filter_clause(name: str, values: tuple[str, ...] | list[str]) -> dict:
    """One facet filter; values of one name are OR-ed."""
    facet = facets.REGISTRY[name]
    if facet.match == facets.DATE:
        return {"bool": {"should": [date_range(facet.field, v) for v in values], "minimum_should_match": 1}}
    if facet.match == facets.PLACE:
        # 洛阳 and 洛阳市 are one filter; a city's full name also finds its
        # districts' reports, which carry the city as a parent.
        values = place_values(values)
    return {"terms": {facet.field: list(values)}}


def place_values(values) -> list[str]:
    """The stored full names a place filter's values stand for."""
    return list(dict.fromkeys(name for v in values for name in (v, *resolve_place(v))))


def date_range(field: str, value: str) -> dict:
    """A range on date field ``field`` for YYYY, YYYY-MM or YYYY-MM-DD (whole year/month/day)."""
    try:
        parts = [int(p) for p in value.split("-")]
        if len(parts) == 1:
            lo, hi = date(parts[0], 1, 1), date(parts[0], 12, 31)
        elif len(parts) == 2:
            lo = date(parts[0], parts[1], 1)
            hi = lo.replace(day=calendar.monthrange(parts[0], parts[1])[1])
        elif len(parts) == 3:
            lo = hi = date(*parts)
        else:
            raise ValueError
    except (ValueError, OverflowError, calendar.IllegalMonthError):
        raise QueryError(f"bad date '{value}': use YYYY, YYYY-MM or YYYY-MM-DD") from None
    # Month-precision dates are stored as the month ("2018-01"), which the
    # field reads as its first day; a month range therefore covers them too.
    return {"range": {field: {"gte": lo.isoformat(), "lte": hi.isoformat(), "format": "yyyy-MM-dd"}}}


def filters_except(aq: AnalysedQuery, field: str | None) -> list[dict]:
    """Every active filter but those on ``field`` (None: all of them)."""
    return [filter_clause(name, values) for name, values in aq.filters.items()
            if facets.REGISTRY[name].field != field]


# -- facets ----------------------------------------------------------------------
def facet_agg(facet: facets.Facet) -> dict:
    if facet.kind == facets.DATE_HISTOGRAM:
        return {"date_histogram": {"field": facet.field, "calendar_interval": DATE_INTERVAL,
                                   "format": "yyyy-MM", "min_doc_count": 1, "order": {"_key": "desc"}}}
    return {"terms": {"field": facet.field, "size": facet.size}}


def facet_aggs(aq: AnalysedQuery, counted: list[facets.Facet]) -> dict:
    """Each facet counted under every filter but its own."""
    return {f.name: {"filter": {"bool": {"filter": filters_except(aq, f.field)}},
                     "aggs": {"values": facet_agg(f)}}
            for f in counted}


# -- the request -------------------------------------------------------------------
def build_request(aq: AnalysedQuery, options: SearchOptions) -> dict:
    """The whole request body for one search."""
    body: dict = {
        "query": scoring_query(aq, options.operator),
        "from": options.offset,
        "size": options.limit,
        "aggs": facet_aggs(aq, options.counted_facets()),
        "track_total_hits": True,
        "_source": {"excludes": SOURCE_EXCLUDES},
    }
    post = filters_except(aq, None)
    if post:
        body["post_filter"] = {"bool": {"filter": post}}
    if options.sort == "date":
        body["sort"] = [{"date": {"order": "desc", "missing": "_last"}}, "_score"]
        body["track_scores"] = True
    if options.group_by_report:
        body["collapse"] = {"field": "report_id", "inner_hits": {"name": "matches", "size": 0}}
        body["aggs"]["_reports"] = {"filter": {"bool": {"filter": post}},
                                    "aggs": {"n": {"cardinality": {"field": "report_id"}}}}
    if options.explain:
        body["explain"] = True
    return body

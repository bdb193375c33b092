"""The search request: a pure function from an analysed query and options to
an Elasticsearch request body. No client, no cluster: unit tests compare
dicts (the way elasticsearch-dsl tests ``FacetedSearch.build_search()``).

Matching (never miss): every query unit is a phrase of character tokens in
the chunk text, title or section heading (``*_chars`` fields). If a query
string occurs in a chunk, all of its units do, whatever jieba makes of either
side. Three modes:

* default (``operator="and"``): all words first, then fewer. Any unit
  matches, but a chunk holding every unit gets a constant ``TIER_BOOST`` per
  unit on top (added after the kind weights), so no partial match outranks a
  full one. Lone characters next to longer units (推进会 -> 推进 / 会) only
  score, and a chunk sharing just a CJK bigram with an unquoted term joins at
  the bottom (a name spelt differently), weakly scored.
* ``strict``: every unit must match (AND), nothing else.
* ``operator="or"``: any unit, one ranking; interrogatives (什么, 哪里 ...) are
  the question rather than its topic and are left out of matching.

Ranking: BM25 over those character phrases, plus clauses that only add
score: character bigrams (``*_bigrams``), neighbouring units close together, the whole term as
an exact phrase, and the whole query as a sloppy phrase (proximity). Fields
weigh title > section heading > text; chunk kinds weigh lede > body >
caption > byline (function_score, built-in, no scripts). The weights are
tuned on the CMRC 2018 trial split only (bench/bench_relevance.py).

Facets work like elasticsearch-dsl's FacetedSearch: filters go to
``post_filter`` and each facet counts under every filter but its own, so
picking a region updates the other facets' counts while the region facet
keeps showing the alternatives. In the default mode the facets count the
chunks that match every word (the all-words tier, what the list starts
with) when there are any, else every match (a second, unscored request);
the total always counts every match (counting_tier says why).
"""

from __future__ import annotations

import calendar
from dataclasses import replace
from datetime import date

from rsearch.core import facets
from rsearch.core.analysis import char_tokens
from rsearch.core.errors import QueryError
from rsearch.core.gazetteer import resolve as resolve_place
from rsearch.core.schema import CHARS_ANALYZER, SOURCE_EXCLUDES, bigrams_field, chars_field

from .analysed import AnalysedQuery, AnalysedTerm
from .options import SearchOptions

# Field weights (title > section heading > text). The benchmark has body
# passages only, so it does not exercise the field and kind weights.
FIELD_WEIGHTS = {"title": 3.0, "section": 2.0, "text": 1.0}
W_TERM_PHRASE = 1.0  # the whole term exactly as typed
W_PROXIMITY = 0.5  # all terms close together
PROXIMITY_SLOP = 20
W_BIGRAMS = 2.0  # BM25 over CJK character bigrams (*_bigrams), on top; 0 drops the clause
W_PAIRS = 1.0  # each two neighbouring query units close together (a sloppy phrase); 0 drops it
PAIR_SLOP = 2
MAX_PAIRS = 32  # pair clauses per term: keeps long queries under the clause limit
# Fewer-words tier, last resort: a chunk sharing only a CJK bigram with the
# query (a transliterated name spelt differently: 费尔德海斯 / 费尔德斯)
# matches too, scored this much of the bigram signal, below any unit match.
W_BIGRAM_FALLBACK = 0.1
# All-words-first (the default mode): a chunk that has every query unit gets
# this much per unit on top of its relevance, so it ranks above any chunk
# that has fewer (a chunk's relevance stays far below it per unit).
TIER_BOOST = 1000.0
TIE_BREAKER = 0.3
# Interrogatives: in any-unit matching (a question typed as a sentence) they
# are the question, not its topic, and only rank passages that also ask
# something; a query of nothing else keeps them.
QUESTION_WORDS = frozenset("""
    什么 什么样 什么时候 谁 哪 哪个 哪些 哪里 哪儿 哪位 哪种 哪年 哪一年 哪国 哪家 哪部
    几 几个 几年 几次 多少 多久 多大 多长 多高 多远 怎么 怎样 怎么样 如何 为什么 为何
    何 何时 何地 何处 何种 何人 是否 吗 呢
""".split())
# A byline chunk is a few characters long, so BM25's length norm lifts a
# name in it far above the same name in a 600-character body chunk: its
# weight takes that back, so a report about a person ranks above one by them.
KIND_WEIGHTS = {"title": 1.0, "lede": 1.15, "body": 1.0, "caption": 0.8, "byline": 0.25}
DATE_INTERVAL = "month"


# -- matching and scoring ------------------------------------------------------
def phrase_any_field(folded: str, slop: int = 0) -> dict:
    """The folded string as a phrase of characters in the title, section or text.

    Every phrase on a ``*_chars`` field names the index-time analyzer: the
    fields' own search analyzer is for typed queries (Kibana), which are not
    space-separated characters."""
    chars = char_tokens(folded)
    return {"dis_max": {"tie_breaker": TIE_BREAKER, "queries": [
        {"match_phrase": {chars_field(f): {"query": chars, "analyzer": CHARS_ANALYZER, "slop": slop, "boost": w}}}
        for f, w in FIELD_WEIGHTS.items()
    ]}}


def bigrams_any_field(bigrams, weight: float = W_BIGRAMS) -> dict | None:
    """BM25 over CJK bigrams in title, section and text, or None."""
    query = " ".join(bigrams)
    if not query or not weight:
        return None
    return {"dis_max": {"tie_breaker": TIE_BREAKER, "queries": [
        {"match": {bigrams_field(f): {"query": query, "boost": w * weight}}}
        for f, w in FIELD_WEIGHTS.items()
    ]}}


def unit_pairs(units: list[str]) -> dict | None:
    """Neighbouring units near each other (sequential dependence), scoring only."""
    if len(units) < 2 or not W_PAIRS:
        return None
    pairs = [phrase_any_field(f"{a} {b}", PAIR_SLOP) for a, b in zip(units, units[1:])][:MAX_PAIRS]
    return {"bool": {"should": pairs, "boost": W_PAIRS}}


def bigram_fallback(aq: AnalysedQuery) -> dict | None:
    """Any two-character bigram of the query's unquoted terms, weakly scored, or None."""
    # A quoted phrase is the user asking for exactly that: it stays whole.
    grams = dict.fromkeys(g for t in aq.positive_terms if not t.phrase for g in t.bigrams if len(g) > 1)
    if not grams or not W_BIGRAM_FALLBACK:
        return None
    clause = bigrams_any_field(grams, 1.0)
    clause["dis_max"]["boost"] = W_BIGRAM_FALLBACK
    return clause


def all_words_tier(aq: AnalysedQuery, one_unit: bool = False) -> dict | None:
    """A constant TIER_BOOST x units for chunks matching every group as strict
    mode would, or None when any unit already means every unit (one unit,
    unless ``one_unit``: the bigram fallback lets in less than it)."""
    groups, units = [], 0
    for group in aq.groups:
        terms = [[phrase_any_field(u) for u in t.units] for t in group]
        units += max(len(t) for t in terms)
        groups.append({"bool": {"should": [{"bool": {"filter": t}} for t in terms], "minimum_should_match": 1}})
    if units == 0 or (units == 1 and not one_unit):
        return None
    return {"constant_score": {"filter": {"bool": {"filter": groups}}, "boost": TIER_BOOST * units}}


def term_clause(term: AnalysedTerm, operator: str, tiered: bool = False) -> dict:
    """The term's units (all, or any with operator "or") plus scoring-only
    clauses: bigrams, neighbouring units, the whole term as a phrase. ``tiered`` (the fewer-words tier of the default mode): a
    one-character unit next to longer ones is left to the all-words tier, so
    会 alone does not bring in every meeting."""
    units = list(term.units)
    if operator == "or":
        units = [u for u in units if u not in QUESTION_WORDS] or units
    unit_clauses = [phrase_any_field(u) for u in units]
    scoring = []
    if tiered and any(len(u) > 1 for u in units):
        # The lone characters still score, they just cannot match on their own.
        scoring = [c for u, c in zip(units, unit_clauses) if len(u) == 1]
        unit_clauses = [c for u, c in zip(units, unit_clauses) if len(u) > 1]
    if operator == "and":
        required = unit_clauses[0] if len(unit_clauses) == 1 else {"bool": {"must": unit_clauses}}
    else:
        required = {"bool": {"should": unit_clauses, "minimum_should_match": 1}}
    bigrams = bigrams_any_field(term.bigrams)
    if bigrams:
        scoring.append(bigrams)
    pairs = None if term.phrase else unit_pairs(units)
    if pairs:
        scoring.append(pairs)
    if len(units) > 1 and term.compact:
        scoring.append({"match_phrase": {chars_field("text"): {
            "query": char_tokens(term.compact), "analyzer": CHARS_ANALYZER, "boost": W_TERM_PHRASE}}})
    return {"bool": {"must": [required], "should": scoring}} if scoring else required


def scoring_query(aq: AnalysedQuery, operator: str = "and", strict: bool = False) -> dict:
    """The query that matches and ranks (facet filters are not in it)."""
    tiered = operator == "and" and not strict
    if tiered:
        operator = "or"
    groups = []
    for group in aq.groups:
        alternatives = [term_clause(t, operator, tiered) for t in group]
        groups.append(alternatives[0] if len(alternatives) == 1
                      else {"bool": {"should": alternatives, "minimum_should_match": 1}})
    fallback = bigram_fallback(aq) if tiered and groups else None
    if operator == "and" or not groups:
        must = groups
    else:
        must = [{"bool": {"should": groups + ([fallback] if fallback else []), "minimum_should_match": 1}}]
    should = []
    positive = aq.positive_terms
    if len(positive) > 1:
        joined = " ".join(t.compact for t in positive)
        should.append({"match_phrase": {chars_field("text"): {
            "query": char_tokens(joined), "analyzer": CHARS_ANALYZER, "slop": PROXIMITY_SLOP,
            "boost": W_PROXIMITY}}})
    must_not = [phrase_any_field(c) for c in aq.excluded]
    must_not += [filter_clause(name, values) for name, values in aq.excluded_filters.items()]
    # No positive term (browsing by filters): everything, minus the exclusions.
    core_query = {"bool": {"must": must or [{"match_all": {}}], "should": should, "must_not": must_not}}
    scored = {"function_score": {
        "query": core_query,
        "functions": [{"filter": {"term": {"kind": k}}, "weight": w} for k, w in KIND_WEIGHTS.items() if w != 1.0],
        "score_mode": "first", "boost_mode": "multiply",
    }}
    # The tier is added after the kind weights, so no weight can lift a partial match over it.
    tier = all_words_tier(aq, one_unit=fallback is not None) if tiered else None
    if tier is not None:
        scored = {"bool": {"must": [scored], "should": [tier]}}
    return scored


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


FILTERED_PREFIX = "_under:"  # a group of facets counted under the same filters
COUNTS = "_counts"  # the one parent of every count
ALL_WORDS = "_all_words"  # the facets' scope when they count the all-words tier


def facet_aggs(aq: AnalysedQuery, counted: list[facets.Facet]) -> dict:
    """Each facet counted under every filter but its own: a facet no active
    filter narrows is a plain aggregation, facets under the same filters
    share one ``filter`` aggregation (named ``_under:`` + the filters' names)."""
    aggs: dict = {}
    for f in counted:
        under = tuple(name for name in aq.filters if facets.REGISTRY[name].field != f.field)
        if not under:
            aggs[f.name] = facet_agg(f)
            continue
        group = aggs.setdefault(FILTERED_PREFIX + "+".join(under), {
            "filter": {"bool": {"filter": [filter_clause(name, aq.filters[name]) for name in under]}},
            "aggs": {}})
        group["aggs"][f.name] = facet_agg(f)
    return aggs


def counting_tier(aq: AnalysedQuery, options: SearchOptions) -> dict | None:
    """The filter of the chunks facets count in the default mode: those that
    match every unit (the all-words tier). None when facets count every
    match: strict and any-word mode, and a query of one unit of one or two
    characters (its matches are its tier: its one bigram is itself).

    Why not every match: a random 2-6 character string matches about ten
    times as many chunks partially (a bigram, one of its words) as wholly,
    and counting costs per matching chunk and facet. The all-words tier is
    what the result list starts with; the total still counts every match."""
    if options.operator != "and" or options.strict:
        return None
    terms = aq.positive_terms
    if len(terms) == 1 and len(terms[0].units) == 1 and len(terms[0].units[0]) <= 2:
        return None
    tier = all_words_tier(aq, one_unit=bigram_fallback(aq) is not None)
    return None if tier is None else tier["constant_score"]["filter"]


def counts_aggs(aq: AnalysedQuery, options: SearchOptions, over_all_words: bool = True) -> dict:
    """The facet counts (over the all-words tier when ``over_all_words`` and
    there is one) and, grouped by report, the number of reports, all under
    one ``filter: match_all`` aggregation (``_counts``).

    Why the parent: Elasticsearch runs a top-level ``filter`` aggregation
    filter by filter, in a pass of its own over the query's matches (the
    search profile shows a copy of the query per top-level wrapper), so
    wrappers side by side cost a pass each, while under one parent a filter
    only checks each match. That one unscored pass was also faster than
    counting in the scored pass, facets at the top level
    (bench/bench_search_cost.py, README)."""
    inner: dict = {}
    counted = options.counted_facets()
    if counted:
        tier = counting_tier(aq, options) if over_all_words else None
        counts = facet_aggs(aq, counted)
        inner.update({ALL_WORDS: {"filter": tier, "aggs": counts}} if tier is not None else counts)
    if options.group_by_report:
        # Reports under the post filters: the grouped total, over every match.
        post = filters_except(aq, None)
        reports = {"cardinality": {"field": "report_id"}}
        inner["_reports"] = {"filter": {"bool": {"filter": post}}, "aggs": {"n": reports}} if post else reports
    return {COUNTS: {"filter": {"match_all": {}}, "aggs": inner}} if inner else {}


def facet_scope(aggregations: dict) -> tuple[dict, str]:
    """The aggregation results the facets are read from, and what they
    count: ``"all_words"`` (the chunks with every word) or ``"all"``."""
    counts = aggregations.get(COUNTS, aggregations)
    return (counts[ALL_WORDS], "all_words") if ALL_WORDS in counts else (counts, "all")


def needs_counts_over_all(aggregations: dict) -> bool:
    """No chunk has every word: the facets then count every match (facets_request)."""
    counts = aggregations.get(COUNTS, aggregations)
    return ALL_WORDS in counts and counts[ALL_WORDS]["doc_count"] == 0


def facet_buckets(scope: dict, name: str) -> list[dict]:
    """The buckets of facet ``name`` in a facet_scope."""
    if name in scope:
        return scope[name]["buckets"]
    for key, group in scope.items():
        if key.startswith(FILTERED_PREFIX) and name in group:
            return group[name]["buckets"]
    raise KeyError(name)


def reports_total(aggregations: dict) -> int:
    reports = aggregations.get(COUNTS, aggregations)["_reports"]
    return reports["n"]["value"] if "n" in reports else reports["value"]


# -- the request -------------------------------------------------------------------
def build_request(aq: AnalysedQuery, options: SearchOptions) -> dict:
    """The whole request body for one search."""
    body: dict = {
        "query": scoring_query(aq, options.operator, options.strict),
        "from": options.offset,
        "size": options.limit,
        "aggs": counts_aggs(aq, options),
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
    if options.explain:
        body["explain"] = True
    return body


def facets_request(aq: AnalysedQuery, options: SearchOptions) -> dict:
    """The facets over every match, for a search where no chunk has every
    word: no hits, no total, the query in filter context (nothing scored)."""
    return {"size": 0, "track_total_hits": False,
            "query": {"bool": {"filter": [scoring_query(aq, options.operator, options.strict)]}},
            "aggs": counts_aggs(aq, replace(options, group_by_report=False), over_all_words=False)}

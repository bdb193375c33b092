"""The search request, built with elasticsearch.dsl: no client, no cluster.

:class:`ReportSearch` turns an analysed query and its options into a
``Search`` the way elasticsearch.dsl's ``FacetedSearch.build_search()``
does, in small steps (query, post filter, facet counts, sort, grouping,
paging); unit tests check its ``to_dict()``, and what is sent is exactly
that (the ``Search`` executes itself with the official client).

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

Facets (search.facets) work like elasticsearch.dsl's FacetedSearch: filters
go to ``post_filter`` and each facet counts under every filter but its own,
so picking a region updates the other facets' counts while the region facet
keeps showing the alternatives. Unlike FacetedSearch, which wraps each facet
in a top-level ``filter`` aggregation of its own, every count here sits under
one parent aggregation, counted in one pass (:meth:`ReportSearch.aggregate`
says why). In the default mode the facets count the chunks that match every
word (the all-words tier, what the list starts with) when there are any,
else every match (a second, unscored request); the total always counts every
match (:meth:`ReportSearch.counting_tier` says why).
"""

from __future__ import annotations

from elasticsearch.dsl import A, Q, Search
from elasticsearch.dsl.aggs import Agg
from elasticsearch.dsl.function import SF
from elasticsearch.dsl.query import Query

from rsearch.core.analysis import char_tokens
from rsearch.core.schema import CHARS_ANALYZER, SOURCE_EXCLUDES, bigrams_field, chars_field

from .analysed import AnalysedQuery, AnalysedTerm
from .facets import REGISTRY, Facet
from .options import SearchOptions
from .results import FacetValue

__all__ = ["ReportSearch"]

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

# Aggregation names (the response is read back by the same names).
COUNTS = "_counts"  # the one parent of every count
ALL_WORDS = "_all_words"  # the facets' scope when they count the all-words tier
FILTERED_PREFIX = "_under:"  # a group of facets counted under the same filters
REPORTS = "_reports"  # grouped by report: the number of matching reports


# -- matching and scoring ------------------------------------------------------
def phrase_any_field(folded: str, slop: int = 0) -> Query:
    """The folded string as a phrase of characters in the title, section or text.

    Every phrase on a ``*_chars`` field names the index-time analyzer: the
    fields' own search analyzer is for typed queries (Kibana), which are not
    space-separated characters."""
    chars = char_tokens(folded)
    return Q("dis_max", tie_breaker=TIE_BREAKER, queries=[
        Q("match_phrase", **{chars_field(f): {"query": chars, "analyzer": CHARS_ANALYZER, "slop": slop, "boost": w}})
        for f, w in FIELD_WEIGHTS.items()
    ])


def bigrams_any_field(bigrams, weight: float = W_BIGRAMS, boost: float | None = None) -> Query | None:
    """BM25 over character bigrams in title, section and text, or None. The
    fields' analyzer pairs the characters of what it is sent, as it did the text's."""
    query = " ".join(bigrams)
    if not query or not weight:
        return None
    extra = {} if boost is None else {"boost": boost}
    return Q("dis_max", tie_breaker=TIE_BREAKER, **extra, queries=[
        Q("match", **{bigrams_field(f): {"query": query, "boost": w * weight}}) for f, w in FIELD_WEIGHTS.items()
    ])


def unit_pairs(units: list[str]) -> Query | None:
    """Neighbouring units near each other (sequential dependence), scoring only."""
    if len(units) < 2 or not W_PAIRS:
        return None
    pairs = [phrase_any_field(f"{a} {b}", PAIR_SLOP) for a, b in zip(units, units[1:])][:MAX_PAIRS]
    return Q("bool", should=pairs, boost=W_PAIRS)


def bigram_fallback(aq: AnalysedQuery) -> Query | None:
    """Any two-character bigram of the query's unquoted terms, weakly scored, or None."""
    # A quoted phrase is the user asking for exactly that: it stays whole.
    grams = dict.fromkeys(g for t in aq.positive_terms if not t.phrase for g in t.bigrams if len(g) > 1)
    if not grams or not W_BIGRAM_FALLBACK:
        return None
    return bigrams_any_field(grams, 1.0, boost=W_BIGRAM_FALLBACK)


def all_words(aq: AnalysedQuery, one_unit: bool = False) -> tuple[Query, int] | None:
    """The filter of the chunks that match every group as strict mode would,
    and the number of units it requires; None when any unit already means
    every unit (one unit, unless ``one_unit``: the bigram fallback lets in
    less than it)."""
    groups, units = [], 0
    for group in aq.groups:
        terms = [[phrase_any_field(u) for u in t.units] for t in group]
        units += max(len(t) for t in terms)
        groups.append(Q("bool", should=[Q("bool", filter=t) for t in terms], minimum_should_match=1))
    if units == 0 or (units == 1 and not one_unit):
        return None
    return Q("bool", filter=groups), units


def term_clause(term: AnalysedTerm, operator: str, tiered: bool = False) -> Query:
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
        required = unit_clauses[0] if len(unit_clauses) == 1 else Q("bool", must=unit_clauses)
    else:
        required = Q("bool", should=unit_clauses, minimum_should_match=1)
    bigrams = bigrams_any_field(term.bigrams)
    if bigrams:
        scoring.append(bigrams)
    pairs = None if term.phrase else unit_pairs(units)
    if pairs:
        scoring.append(pairs)
    if len(units) > 1 and term.compact:
        scoring.append(Q("match_phrase", **{chars_field("text"): {
            "query": char_tokens(term.compact), "analyzer": CHARS_ANALYZER, "boost": W_TERM_PHRASE}}))
    return Q("bool", must=[required], should=scoring) if scoring else required


def scoring_query(aq: AnalysedQuery, operator: str = "and", strict: bool = False) -> Query:
    """The query that matches and ranks (facet filters are not in it)."""
    tiered = operator == "and" and not strict
    if tiered:
        operator = "or"
    groups = []
    for group in aq.groups:
        alternatives = [term_clause(t, operator, tiered) for t in group]
        groups.append(alternatives[0] if len(alternatives) == 1
                      else Q("bool", should=alternatives, minimum_should_match=1))
    fallback = bigram_fallback(aq) if tiered and groups else None
    if operator == "and" or not groups:
        must = groups
    else:
        must = [Q("bool", should=groups + ([fallback] if fallback else []), minimum_should_match=1)]
    should = []
    positive = aq.positive_terms
    if len(positive) > 1:
        joined = " ".join(t.compact for t in positive)
        should.append(Q("match_phrase", **{chars_field("text"): {
            "query": char_tokens(joined), "analyzer": CHARS_ANALYZER, "slop": PROXIMITY_SLOP,
            "boost": W_PROXIMITY}}))
    must_not = [phrase_any_field(c) for c in aq.excluded]
    must_not += [REGISTRY[name].add_filter(values) for name, values in aq.excluded_filters.items()]
    # No positive term (browsing by filters): everything, minus the exclusions.
    core = Q("bool", must=must or [Q("match_all")], should=should, must_not=must_not)
    scored = Q("function_score", query=core, score_mode="first", boost_mode="multiply", functions=[
        SF({"filter": Q("term", kind=k), "weight": w}) for k, w in KIND_WEIGHTS.items() if w != 1.0])
    # The tier is added after the kind weights, so no weight can lift a partial match over it.
    tier = all_words(aq, one_unit=fallback is not None) if tiered else None
    if tier is not None:
        every, units = tier
        scored = Q("bool", must=[scored], should=[Q("constant_score", filter=every, boost=TIER_BOOST * units)])
    return scored


# -- the request -------------------------------------------------------------------
class ReportSearch:
    """The requests of one search, built in small steps like
    elasticsearch.dsl's ``FacetedSearch``: :meth:`build_search` (hits,
    total and facet counts) and :meth:`build_facets_search` (the counts over
    every match, when no chunk has every word); :meth:`facet_values` and
    :meth:`total` read the answers."""

    def __init__(self, aq: AnalysedQuery, options: SearchOptions):
        self.aq = aq
        self.options = options
        self.facets: list[Facet] = options.counted_facets()
        # The active filters by facet, as FacetedSearch keeps them.
        self._filters = {REGISTRY[name]: REGISTRY[name].add_filter(values) for name, values in aq.filters.items()}

    # -- steps ---------------------------------------------------------------
    def query(self, s: Search) -> Search:
        return s.query(scoring_query(self.aq, self.options.operator, self.options.strict))

    def filters_except(self, facet: Facet | None) -> list[Query]:
        """Every active filter but those on ``facet``'s field (None: all of them)."""
        return [f for on, f in self._filters.items() if facet is None or on.field != facet.field]

    def filter(self, s: Search) -> Search:
        """The facet filters narrow the hits, not the counts: ``post_filter``."""
        post = self.filters_except(None)
        return s.post_filter(Q("bool", filter=post)) if post else s

    def counting_tier(self) -> Query | None:
        """The filter of the chunks facets count in the default mode: those that
        match every unit (the all-words tier). None when facets count every
        match: strict and any-word mode, and a query of one unit of one or two
        characters (its matches are its tier: its one bigram is itself).

        Why not every match: a random 2-6 character string matches about ten
        times as many chunks partially (a bigram, one of its words) as wholly,
        and counting costs per matching chunk and facet. The all-words tier is
        what the result list starts with; the total still counts every match."""
        if self.options.operator != "and" or self.options.strict:
            return None
        terms = self.aq.positive_terms
        if len(terms) == 1 and len(terms[0].units) == 1 and len(terms[0].units[0]) <= 2:
            return None
        tier = all_words(self.aq, one_unit=bigram_fallback(self.aq) is not None)
        return None if tier is None else tier[0]

    def facet_aggs(self) -> dict[str, Agg]:
        """Each facet counted under every filter but its own: a facet no active
        filter narrows is a plain aggregation, facets under the same filters
        share one ``filter`` aggregation (named ``_under:`` + the filters' names)."""
        aggs: dict[str, Agg] = {}
        for facet in self.facets:
            under = [on for on in self._filters if on.field != facet.field]
            if not under:
                aggs[facet.name] = facet.get_aggregation()
                continue
            key = FILTERED_PREFIX + "+".join(on.name for on in under)
            if key not in aggs:
                aggs[key] = A("filter", filter=Q("bool", filter=[self._filters[on] for on in under]))
            aggs[key].bucket(facet.name, facet.get_aggregation())
        return aggs

    def aggregate(self, s: Search, over_all_words: bool = True, reports: bool = True) -> Search:
        """The facet counts (over the all-words tier when ``over_all_words`` and
        there is one) and, grouped by report, the number of reports, all under
        one ``filter: match_all`` aggregation (``_counts``).

        Why the parent: Elasticsearch runs a top-level ``filter`` aggregation
        filter by filter, in a pass of its own over the query's matches (the
        search profile shows a copy of the query per top-level wrapper), so
        wrappers side by side, as FacetedSearch makes them, cost a pass each,
        while under one parent a filter only checks each match. That one
        unscored pass was also faster than counting in the scored pass,
        facets at the top level (bench/bench_search_cost.py, docs)."""
        inner: dict[str, Agg] = {}
        if self.facets:
            tier = self.counting_tier() if over_all_words else None
            counts = self.facet_aggs()
            if tier is None:
                inner.update(counts)
            else:
                inner[ALL_WORDS] = A("filter", filter=tier, aggs=counts)
        if reports and self.options.group_by_report:
            # Reports under the post filters: the grouped total, over every match.
            post = self.filters_except(None)
            count = A("cardinality", field="report_id")
            inner[REPORTS] = A("filter", filter=Q("bool", filter=post), aggs={"n": count}) if post else count
        if inner:
            s.aggs.bucket(COUNTS, "filter", filter=Q("match_all"), aggs=inner)
        return s

    def sort(self, s: Search) -> Search:
        if self.options.sort == "date":
            return s.sort({"date": {"order": "desc", "missing": "_last"}}, "_score").extra(track_scores=True)
        return s

    def group(self, s: Search) -> Search:
        """Grouped by report: the best chunk of each, with its number of matches."""
        if self.options.group_by_report:
            return s.collapse("report_id", inner_hits={"name": "matches", "size": 0})
        return s

    def page(self, s: Search) -> Search:
        s = s.extra(track_total_hits=True, **{"from": self.options.offset, "size": self.options.limit})
        s = s.source(excludes=SOURCE_EXCLUDES)
        return s.extra(explain=True) if self.options.explain else s

    def build_search(self) -> Search:
        """The search: hits, their total and the facet counts."""
        s = self.query(Search())
        s = self.filter(s)
        s = self.aggregate(s)
        s = self.sort(s)
        s = self.group(s)
        return self.page(s)

    def build_facets_search(self) -> Search:
        """The facets over every match, for a search where no chunk has every
        word: no hits, no total, the query in filter context (nothing scored)."""
        s = Search().filter(scoring_query(self.aq, self.options.operator, self.options.strict))
        s = self.aggregate(s, over_all_words=False, reports=False)
        return s.extra(size=0, track_total_hits=False)

    # -- reading the answers ----------------------------------------------------
    @staticmethod
    def facet_scope(aggregations: dict) -> tuple[dict, str]:
        """The aggregation results the facets are read from, and what they
        count: ``"all_words"`` (the chunks with every word) or ``"all"``."""
        counts = aggregations.get(COUNTS, {})
        return (counts[ALL_WORDS], "all_words") if ALL_WORDS in counts else (counts, "all")

    @classmethod
    def needs_facets_search(cls, aggregations: dict) -> bool:
        """No chunk has every word: the facets then count every match (build_facets_search)."""
        scope, over = cls.facet_scope(aggregations)
        return over == "all_words" and scope["doc_count"] == 0

    def facet_values(self, aggregations: dict) -> tuple[dict[str, list[FacetValue]], str]:
        """Each counted facet's values, and what the counts count."""
        scope, over = self.facet_scope(aggregations)
        values = {}
        for facet in self.facets:
            data = scope.get(facet.name)
            if data is None:  # in the group of the filters it counts under
                data = next(group[facet.name] for key, group in scope.items()
                            if key.startswith(FILTERED_PREFIX) and facet.name in group)
            values[facet.name] = facet.get_values(data, self.aq.filters.get(facet.name, ()))
        return values, over

    @staticmethod
    def reports_total(aggregations: dict) -> int:
        reports = aggregations[COUNTS][REPORTS]
        return reports["n"]["value"] if "n" in reports else reports["value"]

"""Ranked, highlighted, faceted search over the chunk index.

The one entry point is :func:`search`. Query flow:
  query string -> query language (search.query_language) -> normalise + analyse
  each term with indexer.analysis (the same chain the indexer used) ->
  an Elasticsearch bool query -> typed results with highlights drawn on the
  original text (search.highlight).

Matching (never miss): a query unit matches where it occurs verbatim, as a
phrase of character tokens, in the chunk text, title or section heading
(``*_chars`` fields). If a query string occurs in a chunk, all of its units
do, whatever jieba makes of either side. Modes: strict (every unit must
match), any word (any unit), and the default, all words first: any unit (or,
last, a shared CJK bigram) matches, and the chunks that match every unit as
strict mode would get a constant on top that no relevance score reaches.

Ranking: BM25 over those character phrases, plus optional clauses that only add
score: whole jieba words (``*_words``: a word match outranks a mere character
match), CJK bigrams (``*_bigrams``), neighbouring units near each other, the
whole term as an exact phrase, and the whole query as a sloppy phrase
(proximity). Fields weigh title > section heading > text; chunk kinds
weigh lede > body > caption (function_score, built-in, no scripts).

Facets work like elasticsearch-dsl's FacetedSearch: filters go to
``post_filter`` and each facet counts under every filter but its own, so
picking a region updates the other facets' counts while the region facet keeps
showing the alternatives.
"""

from __future__ import annotations

import calendar
import time
from collections.abc import Mapping
from datetime import date

from indexer.analysis import bigram_tokens, char_tokens, fold, query_units, word_tokens
from indexer.normalize import normalize, replace_surrogates
from indexer.places import resolve as resolve_place
from rsearch.errors import RsearchError, from_elasticsearch
from rsearch.settings import Settings

from . import highlight
from .query_language import ParsedQuery, QuerySyntaxError, Term, parse
from .results import FacetValue, Hit, SearchResult

# Facet name -> index field. These are the counts every search returns.
# region: where a report is from (with parents); places: every place it
# mentions. Both hold full names; filters on them accept short names too
# (indexer.places.resolve).
FACETS: dict[str, str] = {
    "region": "region",
    "places": "places",
    "report": "title.keyword",
    "section": "section.keyword",
    "publication": "publication",
    "people": "people",
    "kind": "kind",
}
# Everything a filter may name: the facets plus narrower person roles and dates.
FILTERS: dict[str, str] = {
    **FACETS,
    "reporter": "reporters",
    "correspondent": "correspondents",
    "photographer": "photographers",
    "editor": "editors",
    "date": "date",  # the report's own date
    "mentioned": "dates",  # any date the report mentions
}
# The date facet: reports' dates by month (a date histogram on ``date``).
DATE_FACET = "date"
DATE_INTERVAL = "month"
_DATE_FIELDS = ("date", "dates")
_PLACE_FIELDS = ("region", "places")

# Field weights (title > section heading > text) and kind weights
# (lede > body > caption). W_WORDS, W_BIGRAMS, W_PAIRS and PAIR_SLOP are
# tuned on the CMRC 2018 trial split only (bench/bench_relevance.py; the dev
# split is for reporting); that benchmark has body passages only, so it does
# not exercise the field and kind weights.
W_TITLE, W_SECTION, W_TEXT = 3.0, 2.0, 1.0
W_WORDS = 2.0  # whole-word matches, on top of the character phrase
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
# Interrogatives: in any-unit matching (a question typed as a sentence) they
# are the question, not its topic, and only rank passages that also ask
# something; a query of nothing else keeps them.
QUESTION_WORDS = frozenset("""
    什么 什么样 什么时候 谁 哪 哪个 哪些 哪里 哪儿 哪位 哪种 哪年 哪一年 哪国 哪家 哪部
    几 几个 几年 几次 多少 多久 多大 多长 多高 多远 怎么 怎样 怎么样 如何 为什么 为何
    何 何时 何地 何处 何种 何人 是否 吗 呢
""".split())
# All-words-first (the default mode): a chunk that has every query unit gets
# this much per unit on top of its relevance, so it ranks above any chunk
# that has fewer (a chunk's relevance stays far below it per unit).
TIER_BOOST = 1000.0
# A byline chunk is a few characters long, so BM25's length norm lifts a
# name in it far above the same name in a 600-character body chunk: its
# weight takes that back, so a report about a person ranks above one by them.
KIND_WEIGHTS = {"title": 1.0, "lede": 1.15, "body": 1.0, "caption": 0.8, "byline": 0.25}
FACET_SIZE = 20
MAX_WINDOW = 10000  # Elasticsearch's index.max_result_window
# Longest query string (and filter value) accepted, in characters. Each
# character becomes a term of several phrase clauses, and a cluster refuses
# queries over its clause limit (maxClauseCount: 4,096 on a 1 GB heap in
# older versions); 1,000 characters (a long paragraph) stays well under it and
# answers in about a second on the local node. Checked before any analysis.
MAX_QUERY_CHARS = 1000


class QueryError(RsearchError):
    """A malformed query or option; str() is one line."""


def _compact(text: str) -> str:
    """A query string as the *_chars fields see it: normalised, folded, no white space."""
    return "".join(fold(normalize(text)).split())


def _phrase_any_field(folded: str, slop: int = 0) -> dict:
    chars = char_tokens(folded)
    return {"dis_max": {"tie_breaker": 0.3, "queries": [
        {"match_phrase": {"title_chars": {"query": chars, "slop": slop, "boost": W_TITLE}}},
        {"match_phrase": {"section_chars": {"query": chars, "slop": slop, "boost": W_SECTION}}},
        {"match_phrase": {"text_chars": {"query": chars, "slop": slop, "boost": W_TEXT}}},
    ]}}


def _words_any_field(words: list[str]) -> dict:
    query = " ".join(words)
    return {"dis_max": {"tie_breaker": 0.3, "queries": [
        {"match": {"title_words": {"query": query, "boost": W_TITLE * W_WORDS}}},
        {"match": {"section_words": {"query": query, "boost": W_SECTION * W_WORDS}}},
        {"match": {"text_words": {"query": query, "boost": W_TEXT * W_WORDS}}},
    ]}}


def _bigrams_any_field(text: str) -> dict | None:
    """BM25 over the CJK bigrams of ``text`` in title, section and text, or None."""
    query = " ".join(bigram_tokens(text))
    if not query or not W_BIGRAMS:
        return None
    return {"dis_max": {"tie_breaker": 0.3, "queries": [
        {"match": {"title_bigrams": {"query": query, "boost": W_TITLE * W_BIGRAMS}}},
        {"match": {"section_bigrams": {"query": query, "boost": W_SECTION * W_BIGRAMS}}},
        {"match": {"text_bigrams": {"query": query, "boost": W_TEXT * W_BIGRAMS}}},
    ]}}


def _unit_pairs(units: list[str]) -> dict | None:
    """Neighbouring units near each other (sequential dependence), scoring only."""
    if len(units) < 2 or not W_PAIRS:
        return None
    pairs = [_phrase_any_field(a + b, PAIR_SLOP) for a, b in zip(units, units[1:])][:MAX_PAIRS]
    return {"bool": {"should": pairs, "boost": W_PAIRS}}


def _bigram_fallback(parsed: ParsedQuery) -> dict | None:
    """Any two-character bigram of the query's terms, weakly scored, or None."""
    # A quoted phrase is the user asking for exactly that: it stays whole.
    grams = [g for t in parsed.positive_terms if not t.phrase
             for g in bigram_tokens(normalize(t.text)) if len(g) > 1]
    if not grams or not W_BIGRAM_FALLBACK:
        return None
    query = " ".join(dict.fromkeys(grams))
    return {"dis_max": {"tie_breaker": 0.3, "boost": W_BIGRAM_FALLBACK, "queries": [
        {"match": {f"{field}_bigrams": {"query": query, "boost": weight}}}
        for field, weight in (("title", W_TITLE), ("section", W_SECTION), ("text", W_TEXT))]}}


def _all_words_tier(parsed: ParsedQuery, one_unit: bool = False) -> dict | None:
    """A constant TIER_BOOST x units for chunks matching every group of ``parsed``
    as strict mode would, or None when any unit already means every unit
    (one unit, unless ``one_unit``: the bigram fallback lets in less than it)."""
    groups, units = [], 0
    for group in parsed.groups:
        terms = [[_phrase_any_field(u) for u in term_units(t)] for t in group]
        terms = [t for t in terms if t]
        if terms:
            units += max(len(t) for t in terms)
            groups.append({"bool": {"should": [{"bool": {"filter": t}} for t in terms],
                                    "minimum_should_match": 1}})
    if units == 0 or (units == 1 and not one_unit):
        return None
    return {"constant_score": {"filter": {"bool": {"filter": groups}}, "boost": TIER_BOOST * units}}


def term_units(term: Term) -> list[str]:
    """The folded strings that must all occur for ``term`` to match."""
    text = normalize(term.text)
    if term.phrase:
        folded = _compact(text)
        return [folded] if folded else []
    return [u for u in query_units(text) if u.strip()]


def _term_clause(term: Term, operator: str, tiered: bool = False) -> tuple[dict | None, list[str]]:
    """(the term's clause or None, its units) for one term.

    The clause requires the units (all, or any with operator "or") and adds
    the scoring-only clauses: whole words, bigrams, neighbouring units, the
    whole term as a phrase. ``tiered`` (the fewer-words tier of the default
    mode): a one-character unit next to longer ones (推进会 -> 推进 / 会) is
    left to the all-words tier, so 会 alone does not bring in every meeting.
    """
    every = units = term_units(term)
    if not units:
        return None, []
    if operator == "or":
        units = [u for u in units if u not in QUESTION_WORDS] or units
    unit_clauses = [_phrase_any_field(u) for u in units]
    scoring = []
    if tiered and any(len(u) > 1 for u in units):
        # The lone characters still score, they just cannot match on their own.
        scoring = [c for u, c in zip(units, unit_clauses) if len(u) == 1]
        unit_clauses = [c for u, c in zip(units, unit_clauses) if len(u) > 1]
    if operator == "and":
        required = unit_clauses[0] if len(unit_clauses) == 1 else {"bool": {"must": unit_clauses}}
    else:
        required = {"bool": {"should": unit_clauses, "minimum_should_match": 1}}
    words = word_tokens(normalize(term.text))
    if operator == "or":
        words = [w for w in words if w not in QUESTION_WORDS] or words
    if words:
        scoring.append(_words_any_field(words))
    bigrams = _bigrams_any_field(normalize(term.text))
    if bigrams:
        scoring.append(bigrams)
    pairs = None if term.phrase else _unit_pairs(units)
    if pairs:
        scoring.append(pairs)
    whole = _compact(term.text)
    if len(units) > 1 and whole:
        scoring.append({"match_phrase": {"text_chars": {"query": char_tokens(whole), "boost": W_TERM_PHRASE}}})
    return {"bool": {"must": [required], "should": scoring}} if scoring else required, every


def _filter_clause(field: str, values: list[str]) -> dict:
    if field in _DATE_FIELDS:
        return {"bool": {"should": [_date_range(field, v) for v in values], "minimum_should_match": 1}}
    if field in _PLACE_FIELDS:
        # 洛阳 and 洛阳市 are one filter; a city's full name also finds its
        # districts' reports, which carry the city as a parent.
        values = list(dict.fromkeys(name for v in values for name in (v, *resolve_place(v))))
    return {"terms": {field: values}}


def _date_range(field: str, value: str) -> dict:
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


def build_query(parsed: ParsedQuery, operator: str = "and", strict: bool = False) -> tuple[dict, list[str]]:
    """The scoring query (without facet filters) and the highlight needles.

    operator "and": all words first, then fewer (any unit matches; the chunks
    with every unit rank above the rest, see _all_words_tier); with
    ``strict``, every unit must match. operator "or": any unit, one ranking.
    """
    tiered = operator == "and" and not strict
    if tiered:
        operator = "or"
    needles: list[str] = []
    group_clauses = []
    for group in parsed.groups:
        alternatives = []
        for term in group:
            clause, units = _term_clause(term, operator, tiered)
            if clause is None:
                continue
            alternatives.append(clause)
            needles += units + [_compact(term.text)]
        if alternatives:
            group_clauses.append(alternatives[0] if len(alternatives) == 1
                                 else {"bool": {"should": alternatives, "minimum_should_match": 1}})
    fallback = _bigram_fallback(parsed) if tiered and group_clauses else None
    if operator == "and" or not group_clauses:
        must = group_clauses
    else:
        must = [{"bool": {"should": group_clauses + ([fallback] if fallback else []), "minimum_should_match": 1}}]
    should = []
    if len(parsed.positive_terms) > 1:
        joined = "".join(_compact(t.text) for t in parsed.positive_terms)
        should.append({"match_phrase": {"text_chars": {
            "query": char_tokens(joined), "slop": PROXIMITY_SLOP, "boost": W_PROXIMITY}}})
    must_not = [_phrase_any_field(f) for f in (_compact(t.text) for t in parsed.excluded) if f]
    must_not += [_filter_clause(field, values) for field, values in parsed.excluded_filters.items()]
    # No positive term (browsing by filters): everything, minus the exclusions.
    core = {"bool": {"must": must or [{"match_all": {}}], "should": should, "must_not": must_not}}
    scored = {"function_score": {
        "query": core,
        "functions": [{"filter": {"term": {"kind": k}}, "weight": w} for k, w in KIND_WEIGHTS.items() if w != 1.0],
        "score_mode": "first", "boost_mode": "multiply",
    }}
    # The tier is added after the kind weights, so no weight can lift a partial match over it.
    tier = _all_words_tier(parsed, one_unit=fallback is not None) if tiered else None
    if tier is not None:
        scored = {"bool": {"must": [scored], "should": [tier]}}
    return scored, list(dict.fromkeys(n for n in needles if n))


def _merge_filters(parsed: ParsedQuery, filters: Mapping[str, list[str] | str] | None) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {f: list(v) for f, v in parsed.filters.items()}
    for name, values in (filters or {}).items():
        if name not in FILTERS:
            raise QueryError(f"unknown filter '{name}' (known: {', '.join(FILTERS)})")
        values = [values] if isinstance(values, str) else list(values)
        field = FILTERS[name]
        merged.setdefault(field, [])
        merged[field] += [normalize(v) for v in values if v not in merged[field]]
    return merged


def _check_lengths(query: str, filters: Mapping[str, list[str] | str] | None) -> None:
    """QueryError for a query or filter value over MAX_QUERY_CHARS, before any work."""
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(query):,} characters long; the limit is "
                         f"{MAX_QUERY_CHARS:,}: shorten it to its most distinctive words")
    for name, values in (filters or {}).items():
        for value in [values] if isinstance(values, str) else values:
            if len(value) > MAX_QUERY_CHARS:
                raise QueryError(f"the {name} filter value is {len(value):,} characters long; "
                                 f"the limit is {MAX_QUERY_CHARS:,}")


def _client_url(es) -> str | None:
    """The URL a client talks to, for messages (quick client or official client)."""
    url = getattr(es, "url", None)
    if url is None:
        try:
            url = str(es.transport.node_pool.all()[0].base_url)
        except Exception:  # any client shape: the message just names no URL
            return None
    return url


def search(
    query: str = "",
    *,
    filters: Mapping[str, list[str] | str] | None = None,
    limit: int = 10,
    page: int = 1,
    group_by_report: bool = False,
    sort: str = "score",
    fragment_size: int = 100,
    fragments: int = 3,
    whole_text: bool = False,
    explain: bool = False,
    operator: str = "and",
    strict: bool = False,
    settings: Settings | None = None,
    client=None,
    index: str | None = None,
) -> SearchResult:
    """Search the chunk index.

    ``query`` uses the query language (search.query_language). By default
    the chunks that match every word come first, then those that match fewer
    (all words first); ``strict=True`` returns only the chunks that match
    every word; ``operator="or"`` ranks any-unit matches in one list (long
    natural-language questions), ``"exact phrases"``, ``OR``, ``-word``/``NOT``,
    ``field:value`` filters. ``filters`` adds facet filters by name
    (``{"people": ["张再行"], "region": ["西工区", "老城区"]}``): values of one
    name are OR-ed, names AND-ed. Returns a SearchResult; raises QueryError
    (one-line message) for a malformed query or option.
    """
    started = time.perf_counter()
    _check_lengths(query, filters)
    if fragment_size < 1 or fragments < 1:
        raise QueryError(f"fragment_size ({fragment_size}) and fragments ({fragments}) must be at least 1")
    if limit < 1 or page < 1:
        raise QueryError("--limit and --page must be at least 1")
    if (page - 1) * limit + limit > MAX_WINDOW:
        raise QueryError(f"page {page} is beyond the first {MAX_WINDOW} results: narrow the query")
    if sort not in ("score", "date"):
        raise QueryError(f"unknown sort '{sort}' (use score or date)")
    if operator not in ("and", "or"):
        raise QueryError(f"unknown operator '{operator}' (use and or or)")
    if strict and operator == "or":
        raise QueryError("strict (every word must match) and any-word mode exclude each other")
    try:
        parsed = parse(normalize(query), fields=FILTERS)
    except QuerySyntaxError as err:
        raise QueryError(f"bad query: {err}") from None
    active = _merge_filters(parsed, filters)
    scored, needles = build_query(parsed, operator, strict)

    def filters_except(field: str | None) -> list[dict]:
        return [_filter_clause(f, v) for f, v in active.items() if f != field and v]

    aggs = {
        name: {"filter": {"bool": {"filter": filters_except(field)}},
               "aggs": {"values": {"terms": {"field": field, "size": FACET_SIZE}}}}
        for name, field in FACETS.items()
    }
    aggs[DATE_FACET] = {
        "filter": {"bool": {"filter": filters_except("date")}},
        "aggs": {"values": {"date_histogram": {
            "field": "date", "calendar_interval": DATE_INTERVAL, "format": "yyyy-MM", "min_doc_count": 1,
            "order": {"_key": "desc"}}}},
    }
    body: dict = {
        "query": scored,
        "from": (page - 1) * limit,
        "size": limit,
        "aggs": aggs,
        "track_total_hits": True,
        "_source": {"excludes": ["*_chars", "*_words", "*_bigrams"]},
    }
    post = filters_except(None)
    if post:
        body["post_filter"] = {"bool": {"filter": post}}
    if sort == "date":
        body["sort"] = [{"date": {"order": "desc", "missing": "_last"}}, "_score"]
        body["track_scores"] = True
    if group_by_report:
        body["collapse"] = {"field": "report_id", "inner_hits": {"name": "matches", "size": 0}}
        body["aggs"]["_reports"] = {"filter": {"bool": {"filter": post}},
                                    "aggs": {"n": {"cardinality": {"field": "report_id"}}}}
    if explain:
        body["explain"] = True

    if client is None or index is None:
        settings = settings or Settings.from_env()
    es = client or settings.client()
    alias = index or settings.index
    try:
        resp = es.search(index=alias, body=body)
    except Exception as err:
        # Official client or rsearch.quickclient: one translation for both.
        translated = from_elasticsearch(err, _client_url(es))
        if translated is None:
            raise
        if getattr(translated, "error_type", None) == "index_not_found_exception":
            raise RsearchError(f"no index '{alias}' yet: run `rsearch index PATH...` first") from None
        raise translated from None

    hits = []
    for h in resp["hits"]["hits"]:
        src = h["_source"]
        text = src.get("text") or ""
        title = src.get("title")
        hits.append(Hit(
            id=h["_id"], report_id=src.get("report_id", ""), title=title, section=src.get("section"),
            kind=src.get("kind", ""), text=text,
            highlights=[highlight.whole(text, needles)] if whole_text
            else highlight.fragments(text, needles, fragment_size, fragments),
            score=h.get("_score"),
            title_highlight=highlight.whole(title, needles) if title else None,
            source_path=src.get("source_path", ""), report_no=src.get("report_no", 0),
            section_index=src.get("section_index", 0), chunk_index=src.get("chunk_index", 0),
            publication=src.get("publication"), people=src.get("people") or [],
            region=src.get("region") or [], places=src.get("places") or [],
            date=src.get("date"), date_source=src.get("date_source"),
            report_matches=(h["inner_hits"]["matches"]["hits"]["total"]["value"]
                            if group_by_report else None),
            explanation=h.get("_explanation") if explain else None,
        ))
    facets = {}
    for name, field in FACETS.items():
        chosen = set(active.get(field, []))
        if field in _PLACE_FIELDS:
            chosen |= {full for v in list(chosen) for full in resolve_place(v)}
        facets[name] = [FacetValue(b["key"], b["doc_count"], b["key"] in chosen)
                        for b in resp["aggregations"][name]["values"]["buckets"]]
    chosen_dates = active.get("date", [])
    facets[DATE_FACET] = [
        FacetValue(b["key_as_string"], b["doc_count"],
                   any(b["key_as_string"].startswith(v) or v.startswith(b["key_as_string"]) for v in chosen_dates))
        for b in resp["aggregations"][DATE_FACET]["values"]["buckets"]
    ]
    total = (resp["aggregations"]["_reports"]["n"]["value"] if group_by_report
             else resp["hits"]["total"]["value"])
    return SearchResult(
        query=replace_surrogates(query), total=total, hits=hits, facets=facets, took=resp["took"],
        elapsed_ms=round((time.perf_counter() - started) * 1000, 2), page=page, limit=limit,
        grouped=group_by_report,
    )

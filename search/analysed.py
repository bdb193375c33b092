"""A query analysed once: what the request builder and the highlighter need.

The query string is normalised once, parsed (search.query_language), and
each term analysed once with core.analysis: its units (which must all
occur), its text for the character bigram fields (which only score),
its compact form (folded, no white space). Filters from the
query (``people:张磊``) and from the caller are merged by facet name and
checked against the facet registry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from rsearch.core import analysis
from rsearch.core.errors import QueryError

from . import facets
from .query_language import DEFAULT_FIELDS, QuerySyntaxError, Term, parse

# Longest query string (and filter value) accepted, in characters. Each
# character becomes a term of several phrase clauses, and a cluster refuses
# queries over its clause limit (maxClauseCount); a long paragraph stays well
# under it. Checked before any analysis.
MAX_QUERY_CHARS = 1000


@dataclass(frozen=True)
class AnalysedTerm:
    text: str  # normalised, as typed
    phrase: bool  # typed in "quotes"
    units: tuple[str, ...]  # folded strings that must all occur for the term to match
    bigrams: tuple[str, ...]  # text the *_bigrams fields pair up, as the index does (scoring only)
    compact: str  # folded, no white space: the term as one phrase


@dataclass(frozen=True)
class AnalysedQuery:
    query: str  # as given, lone surrogates replaced (what results echo)
    groups: tuple[tuple[AnalysedTerm, ...], ...] = ()  # every group must match; terms of one are OR-ed
    excluded: tuple[str, ...] = ()  # compact forms of excluded terms
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # facet name -> values (OR-ed)
    excluded_filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def positive_terms(self) -> list[AnalysedTerm]:
        """Every term that can match, once each, in query order."""
        return list(dict.fromkeys(t for group in self.groups for t in group))

    @property
    def needles(self) -> list[str]:
        """Folded strings to mark in highlights: every unit and every whole term."""
        found = [n for t in self.positive_terms for n in (*t.units, t.compact)]
        return list(dict.fromkeys(n for n in found if n))


def check_lengths(query: str, filters: Mapping[str, list[str] | str] | None) -> None:
    """QueryError for a query or filter value over MAX_QUERY_CHARS, before any work."""
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(query):,} characters long; the limit is "
                         f"{MAX_QUERY_CHARS:,}: shorten it to its most distinctive words")
    for name, values in (filters or {}).items():
        for value in [values] if isinstance(values, str) else values:
            if len(value) > MAX_QUERY_CHARS:
                raise QueryError(f"the {name} filter value is {len(value):,} characters long; "
                                 f"the limit is {MAX_QUERY_CHARS:,}")


def analyse_term(term: Term) -> AnalysedTerm:
    compact = analysis.compact(term.text)
    if term.phrase:
        # The phrase as the *_chars fields read it: white space kept
        # between words of letters or digits ("machine learning").
        units = (analysis.char_tokens(term.text),) if compact else ()
    else:
        units = tuple(u for u in analysis.query_units(term.text) if u.strip())
    # The bigram fields pair the tokens of what they are sent (their analyzer,
    # mappings/chunks.json), so the term goes whole: one token has no pair.
    bigrams = (analysis.char_tokens(term.text),) if len(compact) > 1 else ()
    return AnalysedTerm(term.text, term.phrase, units, bigrams, compact)


def _merge_filters(parsed: dict[str, list[str]],
                   given: Mapping[str, list[str] | str] | None) -> dict[str, tuple[str, ...]]:
    merged: dict[str, list[str]] = {name: list(values) for name, values in parsed.items()}
    for name, values in (given or {}).items():
        if facets.get(name) is None:
            raise QueryError(f"unknown filter '{name}' (known: {', '.join(facets.names())})")
        values = [values] if isinstance(values, str) else list(values)
        into = merged.setdefault(name, [])
        into += [v for v in (analysis.normalize(v) for v in values) if v and v not in into]
    return {name: tuple(values) for name, values in merged.items() if values}


def analyse(query: str, filters: Mapping[str, list[str] | str] | None = None) -> AnalysedQuery:
    """Parse and analyse ``query`` with ``filters`` (facet name -> value or values)."""
    check_lengths(query, filters)
    try:
        parsed = parse(analysis.normalize(query), fields=DEFAULT_FIELDS)
    except QuerySyntaxError as err:
        raise QueryError(f"bad query: {err}") from None
    groups = []
    for group in parsed.groups:
        terms = tuple(t for t in map(analyse_term, group) if t.units)
        if terms:
            groups.append(terms)
    excluded = tuple(analysis.char_tokens(t.text) for t in parsed.excluded if analysis.compact(t.text))
    return AnalysedQuery(
        query=analysis.replace_surrogates(query),
        groups=tuple(groups),
        excluded=excluded,
        filters=_merge_filters(parsed.filters, filters),
        excluded_filters={name: tuple(v) for name, v in parsed.excluded_filters.items()},
    )

"""The rsearch query language: turn what a user types into a ParsedQuery.

SYNOPSIS
    parse(query, fields=None) -> ParsedQuery     raises QuerySyntaxError

SYNTAX
    word            Words are separated by white space (ASCII, the ideographic
                    space U+3000, any Unicode space). Every word must match.
    "two words"     ASCII double quotes delimit an exact phrase; a quote also
                    ends the word before it. Chinese quotes “ ” are ordinary
                    characters: reports quote slogans (“学党史、悟思想”) and
                    users paste them, so they must stay searchable text.
    a OR b          Either term matches. OR is uppercase and a token of its
                    own (``or`` is a word). It binds tighter than the implicit
                    AND: ``a b OR c d`` means a AND (b OR c) AND d. Chains:
                    ``a OR b OR c``. OR joins search terms only.
    -word  -"two words"  NOT word
                    Exclude. A ``-`` inside a word (COVID-19) is part of it.
    name:value  name:"two words"  -name:value  NOT name:value
                    Filter on a facet field (case-insensitive name). Filters
                    on one field are OR-ed (multi-select), different fields
                    are AND-ed. Known names: the ``fields`` mapping, default
                    DEFAULT_FIELDS. Any other colon is text (10:30, full-width
                    ：), but an unknown Latin name followed by ``:`` at the
                    start of a token (regoin:洛阳) is reported as a typo.
    ( ) （ ）       Not operators, plain text: reports write 洛阳(B型)保税.

    An empty query is valid and matches everything (browsing by filters).
    A query that only excludes is an error: there is nothing to rank.

ERRORS
    QuerySyntaxError; str() is one line naming the problem and, where the
    problem is not self-locating, the position (counted from 1, in characters).

NOTES
    No normalisation happens here: callers run core.analysis on the terms
    (or the query) so that query and index text agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping

from . import facets

# Filter name -> the key filters are collected under: by default the names of
# the facet registry, each under its own name.
DEFAULT_FIELDS: Mapping[str, str] = {name: name for name in facets.names()}

_FIELD_NAME = re.compile(r"[A-Za-z]+(?=:)")  # only Latin names can be fields


class QuerySyntaxError(ValueError):
    """The query cannot be parsed; str() is a single line for the user."""


@dataclass(frozen=True)
class Term:
    text: str
    phrase: bool = False


Group = list[Term]  # alternatives joined by OR; every group must match


@dataclass(frozen=True)
class ParsedQuery:
    groups: list[Group] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)  # keyed as ``fields`` says
    excluded_filters: dict[str, list[str]] = field(default_factory=dict)

    @property
    def positive_terms(self) -> list[Term]:
        """Every term that can match, once each, in query order (for highlighting)."""
        return list(dict.fromkeys(term for group in self.groups for term in group))

    @property
    def is_empty(self) -> bool:
        """True when the query constrains nothing: match all documents."""
        return not (self.groups or self.excluded or self.filters or self.excluded_filters)


@dataclass
class _Token:
    pos: int                 # 0-based offset of the token's first character
    keyword: str = ""        # "OR" or "NOT"; then term is None
    term: Term | None = None
    negated: bool = False
    field: str | None = None  # the filter's key when this is a filter


def _snippet(text: str, limit: int = 20) -> str:
    # White space (including newlines) collapses so the message stays one line.
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def _lex(query: str, fields: Mapping[str, str]) -> list[_Token]:
    known = {name.lower(): name for name in fields}
    tokens: list[_Token] = []
    i, n = 0, len(query)
    while i < n:
        if query[i].isspace():
            i += 1
            continue
        tok = _Token(pos=i)
        if query[i] == "-":
            tok.negated = True
            i += 1
            if i == n or query[i].isspace():
                raise QuerySyntaxError(f"lone '-' at position {tok.pos + 1}: nothing to exclude")
        name = None
        if m := _FIELD_NAME.match(query, i):
            name = known.get(m.group().lower())
            if name is None:
                raise QuerySyntaxError(
                    f"unknown field {m.group()!r} (known: {', '.join(fields)})")
            tok.field = fields[name]
            i = m.end() + 1  # skip the colon
        if i < n and query[i] == '"':
            close = query.find('"', i + 1)
            if close < 0:
                raise QuerySyntaxError(
                    f"unclosed quote at position {i + 1}: {_snippet(query[i:])}")
            # Inner white space collapses: line breaks in a pasted phrase are layout.
            text, phrase = " ".join(query[i + 1:close].split()), True
            if not text and name is None:
                raise QuerySyntaxError(f"empty phrase at position {i + 1}")
            i = close + 1
        else:
            start = i
            while i < n and not query[i].isspace() and query[i] != '"':
                i += 1
            text, phrase = query[start:i], False
        if name is not None and not text:
            raise QuerySyntaxError(
                f"empty value for field {name!r} (at position {tok.pos + 1})")
        # Only a bare word can be an operator: -OR, "OR" and kind:OR are text.
        if text in ("OR", "NOT") and not (phrase or tok.negated or name):
            tok.keyword = text
        else:
            tok.term = Term(text, phrase)
        tokens.append(tok)
    return tokens


def parse(query: str, fields: Mapping[str, str] | None = None) -> ParsedQuery:
    """Parse ``query``; ``fields`` maps filter names to the keys filters are collected under."""
    fields = DEFAULT_FIELDS if fields is None else fields
    tokens = _lex(query, fields)
    result = ParsedQuery()
    joinable = False  # the previous item was a search term an OR may attach to
    pending_or: _Token | None = None  # an OR still waiting for its right side

    def or_error(tok: _Token) -> QuerySyntaxError:
        return QuerySyntaxError(f"'OR' needs a term on both sides (at position {tok.pos + 1})")

    for k, tok in enumerate(tokens):
        if tok.keyword == "NOT":
            nxt = tokens[k + 1] if k + 1 < len(tokens) else None
            if nxt is None or nxt.keyword:
                raise QuerySyntaxError(f"'NOT' needs a term after it (at position {tok.pos + 1})")
            if nxt.negated:  # "NOT -x": a double negative is surely a mistake
                raise QuerySyntaxError(f"'NOT' followed by '-' (at position {tok.pos + 1})")
            nxt.negated = True
            continue
        if tok.keyword == "OR":
            if not joinable or pending_or is not None:
                raise or_error(tok)
            pending_or, joinable = tok, False
            continue
        assert tok.term is not None
        if pending_or is not None and (tok.negated or tok.field):
            # "a OR -b" / "a OR region:x" have no meaning a user would agree on.
            what = "field filters" if tok.field else "excluded terms"
            raise QuerySyntaxError(
                f"'OR' cannot join {what} (at position {pending_or.pos + 1})")
        if tok.field:
            target = result.excluded_filters if tok.negated else result.filters
            values = target.setdefault(tok.field, [])
            if tok.term.text not in values:
                values.append(tok.term.text)
        elif tok.negated:
            result.excluded.append(tok.term)
        elif pending_or is not None:
            result.groups[-1].append(tok.term)
        else:
            result.groups.append([tok.term])
        joinable = not (tok.negated or tok.field)
        pending_or = None
    if pending_or is not None:
        raise or_error(pending_or)
    if not (result.groups or result.filters) and (result.excluded or result.excluded_filters):
        raise QuerySyntaxError("nothing to search for: the query only excludes terms")
    return result

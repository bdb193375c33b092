"""What a caller may ask of a search besides the query, with the defaults
every front end shares (the CLI, the HTTP service and the Python API read
their defaults from here, so they cannot drift apart)."""

from __future__ import annotations

from dataclasses import dataclass

from rsearch.core.errors import QueryError

from . import facets

DEFAULT_LIMIT = 10
DEFAULT_FRAGMENT_SIZE = 100
DEFAULT_FRAGMENTS = 2
MAX_WINDOW = 10000  # Elasticsearch's index.max_result_window
SORTS = ("relevance", "date")  # one name for each order in the CLI, the API, the page and Python
OPERATORS = ("and", "or")


@dataclass(frozen=True)
class SearchOptions:
    limit: int = DEFAULT_LIMIT
    page: int = 1
    group_by_report: bool = False
    sort: str = "relevance"  # or "date": the report's date, newest first
    operator: str = "and"  # "and": chunks with every word first, then fewer; "or": any word, one ranking
    strict: bool = False  # with "and": only chunks that match every word
    fragment_size: int = DEFAULT_FRAGMENT_SIZE
    fragments: int = DEFAULT_FRAGMENTS
    whole_text: bool = False
    explain: bool = False
    facets: tuple[str, ...] | None = None  # facet names to count; None: the registry's defaults
    # Around each match in the highlights; the text between is HTML-escaped.
    highlight_pre_tag: str = "<em>"
    highlight_post_tag: str = "</em>"

    def __post_init__(self) -> None:
        if self.fragment_size < 1 or self.fragments < 1:
            raise QueryError(f"fragment_size ({self.fragment_size}) and fragments ({self.fragments}) "
                             "must be at least 1")
        if self.limit < 1 or self.page < 1:
            raise QueryError(f"limit ({self.limit}) and page ({self.page}) must be at least 1")
        if self.page * self.limit > MAX_WINDOW:
            raise QueryError(f"page {self.page} is beyond the first {MAX_WINDOW} results: narrow the query")
        if self.sort not in SORTS:
            raise QueryError(f"unknown sort '{self.sort}' (use {' or '.join(SORTS)})")
        if self.operator not in OPERATORS:
            raise QueryError(f"unknown operator '{self.operator}' (use {' or '.join(OPERATORS)})")
        if self.strict and self.operator == "or":
            raise QueryError("strict (every word must match) and any-word mode exclude each other")
        for name in self.facets or ():
            facet = facets.get(name)
            if facet is None:
                raise QueryError(f"unknown facet '{name}' (known: {', '.join(facets.names())})")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit

    def counted_facets(self) -> list[facets.Facet]:
        if self.facets is None:
            return facets.defaults()
        return [facets.REGISTRY[name] for name in dict.fromkeys(self.facets)]

"""The one entry point, :func:`search`: query -> analysed once -> request ->
Elasticsearch -> results.

  search.analysed   the query string parsed and analysed once
  search.options    what else a caller may ask, with the shared defaults
  search.request    the request, built with elasticsearch.dsl (matching, ranking, facets)
  search.facets     the facets, one class per kind
  search.response   hits with highlights, facet counts
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Mapping

from elasticsearch import Elasticsearch
from elasticsearch.dsl import Search

from rsearch.core.errors import IndexMissing, QueryError, from_elasticsearch
from rsearch.core.settings import Settings

from .analysed import MAX_QUERY_CHARS, analyse
from .options import DEFAULT_FRAGMENT_SIZE, DEFAULT_FRAGMENTS, DEFAULT_LIMIT, SearchOptions
from .request import ReportSearch
from .response import read_response
from .results import SearchResult

__all__ = ["MAX_QUERY_CHARS", "QueryError", "client_for", "search"]

_clients: dict[Settings, Elasticsearch] = {}
_clients_lock = threading.Lock()


def client_for(settings: Settings) -> Elasticsearch:
    """One official client per settings, reused across calls (it pools connections)."""
    with _clients_lock:
        client = _clients.get(settings)
        if client is None:
            client = _clients[settings] = settings.client()
        return client


def _client_url(es: Elasticsearch) -> str | None:
    """The URL the client talks to, for messages."""
    try:
        return str(es.transport.node_pool.all()[0].base_url)
    except Exception:  # the message just names no URL
        return None


def search(
    query: str = "",
    *,
    filters: Mapping[str, list[str] | str] | None = None,
    limit: int = DEFAULT_LIMIT,
    page: int = 1,
    group_by_report: bool = False,
    sort: str = "relevance",
    fragment_size: int = DEFAULT_FRAGMENT_SIZE,
    fragments: int = DEFAULT_FRAGMENTS,
    whole_text: bool = False,
    explain: bool = False,
    operator: str = "and",
    strict: bool = False,
    facets: Iterable[str] | None = None,
    highlight_pre_tag: str = "<em>",
    highlight_post_tag: str = "</em>",
    settings: Settings | None = None,
    client=None,
    index: str | None = None,
) -> SearchResult:
    """Search the chunk index.

    ``query`` uses the query language (search.query_language). By default
    the chunks that match every word come first, then those that match fewer
    (all words first); ``strict=True`` returns only the chunks that match
    every word; ``operator="or"`` ranks any-word matches in one list (long
    natural-language questions). ``"exact phrases"``, ``OR``, ``-word``/``NOT``,
    ``name:value`` filters. ``filters`` adds facet filters by name
    (``{"people": ["张再行"], "region": ["西工区", "老城区"]}``): values of one
    name are OR-ed, names AND-ed. ``facets`` names the facets to count
    (default: the registry's defaults, search.facets); in the default mode
    they count the chunks that match every word when the query has several
    units and any chunk has them all, else every match (``facets_over`` of
    the result says which); the total counts every match. Returns a
    SearchResult; raises QueryError (one line) for a malformed query or
    option, IndexMissing, or the translated Elasticsearch error. Highlights
    are HTML-escaped text with the matches between ``highlight_pre_tag`` and
    ``highlight_post_tag``; a hit's ``text`` stays the raw text.
    """
    started = time.perf_counter()
    options = SearchOptions(
        limit=limit, page=page, group_by_report=group_by_report, sort=sort, operator=operator, strict=strict,
        fragment_size=fragment_size, fragments=fragments, whole_text=whole_text, explain=explain,
        facets=None if facets is None else tuple(facets),
        highlight_pre_tag=highlight_pre_tag, highlight_post_tag=highlight_post_tag,
    )
    analysed = analyse(query, filters)
    request = ReportSearch(analysed, options)

    if client is None or index is None:
        settings = settings or Settings.from_env()
    es = client or client_for(settings)
    alias = index or settings.index
    resp = _execute(request.build_search(), es, alias)
    facets_resp = None
    if request.needs_facets_search(resp.get("aggregations", {})):
        # No chunk has every word: the facets count every match instead.
        facets_resp = _execute(request.build_facets_search(), es, alias)
    return read_response(resp, request, round((time.perf_counter() - started) * 1000, 2), facets_resp)


def _execute(s: Search, es: Elasticsearch, alias: str) -> dict:
    """Send ``s`` with the official client (``Search.execute``: its ``to_dict()``
    is the body); the answer as a dict, errors translated (core.errors)."""
    try:
        return s.using(es).index(alias).execute().to_dict()
    except Exception as err:
        translated = from_elasticsearch(err, _client_url(es))
        if translated is None:
            raise
        if getattr(translated, "error_type", None) == "index_not_found_exception":
            raise IndexMissing(alias) from None
        raise translated from None

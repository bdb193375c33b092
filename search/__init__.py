"""Search the report index from Python.

    from rsearch.search import search
    result = search("党史学习教育 region:西工区", limit=5)
    for hit in result.hits:
        print(hit.title, hit.section, hit.highlights)
    print(result.total, result.facets["people"])

See search.engine.search for every option, search.results for the types,
search.query_language for the query syntax and search.facets for the facets.
"""

from rsearch.core.errors import IndexMissing, QueryError
from .engine import search
from .facets import REGISTRY as FACET_REGISTRY
from .results import FacetValue, Hit, SearchResult

__all__ = ["search", "SearchResult", "Hit", "FacetValue", "QueryError", "IndexMissing", "FACET_REGISTRY"]

"""Reading Elasticsearch's answer: hits with highlights drawn on the original
text (search.highlight), facet counts with the selected values marked
(search.facets)."""

from __future__ import annotations

from . import highlight
from .options import SearchOptions
from .request import ReportSearch
from .results import Hit, SearchResult


def read_hit(h: dict, needles: list[str], options: SearchOptions) -> Hit:
    src = h["_source"]
    tags = (options.highlight_pre_tag, options.highlight_post_tag)
    text = src.get("text") or ""
    title = src.get("title")
    return Hit(
        id=h["_id"], report_id=src.get("report_id", ""), title=title, section=src.get("section"),
        kind=src.get("kind", ""), text=text,
        highlights=[highlight.whole(text, needles, *tags)] if options.whole_text
        else highlight.fragments(text, needles, options.fragment_size, options.fragments, *tags),
        score=h.get("_score"),
        title_highlight=highlight.whole(title, needles, *tags) if title else None,
        source_path=src.get("source_path", ""), report_no=src.get("report_no", 0),
        section_index=src.get("section_index", 0), chunk_index=src.get("chunk_index", 0),
        publication=src.get("publication"), people=src.get("people") or [],
        region=src.get("region") or [], places=src.get("places") or [],
        date=src.get("date"), date_source=src.get("date_source"),
        report_matches=(h["inner_hits"]["matches"]["hits"]["total"]["value"]
                        if options.group_by_report else None),
        explanation=h.get("_explanation") if options.explain else None,
    )


def read_response(resp: dict, request: ReportSearch, elapsed_ms: float,
                  facets_resp: dict | None = None) -> SearchResult:
    """``facets_resp``: the answer to ``request.build_facets_search()``, when
    the search's own counts were over an empty all-words tier."""
    aq, options = request.aq, request.options
    aggs = resp.get("aggregations", {})
    facet_values, over = request.facet_values(facets_resp.get("aggregations", {}) if facets_resp else aggs)
    total = request.reports_total(aggs) if options.group_by_report else resp["hits"]["total"]["value"]
    return SearchResult(
        query=aq.query, total=total,
        hits=[read_hit(h, aq.needles, options) for h in resp["hits"]["hits"]],
        facets=facet_values, facets_over=over,
        took=resp["took"] + (facets_resp["took"] if facets_resp else 0), elapsed_ms=elapsed_ms,
        page=options.page, limit=options.limit, grouped=options.group_by_report,
    )

"""The facet and filter registry: every name a user can count or filter by.

One entry per name, read by everything that lists facets or filters: the
search request builder (which field, how a value filters, how values are
counted), the query language (which ``name:value`` filters exist), the CLI's
help, the HTTP service's ``/facets`` and its page, and the Kibana objects
(panel fields, control labels). Adding a facet is one entry in ``REGISTRY``.

Modelled on elasticsearch-dsl's ``TermsFacet`` / ``DateHistogramFacet``:
``kind`` says how a facet counts, ``match`` how a filter value selects.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Facet", "REGISTRY", "counted", "defaults", "filters", "get", "names"]

# How values are counted.
TERMS = "terms"  # top values of a keyword field
DATE_HISTOGRAM = "date_histogram"  # reports by month

# How a filter value selects chunks.
EXACT = "exact"  # the stored value itself
PLACE = "place"  # a place name as people write it: short or full name, parents find children
DATE = "date"  # YYYY, YYYY-MM or YYYY-MM-DD: the whole year, month or day

# Where a filter value comes from (core.gazetteer.resolve for PLACE).
FILTER_FORMS = {
    EXACT: "the value as shown in the facet list",
    PLACE: "a short or full place name (洛阳 or 洛阳市); a city also finds its districts",
    DATE: "YYYY, YYYY-MM or YYYY-MM-DD",
}


@dataclass(frozen=True)
class Facet:
    name: str  # what users type: ``people:张磊``, ``--filter people=张磊``, ``filter=people:张磊``
    field: str  # the index field (mappings/chunks.json)
    label: str  # shown in the page, the CLI help and Kibana
    description: str
    kind: str = TERMS
    match: str = EXACT
    counted: bool = True  # a facet: counted when asked for (else a filter only)
    # Counted when the caller names no facets: what the CLI and the page show.
    # Each facet counted costs Elasticsearch time on every search.
    default: bool = True
    size: int = 20  # values returned per facet

    @property
    def filter_form(self) -> str:
        return FILTER_FORMS[self.match]

    def to_dict(self) -> dict:
        return {"name": self.name, "field": self.field, "label": self.label, "description": self.description,
                "kind": self.kind, "match": self.match, "filter_form": self.filter_form,
                "counted": self.counted, "default": self.counted and self.default}


# Order is the order facets are shown in.
REGISTRY: dict[str, Facet] = {f.name: f for f in (
    Facet("region", "region", "Region", "where the report is from and about, with its parent regions",
          match=PLACE),
    Facet("places", "places", "Places mentioned", "every administrative place the report mentions",
          match=PLACE),
    # Counted on request only: a title or heading per report or section, so
    # thousands of values, and the hits show both anyway (group by report
    # for reports by matches).
    Facet("report", "title.keyword", "Report", "the report's title", default=False),
    Facet("section", "section.keyword", "Section", "the section heading a chunk is under", default=False),
    Facet("publication", "publication", "Publication", "the paper or outlet named in a byline or dateline"),
    Facet("people", "people", "People", "everyone a byline names, in any role"),
    Facet("kind", "kind", "Chunk kind", "title, lede, body, caption or byline"),
    Facet("source", "source_kind", "Source", "text, or ocr: read by OCR from a scanned page or a page image "
          "(its text may hold misread characters)"),
    Facet("date", "date", "Report date", "the report's own date, counted by month",
          kind=DATE_HISTOGRAM, match=DATE),
    # Filters only: narrower person roles, and the dates a report mentions.
    Facet("reporter", "reporters", "Reporters", "people credited as reporters", counted=False),
    Facet("correspondent", "correspondents", "Correspondents", "people credited as correspondents",
          counted=False),
    Facet("photographer", "photographers", "Photographers", "people credited for photographs", counted=False),
    Facet("editor", "editors", "Editors", "people credited as editors", counted=False),
    Facet("mentioned", "dates", "Dates mentioned", "any date the report mentions", match=DATE,
          counted=False),
)}


def get(name: str) -> Facet | None:
    return REGISTRY.get(name)


def filters() -> list[Facet]:
    """Every name a filter may use."""
    return list(REGISTRY.values())


def counted() -> list[Facet]:
    """Every facet a search can count (the rest are filters only)."""
    return [f for f in REGISTRY.values() if f.counted]


def defaults() -> list[Facet]:
    """The facets a search counts when the caller names none."""
    return [f for f in REGISTRY.values() if f.counted and f.default]


def names(facets: list[Facet] | None = None) -> list[str]:
    return [f.name for f in (filters() if facets is None else facets)]

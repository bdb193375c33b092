"""The facets: every name a user can count or filter by, one class per kind.

Facets work as in elasticsearch.dsl's faceted search, whose Facet classes
these extend: a facet knows how its values are counted
(:meth:`~Facet.get_aggregation`), which chunks a choice of values selects
(:meth:`~Facet.add_filter`; values of one facet are OR-ed) and how counted
buckets read back (:meth:`~Facet.get_values`, the chosen values marked).
The kinds:

* :class:`KeywordFacet` -- top values of a keyword field (people, kind, ...);
* :class:`PlaceFacet` -- a place: a filter value may be the short or full
  name (洛阳 or 洛阳市), and a city finds its districts' reports, which carry
  the city as a parent (core.gazetteer);
* :class:`MonthFacet` -- a date field counted by month; a filter value is a
  year, a month or a day (YYYY, YYYY-MM, YYYY-MM-DD).

``REGISTRY`` holds one object per name, in the order facets are shown, and
is read by everything that lists facets or filters: the request
(search.request), the query language (``name:value``), the CLI's help, the
HTTP service's ``/facets`` and its page, and the Kibana objects (panel
fields, control labels). Adding a facet is one entry there. An entry with
``counted=False`` is a filter only (narrower person roles, the dates a
report mentions).
"""

from __future__ import annotations

import calendar
from datetime import date

from elasticsearch.dsl import Q
from elasticsearch.dsl.faceted_search import DateHistogramFacet, TermsFacet
from elasticsearch.dsl.query import Query

from rsearch.core.errors import QueryError
from rsearch.core.gazetteer import resolve as resolve_place

from .results import FacetValue

__all__ = ["Facet", "KeywordFacet", "MonthFacet", "PlaceFacet", "REGISTRY", "counted", "defaults", "filters",
           "get", "names"]


class Facet:
    """What every kind of facet has besides elasticsearch.dsl's behaviour."""

    match = "exact"  # how a filter value selects (shown by /facets)
    filter_form = "the value as shown in the facet list"

    def __init__(self, name: str, field: str, label: str, page_label: str, description: str, *,
                 counted: bool = True, default: bool = True, **agg):
        self.name = name  # what users type: ``people:张磊``, ``--filter people=张磊``, ``filter=people:张磊``
        self.field = field  # the index field (mappings/chunks.json)
        self.label = label  # shown in the CLI help, /facets and Kibana
        self.page_label = page_label  # shown on the search page, for people reading Chinese reports
        self.description = description
        self.counted = counted  # a facet: counted when asked for (else a filter only)
        # Counted when the caller names no facets: what the CLI and the page
        # show. Each facet counted costs Elasticsearch time on every search.
        self.default = counted and default
        super().__init__(field=field, **agg)

    @property
    def kind(self) -> str:
        """How values are counted: the aggregation type (terms, date_histogram)."""
        return self.agg_type

    def get_values(self, data, filter_values) -> list[FacetValue]:
        """The buckets of this facet's aggregation result, chosen values marked."""
        return [FacetValue(self.get_value(b), b["doc_count"], self.is_filtered(self.get_value(b), filter_values))
                for b in data["buckets"]]

    def to_dict(self) -> dict:
        return {"name": self.name, "field": self.field, "label": self.label, "description": self.description,
                "kind": self.kind, "match": self.match, "filter_form": self.filter_form,
                "counted": self.counted, "default": self.default}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r}, field={self.field!r})"


class KeywordFacet(Facet, TermsFacet):
    """Top values of a keyword field; a filter selects the stored values themselves."""

    def __init__(self, *args, size: int = 20, **options):
        super().__init__(*args, size=size, **options)

    def add_filter(self, filter_values) -> Query | None:
        return Q("terms", **{self.field: list(filter_values)}) if filter_values else None


class PlaceFacet(KeywordFacet):
    """Administrative places, stored with their parents (洛阳市 on a 西工区 report)."""

    match = "place"
    filter_form = "a short or full place name (洛阳 or 洛阳市); a city also finds its districts"

    @staticmethod
    def stored_names(values) -> list[str]:
        """The stored full names the values stand for: 洛阳 and 洛阳市 are one filter."""
        return list(dict.fromkeys(name for v in values for name in (v, *resolve_place(v))))

    def add_filter(self, filter_values) -> Query | None:
        return super().add_filter(self.stored_names(filter_values))

    def is_filtered(self, key, filter_values) -> bool:
        return key in self.stored_names(filter_values)


class MonthFacet(Facet, DateHistogramFacet):
    """A date field counted by month, newest first; a filter value is a
    year, a month or a day, and selects all of it."""

    match = "date"
    filter_form = "YYYY, YYYY-MM or YYYY-MM-DD"

    def __init__(self, *args, **options):
        super().__init__(*args, calendar_interval="month", format="yyyy-MM", min_doc_count=1,
                         order={"_key": "desc"}, **options)

    def add_filter(self, filter_values) -> Query | None:
        if not filter_values:
            return None
        return Q("bool", should=[self.get_value_filter(v) for v in filter_values], minimum_should_match=1)

    def get_value_filter(self, filter_value: str) -> Query:
        """A range covering the whole year, month or day ``filter_value`` names."""
        lo, hi = date_bounds(filter_value)
        # Month-precision dates are stored as the month ("2018-01"), which the
        # field reads as its first day; a month's range therefore covers them.
        return Q("range", **{self.field: {"gte": lo.isoformat(), "lte": hi.isoformat(), "format": "yyyy-MM-dd"}})

    def get_value(self, bucket) -> str:
        return bucket["key_as_string"]

    def is_filtered(self, key: str, filter_values) -> bool:
        # A chosen year or day selects the months it overlaps.
        return any(key.startswith(v) or v.startswith(key) for v in filter_values)


def date_bounds(value: str) -> tuple[date, date]:
    """First and last day of YYYY, YYYY-MM or YYYY-MM-DD; QueryError otherwise."""
    try:
        parts = [int(p) for p in value.split("-")]
        if len(parts) == 1:
            return date(parts[0], 1, 1), date(parts[0], 12, 31)
        if len(parts) == 2:
            first = date(parts[0], parts[1], 1)
            return first, first.replace(day=calendar.monthrange(parts[0], parts[1])[1])
        if len(parts) == 3:
            return date(*parts), date(*parts)
        raise ValueError
    except (ValueError, OverflowError, calendar.IllegalMonthError):
        raise QueryError(f"bad date '{value}': use YYYY, YYYY-MM or YYYY-MM-DD") from None


# Order is the order facets are shown in.
REGISTRY: dict[str, Facet] = {f.name: f for f in (
    PlaceFacet("region", "region", "Region", "地区", "where the report is from and about, with its parent regions"),
    PlaceFacet("places", "places", "Places mentioned", "提及地点", "every administrative place the report mentions"),
    # Counted on request only: a title or heading per report or section, so
    # thousands of values, and the hits show both anyway (group by report
    # for reports by matches).
    KeywordFacet("report", "title.keyword", "Report", "报道", "the report's title", default=False),
    KeywordFacet("section", "section.keyword", "Section", "小节", "the section heading a chunk is under",
                 default=False),
    KeywordFacet("publication", "publication", "Publication", "刊物",
                 "the paper or outlet named in a byline or dateline"),
    KeywordFacet("people", "people", "People", "人物", "everyone a byline names, in any role"),
    KeywordFacet("kind", "kind", "Chunk kind", "类型", "title, lede, body, caption or byline"),
    MonthFacet("date", "date", "Report date", "日期", "the report's own date, counted by month"),
    # Filters only: narrower person roles, and the dates a report mentions.
    KeywordFacet("reporter", "reporters", "Reporters", "记者", "people credited as reporters", counted=False),
    KeywordFacet("correspondent", "correspondents", "Correspondents", "通讯员", "people credited as correspondents",
                 counted=False),
    KeywordFacet("photographer", "photographers", "Photographers", "摄影", "people credited for photographs",
                 counted=False),
    KeywordFacet("editor", "editors", "Editors", "编辑", "people credited as editors", counted=False),
    MonthFacet("mentioned", "dates", "Dates mentioned", "提及日期", "any date the report mentions", counted=False),
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
    return [f for f in REGISTRY.values() if f.default]


def names(facets: list[Facet] | None = None) -> list[str]:
    return [f.name for f in (filters() if facets is None else facets)]

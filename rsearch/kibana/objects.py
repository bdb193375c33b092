"""The Kibana saved objects, built from a small description.

    build_objects(index="reports", link_url=DEFAULT_LINK_URL) -> list[dict]
    to_ndjson(objects) -> str            one object per line, stable order and keys

What gets built (Kibana 8.8+ saved-object formats; shapes follow Kibana's own
sample-data objects, which 8.19 ships and imports):

* a data view (``index-pattern``) on the alias, with the report's date as the
  time field, field labels (``fieldAttrs``), date formats, and a URL format on
  the title that opens the same report on the rsearch page;
* the saved search "Reports" (Discover session): title, section, kind, people,
  region and date columns, newest first; and one example search showing the
  Kibana form of a Chinese phrase query, linking to the same query in rsearch;
* the dashboard "rsearch reports": counts, chunks and reports over time, by
  region, by people, by kind, top sections, a table of reports, the saved
  search, and options-list controls for every keyword facet.

Field names are never written here twice: facets come from the search
facet registry (``search.facets``), so renaming a field there renames it in
every panel and control; the few other fields are the constants below, and a
test checks every field any object uses against ``mappings/chunks.json``.
The committed ``kibana/rsearch.ndjson`` is this module's output with the
defaults (``rsearch kibana export -o kibana/rsearch.ndjson``); a test keeps the
two equal.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from urllib.parse import quote

from rsearch.search import facets
from rsearch.core.schema import definition

# -- fields that are not facets (names from mappings/chunks.json) -------------
TIME_FIELD = "date"  # the report's own date, on every chunk of the report
REPORT_ID = "report_id"  # counts reports: unique values over chunks
TITLE = "title"  # the report title as text (Discover column, link)
SECTION = "section"

# The rsearch page (the HTTP service) answers `/?q=<query>`.
DEFAULT_LINK_URL = "http://127.0.0.1:8000"
EXAMPLE_QUERY = "党史学习教育"
# Kibana's search bar without a field name searches the index's
# ``index.query.default_field``: the *_chars fields the index makes of title,
# section and text (mappings/chunks.json), whose ``standard`` analyzer splits
# typed text as it split the text. The plain fields (title, section, text) are
# for display; the index copies them into *_chars, not indexing them itself.
EXAMPLE_KQL = f'"{EXAMPLE_QUERY}"'
# Kibana opens the dashboard and the saved search on this range: report dates
# go back years, and Kibana's own default (the last 15 minutes) shows nothing.
TIME_FROM, TIME_TO = "now-30y", "now"

DATA_VIEW_ID = "rsearch-reports"
SEARCH_ID = "rsearch-search-reports"
EXAMPLE_SEARCH_ID = "rsearch-search-example"
DASHBOARD_ID = "rsearch-dashboard"

# Saved-object versions the shapes below are written in (Kibana migrates
# anything newer on import; an older Kibana refuses them, which the importer
# reports).
CORE_MIGRATION_VERSION = "8.8.0"
TYPE_MIGRATION_VERSION = {"index-pattern": "8.0.0", "search": "7.9.3", "dashboard": "8.7.0"}
PANEL_VERSION = "8.8.0"
MIN_KIBANA = (8, 8)

# Labels shown in Kibana for the fields people look at that are not facets;
# a facet's field takes its label from the registry.
FIELD_LABELS = {
    "title": "Report title (text)",
    "section": "Section (text)",
    "text": "Text",
    "date_source": "Report date from",
    "report_id": "Report id",
    "source_path": "Source file",
}
# Hidden from Discover's document view: the folded copies of traditional text
# (for the index), hashes.
SOURCE_FILTERS = ["*_folded", "content_hash"]


def facet_field(name: str) -> str:
    """The index field of a facet in the registry (KeyError names the facet)."""
    return facets.REGISTRY[name].field


def _label(field: str) -> str:
    for facet in facets.filters():
        if facet.field == field:
            return facet.label
    return FIELD_LABELS.get(field, field)


def _id(*parts: str) -> str:
    """Stable ids for panels, layers and columns: same description, same file."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "rsearch/kibana/" + "/".join(parts)))


def rsearch_link(link_url: str, query: str) -> str:
    """The rsearch page for a query; Chinese stays readable (an IRI), ASCII
    punctuation that means something in a URL is escaped."""
    q = "".join(c if ord(c) > 127 or c.isalnum() or c in "-_.~" else quote(c, safe="") for c in query)
    return f"{link_url.rstrip('/')}/?q={q}"


def _saved_object(type_: str, id_: str, attributes: dict, references: list[dict]) -> dict:
    return {
        "type": type_,
        "id": id_,
        "attributes": attributes,
        "references": references,
        "coreMigrationVersion": CORE_MIGRATION_VERSION,
        "typeMigrationVersion": TYPE_MIGRATION_VERSION[type_],
        "managed": False,
    }


def _dumps(value) -> str:
    # Kibana stores nested state as JSON strings; compact, key order as built.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# -- data view -------------------------------------------------------------------
def data_view(index: str, link_url: str) -> dict:
    date_format = {"id": "date", "params": {"pattern": "YYYY-MM-DD"}}
    formats = {
        TIME_FIELD: date_format,
        "dates": date_format,
        # The title links to the same report on the rsearch page ({{value}} is
        # URL-encoded by Kibana).
        TITLE: {"id": "url", "params": {
            "type": "a",
            "urlTemplate": f"{link_url.rstrip('/')}/?q=report%3A%22{{{{value}}}}%22",
            "labelTemplate": "{{value}}",
            "openLinkInCurrentTab": False,
        }},
    }
    labelled = list(FIELD_LABELS) + [f.field for f in facets.filters() if f.field not in FIELD_LABELS]
    return _saved_object("index-pattern", DATA_VIEW_ID, {
        "title": index,
        "name": f"rsearch: {index}",
        "timeFieldName": TIME_FIELD,
        "fieldAttrs": _dumps({f: {"customLabel": _label(f)} for f in labelled}),
        "fieldFormatMap": _dumps(formats),
        "sourceFilters": _dumps([{"value": v} for v in SOURCE_FILTERS]),
        "allowNoIndex": True,  # importable before the first `rsearch index`
    }, [])


# -- saved searches -------------------------------------------------------------
def search_columns() -> list[str]:
    # Read at build time, not import time, so the registry's current fields are used.
    return [TITLE, SECTION, facet_field("kind"), facet_field("people"), facet_field("region"), TIME_FIELD]


def _search(id_: str, title: str, description: str, kql: str) -> dict:
    source = {
        "query": {"query": kql, "language": "kuery"},
        "filter": [],
        "highlightAll": True,
        "indexRefName": "kibanaSavedObjectMeta.searchSourceJSON.index",
    }
    return _saved_object("search", id_, {
        "title": title,
        "description": description,
        "columns": search_columns(),
        "sort": [[TIME_FIELD, "desc"]],
        "timeRestore": True,
        "timeRange": {"from": TIME_FROM, "to": TIME_TO},
        "kibanaSavedObjectMeta": {"searchSourceJSON": _dumps(source)},
    }, [{"name": "kibanaSavedObjectMeta.searchSourceJSON.index", "type": "index-pattern", "id": DATA_VIEW_ID}])


def saved_searches(link_url: str) -> list[dict]:
    reports = _search(
        SEARCH_ID, "Reports",
        "Report chunks, newest report first. Kibana's search bar does not apply rsearch's Chinese "
        f"analysis: quote Chinese ({EXAMPLE_KQL} finds that exact run of characters in a title, "
        "section heading or text; type simplified script); "
        "filter with the keyword fields (region, people, kind...). Ranked results with highlights, "
        "traditional and simplified script alike: the rsearch page, "
        f"{rsearch_link(link_url, EXAMPLE_QUERY)} (put your words after ?q=). "
        "A report title opens that report there.",
        "")
    example = _search(
        EXAMPLE_SEARCH_ID, f"Reports: {EXAMPLE_QUERY}",
        f"The phrase {EXAMPLE_QUERY} in a title, section heading or text ({EXAMPLE_KQL}). The same query "
        f"in rsearch, ranked, highlighted, traditional script included: {rsearch_link(link_url, EXAMPLE_QUERY)}",
        EXAMPLE_KQL)
    return [reports, example]


# -- dashboard: a small description of the panels ---------------------------------
@dataclass(frozen=True)
class Metric:
    label: str
    operation: str  # count | unique_count | max
    field: str | None = None  # None for count (records)

    def column(self) -> dict:
        col = {
            "label": self.label,
            "dataType": "date" if self.operation == "max" else "number",
            "operationType": self.operation,
            "isBucketed": False,
            "scale": "ratio",
            "sourceField": self.field or "___records___",
            "params": {"emptyAsNull": True},
            "customLabel": True,
        }
        return col


CHUNKS = Metric("Chunks", "count")
REPORTS = Metric("Reports", "unique_count", REPORT_ID)
REPORT_DATE = Metric("Report date", "max", TIME_FIELD)


@dataclass(frozen=True)
class LensPanel:
    """One Lens chart: ``kind`` is metric | over_time | top_values | donut | table."""
    title: str
    kind: str
    metrics: tuple[Metric, ...]
    field: str | None = None  # the bucketed field (top_values, donut, table rows)
    size: int = 10
    grid: tuple[int, int, int, int] = (0, 0, 24, 12)  # x, y, w, h on Kibana's 48-column grid


@dataclass(frozen=True)
class MarkdownPanel:
    title: str
    grid: tuple[int, int, int, int]


@dataclass(frozen=True)
class SearchPanel:
    title: str
    search_id: str
    grid: tuple[int, int, int, int]


def dashboard_panels() -> list:
    return [
        MarkdownPanel("How to search", (0, 0, 24, 10)),
        LensPanel("Reports", "metric", (REPORTS,), grid=(24, 0, 12, 10)),
        LensPanel("Chunks", "metric", (CHUNKS,), grid=(36, 0, 12, 10)),
        LensPanel("Chunks and reports over time", "over_time", (CHUNKS, REPORTS), grid=(0, 10, 48, 12)),
        LensPanel("Reports by region", "top_values", (REPORTS,), facet_field("region"), 15, (0, 22, 24, 14)),
        LensPanel("Reports by people", "top_values", (REPORTS,), facet_field("people"), 15, (24, 22, 24, 14)),
        LensPanel("Chunks by kind", "donut", (CHUNKS,), facet_field("kind"), 10, (0, 36, 16, 14)),
        LensPanel("Top sections", "top_values", (CHUNKS,), facet_field("section"), 15, (16, 36, 32, 14)),
        LensPanel("Reports table", "table", (REPORT_DATE, CHUNKS), facet_field("report"), 100, (0, 50, 48, 16)),
        SearchPanel("Report chunks", SEARCH_ID, (0, 66, 48, 18)),
    ]


def control_fields() -> list[tuple[str, str]]:
    """(label, field) of an options-list control per facet in the registry.

    Options lists are for keyword values; a date or numeric facet gets none. A
    facet whose field the mapping lacks keeps its control, so the field check
    in the tests fails instead of the control quietly vanishing."""
    types = mapping_types()
    return [(_label(f.field), f.field) for f in facets.counted()
            if types.get(f.field, "keyword") == "keyword"]


def mapping_types() -> dict[str, str]:
    """Field -> Elasticsearch type, sub-fields as ``parent.sub``, from mappings/chunks.json."""
    out: dict[str, str] = {}
    for name, spec in definition()["mappings"]["properties"].items():
        out[name] = spec.get("type", "object")
        for sub, sub_spec in (spec.get("fields") or {}).items():
            out[f"{name}.{sub}"] = sub_spec["type"]
    return out


def _terms_column(field: str, size: int, order_column: str) -> dict:
    return {
        "label": _label(field),
        "dataType": "string",
        "operationType": "terms",
        "scale": "ordinal",
        "sourceField": field,
        "isBucketed": True,
        "params": {
            "size": size,
            "orderBy": {"type": "column", "columnId": order_column},
            "orderDirection": "desc",
            "otherBucket": False,
            "missingBucket": False,
            "parentFormat": {"id": "terms"},
        },
        "customLabel": True,
    }


def _lens_attributes(panel: LensPanel) -> dict:
    layer = _id(panel.title, "layer")
    metric_ids = [_id(panel.title, "metric", m.label) for m in panel.metrics]
    columns: dict = {}
    bucket = None
    if panel.kind == "over_time":
        bucket = _id(panel.title, "date")
        columns[bucket] = {
            "label": _label(TIME_FIELD), "dataType": "date", "operationType": "date_histogram",
            "sourceField": TIME_FIELD, "isBucketed": True, "scale": "interval",
            "params": {"interval": "auto", "includeEmptyRows": True, "dropPartials": False},
            "customLabel": True,
        }
    elif panel.field:
        bucket = _id(panel.title, "terms", panel.field)
        columns[bucket] = _terms_column(panel.field, panel.size, metric_ids[0])
    for mid, metric in zip(metric_ids, panel.metrics):
        columns[mid] = metric.column()
    order = ([bucket] if bucket else []) + metric_ids

    if panel.kind == "metric":
        visualization = {"layerId": layer, "layerType": "data", "metricAccessor": metric_ids[0]}
        vis_type = "lnsMetric"
    elif panel.kind == "donut":
        visualization = {"shape": "donut", "layers": [{
            "layerId": layer, "layerType": "data", "primaryGroups": [bucket], "metrics": metric_ids,
            "numberDisplay": "percent", "categoryDisplay": "default", "legendDisplay": "default",
            "nestedLegend": False,
        }]}
        vis_type = "lnsPie"
    elif panel.kind == "table":
        visualization = {
            "layerId": layer, "layerType": "data",
            "columns": [{"columnId": c, "isTransposed": False} for c in order],
            "sorting": {"columnId": metric_ids[0], "direction": "desc"},
        }
        vis_type = "lnsDatatable"
    else:
        series = "bar_stacked" if panel.kind == "over_time" else "bar_horizontal"
        visualization = {
            "legend": {"isVisible": len(metric_ids) > 1, "position": "right"},
            "valueLabels": "hide",
            "preferredSeriesType": series,
            "layers": [{
                "layerId": layer, "layerType": "data", "seriesType": "line" if len(metric_ids) > 1 else series,
                "xAccessor": bucket, "accessors": metric_ids, "position": "top", "showGridlines": False,
            }],
        }
        vis_type = "lnsXY"
    return {
        "title": panel.title,
        "visualizationType": vis_type,
        "type": "lens",
        "references": [{"type": "index-pattern", "id": DATA_VIEW_ID,
                        "name": f"indexpattern-datasource-layer-{layer}"}],
        "state": {
            "visualization": visualization,
            "query": {"query": "", "language": "kuery"},
            "filters": [],
            "datasourceStates": {"formBased": {"layers": {layer: {
                "columns": columns, "columnOrder": order, "incompleteColumns": {},
            }}}},
            "internalReferences": [],
            "adHocDataViews": {},
        },
    }


def _markdown(link_url: str) -> str:
    example = rsearch_link(link_url, EXAMPLE_QUERY)
    return "\n".join([
        "**Chunks** are the indexed pieces of a report (title, lede, body, caption); "
        "**reports** are counted by report id. Time is the report's own date.",
        "",
        f"Search Chinese with quotes: `{EXAMPLE_KQL}` finds that exact run of characters in a title, "
        "section heading or text (indexed one character per token, so any substring works, Latin "
        "and digits too, any case). Without quotes Kibana matches any single character. Type "
        "simplified script: Kibana does not map traditional to simplified. Kibana does not "
        "highlight the matches; the rsearch page does.",
        "",
        "Narrow with the controls above or with keyword fields: `region:…`, `people:…`, `kind:body`.",
        "",
        f"Ranked results with highlights: [the rsearch page]({example}) "
        f"(`{link_url.rstrip('/')}/?q=` + your words).",
    ])


def _panel_json(panel, link_url: str) -> tuple[dict, list[dict]]:
    """A panelsJSON entry and the dashboard references it needs."""
    x, y, w, h = panel.grid
    index = _id("panel", panel.title)
    entry = {"version": PANEL_VERSION, "gridData": {"x": x, "y": y, "w": w, "h": h, "i": index},
             "panelIndex": index}
    if isinstance(panel, LensPanel):
        attributes = _lens_attributes(panel)
        entry.update(type="lens", embeddableConfig={"attributes": attributes, "enhancements": {}},
                     title=panel.title)
        refs = [{**r, "name": f"{index}:{r['name']}"} for r in attributes["references"]]
        return entry, refs
    if isinstance(panel, MarkdownPanel):
        entry.update(type="visualization", title=panel.title, embeddableConfig={
            "savedVis": {"title": panel.title, "description": "", "type": "markdown",
                         "params": {"fontSize": 12, "openLinksInNewTab": True,
                                    "markdown": _markdown(link_url)},
                         "uiState": {}, "data": {"aggs": [], "searchSource": {}}},
            "enhancements": {}})
        return entry, []
    entry.update(type="search", title=panel.title, embeddableConfig={"enhancements": {}},
                 panelRefName=f"panel_{index}")
    return entry, [{"name": f"{index}:panel_{index}", "type": "search", "id": panel.search_id}]


def dashboard(link_url: str) -> dict:
    panels, references = [], []
    for panel in dashboard_panels():
        entry, refs = _panel_json(panel, link_url)
        panels.append(entry)
        references.extend(refs)
    controls = {}
    for order, (label, field) in enumerate(control_fields()):
        cid = _id("control", field)
        controls[cid] = {"order": order, "width": "medium", "grow": True, "type": "optionsListControl",
                         "explicitInput": {"id": cid, "fieldName": field, "title": label,
                                           "selectedOptions": [], "enhancements": {}}}
        references.append({"name": f"controlGroup_{cid}:optionsListDataView", "type": "index-pattern",
                           "id": DATA_VIEW_ID})
    return _saved_object("dashboard", DASHBOARD_ID, {
        "title": "rsearch reports",
        "description": "Reports over time, by region, people, kind and section; a table of reports "
                       "and their chunks. Controls filter every panel.",
        "timeRestore": True,
        "timeFrom": TIME_FROM,
        "timeTo": TIME_TO,
        "refreshInterval": {"pause": True, "value": 60000},
        "optionsJSON": _dumps({"useMargins": True, "syncColors": False, "syncCursor": True,
                               "syncTooltips": False, "hidePanelTitles": False}),
        "panelsJSON": _dumps(panels),
        "controlGroupInput": {
            "controlStyle": "oneLine",
            "chainingSystem": "HIERARCHICAL",
            "panelsJSON": _dumps(controls),
            "ignoreParentSettingsJSON": _dumps({"ignoreFilters": False, "ignoreQuery": False,
                                                "ignoreTimerange": False, "ignoreValidations": False}),
        },
        "kibanaSavedObjectMeta": {"searchSourceJSON": _dumps({"query": {"query": "", "language": "kuery"},
                                                              "filter": []})},
        "version": 1,
    }, references)


def build_objects(index: str = "reports", link_url: str = DEFAULT_LINK_URL) -> list[dict]:
    """Every object, referenced objects before the objects that use them."""
    return [data_view(index, link_url), *saved_searches(link_url), dashboard(link_url)]


def to_ndjson(objects: list[dict]) -> str:
    return "".join(json.dumps(o, ensure_ascii=False, sort_keys=True) + "\n" for o in objects)

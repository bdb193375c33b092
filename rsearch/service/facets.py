"""The facet list the service offers, read from the library's one registry
(search.FACET_REGISTRY, core.facets): /facets, the search parameters and the
page all take it from here."""

from __future__ import annotations

from rsearch import search
# Labels for people reading the page (the reports are Chinese); the
# registry's own labels are English. A facet missing here shows that label.
PAGE_LABELS = {
    "region": "地区", "places": "提及地点", "report": "报道", "section": "小节", "publication": "刊物",
    "people": "人物", "kind": "类型", "date": "日期", "reporter": "记者", "correspondent": "通讯员",
    "photographer": "摄影", "editor": "编辑", "mentioned": "提及日期", "source": "文字来源",
}


def facet_registry() -> list:
    """Every filter name the library accepts, in the order facets are shown."""
    return list(search.FACET_REGISTRY.values())


def facet_names() -> list[str]:
    """The facets a search counts by default."""
    return [f.name for f in facet_registry() if f.counted and f.default]


def page_label(name: str) -> str:
    facet = search.FACET_REGISTRY.get(name)
    return PAGE_LABELS.get(name) or (facet.label if facet else name)

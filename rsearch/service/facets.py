"""The facet list the service offers: the one place that reads it from the
search package, so a change there (one registry of facet objects) is a change
here only."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import search

# Labels for people reading the page (the reports are Chinese).
_LABELS = {
    "region": "地区", "places": "提及地点", "report": "报道", "section": "小节", "publication": "刊物",
    "people": "人物", "kind": "类型", "date": "日期", "reporter": "记者", "correspondent": "通讯员",
    "photographer": "摄影", "editor": "编辑", "mentioned": "提及日期",
}
_DATE_FORMS = ["YYYY", "YYYY-MM", "YYYY-MM-DD"]


@dataclass
class FacetInfo:
    name: str  # what a filter names: filter=name:value
    field: str  # the index field it reads
    label: str
    facet: bool  # counted in every search response (else a filter only)
    forms: list[str] = field(default_factory=list)  # what a value may look like

    def to_dict(self) -> dict:
        return asdict(self)


def _forms(name: str) -> list[str]:
    if name in ("date", "mentioned"):
        return _DATE_FORMS
    if name in ("region", "places"):
        return ["place name, full or short (洛阳市 or 洛阳)"]
    return ["exact value (as a facet lists it)"]


def facet_registry() -> list[FacetInfo]:
    """Every filter name the library accepts, facets first, in its order."""
    registry = getattr(search, "FACET_REGISTRY", None)
    if registry is not None:  # the library's own registry of facet objects
        entries = registry.values() if isinstance(registry, dict) else registry
        return [FacetInfo(name=f.name, field=f.field, label=getattr(f, "label", None) or _LABELS.get(f.name, f.name),
                          facet=bool(getattr(f, "facet", True)),
                          forms=list(getattr(f, "forms", None) or _forms(f.name))) for f in entries]
    counted = dict(search.FACETS)
    # The date facet (reports by month) is counted too, under its filter's name.
    date_facet = getattr(search, "DATE_FACET", None) or getattr(search.engine, "DATE_FACET", "date")
    counted.setdefault(date_facet, search.FILTERS.get(date_facet, date_facet))
    out = [FacetInfo(n, f, _LABELS.get(n, n), True, _forms(n)) for n, f in counted.items()]
    out += [FacetInfo(n, f, _LABELS.get(n, n), False, _forms(n))
            for n, f in search.FILTERS.items() if n not in counted]
    return out


def facet_names() -> list[str]:
    return [f.name for f in facet_registry() if f.facet]


def filter_names() -> list[str]:
    return [f.name for f in facet_registry()]

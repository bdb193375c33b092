"""The gazetteer: China's administrative places from cpca, and the names people
write for them. The indexer finds places in text with it (indexer.metadata);
the query side resolves filter values with it (:func:`resolve`).

Place names as users type them -> the full official names the index stores.

The ``region`` and ``places`` fields of a chunk hold full names from the cpca
gazetteer, each place with its parents (西工区 comes with 洛阳市 and 河南省).
A filter may name a place any way people write it; :func:`resolve` maps the
value to the stored full names, so that

* ``洛阳`` and ``洛阳市`` are the same filter, and both find the reports of
  洛阳市's districts (those carry 洛阳市 as a parent);
* ``大厂县`` is ``大厂回族自治县``, ``瀍河区`` is ``瀍河回族区``, ``恩施州`` and
  ``恩施`` are ``恩施土家族苗族自治州``;
* ``西工`` is ``西工区`` (a county's name without 区/县/旗: unsafe in running
  text, where indexer.metadata does not use it, but a filter is deliberate);
* a short name shared by several places stands for all of them (``朝阳``:
  朝阳市, 朝阳区, 朝阳县);
* traditional script works (``洛陽``), and a value the gazetteer does not know
  is kept as typed.

Loads cpca on first use.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .text.fold import fold

__all__ = ["COUNTY", "GAZETTEER_EXCEPTIONS", "levels", "lineage", "resolve", "short_names", "table"]

# Where cpca's table is wrong for news text. Name -> replacement (None: not
# a place). Kept small and explained: add an entry only for a gazetteer error.
GAZETTEER_EXCEPTIONS: dict[str, str | None] = {}

# cpca's rule for short forms (cpca.Matcher, cpca._init_data).
_SHORT_SUFFIX = re.compile(r"([省市]|特别行政区|自治区)$")

COUNTY = 2  # cpca AddrInfo.rank: 0 province, 1 city, 2 county


@lru_cache(maxsize=1)
def _autonomous_short():
    """Regex turning 大厂回族自治县 into 大厂县 (groups base, kind), from cpca's
    list of ethnic groups."""
    from importlib.resources import files

    nations = (files("cpca.resources") / "56_nations.csv").read_text(encoding="utf-8").split()
    # Names also use the group without 族 (蒙古族 -> 蒙古) only inside other
    # names; the full forms are what the gazetteer's names contain.
    alternation = "|".join(sorted(map(re.escape, nations), key=len, reverse=True))
    return re.compile(rf"^(?P<base>.+?)(?:{alternation})+(?:自治)?(?P<kind>县|旗|区|州)$")


def short_names(name: str, rank: int) -> list[str]:
    """The other names people write for gazetteer entry ``name``: cpca's short
    form of provinces and cities (河南, 洛阳, 内蒙古), the short form of
    autonomous units (大厂县, 瀍河区, 恩施州 and 恩施), 阿克苏 for 阿克苏地区."""
    import cpca

    out = []
    if rank < COUNTY:
        short = cpca.Matcher.special_abbre.get(name) or _SHORT_SUFFIX.sub("", name)
        short = re.sub(r"(地区|盟)$", "", short)
        if short != name:
            out.append(short)
    m = _autonomous_short().match(name)
    if m and len(m.group("base")) >= 2:
        out.append(m.group("base") + m.group("kind"))
        if m.group("kind") == "州":
            out.append(m.group("base"))
    return [s for s in dict.fromkeys(out) if len(s) >= 2]


@lru_cache(maxsize=1)
def table():
    """cpca's AddrInfo entries that are places (placeholders out), with names
    corrected by GAZETTEER_EXCEPTIONS; and adcode -> name for every code."""
    import warnings

    with warnings.catch_warnings():
        # cpca reads its data through the deprecated pkg_resources.
        warnings.simplefilter("ignore")
        import cpca

    entries, names = [], {}
    for code, info in cpca.ad_2_addr_dict.items():
        names[code[:6]] = info.name
        # Placeholders (市辖区, 省直辖县级行政区划) and 重庆's "县" are not places.
        if info.name == "市辖区" or "直辖" in info.name or len(info.name) < 2:
            continue
        if info.name in GAZETTEER_EXCEPTIONS:
            if GAZETTEER_EXCEPTIONS[info.name] is None:
                continue
            names[code[:6]] = info.name = GAZETTEER_EXCEPTIONS[info.name]
        entries.append(info)
    for info in _extra_places(cpca.AddrInfo, {info.name for info in entries}):
        names[info.adcode] = info.name
        entries.append(info)
    return entries, names


# Province codes of cpca's table for the places it has only as provinces.
_EXTRA_PROVINCES = {"": "71", "@香港": "81", "@澳門": "82"}


def _extra_places(make, known: set[str]):
    """Cities, counties and districts of Taiwan, Hong Kong and Macau from the
    package's own table (data/places_tw_hk_mo.txt), with codes below their
    province's in cpca's scheme (71CCDD; 81 and 82 have no city level). A
    name cpca already has at another place (金門縣, 連江縣: counties of
    Fujian in its table) is left to cpca."""
    from importlib.resources import files

    text = (files("rsearch.core") / "data" / "places_tw_hk_mo.txt").read_text(encoding="utf-8")
    rows = [line.split() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    for city_no, row in enumerate(rows, 1):
        head, districts = row[0], row[1:]
        if head.startswith("@"):
            prefix = _EXTRA_PROVINCES[head] + "01"
        else:
            city = fold(head)
            if city in known:
                continue
            prefix = f"71{city_no:02d}"
            yield make(city, prefix + "00" + "0" * 6, "", "")
        for n, district in enumerate(districts, 1):
            yield make(fold(district), f"{prefix}{n:02d}" + "0" * 6, "", "")


def lineage(code: str) -> list[str]:
    """Full names of adcode prefix ``code`` and its parents, top down
    (41 -> 河南省; 410303 -> 河南省, 洛阳市, 西工区). Placeholder levels
    (市辖区, 省直辖县级行政区划) are skipped."""
    return [name for _, name in levels(code)]


def levels(code: str) -> list[tuple[int, str]]:
    """(level 0/1/2, full name) of ``code`` and its parents."""
    _, names = table()
    out = []
    for level, width in enumerate((2, 4, 6)):
        part = code[:width]
        if len(part) < width or part.endswith("00"):
            break
        name = names.get(part.ljust(6, "0"))
        if name and name != "市辖区" and "直辖" not in name:
            out.append((level, name))
    return out


@lru_cache(maxsize=1)
def _names() -> dict[str, tuple[str, ...]]:
    """Every name people write for a place -> the full names it stands for."""
    entries, _ = table()
    index: dict[str, dict[str, None]] = {}
    for info in entries:
        keys = [info.name, *short_names(info.name, info.rank)]
        if info.rank == COUNTY and info.name[-1] in "区县旗" and len(info.name) >= 3:
            keys.append(info.name[:-1])
        for key in keys:
            index.setdefault(key, {})[info.name] = None
    # A full name stands for itself only, even where it is also another
    # place's short form (吉林 is a province's short name, not the city).
    full = {info.name for info in entries}
    return {key: ((key,) if key in full else tuple(names)) for key, names in index.items()}


@lru_cache(maxsize=4096)
def resolve(value: str) -> list[str]:
    """The full names a region/places filter value stands for (see module doc)."""
    key = fold("".join(value.split()))
    return list(_names().get(key, (value,)))

"""Metadata extracted from report text: places (省/市/区县) and dates.

Places come from the ``cpca`` gazetteer (national administrative division
codes, with cpca's short forms: 河南省 -> 河南, 洛阳市 -> 洛阳). cpca's own
``transform_text_with_addrs`` takes the first candidate of an ambiguous name
and matches every short form, which on news text gives 青海 for the person
孙青海, 东方市 for 东方今报, 城区 (Shanxi) for 中心城区, 合作市 for
合作意向书. So we look names up ourselves in cpca's table (``_Scanner``) and
apply these rules:

* Provinces and prefecture cities match by full name or short form.
  County-level units (区, 县, 县级市) match only by full name: their short
  forms (东方, 合作, 安宁) are ordinary words.
* A 2-character short form right after a common surname is a person
  (孙青海); a few short forms that are mostly words (大同, 日照, 来宾 ...)
  are not used.
* Overlapping matches: leftmost, then longest, wins (浙江西部 is 浙江).
* A county name shared by several places is resolved by the text: the
  candidate right after its own city (洛阳市老城区), else the candidates whose
  city or province the text mentions. Parents are filled in only as far as
  the remaining candidates agree; an unresolved ambiguous name is kept bare.
* County names that are also common nouns (2-character ones like 城区/郊区/
  矿区/南县, and 老城区, 新城区, 市中区 ...) count only when the text mentions
  their city or province; X区 followed by 域 is the word 区域.

* A name that is the first part of a street, road, market or community name
  (天津路, 南京东路, 广州市场, 北京街社区) is not that place (cpca's issue
  tracker reports exactly this error, #70); neither is any shorter name
  inside it.
* Autonomous counties, districts and prefectures also match by the short
  name people write (大厂县 for 大厂回族自治县, 瀍河区 for 瀍河回族区, 恩施州
  for 恩施土家族苗族自治州), made from cpca's own list of the 56 ethnic
  groups (which cpca ships but does not use).

``import indexer.metadata`` stays cheap: cpca and the automaton load on first
use. Per text: one scan of each line not scanned lately, then work
proportional to the matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from rsearch.core.gazetteer import COUNTY, levels, short_names, table
from rsearch.core.text.dictionary import plain_segmenter
from rsearch.indexer.models import Regions

# Short forms that are ordinary words far more often than places.
_SHORT_FORM_WORDS = frozenset(
    "大同 来宾 安康 四平 白银 北海 日照 朝阳 中山 长治 普洱 新乡 安顺 三明 "
    "安庆 白城 山南 海东 吉安 通化 中卫 阿里".split()
)

# Common surnames; a place short form right after one is read as a given
# name (孙青海). Surnames that also end province/city names (江, 林, 南 ...)
# or are prepositions (于, 向) are left out, so 浙江杭州 still works.
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁"
    "潘蒋蔡余杜叶程魏吕丁任沈姚卢姜崔钟谭陆汪范廖贾韦付邹孟熊秦邱尹薛闫段"
    "雷侯史陶黎贺顾毛郝龚邵钱严覃戴莫孔汤"
)

# County names that are also common nouns ("the old town", "city centre").
_GENERIC_COUNTIES = frozenset(
    "老城区 新城区 古城区 市中区 市北区 市南区 城东区 城西区 城北区 城中区 "
    "城关区 新市区 新兴区 新建区 东城区 西城区 上城区 下城区 山城区 江城区 "
    "河东区 河西区 江北区".split()
)

# What follows a place name that is really the start of a street, road,
# market, estate or community name (天津路, 南京东路, 广州市场 = 广州市 + 场).
# Checked after province and city names only: street names are made of
# those, and 西工区街道 is a district's subdistrict office.
_STREET_AFTER = re.compile(r"[东西南北中]?(?:路|街(?!道)|大街|大道|巷|胡同|里弄|弄)|市场|商场|商城|小区|社区|花园|公寓|大厦|新村")


@lru_cache(maxsize=1)
def _gazetteer():
    """(scanner, adcode -> name); loads cpca's table on first call."""
    entries, names = table()
    places: dict[str, tuple[bool, list]] = {}  # key -> (is short form, entries)
    for info in entries:
        places.setdefault(info.name, (False, []))[1].append(info)
        for short in short_names(info.name, info.rank):
            # 大厂县 has a full name's shape and is matched like one; bare
            # short forms (洛阳, 恩施) follow the short-form rules.
            is_short = not (info.rank == COUNTY or short.endswith("州"))
            if is_short and (short in _SHORT_FORM_WORDS or len(short) < 2):
                continue
            places.setdefault(short, (is_short, []))[1].append(info)

    return _Scanner({key: (len(key), short, infos) for key, (short, infos) in places.items()}), names


class _Scanner:
    """Every occurrence of every key, as pyahocorasick's ``Automaton.iter``
    yields them: ``(end index, value)``. Keys are at least two characters;
    a set of their two-character prefixes rules out almost every position
    with one lookup. pyahocorasick walks a root node that fans out over
    most first characters of the table and was the slower of the two on
    news text (same matches; compared in tests/unit/test_metadata.py)."""

    def __init__(self, values: dict[str, tuple]) -> None:
        by_prefix: dict[str, list[tuple[str, tuple]]] = {}
        for key, value in values.items():
            by_prefix.setdefault(key[:2], []).append((key, value))
        self._by_prefix = by_prefix
        # Only about a quarter of the characters of news text can start a
        # key: a character class finds those positions in C (re), and only
        # they pay for the two-character lookup in Python.
        firsts = sorted({key[0] for key in by_prefix})
        self._first = re.compile("[" + "".join(re.escape(c) for c in firsts) + "]")

    def iter(self, text: str):
        by_prefix = self._by_prefix
        for m in self._first.finditer(text):
            i = m.start()
            keys = by_prefix.get(text[i:i + 2])
            if keys:
                for key, value in keys:
                    if text.startswith(key, i):
                        yield i + len(key) - 1, value


def _matches(text: str, automaton) -> list[tuple[int, int, list]]:
    """Accepted (start, end, entries) place mentions, leftmost-longest, in order.

    A rejected match does not block a shorter or later one overlapping it.
    """
    raw = sorted(
        (end - size + 1, -size, short, infos) for end, (size, short, infos) in automaton.iter(text)
    )  # entries compare only on a (start, -size) tie, which keys make impossible
    found = []
    last_end = -1
    blocked = -1  # inside a street name: no place ends before this
    for start, neg_size, short, infos in raw:
        size = -neg_size
        end = start + size - 1
        if start <= last_end or end < blocked:
            continue
        if infos[0].rank < COUNTY and (
            _STREET_AFTER.match(text, end + 1) or (text[end] == "市" and text[end + 1: end + 2] == "场")
        ):
            blocked = end + 1  # 天津路: neither 天津 nor anything inside it
            continue
        if short:
            if size == 2 and start > 0 and text[start - 1] in _SURNAMES:
                continue  # 孙青海: a person
            if size == 2 and _cut_inside(text, start):
                continue  # 三台北斗导航: 三台 / 北斗, not 台北
            infos = [a for a in infos if a.rank < COUNTY]
        elif size == 2 and text[end] == "州" and (_cut_inside(text, start) or not _starts_word(text, start)):
            # 别尔哥罗德州 is 别尔哥罗德 / 州 and 佛罗里达州 one word: foreign
            # regions' names, not 德州 or 达州 (a city's name in 州 matches
            # like a full name, and so did these).
            continue
        elif infos[0].rank == COUNTY and text[end + 1: end + 2] == "域":
            continue  # 新兴区域 is "region", not 新兴区
        found.append((start, end, infos))
        last_end = end
    return found


@lru_cache(maxsize=4096)
def _segments(window: str) -> tuple[int, ...]:
    """Where rjieba's word segmentation puts word boundaries in ``window``."""
    ends, pos = [], 0
    for token in plain_segmenter().cut(window):
        pos += len(token)
        ends.append(pos)
    return tuple(ends)


def _cut_inside(text: str, start: int) -> bool:
    """Does word segmentation of the words around it cut the two-character
    name at ``start`` in two? Then its characters belong to other words
    (三台北斗导航 is 三台 / 北斗 / 导航: no 台北 in it)."""
    lo = max(0, start - 4)
    return start + 1 - lo in _segments(text[lo:start + 6])


def _starts_word(text: str, start: int) -> bool:
    """Does word segmentation start a word at ``start``?"""
    lo = max(0, start - 4)
    return start == lo or start - lo in _segments(text[lo:start + 6])


def _common_prefix(codes: list[str]) -> str:
    """Longest shared 2/4/6-digit adcode prefix: what all candidates agree on."""
    for width in (6, 4, 2):
        if len({c[:width] for c in codes}) == 1:
            return codes[0][:width]
    return ""  # different provinces: nothing to infer


@dataclass(frozen=True)
class PlaceMention:
    """One place named in a text. ``code`` is the adcode prefix the mention
    resolves to (2 digits: a province, 4: a city, 6: a county); for a county
    name shared by places the text cannot tell apart it is what they share
    (maybe ""), and ``bare`` holds the name."""

    start: int
    end: int  # inclusive
    code: str
    bare: str | None = None


@lru_cache(maxsize=4096)
def _line_matches(line: str) -> tuple[tuple[int, int, list], ...]:
    """``_matches`` of one line. A report's lines are scanned by up to three
    passes (its places in indexer.structure, again in the folded text for a
    file that folding changes, its region in indexer.report_region), each over
    a text made of the same paragraphs: this scans each distinct line once."""
    return tuple(_matches(line, _gazetteer()[0]))


def _matches_by_line(text: str) -> list[tuple[int, int, list]]:
    """``_matches(text)``, line by line: the same list, because no key holds a
    line break and every rule that looks past a match (a surname before it, a
    street, 域 or 场 after it) sees a line break and a line's end alike; the
    rules that look at earlier matches (overlaps, street names) never reach
    across a line break either."""
    found: list[tuple[int, int, list]] = []
    offset = 0
    for line in text.split("\n"):
        if line:
            if offset:
                found += [(start + offset, end + offset, infos) for start, end, infos in _line_matches(line)]
            else:
                found += _line_matches(line)
        offset += len(line) + 1
    return found


def place_mentions(text: str) -> list[PlaceMention]:
    """Every accepted place mention in ``text``, in order (rules: module doc)."""
    if not text:
        return []
    found = _matches_by_line(text)

    # Provinces/cities stated in the text, to resolve counties against.
    mentioned = {_parent_key(a.adcode) for _, _, infos in found for a in infos if a.rank < COUNTY}

    out: list[PlaceMention] = []
    prev_end, prev_codes = -2, []
    for start, end, infos in found:
        upper = [a for a in infos if a.rank < COUNTY]
        bare = None
        if upper:
            # Province and city names are unique, except short 吉林 (province
            # and city): take the province.
            chosen = [min(upper, key=lambda a: a.rank).adcode]
        else:
            chosen = []
            if start - prev_end <= 2:  # right after its city (洛阳市老城区, 洛阳市 老城区)
                before = {_parent_key(c) for c in prev_codes}
                chosen = [a.adcode for a in infos if _inside(a.adcode, before)]
            if not chosen:
                chosen = [a.adcode for a in infos if _inside(a.adcode, mentioned)]
            if not chosen:
                name = infos[0].name
                if len(name) <= 2 or name in _GENERIC_COUNTIES:
                    continue  # a common noun with no place around it
                chosen = [a.adcode for a in infos]
            if len(chosen) > 1:
                bare = infos[0].name
        out.append(PlaceMention(start, end, _common_prefix(chosen), bare))
        prev_end, prev_codes = end, chosen
    return out


def extract_regions(text: str) -> Regions:
    """Provinces, cities and counties/districts named in ``text`` (full names, sorted)."""
    found: tuple[set, set, set] = (set(), set(), set())
    for mention in place_mentions(text):
        if mention.bare:
            found[2].add(mention.bare)
        for level, name in levels(mention.code):
            found[level].add(name)
    provinces, cities, districts = found
    return Regions(sorted(provinces), sorted(cities), sorted(districts))


def _parent_key(code: str) -> str:
    """41 for a province (410000), 4103 for a city (410300)."""
    return code[:2] if code.endswith("0000") else code[:4]


def _inside(code: str, parents: set[str]) -> bool:
    """True if county ``code`` lies in one of the province/city keys ``parents``."""
    return code[:4] in parents or code[:2] in parents


# ---------------------------------------------------------------- dates

_YEAR = r"(?P<y>(?:19|20)\d{2})"
_DATE_RE = re.compile(
    r"(?<!\d)(?:"
    rf"{_YEAR}\s*年\s*(?:(?P<m>\d{{1,2}})\s*月(?:\s*(?P<d>\d{{1,2}})\s*[日号])?)?"
    r"|(?P<y2>(?:19|20)\d{2})[-./](?P<m2>\d{1,2})[-./](?P<d2>\d{1,2})(?!\d)"
    r"|(?P<m3>\d{1,2})\s*月\s*(?P<d3>\d{1,2})\s*[日号]"
    r")"
)


def _iso(y: int, m: int, d: int | None) -> str | None:
    if not 1 <= m <= 12:
        return None
    if d is None:
        return f"{y:04d}-{m:02d}"
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def extract_dates(text: str) -> list[str]:
    """Dates in ``text`` as sorted unique ISO strings (YYYY-MM-DD or YYYY-MM).

    A bare year (2021年) only gives the year for later 月日 dates. 3月15日
    without a year takes the latest year mentioned before it, and is dropped
    when no year precedes it. "Latest" rather than "nearest" because reports
    cite history between dated events: in seed 002 ``1921年成立`` sits
    between 2021's 3月26日 and 3月31日, in 003 ``自2019年5月成立以来`` before
    2021's 3月17日; the bare dates belong to the report's (latest) year.
    Impossible dates (2月30日) are ignored.
    """
    out: set[str] = set()
    year: int | None = None  # latest explicit year so far
    for m in _DATE_RE.finditer(gregorian(text)):
        if m.group("y"):
            year = max(year or 0, int(m.group("y")))
            if m.group("m"):
                day = int(m.group("d")) if m.group("d") else None
                iso = _iso(int(m.group("y")), int(m.group("m")), day)
                if iso:
                    out.add(iso)
        elif m.group("y2"):
            year = max(year or 0, int(m.group("y2")))
            iso = _iso(int(m.group("y2")), int(m.group("m2")), int(m.group("d2")))
            if iso:
                out.add(iso)
        elif year is not None:
            iso = _iso(year, int(m.group("m3")), int(m.group("d3")))
            if iso:
                out.add(iso)
    return sorted(out)


# 民國 (Republic of China) years, as Taiwan writes dates: 113年5月9日 is
# 2024-05-09 (113 + 1911). Only a full year-month-day with a 2-3 digit year
# is read so (10年3月 is "ten years and three months" in mainland text), and
# 民國113年 / 民国113年 with the era named.
ROC_OFFSET = 1911
_ROC_DATE = re.compile(r"(?<![\d.])(?P<y>\d{2,3})(?P<sep>\s*年\s*)(?=\d{1,2}\s*月\s*\d{1,2}\s*[日号])")
_ROC_ERA = re.compile(r"民[國国]\s*(?P<y>\d{1,3})(?=\s*年)")


def _roc_year(m: re.Match) -> str:
    year = int(m.group("y"))
    # From 民國34年 (1945), since when Taiwan dates so.
    return str(year + ROC_OFFSET) + m.group("sep") if 34 <= year <= 200 else m.group(0)


# In text of traditional script (Taiwan's), a bare three-digit year is a 民國
# one too: 108年度 is 2019. (In mainland text 108年 is more often a length
# of time, 108年历史, so it is read so only there.)
_ROC_YEAR = re.compile(r"(?<![\d.])(?P<y>1[0-4]\d)(?P<sep>\s*年)(?![代前来间龄级])")


def gregorian(text: str, traditional: bool = False) -> str:
    """``text`` with 民國 years written as Gregorian ones (113年5月9日 ->
    2024年5月9日, 民國113年 -> 2024年; in ``traditional`` script text also
    108年度 -> 2019年度), so that every date reader reads them."""
    if "年" not in text:
        return text
    text = _ROC_ERA.sub(lambda m: str(int(m.group("y")) + ROC_OFFSET), text)
    text = _ROC_DATE.sub(_roc_year, text)
    return _ROC_YEAR.sub(_roc_year, text) if traditional else text


_FIELD_DATE = re.compile(
    r"(?P<y>\d{2,4})\s*[年\-./]\s*(?P<m>\d{1,2})\s*[月\-./]\s*(?P<d>\d{1,2})(?!\d)"
)


# After a date, the day a span of days ends (2030/02/20-12/20, 3月1日至3月5日).
SPAN_END = re.compile(r"\s*[日号號]?\s*(?:[-~～—–]|至|到)\s*\d")


def field_span(value: str) -> bool:
    """Does a date field's value give a span of days (an event's), not one day?"""
    m = _FIELD_DATE.search(value)
    return m is not None and SPAN_END.match(value, m.end()) is not None


def field_date(value: str) -> str | None:
    """The day a header field or timestamp gives (``2026-02-09 09:45:30``,
    ``2026年02月10日 07时41分``, ``113年05月09日14:00``), ISO; None if none."""
    m = _FIELD_DATE.search(value)
    if not m:
        return None
    year = int(m.group("y"))
    if len(m.group("y")) < 4:
        year += ROC_OFFSET
    if not 1900 <= year <= 2100:
        return None
    try:
        return date(year, int(m.group("m")), int(m.group("d"))).isoformat()
    except ValueError:
        return None

"""The date of a report: one per report, and where it came from.

``report_date(report, page_text, metadata_date, file_date)`` returns
``(date, source)``; the first rung that gives a date wins:

1. ``dateline``: the opening paragraph starts with a dateline and date
   (``本报讯（记者 王建军）5月8日，`` ``新华社北京3月1日电`` ``本报讯 为……，3月17日，``:
   a date in its first sentence) or simply with a date and a comma (``6月18日，``).
2. ``closing``: a line that is only a date at the end of the report
   (``2021年6月30日``, ``二〇二一年六月三十日``), as government reports and
   notices close with the issuer and the date.
3. ``title``: a full date (or year and month) in the kicker, title or subtitle
   (``——2021年1月18日在……会议上``).
4. ``header``: the date in the page header (a short line at the top of the
   page: ``洛阳日报 2021年6月19日 星期六 第3版``).
5. ``text``: the latest full date the report mentions.
6. ``metadata``: the date the file itself records (PDF creation date, Word
   document properties, an HTML page's publication date).
7. ``year``: only a year: the latest year the report or its page mentions
   (not a target year: ``到2025年``), or an anniversary (``庆祝中国共产党成立100周年``
   is 2021, ``改革开放40周年`` 2018).
8. ``file``: the file's modification time, when nothing else dates it.

Dates without a year (``3月12日``) take the year from context: the page
header's date (a day after it belongs to the year before: a 12月30日 brief on
a page dated 2022年1月3日), else the latest year the page mentions (pages
quote history, ``2019年5月成立以来``, but are dated by their newest events), else
an anniversary year. A date is ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

from rsearch.core.analysis import fold
from rsearch.indexer.metadata import extract_dates, gregorian
from rsearch.indexer.models import Report
from rsearch.indexer.report_region import opening_paragraph

SOURCES = ("byline", "dateline", "closing", "title", "header", "today", "text", "metadata", "year", "file")

_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "О": 0}

_DATELINE_MARK = re.compile(r"^[【\[（(]?(?:本报讯|本报[^\s，。]{1,10}?讯|(?:新华社|中新社|中新网|人民网|新华网)[^\s，。]{0,16}?电)[】\]）)]?\s*")
# A byline in brackets right after the dateline: （记者 王建军 通讯员 赵丽）.
_BRACKETED = re.compile(r"^[（(][^（()）]{0,40}[）)]\s*")
_MONTH_DAY = re.compile(r"(?:(?P<y>(?:19|20)\d{2})\s*年\s*)?(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]")
_CN_DATE = re.compile(r"(?P<y>[〇一二三四五六七八九零○О]{4})年(?P<m>[一二三四五六七八九十]{1,3})月(?P<d>[一二三四五六七八九十]{1,3})日")
_ONLY_DATE = re.compile(
    r"^[（(]?\s*(?:(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
    r"|(?P<cn>[〇一二三四五六七八九零○О]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日))\s*[）)]?$"
)
_FULL_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*[日号])?")
# A year that is a target, not a time the report is in: 到2025年, 至2035年.
_YEAR = re.compile(r"(?<![到至\d])(?P<y>(?:19|20)\d{2})\s*年(?!代)")
_HEADER_LINES = 5
_HEADER_MAX = 40

# Anniversaries: event -> the year it happened. The Nth anniversary is
# celebrated in year + N. Events whose round anniversaries Chinese reports
# routinely mark; a report that celebrates one is dated by it.
ANNIVERSARY_BASES = {
    "中国共产党成立": 1921, "建党": 1921, "党的生日": 1921,
    "中华人民共和国成立": 1949, "新中国成立": 1949, "建国": 1949,
    "改革开放": 1978, "中国人民解放军建军": 1927, "建军": 1927,
    "五四运动": 1919, "辛亥革命": 1911, "中国共产主义青年团成立": 1922, "建团": 1922,
    "抗日战争胜利": 1945, "抗战胜利": 1945, "红军长征胜利": 1936, "长征胜利": 1936,
    "香港回归": 1997, "澳门回归": 1999,
}
_EVENTS = "|".join(sorted(map(re.escape, ANNIVERSARY_BASES), key=len, reverse=True))
_ANNIVERSARY = re.compile(
    rf"(?P<event>{_EVENTS})\s*(?:(?P<n>\d{{1,3}})|(?P<cn>[一二三四五六七八九十]{{1,3}}))\s*周年"
    rf"|(?P<event2>{_EVENTS})\s*百年"
)


def _cn_number(text: str) -> int:
    """一 .. 九十九 (十, 十二, 二十, 二十三)."""
    if "十" not in text:
        return _CN_DIGITS.get(text, 0)
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS.get(tens, 0) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)


def _iso(y: int, m: int, d: int | None = None) -> str | None:
    try:
        return date(y, m, d or 1).isoformat()[: 10 if d else 7]
    except ValueError:
        return None


def anniversary_years(text: str) -> list[int]:
    """Years of the anniversaries ``text`` celebrates (改革开放40周年 -> 2018)."""
    out = []
    if "周年" not in text and "百年" not in text:
        return out  # no anniversary without one of them: spares the scan
    for m in _ANNIVERSARY.finditer(text):
        if m.group("event2"):
            out.append(ANNIVERSARY_BASES[m.group("event2")] + 100)
            continue
        n = int(m.group("n")) if m.group("n") else _cn_number(m.group("cn"))
        if 0 < n <= 200:
            out.append(ANNIVERSARY_BASES[m.group("event")] + n)
    return out


def latest_year(text: str) -> int | None:
    """The latest year ``text`` is in: explicit years (not targets) and anniversaries."""
    years = [int(m.group("y")) for m in _YEAR.finditer(text)] + anniversary_years(text)
    return max(years) if years else None


# Per page, not per report: every report of a file asks for its page's
# year and header date (a page of briefs is one file of many reports).
@lru_cache(maxsize=8)
def _page_year(page_text: str) -> int | None:
    return latest_year(page_text)


@lru_cache(maxsize=8)
def header_date(page_text: str) -> str | None:
    """The full date in the page header (a short line among the first lines)."""
    lines = [line.strip() for line in page_text.split("\n") if line.strip()][:_HEADER_LINES]
    for line in lines:
        if len(line) > _HEADER_MAX or "。" in line:
            continue
        m = _FULL_DATE.search(line)
        if m and m.group("d"):
            return _iso(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    return None


def _with_year(month: int, day: int, year: int | None, header: str | None) -> str | None:
    if header:
        hy = int(header[:4])
        iso = _iso(hy, month, day)
        if iso and iso > header:  # after the page's date: the year before
            iso = _iso(hy - 1, month, day)
        return iso
    return _iso(year, month, day) if year else None


def _dateline(opening: str, year: int | None, header: str | None) -> str | None:
    mark = _DATELINE_MARK.match(opening)
    rest = opening[mark.end():] if mark else opening
    rest = _BRACKETED.sub("", rest)
    if mark:
        # 新华社北京3月1日电: the date is inside the mark.
        inside = _MONTH_DAY.search(mark.group(0))
        if inside:
            return _dated(inside, year, header)
        first_sentence = re.split(r"[。！？]", rest, maxsplit=1)[0]
        m = _MONTH_DAY.search(first_sentence)
    else:
        # No dateline mark: only a date that opens the report as a dateline
        # does (6月18日，...), not 2021年3月4日召开 in a summary's first sentence.
        m = _MONTH_DAY.match(rest)
        if m and not re.match(r"\s*[，,]", rest[m.end():]):
            m = None
    return _dated(m, year, header) if m else None


def _dated(m: re.Match, year: int | None, header: str | None) -> str | None:
    if m.group("y"):
        return _iso(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    return _with_year(int(m.group("m")), int(m.group("d")), year, header)


def _only_date(line: str) -> str | None:
    m = _ONLY_DATE.match(line.strip())
    if not m:
        return None
    if m.group("cn"):
        c = _CN_DATE.match(m.group("cn"))
        y = int("".join(str(_CN_DIGITS[ch]) for ch in c.group("y")))
        return _iso(y, _cn_number(c.group("m")), _cn_number(c.group("d")))
    return _iso(int(m.group("y")), int(m.group("m")), int(m.group("d")))


def _closing(report: Report, page_text: str, single_report: bool) -> str | None:
    tail = [p.text for p in report.paragraphs()][-3:]
    if single_report:
        # The structure parser may have kept the closing line out of the
        # paragraphs (issuer and date are not body text): look at the page.
        tail += [line for line in page_text.split("\n") if line.strip()][-3:]
    for text in reversed(tail):
        for line in reversed(text.split("\n")):
            found = _only_date(line)
            if found:
                return found
    return None


def _title_date(report: Report) -> str | None:
    title = " ".join(x for x in (report.kicker, report.title, report.subtitle) if x)
    m = _FULL_DATE.search(title)
    if not m:
        return None
    return _iso(int(m.group("y")), int(m.group("m")), int(m.group("d")) if m.group("d") else None)


# ``今(9)日`` - "today, the 9th": press releases date their news by the day of
# the month the release went out (昨(8)日 the day before it, 明(10)日 after).
_TODAY = re.compile(r"(?P<rel>今|昨|前|明)\s*[（(]\s*(?P<d>\d{1,2})\s*[)）]\s*日")
_SHIFT = {"今": 0, "昨": 1, "前": 2, "明": -1}
_DAY_MENTION = re.compile(r"(?:(?P<y>(?:19|20)\d{2})\s*年\s*)?(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]")


def _today(text: str, year: int | None) -> str | None:
    """The day of a release that says ``今(9)日``: its month from a mention of
    that day (5月9日), else from the latest month the text names."""
    m = _TODAY.search(text)
    if not m:
        return None
    day = int(m.group("d")) + _SHIFT[m.group("rel")]
    mentions = [(int(x.group("y")) if x.group("y") else None, int(x.group("m")), int(x.group("d")))
                for x in _DAY_MENTION.finditer(text)]
    same = [(y, mo) for y, mo, d in mentions if d == int(m.group("d"))]
    if same:
        y, month = same[0]
    elif mentions:
        y, month, _ = mentions[0]
    else:
        return None
    y = y or year
    if y is None:
        return None
    try:
        return (date(y, month, 1) + timedelta(days=day - 1)).isoformat()
    except (ValueError, OverflowError):
        return None


def report_text(report: Report) -> str:
    return "\n".join(
        [report.kicker or "", report.title or "", report.subtitle or ""]
        + [s.title or "" for s in report.sections]
        + [p.text for p in report.paragraphs()]
    )


def report_date(
    report: Report,
    page_text: str = "",
    *,
    single_report: bool = True,
    metadata_date: str | None = None,
    file_date: str | None = None,
) -> tuple[str | None, str | None]:
    """(date, source) of ``report`` (see module doc); (None, None) if undated."""
    if report.byline_date:
        return report.byline_date, "byline"
    text = report_text(report)
    traditional = fold(text) != text  # Taiwan's script: 108年 is a 民國 year
    text = gregorian(text, traditional)
    page_text = gregorian(page_text, traditional)
    header = report.header_date or header_date(page_text)
    year = (_page_year(page_text) if page_text else latest_year(text)) or latest_year(text)
    found = _dateline(gregorian(opening_paragraph(report)), year, header)
    if found:
        return found, "dateline"
    for source, value in (
        ("closing", _closing(report, page_text, single_report)),
        ("title", _title_date(report)),
        ("header", header),
        ("today", _today(text, year)),
    ):
        if value:
            return value, source
    context = str(int(header[:4])) if header else (str(year) if year else "")
    full = [d for d in extract_dates(f"{context}年\n{text}" if context else text) if len(d) == 10]
    if header:
        full = [d for d in full if d <= header] or full
    if full:
        return max(full), "text"
    if metadata_date:
        return metadata_date, "metadata"
    own_year = latest_year(text) or year
    if own_year:
        return str(own_year), "year"
    if file_date:
        return file_date, "file"
    return None, None

"""The date of a report: one per report, and where it came from.

``report_date(report, page_text, metadata_date=, name_date=)`` returns
``(date, source)``; the first rung that gives a date wins. First what the
text says of its own date:

1. ``byline``: the date a paper prints with its byline
   (``《人民日报》（2025年01月02日第 05 版）``).
2. ``dateline``: the opening paragraph starts with a dateline and date
   (``本报讯（记者 王建军）5月8日，`` ``新华社北京3月1日电`` ``中国经济网北京6月12日讯``
   ``本报讯 为……，3月17日，``: a date in its first sentence) or simply with a
   date and a comma (``6月18日，``). Such a bare opening date is the day of
   the news, not of the report: the page's header or the file's record up
   to a week after it is the day the report came out, and outranks it.
3. ``closing``: a line that is only a date at the end of the report
   (``2021年6月30日``, ``二〇二一年六月三十日``), as government reports and
   notices close with the issuer and the date.
4. ``title``: a full date (or year and month) in the kicker, title or subtitle
   (``——2021年1月18日在……会议上``).
5. ``header``: the date in the page header (a short line at the top of the
   page: ``洛阳日报 2021年6月19日 星期六 第3版``) or a header field
   (``时间：2026-02-09``, ``發稿時間：113年05月09日``).
6. ``today``: the day a release says is today (``今(9)日``, ``昨(8)日``
   (the day after the 8th), ``今天（6月12日）``).

Then the file's own record of its date:

7. ``metadata``: the date the file records about itself (an HTML page's
   publication meta, a PDF's creation date, Word document properties).
8. ``file name``: a date written in the file's name or its folder's
   (``2024-05-09 市政新闻.pdf``, ``report_20240509.txt``; ``file_name_date``).

Then what the text merely mentions:

9. ``day``: the day of the month the first sentence names (``市议会2日下午召开``):
   the day of the news, often the day before the report's own.
10. ``text``: the year of the latest full date the report mentions (the
    day itself is rarely the report's: measured, see below).
11. ``year``: the year of an anniversary the report celebrates
    (``庆祝中国共产党成立100周年`` is 2021, ``改革开放40周年`` 2018). The latest
    year a text merely mentions (plans, history) is no date: on the labelled
    real documents it was the report's year one time in three.

The file's modification time is never a report's date (copying a file
changes it): a report nothing dates has no date.

Dates without a year (``3月12日``) take the year from context: the page
header's date (a day after it belongs to the year before: a 12月30日 brief on
a page dated 2022年1月3日), else the file's record (the same way), else the
newest full date of the time the page gives (not a span's bound nor a
deadline), else the anniversary it celebrates. A year merely mentioned
(``自2009年以来``, ``2022年底``, ``2025年春季``) is no context: on held-out news
it gave every yearless dateline it decided a wrong year, so such a report
is undated. Nor is a document's metadata date a report's when it is older
than every year the text is in, by more than a year (a PDF's default
creation date). A day without a month (``今(9)日``) takes the month of a mention of that day (``5月9日``), else
the month around the header's date or the file's record. Where the file's
record decided the year or month of a date the text gives, the source says
so: ``today+file name``, ``dateline+metadata``. A date is ``YYYY-MM-DD``,
``YYYY-MM`` or ``YYYY``.
"""

from __future__ import annotations

import re
import os
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from rsearch.core.analysis import fold
from rsearch.indexer.metadata import SPAN_END as _SPAN_END, gregorian
from rsearch.indexer.models import Report
from rsearch.indexer.report_region import opening_paragraph

SOURCES = ("byline", "dateline", "closing", "title", "header", "today", "metadata", "file name", "day", "text", "year")
# The file's own record of its date, as opposed to its text.
RECORDS = ("metadata", "file name")


def source_parts(source: str | None) -> tuple[str | None, str | None]:
    """``today+file name`` -> (``today``, ``file name``): the rung, and the
    record that gave the year or month of a date the text gives (or None)."""
    if not source:
        return None, None
    rung, _, record = source.partition("+")
    return rung, record or None

_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "О": 0}

_DATELINE_MARK = re.compile(r"^[【\[（(]?(?:本报讯|本报[^\s，。]{1,10}?讯|(?:新华社|中新社|中新网|人民网|新华网)[^\s，。]{0,16}?电)[】\]）)]?\s*")
# A byline in brackets right after the dateline: （记者 王建军 通讯员 赵丽）.
_BRACKETED = re.compile(r"^[（(][^（()）]{0,40}[）)]\s*")
_MONTH_DAY = re.compile(r"(?:(?P<y>(?:19|20)\d{2})\s*年\s*)?(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]")
_CN_DATE = re.compile(r"(?P<y>[〇一二三四五六七八九零○О]{4})年(?P<m>[一二三四五六七八九十]{1,3})月(?P<d>[一二三四五六七八九十]{1,3})日")
_ONLY_DATE = re.compile(
    r"^[（(]?\s*(?:(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
    r"|(?P<cn>[〇一二三四五六七八九零○О]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日))\s*[）)]?"
    r"(?:\s*[（(]?\s*(?:星期|周|週)[一二三四五六日天]\s*[）)]?)?$"  # 2031年3月6日（星期四）
)
_FULL_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*[日号])?")
# A year that is a target, not a time the report is in: 到2025年, 至2035年;
# nor either end of a span (2027年至2036年, 2027—2036年: a plan's period,
# which may lie years ahead), except a span up to now (2019年至今).
_YEAR = re.compile(
    r"(?<![到至\d—–\-~～])(?P<y>(?:19|20)\d{2})\s*年(?!代)(?!\s*(?:[至到](?!今)|[—–\-~～]\s*(?:19|20)\d{2}))"
)
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


def mentioned_years(text: str) -> set[int]:
    """The years ``text`` is in: explicit years (not targets) and anniversaries."""
    return {int(m.group("y")) for m in _YEAR.finditer(text)} | set(anniversary_years(text))


# Per page, not per report: every report of a file asks for its page's
# year and header date (a page of briefs is one file of many reports).
@lru_cache(maxsize=8)
def _year_of_the_time(text: str) -> int | None:
    """The year a date without one (3月9日) is read in when nothing else
    dates the text: that of the newest full date it gives that is not the
    bound of a span or a deadline, else of the anniversary it celebrates
    (建党100周年: 2021). A year merely mentioned (自2009年以来, 2022年底,
    2025年春季) is none: on held-out news it gave a wrong year to every
    yearless dateline it decided."""
    full = _dates_of_the_time(text)
    if full:
        return int(max(full)[:4])
    celebrated = anniversary_years(text)
    return max(celebrated) if celebrated else None


@lru_cache(maxsize=8)
def header_date(page_text: str) -> str | None:
    """The full date in the page header (a short line among the first lines)."""
    lines = [line.strip() for line in page_text.split("\n") if line.strip()][:_HEADER_LINES]
    for line in lines:
        if len(line) > _HEADER_MAX or "。" in line:
            continue
        m = _FULL_DATE.search(line)
        if m and m.group("d") and not _SPAN_END.match(line, m.end()):
            return _iso(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    return None


@dataclass(frozen=True)
class Anchor:
    """What a date written without its year (3月9日) or month (今(9)日,
    9日下午) is read against: the page header's date, the file's own record
    of its date (``record``, from ``record_source``: an HTML page's
    publication meta, a document's creation date, a date in the file's
    name), and the year of the text's own time (``_year_of_the_time``)."""

    year: int | None = None
    header: str | None = None
    record: str | None = None
    record_source: str | None = None


def _not_after(reference: str, month: int, day: int) -> str | None:
    """``month``/``day`` in the year of ``reference``, or the year before
    when that falls after it (a 12月30日 brief on a page of 2022年1月3日)."""
    year = int(reference[:4])
    iso = _iso(year, month, day)
    if iso and iso > reference:
        iso = _iso(year - 1, month, day)
    return iso


def _with_year(month: int, day: int, anchor: Anchor) -> tuple[str | None, bool]:
    """The date of a month and day without a year, and whether the file's
    record (not the text) decided it."""
    if anchor.header:
        return _not_after(anchor.header, month, day), False
    by_text = _iso(anchor.year, month, day) if anchor.year else None
    if anchor.record:
        by_record = _not_after(anchor.record, month, day)
        return by_record, by_record != by_text
    return by_text, False


def _agrees(record: str, years: set[int]) -> bool:
    """Can a file's record of its date give the year of a date its text
    gives without one? Yes if the text names that year or the one before
    (reports cite last year's figures), or no year at all. A record of
    another time is the date a tool stamped (a default creation date,
    2000-01-01) or the file was saved, not the report's."""
    year = int(record[:4])
    return not years or year in years or year - 1 in years


def _predates(record: str, years: set[int]) -> bool:
    """Is a document's own record of its date (its metadata, not a name a
    person gave the file) older than every year its text is in, by more than
    a year (a PDF's creation date 2000-01-01 on a report of 2021)? Then it is
    a tool's default or a template's, not the report's date."""
    return bool(years) and int(record[:4]) + 1 < min(years)


def _nearest_day(reference: str, day: int) -> str | None:
    """The date with day of month ``day`` nearest to ``reference`` (its own
    month, the one before or the one after)."""
    ref = date.fromisoformat(reference[:10])
    candidates = []
    for shift in (-1, 0, 1):
        y, m = divmod(ref.year * 12 + ref.month - 1 + shift, 12)
        try:
            candidates.append(date(y, m + 1, day))
        except ValueError:
            continue
    if not candidates:
        return None
    return min(candidates, key=lambda d: (abs((d - ref).days), d)).isoformat()


# A wire dateline with its date: 新华社北京3月1日电, 中国经济网北京6月12日讯,
# 科技日报兰州6月11日电 (an outlet and a place before the date, 电/讯 after).
_WIRE_DATELINE = re.compile(r"^[^\s，。、“”：:（）()]{2,20}?\d{1,2}\s*月\s*\d{1,2}\s*日\s*[电讯]")


def _dateline(opening: str, anchor: Anchor) -> tuple[str | None, bool]:
    """The date of the report's dateline (see the module doc), and whether
    the file's record decided its year."""
    mark = _dateline_mark(opening)
    rest = opening[mark.end():] if mark else opening
    rest = _BRACKETED.sub("", rest)
    if mark:
        # 新华社北京3月1日电: the date is inside the mark.
        inside = _MONTH_DAY.search(mark.group(0))
        if inside:
            return _dated(inside, anchor)
        first_sentence = re.split(r"[。！？]", rest, maxsplit=1)[0]
        m = _MONTH_DAY.search(first_sentence)
    else:
        # No dateline mark: only a date that opens the report as a dateline
        # does (6月18日，...), not 2021年3月4日召开 in a summary's first sentence.
        m = _MONTH_DAY.match(rest)
        if m and not re.match(r"\s*[，,]", rest[m.end():]):
            m = None
    return _dated(m, anchor) if m else (None, False)


def _dateline_mark(opening: str) -> re.Match | None:
    return _DATELINE_MARK.match(opening) or _WIRE_DATELINE.match(opening)


# How long after the day of its news a page may be published: a page's own
# date (its header, the file's record) up to this many days after a date
# that merely opens the text (6月11日，…) is the day the report came out.
_NEWS_TO_PAGE = timedelta(days=7)


def _published_after(day: str, page_dates: tuple[str | None, ...]) -> str | None:
    """The first of ``page_dates`` that is a full date up to _NEWS_TO_PAGE
    after ``day`` (a full date too), else None."""
    if len(day) != 10:
        return None
    news = date.fromisoformat(day)
    for page in page_dates:
        if page and len(page) == 10 and timedelta(0) < date.fromisoformat(page) - news <= _NEWS_TO_PAGE:
            return page
    return None


def _dated(m: re.Match, anchor: Anchor) -> tuple[str | None, bool]:
    if m.group("y"):
        return _iso(int(m.group("y")), int(m.group("m")), int(m.group("d"))), False
    return _with_year(int(m.group("m")), int(m.group("d")), anchor)


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
        # ——二〇二六年一月二十七日在…会议上: the date in Chinese numerals.
        c = _CN_DATE.search(title)
        if c is None:
            return None
        y = int("".join(str(_CN_DIGITS[ch]) for ch in c.group("y")))
        return _iso(y, _cn_number(c.group("m")), _cn_number(c.group("d")))
    return _iso(int(m.group("y")), int(m.group("m")), int(m.group("d")) if m.group("d") else None)


# ``今(9)日`` - "today, the 9th": press releases date their news by the day of
# the month the release went out (昨(8)日 the day before it, 明(10)日 after);
# 今天（6月12日） names the month too.
_TODAY = re.compile(r"(?P<rel>今|昨|前|明)\s*[（(]\s*(?P<d>\d{1,2})\s*[)）]\s*(?:日|(?![年月时時\d]))")
_TODAY_FULL = re.compile(
    r"(?:今天|今日)\s*[（(]\s*(?P<m>\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s*日\s*[)）]"
)
_SHIFT = {"今": 0, "昨": 1, "前": 2, "明": -1}
_DAY_MENTION = re.compile(r"(?:(?P<y>(?:19|20)\d{2})\s*年\s*)?(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]")
# A day of the month with no month in a report's first sentence, as news
# dates its lead (``市議會2日下午召開``, ``22日進行質詢``) - not a span of
# days (``3日游``, ``7日内``, ``30日以上``) or a day of a named month.
_BARE_DAY = re.compile(
    r"(?<![\d月年./\-~～—、至到及和与與])(?P<d>[1-9]|[12]\d|3[01])\s*[日号](?![\d内內间間游遊以之期前后後左至到、)）]|[(（])"
)


def _day_in_month(day: int, text: str, anchor: Anchor) -> tuple[str | None, bool]:
    """The date of a day of the month the text names without its month
    (``今(9)日``, ``9日下午``): the month of a mention of that day (5月9日)
    near the page header's date or the file's record, else the month around
    that date (whichever is nearest), else the first month the text names."""
    reference = anchor.header or anchor.record
    for x in _DAY_MENTION.finditer(text):
        if int(x.group("d")) != day:
            continue
        if x.group("y"):
            found, from_record = _iso(int(x.group("y")), int(x.group("m")), day), False
        else:
            found, from_record = _with_year(int(x.group("m")), day, anchor)
        # 今(5)日 and a 3月5日 months away from the release: another day.
        if found and (reference is None or abs((date.fromisoformat(found) - date.fromisoformat(reference[:10])).days) <= 31):
            return found, from_record
        break
    if reference:
        return _nearest_day(reference, day), not anchor.header
    first = _DAY_MENTION.search(text)
    if first and (first.group("y") or anchor.year):
        return _iso(int(first.group("y") or anchor.year), int(first.group("m")), day), False
    return None, False


def _today(text: str, anchor: Anchor) -> tuple[str | None, bool]:
    """The day a release says is today (``今(9)日``, ``昨(8)日`` the day
    after the 8th, ``今天（6月12日）``)."""
    full = _TODAY_FULL.search(text)
    if full:
        # 今日（三月六日）: Hong Kong's releases write the day in Chinese numerals.
        month, day = (int(x) if x.isdigit() else _cn_number(x) for x in full.group("m", "d"))
        return _with_year(month, day, anchor)
    m = _TODAY.search(text)
    if not m:
        return None, False
    found, from_record = _day_in_month(int(m.group("d")), text, anchor)
    if found is None:
        return None, False
    return (date.fromisoformat(found) + timedelta(days=_SHIFT[m.group("rel")])).isoformat(), from_record


def _lead_day(opening: str, text: str, anchor: Anchor) -> tuple[str | None, bool]:
    """The day of the month the report's first sentence names (``市議會2日
    下午召開``): the day of its news, which a file's own record of its date
    outranks (news of the 7th is broadcast on the 8th)."""
    first_sentence = re.split(r"[。！？]", opening, maxsplit=1)[0]
    m = _BARE_DAY.search(first_sentence)
    return _day_in_month(int(m.group("d")), text, anchor) if m else (None, False)


# A full date that bounds a span or a deadline (自…起, 至…止, 截至…, …前)
# is when something starts or must end, not when the report was written.
_SPAN_BEFORE = re.compile(r"(?:自|从|至|到|迄|截至|截止|止于|直到)\s*$")
_SPAN_AFTER = re.compile(r"^\s*(?:[日号])?\s*(?:\d{1,2}\s*[时時点點:：]\s*\d{0,2}\s*分?)?\s*(?:起|止|前|为止|以前|之前|截止|至|到|[-~～—–])")


def _dates_of_the_time(text: str) -> list[str]:
    """The full dates (with their year) ``text`` gives that are not the
    bounds of a span or a deadline."""
    out = []
    for m in _DAY_MENTION.finditer(text):
        if not m.group("y"):
            continue
        if _SPAN_BEFORE.search(text, max(0, m.start() - 4), m.start()) or _SPAN_AFTER.match(text[m.end():m.end() + 12]):
            continue
        found = _iso(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        if found:
            out.append(found)
    return out


def report_text(report: Report, captions: bool = True) -> str:
    """The report's title block, section titles and paragraphs (without
    captions if ``captions`` is False)."""
    return "\n".join(
        [report.kicker or "", report.title or "", report.subtitle or ""]
        + [s.title or "" for s in report.sections]
        + [p.text for p in report.paragraphs() if captions or p.kind != "caption"]
    )


def report_date(
    report: Report,
    page_text: str = "",
    *,
    single_report: bool = True,
    metadata_date: str | None = None,
    name_date: str | None = None,
) -> tuple[str | None, str | None]:
    """(date, source) of ``report`` (see module doc); (None, None) if undated.

    ``metadata_date`` is the date the file records about itself (an HTML
    page's publication meta, a PDF's or Word file's creation date),
    ``name_date`` a date written in the file's name (``file_name_date``).
    A date the text gives whose year or month came from one of them has
    the source ``<rung>+<record>`` (``today+file name``)."""
    if report.byline_date:
        return report.byline_date, "byline"
    text = report_text(report)
    traditional = fold(text) != text  # Taiwan's script: 108年 is a 民國 year
    text = gregorian(text, traditional)
    page_text = gregorian(page_text, traditional)
    header = report.header_date or header_date(page_text)
    year = (_year_of_the_time(page_text) if page_text else None) or _year_of_the_time(text)
    record, record_source = (metadata_date, "metadata") if metadata_date else (name_date, "file name")
    # (The years of its own text: not of captions, nor the lists of other
    # headlines a web page sets under its story.)
    if record and not _agrees(record, mentioned_years(gregorian(report_text(report, captions=False), traditional))):
        record = None  # it dates the file, not the report: no context for the text's dates
    anchor = Anchor(year, header, record, record_source if record else None)
    opening = gregorian(opening_paragraph(report), traditional)
    found, from_record = _dateline(opening, anchor)
    if found and not _dateline_mark(opening):
        # No dateline: a date that opens the text (6月11日，…) is the day of
        # the news, as the lead's day is; the page's own date a few days
        # later is the day the report came out.
        published = _published_after(found, (header, record))
        if published:
            return published, "header" if published == header else record_source
    if found:
        return found, "dateline" + (f"+{record_source}" if from_record else "")
    for source, value in (
        ("closing", _closing(report, page_text, single_report)),
        ("title", _title_date(report)),
        ("header", header),
    ):
        if value:
            return value, source
    found, from_record = _today(text, anchor)
    if found:
        return found, "today" + (f"+{record_source}" if from_record else "")
    # The file's own record of its date outranks what the text merely
    # mentions: a release names the days of coming events, a report the
    # dates of past ones, neither of which is its own.
    if metadata_date and not _predates(metadata_date, mentioned_years(text)):
        return metadata_date, "metadata"
    if name_date:
        return name_date, "file name"
    found, _ = _lead_day(opening, text, anchor)
    if found:
        return found, "day"
    # What the text merely mentions dates it only to the year: the newest
    # full date a report names is its own day in one case of seven on the
    # labelled real documents, but its year in two of three; the newest year
    # alone (plans, history) is right one time in three - too often wrong to
    # give, unless an anniversary the report celebrates names it.
    # (Only dates with a year of their own: those of a month and day read
    # with the text's newest year were right less often still.)
    full = _dates_of_the_time(text)
    if full:
        return max(full)[:4], "text"
    celebrated = anniversary_years(text)
    if celebrated:
        return str(max(celebrated)), "year"
    return None, None


# A date written in a file's name, as people name what they save
# (``2024-05-09 市政新闻.pdf``, ``report_20240509.txt``, ``2024年5月9日通报.docx``,
# ``113年5月9日新聞稿.txt`` in 民國 years): year, month and day with one
# separator (- _ . or none) or in Chinese, not inside a longer number.
_NAME_DATES = (
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<s>[-_.])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01])(?!\d)"),
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]"),
)


def file_name_date(path: str | os.PathLike) -> str | None:
    """The date written in a file's name (see ``_NAME_DATES``), else in the
    name of its folder (``2024-05-09/头版.txt``); None if neither has one.
    The file's modification time is no report's date: copying a file
    changes it."""
    p = Path(path)
    for name in (p.stem, p.parent.name):
        text = gregorian(name, True)
        for pattern in _NAME_DATES:
            for m in pattern.finditer(text):
                found = _iso(int(m.group("y")), int(m.group("m")), int(m.group("d")))
                if found:
                    return found
    return None

"""Pass 0: the web page around a report - chrome and header fields.

Text saved from web pages carries the page's controls and furniture along
with the report::

    下载 / 打印 / 全屏 / 收藏 / 【字号： / 加大 / 还原 / 减小 / 】   <- controls
    当前位置： / 首页 / > / 政务信息 / > / 要闻                    <- breadcrumb
    来源：某某日报 / 时间：2026-02-09 / 发表时间： / 2026-02-09 09:45  <- header fields
    發稿單位：… / 發稿時間：113年05月09日14:00                     <- (a press release's)
    分享到： / 微信 / 微博                                         <- share line

``strip_chrome`` removes the controls, breadcrumbs, share lines and header
fields, so that none of them becomes a title or body text, and returns what
the fields said (``Header``: the page's date and source). Credits among the
fields (作者：, 责任编辑：, 發稿人：) stay in the text: they are bylines.

Every word list below is web-page vocabulary, not any one site's: a line is
chrome only when all of it is such words, and single-character controls
(大 / 中 / 小) only beside a line that names the control (字号, 字体).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rsearch.core.analysis import fold
from rsearch.indexer.metadata import field_date, field_span

# Page controls, folded (simplified) script.
_CONTROLS = frozenset(
    "下载 打印 全屏 收藏 关闭 关闭窗口 打印本页 打印此页 返回 返回顶部 返回首页 分享 分享到 字号 字体 加大 还原 减小 默认 "
    "放大 缩小 增大 扫一扫 微信 微博 朋友圈 QQ空间 QQ 复制链接 上一篇 下一篇 首页 正文 阅读模式 纠错 我要纠错 "
    "繁体 简体 繁 简 无障碍 适老化 长辈版 视力保护 视频 图片".split()
)
_SMALL = frozenset("大 中 小 【 】 [ ] > » › / | ｜ · ： :".split())
_ANCHORS = frozenset("下载 打印 字号 字体 分享 分享到 收藏 全屏 关闭 打印本页 扫一扫".split())
_SPLIT = re.compile(r"[\s【】\[\]（）()：:|｜/>»›·,，、]+")

# The links to the site's neighbouring items (上一篇：某某新闻) and its
# invitations (扫一扫在手机打开当前页): whole lines of the page, not the report.
_NEIGHBOURS = "上一篇|下一篇|上一条|下一条|上篇|下篇"
_NAVIGATION = re.compile(rf"^(?:[【\[](?:{_NEIGHBOURS})[】\]]|(?:{_NEIGHBOURS})\s*[：:]|扫一扫.{{0,16}}$)")

_BRACKETED_CONTROLS = re.compile(r"^(?:[【\[](?:" + "|".join(sorted(_CONTROLS, key=len, reverse=True)) + r")[】\]]\s*)+")

# Breadcrumbs: 当前位置：首页 > 新闻 > 正文.
_CRUMB_START = re.compile(r"^(?:您的位置|您现在的位置|当前位置|所在位置|位置)\s*[：:]")
_CRUMB_SEP = re.compile(r"^[>»›/|｜\-]+$|^(?:->|→)$")
_CRUMB_ITEM_MAX = 12
# A breadcrumb on one line: 首页 > 政务公开 > 通知公告 (the home page first,
# then short items between separators).
_CRUMB_HOME = ("首页", "主页", "网站首页", "返回首页")
_CRUMB_SPLIT = re.compile(r"\s*(?:>>|->|[>»›→/|｜])\s*")

# Header fields: label, colon, value (the value may be on the next line).
_DATE_FIELDS = ("时间", "发布时间", "发表时间", "发布日期", "日期", "更新时间", "发稿时间", "发稿日期", "发文日期", "成文日期", "发布于")
_SOURCE_FIELDS = ("来源", "信息来源", "稿件来源", "文章来源", "稿源", "出处")
_ISSUER_FIELDS = ("发稿单位", "发布单位", "发布机构", "发文机关", "来源单位")
_TITLE_FIELDS = ("标题",)
# (The catalogue fields of a government site's document page, 索引号 … 发文字号,
# describe the document printed under them.)
_DROP_FIELDS = ("浏览次数", "阅读量", "阅读次数", "点击数", "点击量", "访问量", "浏览量", "字号", "字体", "索引号", "分类",
                "主题分类", "体裁分类", "组配分类", "主题词", "有效性")
# Fields kept in the text (a document's number is searched for), but never
# its title.
_KEPT_FIELDS = ("发文字号", "文号")
# A label may be spaced out to the width of the others (索  引  号, 标　　题).
_FIELD = re.compile(
    "^[（(]?(?P<label>" + "|".join(
        r"\s*".join(label) for label in
        sorted(_DATE_FIELDS + _SOURCE_FIELDS + _ISSUER_FIELDS + _TITLE_FIELDS + _DROP_FIELDS + _KEPT_FIELDS,
               key=len, reverse=True)
    ) + r")\s*[：:]\s*(?P<value>.*)$"
)
_FIELD_MAX = 100
# Credits that share a page's info line with its fields (来源：… 作者：…).
_CREDIT_LABELS = ("作者", "记者", "撰稿", "撰文", "摄影", "通讯员", "编辑", "责任编辑", "责编", "校对", "审核", "发稿人")
_ALL_LABELS = sorted(_DATE_FIELDS + _SOURCE_FIELDS + _ISSUER_FIELDS + _TITLE_FIELDS + _DROP_FIELDS + _KEPT_FIELDS
                     + _CREDIT_LABELS, key=len, reverse=True)
_PAIR = re.compile("(?<![\u4e00-\u9fff])(?P<label>" + "|".join(_ALL_LABELS) + r")\s*[：:]\s*")
# A colon that is not a clock's (10:15).
_COLON = re.compile(r"[：:](?!\d{2}\b)")
_STAMP_START = re.compile(
    r"^(?:19|20)\d{2}\s*[年\-./]\s*\d{1,2}\s*[月\-./]\s*\d{1,2}\s*日?(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?\s*"
)
# A line that is only a date and time: 2026-02-03 09:02:33, 2026年02月10日 07时41分.
_TIMESTAMP = re.compile(
    r"^(?:(?:19|20)\d{2}|\d{2,3})\s*[年\-./]\s*\d{1,2}\s*[月\-./]\s*\d{1,2}\s*日?"
    r"(?:\s*(?:星期|周)[一二三四五六日天])?(?:\s*\d{1,2}\s*[:：时]\s*\d{1,2}(?:\s*[:：分]\s*\d{1,2})?\s*秒?分?)?$"
)
_PLAIN_DATE = re.compile(r"^(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
# Lines of the top of a page that are looked at for header fields: up to the
# first long paragraph (with a full stop: a long title has none).
_LONG_PARAGRAPH = 60


@dataclass
class Header:
    """What the page's header fields said."""

    date: str | None = None  # ISO date of a date field or a timestamp line
    source: str | None = None  # 来源：the outlet the page took the report from
    issuer: str | None = None  # 发稿单位：the body that issued it
    title: str | None = None  # 标题：the title a page's catalogue gives its document


def _tokens(folded: str) -> list[str]:
    return [t for t in _SPLIT.split(folded) if t]


def _control_line(folded: str) -> tuple[bool, bool]:
    """(made only of controls, names a control that may anchor 大/中/小)."""
    stripped = folded.strip()
    if not stripped:
        return False, False
    if all(ch in "".join(_SMALL) or ch.isspace() for ch in stripped):
        return True, False
    tokens = _tokens(stripped)
    if tokens and all(t in _CONTROLS or t in _SMALL or _segments(t) for t in tokens):
        return True, any(t in _ANCHORS or any(a in t for a in _ANCHORS) for t in tokens)
    return False, False


def _segments(token: str) -> bool:
    """``下载打印``: a run of control words written together."""
    if len(token) < 4:
        return False
    pos = 0
    while pos < len(token):
        for size in (5, 4, 3, 2):
            if token[pos:pos + size] in _CONTROLS:
                pos += size
                break
        else:
            return False
    return True


def _info_line(folded: str) -> tuple[str, list[tuple[str, int, int]]] | None:
    """A page's info line: an optional timestamp, then only known fields and
    credits, at least two things in all (``2026-02-09 10:15 来源：某某日报``,
    ``来源：某某日报 作者：某某``). (timestamp, [(label, value start, value
    end)]), else None."""
    stamp = _STAMP_START.match(folded)
    at = stamp.end() if stamp else 0
    pairs = list(_PAIR.finditer(folded, at))
    if not pairs or pairs[0].start() != at or len(pairs) + bool(stamp) < 2:
        return None
    if len(_COLON.findall(folded, at)) != len(pairs):
        return None  # another label (地点：…): a notice's text, not the page's fields
    ends = [p.start() for p in pairs[1:]] + [len(folded)]
    return (stamp.group(0).strip() if stamp else ""), [
        ("".join(p.group("label").split()), p.end(), end) for p, end in zip(pairs, ends)
    ]


def field_line(line: str) -> bool:
    """Is ``line`` a header field of a page (``发布时间：…``, ``发文字号：…``)?"""
    return _FIELD.match(fold(line.strip())) is not None


def _crumb_line(folded: str) -> bool:
    """A breadcrumb on one line (``首页 > 政务公开 > 通知公告``)."""
    if not folded.startswith(_CRUMB_HOME):
        return False
    items = _CRUMB_SPLIT.split(folded)
    return len(items) >= 2 and all(0 < len(item) <= _CRUMB_ITEM_MAX for item in items)


def _single_chars(folded: str) -> bool:
    stripped = folded.strip()
    return bool(stripped) and all(t in _SMALL for t in stripped.split())


def strip_chrome(lines: list[str]) -> tuple[list[str], Header]:
    """Lines without page chrome and header fields (see module doc)."""
    header = Header()
    folded = [fold(line.strip()) for line in lines]
    drop = [False] * len(lines)

    # Controls: runs of control lines; a run of only 大/中/小 needs an anchor.
    k = 0
    while k < len(lines):
        is_control, anchored = _control_line(folded[k])
        if not is_control:
            k += 1
            continue
        run = [k]
        anchor = anchored
        j = k + 1
        while j < len(lines):
            if not folded[j]:
                j += 1
                continue
            c, a = _control_line(folded[j])
            if not c:
                break
            run.append(j)
            anchor = anchor or a
            j += 1
        if anchor or any(not _single_chars(folded[i]) for i in run):
            for i in run:
                drop[i] = True
        k = j

    # Breadcrumbs, links to neighbouring items.
    for i, text in enumerate(folded):
        drop[i] = drop[i] or _crumb_line(text) or bool(_NAVIGATION.match(text))
    # Controls in brackets before a credit (【纠错】 【责任编辑：某某】).
    for i, text in enumerate(folded):
        m = None if drop[i] else _BRACKETED_CONTROLS.match(text)
        if m and m.end() < len(text):
            lines[i], folded[i] = lines[i].strip()[m.end():], text[m.end():]
    k = 0
    while k < len(lines):
        if not _CRUMB_START.match(folded[k]):
            k += 1
            continue
        drop[k] = True
        j = k + 1
        last = folded[k]
        while j < len(lines):
            text = folded[j]
            if not text:
                j += 1
                continue
            prev_sep = bool(_CRUMB_SEP.match(last))
            nxt = next((folded[m] for m in range(j + 1, len(lines)) if folded[m]), "")
            if _CRUMB_SEP.match(text) or (
                len(text) <= _CRUMB_ITEM_MAX and (prev_sep or _CRUMB_SEP.match(nxt) or text == last)
            ):
                drop[j] = True
                last = text
                j += 1
                continue
            break
        k = j

    # Header fields: at the top of the page (before the first long
    # paragraph) and at its end (after the last one).
    long_lines = [i for i, text in enumerate(folded) if len(text) >= _LONG_PARAGRAPH and "。" in text]
    top = long_lines[0] if long_lines else len(lines)
    bottom = long_lines[-1] if long_lines else len(lines)
    for i, text in enumerate(folded):
        if drop[i] or not text or len(text) > _FIELD_MAX or (top <= i <= bottom):
            continue
        top_masthead = masthead(lines[i]) or page_head(lines[i])
        if top_masthead is not None:
            drop[i] = True
            header.source = header.source or top_masthead[0]
            header.date = header.date or top_masthead[1]
            continue
        info = _info_line(text)
        if info is not None:
            # 2026-02-09 10:15 来源：某某日报 作者：某某: the page's fields,
            # and its credits, which stay as a byline line of their own.
            stamp, pairs = info
            header.date = header.date or (field_date(stamp) if stamp else None)
            credits = []
            for label, start, end in pairs:
                value = lines[i].strip()[start:end].strip()
                first = _first_part(value) if value else ""
                if label in _CREDIT_LABELS and first:
                    credits.append(f"{lines[i].strip()[start - len(label) - 1:start - 1]}：{first}")
                elif label in _DATE_FIELDS:
                    header.date = header.date or field_date(value)
                elif label in _SOURCE_FIELDS and first:
                    header.source = header.source or first
                    header.date = header.date or field_date(value)  # 来源：某某日报 2026-02-09
                elif label in _ISSUER_FIELDS and first:
                    header.issuer = header.issuer or first
            if credits:
                lines[i] = " ".join(credits)
            else:
                drop[i] = True
            continue
        m = _FIELD.match(text)
        if m is not None:
            # fold keeps every character's place: the value in its own script.
            label, value = "".join(m.group("label").split()), lines[i].strip()[m.start("value"):].strip()
            if label in _KEPT_FIELDS:
                continue
            value_at = i
            if not value:
                nxt = next((m2 for m2 in range(i + 1, len(lines)) if folded[m2]), None)
                if nxt is not None and len(folded[nxt]) <= 30 and not _FIELD.match(folded[nxt]) and not (
                    top <= nxt <= bottom
                ):
                    value, value_at = lines[nxt].strip(), nxt
            if label in _DATE_FIELDS and value and (
                (field_date(value) is None and _more_than_a_time(value)) or field_span(value)
            ):
                # 時間：10月4日 星期二 中午12：30 地點：…: when and where an
                # event is, the text of a notice - not the page's date; so is
                # a span of days (時間：2030/02/20-12/20, an exhibition's).
                continue
            drop[i] = drop[value_at] = True
            if label in _DATE_FIELDS:
                header.date = header.date or field_date(value)
            elif label in _SOURCE_FIELDS and value:
                header.source = header.source or _first_part(value)
            elif label in _ISSUER_FIELDS and value:
                header.issuer = header.issuer or _first_part(value)
            elif label in _TITLE_FIELDS and value:
                header.title = header.title or value
            continue
        # A timestamp at the top of the page (not a closing date line:
        # 2021年6月30日 under a notice is its signature).
        if i < top and _TIMESTAMP.match(text) and not _PLAIN_DATE.match(text):
            day = field_date(text)
            if day:
                drop[i] = True
                header.date = header.date or day
    _mark_contents(folded, drop)
    return [line for line, gone in zip(lines, drop) if not gone], header


# A masthead: only a publication's name and a date (and time), maybe in
# brackets: 《新闻联播》（20250612）, （《新闻联播》 20250612 19:00）,
# 《某某日报》 2024年5月9日. (Not a paper's citation with its page:
# 《人民日报》（2025年01月02日第 05 版） is a byline.)
_MASTHEAD = re.compile(
    r"^[（(]?\s*《(?P<name>[^《》]{2,20})》\s*[（(]?\s*(?P<date>(?:19|20)\d{2}(?:\d{4}|\s*[年\-./]\s*\d{1,2}\s*[月\-./]\s*\d{1,2}\s*日?))"
    r"(?:\s*\d{1,2}[:：]\d{2})?\s*[）)]?\s*[）)]?$"
)


def masthead(line: str) -> tuple[str, str] | None:
    """(publication, ISO date) of a masthead line, else None."""
    m = _MASTHEAD.match(line.strip())
    if not m:
        return None
    raw = m.group("date")
    day = field_date(f"{raw[:4]}-{raw[4:6]}-{raw[6:8]}" if raw.isdigit() else raw)
    return (m.group("name"), day) if day else None


# A newspaper page's running head: the paper's name, the date, the weekday
# and/or the page (青川日报 2031年3月6日 星期四 第3版 要闻). The weekday or the
# page number is required: a date alone may close a notice.
_PAGE_HEAD = re.compile(
    r"^(?:(?P<name>[\u4e00-\u9fff·]{2,16})\s*)?"
    r"(?P<date>(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|(?:19|20)\d{2}[-./]\d{1,2}[-./]\d{1,2})\s*"
    r"(?P<weekday>(?:星期|周)[一二三四五六日天])?\s*(?P<page>第\s*[0-9一二三四五六七八九十]{1,3}\s*版)?"
    r"\s*[\u4e00-\u9fff·]{0,8}$"
)


def page_head(line: str) -> tuple[str | None, str] | None:
    """(paper, ISO date) of a newspaper page's running head, else None."""
    m = _PAGE_HEAD.match(fold(line.strip()))
    if m is None or not (m.group("weekday") or m.group("page")):
        return None
    day = field_date(m.group("date"))
    return (m.group("name"), day) if day else None


# A table of contents: numbered entries (1. / （1）) whose texts are the
# titles of what follows in the file (a transcript's 新闻摘要, a magazine's
# 目录). It is the file's navigation, as a page's menu is: every entry is
# indexed where it heads its story, so the list is dropped with its intro
# line (本期节目主要内容：) and its own heading (新闻摘要).
_ENTRY = re.compile(r"^(?:\d{1,2}\s*[.．、]|[（(]\d{1,2}[)）])\s*(?P<text>\S.*?)[；;。，,：:]?$")
_CONTENTS_MIN = 3  # entries
_CONTENTS_SHARE = 0.6  # of the entries found again below the list
_CONTENTS_HEAD = 12  # characters: the list's heading or intro line


def _squeeze(text: str) -> str:
    return "".join(text.split()).rstrip("；;。，,：:")


def _mark_contents(folded: list[str], drop: list[bool]) -> None:
    entries = [i for i, text in enumerate(folded) if not drop[i] and _ENTRY.match(text)]
    if len(entries) < _CONTENTS_MIN:
        return
    first = entries[0]
    # The list: the run of entries from the first one on, with at most one
    # other line between neighbours (an entry's second line).
    run = [first]
    for i in entries[1:]:
        between = [k for k in range(run[-1] + 1, i) if folded[k] and not drop[k]]
        if len(between) > 1:
            break
        run.append(i)
    if len(run) < _CONTENTS_MIN:
        return
    last = run[-1]
    below = {_squeeze(text) for text in folded[last + 1:] if text}
    found = sum(1 for i in run if _squeeze(_ENTRY.match(folded[i]).group("text")) in below)
    if found < _CONTENTS_SHARE * len(run):
        return
    for k in range(first, last + 1):
        drop[k] = True
    # Its intro (本期节目主要内容：) and heading (新闻摘要): short lines right above.
    k, taken = first - 1, 0
    while k >= 0 and taken < 2:
        if not folded[k] or drop[k]:
            k -= 1
            continue
        if len(folded[k]) > _CONTENTS_HEAD or any(c in folded[k] for c in "。，,；;"):
            break
        drop[k] = True
        taken += 1
        k -= 1


# The parts of a date and time: 10 月 04 日, 星期二, 中午12：30, 14:00.
_TIME_PARTS = re.compile(
    r"\d+|[年月日时時分秒点點号號:：/\-.（）()]|星期.|週.|周.|上午|下午|中午|晚上|晚間|晚间|早上|凌晨|傍晚|起|止|至|到"
)


def _more_than_a_time(value: str) -> bool:
    """Does a date field's value say more than a date and time (a place)?"""
    return len("".join(_TIME_PARTS.sub("", value).split())) >= 2


def _first_part(value: str) -> str:
    """``某某區公所 某某課 聯絡人: …`` -> ``某某區公所``."""
    return re.split(r"\s|[：:]", value.strip(), maxsplit=1)[0]

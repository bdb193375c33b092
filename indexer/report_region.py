"""Where a report is from: its ``region``, as opposed to the places it mentions.

A report about 中原区 that mentions a study trip to 遵义市 is from 中原区;
遵义市 is one of its ``places``. The region is read from the parts of a report
that say where it is from, each with a weight:

* the title block (kicker, title, subtitle): 3;
* the dateline (``本报洛阳讯``, ``新华社郑州3月1日电``): 3;
* the opening paragraph (the first that is not a caption): 1;
* the byline's publication (``洛阳日报``): 1;
* every other mention in the report: 0.1 (it only breaks ties, or decides
  when the parts above name no place at all).

A mention says nothing about where the report is from when it is the
destination of a trip (``前往贵州省遵义市``, ``赴延安``) or part of the name of
a historical event or site (``遵义会议会址``, ``延安精神``): such mentions
weigh 0 (they stay in ``places``).

Scores add up the tree (a mention of 西工区 counts for 洛阳市 and 河南省 too).
Starting from the provinces, the best-scoring unit is taken and the walk goes
down to its best child, as long as that child has support from the weighted
parts (not from body mentions alone, unless nothing else names a place) and
strictly beats its siblings. The result is the unit with its parents, full
names, top down: ``[河南省, 洛阳市, 西工区]``.

County names are resolved with the whole report as context (indexer.metadata),
so 老城区 in a title is 洛阳市's when the report mentions 洛阳.
"""

from __future__ import annotations

import re
from collections import defaultdict

from rsearch.core.analysis import fold
from rsearch.core.gazetteer import lineage
from rsearch.indexer.metadata import place_mentions
from rsearch.indexer.models import Report

W_TITLE, W_DATELINE, W_OPENING, W_PUBLICATION, W_BODY = 3.0, 3.0, 1.0, 1.0, 0.1

# Before a place: it is where people went, not where the report is from.
_TRIP_BEFORE = re.compile(r"(?:前往|奔赴|远赴|赴|来到|走进|到访|去往|到)$")
# Between the destinations of one trip: 前往山东、云南 / 到北京和上海.
_TRIP_ON = re.compile(r"[、和及与]?")
# After a place: an event or a site named after it.
_NAMED_AFTER = re.compile(r"会议|精神(?!文明)|会址|战役|起义|事变|旧址|纪念馆|革命")

# The place part of a dateline: 本报洛阳讯, 新华社郑州3月1日电, 中新网北京电.
_DATELINE_PLACE = re.compile(r"^[【\[（(]?(?:本报(?P<a>[^\s，。讯（(]{1,10})讯|(?:新华社|中新社|中新网)(?P<b>[^\s，。\d]{1,10}?)\d{0,2}月?\d{0,2}日?电)")


# With only body mentions to go by, one province must have this share of them.
_BODY_MIN_SHARE = 2 / 3
# A report about the whole country says so where it says where it is from.
_NATIONAL = re.compile(r"全国|我国|各地|各省|中央|国务院|全军|全党")


def _one_place_dominates(score: dict[str, float]) -> bool:
    provinces = {c: v for c, v in score.items() if len(c) == 2}
    if not provinces:
        return False
    return max(provinces.values()) >= _BODY_MIN_SHARE * sum(provinces.values())


def dateline_place(paragraph: str) -> str:
    """The place named in a paragraph's opening dateline, or ""."""
    m = _DATELINE_PLACE.match(paragraph)
    return (m.group("a") or m.group("b") or "") if m else ""


def opening_paragraph(report: Report) -> str:
    """The report's first paragraph that is not a photo caption."""
    return next((p.text for p in report.paragraphs() if p.kind != "caption"), "")


def report_region(report: Report) -> list[str]:
    """The report's own region with its parents, top down (see module doc)."""
    title = "\n".join(x for x in (report.kicker, report.title, report.subtitle) if x)
    opening = opening_paragraph(report)
    zones = [
        (title, W_TITLE),
        (dateline_place(opening), W_DATELINE),
        (opening, W_OPENING),
        (report.publication or "", W_PUBLICATION),
    ]
    body = "\n".join([s.title or "" for s in report.sections] + [p.text for p in report.paragraphs()])
    # One text, so that county names resolve against everything the report says.
    parts, spans, offset = [], [], 0
    for text, weight in zones + [(body, W_BODY)]:
        parts.append(text)
        spans.append((offset, offset + len(text), weight))
        offset += len(text) + 1
    joined = fold("\n".join(parts))  # the gazetteer is simplified script; fold keeps offsets

    score: dict[str, float] = defaultdict(float)  # adcode prefix -> weight of its subtree
    own: dict[str, float] = defaultdict(float)  # the same, from weighted parts only
    trip_end = -2  # a trip's destination goes on: 前往贵州省遵义市
    headed = False
    for mention in place_mentions(joined):
        weight = next(w for lo, hi, w in spans if lo <= mention.start < hi)
        if _TRIP_BEFORE.search(joined, max(0, mention.start - 2), mention.start) or (
            trip_end >= 0 and _TRIP_ON.fullmatch(joined, trip_end + 1, mention.start)
        ):
            trip_end = mention.end
            continue
        if _NAMED_AFTER.match(joined, mention.end + 1):
            continue
        code = mention.code
        for width in (2, 4, 6):
            if len(code) >= width and not code[:width].endswith("00"):
                score[code[:width]] += weight
                if weight > W_BODY:
                    own[code[:width]] += weight
        if weight >= W_DATELINE:
            headed = True  # the title or the dateline names a place
    require_own = bool(own)
    national = _NATIONAL.search(fold(title + "\n" + opening)) is not None
    if (national and not headed) or (not require_own and not _one_place_dominates(score)):
        # A report about the whole country (全国, 各地 … and no place in its
        # title or dateline), or one whose text ranges over several places
        # with nothing saying where it is from, has no region: a wrong one
        # would be worse.
        return []

    chosen = ""
    for width in (2, 4, 6):
        children = [c for c in score if len(c) == width and c.startswith(chosen)]
        if require_own:
            children = [c for c in children if own[c] > 0]
        if not children:
            break
        children.sort(key=lambda c: score[c], reverse=True)
        if len(children) > 1 and score[children[0]] == score[children[1]]:
            break  # two places equally likely: keep what they share
        chosen = children[0]
    return lineage(chosen) if chosen else []

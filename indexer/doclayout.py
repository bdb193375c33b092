"""The layout of official documents and text pulled out of PDFs, at the line level.

Government work reports, notices and summaries (工作报告, 通知, 总结) are set
differently from newspaper pages::

    郑州市金水区人民政府                         <- issuer (发文机关)
    关于2021年上半年法治政府建设工作情况的报告      <- title, may wrap over two lines
    区人大常委会：                              <- addressee (主送机关)
    ……正文……
    一、主要工作开展情况                         <- numbered headings, four levels:
    （一）加强组织领导                            一、 / （一） / 1. / （1）
    1.推进政务服务标准化。全面梳理……              <- a run-in heading: first sentence
    郑州市金水区人民政府                         <- closing issuer and date (落款)
    2021年6月30日

Text pulled from PDFs adds page numbers (``— 2 —``, ``- 3 -``, ``第2页``) and
has no blank lines, so the header, the headings and the closing lines sit
inside one block of wrapped lines.

``prepare_lines`` removes page numbers, joins a title wrapped over two lines
and sets the header, numbered heading lines and the closing lines apart with
blank lines, so that structure recovery sees them as units of their own; it
returns what it found (``Layout``). The patterns below are the national
standard's (GB/T 9704 党政机关公文格式) and common practice, not any one file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rsearch.core.analysis import CJK, fold


# Page numbers of a PDF dump: "— 2 —", "- 3 -", "·4·", "第 5 页", "第5页 共9页", "5/9".
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－·\s]*\d{1,4}[-—–－·\s]*|第\s*\d{1,4}\s*页(?:\s*[，,]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4})$"
)

# Numbered headings, level by marker: 一、 (1) > （一） (2) > 1. (3) > （1） (4).
_NUMBERED = re.compile(
    r"^(?:(?P<l1>[一二三四五六七八九十]{1,3}、)"
    r"|(?P<l2>[（(][一二三四五六七八九十]{1,3}[）)])"
    r"|(?P<l3>\d{1,2}(?:[.．、](?!\d)|\s(?![\d年月日时号点个万亿])))"
    r"|(?P<l4>[（(]\d{1,2}[）)]))\s*"
)

# Titles of official documents: 关于……的报告/通知/意见…, or a title ending in
# a document kind (政府工作报告, 2021年上半年工作总结).
_DOC_KINDS = (
    "报告|通知|通报|意见|决定|请示|批复|函|方案|办法|规定|细则|说明|总结|汇报|公告|通告|议案|建议|纪要|规划|计划|要点"
)
_DOC_TITLE = re.compile(rf"^(?:关于.{{2,80}}的[{CJK}]{{0,4}}?(?:{_DOC_KINDS})|.{{0,40}}(?:工作报告|工作总结|总结报告|情况报告|实施方案|工作要点|工作计划))$")

# An issuing body: ends in an organisation word, optionally followed by 文件.
_ORG = re.compile(
    rf"^[{CJK}（）()·]{{2,40}}?(?:人民政府|政府|人民代表大会常务委员会|常务委员会|委员会|党委|党组|党工委|工委|"
    rf"办公室|办公厅|办事处|街道办事处|局|厅|委|部|院|署|中心|支部|总支|协会|学会|联合会|公司|集团|大学|学院|学校|"
    rf"小学|中学|幼儿园|医院|研究所|所|站|队|会)(?:文件)?$"
)
# A date line: 2021年6月30日, 二〇二一年六月三十日.
_DATE_LINE = re.compile(
    r"^(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日)$"
)
# 主送机关: "区人大常委会：", "各中小学、幼儿园：", "各位代表：".
_ADDRESSEE = re.compile(rf"^[{CJK}、，,（）()]{{2,40}}[：:]$")
# Sentence-final marks (as in indexer.structure.shapes).
_FINAL = "。！？!?；;…"


@dataclass
class Layout:
    """What ``prepare_lines`` found; empty for a page with no such layout."""

    issuer: str | None = None  # from the header, else the closing lines
    title: str | None = None  # the document title, wrapped lines joined
    addressee: str | None = None
    signature: list[str] = field(default_factory=list)  # the closing issuer and date lines


# The speaker under a report given at a meeting: "洛阳市人民政府市长 李明华".
_SPEAKER = re.compile(
    rf"^(?P<office>[{CJK}]{{0,20}}?(?:代?市长|代?省长|县长|区长|州长|旗长|镇长|乡长|主任|主席|书记|局长|厅长|院长|检察长))"
    rf"\s+(?P<name>[{CJK}]{{2,4}})$"
)


# A two-character name padded to three characters' width: 龚 正.
_PADDED_NAME = re.compile(rf"(?<=\s)([{CJK}])[ \u3000]+([{CJK}])$")


def speaker(line: str) -> str | None:
    """The name on a speaker line (office, space, name), else None."""
    line = _PADDED_NAME.sub(r"\1\2", line.strip())
    m = _SPEAKER.match(fold(line))
    return line[m.start("name"):m.end("name")] if m else None


def is_page_number(line: str) -> bool:
    return bool(line) and len(line) <= 16 and _PAGE_NUMBER.match(line) is not None


def numbered_level(text: str) -> int | None:
    """1-4 for a line opening with a heading number (一、 （一） 1. （1）), else None."""
    m = _NUMBERED.match(text)
    if not m or m.end() >= len(text):
        return None
    return int(m.lastgroup[1])


def split_run_in(text: str, max_chars: int = 30) -> tuple[str, str] | None:
    """A numbered paragraph whose first sentence is its heading:
    ``（一）加强组织领导。区政府……`` -> (``（一）加强组织领导``, ``区政府……``).
    The heading sentence is short (``max_chars``) and ends in 。 (or ！/：-less
    full stop forms); the rest must be there."""
    m = _NUMBERED.match(text)
    if not m:
        return None
    stop = text.find("。", m.end())
    if stop < 0 or stop - m.end() > max_chars or stop - m.end() < 2:
        return None
    head, rest = text[:stop], text[stop + 1 :].strip()
    if not rest or any(mark in head for mark in _FINAL) or "：" in head or ":" in head:
        return None
    return head, rest


# The tests below fold first (traditional -> simplified, one character for
# one): 關於…的通知 is 关于…的通知.


def is_doc_title(text: str) -> bool:
    return len(text) <= 90 and _DOC_TITLE.match(fold(text)) is not None and not any(m in text for m in _FINAL)


def is_org_line(text: str) -> bool:
    return len(text) <= 40 and _ORG.match(fold(text)) is not None


def is_date_line(text: str) -> bool:
    return _DATE_LINE.match(text) is not None


def _nonblank(lines: list[str], start: int, count: int) -> list[int]:
    out = []
    for k in range(start, len(lines)):
        if lines[k].strip():
            out.append(k)
            if len(out) == count:
                break
    return out


def _header(lines: list[str]) -> tuple[list[str], Layout] | None:
    """Issuer lines, the title (one or two lines) and the addressee at the
    top of the page, each set apart by blank lines."""
    top = _nonblank(lines, 0, 8)
    for pos, k in enumerate(top):
        line = lines[k].strip()
        two = line + lines[top[pos + 1]].strip() if pos + 1 < len(top) else ""
        if fold(line[:2]) == "关于" and not is_doc_title(line) and two and is_doc_title(two):
            title_idx, title = [k, top[pos + 1]], two
        elif is_doc_title(line):
            title_idx, title = [k], line
        else:
            continue
        before = [lines[i].strip() for i in top[:pos]]
        issuers = [b for b in before if is_org_line(b)]
        # The title of a document: at the very top, or under its issuer
        # (a document number such as 郑政〔2021〕12号 may stand between).
        if len(before) > len(issuers) + 1:
            return None
        if not issuers and fold(line[:2]) != "关于":
            return None  # 政府工作报告 alone: an ordinary title block
        after = _nonblank(lines, title_idx[-1] + 1, 1)
        addressee = None
        if after and _ADDRESSEE.match(lines[after[0]].strip()):
            addressee = lines[after[0]].strip()
        head_end = (after[0] + 1) if addressee else title_idx[-1] + 1
        new = [lines[i].strip() for i in top[:pos]]
        new = [x for b in new for x in (b, "")] + [title, ""]
        if addressee:
            new += [addressee, ""]
        layout = Layout(issuer=" ".join(issuers) or None, title=title, addressee=addressee)
        return new + lines[head_end:], layout
    return None


def _signature(lines: list[str], layout: Layout) -> list[str]:
    """The closing issuer and date lines, set apart from the text above."""
    tail = [k for k in range(len(lines) - 1, -1, -1) if lines[k].strip()][:3]
    if not tail or not is_date_line(lines[tail[0]].strip()):
        return lines
    orgs = [k for k in tail[1:] if is_org_line(lines[k].strip())]
    if not orgs or orgs[0] != tail[1]:
        return lines
    keep = [tail[1]] + ([tail[2]] if len(orgs) > 1 and orgs[1] == tail[2] else [])
    first = min(keep)
    layout.signature = [lines[k].strip() for k in sorted(keep)] + [lines[tail[0]].strip()]
    layout.issuer = layout.issuer or lines[tail[1]].strip()
    return lines[:first] + [""] + [x for line in layout.signature for x in (line, "")]


def _set_apart_numbered(lines: list[str]) -> list[str]:
    """In a block with no blank lines (a PDF dump), a numbered line after a
    sentence end starts a new unit; a short numbered heading line ends one.
    Only where the page numbers at least two lines alike."""
    levels = [numbered_level(line) for line in lines]
    counts: dict[int, int] = {}
    for level in levels:
        if level:
            counts[level] = counts.get(level, 0) + 1
    out: list[str] = []
    for k, line in enumerate(lines):
        level = levels[k]
        if level and counts[level] >= 2 and out and out[-1].strip():
            prev = out[-1].rstrip("”’」』）)》】\"' ")
            if prev and (prev[-1] in _FINAL or prev[-1] in "：:" or numbered_level(prev) or is_doc_title(prev)):
                out.append("")
        out.append(line)
        nxt = lines[k + 1] if k + 1 < len(lines) else ""
        if level and counts[level] >= 2 and nxt.strip() and len(line) <= 30 and not any(m in line for m in _FINAL):
            out.append("")
    return out


def prepare_lines(lines: list[str]) -> tuple[list[str], Layout]:
    """Lines with page numbers removed and the document layout set apart
    (see module doc), and what was found."""
    lines = [line for line in lines if not is_page_number(line.strip())]
    layout = Layout()
    found = _header(lines)
    if found is not None:
        lines, layout = found
    lines = _signature(lines, layout)
    lines = _set_apart_numbered(lines)
    return lines, layout

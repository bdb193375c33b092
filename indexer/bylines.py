"""Recognise bylines (记者/通讯员/文/图/摄 credits) in report text.

A byline is a short line made only of a publication, role words, personal
names and credit marks, e.g.::

    本报记者 张再行
    记者 张改华 通讯员 潘铁楠 王维
    赵普/文 葛超/图
    □东方今报·猛犸新闻记者 张超飞通讯员 刘璐/文图
    本报记者 孙志刚 通讯员 李怀慈 文/图

The line is tokenised completely (every character must belong to a token or
be a separator); anything else - a verb, punctuation, a long run of Chinese
characters - means "not a byline". That is what keeps body sentences such as
``记者来到了和平中学旧址`` from firing.

Decisions (the data model gives each Person a single role, so one person may
appear more than once):

* 记者 -> reporter, 通讯员 -> correspondent, 摄影记者 -> photographer.
* ``/文`` or ``文/`` gives the role "author" only to a name with no role yet:
  a reporter or correspondent writing the text is already implied.
* ``/图``, ``图/``, ``摄`` add a "photographer" entry.
* ``/文图`` or ``文/图`` therefore means author+photographer for bare names
  and reporter+photographer (correspondent+photographer) for named staff.
* A suffix credit (``/文``, ``/文图``, a trailing ``文/图`` or `` 摄``) covers
  every name since the previous credit mark, across role words: in
  ``记者 张超飞通讯员 刘璐/文图`` and ``本报记者 孙志刚 通讯员 李怀慈 文/图``
  the credit belongs to the whole byline, as newspapers use it.
* Publication: ``本报``/``本刊``/``本台``/``本网`` is "this paper", whose name
  is not in the line, so publication is None. A named outlet is kept exactly
  as written, e.g. ``东方今报·猛犸新闻`` (the brand after ``·`` is part of
  the credited outlet; splitting would lose it).
"""

from __future__ import annotations

import re
from datetime import date

from rsearch.core.analysis import CJK, fold
from rsearch.indexer.models import Byline, Person

# Longer than this is a sentence, not a byline.
MAX_BYLINE_CHARS = 60


# Decorations that open a byline line in print layouts.
_LEAD_MARKS = "□■◇◆○●▲△▶►▷★☆※"

# Role words. 驻X记者 (resident reporter) is allowed with a short place.
_STAFF = rf"(?:特约|见习|实习|首席|驻[{CJK}]{{1,4}}?)?(?:摄影)?(?:记者|通讯员)"
# Other credited roles: editors (责任编辑, 编辑, 校对, 审核 ...), writers
# (作者, 撰稿), interns (实习生: reporting staff).
_OTHER_ROLE = (
    r"(?:本版责编|本版编辑|责任编辑|执行编辑|值班编辑|责编|编辑|校对|审校|审核|终审|初审|二审|三审|作者|撰稿|撰文|发稿人|实习生)"
)
_ROLE = rf"(?:{_STAFF}|{_OTHER_ROLE})"

# Outlet named before the first role word. 本报 & co. mean "this paper".
_HOME = ("本报", "本刊", "本台", "本网")
_PUBLICATION = re.compile(
    rf"(?P<pub>本报|本刊|本台|本网|[{CJK}A-Za-z0-9·]{{2,16}}?"
    rf"(?:报|社|新闻|网|台|刊|杂志|客户端|融媒体?中心|传媒|号))(?={_ROLE})"
)

# Function words that (practically) never occur in a personal name but are
# everywhere in sentences; a "name" containing one means the line is prose.
# Characters that are also surnames or common in given names (向, 来, 和,
# 为, 有 ...) are deliberately absent.
_NOT_IN_NAMES = set("的了们这那说是在着过吗呢吧啊也就把被从对与并等我你他她它到去又")

# A name: 2-4 Chinese characters (optionally a ·-joined transliterated
# name), not swallowing a following role word, ending at a boundary.
_NAME_CHAR = rf"(?:(?!记者|通讯员|摄影记者|{_OTHER_ROLE})[{CJK}])"
_BOUNDARY = rf"(?={_ROLE}|[/／|｜]|\s|[、，,]|$)"

_SLASH = "/／|｜"


def _token_pattern(tight: bool) -> re.Pattern:
    """The byline tokens. ``tight`` is for credits in brackets after a
    dateline or at the end of a paragraph (``（记者王建军 通讯员赵丽）``,
    ``（孙伟摄）``), where papers often leave out the spaces: there a name may
    end right before ``摄`` or ``报道`` at the end."""
    # A name may run into 摄 (本报记者 宋知远摄): the parse checks it starts
    # with a surname, so a word ending in 摄 (航拍摄) is not taken for one.
    name_end = _BOUNDARY[:-1] + (r"|摄影?(?=\s|$)|报道$|报导$)" if tight else r"|摄影?(?=\s|$))")
    return re.compile(
        rf"""
        (?P<role>{_ROLE})
      | (?P<home>本报|本刊|本台|本网)(?={_ROLE})
      | (?P<both>(?:文\s*[{_SLASH}]\s*图|图\s*[{_SLASH}]\s*文))(?=\s|$|[{CJK}])
      | (?P<pre>(?:文图|图文|文字|文|图片|图|摄影|摄像|摄)\s*[{_SLASH}])
      | [{_SLASH}]\s*(?P<suf>文图|图文|文|图|摄影|摄)(?=\s|$|[、，,]|[{CJK}])
      | (?P<she>摄影|摄)(?=\s|$)
      | (?P<report>报道|报导)$
      | (?P<name>{_NAME_CHAR}{{2,4}}?(?:·{_NAME_CHAR}{{1,8}})?){name_end}
      | (?P<sep>[\s、，,]+)
      | (?P<colon>[:：])
        """,
        re.VERBOSE,
    )


_TOKEN = _token_pattern(tight=False)
_TIGHT_TOKEN = _token_pattern(tight=True)

# Common surnames (compound ones first). A name written without a space
# after its role word or before 摄 (``记者王建军``, ``孙伟摄``) must start with
# one: that is what keeps ``（航拍摄影）`` or ``（资料图片）`` from becoming people.
_COMPOUND_SURNAMES = (
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
    "宇文", "司徒", "令狐", "夏侯", "端木", "申屠", "独孤", "南宫", "西门", "澹台",
)
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季"
    "裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦"
    "戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻"
    "苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练"
    "廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿"
    "鲜印逯隆茹诸战慕危玉银亢嵩寿揭琚但"
    # Rarer surnames of the Hundred Family list (百家姓) that are no common word.
    "颉郗逄昝仉阎暴隗鄂铁贲厍竺郦缑弓荀羿訾幸衡殳沃蔚夔乜蒯桓勾毋"
)


def _surname_first(name: str) -> bool:
    return name.startswith(_COMPOUND_SURNAMES) or name[:1] in _SURNAMES


_EDITOR_WORDS = ("编", "校", "审")


def _role_of(word: str) -> str:
    if "摄影" in word:
        return "photographer"
    if word in ("作者", "撰稿", "撰文", "发稿人"):
        return "author"
    if word.startswith("本版"):
        # 本版责编: the editor of the whole page, not of the article beside it.
        return "page_editor"
    if any(w in word for w in _EDITOR_WORDS):
        return "editor"
    return "correspondent" if word.endswith("通讯员") else "reporter"


def _credit_roles(mark: str) -> tuple[bool, bool]:
    """(writes, photographs) for a credit mark like 文, 图, 文图, 摄."""
    mark = re.sub(rf"[\s{_SLASH}]", "", mark)
    return ("文" in mark, "图" in mark or "摄" in mark)


def _strip_decoration(line: str) -> str:
    line = line.strip().lstrip(_LEAD_MARKS).strip()
    # (本报记者 张三), [责任编辑：张三], 【编辑:张三】 - a byline wrapped in brackets.
    if len(line) > 2 and line[0] in "(（[【" and line[-1] in ")）]】":
        line = line[1:-1].strip()
    return line


def _tokens(text: str, pattern: re.Pattern = _TOKEN) -> list[tuple[str, str, int]] | None:
    """Split ``text`` into (kind, value, end) tokens, or None if anything is left over."""
    out: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(text):
        m = pattern.match(text, pos)
        if not m or m.end() == pos:
            return None
        kind = m.lastgroup
        if kind != "sep":
            out.append((kind, m.group(kind), m.end()))
        pos = m.end()
    return out


class _People:
    """Ordered person -> roles, so a name credited twice is listed once per role."""

    def __init__(self) -> None:
        self.roles: dict[str, list[str]] = {}

    def add(self, name: str, role: str) -> None:
        roles = self.roles.setdefault(name, [])
        if role not in roles:
            roles.append(role)

    def credit(self, names: list[str], writes: bool, photographs: bool) -> None:
        for name in names:
            if writes and not self.roles.get(name):
                self.add(name, "author")
            if photographs:
                self.add(name, "photographer")

    def complete(self) -> bool:
        return bool(self.roles) and all(self.roles.values())

    def people(self) -> list[Person]:
        return [Person(name, role) for name, roles in self.roles.items() for role in roles]


def parse_byline(line: str, tight: bool = False, bare_need_surname: bool = False) -> Byline | None:
    """Return the Byline if the whole of ``line`` is a byline, else None.

    The line is folded first (traditional -> simplified, one character for
    one), so 本報記者 reads as 本报记者; names come back in simplified script,
    which is how the index and its facets spell them. ``tight``: the line
    was in brackets after a dateline or at a paragraph's end, where names
    may follow role words without a space (see ``_token_pattern``).
    ``bare_need_surname``: names credited by a mark only (``张三 摄``, not
    ``记者 张三``) must start with a common surname - for a byline cut off
    the end of a caption (``小区一角 孙伟 摄``), where the words before the
    credit may be anything.
    """
    raw = " ".join(line.split())
    text = _strip_decoration(fold(raw))
    agency = _PHOTO_AGENCY.search(text)
    if agency is not None:
        # 张三摄（新华社发）: the agency that supplied the photo, in brackets.
        byline = parse_byline(text[:agency.start("bracket")], tight, bare_need_surname)
        if byline is not None:
            byline.publication = byline.publication or agency.group("agency")
            byline.raw = raw
        return byline
    cited = _CITATION.search(text)
    if cited is not None and (cited.group("date") or cited.group("page")):
        return _cited_byline(text[:cited.start()].strip(), cited, raw, tight)
    if not text or len(text) > MAX_BYLINE_CHARS:
        return None
    return _credits(_join_padded(text), raw, tight, bare_need_surname)


def _credits(text: str, raw: str, tight: bool, bare_need_surname: bool) -> Byline | None:
    """The Byline if the whole of (folded, decoration-free) ``text`` is credits."""
    publication = None
    m = _PUBLICATION.match(text)
    if m:
        if m.group("pub") not in _HOME:
            publication = m.group("pub")
        text = text[m.end():]

    tokens = _tokens(text, _TIGHT_TOKEN if tight else _TOKEN)
    if not tokens:
        return None

    people = _People()
    role: str | None = None                  # from the last role word
    prefix: tuple[bool, bool] | None = None  # from 文/ 图/ before names
    group: list[str] = []                    # names since the last credit mark
    leading: tuple[bool, bool] | None = None  # 文/图 before a role word: 文/图 本报记者 张三
    for i, (kind, value, end) in enumerate(tokens):
        nxt = tokens[i + 1][0] if i + 1 < len(tokens) else None
        if kind == "role":
            # The first name must be set apart (记者 张三, 记者：张三), so
            # headings like 记者手记 are not read as "reporter 手记". In
            # brackets a name may follow at once if it starts with a surname.
            if nxt not in ("name", "colon"):
                return None
            if text[end:end + 1] not in (" ", ":", "：") and not (
                tight and nxt == "name" and _surname_first(tokens[i + 1][1])
            ):
                return None
            role, prefix = _role_of(value), None
        elif kind == "colon":
            if i == 0 or tokens[i - 1][0] not in ("role", "pre"):
                return None
        elif kind == "name":
            if _NOT_IN_NAMES & set(value) or value in _HOME:
                return None
            if bare_need_surname and role is None and not _surname_first(value):
                return None
            if text[end:end + 1] in ("摄", "报") and not _surname_first(value):
                return None  # 航拍摄 / 资料报道: a word, not a name + credit
            if not tight and text[end:end + 1] == "摄" and role is None:
                return None  # 全景拍摄: out of brackets, only 记者 张三摄 runs a name into 摄
            if prefix is not None:
                people.credit([value], *prefix)
            elif role is not None:
                people.add(value, role)
                if leading is not None:
                    people.credit([value], *leading)
            else:
                people.roles.setdefault(value, [])
            group.append(value)
        elif kind == "report":
            # (记者 张三 报道): "reports", closing the byline.
            if i == 0 or tokens[i - 1][0] != "name":
                return None
        elif kind == "home":
            if nxt != "role":
                return None
        elif kind in ("pre", "both", "she") and nxt in ("role", "home") and not group:
            leading = _credit_roles(value)
        elif kind == "pre" or (kind in ("both", "she") and nxt == "name"):
            role, prefix, group = None, _credit_roles(value), []
        else:  # suf, both, she closing a group of names
            # A suffix mark must follow names (赵普/文), not start the line.
            if not group:
                return None
            # 孙伟 李明 摄 - but not 小区一角 孙伟 摄 (a caption's words).
            if kind == "she" and len(group) > 1 and not all(
                _surname_first(n) for n in group if not people.roles.get(n)
            ):
                return None
            people.credit(group, *_credit_roles(value))
            group = []
    if not people.complete():
        return None
    return Byline(publication=publication, people=people.people(), raw=raw)


# A citation of the printed page after a byline, as newspapers' digital
# editions print it: 《人民日报》（2025年01月02日第 05 版）, 《光明日报》（2025年01月02日 01版）,
# 《经济日报》（2025-01-02 第5版）, 《 人民日报 》（ 2025年01月02日 01 版）.
# It names the paper, its date and page.
_CITATION = re.compile(
    r"《\s*(?P<pub>[^《》\s]{2,20})\s*》\s*[（(]\s*"
    r"(?P<date>(?P<y>(?:19|20)\d{2})\s*[年\-./]\s*(?P<m>\d{1,2})\s*[月\-./]\s*(?P<d>\d{1,2})\s*日?)?\s*"
    r"(?:第?\s*(?P<page>[0-9A-Za-z]{1,4})\s*版)?\s*[）)]$"
)
# A photo credit followed by the agency in brackets: 张三摄（人民视觉）, 李四 摄（新华社发）.
_PHOTO_AGENCY = re.compile(r"摄影?\s*(?P<bracket>[（(](?P<agency>[^（）()\s]{2,10}?)发?[）)])$")
# Names padded to the width of three characters: 常  钦 (two characters set
# apart by spaces, each standing alone) is the name 常钦.
_PADDED = re.compile(rf"(?<!\S)([{CJK}])[ \u3000]+([{CJK}])(?!\S)")
_MARK_CHARS = set("文图摄")
# What a byline may name besides people: where they work (湖北省宜昌市, 某某大学).
_AFFILIATION = re.compile(
    rf"^[{CJK}]{{2,}}(?:省|市|县|区|州|旗|盟|镇|乡|村|大学|学院|研究院|研究所|研究中心|中心|委员会|协会|学会)$"
)
_BARE_NAME = re.compile(rf"^[{CJK}]{{2,4}}(?:·[{CJK}]{{1,8}})?$")


def _join_padded(text: str) -> str:
    def join(m: re.Match) -> str:
        a, b = m.group(1), m.group(2)
        return m.group(0) if {a, b} <= _MARK_CHARS else a + b

    return _PADDED.sub(join, text)


def _cited_byline(head: str, cited: re.Match, raw: str, tight: bool) -> Byline | None:
    """A byline closed by a citation (``本报记者  林  晓《晨光日报》（…）``): the
    citation makes it certain, so bare names count (宋知远《晨光日报》（…）),
    with their workplace (湖北省宜昌市  宋知远), and a line of nothing but the
    citation is a byline that names no one."""
    day = None
    if cited.group("date"):
        try:
            day = date(int(cited.group("y")), int(cited.group("m")), int(cited.group("d"))).isoformat()
        except ValueError:
            day = None
    publication = cited.group("pub")
    head = _join_padded(head)
    people: list[Person] = []
    if head:
        if len(head) > MAX_BYLINE_CHARS or any(mark in head for mark in "。！？；，"):
            return None  # a sentence that ends by citing a paper
        byline = _credits(head, raw, tight, False)
        if byline is not None:
            people = byline.people
            publication = byline.publication or publication
        else:
            names = _bare_names(head)
            people = [Person(name, "author") for name in names or []]
    return Byline(publication=publication, people=people, raw=raw, date=day, cited=True)


def _bare_names(text: str) -> list[str] | None:
    """Names set apart by spaces, workplaces skipped; None if a part is neither."""
    names = []
    for token in text.split():
        if _AFFILIATION.match(token):
            continue
        if not _BARE_NAME.match(token) or _NOT_IN_NAMES & set(token):
            return None
        names.append(token)
    return names


# A dateline opening a brief: 本报讯, 本报洛阳讯, 洛阳日报讯, 新华社北京5月8日电.
# ``pub`` is the outlet when it is named (本报 & co. are "this paper").
_DATELINE = re.compile(
    rf"^(?:(?P<home>本报|本刊|本台|本网)[^\s，。（(]{{0,10}}?[讯电]"
    rf"|(?P<pub>[{CJK}A-Za-z·]{{2,12}}?(?:日报|晚报|报|社|网|台|客户端|融媒体?中心))"
    rf"[^\s，。（(]{{0,14}}?(?:讯|电))"
)
_BRACKETED = re.compile(r"\s*[（(](?P<inner>[^（）()]{2,60})[）)]\s*")


def split_dateline_byline(paragraph: str) -> tuple[str, Byline | None]:
    """Split the bracketed byline after a brief's dateline.

    ``本报讯（记者 王建军 通讯员 赵丽）5月8日，……`` -> (``本报讯 5月8日，……``,
    Byline). A named outlet in the dateline (``新华社北京5月8日电``) becomes
    the byline's publication unless the brackets name one themselves."""
    m = _DATELINE.match(fold(paragraph[:40]))
    if not m:
        return paragraph, None
    b = _BRACKETED.match(paragraph, m.end())
    if not b:
        return paragraph, None
    byline = parse_byline(b.group("inner"), tight=True)
    if byline is None:
        return paragraph, None
    if byline.publication is None and m.group("pub"):
        byline.publication = m.group("pub")
    rest = paragraph[b.end():]
    return (paragraph[:m.end()] + (" " + rest if rest else "")), byline


# Where a byline may start inside a paragraph: after sentence-final
# punctuation or a space.
_TAIL_START = re.compile(r"[。！？!?；;…”’）)\s]")
# Every byline holds one of these (simplified or traditional): a cheap test
# before the full parse, which most paragraphs never need.
_MARKS = re.compile(r"记者|記者|通讯员|通訊員|摄|攝|[/／|｜]|编|編|校对|校對|审|審|作者|撰|实习生|實習生|发稿|發稿|》[（(]")
_TRAILING_BRACKET = re.compile(r"[（(](?P<inner>[^（）()]{2,60})[）)]$")


def has_byline_mark(text: str) -> bool:
    return _MARKS.search(text) is not None


def split_trailing_byline(paragraph: str) -> tuple[str, Byline | None]:
    """Split a byline glued to the end of a body paragraph or caption.

    ``"…多问、多想。记者 张改华 通讯员 吕杨子"`` -> (``"…多问、多想。"``,
    Byline); ``"志愿者为老人义诊（孙伟 摄）"`` -> (``"志愿者为老人义诊"``,
    Byline); ``"…健康讲座。（记者 周强）"`` likewise. The leftmost start that
    makes the whole tail a byline wins, so the longest byline is taken; only
    the last ``MAX_BYLINE_CHARS`` characters are tried, which keeps this
    cheap on long paragraphs.
    """
    text = paragraph.rstrip()
    if not has_byline_mark(text[-MAX_BYLINE_CHARS - 2:]):
        return paragraph, None
    m = _TRAILING_BRACKET.search(text)
    if m:
        byline = parse_byline(m.group("inner"), tight=True)
        if byline is not None:
            return text[:m.start()].rstrip(), byline
    floor = max(0, len(text) - MAX_BYLINE_CHARS - 1)
    starts = [0] if floor == 0 else []
    starts += [m.end() for m in _TAIL_START.finditer(text, floor)]
    for start in starts:
        tail = text[start:]
        if not tail.strip():
            break
        byline = parse_byline(tail, bare_need_surname=start > 0)
        if byline is not None:
            return text[:start].rstrip(), byline
    return paragraph, None


# A release whose title opens with the office and name of the person it
# speaks for, then a dash: ``議員林燕祝-「上品豚」專案報告…``,
# ``副議長林炳利-關切…`` (a council's members' releases). The person is the
# release's author, as the speaker under a report given at a meeting is
# (indexer.doclayout). A title that quotes a person (``市長黃偉哲：…``,
# ``總統：…``) names who said something the release reports, not who wrote
# it: no credit.
_TITLE_OFFICES = (
    "副議長|副议长|議長|议长|市議員|市议员|議員|议员|立委|委員|委员|代表"
    "|副市長|副市长|市長|市长|縣長|县长|區長|区长|局長|局长|主任|主席|書記|书记"
)
_TITLE_CREDIT = re.compile(rf"^(?P<office>{_TITLE_OFFICES})(?P<name>[\u4e00-\u9fff]{{2,4}})\s*[-－]\s*\S")


def title_credit(title: str | None) -> Person | None:
    """The person a title's ``<office><name>-`` prefix credits, else None."""
    if not title:
        return None
    m = _TITLE_CREDIT.match(title.strip())
    return Person(m.group("name"), "author") if m else None

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

from indexer.analysis import fold
from indexer.models import Byline, Person

# Longer than this is a sentence, not a byline.
MAX_BYLINE_CHARS = 60

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

# Decorations that open a byline line in print layouts.
_LEAD_MARKS = "□■◇◆○●▲△▶►▷★☆※"

# Role words. 驻X记者 (resident reporter) is allowed with a short place.
_ROLE = rf"(?:特约|见习|实习|首席|驻[{_CJK}]{{1,4}}?)?(?:摄影)?(?:记者|通讯员)"

# Outlet named before the first role word. 本报 & co. mean "this paper".
_HOME = ("本报", "本刊", "本台", "本网")
_PUBLICATION = re.compile(
    rf"(?P<pub>本报|本刊|本台|本网|[{_CJK}A-Za-z0-9·]{{2,16}}?"
    rf"(?:报|社|新闻|网|台|刊|杂志|客户端|融媒体?中心|传媒|号))(?={_ROLE})"
)

# Function words that (practically) never occur in a personal name but are
# everywhere in sentences; a "name" containing one means the line is prose.
# Characters that are also surnames or common in given names (向, 来, 和,
# 为, 有 ...) are deliberately absent.
_NOT_IN_NAMES = set("的了们这那说是在着过吗呢吧啊也就把被从对与并等我你他她它到去又")

# A name: 2-4 Chinese characters (optionally a ·-joined transliterated
# name), not swallowing a following role word, ending at a boundary.
_NAME_CHAR = rf"(?:(?!记者|通讯员|摄影记者)[{_CJK}])"
_BOUNDARY = rf"(?={_ROLE}|[/／]|\s|[、，,]|$)"

_TOKEN = re.compile(
    rf"""
    (?P<role>{_ROLE})
  | (?P<both>(?:文\s*[/／]\s*图|图\s*[/／]\s*文))(?=\s|$|[{_CJK}])
  | (?P<pre>(?:文图|图文|文|图|摄影|摄)\s*[/／])
  | [/／]\s*(?P<suf>文图|图文|文|图|摄影|摄)(?=\s|$|[、，,]|[{_CJK}])
  | (?P<she>摄影|摄)(?=\s|$)
  | (?P<name>{_NAME_CHAR}{{2,4}}?(?:·{_NAME_CHAR}{{1,8}})?){_BOUNDARY}
  | (?P<sep>[\s、，,]+)
  | (?P<colon>[:：])
    """,
    re.VERBOSE,
)


def _role_of(word: str) -> str:
    if "摄影" in word:
        return "photographer"
    return "correspondent" if word.endswith("通讯员") else "reporter"


def _credit_roles(mark: str) -> tuple[bool, bool]:
    """(writes, photographs) for a credit mark like 文, 图, 文图, 摄."""
    mark = re.sub(r"[\s/／]", "", mark)
    return ("文" in mark, "图" in mark or "摄" in mark)


def _strip_decoration(line: str) -> str:
    line = line.strip().lstrip(_LEAD_MARKS).strip()
    # (本报记者 张三) - a byline wrapped in brackets.
    if len(line) > 2 and line[0] in "(（" and line[-1] in ")）":
        line = line[1:-1].strip()
    return line


def _tokens(text: str) -> list[tuple[str, str, int]] | None:
    """Split ``text`` into (kind, value, end) tokens, or None if anything is left over."""
    out: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
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


def parse_byline(line: str) -> Byline | None:
    """Return the Byline if the whole of ``line`` is a byline, else None.

    The line is folded first (traditional -> simplified, one character for
    one), so 本報記者 reads as 本报记者; names come back in simplified script,
    which is how the index and its facets spell them.
    """
    raw = " ".join(fold(line).split())
    text = _strip_decoration(raw)
    if not text or len(text) > MAX_BYLINE_CHARS:
        return None

    publication = None
    m = _PUBLICATION.match(text)
    if m:
        if m.group("pub") not in _HOME:
            publication = m.group("pub")
        text = text[m.end():]

    tokens = _tokens(text)
    if not tokens:
        return None

    people = _People()
    role: str | None = None                  # from the last role word
    prefix: tuple[bool, bool] | None = None  # from 文/ 图/ before names
    group: list[str] = []                    # names since the last credit mark
    for i, (kind, value, end) in enumerate(tokens):
        nxt = tokens[i + 1][0] if i + 1 < len(tokens) else None
        if kind == "role":
            # The first name must be set apart (记者 张三, 记者：张三), so
            # headings like 记者手记 are not read as "reporter 手记".
            if nxt not in ("name", "colon") or text[end:end + 1] not in (" ", ":", "："):
                return None
            role, prefix = _role_of(value), None
        elif kind == "colon":
            if i == 0 or tokens[i - 1][0] not in ("role", "pre"):
                return None
        elif kind == "name":
            if _NOT_IN_NAMES & set(value):
                return None
            if prefix is not None:
                people.credit([value], *prefix)
            elif role is not None:
                people.add(value, role)
            else:
                people.roles.setdefault(value, [])
            group.append(value)
        elif kind == "pre" or (kind in ("both", "she") and nxt == "name"):
            role, prefix, group = None, _credit_roles(value), []
        else:  # suf, both, she closing a group of names
            # A suffix mark must follow names (赵普/文), not start the line.
            if not group:
                return None
            people.credit(group, *_credit_roles(value))
            group = []
    if not people.complete():
        return None
    return Byline(publication=publication, people=people.people(), raw=raw)


# Where a byline may start inside a paragraph: after sentence-final
# punctuation or a space.
_TAIL_START = re.compile(r"[。！？!?；;…”’）)\s]")


def split_trailing_byline(paragraph: str) -> tuple[str, Byline | None]:
    """Split a byline glued to the end of a body paragraph.

    ``"…多问、多想。记者 张改华 通讯员 吕杨子"`` -> (``"…多问、多想。"``,
    Byline). The leftmost start that makes the whole tail a byline wins, so
    the longest byline is taken; only the last ``MAX_BYLINE_CHARS``
    characters are tried, which keeps this cheap on long paragraphs.
    """
    text = paragraph.rstrip()
    floor = max(0, len(text) - MAX_BYLINE_CHARS - 1)
    starts = [0] if floor == 0 else []
    starts += [m.end() for m in _TAIL_START.finditer(text, floor)]
    for start in starts:
        tail = text[start:]
        if not tail.strip():
            break
        byline = parse_byline(tail)
        if byline is not None:
            return text[:start].rstrip(), byline
    return paragraph, None

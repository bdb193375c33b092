"""Front matter: the YAML block a markdown file from a static-site generator
(Jekyll, Hugo, Hexo, an archive of posts) opens with::

    ---
    title: "标题"
    date: 2018-01-15 18:49 +0800
    tags: ...
    ---

It is the file's own record of its title and date, as ``<title>`` and the
date meta tags are a web page's: the title heads the text as its ``#`` title
(unless the text has one), the date is the file's date (checked against the
text's years like any recorded date), and the block itself is no report
text. Parsed with PyYAML's safe loader; a block that is not a YAML mapping
is left as text.
"""

from __future__ import annotations

import datetime
import re
import textwrap

import yaml

# The opening line, the block (at most 100 lines: front matter is short; a
# long text between two rules is a text), the closing line.
# (Indented as a whole, as a copy pasted into a quote may be.)
_BLOCK = re.compile(r"\A\ufeff?\s*?([ \t]*)---[ \t]*\n((?:.*\n){0,100}?)[ \t]*(?:---|\.\.\.)[ \t]*(?:\n|\Z)")
_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def read(text: str) -> tuple[str, str | None]:
    """(the text without its front matter, headed by the title it gives; the
    date it gives)."""
    body, title, day = split(text)
    return with_title(body, title), day


def split(text: str) -> tuple[str, str | None, str | None]:
    """(the text without its front matter, the title it gives, its date as
    YYYY-MM-DD); the text unchanged and no title or date when it has none."""
    m = _BLOCK.match(text)
    if not m:
        return text, None, None
    try:
        fields = yaml.safe_load(textwrap.dedent(m.group(2)))
    except yaml.YAMLError:
        return text, None, None
    if not isinstance(fields, dict):
        return text, None, None
    fields = {str(k).lower(): v for k, v in fields.items()}
    title = fields.get("title")
    title = " ".join(str(title).split()) if isinstance(title, (str, int, float)) and str(title).strip() else None
    return text[m.end():], title, _date(fields.get("date"))


def _date(value) -> str | None:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    m = _DAY.match(str(value).strip()) if isinstance(value, str) else None
    if not m:
        return None
    try:
        return datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def with_title(text: str, title: str | None) -> str:
    """The text headed by ``title`` as its ``#`` title, unless it has one."""
    if not title or re.search(r"^#[ \t]", text, re.M):
        return text
    return f"# {title}\n\n{text.lstrip()}"

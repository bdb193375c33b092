"""HTML pages -> the article's text, with its headings as markdown.

trafilatura (Apache-2.0, maintained, the best-scoring open main-content
extractor in its own and independent benchmarks) keeps the article and drops
navigation, footers and side bars; with ``include_formatting`` it writes
headings as ``#``/``##``, which the structure parser reads. The page's title
(from ``<title>``/``og:title``, site name removed) heads the text when the
body has no ``#`` title; its publication date (htmldate) is the file's date.
readability-lxml was the alternative: smaller, but unmaintained for years
until recently and without date extraction.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

from rsearch.indexer.formats import Document
from rsearch.core.analysis import normalize
from rsearch.indexer.reader import UnreadableFile

_MIN_ARTICLE = 8  # characters


@lru_cache(maxsize=2)
def _config(limit: int):
    """trafilatura's settings with its own size cap (20 MB, also for what a
    compressed page inflates to) at ours, so a page we accept is never
    dropped in silence."""
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "MAX_FILE_SIZE", str(limit))
    return config


def read(path: str | os.PathLike) -> Document:
    import trafilatura
    from rsearch.core.settings import ENV_MAX_MARKUP_MB, max_markup_bytes
    from rsearch.indexer.formats import megabytes

    limit = max_markup_bytes()
    with open(path, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        # The parser holds the whole page, about ten times its size.
        raise UnreadableFile(path, f"HTML page too large to read (over {megabytes(limit)}: raise "
                                   f"{ENV_MAX_MARKUP_MB} to read it)")
    if not data.strip():
        raise UnreadableFile(path, "empty file")
    config = _config(limit)
    try:
        body = trafilatura.extract(
            data, output_format="markdown", include_formatting=True, include_comments=False,
            include_tables=True, favor_recall=True, deduplicate=False, config=config,
        )
        # The date the page's markup states (meta tags, <time>, its URL), not
        # htmldate's extensive search, which guesses from the visible text
        # (``2021年度`` in a title gave 2021-01-01): the text's dates are the
        # structure parser's to read, each with its source.
        meta = trafilatura.extract_metadata(data, extensive=False)
    except Exception as exc:  # lxml/parser errors on malformed input
        raise UnreadableFile(path, f"unreadable HTML ({exc.__class__.__name__})") from exc
    # Fewer characters than a headline: what was left is a menu ("首页"),
    # not an article.
    if not body or len("".join(body.split())) < _MIN_ARTICLE:
        raise UnreadableFile(path, "HTML without article text")
    title = _cms_title(data) or _without_site_name(data, (meta.title or "").strip() if meta else "")
    if title and not any(line.startswith("# ") for line in body.split("\n")):
        body = f"# {title}\n\n{body}"
    day = (meta.date or None) if meta else None
    return Document(normalize(body), day[:10] if day else None)


def _cms_title(data: bytes) -> str:
    """The article's title where the page's content system states it: Chinese
    government and news sites built on TRS and similar systems carry
    ``<meta name="ArticleTitle">``, while their ``<title>`` (what
    trafilatura reads when there is no og:title) is often the site's name."""
    from lxml import html as lxml_html

    try:
        found = lxml_html.fromstring(data).xpath('//meta[@name="ArticleTitle"]/@content')
    except Exception:  # malformed markup: trafilatura's title stands
        return ""
    return found[0].strip() if found and found[0].strip() else ""


# ``标题-新华网``, ``标题_某某网``, ``标题 | 某某``: a page's <title> with the
# site's name after a separator.
_SITE_SUFFIX = re.compile(r"\s*(?:[-_|｜—–]|\s-\s)\s*[^-_|｜—–]{1,20}$")


def _without_site_name(data: bytes, title: str) -> str:
    """``title`` without the site's name after it, where the page's own
    heading (an ``<h1>``) is the title without it."""
    m = _SITE_SUFFIX.search(title)
    if not m or m.start() == 0:
        return title
    from lxml import html as lxml_html

    try:
        headings = lxml_html.fromstring(data).xpath("//h1")
    except Exception:  # malformed markup: the title stands
        return title
    bare = title[: m.start()].strip()
    squeezed = "".join(bare.split())
    if any("".join(h.text_content().split()) == squeezed for h in headings):
        return bare
    return title
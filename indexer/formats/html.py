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

from rsearch.indexer.formats import Document
from rsearch.core.analysis import normalize
from rsearch.indexer.reader import UnreadableFile

_MIN_ARTICLE = 8  # characters


def read(path: str | os.PathLike) -> Document:
    import trafilatura

    with open(path, "rb") as fh:
        data = fh.read()
    if not data.strip():
        raise UnreadableFile(path, "empty file")
    try:
        body = trafilatura.extract(
            data, output_format="markdown", include_formatting=True, include_comments=False,
            include_tables=True, favor_recall=True, deduplicate=False,
        )
        meta = trafilatura.extract_metadata(data)
    except Exception as exc:  # lxml/parser errors on malformed input
        raise UnreadableFile(path, f"unreadable HTML ({exc.__class__.__name__})") from exc
    # Fewer characters than a headline: what was left is a menu ("首页"),
    # not an article.
    if not body or len("".join(body.split())) < _MIN_ARTICLE:
        raise UnreadableFile(path, "HTML without article text")
    title = _cms_title(data) or ((meta.title or "").strip() if meta else "")
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

"""Hostile report text, and the HTML tags a rendered highlight holds."""

from __future__ import annotations

from html.parser import HTMLParser

ATTACKS = [
    "<img src=x onerror=alert(1)>",
    "<script>alert('党史')</script>",
    '"><svg onload=alert(2)>',
    "&lt;b&gt; already escaped &amp;",
]


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)


def tags(html_text: str) -> list[str]:
    parser = _Tags()
    parser.feed(html_text)
    parser.close()
    return parser.tags

"""The page's words: Chinese, or English where the browser asks for it first
(Accept-Language). Labels, chunk kinds and error messages; the library's
messages are English, so the known ones are said again in Chinese here, and
any other keeps its English text after a Chinese lead-in."""

from __future__ import annotations

import re

from rsearch.search import facets

LANGUAGES = ("zh", "en")

TEXT = {
    "zh": {
        "search": "搜索", "placeholder": "搜索报道（简体或繁体），如：党史学习教育 region:西工区",
        "sort": "排序", "relevance": "相关度", "date": "日期", "group": "按报道归并", "filters": "筛选",
        "apply": "应用筛选", "counts_over": "计数：含全部词的结果", "untitled": "（无标题）",
        "empty": "没有找到与“{q}”相符的结果。试试更少或别的词，或去掉筛选条件。",
        "total_chunks": "共 {n} 条结果", "total_reports": "共 {n} 篇报道", "page_of": "第 {page}/{pages} 页",
        "matches": "{n} 处匹配", "prev": "上一页", "next": "下一页", "pages": "分页", "back": "← 返回搜索",
        "sections": "小节", "offline": "连接服务失败，请稍后再试。", "in_section": "小节：",
    },
    "en": {
        "search": "Search", "placeholder": "Search the reports (simplified or traditional), e.g. 党史学习教育 region:西工区",
        "sort": "Sort", "relevance": "relevance", "date": "date", "group": "one hit per report", "filters": "Filters",
        "apply": "Apply filters", "counts_over": "Counts: hits with every word", "untitled": "(untitled)",
        "empty": "Nothing matches “{q}”. Try fewer or other words, or remove a filter.",
        "total_chunks": "{n} hits", "total_reports": "{n} reports", "page_of": "page {page}/{pages}",
        "matches": "{n} matches", "prev": "previous", "next": "next", "pages": "pages", "back": "← back to the search",
        "sections": "Sections", "offline": "The service did not answer; try again in a moment.", "in_section": "section: ",
    },
}

KINDS = {
    "zh": {"title": "标题", "lede": "导语", "body": "正文", "caption": "图片说明", "byline": "署名"},
    "en": {"title": "title", "lede": "lede", "body": "body", "caption": "caption", "byline": "byline"},
}

# The library's one-line messages (core.errors, search.*) said in Chinese:
# (pattern, text with the pattern's groups as {0}, {1}...). The first match wins.
ERRORS_ZH = [
    (r"bad query: unclosed quote at position (\d+)", "查询有误：第 {0} 个字符处的引号没有配对的另一半"),
    (r"bad query: lone '-' at position (\d+)", "查询有误：第 {0} 个字符处的“-”后面没有要排除的词"),
    (r"bad query: empty phrase at position (\d+)", "查询有误：第 {0} 个字符处的引号里是空的"),
    (r"bad query: unknown field '(.*?)' \(known: (.*)\)", "查询有误：没有“{0}”这个筛选项（可用：{1}）"),
    (r"bad query: empty value for field '(.*?)'", "查询有误：“{0}:”后面缺少要筛选的值"),
    (r"bad query: 'OR' needs a term on both sides", "查询有误：OR 的两边都要有词"),
    (r"bad query: 'NOT' needs a term after it", "查询有误：NOT 后面要有一个词"),
    (r"bad query: 'NOT' followed by '-'", "查询有误：NOT 后面不能再跟“-”"),
    (r"bad query: nothing to search for", "查询有误：只有要排除的词，没有要找的词"),
    (r"the query is ([\d,]+) characters long; the limit is ([\d,]+)", "查询太长：{0} 个字符，最多 {1} 个"),
    (r"the (\w+) filter value is ([\d,]+) characters long", "筛选值太长：{0} 的值有 {1} 个字符"),
    (r"unknown (?:filter|facet) '(.*?)' \(known: (.*)\)", "没有“{0}”这个筛选项（可用：{1}）"),
    (r"bad date '(.*?)'", "日期“{0}”无效：请写成 2021、2021-03 或 2021-03-12 的形式"),
    (r"bad filter '(.*?)'", "筛选条件“{0}”无效：请写成 名称:值，如 people:张再行"),
    (r"page (\d+) is beyond the first (\d+) results", "第 {0} 页超出了前 {1} 条结果：请缩小查询范围"),
    (r"no index '(.*?)' yet", "还没有索引“{0}”：请先运行 rsearch index 建立索引"),
    (r"cannot reach Elasticsearch at (\S+?)(?::? |:?$)", "无法连接 Elasticsearch（{0}）：请确认它已启动（rsearch es start），或设置 RSEARCH_ES_URL"),
    (r"no (?:chunk|report) with id", "没有找到这篇报道或这段内容：链接有误，或它已从索引中删除"),
    (r".* is not valid UTF-8 text", "输入的文字不是有效的 UTF-8 编码"),
    (r"Input should be|should be greater than|should be less than", "参数无效"),
]


def language(accept_language: str | None) -> str:
    """The first of the browser's languages that the page speaks; Chinese otherwise."""
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("zh"):
            return "zh"
        if tag.startswith("en"):
            return "en"
    return "zh"


def error_text(message: str, lang: str) -> str:
    if lang == "en":
        return message
    for pattern, text in ERRORS_ZH:
        m = re.search(pattern, message)
        if m:
            return text.format(*[g or "" for g in m.groups()])
    return f"出错了：{message}"


def kind_label(kind: str, lang: str) -> str:
    return KINDS[lang].get(kind, kind)


def facet_label(name: str, lang: str) -> str:
    facet = facets.REGISTRY.get(name)
    if facet is None:
        return name
    return facet.label if lang == "en" else facet.page_label

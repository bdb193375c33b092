"""The page says the library's errors in Chinese (English for a browser that
asks for it first): every message the query parser and the options really
raise has its Chinese line, not the English fallback."""

from __future__ import annotations

import re

import pytest

from rsearch.core.errors import QueryError
from rsearch.search.analysed import analyse
from rsearch.search.facets import date_bounds
from rsearch.search.options import SearchOptions
from rsearch.service.page_text import error_text, kind_label, language

CJK = re.compile(r"[\u4e00-\u9fff]")


def raised(call) -> str:
    with pytest.raises(QueryError) as info:
        call()
    return str(info.value)


BAD = [
    lambda: analyse('"党史'), lambda: analyse("党史 - 教育"), lambda: analyse('党史 ""'),
    lambda: analyse("nosuchfield:党史"), lambda: analyse("region: 党史"), lambda: analyse("OR 党史"),
    lambda: analyse("党史 NOT"), lambda: analyse("党史 NOT -教育"), lambda: analyse("-党史"),
    lambda: analyse("党" * 5000), lambda: analyse("党史", filters={"nosuch": ["x"]}),
    lambda: date_bounds("2021-13"), lambda: SearchOptions(page=2000, limit=10),
    lambda: SearchOptions(facets=("nosuch",)),
]


@pytest.mark.parametrize("call", BAD, ids=range(len(BAD)))
def test_every_query_error_reads_in_chinese(call):
    message = raised(call)
    zh = error_text(message, "zh")
    assert not zh.startswith("出错了") and CJK.search(zh), (message, zh)
    assert error_text(message, "en") == message


def test_an_unknown_message_keeps_its_english_after_a_chinese_lead():
    assert error_text("something new went wrong", "zh") == "出错了：something new went wrong"


def test_unreachable_names_the_url():
    text = error_text("cannot reach Elasticsearch at http://127.0.0.1:9201 (refused): start the local node", "zh")
    assert "http://127.0.0.1:9201）" in text and "无法连接" in text


@pytest.mark.parametrize("header, lang", [(None, "zh"), ("", "zh"), ("zh-CN,zh;q=0.9", "zh"), ("en-US,en;q=0.8", "en"),
                                          ("fr-FR,en;q=0.5", "en"), ("de", "zh"), ("zh-TW,en;q=0.5", "zh")])
def test_the_language_is_the_first_the_page_speaks(header, lang):
    assert language(header) == lang


def test_kinds_in_chinese():
    assert [kind_label(k, "zh") for k in ("title", "lede", "body", "caption", "byline")] == \
        ["标题", "导语", "正文", "图片说明", "署名"]

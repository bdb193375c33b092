"""Regions beyond the mainland gazetteer and reports with no region (texts
written here)."""

from __future__ import annotations

import pytest

from rsearch.core.analysis import fold
from rsearch.core.gazetteer import resolve
from rsearch.indexer.metadata import extract_regions
from rsearch.indexer.parse import parse_text


def region(text: str) -> list[str]:
    (report,) = parse_text(text, "x.txt").reports
    return report.region


@pytest.mark.parametrize("text,expected", [
    ("善化區公所辦理長者關懷活動\n\n善化區公所今日邀請志工到長者家中打掃環境。\n", ["台湾省", "台南市", "善化区"]),
    ("臺北市舉辦書展\n\n臺北市政府今日在信義區舉辦書展，吸引許多市民。\n", ["台湾省", "台北市", "信义区"]),
    ("油尖旺區舉辦社區健康日\n\n香港油尖旺區議會今日舉辦社區健康日。\n", ["香港特别行政区", "油尖旺区"]),
    ("氹仔舊城區推出美食節\n\n澳門氹仔舊城區今日推出美食節。\n", ["澳门特别行政区", "氹仔"]),
])
def test_taiwan_hong_kong_macau_places(text, expected):
    assert region(text) == expected


def test_taiwan_counties_and_townships_resolve():
    assert resolve("台南") == ["台南市"] and resolve("竹北市") == ["竹北市"]
    found = extract_regions(fold("新竹縣竹北市今天舉辦活動"))
    assert found.cities == ["新竹县"] and found.districts == ["竹北市"]
    # A name cpca has at another place stays cpca's: 连江县 is a county of Fujian there.
    assert extract_regions("福建省连江县").provinces == ["福建省"]


def test_a_national_report_has_no_region():
    text = ("全国春耕生产有序推进\n\n各地抓住有利时机推进春耕生产。"
            "湖南长沙的农户忙着育秧，山东的麦田开始浇灌，黑龙江的农机手检修机具。\n")
    assert region(text) == []


def test_places_spread_over_the_country_give_no_region():
    text = ("春耕忙\n\n在湖南，农户忙着育秧；在山东，麦田开始浇灌；在黑龙江，农机手检修机具；"
            "在四川，合作社组织统一播种。\n")
    assert region(text) == []


def test_the_stops_of_a_trip_are_not_where_the_report_is_from():
    text = "镇里组织种植户学技术\n\n镇里组织种植户到山东、云南学习葡萄种植技术，大家收获很大。\n"
    assert region(text) == []


def test_one_place_throughout_is_the_region():
    text = "春耕忙\n\n连日来，农户们忙着育秧。湖南省长沙市的合作社组织统一播种，长沙的农机手检修机具。\n"
    assert region(text)[:2] == ["湖南省", "长沙市"]


@pytest.mark.parametrize("text", [
    "防空系统在莫斯科州、别尔哥罗德州上空击落多架无人机。",
    "美国加利福尼亚州山火蔓延。",
    "俄罗斯库尔斯克州发布通告。",
    "在亚利桑那州、明尼苏达州等地情况尤为严重。",  # one word: 明尼苏达州, not 达州
    "代表团在佛罗里达州举行会谈。",
    "澳大利亚昆士兰州遭遇洪水。",
])
def test_a_foreign_region_in_zhou_holds_no_chinese_city(text):
    # 别尔哥罗德州 ends in 德州, 明尼苏达州 in 达州: word segmentation says
    # the 州 closes a longer name.
    found = extract_regions(text)
    assert (found.provinces, found.cities, found.districts) == ([], [], [])


@pytest.mark.parametrize("text,city", [
    ("会议在杭州举行。", "杭州市"), ("郑州、开封两地联动。", "郑州市"), ("德州扒鸡远销海外。", "德州市"),
    ("汉中、达州两地签约。", "达州市"), ("来自兰州的消息。", "兰州市"),
])
def test_cities_in_zhou_are_still_found(text, city):
    assert city in extract_regions(text).cities

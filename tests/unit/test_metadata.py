"""Places (via the cpca gazetteer) and dates extracted from report text."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rsearch.indexer.metadata import extract_dates, extract_regions
from paths import SEEDS


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


# ---------------------------------------------------------------- regions

# Checked by eye against the seeds. Notable non-places in them: 中心城区 /
# 城区南滨路 (城区 is also a Shanxi district), 东方今报 (东方市), 孙青海
# (青海), 合作意向书 (合作市), 《井冈山》 (a film; 井冈山市), 县处级 (县),
# 中原工业精神 (中原 is no place name), 新西工 (西工 alone).
SEED_REGIONS = {
    "000": (["河南省"], ["洛阳市"], ["西工区"]),
    "001": (["河南省"], ["洛阳市"], ["老城区"]),
    # 武陵区 is unique in the gazetteer (常德市, 湖南省); 贵州省遵义市 is the
    # delegation's trip.
    "002": (["湖南省", "贵州省"], ["常德市", "遵义市"], ["武陵区"]),
    # 遵义市美术馆 exhibition held in 中原区.
    "003": (["河南省", "贵州省"], ["遵义市", "郑州市"], ["中原区"]),
    "004": (["河南省"], ["郑州市"], ["中原区"]),
}


@pytest.mark.parametrize("prefix", sorted(SEED_REGIONS))
def test_seed_regions(prefix):
    regions = extract_regions(seed(prefix))
    assert (regions.provinces, regions.cities, regions.districts) == SEED_REGIONS[prefix]


def test_all_is_sorted_union():
    regions = extract_regions(seed("003"))
    assert regions.all == sorted({"河南省", "贵州省", "遵义市", "郑州市", "中原区"})


@pytest.mark.parametrize(
    "text,provinces,cities,districts",
    [
        ("洛阳市老城区西关办事处", ["河南省"], ["洛阳市"], ["老城区"]),
        ("洛阳老城区", ["河南省"], ["洛阳市"], ["老城区"]),
        ("前往贵州省遵义市红军烈士陵园", ["贵州省"], ["遵义市"], []),
        ("郑州美术馆", ["河南省"], ["郑州市"], []),
        ("浙江杭州", ["浙江省"], ["杭州市"], []),
        ("内蒙古包头", ["内蒙古自治区"], ["包头市"], []),
        # Leftmost match wins: 浙江西部 is not 江西.
        ("浙江西部", ["浙江省"], [], []),
        # Ambiguous county resolved by its city right before it...
        ("吉林省长春市朝阳区", ["吉林省"], ["长春市"], ["朝阳区"]),
        ("北京市朝阳区", ["北京市"], [], ["朝阳区"]),
        # ... or by its province elsewhere in the text.
        ("河北省石家庄市有个新华区", ["河北省"], ["石家庄市"], ["新华区"]),
        # Unresolved: keep the name, infer nothing.
        ("鼓楼区", [], [], ["鼓楼区"]),
        # Candidates agreeing on the province give the province only.
        ("河北省的新华区", ["河北省"], [], ["新华区"]),
        # Unique county: parents inferred.
        ("武陵区", ["湖南省"], ["常德市"], ["武陵区"]),
        ("海南省东方市", ["海南省"], [], ["东方市"]),
        ("济南市市中区", ["山东省"], ["济南市"], ["市中区"]),
        ("阳泉市城区", ["山西省"], ["阳泉市"], ["城区"]),
        ("河南省新县", ["河南省"], ["信阳市"], ["新县"]),
    ],
)
def test_regions(text, provinces, cities, districts):
    regions = extract_regions(text)
    assert (regions.provinces, regions.cities, regions.districts) == (provinces, cities, districts)


@pytest.mark.parametrize(
    "text",
    [
        "中心城区综合服务配套",   # 城区 without 阳泉/长治/晋城 around
        "老城区改造",             # generic noun without 洛阳
        "新城区建设",
        "副书记孙青海主持会议",   # a person
        "东方今报",               # county-level 东方市 only by full name
        "签订合作意向书",         # 合作市
        "全国示范县",             # 范县
        "长治久安",               # short-form word
        "黄河南岸",               # 黄 + 河南
        "全区35名县处级干部",     # 重庆's placeholder "县"
        "赓续中原工业精神",
        "新兴区域经济",           # 区域, not 新兴区
        "市辖区",
        "",
    ],
)
def test_no_false_regions(text):
    assert extract_regions(text).all == []


def test_all_mentions_not_only_first():
    text = "河南省郑州市中原区的代表，前往贵州省遵义市，又到湖南省长沙市岳麓区。"
    regions = extract_regions(text)
    assert regions.provinces == ["河南省", "湖南省", "贵州省"]
    assert regions.cities == ["遵义市", "郑州市", "长沙市"]
    assert regions.districts == ["中原区", "岳麓区"]


def test_import_is_cheap():
    # cpca (and pandas) load only when regions are first extracted.
    code = "import sys, indexer.metadata; print('cpca' in sys.modules, 'pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# ---------------------------------------------------------------- dates

@pytest.mark.parametrize(
    "text,expected",
    [
        ("2021年3月15日", ["2021-03-15"]),
        ("2018年1月", ["2018-01"]),
        ("西关办事处于2018\n年1月建成了", ["2018-01"]),   # 001, broken line
        ("2021-03-15", ["2021-03-15"]),
        ("2021.3.15", ["2021-03-15"]),
        ("2021/3/15", ["2021-03-15"]),
        ("2021年3月15号", ["2021-03-15"]),
        ("2021年，3月15日开班，4月1日结业", ["2021-03-15", "2021-04-01"]),
        ("3月15日", []),                                  # no year at all
        ("3月4日召开大会，2021年春季", []),               # year only after it
        ("2021年2月30日", []),                            # impossible
        ("2021年13月", []),
        ("2019年2月29日", []),
        ("2020年2月29日", ["2020-02-29"]),
        ("12021年3月15日", []),                           # not a year
        ("2021年3月1日与2021年3月1日", ["2021-03-01"]),   # unique
        ("2021年5月，2020年3月", ["2020-03", "2021-05"]), # sorted
        # A cited older year does not capture later bare dates.
        ("2021年3月26日开讲。从1921年成立至今。3月31日参观", ["2021-03-26", "2021-03-31"]),
        ("2021年", []),
        ("20世纪60~80年代", []),
    ],
)
def test_dates(text, expected):
    assert extract_dates(text) == expected


def test_seed_dates():
    assert extract_dates(seed("001")) == ["2018-01"]
    assert extract_dates(seed("002")) == [
        "2021-03-06", "2021-03-26", "2021-03-31", "2021-04-20", "2021-04-23", "2021-05-13"]
    # 003: the first dated events come before any year is named and are
    # dropped; 2019年5月 is a full date of its own.
    assert extract_dates(seed("003")) == ["2019-05", "2021-03-12", "2021-03-17"]
    assert extract_dates(seed("004")) == []


def test_scanner_finds_what_an_aho_corasick_automaton_finds():
    import ahocorasick

    from rsearch.indexer.metadata import _gazetteer

    scanner, _ = _gazetteer()
    automaton = ahocorasick.Automaton()
    for entries in scanner._by_prefix.values():
        for key, value in entries:
            automaton.add_word(key, value)
    automaton.make_automaton()
    text = "".join(seed(p) for p in SEED_REGIONS) + "大厂回族自治县大厂县瀍河回族区恩施州内蒙古自治区包头市"

    def key(match):
        return match[0], match[1][0]

    assert sorted(scanner.iter(text), key=key) == sorted(automaton.iter(text), key=key)


# Place names and the text around them that the matching rules look at: a
# surname before, a street / market / 域 after, city + county, traditional.
_PLACE_PIECES = [
    "洛阳市", "老城区", "西工区", "河南省", "河南", "洛阳", "孙", "青海", "路", "东路", "市场", "社区", "域",
    "新兴区", "天津", "北京街", "道", "大厂县", "恩施州", "朝阳", "吉林", "的", "，", "。", "\n", "\n\n", " ",
    "本报洛阳讯", "前往", "贵州省遵义市", "会议", "中心城区", "合作意向书", "東城區",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(_PLACE_PIECES),
                          st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=3)),
                max_size=40).map("".join))
def test_places_matched_line_by_line_are_the_whole_texts_matches(text):
    # place_mentions scans line by line (each line once for all passes over
    # a report); the rules must see exactly what a scan of the whole text sees.
    from rsearch.indexer.metadata import _gazetteer, _matches, _matches_by_line

    assert _matches_by_line(text) == _matches(text, _gazetteer()[0])


def test_places_of_every_seed_line_by_line_are_the_whole_texts():
    from rsearch.indexer.metadata import _gazetteer, _matches, _matches_by_line

    for path in SEEDS.glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        assert _matches_by_line(text) == _matches(text, _gazetteer()[0]), path.name


# Pieces of dates and of what sits around them: digits, the marks of a date,
# 民國 years, a decimal point, spaces, line breaks, other text.
_DATE_PIECES = ["1", "2", "0", "9", "12", "19", "20", "113", "2021", "12021", "年", "月", "日", "号", "-", ".", "/",
                " ", "\n", "民國", "民国", "度", "代", "前", "今", "，", "的", "3月5日", "2021年", "113年", "到", "至"]
_date_texts = st.lists(st.sampled_from(_DATE_PIECES), max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(_date_texts)
def test_dates_are_looked_for_where_digits_start_with_the_same_matches(text):
    # _date_matches tries _DATE_RE only where a run of digits starts (fast);
    # it must find exactly what finditer finds trying every position.
    from rsearch.indexer.metadata import _DATE_RE, _date_matches

    def spans(matches):
        return [(m.span(), m.groupdict()) for m in matches]

    assert spans(_date_matches(text)) == spans(_DATE_RE.finditer(text))


@settings(max_examples=400, deadline=None)
@given(_date_texts)
def test_year_patterns_with_the_look_behind_after_the_first_digit_match_as_plainly_written(text):
    # The 民國 patterns check what stands before them after their first
    # digits (so that re searches for those in C); written plainly:
    from rsearch.indexer import metadata

    plain_date = re.compile(r"(?<![\d.])(?P<y>\d{2,3})(?P<sep>\s*年\s*)(?=\d{1,2}\s*月\s*\d{1,2}\s*[日号])")
    plain_year = re.compile(r"(?<![\d.])(?P<y>1[0-4]\d)(?P<sep>\s*年)(?![代前来间龄级])")
    for fast, plain in ((metadata._ROC_DATE, plain_date), (metadata._ROC_YEAR, plain_year)):
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]

"""A report's own region (vs the places it mentions), its one date and where
that came from, and filter values resolved to full names. Varied shapes
written here; the seeds as a check that every report is placed and dated."""

from __future__ import annotations


import pytest

from rsearch.indexer.metadata import extract_regions
from rsearch.indexer.pipeline import recover_reports
from rsearch.core.gazetteer import resolve
from rsearch.indexer.reader import read_text
from rsearch.indexer.report_date import (
    SOURCES, anniversary_years, file_name_date, header_date, mentioned_years, source_parts,
)
from paths import SEED_FILES as SEEDS


def one(text: str, **kw):
    (report,) = recover_reports(text, "t.txt", **kw)
    return report


BODY = "活动现场气氛热烈，大家纷纷表示收获很大，要把学习成果转化为推动工作的实际行动。"


# -- places: streets are not cities; autonomous short names -----------------------

@pytest.mark.parametrize("text,places", [
    ("三台北斗导航播种机正在作业", []),  # 三台 / 北斗: no 台北 in it
    ("代表团前往台北参加交流活动", ["台北市", "台湾省"]),
    ("河南洛阳的牡丹开了", ["河南省", "洛阳市"]),
])
def test_a_short_name_that_segmentation_cuts_in_two_is_no_place(text, places):
    assert sorted(extract_regions(text).all) == sorted(places)


@pytest.mark.parametrize("text", ["家住天津路的居民", "广州市场内商户", "南京东路步行街", "北京街社区居委会", "上海花园小区"])
def test_street_market_community_names_are_not_places(text):
    assert extract_regions(text).all == []


@pytest.mark.parametrize("text,full", [
    ("大厂县召开会议", "大厂回族自治县"),
    ("瀍河区举行活动", "瀍河回族区"),
    ("长阳县开展培训", "长阳土家族自治县"),
    ("恩施州发布通知", "恩施土家族苗族自治州"),
])
def test_autonomous_short_names(text, full):
    assert full in extract_regions(text).all


@pytest.mark.parametrize("value,expected", [
    ("洛阳", ["洛阳市"]), ("洛阳市", ["洛阳市"]), ("洛陽", ["洛阳市"]),
    ("大厂县", ["大厂回族自治县"]), ("大厂回族自治县", ["大厂回族自治县"]),
    ("瀍河区", ["瀍河回族区"]), ("西工", ["西工区"]), ("河南", ["河南省"]),
    ("火星", ["火星"]),
])
def test_filter_values_resolve_to_full_names(value, expected):
    assert resolve(value) == expected


def test_ambiguous_short_name_stands_for_all():
    assert set(resolve("朝阳")) == {"朝阳市", "朝阳区", "朝阳县"}


# -- region ------------------------------------------------------------------------

def test_region_from_title_not_from_a_trip():
    r = one(f"# 中原区组织党员赴遵义开展红色教育\n\n中原区五十名党员前往贵州省遵义市，参观遵义会议会址。{BODY}\n")
    assert r.region == ["河南省", "郑州市", "中原区"]
    assert {"贵州省", "遵义市"} <= set(r.places)


def test_region_from_dateline_place():
    r = one(f"# 春季招聘会举行\n\n本报洛阳讯 3月2日，春季招聘会在市会展中心举行，吸引求职者上万人次。前往郑州市的客车加开班次。{BODY}\n")
    assert r.region == ["河南省", "洛阳市"]


def test_region_from_publication():
    r = one(f"# 社区开展便民服务\n\n社区志愿者为居民理发、修家电。{BODY}\n\n□ 洛阳日报记者 张三\n")
    assert r.publication == "洛阳日报" and r.region == ["河南省", "洛阳市"]


def test_region_most_specific_with_parents():
    r = one(f"# 洛阳市老城区推进老旧小区改造\n\n老城区今年改造老旧小区四十个。{BODY}\n")
    assert r.region == ["河南省", "洛阳市", "老城区"]


def test_region_street_named_after_city_is_not_the_region():
    r = one(f"# 天津路社区开展义诊\n\n西工区天津路社区联合医院开展义诊。{BODY}\n")
    assert r.region == ["河南省", "洛阳市", "西工区"]
    assert "天津市" not in r.places


def test_no_place_no_region():
    assert one(f"# 社区开展便民服务\n\n志愿者为居民理发。{BODY}\n").region == []


def test_traditional_script_region():
    r = one(f"# 鄭州市中原區舉辦黨史講座\n\n講座吸引數百人參加。{BODY}\n")
    assert r.region == ["河南省", "郑州市", "中原区"]


# -- date --------------------------------------------------------------------------

def test_dateline_year_from_page_header():
    page = f"洛阳日报 2021年6月19日 星期六 第3版\n\n# 义诊进社区\n\n本报讯（记者 王建军 通讯员 赵丽）6月18日，专家义诊。{BODY}\n"
    assert header_date(page) == "2021-06-19"
    r = one(page)
    assert (r.date, r.date_source) == ("2021-06-18", "dateline")


def test_dateline_after_header_date_is_the_year_before():
    page = f"某某日报 2022年1月3日 星期一\n\n# 年终总结会召开\n\n本报讯 12月30日，总结会召开。{BODY}\n"
    assert one(page).date == "2021-12-30"


def test_dateline_year_from_a_full_date_in_the_report():
    r = one(f"# 推进会召开\n\n本报讯 为推进工作，3月9日，县里召开推进会。会议传达了2021年3月5日全省会议精神。{BODY}\n")
    assert (r.date, r.date_source) == ("2021-03-09", "dateline")
    # A year it merely mentions is no year of its own: undated, not guessed
    # (held-out news: 据韩联社7月28日报道 ... 自2009年以来 is no 2009-07-28).
    assert one(f"# 推进会召开\n\n本报讯 为推进工作，3月9日，县里召开推进会。会议指出，2021年是开局之年。{BODY}\n").date is None
    # An anniversary it celebrates is its year (建党100周年: 2021).
    r = one(f"# 推进会召开\n\n本报讯 3月9日，县里召开庆祝中国共产党成立100周年推进会。{BODY}\n")
    assert (r.date, r.date_source) == ("2021-03-09", "dateline")


def test_xinhua_dateline():
    r = one(f"# 会议在京举行\n\n新华社北京2019年10月8日电（记者 李四）会议今天举行。{BODY}\n")
    assert (r.date, r.date_source) == ("2019-10-08", "dateline")


def test_target_year_is_not_context():
    r = one(f"# 规划发布\n\n本报讯 5月6日，规划发布。2020年4月30日市政府审议通过，到2035年建成现代化城市。{BODY}\n")
    assert r.date == "2020-05-06"
    # The deadline of a plan is no date of the time either.
    assert one(f"# 规划发布\n\n本报讯 5月6日，规划发布，到2035年12月31日前建成。{BODY}\n").date is None


@pytest.mark.parametrize("closing", ["2021年6月30日", "二〇二一年六月三十日"])
def test_closing_date_of_a_work_report(closing):
    r = one(f"区人民政府\n\n# 关于上半年工作情况的报告\n\n一、总体情况\n\n上半年，3月5日召开了动员会。{BODY}\n\n区人民政府\n\n{closing}\n")
    assert (r.date, r.date_source) == ("2021-06-30", "closing")


def test_title_date():
    r = one(f"# 政府工作报告\n——2021年1月18日在区第十六届人民代表大会第五次会议上\n\n各位代表：{BODY}\n")
    assert (r.date, r.date_source) == ("2021-01-18", "title")


def test_dates_the_text_only_mentions_give_its_year():
    # The newest full date a report mentions is seldom its own day (a
    # meeting's, a deadline's): only its year is given.
    r = one(f"# 工作综述\n\n2021年3月4日召开动员会，2021年5月13日举行观摩。{BODY}\n")
    assert (r.date, r.date_source) == ("2021", "text")
    # Not the bounds of a span or a deadline: when something starts or ends.
    r = one(f"# 工作综述\n\n2021年3月4日召开动员会，报名自2022年1月2日起至2022年1月8日止，储备资格至2025年12月31日为止。{BODY}\n")
    assert (r.date, r.date_source) == ("2021", "text")
    # A year alone (a plan's, history's) dates nothing.
    assert one(f"# 工作综述\n\n全县2019年启动改造，2025年完成全部任务。{BODY}\n").date is None


def test_metadata_then_file_name_then_year():
    text = f"# 红色宣讲团\n\n宣讲团庆祝中国共产党成立100周年。{BODY}\n"
    assert (one(text, metadata_date="2021-06-25").date_source) == "metadata"
    assert (one(text, name_date="2021-06-24").date, one(text, name_date="2021-06-24").date_source) == \
        ("2021-06-24", "file name")
    assert (one(text).date, one(text).date_source) == ("2021", "year")
    bare = f"# 社区服务\n\n志愿者服务居民。{BODY}\n"
    assert (one(bare, name_date="2024-01-02").date, one(bare, name_date="2024-01-02").date_source) == \
        ("2024-01-02", "file name")
    assert one(bare).date is None  # no modification-time fallback: undated


def test_the_files_record_outranks_a_date_the_text_only_mentions():
    text = f"# 文化节筹备会召开\n\n筹备会决定，文化节于2024年5月20日开幕，5月26日闭幕。{BODY}\n"
    assert (one(text).date, one(text).date_source) == ("2024", "text")
    assert (one(text, name_date="2024-05-09").date, one(text, name_date="2024-05-09").date_source) == \
        ("2024-05-09", "file name")


@pytest.mark.parametrize("name,expected", [
    ("2024-05-09 市政新闻.pdf", "2024-05-09"),
    ("report_20240509.txt", "2024-05-09"),
    ("2024年5月9日通报.docx", "2024-05-09"),
    ("新聞稿113年5月9日.txt", "2024-05-09"),
    ("2024.5.9-会议纪要.txt", "2024-05-09"),
    ("2024-05-09/头版.txt", "2024-05-09"),  # the folder's name
    ("case_201202080003.txt", None),  # a longer number is an id, not a date
    ("2024-13-40 draft.txt", None),
    ("notes.txt", None),
])
def test_file_name_date(name, expected):
    assert file_name_date(name) == expected


def test_today_takes_its_month_from_the_file_name():
    text = f"# 市長視察農場\n\n市長今(18)日上午前往農場，關心作物生長情形。{BODY}\n"
    assert one(text).date is None  # the day alone: no month, no year
    r = one(text, name_date="2019-07-18")
    assert (r.date, r.date_source) == ("2019-07-18", "today+file name")
    # 昨(17)日: the release went out the day after.
    r = one(text.replace("今(18)日", "昨(17)日"), name_date="2019-07-18")
    assert r.date == "2019-07-18"
    # Across a month's end: the 30th before a file of the 1st.
    r = one(text.replace("今(18)日", "昨(30)日"), name_date="2019-08-01")
    assert r.date == "2019-07-31"


def test_a_day_of_the_month_in_the_lead():
    text = f"# 議會召開程序委員會\n\n市議會2日下午召開程序委員會，會中編審提案。{BODY}\n"
    r = one(text, name_date="2020-06-03")
    assert (r.date, r.date_source) == ("2020-06-03", "file name")  # the record outranks the news's day
    r = one(text.replace("會中", "113年6月1日公告，會中"))
    assert (r.date, r.date_source) == ("2024-06-02", "day")
    # Spans of days are no dates.
    assert one(f"# 旅遊\n\n推出3日游路線，7日內報名。{BODY}\n").date is None


def test_a_wire_dateline_of_any_outlet():
    r = one(f"# 交易所发布新规\n\n中国经济网北京6月12日讯 交易所发布新规。2026年将全面实施。{BODY}\n",
            name_date="2026-06-12")
    assert (r.date, r.date_source) == ("2026-06-12", "dateline+file name")


def test_the_file_record_gives_the_year_of_a_dateline():
    text = f"# 会议召开\n\n科技日报兰州6月11日电 会议召开，回顾2025年的工作。{BODY}\n"
    assert one(text).date is None  # 2025 is merely mentioned: this year's work, or last year's?
    r = one(text, name_date="2026-06-12")
    assert (r.date, r.date_source) == ("2026-06-11", "dateline+file name")
    # A record of another time (a tool's default creation date) is no context,
    # and no date either.
    r = one(text, metadata_date="2000-01-01")
    assert (r.date, r.date_source) == (None, None)


@pytest.mark.parametrize("text,year", [
    ("庆祝中国共产党成立100周年", 2021), ("改革开放40周年", 2018), ("新中国成立七十周年", 2019), ("建党百年", 2021),
])
def test_anniversaries(text, year):
    assert anniversary_years(text) == [year]


def test_every_seed_report_has_a_date_and_region():
    for path in SEEDS:
        for r in recover_reports(read_text(path), path.name, name_date="2021-03-20"):
            assert r.date and source_parts(r.date_source)[0] in SOURCES, (path.name, r.report_no)
            assert r.region, (path.name, r.report_no)
            assert "贵州省" not in r.region and "遵义市" not in r.region


def test_seed_dates_from_their_text():
    got = {(p.name[:3], r.report_no): (r.date, r.date_source)
           for p in SEEDS for r in recover_reports(read_text(p), p.name)}
    # 003's briefs are dated by their datelines, the year from the page.
    assert got[("003", 2)] == ("2021-03-15", "dateline")
    assert got[("003", 3)] == ("2021-03-12", "dateline")  # the brief also cites 2019年5月
    assert got[("003", 4)] == ("2021-03-17", "dateline")
    assert got[("004", 1)] == ("2021", "year")  # 中国共产党成立100周年 (its 3月5日 has no year of its own)
    assert got[("001", 1)] == ("2018", "year")  # 改革开放40周年
    assert got[("000", 1)] == (None, None)  # no date anywhere in its text: only the file's


def test_a_date_opening_the_text_is_the_news_day_and_the_page_a_few_days_on_its_day():
    text = f"# 两家银行获批合并\n\n6月10日，监管部门批复两家银行合并。今年以来已有多家银行退出市场。{BODY}\n"
    assert one(text).date is None  # no year anywhere: the day alone dates nothing
    # The file's record two days on is the day the report came out; the
    # news it opens with is of the 10th.
    r = one(text, name_date="2031-06-12")
    assert (r.date, r.date_source) == ("2031-06-12", "file name")
    r = one(text, metadata_date="2031-06-11")
    assert (r.date, r.date_source) == ("2031-06-11", "metadata")
    # A record months on is when the file was saved, not the page's day: the
    # text's own day, its year from the record.
    r = one(text, metadata_date="2031-11-02")
    assert (r.date, r.date_source) == ("2031-06-10", "dateline+metadata")
    # A dateline (本报讯, X月X日电) dates the report itself, whatever the record.
    r = one(text.replace("6月10日，监管部门", "本报讯 6月10日，监管部门"), name_date="2031-06-12")
    assert (r.date, r.date_source) == ("2031-06-10", "dateline+file name")


def test_a_page_header_a_day_after_the_opening_date_is_the_reports_day():
    page = f"某某日报 2031年3月6日 星期四\n\n# 春耕备耕有序推进\n\n3月5日，全县春耕备耕工作会议召开。{BODY}\n"
    assert (one(page).date, one(page).date_source) == ("2031-03-06", "header")


@pytest.mark.parametrize("text,years", [
    ("会议审议2031年至2040年发展规划草案。", set()),  # a plan's period: no time the report is in
    ("审议2031—2040年规划。", set()),
    ("公司自2019年至今累计投资十亿元，2023年营收增长一成。", {2019, 2023}),  # up to now: a past year
    ("2020年全市完成投资，到2035年建成现代化城市。", {2020}),
])
def test_years_a_text_is_in(text, years):
    assert mentioned_years(text) == years


def test_a_plan_period_gives_no_year_to_a_date_without_one():
    text = f"# 会议审议军备计划\n\n会议今天（6月12日）审议2031年至2040年国家计划草案。{BODY}\n"
    assert one(text).date is None  # 2031 is the plan's first year, not the report's
    assert one(text, name_date="2029-06-12").date == "2029-06-12"


def test_a_hong_kong_release_closes_with_its_date_and_weekday():
    text = ("# 食物安全中心公布檢測結果\n\n　　食物安全中心今日（三月六日）公布，最近抽查的食物樣本全部合格。"
            f"{BODY}\n\n完\n\n2031年3月6日（星期四）\n香港時間15時30分\n")
    assert (one(text).date, one(text).date_source) == ("2031-03-06", "closing")
    # Without the closing line, today's day in Chinese numerals takes its
    # year from the file's record.
    text = text.split("完")[0]
    assert one(text).date is None
    assert (one(text, name_date="2031-03-07").date, one(text, name_date="2031-03-07").date_source) == \
        ("2031-03-06", "today+file name")

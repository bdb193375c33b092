"""Text saved from web pages (written here, in the shapes such pages have):
page controls, breadcrumbs and header fields are neither title nor body,
their date and source are kept, 民國 dates are read, and text with one
paragraph per line and no blank lines keeps its title block apart."""

from __future__ import annotations

import pytest

from rsearch.indexer.metadata import extract_dates, field_date, gregorian
from rsearch.indexer.parse import parse_text
from rsearch.indexer.structure.chrome import strip_chrome

PAGE = """下载
打印
收藏
【字号：
加大
还原
减小
】
2030年青川市政府工作报告
——2030年1月20日在青川市第九届人民代表大会第二次会议上
来源：青川日报
时间：2030-01-28
青川市市长 林 远
各位代表：
现在，我受市人民政府委托作报告，请各位代表审阅。
一、过去一年的工作
过去一年，青川的茶园扩到三万亩，沿江步道修到了码头边，这一年大家过得踏实。
我们在城北开了两家社区食堂，老人午饭有了着落，河滩上的旧仓库改成了青少年活动中心。
我们新修乡道四十公里，青川到白石镇的班车从每天两趟加到六趟。
二、今年的主要任务
今年要把茶叶加工厂建起来，让采茶的乡亲多一份收入，再给城南的三所小学各添一座图书室。
要把江边的老码头修好，夏天之前开通到对岸的渡船。
"""


def test_controls_and_fields_leave_the_text():
    lines, header = strip_chrome(PAGE.split("\n"))
    assert lines[0] == "2030年青川市政府工作报告"
    assert not any(word in "\n".join(lines) for word in ("下载", "字号", "来源：", "时间："))
    assert header.date == "2030-01-28" and header.source == "青川日报"


def test_a_report_with_no_blank_lines_has_its_title_block_and_speaker():
    (report,) = parse_text(PAGE, "page.txt").reports
    assert report.title == "2030年青川市政府工作报告"
    assert report.subtitle.startswith("2030年1月20日在青川市")
    assert [(p.name, p.role) for p in report.people] == [("林远", "author")]
    assert [s.title for s in report.sections][1:] == ["一、过去一年的工作", "二、今年的主要任务"]
    # The report's own date is the day it was delivered (its subtitle), not the page's.
    assert (report.date, report.date_source) == ("2030-01-20", "title")
    assert report.publication == "青川日报"
    body = "\n".join(p.text for p in report.paragraphs())
    assert "下载" not in body and "来源" not in body


def test_breadcrumb_lines():
    lines, _ = strip_chrome(["当前位置：", "首页", ">", "政务信息", ">", "要闻", "某县召开春耕生产会议", "正文第一段。"])
    assert lines == ["某县召开春耕生产会议", "正文第一段。"]


def test_press_release_header_with_roc_date():
    text = "某區公所辦理長者健康講座\n\n發稿單位：某區公所\n發稿時間：113年5月9日14:00\n區公所今(9)日辦理長者健康講座，邀請醫師說明用藥安全。\n"
    (report,) = parse_text(text, "release.txt").reports
    assert report.title == "某區公所辦理長者健康講座"
    assert (report.date, report.date_source) == ("2024-05-09", "header")
    assert report.issuer == "某區公所"


def test_today_in_brackets_dates_a_release():
    text = "某市舉辦親子活動\n\n市府今(12)日在公園舉辦親子活動，活動將持續至3月20日，3月12日起開放報名。民國113年起每年舉辦。\n"
    (report,) = parse_text(text, "release.txt").reports
    assert report.date is None  # a year merely mentioned (113年起) gives no day its year
    (report,) = parse_text(text, "release.txt", name_date="2024-03-12").reports
    assert (report.date, report.date_source) == ("2024-03-12", "today+file name")


@pytest.mark.parametrize("text,expected", [
    ("113年5月9日", "2024年5月9日"), ("民國113年", "2024年"), ("民国99年起", "2010年起"),
    ("用了10年3月5日", "用了10年3月5日"),  # before 民國34年: not a 民國 date
    ("2019年5月1日", "2019年5月1日"),
])
def test_gregorian(text, expected):
    assert gregorian(text) == expected


def test_roc_dates_are_dates():
    assert extract_dates("於108年1月15日至1月16日辦理") == ["2019-01-15", "2019-01-16"]
    assert field_date("113年05月09日14:00") == "2024-05-09"
    assert field_date("2026-02-03 09:02:33") == "2026-02-03"
    assert field_date("沒有日期") is None


def test_unnumbered_subheads_in_text_without_blank_lines_are_sections():
    text = (
        "2030年青川市政府工作报告\n"
        "——二〇三〇年一月二十日在青川市第九届人民代表大会第二次会议上\n"
        "各位代表：\n"
        "现在，我受市人民政府委托作报告，请各位代表审阅。过去一年的情况和今年的打算分述如下，请大家提出意见。\n"
        "过去一年的工作\n"
        "青川的茶园扩到三万亩，沿江步道修到了码头边，城北开了两家社区食堂，老人午饭有了着落。\n"
        "我们新修乡道四十公里，青川到白石镇的班车从每天两趟加到六趟，河滩上的旧仓库改成了活动中心。\n"
        "今年的打算\n"
        "今年要把茶叶加工厂建起来，让采茶的乡亲多一份收入，再给城南的三所小学各添一座图书室。\n"
        "还要把江边的老码头修好，夏天之前开通到对岸的渡船，让两岸的乡亲走动更方便。\n"
    )
    (report,) = parse_text(text, "report.txt").reports
    assert [s.heading for s in report.sections][1:] == ["过去一年的工作", "今年的打算"]
    # The day it was delivered, written in Chinese numerals in its subtitle.
    assert (report.date, report.date_source) == ("2030-01-20", "title")


# A web page's story, then what the site sets under it: a list of other
# headlines with their dates and a channel menu (the shape of a news site's
# page as its main-content extractor leaves it).
STORY_THEN_FURNITURE = """# 青川县新建三座便民桥

本报讯（记者 林远）3月9日，青川县三座便民桥建成通车，沿河两岸的村民出行更方便了。

据介绍，三座桥总长一百二十米，去年底主体完工，今年春天通车。

责任编辑：王一

## 热门推荐

#### 白石镇茶叶丰收 茶农笑开颜

- 2029年03月06日
- 09:38

#### 江边老码头修缮完工

- 2029年03月08日
- 14:10

- 推荐
- 娱乐
- 体育
"""


def test_headline_lists_and_menus_after_a_story_are_no_report_of_their_own():
    parsed = parse_text(STORY_THEN_FURNITURE, "page.md", metadata_date="2031-03-10")
    (report,) = parsed.reports
    assert report.title == "青川县新建三座便民桥"
    paragraphs = report.paragraphs()
    # Kept (searchable), but as captions: never a title, never ranked as body.
    assert [p.kind for p in paragraphs] == ["body", "body"] + ["caption"] * (len(paragraphs) - 2)
    assert any("白石镇茶叶丰收" in p.text for p in paragraphs)


def test_the_years_of_other_headlines_do_not_disown_the_pages_date():
    # The story's 3月9日 takes its year from the page's date (2031); the
    # 2029 of the headlines listed under it is not the story's time.
    (report,) = parse_text(STORY_THEN_FURNITURE, "page.md", metadata_date="2031-03-10").reports
    assert report.date == "2031-03-09"


@pytest.mark.parametrize("field", ["時間：2030/02/20-12/20地點：青川文化館", "时间：2030年3月1日至3月5日"])
def test_a_date_field_giving_a_span_of_days_is_an_events_not_the_pages(field):
    text = f"青川文化館推出年度特展\n\n特展以在地農作為主題，邀請三位藝術家創作。\n{field}\n歡迎民眾前往參觀。\n"
    (report,) = parse_text(text, "notice.txt", name_date="2030-03-04").reports
    assert (report.date, report.date_source) == ("2030-03-04", "file name")
    assert any(field[3:8] in p.text for p in report.paragraphs())  # kept as text


def test_a_date_field_with_a_time_span_is_still_the_pages_date():
    text = "某區公所辦理講座\n\n發稿時間：113年5月9日 14:00-16:00\n區公所今日辦理長者健康講座，邀請醫師說明用藥安全。\n"
    (report,) = parse_text(text, "release.txt").reports
    assert (report.date, report.date_source) == ("2024-05-09", "header")


# An official notice saved from a government site: no blank lines, a
# breadcrumb on one line, the title over the addressee, fields and controls.
NOTICE = """首页 > 政务公开 > 通知公告
青川市人民政府办公室关于印发青川市老旧小区改造实施方案的通知
发布时间：2031-05-09 10:30 来源：市政府办公室
【字体：大 中 小】 【打印】 【关闭】
各区县人民政府，市政府各部门：
现将《青川市老旧小区改造实施方案》印发给你们，请结合实际认真贯彻执行。
一、总体要求
坚持以人民为中心，统筹推进老旧小区改造，年底前完成改造小区120个。
二、主要任务
（一）完善基础设施。改造供水、供电、供气管网，加装电梯。
青川市人民政府办公室
2031年5月8日
"""


def test_a_notice_without_blank_lines_keeps_its_title_apart_from_its_addressee():
    (report,) = parse_text(NOTICE, "notice.txt").reports
    assert report.title == "青川市人民政府办公室关于印发青川市老旧小区改造实施方案的通知"
    body = [p.text for p in report.paragraphs()]
    assert body[0].startswith("各区县人民政府，市政府各部门：")
    assert not any("首页" in t or "政务公开" in t for t in body)
    assert [s.title for s in report.sections if s.title][:2] == ["一、总体要求", "二、主要任务"]


@pytest.mark.parametrize("line,crumb", [
    ("首页 > 政务公开 > 通知公告", True), ("首页>>新闻中心", True), ("首页 / 新闻 / 正文", True),
    ("首页建设取得新进展", False), ("首页 > 这一行太长了不会是面包屑导航的一项", False),
])
def test_a_breadcrumb_on_one_line(line, crumb):
    lines, _ = strip_chrome([line, "某县召开春耕生产会议", "正文第一段。"])
    assert (line not in lines) == crumb


# A government site's document page: its catalogue (labels spaced out to one
# width), then the document with its own title line.
CATALOGUE = """索  引  号：000014349/2031-00045
主题分类：城乡建设、环境保护
发文机关：青川市人民政府办公室
成文日期：2031年05月08日
标　　题：青川市人民政府办公室关于印发老旧小区改造实施方案的通知
发文字号：青政办发〔2031〕12号
发布日期：2031年05月09日

青川市人民政府办公室关于印发老旧小区改造实施方案的通知

各区县人民政府，市政府各部门：

现将《青川市老旧小区改造实施方案》印发给你们，请结合实际认真贯彻执行。

青川市人民政府办公室

2031年5月8日
"""


def test_a_catalogue_of_fields_is_no_title_and_its_document_number_stays_searchable():
    (report,) = parse_text(CATALOGUE, "doc.txt").reports
    assert report.title == "青川市人民政府办公室关于印发老旧小区改造实施方案的通知"
    assert report.issuer == "青川市人民政府办公室"
    text = "\n".join([s.title or "" for s in report.sections] + [p.text for p in report.paragraphs()])
    assert "青政办发〔2031〕12号" in text  # a document's number is searched for
    assert "索" not in text and "主题分类" not in text
    assert report.date == "2031-05-08"


def test_a_title_field_titles_a_text_that_prints_none():
    text = ("青川市政府新聞稿\n\n日期：2031年3月12日\n標題：青川市推動社區長照據點 今年新增20處\n\n"
            "青川市政府社會局今（12）日表示，為照顧社區長輩，今年將新增20處社區照顧關懷據點。\n\n"
            "社會局長林美玲指出，據點將提供共餐、健康促進等服務，歡迎長輩多加利用。\n")
    (report,) = parse_text(text, "release.txt").reports
    assert report.title == "青川市推動社區長照據點 今年新增20處"
    assert report.kicker == "青川市政府新聞稿"  # the line it begins with stays searchable
    assert not any("標題" in p.text for p in report.paragraphs())


STORY = ("近日，青川县三座便民桥建成通车，沿河两岸四个村的三千多名村民出行更加方便。"
         "据县交通运输局介绍，三座桥总长一百二十米，总投资八百万元。")


@pytest.mark.parametrize("info,date,people", [
    ("2031-04-02 10:15:00　来源：青川日报　作者：林远　分享到微信", "2031-04-02", [("林远", "author")]),
    ("来源：青川日报 作者：林远", None, [("林远", "author")]),
    ("作者：林远 来源：青川日报 2031-04-02", "2031-04-02", [("林远", "author")]),
    ("发布时间：2031-04-02 10:15 来源：青川日报 作者：林远 编辑：王一", "2031-04-02",
     [("林远", "author"), ("王一", "editor")]),
    ("2031-04-02 10:15:00 来源：青川日报", "2031-04-02", []),
])
def test_a_pages_info_line_gives_its_date_source_and_credits(info, date, people):
    for where in ("top", "bottom"):  # (an extractor may move it under the story)
        text = (f"青川县三座便民桥建成通车\n\n{info}\n\n{STORY}\n" if where == "top"
                else f"青川县三座便民桥建成通车\n\n{STORY}\n\n{info}\n")
        (report,) = parse_text(text, "page.txt").reports
        assert report.date == date and report.publication == "青川日报", where
        assert [(p.name, p.role) for p in report.people] == people, where
        assert not any("来源" in p.text for p in report.paragraphs()), where


def test_an_events_when_and_where_is_no_info_line():
    text = f"青川文化館舉辦講座\n\n時間：10月4日 星期二 中午12：30 地點：青川文化館\n\n{STORY}\n"
    (report,) = parse_text(text, "notice.txt").reports
    kept = [s.title or "" for s in report.sections] + [p.text for p in report.paragraphs()]
    assert any("地點：青川文化館" in t for t in kept)  # text, not chrome
    assert report.date is None


@pytest.mark.parametrize("tail,editor", [
    ("[责任编辑：王一]", "王一"),
    ("【纠错】 【责任编辑:王一 】", "王一"),
    ("【编辑:王一】", "王一"),
    ("扫一扫在手机打开当前页", None),
    ("上一篇：青川县启动春耕\n\n下一篇：白石镇茶叶丰收", None),
    ("【上一篇】青川县启动春耕", None),
])
def test_a_pages_closing_credits_and_links_leave_the_text(tail, editor):
    (report,) = parse_text(f"青川县三座便民桥建成通车\n\n{STORY}\n\n{tail}\n", "page.txt").reports
    assert [p.name for p in report.people if p.role == "editor"] == ([editor] if editor else [])
    assert [p.text for p in report.paragraphs()] == [STORY]


def test_a_line_that_only_begins_like_a_link_is_text():
    text = f"青川县三座便民桥建成通车\n\n上一条消息传来时，{STORY}\n"
    (report,) = parse_text(text, "page.txt").reports
    assert report.paragraphs()[0].text.startswith("上一条消息传来时")

"""A newspaper page from a paper's archive (written here in its shape): each
article headed by a cited byline, kickers and titles told apart, a multi-part
piece kept whole, credit notes out of the body."""

from __future__ import annotations

import pytest

from rsearch.indexer.parse import parse_text
from rsearch.indexer.structure.chrome import page_head

PAGE = """河畔新栽一片林（城市观察）

本报记者  林  晓《晨光日报》（2024年03月05日第 04 版）

3月4日，志愿者在河畔种下一片新树，为城市添了一抹新绿。

（作者为某某大学城市研究所研究员）

宜昌市持续推进老旧街区改造——

老街巷口换新颜

《晨光日报》（2024年03月05日第 04 版）

为了让居民出行更方便，老街的巷口铺上了新石板。以下是三位居民的讲述。

——编  者

东门社区居民——

出门不再踩泥水

宋知远

过去一下雨，巷子里全是泥水，现在铺了石板，老人出门也放心了。

（本报记者  宋知远整理）

西门社区居民——

晚上散步有了路灯

周明远

巷子里装上了路灯，晚饭后出来走走的人多了。

湖北出台意见规范全省乡村小学办学行为

打击违规收费行为

湖北省宜昌市  宋知远《晨光日报》（2024年03月05日第 04 版）

本报武汉3月4日电  （记者林晓）湖北省日前出台意见，规范乡村小学办学行为。
"""


def test_each_cited_byline_heads_one_article():
    reports = parse_text(PAGE, "page.txt").reports
    assert [r.title for r in reports] == ["河畔新栽一片林（城市观察）", "老街巷口换新颜", "打击违规收费行为"]
    assert reports[1].kicker == "宜昌市持续推进老旧街区改造"
    # Two plain lines: the longer, explaining one is the kicker (引题) above the title.
    assert reports[2].kicker == "湖北出台意见规范全省乡村小学办学行为"
    assert [r.date for r in reports] == ["2024-03-05"] * 3


def test_a_multi_part_piece_stays_one_report_with_its_parts_as_sections():
    piece = parse_text(PAGE, "page.txt").reports[1]
    headings = [s.heading for s in piece.sections]
    assert any(h and "出门不再踩泥水" in h for h in headings)
    assert any(h and "晚上散步有了路灯" in h for h in headings)


def test_people_and_credit_notes():
    reports = parse_text(PAGE, "page.txt").reports
    assert [(p.name, p.role) for p in reports[0].people] == [("林晓", "reporter")]
    assert ("宋知远", "author") in [(p.name, p.role) for p in reports[2].people]
    body = "\n".join(p.text for p in reports[0].paragraphs())
    assert "作者为" not in body and any("作者为" in b for b in reports[0].bylines)
    assert "编  者" not in "\n".join(p.text for p in reports[1].paragraphs())


# A local paper's page as text: its running head, then three articles with
# bylines of their own (no 《…》 citations).
LOCAL_PAGE = """青川日报 2031年3月6日 星期四 第3版 要闻

春耕备耕有序推进

本报记者 林远

3月5日，全县春耕备耕工作会议召开。会议要求，各乡镇要抓住当前有利时机，组织农民做好春耕准备。

据了解，今年全县计划种植水稻十二万亩、玉米八万亩，农资储备充足，种子化肥已经陆续发放到农户手中。

老街巷口换新颜

本报通讯员 张青

近日，城关镇老街的巷口铺上了新石板，沿街的路灯也换成了节能灯，居民们纷纷点赞。

城关镇负责人介绍，老街改造工程共涉及十二条巷道，将于五月底前全部完工。
"""


def test_a_pages_running_head_is_neither_title_nor_text():
    reports = parse_text(LOCAL_PAGE, "page.txt").reports
    assert [r.title for r in reports] == ["春耕备耕有序推进", "老街巷口换新颜"]
    assert all(r.publication == "青川日报" and r.date == "2031-03-06" for r in reports)
    assert not any("星期四" in p.text for r in reports for p in r.paragraphs())


@pytest.mark.parametrize("line,expected", [
    ("青川日报 2031年3月6日 星期四 第3版 要闻", ("青川日报", "2031-03-06")),
    ("某某晚报 2031-03-06 第12版", ("某某晚报", "2031-03-06")),
    ("2031年3月6日 星期四", (None, "2031-03-06")),
    ("2031年3月6日", None),  # a date alone may close a notice
    ("青川县人民政府 2031年3月6日", None),
    ("《青川日报》（2031年03月06日第 03 版）", None),  # a paper's citation: a byline
])
def test_page_head(line, expected):
    assert page_head(line) == expected


def test_a_citation_with_spaces_closing_an_article_dates_it_and_opens_nothing():
    text = ("江苏探索科研成果转化新途径\n\n青川市科技局负责人介绍，今年已对接高校成果六百余项，成功落地转化近四百项。\n\n"
            "“我们将继续完善平台支撑，系统构建促进转化的生态体系。”该负责人表示。\n\n"
            "《 青川日报 》（ 2031年06月12日   01 版）\n")
    (report,) = parse_text(text, "article.txt").reports
    assert (report.date, report.date_source) == ("2031-06-12", "byline")
    assert report.publication == "青川日报"

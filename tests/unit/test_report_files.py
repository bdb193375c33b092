"""Structure recovered from the plain-text report files in tests/reports/,
one row per report, written down from reading each file (not from program
output). The files are in the styles the parser meets beyond the seeds:
本报讯 briefs with bracketed credits, 通讯 features with kicker / title /
``——`` subtitle, government work reports and notices (issuer, 关于……的报告,
numbered sections, closing issuer and date), pages with two or three
articles, traditional script, and text pulled out of PDFs (column wraps,
page numbers, form feeds, no blank lines)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from rsearch.indexer.chunking import chunk_report
from rsearch.indexer.reader import read_text
from rsearch.indexer.structure import parse_reports
from paths import REPORTS


@dataclass
class Expected:
    title: str | None
    people: set[tuple[str, str]]
    sections: list[str | None]
    kicker: str | None = None
    subtitle: str | None = None
    publication: str | None = None
    issuer: str | None = None
    # Texts that must each lie inside one paragraph (broken lines joined,
    # nothing glued to them), and texts that must be no paragraph's part.
    whole: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)


WORK_REPORT_03 = "一、主要工作开展情况"
WORK_REPORT_03_2 = f"{WORK_REPORT_03} / （二）深化“放管服”改革，优化营商环境"

FILES: dict[str, list[Expected]] = {
    "01_brief_dateline.txt": [Expected(
        title="市卫健委启动“健康进社区”义诊活动",
        people={("王建军", "reporter"), ("赵丽", "correspondent"), ("孙伟", "photographer"), ("王芳", "editor")},
        sections=[None],
        whole=["本报讯 5月8日，市卫健委“健康进社区”义诊活动"],
        absent=["记者 王建军", "孙伟", "责任编辑"],
        captions=["志愿者为老人义诊"],
    )],
    "02_feature_tongxun.txt": [Expected(
        kicker="扎根山区三十载 初心不改育桃李",
        title="大山深处的“守灯人”",
        subtitle="记栾川县潭头镇中心小学教师郭秀兰",
        people={("李娜", "reporter"), ("刘洋", "reporter"), ("李娜", "photographer")},
        sections=[None, "一支粉笔写春秋", "一颗爱心暖童心", "一片丹心向未来"],
        captions=["郭秀兰在“爱心小书屋”给孩子们讲故事"],
    )],
    "03_work_report.txt": [Expected(
        title="关于2021年上半年法治政府建设工作情况的报告",
        issuer="郑州市金水区人民政府",
        publication="郑州市金水区人民政府",
        people=set(),
        sections=[
            None,
            WORK_REPORT_03,
            f"{WORK_REPORT_03} / （一）加强组织领导，压实工作责任",
            WORK_REPORT_03_2,
            f"{WORK_REPORT_03_2} / 1.推进政务服务标准化",
            f"{WORK_REPORT_03_2} / 2.加强事中事后监管",
            f"{WORK_REPORT_03} / （三）严格规范公正文明执法",
            "二、存在的问题",
            "三、下一步工作打算",
        ],
        whole=["区人大常委会：", "全面梳理依申请政务服务事项1286项", "郑州市金水区人民政府 2021年6月30日"],
    )],
    "04_notice.txt": [Expected(
        title="关于做好2021年暑期学生安全工作的通知",
        issuer="洛阳市西工区教育局",
        publication="洛阳市西工区教育局",
        people=set(),
        sections=[None, "一、高度重视，切实加强组织领导", "二、突出重点，深入开展安全教育", "三、加强值班，及时报送信息"],
        whole=["各中小学、幼儿园：", "联系人：陈晓东，电话：0379-63211234", "附件：暑期安全工作责任书",
               "洛阳市西工区教育局 2021年7月5日"],
    )],
    "05_two_articles.txt": [
        Expected(title="我市新增5处城市书房", people={("周晓燕", "reporter")}, sections=[None]),
        Expected(title="河洛文化旅游节将于9月开幕", people={("何志远", "reporter"), ("吴倩", "correspondent")},
                 sections=[None], whole=["在新闻发布记者会上表示"]),
    ],
    "06_three_briefs.txt": [
        Expected(title="瀍河区开展防汛应急演练", people={("周强", "reporter"), ("郑雪", "correspondent")},
                 sections=[None], absent=["记者 周强"]),
        Expected(title="孟津区举办农民丰收节", people={("贾明辉", "correspondent")}, sections=[None],
                 whole=["本报讯 9月23日，孟津区", "摄影展等活动。"]),
        Expected(title="洛龙区社区卫生服务中心开展健康讲座", people={("周强", "reporter")}, sections=[None],
                 # The byline ends the first paragraph; the second is not glued to it.
                 whole=["防溺水健康讲座。", "讲座中，医务人员"], absent=["记者 周强"]),
    ],
    "07_traditional.txt": [Expected(
        title="傳承紅色基因 賡續奮鬥精神",
        subtitle="新竹縣舉辦青年志工培訓營紀實",
        # Names in the index's (simplified) script: the facet spells them so.
        people={("陈志明", "reporter"), ("林雅婷", "reporter"), ("陈志明", "photographer")},
        sections=[None, "從做中學"],
        captions=["志工們在社區為長者量血壓"],
    )],
    "08_pdf_work_report.txt": [Expected(
        title="关于2021年度优化营商环境工作的总结报告",
        issuer="郑州市二七区人民政府办公室",
        publication="郑州市二七区人民政府办公室",
        people=set(),
        sections=[
            None,
            "一、工作开展情况",
            "一、工作开展情况 / （一）持续推进简政放权",
            "一、工作开展情况 / （二）着力提升服务效能",
            "二、存在的不足",
            "三、2022年工作安排",
        ],
        whole=["认真贯彻落实省、市关于优化营商环境", "企业开办时间压缩至0.5个工作日以内。", "办结率100%。",
               "郑州市二七区人民政府办公室 2021年12月20日"],
        absent=["— 1 —", "— 2 —"],
    )],
    "09_pdf_newspaper.txt": [Expected(
        title="老旧小区改造让居民住得更舒心",
        people={("马丽萍", "reporter"), ("马丽萍", "photographer")},
        sections=[None],
        whole=["七一社区居民刘桂英满脸笑容。", "让改造真正改到居民心坎上。", "目前，已完工的38个小区"],
        absent=["- 3 -"],
        captions=["改造后的七一社区"],
    )],
    "10_government_work_report.txt": [Expected(
        title="政府工作报告",
        subtitle="2021年1月20日在洛阳市第十五届人民代表大会第六次会议上",
        people={("李明华", "author")},
        sections=[
            None,
            "一、“十三五”时期和2020年工作回顾",
            "一、“十三五”时期和2020年工作回顾 / （一）综合实力显著增强",
            "一、“十三五”时期和2020年工作回顾 / （二）创新能力大幅提升",
            "一、“十三五”时期和2020年工作回顾 / （三）民生福祉持续改善",
            "二、“十四五”时期的主要目标任务",
            "三、2021年重点工作",
            "三、2021年重点工作 / （一）坚定不移推进创新驱动",
            "三、2021年重点工作 / （二）加快构建现代产业体系",
        ],
        whole=["各位代表：", "全市生产总值突破5000亿元"],
    )],
    "11_feature_slash_bylines.txt": [Expected(
        kicker="乡村振兴看孟津",
        title="一颗葡萄带富一方百姓",
        people={("史凯", "author"), ("杜新亮", "photographer"), ("周强", "reporter")},
        sections=[None],
        whole=["葡萄卖到了全国20多个省份。", "文/图这类署名常见于报纸"],
        absent=["（记者 周强）"],
        captions=["葡萄种植户在直播间推销葡萄"],
    )],
    "12_summary_report.txt": [Expected(
        title="2021年上半年工作总结",
        issuer="洛阳市老城区西关街道办事处",
        publication="洛阳市老城区西关街道办事处",
        people=set(),
        sections=[
            None,
            "一、上半年工作完成情况",
            "一、上半年工作完成情况 / 1.经济运行稳中向好",
            "一、上半年工作完成情况 / 2.城市管理精细提升",
            "一、上半年工作完成情况 / 3.民生实事扎实推进",
            "二、存在的问题",
            "三、下半年工作计划",
            "三、下半年工作计划 / 1.全力抓好项目建设",
            "三、下半年工作计划 / 2.持续改善人居环境",
        ],
        whole=["洛阳市老城区西关街道办事处 2021年7月2日"],
    )],
    "13_xinhua_wire.txt": [Expected(
        title="我国夏粮再获丰收",
        publication="新华社",
        people={("王建军", "reporter"), ("李明", "reporter"), ("赵欣", "editor")},
        sections=[None],
        whole=["新华社北京7月14日电 国家统计局14日发布数据显示"],
        absent=["责任编辑"],
    )],
    "14_three_articles_closing_bylines.txt": [
        Expected(title="伊滨区新建3所中小学", people={("郭伟", "reporter"), ("孔令辉", "correspondent")}, sections=[None]),
        Expected(title="偃师区“夜经济”激发消费活力", people={("马晓丽", "reporter")}, sections=[None]),
        Expected(title="新安县举办果蔬采摘节", people={("韩松", "correspondent"), ("杨柳", "correspondent")},
                 sections=[None], whole=["本届采摘节持续至9月中旬。"]),
    ],
    "15_traditional_notice.txt": [Expected(
        title="關於辦理一一〇學年度教師甄選工作的通知",
        issuer="臺中市政府教育局",
        publication="臺中市政府教育局",
        people=set(),
        sections=[None, "一、甄選類別及名額", "二、報名時間及方式", "三、注意事項"],
        whole=["各市立國民中小學：", "本次甄選國小普通科教師八十名", "臺中市政府教育局 二〇二一年三月十日"],
    )],
    "16_pdf_brief_page.txt": [
        # Briefs with no headline of their own: a 本报讯 opens the next one.
        Expected(title=None, people={("王建军", "reporter"), ("赵丽", "correspondent")}, sections=[None],
                 whole=["本报讯 连日来，涧西区组织机关干部", "社区居民纷纷为志愿者点赞，称他们是“最美逆行者”。"],
                 absent=["— 5 —"]),
        Expected(title=None, people={("贾明辉", "correspondent"), ("李想", "correspondent")}, sections=[None],
                 whole=["全区80余名村（社区）干部参加培训。"]),
    ],
    "17_no_bylines.txt": [Expected(
        title="摄影展再现黄河两岸新变化",
        people=set(),
        sections=[None],
        whole=["召开新闻发布记者会", "署名“文/图”只是", "记者来到展厅时"],
    )],
}


def parsed(name: str):
    return parse_reports(read_text(REPORTS / name), f"tests/reports/{name}")


def test_every_file_has_a_row():
    assert sorted(p.name for p in REPORTS.glob("*.txt")) == sorted(FILES)


@pytest.mark.parametrize("name", sorted(FILES))
def test_report_structure(name):
    reports = parsed(name)
    expected = FILES[name]
    assert [r.title for r in reports] == [e.title for e in expected]
    for r, e in zip(reports, expected):
        assert (r.kicker, r.title, r.subtitle) == (e.kicker, e.title, e.subtitle)
        assert {(p.name, p.role) for p in r.people} == e.people
        assert [s.title for s in r.sections] == e.sections
        assert r.issuer == e.issuer
        assert r.publication == e.publication
        paragraphs = [p.text for p in r.paragraphs()]
        for text in e.whole:
            assert sum(text in p for p in paragraphs) == 1, text
        for text in e.absent:
            assert not any(text in p for p in paragraphs), text
        assert [p.text for p in r.paragraphs("caption")] == e.captions
        # Headings and titles are not paragraphs.
        assert not {r.title, r.kicker, r.subtitle} & set(paragraphs)


@pytest.mark.parametrize("name", sorted(FILES))
def test_bylines_become_a_chunk_of_their_own(name):
    for r in parsed(name):
        chunks = chunk_report(r)
        bylines = [c for c in chunks if c.kind == "byline"]
        if not r.people:
            assert not bylines
            continue
        (byline,) = bylines
        assert byline.section_index == 0 and byline.section_title is None
        # Every credited name is in the byline chunk's text (as printed).
        from rsearch.core.analysis import fold

        for name_ in r.names():
            assert name_ in fold(byline.text)
        # ... and in no body chunk (bylines are not body text), unless the
        # text itself names the person.
        body = "".join(c.text for c in chunks if c.kind in ("body", "lede"))
        assert byline.text not in body


def test_numbered_sections_nest_and_parents_without_text_add_no_chunk():
    (r,) = parsed("03_work_report.txt")
    levels = {s.title: (s.heading, s.level) for s in r.sections}
    assert levels[WORK_REPORT_03] == (WORK_REPORT_03, 1)
    assert levels[WORK_REPORT_03_2] == ("（二）深化“放管服”改革，优化营商环境", 2)
    assert levels[f"{WORK_REPORT_03_2} / 1.推进政务服务标准化"] == ("1.推进政务服务标准化", 3)
    chunks = chunk_report(r)
    # 一、 and （二） have no text of their own: their headings live on in
    # the section path of the chunks inside them.
    assert not any(c.kind == "body" and c.text in (WORK_REPORT_03, "（二）深化“放管服”改革，优化营商环境") for c in chunks)
    assert any(c.section_title.startswith(WORK_REPORT_03_2) for c in chunks if c.section_title)

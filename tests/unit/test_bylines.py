"""Byline recognition: every form in the seed reports, common variants, and
no false positives on the seeds' other lines."""

from __future__ import annotations


import pytest

from rsearch.indexer.bylines import parse_byline, split_dateline_byline, split_trailing_byline
from rsearch.indexer.models import Person
from paths import SEEDS


def people(byline):
    return [(p.name, p.role) for p in byline.people]


# (line, publication, [(name, role), ...]) read off the seed reports by hand.
SEED_FORMS = [
    ("本报记者 张再行", None, [("张再行", "reporter")]),
    ("记者 张改华 通讯员 吕杨子", None, [("张改华", "reporter"), ("吕杨子", "correspondent")]),
    # 003: the byline is split over two lines; the caller joins them.
    (
        "记者 张改华  \n通讯员 潘铁楠 王维",
        None,
        [("张改华", "reporter"), ("潘铁楠", "correspondent"), ("王维", "correspondent")],
    ),
    ("记者 张改华 通讯员 潘铁楠 王维", None,
     [("张改华", "reporter"), ("潘铁楠", "correspondent"), ("王维", "correspondent")]),
    ("赵普/文 葛超/图", None, [("赵普", "author"), ("葛超", "photographer")]),
    # 001: no space between 张超飞 and 通讯员; /文图 credits the whole byline.
    (
        "□东方今报·猛犸新闻记者 张超飞通讯员 刘璐/文图",
        "东方今报·猛犸新闻",
        [("张超飞", "reporter"), ("张超飞", "photographer"),
         ("刘璐", "correspondent"), ("刘璐", "photographer")],
    ),
    (
        "本报记者 孙志刚 通讯员 李怀慈 文/图",
        None,
        [("孙志刚", "reporter"), ("孙志刚", "photographer"),
         ("李怀慈", "correspondent"), ("李怀慈", "photographer")],
    ),
]

VARIANTS = [
    ("本报通讯员 王晓明", None, [("王晓明", "correspondent")]),
    ("文/张三 图/李四", None, [("张三", "author"), ("李四", "photographer")]),
    ("文／张三　图／李四", None, [("张三", "author"), ("李四", "photographer")]),
    ("文/图 欧阳明月", None, [("欧阳明月", "author"), ("欧阳明月", "photographer")]),
    ("张三 摄", None, [("张三", "photographer")]),
    ("本报记者 张三 摄", None, [("张三", "reporter"), ("张三", "photographer")]),
    ("见习记者 李四", None, [("李四", "reporter")]),
    ("特约记者 王五", None, [("王五", "reporter")]),
    ("本报特约通讯员 赵六", None, [("赵六", "correspondent")]),
    ("本报摄影记者 刘六", None, [("刘六", "photographer")]),
    ("记者 张三、李四 王五", None,
     [("张三", "reporter"), ("李四", "reporter"), ("王五", "reporter")]),
    ("记者：张三", None, [("张三", "reporter")]),
    ("（本报记者 张三）", None, [("张三", "reporter")]),
    ("新华社记者 张三", "新华社", [("张三", "reporter")]),
    ("河南日报记者 张三 通讯员 李四", "河南日报",
     [("张三", "reporter"), ("李四", "correspondent")]),
    ("张三/文 李四/摄", None, [("张三", "author"), ("李四", "photographer")]),
    ("记者 张三/文图", None, [("张三", "reporter"), ("张三", "photographer")]),
    # Given names with characters that are also common words.
    ("记者 李为民 通讯员 王有才", None, [("李为民", "reporter"), ("王有才", "correspondent")]),
    ("通讯员 向东 来小波", None, [("向东", "correspondent"), ("来小波", "correspondent")]),
]


@pytest.mark.parametrize("line,publication,expected", SEED_FORMS + VARIANTS)
def test_byline_forms(line, publication, expected):
    byline = parse_byline(line)
    assert byline is not None, line
    assert byline.publication == publication
    assert people(byline) == expected
    assert byline.raw == " ".join(line.split())


def test_people_are_person_records():
    byline = parse_byline("本报记者 张再行")
    assert byline.people == [Person("张再行", "reporter")]


NOT_BYLINES = [
    "记者来到了和平中学旧址",
    "4月20日，一大早，迎着蒙蒙细雨，记者来到了和平中学旧址",
    "青年党员李俊龙说：",
    "记者手记",
    "本报记者",
    "记者 通讯员",
    "文/图",
    "/文 张三",
    "学党史 悟思想 办实事 开新局",
    "王逢伟",
    "陈朝禄收集党史。",
    "本报讯 3月15日,中原区2021年春季乡科级领导干部主体班",
    "记者 张三说：今天来了",
    "记者 " + "张三 " * 30,  # too long to be a byline
    "",
]


@pytest.mark.parametrize("line", NOT_BYLINES)
def test_not_bylines(line):
    assert parse_byline(line) is None


# The byline lines of the seeds, by (file prefix, line number). Every other
# line of every seed must not be taken for a byline.
SEED_BYLINE_LINES = {
    ("000", 93),   # 赵普/文 葛超/图
    ("001", 248),  # □东方今报·猛犸新闻记者 张超飞通讯员 刘璐/文图
    ("002", 9),    # 本报记者 张再行
    ("003", 65),   # 记者 张改华 (first half of a two-line byline)
    ("003", 66),   # 通讯员 潘铁楠 王维
    ("003", 80),   # 记者 张改华 通讯员 张磊
    ("003", 94),   # 记者 张改华 通讯员 赵欢
    ("004", 105),  # 本报记者 孙志刚 通讯员 李怀慈 文/图
}


def seed_lines():
    for path in sorted(SEEDS.glob("*.txt")):
        for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
            yield path.name[:3], number, line


def test_seed_lines():
    found = {(seed, number) for seed, number, line in seed_lines() if parse_byline(line)}
    assert found == SEED_BYLINE_LINES


def test_seed_two_line_byline_parts():
    assert people(parse_byline("记者 张改华  ")) == [("张改华", "reporter")]
    assert people(parse_byline("通讯员 潘铁楠 王维")) == [
        ("潘铁楠", "correspondent"), ("王维", "correspondent")]


# ---------------------------------------------------------------- trailing

def test_split_trailing_byline_seed_003():
    paragraph = (
        "为迎接中国共产党成立100周年,深入推进全区党史学习教育,中原区系统部署、精心组织,"
        "在全区范围掀起了学党史、悟思想、办实事、开新局的热潮。记者 张改华 通讯员 吕杨子"
    )
    text, byline = split_trailing_byline(paragraph)
    assert text == paragraph[: paragraph.index("记者")]
    assert text.endswith("开新局的热潮。")
    assert byline.raw == "记者 张改华 通讯员 吕杨子"
    assert people(byline) == [("张改华", "reporter"), ("吕杨子", "correspondent")]


def test_split_trailing_byline_after_space():
    text, byline = split_trailing_byline("要遵守纪律，营造风清气正的学习培训氛围 赵普/文 葛超/图")
    assert text == "要遵守纪律，营造风清气正的学习培训氛围"
    assert people(byline) == [("赵普", "author"), ("葛超", "photographer")]


def test_split_trailing_byline_takes_longest():
    text, byline = split_trailing_byline("……开新局的热潮。本报记者 张三 李四 通讯员 王五")
    assert text == "……开新局的热潮。"
    assert [p.name for p in byline.people] == ["张三", "李四", "王五"]


def test_split_trailing_byline_whole_paragraph():
    assert split_trailing_byline("本报记者 张再行")[0] == ""


@pytest.mark.parametrize(
    "paragraph",
    [
        "4月20日，一大早，迎着蒙蒙细雨，记者来到了和平中学旧址。",
        "青年党员李俊龙说：“作为年轻人，我们要铭记历史。”",
        "区委书记黄宗华展开“第一讲”，拉开了我区党史学习教育宣讲序幕。",
        "",
    ],
)
def test_split_trailing_byline_none(paragraph):
    assert split_trailing_byline(paragraph) == (paragraph, None)


def test_split_trailing_byline_seed_paragraphs():
    # Only 003's first paragraph carries a byline glued to body text.
    hits = [
        (seed, number)
        for seed, number, line in seed_lines()
        if parse_byline(line) is None and split_trailing_byline(line)[1] is not None
    ]
    assert hits == [("003", 5)]


def test_traditional_script_bylines_are_read_like_simplified_ones():
    byline = parse_byline("本報記者 林志明 通訊員 張磊")
    assert byline is not None
    assert [(p.name, p.role) for p in byline.people] == [("林志明", "reporter"), ("张磊", "correspondent")]
    text, trailing = split_trailing_byline("要聯繫實際。記者 張改華")
    assert text == "要聯繫實際。" and trailing.people[0].name == "张改华"


# ---------------------------------------------------------------- more forms

MORE_FORMS = [
    ("责任编辑：王芳", None, [("王芳", "editor")]),
    ("编辑 王芳 校对 李强", None, [("王芳", "editor"), ("李强", "editor")]),
    ("作者：林晓", None, [("林晓", "author")]),
    ("记者 张三 实习生 李四", None, [("张三", "reporter"), ("李四", "reporter")]),
    ("文/图 本报记者 马丽萍", None, [("马丽萍", "reporter"), ("马丽萍", "photographer")]),
    ("文｜张三 图｜李四", None, [("张三", "author"), ("李四", "photographer")]),
    ("孙伟 李明 摄", None, [("孙伟", "photographer"), ("李明", "photographer")]),
]


@pytest.mark.parametrize("line,publication,expected", MORE_FORMS)
def test_more_byline_forms(line, publication, expected):
    byline = parse_byline(line)
    assert byline is not None, line
    assert byline.publication == publication
    assert people(byline) == expected


@pytest.mark.parametrize("line", ["记者会", "摄影展", "文/图", "召开新闻发布记者会", "小区一角 孙伟 摄",
                                  "编辑部", "全景拍摄", "记者王建军"])
def test_more_not_bylines(line):
    # 记者王建军 without brackets: a name must be set apart on its own line.
    assert parse_byline(line) is None


DATELINES = [
    ("本报讯（记者 王建军 通讯员 赵丽）5月8日，市卫健委举行会议。", "本报讯 5月8日，市卫健委举行会议。", None,
     [("王建军", "reporter"), ("赵丽", "correspondent")]),
    ("本报讯（记者王建军 通讯员赵丽）连日来，", "本报讯 连日来，", None,
     [("王建军", "reporter"), ("赵丽", "correspondent")]),
    ("本报洛阳讯（通讯员 赵丽 报道）5月8日", "本报洛阳讯 5月8日", None, [("赵丽", "correspondent")]),
    ("新华社北京7月14日电（记者 王建军、李明）国家统计局", "新华社北京7月14日电 国家统计局", "新华社",
     [("王建军", "reporter"), ("李明", "reporter")]),
    ("洛阳日报讯（记者 张三）昨日", "洛阳日报讯 昨日", "洛阳日报", [("张三", "reporter")]),
    ("本報訊（記者 陳志明）日前", "本報訊 日前", None, [("陈志明", "reporter")]),
]


@pytest.mark.parametrize("paragraph,text,publication,expected", DATELINES)
def test_dateline_bylines(paragraph, text, publication, expected):
    rest, byline = split_dateline_byline(paragraph)
    assert rest == text
    assert byline.publication == publication
    assert people(byline) == expected


@pytest.mark.parametrize("paragraph", [
    "本报讯 5月8日，市卫健委举行会议。",
    "本报讯（见习）5月8日",  # brackets, but no byline in them
    "（记者 王建军）5月8日，",  # no dateline before the brackets
])
def test_dateline_without_byline(paragraph):
    assert split_dateline_byline(paragraph) == (paragraph, None)


TRAILING = [
    ("志愿者为老人义诊（孙伟 摄）", "志愿者为老人义诊", [("孙伟", "photographer")]),
    ("志愿者为老人义诊（孙伟摄）", "志愿者为老人义诊", [("孙伟", "photographer")]),
    ("……健康讲座。（记者 周强）", "……健康讲座。", [("周强", "reporter")]),
    ("……健康讲座。记者 周强", "……健康讲座。", [("周强", "reporter")]),
    ("小区一角 本报记者 孙伟 摄", "小区一角", [("孙伟", "reporter"), ("孙伟", "photographer")]),
    ("小区一角 孙伟 摄", "小区一角", [("孙伟", "photographer")]),
    ("摄影展在市美术馆开幕（李四/摄）", "摄影展在市美术馆开幕", [("李四", "photographer")]),
    ("志工們為長者量血壓（陳志明 攝）", "志工們為長者量血壓", [("陈志明", "photographer")]),
]


@pytest.mark.parametrize("paragraph,text,expected", TRAILING)
def test_trailing_bylines_and_photo_credits(paragraph, text, expected):
    rest, byline = split_trailing_byline(paragraph)
    assert rest == text
    assert people(byline) == expected


@pytest.mark.parametrize("paragraph", [
    "全景（航拍摄影）", "……讲座。（资料图片）", "开幕当天恰逢市政府召开新闻发布记者会。",
    "作品中的署名“文/图”只是报纸上常见的格式。", "记者会上，张三说。",
])
def test_trailing_non_bylines(paragraph):
    assert split_trailing_byline(paragraph) == (paragraph, None)


# ---------------------------------------------------------------- cited bylines, padded names

CITED = [
    # A paper's digital edition prints the byline with the paper, date and page after it.
    ("本报记者  林  晓《晨光日报》（2024年03月05日第 04 版）", "晨光日报", "2024-03-05", [("林晓", "reporter")]),
    ("本报记者  周明远  金  波《晨光日报》（2024年03月05日第 04 版）", "晨光日报", "2024-03-05",
     [("周明远", "reporter"), ("金波", "reporter")]),
    # The citation makes bare names and a workplace certain.
    ("宋知远《晨光日报》（2024年03月05日第 05 版）", "晨光日报", "2024-03-05", [("宋知远", "author")]),
    ("湖北省宜昌市  宋知远《晨光日报》（2024年03月05日第 05 版）", "晨光日报", "2024-03-05", [("宋知远", "author")]),
    ("《晨光日报》（2024年03月05日第 05 版）", "晨光日报", "2024-03-05", []),
    ("《晨光日报》（ 2024年03月05日 05版）", "晨光日报", "2024-03-05", []),
]


@pytest.mark.parametrize("line,publication,day,expected", CITED)
def test_cited_bylines(line, publication, day, expected):
    byline = parse_byline(line)
    assert byline is not None, line
    assert (byline.publication, byline.date, people(byline)) == (publication, day, expected)


@pytest.mark.parametrize("line", [
    "据统计，去年共有三百人参加《晨光日报》（2024年03月05日第 05 版）",  # a sentence that cites a paper
    "王逢伟",  # a bare name without a citation is no byline
])
def test_not_cited_bylines(line):
    assert parse_byline(line) is None


@pytest.mark.parametrize("line,expected", [
    ("记者 金  波", [("金波", "reporter")]),
    ("本报记者 宋知远摄", [("宋知远", "reporter"), ("宋知远", "photographer")]),
    ("發稿人：林曉明", [("林晓明", "author")]),
    ("本版责编：周明远", [("周明远", "page_editor")]),
    ("文/图 宋知远", [("宋知远", "author"), ("宋知远", "photographer")]),
])
def test_padded_names_and_more_roles(line, expected):
    assert people(parse_byline(line)) == expected


def test_dateline_with_place_and_date_before_the_brackets():
    rest, byline = split_dateline_byline("本报宜昌3月4日电  （记者林晓）记者4日从市里获悉：")
    assert people(byline) == [("林晓", "reporter")]
    assert rest.startswith("本报宜昌3月4日电") and "林晓" not in rest

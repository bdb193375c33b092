"""Structure recovered from every seed report, pinned value by value.

Every expected value below was read off the seed text by a person (line
numbers refer to ``cat -n seeds/NNN_*.txt``), not copied from program output.
"""

from __future__ import annotations

from functools import lru_cache

import pytest

from rsearch.indexer.reader import read_text
from rsearch.indexer.structure import parse_reports
from paths import SEEDS


@lru_cache(maxsize=None)
def reports(prefix: str):
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return parse_reports(read_text(path), f"seeds/{path.name}")


def section_titles(report):
    return [s.title for s in report.sections]


def texts(report, kind=None):
    return [p.text for p in report.paragraphs(kind)]


def one_paragraph_contains(report, phrase):
    """``phrase`` lies inside a single paragraph (so a broken line was joined)."""
    return sum(phrase in t for t in texts(report)) == 1


def roles(report):
    return {(p.name, p.role) for p in report.people}


# --- 000: markdown headings, 核心提示 lede, caption runs, 文/图 byline -----------


def test_000_title_block():
    (r,) = reports("000")
    assert r.title == "学史力行重实效 聚焦发展开新局"  # line 7, "# "
    assert r.subtitle == "西工区“学”“做”结合推动党史学习教育走深走实"  # line 9
    assert r.kicker is None
    assert r.report_no == 1


def test_000_sections():
    (r,) = reports("000")
    assert section_titles(r) == [
        None,  # the caption above the title (line 5)
        "核心提示",
        "1 “学”“悟”结合 党史学习教育冒热气接地气",
        "2 办实事 下“绣花功夫”做“关键小事”",
        "3 再开新局 用工作“实举”检验学习“实效”",
    ]
    assert [s.index for s in r.sections] == [1, 2, 3, 4, 5]


def test_000_lede_and_captions():
    (r,) = reports("000")
    lede = r.sections[1].paragraphs
    assert [p.kind for p in lede] == ["lede"] * 3  # lines 13-15
    assert lede[0].text.startswith("围绕“学党史、悟思想”")
    assert lede[2].text.endswith("争当洛阳都市圈建设排头兵。")
    assert texts(r, "caption") == [
        "城市书房内的党史阅读专区",  # line 5, above the title
        "学党史唱红歌",  # lines 39-51, a run between sections
        "西工区党员干部参观洛阳党建馆",
        "老党员任书敏抄写党史学习笔记",
        "洛北社区组织座谈会听取居民需求",
        "周王城广场上的建党主题宣传景观",  # line 97, after the byline
    ]
    # Captions before section 2's heading stay in section 1.
    assert [p.kind for p in r.sections[2].paragraphs][-4:] == ["caption"] * 4


def test_000_byline():
    (r,) = reports("000")
    assert r.publication is None
    assert roles(r) == {("赵普", "author"), ("葛超", "photographer")}
    assert not any("赵普" in t for t in texts(r))


def test_000_joined_paragraphs():
    (r,) = reports("000")
    assert one_paragraph_contains(r, "以群众需求为导向")  # lines 63/65
    assert one_paragraph_contains(r, "洛阳智能科技产业园")  # lines 83/85
    body3 = r.sections[4].paragraphs
    assert len(body3) == 7 + 1  # 7 paragraphs (lines 77-91) + the final caption


# --- 001: narrow column, headings set in the column, title block at the end ---------


def test_001_title_block_at_the_end():
    (r,) = reports("001")
    assert r.kicker == "洛阳市老城区西关办事处"  # line 229, "：" removed
    assert r.title == "党建引领、服务为民"  # line 231
    assert r.subtitle == "全面提升群众幸福感和满意度"  # line 232


def test_001_sections():
    (r,) = reports("001")
    assert section_titles(r) == [
        None,  # ▶ ledes after the title block, captions after the byline
        "夯实党建基础，增强群众获得感、幸福感",  # lines 1-2
        "创新服务形式，架起党员干部与群众“连心桥”",  # lines 80-81, body follows at once
        "注重家风建设，让好家风、好家训代代传承",  # lines 147-148, body follows at once
    ]
    # Paragraphs per section, counted in the text.
    assert [len(s.paragraphs) for s in r.sections[1:]] == [6, 5, 6]


def test_001_paragraph_boundaries():
    (r,) = reports("001")
    first = r.sections[1].paragraphs[0].text
    assert first.startswith("“打铁还需自身硬，加强党员和干部队伍思想建设")
    assert first.endswith("增强群众获得感和幸福感的动力源泉。")
    assert r.sections[2].paragraphs[0].text.startswith("“在创新服务形式方面，我们坚持以‘为民、便民、利民’为宗旨")
    assert r.sections[3].paragraphs[0].text.startswith("家庭不只是人们身体的住处，更是心灵的归宿。家风好就能家道兴盛")
    # A full line ending in 。 inside a column paragraph does not end it (lines 198/199).
    assert one_paragraph_contains(r, "调解工作先进单位”称号。与此同时，连续多年被洛阳")


def test_001_joined_across_blank_lines():
    (r,) = reports("001")
    assert one_paragraph_contains(r, "方便党员及时学习")  # lines 75/77
    assert one_paragraph_contains(r, "“蓝盾牌”律师志愿服务队、“夕阳红”文艺志愿服务队")  # 123/125
    assert one_paragraph_contains(r, "西关办事处党工委将固化“河洛党建计划”丰硕成果")  # 217/219


def test_001_ledes_byline_captions():
    (r,) = reports("001")
    ledes = texts(r, "lede")
    assert len(ledes) == 2  # two ▶ items, wrapped lines joined
    assert ledes[0].startswith("地处隋唐洛阳城遗址核心区域的洛阳市老城区西关办事处")
    assert ledes[0].endswith("管理服务88个居民庭院。")
    assert ledes[1].startswith("近年来，在老城区委、区政府正确领导下")
    assert r.publication == "东方今报·猛犸新闻"
    assert {("张超飞", "reporter"), ("刘璐", "correspondent")} <= roles(r)
    assert {p.name for p in r.people} == {"张超飞", "刘璐"}
    assert texts(r, "caption") == [
        "机关支部主题党日活动庆祝改革开放40周年观影",
        "机关支部主题党日春节慰问",
        "学雷锋志愿服务社区文化广场",
    ]


# --- 002: plain headings, —— subtitle, captions ending in 。 -----------------------


def test_002_title_byline():
    (r,) = reports("002")
    assert r.title == "学史力行办实事 为民解难谋福祉"
    assert r.subtitle == "我区开展党史学习教育成效综述"  # line 7, "——" removed
    assert r.kicker is None
    assert r.publication is None  # 本报 names no paper
    assert roles(r) == {("张再行", "reporter")}


def test_002_sections_and_captions():
    (r,) = reports("002")
    assert section_titles(r) == [
        None,
        "创新学习 强化自愿升华感悟",
        "以史为鉴 用好活用红色阵地",
        "观序交流 让红色基因入脑入心",
        "转化成果 把实事办到群众心坎上",
    ]
    assert texts(r, "caption") == ["交响音乐会。", "陈朝禄收集党史。", "整治环境便民出行。", "党史学习教育形式多样。"]
    # A short body sentence with single blank lines around it is not a caption.
    assert "一些单位把学党史同解决实际问题、推动工作、改进作风结合起来。" in texts(r, "body")
    assert [len(s.paragraphs) for s in r.sections] == [2, 10, 8, 6, 8 + 3]


def test_002_joined_paragraphs():
    (r,) = reports("002")
    assert one_paragraph_contains(r, "乡镇（街道）部门")  # lines 83/85
    assert one_paragraph_contains(r, "反映的民生问题，并及时反馈")  # 37/39
    assert one_paragraph_contains(r, "在退休后24年时间里，共收集整理党史资料")  # 57/59


# --- 003: one main article and three 本报讯 briefs ------------------------------------
#
# The issue says "a main article and two briefs". Reading the file, there are
# three "## …" headings (lines 55, 68, 82) each followed by a paragraph that
# opens with 本报讯 and each closed by its own byline (lines 65-66, 80, 94):
# three briefs, so four reports in all.


def test_003_four_reports():
    rs = reports("003")
    assert [r.report_no for r in rs] == [1, 2, 3, 4]
    assert [r.title for r in rs] == [
        "中原区真学笃行 牢牢把握“为民办实事”基本着力点 高质量开展党史学习教育 把学习成效转化为工作质效",
        "中原区春季干部培训班开班",
        "中原区人大常委会视察 退役军人事务工作开展情况",
        "中原区举行 政法队伍先进事迹报告会",
    ]
    assert all(r.subtitle is None and r.kicker is None for r in rs)
    assert [roles(r) for r in rs] == [
        {("张改华", "reporter"), ("吕杨子", "correspondent")},  # glued to line 5
        {("张改华", "reporter"), ("潘铁楠", "correspondent"), ("王维", "correspondent")},  # lines 65-66
        {("张改华", "reporter"), ("张磊", "correspondent")},
        {("张改华", "reporter"), ("赵欢", "correspondent")},
    ]
    assert not any(texts(r, "caption") for r in rs)


def test_003_main_article():
    main = reports("003")[0]
    assert section_titles(main) == [
        None,
        "系统部署 重视程度上体现“高”字",
        "精心组织 行动上体现“快”字",
        "用心用情 为群众办事体现“实”字",
        "遍地开花 开展特色活动体现“多”字",
    ]
    intro = main.sections[0].paragraphs[0].text
    assert intro.endswith("开新局的热潮。")  # the byline is cut off
    for phrase in (
        "省委、市委动员会议精神",  # 9/11
        "分管同志作《中国共产党百年奋斗历程》",  # 13/15
        "邀请郑棉三厂的老职工",  # 23/25
        "开设群众意见箱和实地走访等多种形式",  # 27/29
        "芝麻街双创园作为河南省重点建设项目之一",  # 41/43: a short line, not a heading
        "“琅行读书社”",  # 47/49
    ):
        assert one_paragraph_contains(main, phrase), phrase


def test_003_briefs():
    _, a, b, c = reports("003")
    for brief in (a, b, c):
        assert section_titles(brief) == [None]
        assert brief.sections[0].paragraphs[0].text.startswith("本报讯")
    assert one_paragraph_contains(a, "全会的召开，标志着中原区")
    assert one_paragraph_contains(a, "以求知若渴的态度学思践悟")
    assert one_paragraph_contains(b, "实现了退役军人工作有人抓")
    assert one_paragraph_contains(c, "扎根基层、奋战一线的使命担当")
    assert [len(r.sections[0].paragraphs) for r in (a, b, c)] == [2, 4, 4]


# --- 004: opening paragraphs, title block in the middle, repeated paragraph ----------


def test_004_title_block_after_opening():
    (r,) = reports("004")
    assert r.kicker == "学党史 悟思想 办实事 开新局"  # line 9
    assert r.title == "筑牢思想之基 厚植爱党深情 凝聚奋进力量 办好惠民实事"  # line 11
    assert r.subtitle == "中原区多措并举推进党史学习教育走深走实"  # line 13


def test_004_sections():
    (r,) = reports("004")
    assert section_titles(r) == [
        None,
        "提高站位统筹推进 掀起学习热潮",
        "以上率下身体力行 促进提质增效",
        "从严从实稳扎稳打 专题学习重实效",
        "深入一线全面铺开 专题宣讲润人心",
        "融合创新营造氛围 活动出新出彩出众",
    ]
    lead = r.sections[0].paragraphs
    assert [p.kind for p in lead] == ["body"] * 3 + ["caption"] * 2
    assert lead[0].text.startswith("以学为先，学以开悟")
    # A short sentence under a heading (line 43) is body, not a caption.
    assert r.sections[2].paragraphs[0].text == "身作则引领党员干部开展常态化学习。"
    assert r.sections[2].paragraphs[0].kind == "body"


def test_004_captions_and_byline():
    (r,) = reports("004")
    assert texts(r, "caption") == [
        "中原区党史知识大赛",
        "邀请专家为党员干部作辅导报告",
        "中原区人社局“就业培训进校园”面向高校大学生宣讲",
        "郑州市“舞台艺术进乡村、进社区”在锦绣社区演出",
        "汝河路街道邀请老革命战士讲党史",
        "林山寨街道“小院里的党史故事”宣讲",
        "三官庙街道为民办实事建设的充电车棚",
    ]
    assert r.publication is None
    assert {("孙志刚", "reporter"), ("李怀慈", "correspondent")} <= roles(r)
    assert {p.name for p in r.people} == {"孙志刚", "李怀慈"}


def test_004_repeated_paragraph_indexed_once():
    (r,) = reports("004")
    # Printed three times (lines 47, 63, 65).
    assert sum(t.startswith("发挥执行力，领办民生事。") for t in texts(r)) == 1
    assert one_paragraph_contains(r, "郑煤机芝麻街")  # 55/57
    assert one_paragraph_contains(r, "征集诉求3300余条。")  # 83/85


# --- all seeds --------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_no_heading_or_byline_in_paragraphs(prefix):
    for r in reports(prefix):
        paragraphs = set(texts(r))
        titles = {r.title, r.subtitle, r.kicker} | set(section_titles(r))
        assert not paragraphs & titles
        for t in paragraphs:
            assert "记者 " not in t and "通讯员" not in t
        assert len(paragraphs) == len(texts(r))  # no duplicates
        assert r.content_hash == reports(prefix)[0].content_hash
        assert len(r.content_hash) == 64


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_regions_found(prefix):
    for r in reports(prefix):
        assert r.regions.all  # every seed names its district


# --- the same styles, laid out differently ------------------------------------------


def test_001_rewrapped_at_another_width():
    """001's article re-set in a 15-character column with column breaks in
    other places: same headings, same paragraphs."""
    (r,) = reports("001")
    lines: list[str] = []
    for k, section in enumerate(r.sections[1:]):
        head = section.title
        cut = head.index("，") + 3
        lines += [head[:cut], head[cut:]] + ([""] if k == 0 else [])
        for n, p in enumerate(section.paragraphs):
            wrapped = wrap(p.text, 15, indent=2)
            if n % 2 and len(wrapped) > 3:
                wrapped.insert(2, "")  # a column break inside a sentence
            lines += wrapped + [""]
    lines += ["洛阳市老城区西关办事处：", "", "党建引领、服务为民", "全面提升群众幸福感和满意度", ""]
    lines += ["▶" + r.sections[0].paragraphs[0].text[:24], r.sections[0].paragraphs[0].text[24:], ""]
    lines += ["□东方今报·猛犸新闻记者 张超飞通讯员 刘璐/文图", "", "机关支部主题党日春节慰问"]
    (again,) = parse_reports("\n".join(lines), "rewrapped.txt")
    assert section_titles(again) == section_titles(r)
    assert (again.kicker, again.title, again.subtitle) == (r.kicker, r.title, r.subtitle)
    for old, new in zip(r.sections[1:], again.sections[1:]):
        assert texts_of(new) == texts_of(old)
    assert texts(again, "caption") == ["机关支部主题党日春节慰问"]


def wrap(text, cells, indent=0):
    """Set ``text`` in a column ``cells`` wide, digits and Latin half width."""
    lines, line, used = [], "", indent
    for ch in text:
        w = 0.5 if ch.isascii() else 1
        if used + w > cells:
            lines.append(line)
            line, used = "", 0
        line += ch
        used += w
    return lines + [line] if line else lines


def texts_of(section):
    return [p.text for p in section.paragraphs]


def test_title_then_byline_without_subtitle():
    text = (
        "\n\n学史力行办实事 为民解难谋福祉\n\n本报记者 张再行\n\n"
        "一次次涤荡心灵的学习和研讨，一场场干货满满、热气腾腾的宣讲，一桩桩解民忧聚人心的实事。\n\n"
        "创新学习 强化自愿升华感悟\n\n"
        "党史学习教育以来，我区立足实际、守正创新，坚持“规定动作”不走样、“自选动作”有特色。\n"
    )
    (r,) = parse_reports(text, "t.txt")
    assert r.title == "学史力行办实事 为民解难谋福祉"
    assert roles(r) == {("张再行", "reporter")}
    assert section_titles(r) == [None, "创新学习 强化自愿升华感悟"]


def test_brief_without_markdown():
    """A plain heading + 本报讯 after a closed article starts a new report."""
    text = (
        "学史力行办实事 为民解难谋福祉\n\n——我区开展党史学习教育成效综述\n\n"
        "一次次涤荡心灵的学习和研讨，一场场干货满满、热气腾腾的宣讲，一桩桩解民忧聚人心的实事。\n\n"
        "记者 张改华\n\n"
        "中原区春季干部培训班开班\n\n"
        "本报讯 3月15日，中原区2021年春季乡科级领导干部主体班和中青年干部培训班正式开班。\n\n"
        "记者 张改华 通讯员 潘铁楠\n"
    )
    first, brief = parse_reports(text, "t.txt")
    assert first.title == "学史力行办实事 为民解难谋福祉"
    assert brief.title == "中原区春季干部培训班开班"
    assert brief.report_no == 2
    assert roles(brief) == {("张改华", "reporter"), ("潘铁楠", "correspondent")}
    assert texts(brief)[0].startswith("本报讯 3月15日")

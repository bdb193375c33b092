"""Official-document layout and PDF dumps, line by line (indexer.doclayout)."""

from __future__ import annotations

import pytest

from rsearch.indexer.doclayout import (
    is_date_line, is_doc_title, is_org_line, is_page_number, numbered_level, prepare_lines, speaker, split_run_in,
)


@pytest.mark.parametrize("line", ["— 2 —", "- 3 -", "·4·", "5", "第 5 页", "第5页 共9页", "5/9", "—12—"])
def test_page_numbers(line):
    assert is_page_number(line)


@pytest.mark.parametrize("line", ["2021年", "3.5亿元", "第三届", "5月8日", "一、总体要求"])
def test_not_page_numbers(line):
    assert not is_page_number(line)


@pytest.mark.parametrize("text,level", [
    ("一、主要工作开展情况", 1), ("十二、其他", 1), ("（一）加强组织领导", 2), ("(二)优化营商环境", 2),
    ("1.推进政务服务标准化", 3), ("2．加强监管", 3), ("3、完善制度", 3), ("1 “学”“悟”结合", 3), ("（1）建立台账", 4),
    ("3.5亿元的投资", None), ("12 月 8 日，", None), ("2021年工作", None), ("一是加强领导", None), ("一、", None),
])
def test_numbered_levels(text, level):
    assert numbered_level(text) == level


def test_run_in_headings():
    assert split_run_in("（一）坚持党的领导，强化组织保障。市政府常务会议……") == ("（一）坚持党的领导，强化组织保障", "市政府常务会议……")
    assert split_run_in("1.推进标准化。全面梳理事项。") == ("1.推进标准化", "全面梳理事项。")
    assert split_run_in("1.推进标准化。") is None  # no text after the heading
    long = "1." + "很长的第一句话" * 6 + "。后文"
    assert split_run_in(long) is None  # a sentence, not a heading
    assert split_run_in("1.联系人：张三。电话") is None


@pytest.mark.parametrize("line", [
    "关于2021年上半年法治政府建设工作情况的报告", "关于做好2021年暑期学生安全工作的通知", "關於辦理教師甄選工作的通知",
    "关于2021年度优化营商环境工作的总结报告", "关于进一步加强安全生产工作的实施意见", "2021年上半年工作总结", "政府工作报告",
])
def test_document_titles(line):
    assert is_doc_title(line)


@pytest.mark.parametrize("line", ["关于我们", "关于这件事，他说了很多。", "我市新增5处城市书房", "报告会在市委党校举行"])
def test_not_document_titles(line):
    assert not is_doc_title(line)


def test_issuers_dates_speakers():
    for org in ("郑州市金水区人民政府", "洛阳市西工区教育局", "郑州市二七区人民政府办公室", "洛阳市老城区西关街道办事处",
                "臺中市政府教育局", "中共洛阳市委办公室文件"):
        assert is_org_line(org), org
    assert not is_org_line("各位代表") and not is_org_line("我市新增5处城市书房")
    for date in ("2021年6月30日", "二〇二一年三月十日", "二○二一年十二月二十日"):
        assert is_date_line(date)
    assert not is_date_line("2021年6月30日，区政府召开会议")
    assert speaker("洛阳市人民政府市长 李明华") == "李明华"
    assert speaker("市長 陳志明") == "陳志明"
    assert speaker("市长李明华在会上说") is None


def test_prepare_lines_sets_the_header_and_closing_apart():
    lines = ["郑州市人民政府", "关于2021年度优化营商环境工作的", "总结报告", "区政府：", "2021年，我办在区委的领导下，", "— 1 —",
             "持续深化改革。", "一、工作开展情况", "全年承接事项46项。", "二、存在的不足", "数据共享不充分。",
             "郑州市人民政府", "2021年12月20日"]
    out, layout = prepare_lines(lines)
    assert layout.issuer == "郑州市人民政府"
    assert layout.title == "关于2021年度优化营商环境工作的总结报告"
    assert layout.addressee == "区政府："
    assert layout.signature == ["郑州市人民政府", "2021年12月20日"]
    assert "— 1 —" not in out
    blocks = [b.strip() for b in "\n".join(out).split("\n\n") if b.strip()]
    assert blocks[:3] == ["郑州市人民政府", "关于2021年度优化营商环境工作的总结报告", "区政府："]
    assert "一、工作开展情况" in blocks and "二、存在的不足" in blocks
    assert blocks[-2:] == ["郑州市人民政府", "2021年12月20日"]


def test_prepare_lines_leaves_newspaper_text_alone():
    lines = ["我市新增5处城市书房", "", "本报记者 周晓燕", "", "近日，5处城市书房正式对外开放。", "", "1.张三", "2.李四"]
    out, layout = prepare_lines(lines)
    assert layout.title is None and layout.issuer is None and not layout.signature
    assert out[:6] == lines[:6]

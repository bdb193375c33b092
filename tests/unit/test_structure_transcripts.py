"""A transcript that runs its stories one after another (a broadcast's
evening news as text: masthead, a numbered list of the stories, then each
story's title, a dateline lead and a link to its source). Written here in
that shape."""

from __future__ import annotations

from rsearch.indexer.parse import parse_text

LEAD = "记者今天从有关部门了解到，相关工作进展顺利，各地按照部署稳步推进，群众反映良好。"
MORE = "据介绍，下一步将继续完善配套措施，加强督促检查，确保各项任务落到实处。"

TRANSCRIPT = f"""《晚间新闻》（20300612）

新闻摘要

本期节目主要内容：

1.青川茶园面积扩大到三万亩；

2.江边老码头修缮完工；

3.国内新闻快讯：

（1）城北社区食堂开门迎客；

（2）青少年活动中心投入使用。
（《晚间新闻》 20300612 19:00）

[查看原文](https://example.org/a0.shtml)

详细新闻

青川茶园面积扩大到三万亩

**某台消息**（晚间新闻）：{LEAD}

{MORE}

[查看原文](https://example.org/a1.shtml)

江边老码头修缮完工

某台消息（晚间新闻）：{LEAD}

{MORE}

[查看原文](https://example.org/a2.shtml)

国内新闻快讯

某台消息（晚间新闻）：

城北社区食堂开门迎客

{LEAD}

青少年活动中心投入使用

{MORE}

[查看原文](https://example.org/a3.shtml)
"""


def test_each_story_is_a_report_and_the_list_of_them_is_none():
    reports = parse_text(TRANSCRIPT, "evening.txt").reports
    assert [r.title for r in reports] == ["青川茶园面积扩大到三万亩", "江边老码头修缮完工", "国内新闻快讯"]
    # The masthead names the programme and its day; every story is of that day.
    assert {(r.publication, r.date, r.date_source) for r in reports} == {("晚间新闻", "2030-06-12", "header")}
    # The list of stories is navigation: not a story's text.
    text = "\n".join(p.text for r in reports for p in r.paragraphs())
    assert "1.青川茶园" not in text and "本期节目主要内容" not in text
    # The bold markers are emphasis, not text; the source links are credits.
    first = reports[0]
    assert first.paragraphs()[-2].text.startswith("某台消息（晚间新闻）：")
    assert "[查看原文](https://example.org/a1.shtml)" in first.bylines


def test_the_items_of_a_news_roundup_stay_in_it():
    roundup = parse_text(TRANSCRIPT, "evening.txt").reports[-1]
    heads = [s.heading for s in roundup.sections if s.heading]
    assert heads == ["城北社区食堂开门迎客", "青少年活动中心投入使用"]


def test_a_numbered_list_that_is_no_contents_stays():
    text = (f"青川推进三项工作\n\n{LEAD}\n\n1.扩大茶园面积；\n\n2.修缮江边码头；\n\n3.建设社区食堂。\n\n{MORE}\n")
    (report,) = parse_text(text, "x.txt").reports
    assert "1.扩大茶园面积；" in [p.text for p in report.paragraphs()]

"""Markdown posts as a static-site generator's archive keeps them (written
here, in the shapes such files have): the YAML front matter gives the title
and date and is no text; pictures are captions (their file names are
nothing); a link to the original, a rule line and an empty quote line are no
body text, so the ``###`` sub-heads stay sections of the one article."""

from __future__ import annotations

from rsearch.indexer.formats import front_matter
from rsearch.indexer.parse import parse_file

POST = """---
layout: post
title:  "城市更新中的租客"
date:   2019-03-02 18:49 +0800
categories: Archive
tags: 城市
---

原文链接：~~[城市更新中的租客](https://example.com/a)~~

---

![小区门口的告示](https://example.com/x.jpg)

> 来源：青川周刊
>
> 作者：李明

去年冬天，许多租客在几天之内搬离了住处。这场行动持续了四十天，影响了数万人的生活。

记者走访了多个小区，听到了不同的声音。

### 搬家的那一夜

凌晨两点，张女士还在打包行李。她说自己从来没有想过会这样离开。

![IMG_0001.JPG](https://example.com/y.jpg)

<figcaption>凌晨两点的小区</figcaption>

### 志愿者的行动

一群年轻人自发组织起来，为租客寻找临时住处，并提供搬家帮助。

### 之后

几个月后，部分租客回到了城市。
"""


def test_front_matter_gives_title_and_date_and_is_no_text():
    body, title, day = front_matter.split(POST)
    assert (title, day) == ("城市更新中的租客", "2019-03-02")
    assert "layout" not in body and body.lstrip().startswith("原文链接")
    text, day = front_matter.read(POST)
    assert text.startswith("# 城市更新中的租客\n") and day == "2019-03-02"


def test_front_matter_indented_or_absent_or_not_yaml():
    indented = "\n".join(" " + line for line in POST.split("\n")[:7]) + "\n正文。\n"
    assert front_matter.split(indented)[1:] == ("城市更新中的租客", "2019-03-02")
    plain = "城市更新中的租客\n\n去年冬天，许多租客搬离了住处。\n"
    assert front_matter.read(plain) == (plain, None)
    # Two rules around text that is no YAML mapping: text, kept whole.
    ruled = "---\n这不是元数据，只是一段话。\n---\n正文。\n"
    assert front_matter.read(ruled) == (ruled, None)
    # A title the text already has as its # title is not added again.
    assert front_matter.read("---\ntitle: 甲\n---\n# 乙\n\n正文。\n")[0].count("# ") == 1


def test_a_post_is_one_report_with_its_subheads_as_sections(tmp_path):
    path = tmp_path / "2019-03-02-post.md"
    path.write_text(POST, encoding="utf-8")
    parsed = parse_file(path)
    assert len(parsed.reports) == 1
    report = parsed.reports[0]
    assert report.title == "城市更新中的租客"
    assert report.subtitle is None  # the link to the original is a credit
    assert report.date == "2019-03-02" and report.date_source == "metadata"
    assert [p.name for p in report.people] == ["李明"]
    assert [s.title for s in report.sections] == [None, "搬家的那一夜", "志愿者的行动", "之后"]
    captions = [p.text for p in report.paragraphs() if p.kind == "caption"]
    assert captions == ["小区门口的告示", "凌晨两点的小区"]  # not the file name IMG_0001.JPG
    body = "\n".join(p.text for p in report.paragraphs())
    assert "---" not in body and "](" not in body and "layout" not in body

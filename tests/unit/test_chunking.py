"""chunk_report: size bounds, sentence boundaries, dedupe, stable ids."""

from __future__ import annotations

import hashlib
import json

import pytest

from rsearch.indexer.chunking import MAX_CHARS, chunk_report, split_paragraph, split_sentences
from rsearch.indexer.models import Paragraph, Person, Regions, Report, Section
from rsearch.indexer.pipeline import load_file
from paths import SEED_FILES as SEEDS

FINAL = "。！？；…!?;"


def make_report(sections, title="标题", subtitle=None, source_path="a.txt", report_no=1):
    return Report(
        title=title,
        subtitle=subtitle,
        kicker=None,
        publication="东方今报",
        people=[Person("张三", "reporter"), Person("李四", "correspondent"), Person("张三", "photographer")],
        regions=Regions(["河南省"], ["洛阳市"], ["西工区"]),
        dates=["2021-03-05"],
        source_path=source_path,
        content_hash="0" * 64,
        report_no=report_no,
        sections=sections,
        region=["河南省", "洛阳市", "西工区"],
        date="2021-03-05",
        date_source="dateline",
    )


def sentence(n: int, i: int = 0) -> str:
    """A sentence of exactly ``n`` characters ending in 。"""
    return ("党史学习教育走深走实"[i % 10] * (n - 1)) + "。"


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_seed_chunks_are_bounded_and_end_on_sentences(path):
    chunks = load_file(path)
    for c in chunks:
        assert 0 < len(c.text) <= MAX_CHARS
        if c.kind in ("body", "lede"):
            # Packing and sentence splitting never cut mid-sentence (no seed
            # sentence is longer than the bound, every seed paragraph ends
            # with a final mark once its broken lines are joined).
            assert c.text.rstrip("”’」』）)》】")[-1] in FINAL


def test_long_paragraph_is_split_on_sentence_boundaries():
    paragraph = "".join(sentence(50, i) for i in range(30))  # 1500 chars
    pieces = split_paragraph(paragraph)
    assert "".join(pieces) == paragraph
    assert len(pieces) == 3
    assert all(len(p) <= MAX_CHARS and p.endswith("。") for p in pieces)
    assert all(len(p) == 500 for p in pieces)  # balanced, not 600/600/300


def test_closing_quote_stays_with_its_sentence():
    text = "他说：“我们要铭记历史。”大家纷纷表示赞同！真的吗？是的……好"
    assert split_sentences(text) == ["他说：“我们要铭记历史。”", "大家纷纷表示赞同！", "真的吗？", "是的……", "好"]


def test_single_overlong_sentence_is_hard_split():
    paragraph = "党" * 1500 + "。"
    pieces = split_paragraph(paragraph)
    assert "".join(pieces) == paragraph
    assert [len(p) for p in pieces] == [600, 600, 301]


def test_overlong_sentence_prefers_a_clause_mark():
    paragraph = ("党" * 399 + "，") * 3 + "。"
    pieces = split_paragraph(paragraph)
    assert "".join(pieces) == paragraph
    assert all(p.endswith("，") for p in pieces[:-1])
    assert all(len(p) <= MAX_CHARS for p in pieces)


def test_paragraphs_of_one_kind_are_packed():
    body = [Paragraph(sentence(200, i), "body") for i in range(5)]
    report = make_report([Section("一", 1, body)])
    chunks = chunk_report(report)
    assert [c.kind for c in chunks] == ["title", "body", "body", "body"]
    assert [c.text.count("\n") + 1 for c in chunks[1:]] == [2, 2, 1]
    assert all(len(c.text) <= MAX_CHARS for c in chunks)


def test_kinds_are_not_mixed_and_captions_stand_alone():
    paragraphs = [
        Paragraph("导语一。", "lede"),
        Paragraph("导语二。", "lede"),
        Paragraph("正文一。", "body"),
        Paragraph("图片说明一", "caption"),
        Paragraph("图片说明二", "caption"),
        Paragraph("正文二。", "body"),
    ]
    chunks = chunk_report(make_report([Section(None, 1, paragraphs)]))
    assert [(c.kind, c.text) for c in chunks[1:]] == [
        ("lede", "导语一。\n导语二。"),
        ("body", "正文一。"),
        ("caption", "图片说明一"),
        ("caption", "图片说明二"),
        ("body", "正文二。"),
    ]


def test_sections_are_not_mixed():
    report = make_report([Section("一", 1, [Paragraph("甲。", "body")]), Section("二", 2, [Paragraph("乙。", "body")])])
    chunks = chunk_report(report)
    assert [(c.section_index, c.section_title, c.text) for c in chunks] == [
        (0, None, "标题"),
        (1, "一", "甲。"),
        (2, "二", "乙。"),
    ]
    assert [c.chunk_index for c in chunks] == [0, 1, 2]


def test_title_chunk_includes_kicker_and_subtitle():
    report = make_report([], title="主题", subtitle="副题")
    report.kicker = "引题"
    (chunk,) = chunk_report(report)
    assert (chunk.kind, chunk.text, chunk.section_index, chunk.section_title) == ("title", "引题 主题 副题", 0, None)


def test_empty_section_keeps_its_heading_findable():
    chunks = chunk_report(make_report([Section("空小节", 1, [])]))
    assert [(c.kind, c.text) for c in chunks] == [("title", "标题"), ("body", "空小节")]


def test_metadata_on_every_chunk():
    chunks = chunk_report(make_report([Section(None, 1, [Paragraph("正文。", "body")])]))
    for c in chunks:
        assert c.people == ["张三", "李四"]
        assert c.reporters == ["张三"] and c.correspondents == ["李四"] and c.photographers == ["张三"]
        assert c.region == c.places == ["河南省", "洛阳市", "西工区"]
        assert (c.date, c.date_source) == ("2021-03-05", "dateline")
        assert c.dates == ["2021-03-05"] and c.publication == "东方今报"
    source = chunks[1].to_source()
    assert "id" not in source
    assert json.loads(json.dumps(source, ensure_ascii=False)) == source
    assert source["report_title"] == "标题" and source["kind"] == "body"


def test_stable_ids():
    report = make_report([Section(None, 1, [Paragraph("正文。", "body")])], source_path="dir/a.txt", report_no=2)
    first, second = chunk_report(report), chunk_report(report)
    assert [c.id for c in first] == [c.id for c in second]
    rid = hashlib.sha1(b"dir/a.txt#2").hexdigest()[:16]
    assert all(c.report_id == rid for c in first)
    assert all(len(c.id) == 20 and int(c.id, 16) >= 0 for c in first)
    other = chunk_report(make_report(report.sections, source_path="dir/b.txt", report_no=2))
    assert not {c.id for c in first} & {c.id for c in other}
    changed = make_report([Section(None, 1, [Paragraph("正文改。", "body")])], source_path="dir/a.txt", report_no=2)
    assert chunk_report(changed)[1].id != first[1].id
    assert chunk_report(changed)[0].id == first[0].id  # the title chunk did not change


def test_seed_ids_unique_and_repeatable():
    for path in SEEDS:
        ids = [c.id for c in load_file(path, source_path=path.name)]
        assert len(ids) == len(set(ids))
        assert ids == [c.id for c in load_file(path, source_path=path.name)]


def test_repeated_paragraph_is_indexed_once():
    path = next(p for p in SEEDS if p.name.startswith("004"))
    text = "".join(c.text for c in load_file(path))
    assert text.count("发挥执行力，领办民生事。") == 1
    assert text.count("紧密结合中原区实际，做实党史学习教育后半篇文章") == 1


def test_every_seed_paragraph_reaches_a_chunk():
    """Never-miss: every body line of a seed is found in the chunks (broken
    lines joined), bylines and headings apart."""
    for path in SEEDS:
        chunks = load_file(path)
        joined = "".join(c.text for c in chunks).replace("\n", "")
        for report_no in {c.report_no for c in chunks}:
            assert any(c.kind == "title" for c in chunks if c.report_no == report_no)
        from rsearch.indexer.reader import read_text

        for line in read_text(path).split("\n"):
            if len(line) > 40 and not line.startswith("#"):
                assert line[5:35] in joined, (path.name, line[:20])

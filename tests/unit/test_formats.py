"""PDF, Word and HTML input: the files in tests/reports/fmt_* are written by
real writers (tests/reports/make_formats.py: reportlab, python-docx, HTML by
hand); here they go through the same pipeline as text files."""

from __future__ import annotations

import datetime as dt

import pytest

from rsearch.indexer.formats import READERS, read_document
from rsearch.indexer.pipeline import SUFFIXES, iter_files, load_file, recover_reports
from rsearch.indexer.reader import UnreadableFile
from paths import REPORTS


def reports_of(name: str):
    doc = read_document(REPORTS / name)
    return doc, recover_reports(doc.text, name, metadata_date=doc.date)


def test_every_suffix_has_a_reader():
    assert set(SUFFIXES) == set(READERS)


def test_directories_yield_every_supported_type(tmp_path):
    for name in ("a.PDF", "b.docx", "c.html", "d.htm", "e.txt", "f.md", "g.doc", "h.png"):
        (tmp_path / name).write_bytes(b"x")
    assert sorted(p.name for p in iter_files([tmp_path])) == ["a.PDF", "b.docx", "c.html", "d.htm", "e.txt", "f.md"]


# -- PDF ---------------------------------------------------------------------------

def test_pdf_title_block_paragraphs_and_spaces():
    doc, (report,) = reports_of("fmt_brief_header.pdf")
    assert report.kicker == "瀍河区"
    assert report.title == "义诊送到家门口 服务暖到心坎上"
    assert report.subtitle == "瀍河区开展“我为群众办实事”健康服务月活动"
    paragraphs = [p.text for p in report.paragraphs()]
    # Lines of a paragraph are joined; the dateline's credits are cut out of
    # the text into the report's byline, with the space between names kept.
    assert any(p.startswith("本报讯 6月18日") and p.endswith("慢性病防治知识。") for p in paragraphs)
    assert report.bylines == ["记者 王建军 通讯员 赵丽"]
    body = [p for p in paragraphs if not p.startswith("洛阳日报")]  # the page header line
    assert [p[:4] for p in body] == ["本报讯 ", "活动现场", "据了解，", "下一步，"]


def test_pdf_two_columns_read_column_by_column():
    doc, (report,) = reports_of("fmt_two_column.pdf")
    assert report.title == "大厂县推进农村人居环境整治"
    text = doc.text
    # The left column (both paragraphs) comes before the right one, each whole.
    order = [text.index(s) for s in ("本报讯 3月9日", "根本标准。", "今年，全县计划", "比学赶超。")]
    assert order == sorted(order)
    assert "确保见到实效。" in text and "实现生活垃圾收运处理全覆盖。" in text
    assert report.names() == ["李明", "刘洋"]


def test_pdf_work_report_sections_in_body_type():
    doc, (report,) = reports_of("fmt_work_report.pdf")
    assert report.title == "关于2021年上半年农村工作情况的报告"  # larger type, under the issuer line
    assert [s.title for s in report.sections if s.title] == ["一、总体情况", "二、存在的问题", "三、下一步打算"]
    assert doc.text.rstrip().endswith("大厂回族自治县人民政府\n\n二〇二一年六月三十日")
    assert (report.date, report.date_source) == ("2021-06-30", "closing")
    assert report.region == ["河北省", "廊坊市", "大厂回族自治县"]


def test_pdf_paragraph_running_over_a_page_break(tmp_path):
    from reportlab.lib.pagesizes import A5
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "pages.pdf"
    c = canvas.Canvas(str(path), pagesize=A5)
    w, h = A5
    # Justified lines of 16 characters; the first paragraph's last line on
    # page 1 is full and has no sentence end.
    lines = [("  第一段从这里开始一直写到页", 1), ("面底部还没有写完也没有句号的", 1),
             ("接着在第二页继续写直到这里才结", 2), ("束。", 2), ("  第二段另起一行。", 2)]
    y = {1: h - 60, 2: h - 60}
    for text, page in lines:
        if page == 2 and y[2] == h - 60:
            c.setFont("STSong-Light", 9)
            c.drawString(w / 2, 30, "- 1 -")
            c.showPage()
        c.setFont("STSong-Light", 11)
        c.drawString(40 + (22 if text.startswith("  ") else 0), y[page], text.strip())
        y[page] -= 18
    c.setFont("STSong-Light", 9)
    c.drawString(w / 2, 30, "- 2 -")
    c.showPage()
    c.save()
    text = read_document(path).text
    assert text.split("\n\n") == ["第一段从这里开始一直写到页面底部还没有写完也没有句号的接着在第二页继续写直到这里才结束。",
                                   "第二段另起一行。\n"]


def test_scanned_pdf_is_named_unreadable():
    with pytest.raises(UnreadableFile, match="scanned PDF: no text layer"):
        load_file(REPORTS / "fmt_scanned.pdf")


def test_broken_pdf_is_one_line_error(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ngarbage")
    with pytest.raises(UnreadableFile) as err:
        load_file(path)
    assert "\n" not in str(err.value) and "broken.pdf" in str(err.value)


# -- Word --------------------------------------------------------------------------

def test_docx_heading_styles_give_title_and_sections():
    doc, (report,) = reports_of("fmt_work_report.docx")
    assert report.title == "关于2021年上半年全区经济运行情况的报告"
    assert [s.title for s in report.sections if s.title] == ["一、主要经济指标完成情况", "二、存在的主要问题", "三、下半年工作安排"]
    assert doc.date == "2021-07-02"  # the document's own properties


def test_docx_subtitle_style_is_the_subtitle():
    _, (report,) = reports_of("fmt_feature.docx")
    assert report.title == "红色基因代代传"
    assert report.subtitle == "记郑州市中原区三官庙街道老党员宣讲团"
    assert [s.title for s in report.sections if s.title] == ["一群老党员", "一堂党课"]


def test_docx_written_here(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("小标题不是标题", style="Heading 2")
    d.add_paragraph("正文第一段，没有标题样式的文档。")
    d.core_properties.created = dt.datetime(2020, 5, 4)
    path = tmp_path / "x.docx"
    d.save(str(path))
    doc = read_document(path)
    assert doc.text.startswith("## 小标题不是标题") and doc.date == "2020-05-04"


def test_not_a_docx_is_one_line_error(tmp_path):
    path = tmp_path / "fake.docx"
    path.write_text("plain text pretending", encoding="utf-8")
    with pytest.raises(UnreadableFile, match="not a readable Word"):
        load_file(path)


# -- HTML --------------------------------------------------------------------------

def test_html_main_content_without_boilerplate():
    doc, (report,) = reports_of("fmt_notice.html")
    assert report.title == "关于开展2021年度城市社区志愿服务评选活动的通知"
    for boilerplate in ("首页", "网站地图", "备案号", "热点推荐", "北京市东城区来我区考察", "当前位置"):
        assert boilerplate not in doc.text
    assert [s.title for s in report.sections if s.title] == ["一、评选范围", "二、评选程序", "三、工作要求"]


def test_html_traditional_script_and_page_date():
    doc, (report,) = reports_of("fmt_traditional.html")
    assert report.title == "澳門特區舉辦社區長者健康講座"
    assert doc.date == "2021-09-14"
    assert report.region == ["澳门特别行政区"]


def test_html_without_article_is_unreadable(tmp_path):
    path = tmp_path / "nav.html"
    path.write_text("<html><body><nav><a href='/'>首页</a></nav></body></html>", encoding="utf-8")
    with pytest.raises(UnreadableFile, match="HTML without article text"):
        load_file(path)


def test_generator_writes_the_committed_files(tmp_path, monkeypatch):
    """The committed files are what the committed script writes (PDF and
    HTML bytes are reproducible; .docx zips carry timestamps, so compare text)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_formats", REPORTS / "make_formats.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "HERE", tmp_path)
    module.main()
    for path in sorted(REPORTS.glob("fmt_*")):
        fresh = tmp_path / path.name
        if path.suffix == ".docx":
            assert read_document(fresh).text == read_document(path).text
        elif path.suffix == ".pdf" and path.name != "fmt_scanned.pdf":
            assert read_document(fresh).text == read_document(path).text
        else:
            assert fresh.exists()

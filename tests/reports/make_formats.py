"""Write the PDF, Word and HTML test reports (fmt_*) with real writers.

    .venv/bin/python tests/reports/make_formats.py

PDFs: reportlab with its built-in CID font STSong-Light (no font files);
``invariant=1`` makes the bytes reproducible. Word: python-docx with the
built-in Title / Subtitle / Heading styles. HTML: written by hand, with the
navigation, side bar and footer boilerplate real news sites carry. The texts
are invented for these tests, in the styles of Chinese local news and
government documents.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

HERE = Path(__file__).resolve().parent
FONT = "STSong-Light"


# ----------------------------------------------------------------- PDF helpers

def _canvas(path: Path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    return c, A4


def _paragraphs(c, paragraphs, x, y, chars, size=10.5, leading=16, indent=True):
    """Body text ``chars`` characters wide, each paragraph's first line
    indented by two characters; lines filled by measured width, as a
    typesetter does."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    column = chars * size
    for para in paragraphs:
        first = True
        text = para
        while text:
            room = column - (2 * size if first and indent else 0)
            n = 1
            while n < len(text) and stringWidth(text[: n + 1], FONT, size) <= room:
                n += 1
            c.setFont(FONT, size)
            c.drawString(x + (2 * size if first and indent else 0), y, text[:n])
            text = text[n:]
            y -= leading
            first = False
        y -= 4
    return y


def make_brief_pdf(path: Path) -> None:
    """One-column page: header with the page's date, kicker, title, subtitle,
    本报讯 brief whose dateline has no year; streets named after cities."""
    c, (w, h) = _canvas(path)
    c.setFont(FONT, 9)
    c.drawString(50, h - 40, "洛阳日报  2021年6月19日  星期六  第3版  区县新闻")
    c.setFont(FONT, 13)
    c.drawString(50, h - 80, "瀍河区：")
    c.setFont(FONT, 22)
    c.drawString(50, h - 110, "义诊送到家门口 服务暖到心坎上")
    c.setFont(FONT, 13)
    c.drawString(50, h - 135, "——瀍河区开展“我为群众办实事”健康服务月活动")
    body = [
        "本报讯（记者 王建军 通讯员 赵丽）6月18日，瀍河区卫健委组织区人民医院、区中医院的二十余名医疗专家，"
        "来到天津路社区和广州市场周边，为居民免费义诊，测量血压血糖，讲解慢性病防治知识。",
        "活动现场，前来问诊的居民排起了长队。家住东关大街的李大爷说：“专家到家门口来看病，省了我们不少事。”",
        "据了解，今年以来，瀍河区已组织此类活动二十余场，服务群众三千余人次。5月下旬，区卫健委还组织"
        "医务人员前往贵州省遵义市学习交流基层医疗服务经验。",
        "下一步，瀍河区将继续推动优质医疗资源下沉，把健康服务送到群众身边。",
    ]
    _paragraphs(c, body, 50, h - 175, 38)
    c.showPage()
    c.save()


def make_two_column_pdf(path: Path) -> None:
    """A headline over two columns; the left column's text continues in the
    right one. Year of the dateline from a full date in the text."""
    c, (w, h) = _canvas(path)
    c.setFont(FONT, 20)
    c.drawString(60, h - 70, "大厂县推进农村人居环境整治")
    c.setFont(FONT, 11)
    c.drawString(60, h - 92, "本报记者 李明 刘洋")
    left = [
        "本报讯 3月9日，大厂县召开农村人居环境整治推进会，部署今年春季村庄清洁行动，"
        "要求各乡镇对照任务清单逐项落实，确保见到实效。",
        "会议指出，2021年是“十四五”开局之年，农村人居环境整治要坚持因地制宜、分类施策，"
        "把群众满意作为衡量工作成效的根本标准。",
    ]
    right = [
        "今年，全县计划改造农村户厕一千二百户，新建垃圾转运站五座，实现生活垃圾收运处理全覆盖。",
        "会上，祁各庄镇、陈府镇作了典型发言。与会人员还实地观摩了夏垫镇的美丽乡村建设成果，"
        "大家纷纷表示要学习经验、比学赶超。",
    ]
    _paragraphs(c, left, 60, h - 130, 13, size=10.5)
    _paragraphs(c, right, 320, h - 130, 13, size=10.5)
    c.showPage()
    c.save()


def make_scanned_pdf(path: Path) -> None:
    """A page that is only a picture (a scan): no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    img = Image.new("L", (400, 560), 255)
    draw = ImageDraw.Draw(img)
    for row in range(40, 520, 24):
        draw.rectangle([40, row, 360 - (row % 5) * 20, row + 10], fill=40)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    buf.seek(0)
    c, (w, h) = _canvas(path)
    c.drawImage(ImageReader(buf), 60, 150, width=w - 120, height=(w - 120) * 1.4)
    c.showPage()
    c.save()


def make_work_report_pdf(path: Path) -> None:
    """A government work report as PDF: issuer, larger title, numbered
    section headings in body size, closing issuer and a date in Chinese
    numerals, right-aligned."""
    c, (w, h) = _canvas(path)
    y = h - 60
    c.setFont(FONT, 12)
    c.drawString(60, y, "大厂回族自治县人民政府")
    c.setFont(FONT, 18)
    c.drawString(60, y - 36, "关于2021年上半年农村工作情况的报告")
    c.setFont(FONT, 12)
    c.drawString(60, y - 70, "县人大常委会：")
    y = _paragraphs(c, ["现将我县2021年上半年农村工作情况报告如下，请予审议。"], 60, y - 92, 38, size=12, leading=18)
    for heading, text in (
        ("一、总体情况", "上半年，全县农村人居环境整治扎实推进，完成农村户厕改造八百户，新建垃圾转运站三座，"
                        "村庄清洁行动覆盖全部行政村。"),
        ("二、存在的问题", "部分村庄长效管护机制尚不健全，个别乡镇资金投入不足，群众参与的积极性有待进一步提高。"),
        ("三、下一步打算", "下半年，我们将坚持问题导向，健全长效管护机制，确保全年目标任务圆满完成。"),
    ):
        c.setFont(FONT, 12)
        c.drawString(60, y - 6, heading)
        y = _paragraphs(c, [text], 60, y - 30, 38, size=12, leading=18)
    c.drawString(w - 60 - 12 * 11, y - 30, "大厂回族自治县人民政府")
    c.drawString(w - 60 - 12 * 7, y - 50, "二〇二一年六月三十日")
    c.showPage()
    c.save()


# ----------------------------------------------------------------- Word

def _docx(path: Path, paragraphs: list[tuple[str | None, str]], created: dt.datetime | None) -> None:
    import docx

    d = docx.Document()
    for style, text in paragraphs:
        d.add_paragraph(text, style=style) if style else d.add_paragraph(text)
    d.core_properties.created = created or dt.datetime(2000, 1, 1)
    d.core_properties.modified = created or dt.datetime(2000, 1, 1)
    d.core_properties.author = "rsearch tests"
    d.save(str(path))


def make_work_report_docx(path: Path) -> None:
    """A government work report: issuer, 关于……的报告 (Title), numbered
    sections (Heading 1), closing issuer and date."""
    _docx(path, [
        (None, "洛阳市西工区人民政府"),
        ("Title", "关于2021年上半年全区经济运行情况的报告"),
        (None, "区人大常委会："),
        (None, "现将我区2021年上半年经济运行情况报告如下，请予审议。"),
        ("Heading 1", "一、主要经济指标完成情况"),
        (None, "上半年，全区地区生产总值同比增长百分之十二点三，一般公共预算收入完成年度目标的百分之五十六。"
               "固定资产投资保持较快增长，重点项目建设有序推进，升龙万达广场等项目建成投用。"),
        ("Heading 1", "二、存在的主要问题"),
        (None, "一是工业投资增长乏力；二是部分项目前期手续办理较慢；三是消费市场恢复仍需巩固。"),
        ("Heading 1", "三、下半年工作安排"),
        (None, "下半年，我们将紧盯全年目标任务，加快项目建设，优化营商环境，确保完成全年各项目标任务。"),
        (None, "洛阳市西工区人民政府"),
        (None, "2021年6月30日"),
    ], created=dt.datetime(2021, 7, 2, 9, 0))


def make_feature_docx(path: Path) -> None:
    """A 通讯 feature: Title + Subtitle + headed sections, byline, no date
    except an anniversary; the Word file records its own creation date."""
    _docx(path, [
        ("Title", "红色基因代代传"),
        ("Subtitle", "——记郑州市中原区三官庙街道老党员宣讲团"),
        (None, "本报记者 孙志刚"),
        ("Heading 1", "一群老党员"),
        (None, "在中原区三官庙街道，有一支平均年龄七十岁的宣讲团。十多年来，他们走进社区、学校和企业，"
               "讲党史、讲家风，听众累计超过两万人次。"),
        ("Heading 1", "一堂党课"),
        (None, "“讲好党的故事，是我们老党员的责任。”宣讲团团长说。在庆祝中国共产党成立100周年之际，"
               "宣讲团又编排了新的宣讲节目，把身边人身边事搬上讲台。"),
    ], created=dt.datetime(2021, 6, 25, 10, 0))


# ----------------------------------------------------------------- HTML

NOTICE_HTML = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>关于开展2021年度城市社区志愿服务评选活动的通知_郑州市中原区人民政府</title>
</head><body>
<header><div class="logo">郑州市中原区人民政府门户网站</div>
<nav><a href="/">首页</a> <a href="/zwgk/">政务公开</a> <a href="/bsfw/">办事服务</a> <a href="/hdjl/">互动交流</a></nav></header>
<div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 通知公告</div>
<aside><h3>热点推荐</h3><ul><li><a href="/a1">北京市东城区来我区考察</a></li><li><a href="/a2">全市防汛工作会议召开</a></li></ul></aside>
<article>
<h1>关于开展2021年度城市社区志愿服务评选活动的通知</h1>
<p>各街道办事处、区直各单位：</p>
<p>为深入推进新时代文明实践，激发社区志愿服务活力，经研究，决定在全区开展2021年度城市社区志愿服务评选活动。现将有关事项通知如下：</p>
<h2>一、评选范围</h2>
<p>全区各街道、社区登记注册的志愿服务组织和在册志愿者。在天津路社区、北京街社区等开展服务的外来志愿团队也可参加。</p>
<h2>二、评选程序</h2>
<p>各单位于11月30日前将推荐材料报送区文明办。区文明办组织评审后，对拟表彰对象进行公示。</p>
<h2>三、工作要求</h2>
<p>各单位要高度重视，坚持公开、公平、公正，确保评选结果经得起群众检验。</p>
<p>郑州市中原区精神文明建设指导委员会办公室</p>
<p>2021年11月8日</p>
</article>
<footer><p>主办：郑州市中原区人民政府办公室 地址：郑州市中原区中原西路 备案号：豫ICP备00000000号</p>
<p><a href="/about">关于我们</a> | <a href="/map">网站地图</a> | <a href="/contact">联系我们</a></p></footer>
</body></html>
"""

TRADITIONAL_HTML = """<!DOCTYPE html>
<html lang="zh-Hant"><head><meta charset="utf-8">
<title>澳門特區舉辦社區長者健康講座 - 新聞頻道</title>
<meta property="article:published_time" content="2021-09-14T08:30:00+08:00">
</head><body>
<nav><ul><li><a href="/">主頁</a></li><li><a href="/local">本地</a></li><li><a href="/world">國際</a></li></ul></nav>
<main><article>
<h1>澳門特區舉辦社區長者健康講座</h1>
<p>【本報訊】社會工作局聯同多個社團，在澳門北區的社區中心舉辦長者健康講座，講解秋季常見疾病的預防方法，吸引逾百名長者參加。</p>
<p>講座上，醫生提醒長者注意均衡飲食、適量運動，並定期檢查身體。主辦單位表示，今年將在各區舉辦同類活動十場。</p>
</article></main>
<footer>版權所有 不得轉載 聯絡我們</footer>
</body></html>
"""


def main() -> None:
    make_brief_pdf(HERE / "fmt_brief_header.pdf")
    make_two_column_pdf(HERE / "fmt_two_column.pdf")
    make_scanned_pdf(HERE / "fmt_scanned.pdf")
    make_work_report_pdf(HERE / "fmt_work_report.pdf")
    make_work_report_docx(HERE / "fmt_work_report.docx")
    make_feature_docx(HERE / "fmt_feature.docx")
    (HERE / "fmt_notice.html").write_text(NOTICE_HTML, encoding="utf-8")
    (HERE / "fmt_traditional.html").write_text(TRADITIONAL_HTML, encoding="utf-8")


if __name__ == "__main__":
    main()

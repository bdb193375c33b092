"""Write the scanned test reports (OCR input) from invented texts.

    .venv/bin/python tests/reports/scans/make_scans.py

The texts below were written for these tests (no corpus text). They are
typeset by bench/page_render.py (the benchmark's typesetter, a CJK TrueType
font) at 150 dpi and saved as a scan or a photo would be:

* ``two_column_scan.pdf``: a newspaper article (kicker, headline over two
  columns, byline) as an image-only PDF, lightly noised like a flatbed scan;
* ``notice_photo.jpg``: a one-column notice photographed: tilted, blurred,
  unevenly lit, JPEG;
* ``mixed.pdf``: page 1 with a text layer, page 2 a scan of the report's
  continuation;
* ``vertical_notice.png``: a traditional-script notice set in vertical
  columns, right to left.

Kept small: the images are cropped to the text, greyscale.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2] / "bench"))

from page_render import Article, render, scan_noise  # noqa: E402

DPI = 150

FARMING = Article(
    kicker="春耕时节访田间",
    title="青山镇智慧农机助力春播提速",
    byline="本报记者　周明远　通讯员　何静",
    paragraphs=[
        "本报讯 4月12日清晨，青山镇东岭村的千亩麦田里，三台北斗导航播种机正在有序作业。驾驶员只需在屏幕上"
        "设定好路线，机器便能自动沿直线行进，误差不超过两厘米。",
        "“以前一天最多种四十亩，现在能种一百二十亩，还省种子。”种粮大户陈国栋一边查看出苗情况，一边算起了"
        "增收账。今年他流转土地八百亩，全部实现机械化耕种。",
        "据了解，青山镇今年新增智慧农机二十六台，建成农机服务中心三个，为周边农户提供代耕代种服务。全镇春播"
        "面积达到三万二千亩，比去年同期提前一周完成。",
        "镇农业服务中心主任刘海燕介绍，下一步将组织农机手技能培训，推广无人机植保和精准施肥技术，让更多农户"
        "享受到科技带来的便利。",
    ],
)

NOTICE = Article(
    title="关于开展城乡居民医疗保险集中缴费的通知",
    paragraphs=[
        "各社区居委会、各村民委员会：",
        "根据市医疗保障局工作安排，现将我街道2024年度城乡居民基本医疗保险集中缴费有关事项通知如下。",
        "一、缴费时间为2023年9月1日至12月31日，逾期未缴费的，次年待遇享受将受到影响。",
        "二、成年居民每人每年缴费380元，困难群众按规定享受资助，由社区统一核实名单。",
        "三、居民可通过手机银行、微信小程序或到社区服务站现场缴纳，服务站工作日上午九点至下午五点办理。",
        "特此通知。",
    ],
)

SPORTS_TEXT = Article(
    title="河东区举办第三届社区运动会",
    paragraphs=[
        "本报讯 10月15日，河东区第三届社区运动会在区体育中心开幕，来自全区十二个街道的一千二百余名居民"
        "报名参赛，年龄最大的七十六岁，最小的只有八岁。",
        "本届运动会设置拔河、跳绳、趣味接力等十个项目，既有竞技比赛，也有亲子游戏，突出全民参与。",
    ],
)
SPORTS_SCAN = Article(
    title="",
    paragraphs=[
        "比赛间隙，志愿者在场边为居民提供免费体质检测，测量握力、平衡能力和肺活量，并根据结果给出科学健身"
        "建议，不少居民拿着检测单向医生详细询问。",
        "区文体旅游局负责人表示，将把社区运动会办成群众家门口的节日，明年计划增设门球和太极拳项目，"
        "并邀请周边街道的居民一同参加。",
    ],
)

LANTERN = Article(
    title="臺中市舉辦燈會志工培訓",
    paragraphs=[
        "臺中市政府觀光旅遊局今日舉辦燈會志工培訓課程，共有三百餘名志工參加，內容包括交通引導、緊急救護與外語接待。",
        "局長表示，志工是燈會最重要的夥伴，希望大家以熱情與專業，讓每一位旅客都感受到臺中的溫暖。",
    ],
)


def _cropped(image, margin: int = 60):
    """The image cut to its text, with a margin (a smaller file, a faster test)."""
    from PIL import ImageOps

    box = ImageOps.invert(image.convert("L")).point(lambda v: 255 if v > 60 else 0).getbbox()
    if not box:
        return image
    x0, y0, x1, y1 = box
    return image.crop((max(0, x0 - margin), max(0, y0 - margin),
                       min(image.width, x1 + margin), min(image.height, y1 + margin)))


def _image_pdf(images, path: Path, dpi: int = DPI) -> None:
    images[0].save(path, format="PDF", resolution=dpi, save_all=True, append_images=images[1:])


def _photo(image, seed: int):
    """A phone photo of a page: tilted, blurred, lit from one side."""
    import numpy as np
    from PIL import Image

    noisy = scan_noise(image, seed, degrees=1.5, blur=0.7, quality=75)
    arr = np.asarray(noisy, dtype=np.float32)
    light = np.linspace(0.82, 1.0, arr.shape[1], dtype=np.float32)[None, :]
    arr = np.clip(arr * light, 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format="JPEG", quality=80)
    return buf.getvalue()


def make_mixed_pdf(path: Path) -> None:
    """Page 1 with a text layer (reportlab, built-in CID font), page 2 a scan."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    font = "STSong-Light"
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    w, h = A4
    c.setFont(font, 20)
    c.drawString(60, h - 80, SPORTS_TEXT.title)
    y = h - 120
    for para in SPORTS_TEXT.paragraphs:
        first, text = True, para
        while text:
            room = 38 * 11 - (22 if first else 0)
            n = 1
            while n < len(text) and stringWidth(text[: n + 1], font, 11) <= room:
                n += 1
            c.setFont(font, 11)
            c.drawString(60 + (22 if first else 0), y, text[:n])
            text, y, first = text[n:], y - 17, False
        y -= 4
    c.showPage()
    page = _cropped(render(SPORTS_SCAN, layout="one", dpi=DPI).image)
    buf = io.BytesIO()
    page.save(buf, format="PNG")
    buf.seek(0)
    c.drawImage(ImageReader(buf), 50, h - 50 - page.height * 72 / DPI, width=page.width * 72 / DPI,
                height=page.height * 72 / DPI)
    c.showPage()
    c.save()


def main() -> None:
    scan = scan_noise(_cropped(render(FARMING, layout="two", dpi=DPI).image), seed=1, degrees=0.6, quality=85)
    _image_pdf([scan], HERE / "two_column_scan.pdf")
    (HERE / "notice_photo.jpg").write_bytes(_photo(_cropped(render(NOTICE, layout="one", dpi=DPI).image), seed=2))
    make_mixed_pdf(HERE / "mixed.pdf")
    _cropped(render(LANTERN, layout="vertical", dpi=DPI).image).save(HERE / "vertical_notice.png", optimize=True)


if __name__ == "__main__":
    main()

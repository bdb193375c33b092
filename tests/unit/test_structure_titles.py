"""Titles of the shapes real releases and notices have (sentences written
here): a first line that is a whole sentence, a title over its subtitle
lines with the release's date line above, a press conference's notice of
time and place, a title above numbered items."""

from __future__ import annotations

from rsearch.indexer.parse import parse_text

BODY = ("市府表示，將持續與各界合作，讓更多市民參與相關活動，並在活動現場設置服務台協助民眾。"
        "活動期間也將安排志工引導，歡迎市民朋友踴躍參加。")


def title_of(text: str):
    (report,) = parse_text(text).reports
    return report


def test_a_sentence_set_apart_as_the_first_line_is_the_title():
    title = "某某公司辦理一般業務，查有違反相關規定，依法核處罰鍰新臺幣一百萬元並予以糾正。"
    r = title_of(f"{title}\n\n受文者：某某公司\n發文字號：某字第1號\n主旨：{title}\n說明：{BODY}{BODY}\n")
    assert r.title == title


def test_a_sentence_over_a_title_block_is_a_summary_not_the_title():
    r = title_of(f"以學為先，學以開悟，把所學轉化為奮進力量。\n\n{BODY}\n\n學思踐悟 開新局\n\n"
                 f"築牢思想之基 辦好惠民實事\n\n——某區推進學習教育走深走實\n\n{BODY}\n\n{BODY}\n")
    assert r.title == "築牢思想之基 辦好惠民實事"


def test_title_and_subtitle_lines_under_a_date_line():
    r = title_of("113年02月20日\n副總統參觀國際書展　以具體行動支持文化出版業\n"
                 "副總統出席「國際書展」暨參觀主題國館等展區\n\n"
                 f"副總統今（20）日下午出席國際書展。{BODY}\n\n{BODY}\n")
    assert r.title == "副總統參觀國際書展　以具體行動支持文化出版業"
    assert r.subtitle == "副總統出席「國際書展」暨參觀主題國館等展區"
    assert (r.date, r.date_source) == ("2024-02-20", "header")
    assert r.paragraphs()[0].text.startswith("副總統今（20）日")  # the lead stays a paragraph


def test_a_notice_of_time_and_place_keeps_its_text():
    r = title_of("製鞋工藝特展-鞋藝嘉年華記者會\n\n時間： 10 月 04 日  星期二  中午12：30地點：市議會一樓簡報室\n")
    assert r.title == "製鞋工藝特展-鞋藝嘉年華記者會"
    assert "地點：市議會一樓簡報室" in "\n".join(p.text for p in r.paragraphs())


def test_a_title_above_numbered_items():
    r = title_of(f"今日(1/10)空氣品質不佳緊急通知\n\n一、因北風減弱，擴散條件轉差，空氣品質已逐漸惡化。{BODY}\n\n"
                 f"二、請市民外出配戴口罩。{BODY}\n")
    assert r.title == "今日(1/10)空氣品質不佳緊急通知"


def test_a_fuller_line_above_the_printed_title_is_the_title():
    r = title_of("2030年青川市政府工作报告\n政府工作报告\n——2030年1月20日在青川市第九届人民代表大会第二次会议上\n\n"
                 "各位代表：\n\n现在，我受市人民政府委托作报告，请各位代表审阅。过去一年，青川的茶园扩到三万亩。\n")
    assert r.title == "2030年青川市政府工作报告"


def test_an_html_title_without_the_sites_name(tmp_path):
    from rsearch.indexer.parse import parse_file

    page = ("<html><head><meta charset='utf-8'><title>青川茶园扩到三万亩 采茶乡亲增收-某某网</title></head>"
            "<body><div class='nav'><a href='/'>首页</a></div><h1>青川茶园扩到三万亩 采茶乡亲增收</h1>"
            f"<div class='article'><p>{BODY}</p><p>{BODY}</p><p>{BODY}</p></div></body></html>")
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    assert parse_file(path).reports[0].title == "青川茶园扩到三万亩 采茶乡亲增收"
    # Without a heading that says so, the <title> stands as it is.
    path.write_text(page.replace("<h1>青川茶园扩到三万亩 采茶乡亲增收</h1>", ""), encoding="utf-8")
    assert parse_file(path).reports[0].title == "青川茶园扩到三万亩 采茶乡亲增收-某某网"


def test_an_offices_name_over_the_title_is_its_kicker():
    page = ("某省应急办\n\n部署开展高层建筑消防安全排查\n\n《某某日报》（2030年02月18日第 13 版）\n\n"
            "本报讯（记者 林远）2月17日，某省应急办召开会议，部署开展高层建筑消防安全排查。会议要求各地逐栋排查。\n")
    (report,) = parse_text(page).reports
    assert (report.kicker, report.title) == ("某省应急办", "部署开展高层建筑消防安全排查")


def test_an_official_documents_fields_stay_one_per_line():
    title = "某某銀行辦理業務核有缺失，核處罰鍰新臺幣二百萬元"
    r = title_of(f"{title}\n\n受文者： 如正、副本\n發文字號：某字第1號\n受處分人姓名或名稱：某某銀行\n地址：略\n"
                 f"主旨：某某銀行辦理業務核有缺失\n說明：{BODY}\n")
    assert r.title == title
    texts = [p.text for p in r.paragraphs()]
    assert "受文者： 如正、副本" in texts and "地址：略" in texts


def test_a_members_release_credits_the_member():
    r = title_of(f"議員林小明-關心社區公園改善進度\n\n林小明今日表示，社區公園設施老舊。{BODY}\n")
    assert [(p.name, p.role) for p in r.people] == [("林小明", "author")]
    assert r.bylines == ["議員林小明"]
    r = title_of(f"市長黃大明：強化防災能力\n\n市長今日表示，將強化防災能力。{BODY}\n")
    assert r.people == []

"""The search page in a real headless Chromium (Debian's, driven by Playwright),
served by the real app under uvicorn on a free port, over a real node: typing
(also through IME composition), marked matches, facets, pages, the reader,
Back, reload, and the page without JavaScript."""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import uvicorn

from rsearch.core.analysis import fold
from rsearch.service import create_app
from rsearch.core.settings import Settings
from paths import DOCS
from service_support import drop, index_corpus

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run"]
SCREENSHOT = DOCS / "search-page.png"
PHONE_SCREENSHOT = DOCS / "search-page-phone.png"
DEBOUNCE_WAIT_MS = 700  # well past the page's 250 ms debounce

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (scripts/bootstrap.sh installs it)")


@pytest.fixture(scope="module")
def base_url(es, es_url, tmp_path_factory):
    alias = index_corpus(es, tmp_path_factory.mktemp("browser-reports"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(Settings(url=es_url, index=alias)), host="127.0.0.1",
                                           port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    drop(es, alias)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1200, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


def state(pg) -> dict[str, list[str]]:
    return parse_qs(urlsplit(pg.url).query)


def hit_ids(pg) -> list[str]:
    return pg.locator("li.hit").evaluate_all("els => els.map(e => e.dataset.id)")


def facet_counts(pg, name: str) -> dict[str, int]:
    pairs = pg.locator(f'fieldset[data-facet="{name}"] .facet-value').evaluate_all(
        "els => els.map(e => [e.querySelector('.value').textContent, e.querySelector('.count').textContent])")
    return {v: int(c) for v, c in pairs}


def searches(pg) -> int:
    return pg.evaluate("window.rsearchSearches")


def wait_search(pg, param: str) -> None:
    """Until the URL (pushed once the results are in) holds ``param``."""
    pg.wait_for_function("p => new URLSearchParams(location.search).has(p)", arg=param)


def wait_results(pg, query: str) -> None:
    """Until the results part shows ``query`` (the swap has happened)."""
    pg.wait_for_function("q => document.querySelector('#results .state').dataset.q === q", arg=query)


def test_typing_searches_and_marks_matches(page, base_url):
    page.goto(base_url + "/")
    page.locator("#q").press_sequentially("党史学习教育", delay=30)
    wait_results(page, "党史学习教育")
    marks = page.locator("li.hit .fragment mark, li.hit h3 mark").all_inner_texts()
    # The original text is marked: simplified or, in the traditional report, traditional.
    assert marks and all(fold(m) == "党史学习教育" for m in marks) and "党史学习教育" in marks
    assert state(page)["q"] == ["党史学习教育"]
    total = int(page.locator(".summary .total").inner_text())
    page.locator("#q").fill("黨史學習教育")  # traditional script finds the same reports
    wait_results(page, "黨史學習教育")
    assert int(page.locator(".summary .total").inner_text()) == total
    assert fold(page.locator("li.hit mark").first.inner_text()) == "党史学习教育"


def test_no_search_during_composition_and_enter_ending_it_does_not_submit(page, base_url):
    page.goto(base_url + "/")
    sent = []
    page.on("request", lambda r: sent.append(r.url) if r.headers.get("x-rsearch-partial") == "1" else None)
    length = page.evaluate("history.length")
    # A pinyin IME typing 党史: composition events, input events flagged isComposing.
    page.evaluate("""() => {
        const box = document.getElementById('q');
        box.focus();
        box.dispatchEvent(new CompositionEvent('compositionstart', {data: ''}));
        for (const text of ['d', 'da', 'dan', 'dang', 'dang s', 'dang sh', 'dang shi']) {
            box.value = text;
            box.dispatchEvent(new CompositionEvent('compositionupdate', {data: text}));
            box.dispatchEvent(new InputEvent('input', {data: text, isComposing: true, inputType: 'insertCompositionText'}));
        }
    }""")
    page.wait_for_timeout(DEBOUNCE_WAIT_MS)
    assert searches(page) == 0 and sent == []
    # Chrome's order: the Enter that picks the candidate comes as a composing keydown, then compositionend.
    page.evaluate("""() => {
        const box = document.getElementById('q');
        box.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', keyCode: 229, isComposing: true, bubbles: true, cancelable: true}));
        box.value = '党史';
        box.dispatchEvent(new InputEvent('input', {data: '党史', isComposing: true, inputType: 'insertCompositionText'}));
        box.dispatchEvent(new CompositionEvent('compositionend', {data: '党史'}));
        // Safari's order: compositionend first, then the Enter (keyCode 229, isComposing false).
        box.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', keyCode: 229, isComposing: false, bubbles: true, cancelable: true}));
    }""")
    # One search, for the finished text, after the debounce: no submit from either Enter.
    wait_results(page, "党史")
    page.wait_for_timeout(DEBOUNCE_WAIT_MS)
    assert searches(page) == 1 and len(sent) == 1 and "q=%E5%85%9A%E5%8F%B2" in sent[0]
    # The entry is the typing one (a submit would have pushed its own, marked typing: false).
    assert page.evaluate("history.length") == length + 1 and page.evaluate("history.state.typing") is True
    page.locator("#q").press("Enter")  # a plain Enter, no composition: submits
    page.wait_for_function("() => window.rsearchSearches === 2")


def test_real_ime_composition_through_the_devtools_protocol(page, base_url):
    """Chromium's own IME path (Input.imeSetComposition): the events a real IME makes."""
    page.goto(base_url + "/")
    page.locator("#q").focus()
    cdp = page.context.new_cdp_session(page)
    for text in ["x", "xi", "xig", "xigo", "xigon"]:
        cdp.send("Input.imeSetComposition", {"text": text, "selectionStart": len(text), "selectionEnd": len(text)})
    page.wait_for_timeout(DEBOUNCE_WAIT_MS)
    assert searches(page) == 0
    cdp.send("Input.insertText", {"text": "西工区"})  # commits the composition
    wait_results(page, "西工区")
    assert searches(page) == 1 and page.locator("li.hit mark").first.inner_text() == "西工区"


def test_facet_keeps_its_alternatives_and_changes_other_counts(page, base_url, tmp_path):
    page.goto(base_url + "/?q=" + "党史")
    regions, kinds = facet_counts(page, "region"), facet_counts(page, "kind")
    assert "西工区" in regions and len(regions) > 1
    page.locator('fieldset[data-facet="region"] input[value="region:西工区"]').check()
    wait_search(page, "filter")
    assert state(page)["filter"] == ["region:西工区"]
    assert facet_counts(page, "region").keys() == regions.keys()  # its alternatives stay
    after = facet_counts(page, "kind")
    assert after != kinds and sum(after.values()) == int(page.locator(".summary .total").inner_text())
    page.select_option("select[name=sort]", "date")
    wait_search(page, "sort")
    assert state(page)["sort"] == ["date"]
    dates = [d for d in page.locator("li.hit .date").all_inner_texts()]
    assert dates == sorted(dates, reverse=True)
    page.locator("input[name=group_by_report]").check()
    wait_search(page, "group_by_report")
    assert "篇报道" in page.locator(".summary").inner_text()
    assert page.locator("li.hit .matches").count() == page.locator("li.hit").count() > 0
    assert state(page)["filter"] == ["region:西工区"] and state(page)["sort"] == ["date"]


def test_paging_back_and_reload_keep_the_state(page, base_url):
    page.goto(base_url + "/?q=党史&filter=kind:body")
    first = hit_ids(page)
    page.locator("nav.pager a[rel=next]").click()
    page.wait_for_function("() => new URLSearchParams(location.search).get('page') === '2'")
    page.wait_for_function("ids => document.querySelector('li.hit').dataset.id !== ids[0]", arg=first)
    second = hit_ids(page)
    assert second and not set(first) & set(second)
    assert state(page) == {"q": ["党史"], "filter": ["kind:body"], "page": ["2"]}
    page.reload()
    assert hit_ids(page) == second and page.locator("#q").input_value() == "党史"
    assert page.locator('input[value="kind:body"]').is_checked()
    page.go_back()
    page.wait_for_function("ids => document.querySelector('li.hit').dataset.id === ids[0]", arg=first)
    assert hit_ids(page) == first and "page" not in state(page)


def test_reader_view_and_back(page, base_url):
    page.goto(base_url + "/?q=西工区")
    ids = hit_ids(page)
    link = page.locator("li.hit a.report-link").first
    title = link.inner_text()
    link.click()
    page.wait_for_url(re.compile(r"/read/"))
    assert page.locator("article.reader h1").inner_text() == title
    assert page.locator(f"#c-{ids[0]}").count() == 1
    assert set(page.locator("article.reader mark").all_inner_texts()) == {"西工区"}
    assert page.locator("article.reader section").count() >= 1
    page.go_back()
    page.wait_for_url(re.compile(r"/\?q="))
    assert hit_ids(page) == ids and page.locator("#q").input_value() == "西工区"


def test_malformed_query_and_empty_state(page, base_url):
    page.goto(base_url + "/")
    page.locator("#q").fill('"党史')
    page.locator("#q").press("Enter")
    page.wait_for_selector("#results .error")
    assert "引号" in page.locator("#results .error").inner_text()  # the page speaks Chinese
    page.locator("#q").fill("龘靐齉爩")
    page.locator("#q").press("Enter")
    page.wait_for_selector("#results .empty")


def test_basic_search_without_javascript(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(base_url + "/")
        page.locator("#q").fill("党史学习教育")
        with page.expect_navigation():
            page.locator("#q").press("Enter")  # the form submits itself
        assert state(page)["q"] == ["党史学习教育"]
        assert fold(page.locator("li.hit mark").first.inner_text()) == "党史学习教育"
        page.locator('input[value="region:西工区"]').check()
        with page.expect_navigation():
            page.locator("noscript button, aside button").first.click()
        assert state(page)["filter"] == ["region:西工区"] and page.locator('input[value="region:西工区"]').is_checked()
    finally:
        context.close()


# -- a phone (390 px) and a desktop (1280 px) ------------------------------------------
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# Boxes that must not overlap their siblings: the bar, the options row, each
# hit's parts, the pager's links, the reader's section list and meta line.
OVERLAP_GROUPS = [".bar > *", ".options > label", "li.hit", "li.hit > *", "li.hit .meta > span", ".pager > *",
                  ".toc li", "article.reader > *", "article.reader .meta > span", ".facet-value"]


def overlaps(pg) -> list:
    """Pairs of visible sibling boxes that intersect, and the page's overflow past the viewport."""
    return pg.evaluate("""groups => {
        const found = [];
        for (const sel of groups) {
            const els = [...document.querySelectorAll(sel)].filter(e => e.getClientRects().length);
            const byParent = new Map();
            for (const e of els) byParent.set(e.parentNode, [...(byParent.get(e.parentNode) || []), e]);
            for (const sibs of byParent.values()) {
                const boxes = sibs.map(e => e.getBoundingClientRect());
                for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
                    const a = boxes[i], b = boxes[j];
                    const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
                    const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
                    if (w > 1 && h > 1) found.push([sel, sibs[i].textContent.trim().slice(0, 20), sibs[j].textContent.trim().slice(0, 20)]);
                }
            }
        }
        const wide = document.documentElement.scrollWidth - window.innerWidth;
        if (wide > 0) found.push(["page wider than the viewport by", wide]);
        return found;
    }""", OVERLAP_GROUPS)


def text_lines(pg, selector: str) -> int:
    """Lines the element's text takes (one box per line of a text range)."""
    return pg.evaluate("""sel => {
        const r = document.createRange(); r.selectNodeContents(document.querySelector(sel));
        return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size;
    }""", selector)


def shoot(pg, path: Path, tmp_path) -> Path:
    """The docs' screenshots are written only when asked for, so a test run leaves the work tree as it was."""
    shot = path if os.environ.get("RSEARCH_UPDATE_SCREENSHOT") else tmp_path / path.name
    pg.screenshot(path=str(shot), full_page=False)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return shot


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True,
                                  device_scale_factor=2)
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


def test_phone_results_first_facets_folded_nothing_overlaps(phone, base_url, tmp_path):
    phone.goto(base_url + "/?q=党史学习教育")
    first = phone.locator("li.hit").first.bounding_box()
    assert first["y"] + 60 < PHONE["height"], first  # the first result is on the first screen
    assert not phone.locator(".facets").is_visible()
    control = phone.locator(".facets-control")
    assert control.is_visible() and phone.locator(".facets-control").count() == 1
    assert text_lines(phone, ".bar button") == 1 and phone.locator(".bar button").inner_text() == "搜索"
    assert overlaps(phone) == []
    shoot(phone, PHONE_SCREENSHOT, tmp_path)
    # The one control opens the facets, above the results; they stay open
    # while a facet ticked reloads the results, and the control counts it.
    control.click()
    facets = phone.locator(".facets")
    assert facets.is_visible()
    assert facets.bounding_box()["y"] < phone.locator("li.hit").first.bounding_box()["y"]
    assert overlaps(phone) == []
    phone.locator('fieldset[data-facet="region"] input[value="region:西工区"]').check()
    wait_search(phone, "filter")
    phone.wait_for_selector(".facets-control .active-filters")
    assert phone.locator(".facets").is_visible() and phone.locator(".active-filters").inner_text() == "1"
    assert "show-facets" not in phone.url  # the fold is no part of the search's state
    control.click()
    assert not phone.locator(".facets").is_visible()


def test_phone_reader_section_list_does_not_overlap(phone, base_url):
    phone.goto(base_url + "/?q=党史学习教育")
    reports = phone.locator("li.hit a.report-link").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    with_toc = 0
    for href in dict.fromkeys(h.split("#")[0] for h in reports):
        phone.goto(base_url + href)
        with_toc += phone.locator(".toc li").count() > 1
        assert overlaps(phone) == [], href
        for box in phone.locator(".toc li").evaluate_all("els => els.map(e => e.getBoundingClientRect().right)"):
            assert box <= PHONE["width"]
    assert with_toc, "no report with a section list was looked at"


def test_desktop_facets_beside_the_results(page, base_url, tmp_path):
    page.set_viewport_size(DESKTOP)
    page.goto(base_url + "/?q=党史学习教育&filter=region:西工区")
    facets, hits = page.locator(".facets").bounding_box(), page.locator("main.hits").bounding_box()
    assert facets["x"] + facets["width"] <= hits["x"] and facets["y"] < 200
    assert not page.locator(".facets-control").is_visible()
    assert text_lines(page, ".bar button") == 1 and overlaps(page) == []
    shoot(page, SCREENSHOT, tmp_path)


def test_kinds_labels_and_errors_in_chinese_or_english_where_asked(browser, base_url):
    zh = browser.new_context(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    en = browser.new_context(locale="en-US", extra_http_headers={"Accept-Language": "en-US,en;q=0.9"})
    try:
        pg = zh.new_page()
        pg.goto(base_url + "/?q=党史")
        kinds = set(pg.locator("li.hit .kind").all_inner_texts())
        assert kinds and kinds <= {"标题", "导语", "正文", "图片说明", "署名"}, kinds
        assert pg.locator('fieldset[data-facet="region"] legend').inner_text() == "地区"
        assert pg.evaluate("document.documentElement.lang") == "zh-CN"
        pg.goto(base_url + "/?q=党史&filter=date:2021-13")
        assert "日期" in pg.locator(".error").inner_text() and "date" not in pg.locator(".error").inner_text()
        pg = en.new_page()
        pg.goto(base_url + "/?q=党史")
        assert pg.locator(".bar button").inner_text() == "Search"
        kinds = set(pg.locator("li.hit .kind").all_inner_texts())
        assert kinds and kinds <= {"title", "lede", "body", "caption", "byline"}, kinds
        pg.goto(base_url + '/?q="党史')
        assert "quote" in pg.locator(".error").inner_text()
    finally:
        zh.close()
        en.close()


def test_a_hit_matching_only_through_its_section_shows_it_marked(page, base_url):
    """Find a hit whose section heading holds four characters, no two neighbouring of which
    its text and title hold, search for them, and see them marked in the hit's section."""
    import json as json_
    import urllib.request

    with urllib.request.urlopen(base_url + "/search?q=%E5%85%9A&hits_per_page=100&fragments=1") as resp:
        hits = json_.load(resp)["hits"]
    tried = 0
    for hit in hits:
        section = hit["section"] or ""
        for i in range(len(section) - 3):
            word = section[i:i + 4]
            # (no two characters of it in the text or title either: the query's
            # words, 夯实 and 党建 for 夯实党建, may each match anywhere)
            seen = hit["text"] + " " + (hit["title"] or "")
            if not all("\u4e00" <= ch <= "\u9fff" for ch in word) or any(word[j:j + 2] in seen for j in range(3)):
                continue
            tried += 1
            page.goto(base_url + "/?q=" + word)
            li = page.locator(f'li.hit[data-id="{hit["id"]}"]')
            if not li.count():
                continue
            assert li.locator(".section mark").inner_text() == word
            assert li.locator(".fragment mark").count() == 0
            return
    pytest.fail(f"no hit matched only through its section ({tried} words tried)")

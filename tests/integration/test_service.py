"""The HTTP service against a real node: the framework's test client for the
endpoints, the page rendered on the server, errors as one-line JSON, escaped
highlights; and the real `rsearch serve` under uvicorn, queried over HTTP."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from rsearch.localnode.node import free_port
from rsearch.serving import wait_until_healthy
from rsearch.service import create_app
from rsearch.core.settings import Settings
from rsearch.search import QueryError, search

from service_support import drop, error, index_corpus, ok


@pytest.fixture(scope="module")
def alias(es, tmp_path_factory):
    name = index_corpus(es, tmp_path_factory.mktemp("service-reports"))
    yield name
    drop(es, name)


@pytest.fixture(scope="module")
def client(es_url, alias):
    with TestClient(create_app(Settings(url=es_url, index=alias))) as c:
        yield c


# -- search ------------------------------------------------------------------------------
def test_search_matches_the_library(client, es, alias):
    body = ok(client.get("/search", params={"q": "党史学习教育", "hits_per_page": 5}))
    lib = search("党史学习教育", limit=5, client=es, index=alias)
    assert body["total"] == lib.total > 5
    assert [h["id"] for h in body["hits"]] == [h.id for h in lib.hits]
    assert body["hits_per_page"] == 5 and body["page"] == 1 and body["total_pages"] == -(-lib.total // 5)
    assert body["processing_time_ms"] >= 0 and body["elasticsearch_ms"] >= 0
    for hit in body["hits"]:
        assert any("<em>" in h for h in hit["highlights"] + [hit["title_highlight"] or ""])
    for name, values in body["facets"].items():
        assert all(set(v) == {"value", "count", "selected"} and v["count"] > 0 for v in values), name


def test_traditional_query_finds_simplified_text(client):
    simplified = ok(client.get("/search", params={"q": "党史学习教育"}))
    traditional = ok(client.get("/search", params={"q": "黨史學習教育"}))
    assert traditional["total"] == simplified["total"] > 0


def test_post_and_get_agree(client):
    got = ok(client.get("/search", params=[("q", "党史"), ("filter", "region:西工区"), ("filter", "kind:body"),
                                           ("sort", "date"), ("hits_per_page", "7")]))
    posted = ok(client.post("/search", json={"q": "党史", "filter": {"region": ["西工区"], "kind": "body"},
                                             "sort": "date", "hits_per_page": 7}))
    as_list = ok(client.post("/search", json={"q": "党史", "filter": ["region:西工区", "kind:body"],
                                              "sort": "date", "hits_per_page": 7}))
    assert [h["id"] for h in got["hits"]] == [h["id"] for h in posted["hits"]] == [h["id"] for h in as_list["hits"]]
    assert got["total"] > 0 and all(h["kind"] == "body" and "西工区" in h["region"] for h in got["hits"])


def test_facet_filter_keeps_its_alternatives_and_narrows_the_others(client):
    base = ok(client.get("/search", params={"q": "党史"}))
    picked = ok(client.get("/search", params={"q": "党史", "filter": "region:西工区"}))
    assert 0 < picked["total"] < base["total"]
    regions = {v["value"]: v for v in picked["facets"]["region"]}
    assert regions["西工区"]["selected"] and len(regions) > 1
    assert regions.keys() == {v["value"] for v in base["facets"]["region"]}
    assert sum(v["count"] for v in picked["facets"]["kind"]) == picked["total"]
    assert picked["facets"]["kind"] != base["facets"]["kind"]


def test_facets_parameter_limits_the_counts(client):
    body = ok(client.get("/search", params={"q": "党史", "facets": "kind,date"}))
    assert set(body["facets"]) == {"kind", "date"}
    assert ok(client.post("/search", json={"q": "党史", "facets": []}))["facets"] == {}
    assert "unknown facet" in error(client.get("/search", params={"q": "党史", "facets": "nope"}), 400)


def test_pages_do_not_overlap(client):
    p1 = ok(client.get("/search", params={"q": "党史", "hits_per_page": 4, "page": 1}))
    p2 = ok(client.get("/search", params={"q": "党史", "hits_per_page": 4, "page": 2}))
    assert len(p1["hits"]) == len(p2["hits"]) == 4
    assert not {h["id"] for h in p1["hits"]} & {h["id"] for h in p2["hits"]}


def test_group_by_report(client):
    body = ok(client.get("/search", params={"q": "党史学习教育", "group_by_report": "true", "hits_per_page": 50}))
    assert body["grouped"] and len({h["report_id"] for h in body["hits"]}) == len(body["hits"]) == body["total"]
    assert all(h["report_matches"] >= 1 for h in body["hits"])


# -- highlights are HTML: text escaped once, only the tags are markup --------------------
def test_highlights_escape_report_text_once(client):
    body = ok(client.get("/search", params={"q": "alert 甲", "fragment_size": 300}))
    assert body["total"] == 1
    (fragment,) = [f for f in body["hits"][0]["highlights"] if "alert" in f]
    assert "&lt;img src=x onerror=<em>alert</em>(1)&gt;" in fragment
    assert "“<em>甲</em>&amp;乙”" in fragment
    assert "<img" not in fragment and "&amp;lt;" not in fragment and "&amp;amp;" not in fragment
    # The plain text field stays plain text.
    assert "<img src=x onerror=alert(1)>" in body["hits"][0]["text"]


def test_highlight_tags_are_configurable(client):
    body = ok(client.get("/search", params={"q": "党史", "highlight_pre_tag": "<b class=m>",
                                            "highlight_post_tag": "</b>"}))
    fragments = [f for h in body["hits"] for f in h["highlights"]]
    assert any("<b class=m>党史</b>" in f for f in fragments) and not any("<em>" in f for f in fragments)


def test_literal_tags_in_report_text_stay_text(client):
    body = ok(client.get("/search", params={"q": "注意", "fragment_size": 300}))
    fragments = [f for h in body["hits"] for f in h["highlights"] if "注意" in f]
    # The report's own <em>…</em> is text: escaped, whatever marks the match.
    assert fragments and all("&lt;em&gt;" in f and "&lt;/em&gt;" in f for f in fragments)


# -- errors ----------------------------------------------------------------------------------
@pytest.mark.parametrize("query", ['"党史', "-党史", "NOT", "regoin:洛阳", "党史 -"])
def test_malformed_query_is_400_with_the_query_languages_message(client, es, alias, query):
    with pytest.raises(QueryError) as lib:
        search(query, client=es, index=alias)
    assert error(client.get("/search", params={"q": query}), 400) == str(lib.value)
    assert error(client.post("/search", json={"q": query}), 400) == str(lib.value)


@pytest.mark.parametrize("params", [
    {"q": "党史", "filter": "nocolon"}, {"q": "党史", "filter": "color:red"}, {"hits_per_page": "0"},
    {"hits_per_page": "101"}, {"page": "abc"}, {"page": "0"}, {"page": "99999"}, {"sort": "nope"},
    {"q": "党" * 1001}, {"filter": "date:2021-13"}, {"fragments": "-1"},
])
def test_bad_parameters_are_400(client, params):
    error(client.get("/search", params=params), 400)


@pytest.mark.parametrize("body", [b"{not json", b'{"q": 5}', b'{"unknown": 1}', b'[]', b'{"filter": [5]}'])
def test_bad_bodies_are_400(client, body):
    error(client.post("/search", content=body, headers={"content-type": "application/json"}), 400)


def test_unknown_chunk_report_and_route_are_404(client):
    assert "no chunk" in error(client.get("/chunks/0123456789abcdef0123"), 404)
    assert "no report" in error(client.get("/reports/nope"), 404)
    error(client.get("/no/such/path"), 404)
    error(client.delete("/search"), 405)


# -- chunks, reports, facets, stats, health ---------------------------------------------------
def test_chunk_and_its_report(client, es, alias):
    hit = ok(client.get("/search", params={"q": "西工区", "hits_per_page": 1}))["hits"][0]
    chunk = ok(client.get(f"/chunks/{hit['id']}"))
    assert chunk["chunk"]["id"] == hit["id"] and chunk["report"]["report_id"] == hit["report_id"]
    report = ok(client.get(f"/reports/{hit['report_id']}"))
    ids = [c["id"] for s in report["sections"] for c in s["chunks"]]
    stored = es.search(index=alias, query={"term": {"report_id": hit["report_id"]}}, size=1000,
                       sort=[{"section_index": "asc"}, {"chunk_index": "asc"}])["hits"]["hits"]
    assert ids == [h["_id"] for h in stored] and report["chunks"] == len(ids) and hit["id"] in ids
    assert [s["index"] for s in report["sections"]] == sorted({s["index"] for s in report["sections"]})
    assert report["report"]["title"] == hit["title"]
    assert chunk["chunks_in_report"] == len(ids)


def test_facet_registry(client):
    facets = {f["name"]: f for f in ok(client.get("/facets"))["facets"]}
    body = ok(client.get("/search", params={"q": "党史"}))
    assert {n for n, f in facets.items() if f["default"]} == set(body["facets"])
    assert {n for n, f in facets.items() if f["counted"]} > set(body["facets"])  # report, section on request
    assert "YYYY-MM" in facets["date"]["filter_form"] and not facets["reporter"]["counted"]
    assert all(f["label"] and f["field"] for f in facets.values())


def test_stats_and_health(client, es, alias):
    stats = ok(client.get("/stats"))
    reports = es.search(index=alias, size=0, aggs={"r": {"cardinality": {"field": "report_id"}}})
    assert stats["chunks"] == es.count(index=alias)["count"]
    assert stats["reports"] == reports["aggregations"]["r"]["value"] > 5
    health = ok(client.get("/health"))
    assert health["status"] == "ok" and health["cluster"]["status"] in ("green", "yellow")


def test_openapi_and_docs(client):
    schema = ok(client.get("/openapi.json"))
    assert {"/search", "/chunks/{chunk_id}", "/reports/{report_id}", "/facets", "/stats", "/health"} <= set(schema["paths"])
    assert "422" not in str(schema["paths"]["/search"]["get"]["responses"])
    for docs in ("/docs", "/redoc"):
        page = client.get(docs)
        assert page.status_code == 200
        # Every script, style sheet and icon comes from the service itself,
        # so the docs render on a machine without internet access.
        assets = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", page.text)
        assert any(a.endswith(".js") for a in assets), assets
        for asset in assets:
            assert asset.startswith("/"), f"{docs} loads {asset} from elsewhere"
            assert client.get(asset).status_code == 200, asset


# -- the token ---------------------------------------------------------------------------------
def test_token_guards_everything_but_health(es_url, alias):
    with TestClient(create_app(Settings(url=es_url, index=alias), token="s3cret")) as c:
        error(c.get("/search", params={"q": "党史"}), 401)
        error(c.get("/search", params={"q": "党史"}, headers={"Authorization": "Bearer wrong"}), 401)
        ok(c.get("/search", params={"q": "党史"}, headers={"Authorization": "Bearer s3cret"}))
        ok(c.get("/health"))
        assert c.get("/", params={"q": "党史"}).status_code == 401
        landed = c.get("/", params={"q": "党史", "token": "s3cret"})  # sets the cookie, drops the token
        assert landed.status_code == 200 and "token" not in str(landed.url) and "<mark>" in landed.text


# -- the page, server-rendered ----------------------------------------------------------------
def test_page_renders_results_without_javascript(client):
    page = client.get("/", params={"q": "党史学习教育", "filter": "region:西工区", "sort": "date"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "<mark>党史学习教育</mark>" in html
    assert 'value="region:西工区" checked' in html and '<option value="date" selected>' in html
    assert 'class="report-link" href="/read/' in html


def test_page_counts_report_and_section_facets(client):
    """The API counts report titles and section headings on request only;
    the page asks for them, so its sidebar can narrow by report."""
    api = ok(client.get("/search", params={"q": "党史学习教育"}))
    assert "report" not in api["facets"] and "section" not in api["facets"]
    html = client.get("/", params={"q": "党史学习教育"}).text
    title = ok(client.get("/search", params={"q": "党史学习教育", "facets": "report"}))["facets"]["report"][0]["value"]
    assert f'value="report:{title}"' in html


def test_page_shows_malformed_query_and_empty_state(client):
    bad = client.get("/", params={"q": '"党史'})
    assert bad.status_code == 400 and 'class="error"' in bad.text and "引号" in bad.text  # in the page's Chinese
    none = client.get("/", params={"q": "龘靐齉爩"})
    assert none.status_code == 200 and 'class="empty"' in none.text


def test_page_escapes_report_html(client):
    html = client.get("/", params={"q": "alert"}).text
    assert "<img src=x" not in html and "&lt;img src=x onerror=<mark>alert</mark>(1)&gt;" in html


def test_reader_view_marks_matches(client):
    hit = ok(client.get("/search", params={"q": "alert", "hits_per_page": 1}))["hits"][0]
    page = client.get(f"/read/{hit['report_id']}", params={"q": "alert"})
    assert page.status_code == 200
    assert f'id="c-{hit["id"]}"' in page.text and "onerror=<mark>alert</mark>(1)" in page.text
    assert "<img src=x" not in page.text
    tags = ok(client.get("/search", params={"q": "注意", "hits_per_page": 1}))["hits"][0]
    page = client.get(f"/read/{tags['report_id']}", params={"q": "注意"})
    assert "&lt;em&gt;<mark>注意</mark>&lt;/em&gt;" in page.text
    assert client.get("/read/nope").status_code == 404


# -- the real server -----------------------------------------------------------------------------
def test_rsearch_serve_under_uvicorn(es_url, alias):
    port = free_port()
    exe = Path(sys.executable).with_name("rsearch")
    proc = subprocess.Popen([str(exe), "--es-url", es_url, "--index", alias, "serve", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "RSEARCH_API_TOKEN": ""})
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base, proc)
        body = httpx.get(f"{base}/search", params={"q": "黨史學習教育"}).json()
        assert body["total"] > 0 and "<em>" in "".join(body["hits"][0]["highlights"])
        assert httpx.get(f"{base}/search", params={"q": '"x'}).status_code == 400
        page = httpx.get(f"{base}/", params={"q": "党史"})
        assert page.status_code == 200 and "<mark>党史</mark>" in page.text
        assert httpx.get(f"{base}/static/app.js").status_code == 200
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}/" in out and "Traceback" not in out



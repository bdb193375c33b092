"""Search against a real node: never miss, cross-script, ranking, highlights,
facets under filters, grouping, the query language and the JSON shape.

Corpus: tests/integration/conftest.py's (the seeds, a report in traditional
script and the format files of tests/reports)."""

from __future__ import annotations

import json
import re
from html import unescape
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings as hsettings, strategies as st

from rsearch.search import facets
from rsearch.core.analysis import fold
from rsearch.cli import cli
from rsearch.search import QueryError, search
from indexed import hit_ids as ids, new_alias, search_in as run

EM = re.compile(r"</?em>")


def containing(chunks, needle) -> set[str]:
    """Plain substring scan (white space ignored): the chunks a search must
    find. A word of letters or digits at either end of the needle must be a
    whole word of the text (1.5 and 2012 are one token each)."""
    n = "".join(fold(needle).split())
    word = r"[A-Za-z0-9]"
    before = rf"(?<!{word})(?<!{word}[.,'])" if re.match(word, n) else ""
    after = rf"(?!{word}|[.,']{word})" if re.search(rf"{word}$", n) else ""
    pattern = re.compile(before + r"\s*".join(map(re.escape, n)) + after)
    return {i for i, c in chunks.items() if pattern.search(fold(c["text"]))}


def tokens_only(text: str) -> str:
    """A text as a phrase of Chinese characters sees it: the index makes no
    token of punctuation or white space (the standard analyzer)."""
    return "".join(ch for ch in fold(text) if ch.isalnum())


def in_any_field(chunks, needle) -> set[str]:
    """Chunks with the needle (Chinese) in their text, title or section heading
    (all searched), punctuation and white space ignored as the index ignores them."""
    n = tokens_only(needle)
    return {i for i, c in chunks.items()
            if any(n in tokens_only(c.get(f) or "") for f in ("text", "title", "section"))}


# -- never miss ------------------------------------------------------------------
@pytest.mark.parametrize("query,context", [
    ("中原区", "中原区委书记乔焜"),      # jieba: 中原/区委书记
    ("区委", "西工区委宣传部"),          # jieba: 西工区/委/宣传部
    ("办实事", "为民办实事"),
    ("年5月成立", "2019年5月成立"),       # next to numbers (a number is one token)
    ("洛阳(B型)保税", "洛阳(B型)保税物流中心"),
])
def test_never_miss_where_jieba_cuts_differently(es, alias, chunks, query, context):
    expected = containing(chunks, context)
    assert expected, f"the seeds should contain {context}"
    found = ids(run(es, alias, query, limit=1000))
    assert expected <= found


def _word_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"[^\W_]+(?:[.,'][^\W_]+)*", text, re.ASCII)]


def _quote_if_needed(q: str) -> str:
    tokens = q.split()
    if any(c in q for c in '-:') or "OR" in tokens or "NOT" in tokens:
        return f'"{q}"'
    return q


@hsettings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_property_random_substrings_are_always_found(es, alias, chunks, data):
    chunk_id = data.draw(st.sampled_from(sorted(chunks)))
    text = chunks[chunk_id]["text"]
    length = data.draw(st.integers(2, 8))
    assume(len(text) >= length)
    start = data.draw(st.integers(0, len(text) - length))
    q = text[start:start + length]
    assume(q.strip() and '"' not in q)
    # Words of letters or digits match whole (the standard analyzer's tokens):
    # a cut through one is not a substring any search engine promises.
    assume(not any(s < start < e or s < start + length < e for s, e in _word_spans(text)))
    # Punctuation alone makes no token in the index: there is nothing to find it by.
    assume(any(ch.isalnum() for ch in q))
    expected = containing(chunks, q) if q.split() == [q] else {chunk_id}
    assert chunk_id in expected
    found = ids(run(es, alias, _quote_if_needed(q), limit=1000))
    assert expected <= found, f"query {q!r} missed {expected - found}"


# -- cross-script -----------------------------------------------------------------
def test_traditional_query_finds_simplified_text(es, alias, chunks):
    result = run(es, alias, "黨史學習教育", limit=1000)
    assert containing(chunks, "党史学习教育") <= ids(result)
    hit = next(h for h in result.hits if "党史学习教育" in h.text)
    assert any("<em>党史学习教育</em>" in f for f in hit.highlights)


def test_simplified_query_finds_traditional_report_and_marks_original(es, alias):
    result = run(es, alias, "座谈会 我为群众办实事")
    assert result.hits and result.hits[0].source_path.endswith("traditional.txt")
    top = result.hits[0]
    marked = " ".join(top.highlights)
    # The report is written as OpenCC s2t makes it: 座談會, 我爲羣衆辦實事.
    assert "<em>座談會</em>" in marked and "<em>我爲羣衆辦實事</em>" in marked
    assert "林志明" in top.people


# -- ranking ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def ranking_alias(es, tmp_path_factory):
    d = tmp_path_factory.mktemp("ranking")
    filler = "会议强调，要进一步提高认识，压实责任，确保各项工作落到实处。"
    docs = {
        # 区委 only as characters: jieba cuts 西工区/委.
        "chars.txt": f"社区工作情况通报\n\n西工区委宣传部召开专题会议。{filler}\n",
        # 区委 as a whole word.
        "word.txt": f"社区工作情况汇报\n\n该区区委召开专题会议部署。{filler}\n",
        # The query words in the title.
        "title.txt": f"老城区垃圾分类工作推进会召开\n\n{filler}{filler}\n",
        # The same words only in the body.
        "body.txt": f"城市管理工作简报\n\n{filler}老城区垃圾分类工作推进会召开。{filler}\n",
    }
    for name, text in docs.items():
        (d / name).write_text(text, encoding="utf-8")
    yield from new_alias(es, [d], "rank")


def test_whole_word_outranks_character_match(es, ranking_alias):
    hits = [h for h in run(es, ranking_alias, "区委", limit=10).hits if h.kind == "body"]
    assert [Path(h.source_path).name for h in hits][:2] == ["word.txt", "chars.txt"]


def test_title_outranks_body(es, ranking_alias):
    hits = run(es, ranking_alias, "垃圾分类 推进会", limit=10).hits
    assert Path(hits[0].source_path).name == "title.txt"
    names = [Path(h.source_path).name for h in hits]
    assert names.index("title.txt") < names.index("body.txt")


def test_explain_says_why(es, ranking_alias):
    hit = run(es, ranking_alias, "区委", limit=1, explain=True).hits[0]
    assert hit.explanation and hit.explanation["value"] == pytest.approx(hit.score, rel=1e-4)
    assert "区" in json.dumps(hit.explanation, ensure_ascii=False)


# -- highlighting -----------------------------------------------------------------
def test_highlights_are_clean_original_text(es, alias, chunks):
    result = run(es, alias, "党史学习教育 西工区", limit=20, fragment_size=60, fragments=3)
    assert result.hits
    for hit in result.hits:
        assert 1 <= len(hit.highlights) <= 3
        for fragment in hit.highlights:
            plain = unescape(EM.sub("", fragment))
            assert plain in hit.text  # nothing inserted, nothing lost
            for marked in re.findall(r"<em>(.*?)</em>", fragment, re.S):
                assert all(part in ("党史学习教育", "西工区") for part in _split_marks(marked))
            assert "<em><em>" not in fragment and "</em></em>" not in fragment


def _split_marks(marked: str) -> list[str]:
    # Adjacent matches merge into one mark: 党史学习教育西工区 is two needles.
    folded = "".join(fold(marked).split())
    for needle in ("党史学习教育", "西工区"):
        folded = folded.replace(needle, f"|{needle}|")
    return [p for p in folded.split("|") if p]


def test_whole_chunk_on_demand(es, alias):
    hit = run(es, alias, "洛八办", limit=1, whole_text=True).hits[0]
    assert unescape(EM.sub("", hit.highlights[0])) == hit.text
    assert hit.highlights[0].count("<em>洛八办</em>") == hit.text.count("洛八办") >= 1


def test_fragment_size_is_configurable(es, alias):
    hit = run(es, alias, "洛八办", limit=1, fragment_size=30, fragments=1).hits[0]
    assert len(hit.highlights) == 1 and len(unescape(EM.sub("", hit.highlights[0]))) <= 30


# -- facets and filters -----------------------------------------------------------
def test_facets_count_under_other_filters(es, alias):
    base = run(es, alias, "党史")
    filtered = run(es, alias, "党史", filters={"people": ["张再行"]})
    # Exactly the chunks of that person which hold 党史 in a searched field.
    holds = [{"match_phrase": {f"{field}_chars": "党 史"}} for field in ("title", "section", "text")]
    count = es.count(index=alias, query={"bool": {"filter": [
        {"term": {"people": "张再行"}}, {"bool": {"should": holds, "minimum_should_match": 1}}]}})["count"]
    assert 0 < filtered.total < base.total
    # The people facet ignores its own filter (multi-select) ...
    assert {v.value for v in filtered.facets["people"]} == {v.value for v in base.facets["people"]}
    assert next(v for v in filtered.facets["people"] if v.value == "张再行").selected
    # ... while the other facets count only what the filter leaves.
    kinds = {v.value: v.count for v in filtered.facets["kind"]}
    assert sum(kinds.values()) == filtered.total
    assert filtered.total == count


def test_multi_select_ors_values_of_one_facet(es, alias):
    a = run(es, alias, "", filters={"region": ["西工区"]}).total
    b = run(es, alias, "", filters={"region": ["老城区"]}).total
    both = run(es, alias, "", filters={"region": ["西工区", "老城区"]}).total
    assert a > 0 and b > 0 and both == a + b  # no chunk mentions both
    assert run(es, alias, "region:西工区 region:老城区").total == both


@pytest.mark.parametrize("query", ["党史学习教育座谈会", "推进会", "学习 实事", "群众办实事"])
def test_facets_of_several_units_count_the_chunks_with_every_word(es, alias, query):
    found = run(es, alias, query, facets=["kind", "report"])
    every_word = run(es, alias, query, strict=True, limit=1, facets=["kind", "report"])
    assert every_word.total > 0 and every_word.facets_over == "all"
    assert found.facets_over == "all_words" and found.total >= every_word.total
    # The counts are those of the every-word matches: kind splits them exactly.
    assert sum(v.count for v in found.facets["kind"]) == every_word.total
    assert found.to_dict()["facets"] == every_word.to_dict()["facets"]
    # Under a filter, each facet still counts under the others only.
    body = run(es, alias, query, filters={"kind": ["body"]}, facets=["kind", "report"])
    assert {v.value: v.count for v in body.facets["kind"]} == {v.value: v.count for v in found.facets["kind"]}
    assert sum(v.count for v in body.facets["report"]) == run(es, alias, query, strict=True,
                                                               filters={"kind": ["body"]}).total


def test_facets_count_every_match_when_no_chunk_has_every_word(es, alias):
    # 洛八办 and 台北市 are in different reports: no chunk has both.
    found = run(es, alias, "洛八办 台北市", facets=["kind"])
    assert run(es, alias, "洛八办 台北市", strict=True).total == 0 < found.total
    assert found.facets_over == "all"
    assert sum(v.count for v in found.facets["kind"]) == found.total
    # Grouped: the total is still the number of reports, the counts every match.
    grouped = run(es, alias, "洛八办 台北市", facets=["kind"], group_by_report=True, limit=100)
    assert grouped.facets == found.facets and grouped.facets_over == "all"
    assert grouped.total == len({h.report_id for h in run(es, alias, "洛八办 台北市", limit=1000).hits}) > 1


def test_report_and_section_facets_on_request(es, alias):
    found = run(es, alias, "党史", facets=["report", "section"])
    assert set(found.facets) == {"report", "section"} and found.facets["report"]
    assert sum(v.count for v in found.facets["report"]) == found.total  # one title per chunk


def test_filters_on_different_fields_and(es, alias):
    r = run(es, alias, "", filters={"region": ["西工区"], "kind": ["caption"]})
    assert r.total > 0 and all(h.kind == "caption" and "西工区" in h.region for h in r.hits)


def test_group_by_report_counts_matching_chunks(es, alias):
    grouped = run(es, alias, "党史学习教育", group_by_report=True, limit=20)
    flat = run(es, alias, "党史学习教育", limit=1000)
    assert len({h.report_id for h in grouped.hits}) == len(grouped.hits) == grouped.total
    for hit in grouped.hits:
        assert hit.report_matches == sum(1 for h in flat.hits if h.report_id == hit.report_id)
    assert sum(h.report_matches for h in grouped.hits) == flat.total


def test_pagination(es, alias):
    p1 = run(es, alias, "党史", limit=5, page=1)
    p2 = run(es, alias, "党史", limit=5, page=2)
    assert len(p1.hits) == len(p2.hits) == 5 and not ids(p1) & ids(p2)
    assert p1.hits[-1].score >= p2.hits[0].score


@pytest.mark.parametrize("value", ["2021", "2021-02", "2021-03", "2021-03-31"])
def test_mentioned_filter_covers_whole_periods(es, alias, chunks, value):
    expected = {i for i, c in chunks.items() if any(d.startswith(value) for d in c.get("dates") or [])}
    # The seeds mention March 2021 (002: 3月31日) but no February: both must work.
    assert bool(expected) == (value != "2021-02")
    assert ids(run(es, alias, f"mentioned:{value}", limit=1000)) == expected


def test_bad_date_filter_is_one_line(es, alias):
    with pytest.raises(QueryError, match="bad date '2021-13'"):
        run(es, alias, "date:2021-13")


def test_sort_by_date(es, alias):
    hits = run(es, alias, "党史", sort="date", limit=50).hits
    dates = [h.date for h in hits if h.date]
    assert dates and dates == sorted(dates, reverse=True)
    assert all(h.date is None for h in hits[len(dates):])


# -- query language ---------------------------------------------------------------
def test_or_not_phrase(es, alias, chunks):
    a, b = in_any_field(chunks, "洛八办"), in_any_field(chunks, "龙城嘉园")
    assert ids(run(es, alias, "洛八办 OR 龙城嘉园", limit=1000, strict=True)) == a | b
    without = ids(run(es, alias, "党史 -西工区", limit=1000))
    assert without == in_any_field(chunks, "党史") - in_any_field(chunks, "西工区")
    assert without and len(without) < len(in_any_field(chunks, "党史"))
    assert ids(run(es, alias, "党史 NOT 西工区", limit=1000)) == ids(run(es, alias, "党史 -西工区", limit=1000))
    assert ids(run(es, alias, '"学党史、悟思想"', limit=1000)) == in_any_field(chunks, "学党史、悟思想")


def test_all_words_first_by_default_every_word_in_strict_mode(es, alias, chunks):
    both = in_any_field(chunks, "洛八办") & in_any_field(chunks, "烈士陵园")
    assert both and ids(run(es, alias, "洛八办 烈士陵园", limit=1000, strict=True)) == both
    either = in_any_field(chunks, "洛八办") | in_any_field(chunks, "烈士陵园")
    assert ids(run(es, alias, "洛八办 烈士陵园", operator="or", limit=1000)) == either
    default = [h.id for h in run(es, alias, "洛八办 烈士陵园", limit=1000).hits]
    # Below the every-word matches come the fewer-word ones, down to a shared bigram (烈士).
    assert set(default[: len(both)]) == both and either <= set(default)
    assert set(default) <= in_any_field(chunks, "洛八") | in_any_field(chunks, "八办") | {
        i for g in ("烈士", "士陵", "陵园") for i in in_any_field(chunks, g)}


@pytest.mark.parametrize("query,message", [
    ('"党史', "unclosed quote"),
    ("-党史", "only excludes"),
    ("regoin:洛阳", "unknown field 'regoin'"),
    ("党史 OR", "'OR' needs a term on both sides"),
])
def test_malformed_queries_are_one_line(es, alias, query, message):
    with pytest.raises(QueryError) as err:
        run(es, alias, query)
    assert message in str(err.value) and "\n" not in str(err.value)
    result = CliRunner().invoke(cli, ["--es-url", es.transport.node_pool.get().base_url,
                                      "--index", alias, "search", query])
    assert result.exit_code == 1
    assert result.output.count("Error:") == 1 and message in result.output
    assert "Traceback" not in result.output


# -- interfaces -------------------------------------------------------------------
def _cli(es, alias, *args):
    return CliRunner().invoke(cli, ["--es-url", es.transport.node_pool.get().base_url,
                                    "--index", alias, *args])


def test_cli_json_shape(es, alias):
    result = _cli(es, alias, "search", "党史学习教育", "--filter", "people=张再行", "--json", "-n", "3")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert isinstance(data["total"], int) and data["total"] > 0
    assert len(data["hits"]) == 3
    for hit in data["hits"]:
        for key in ("id", "report_id", "title", "section", "kind", "text", "highlights", "score"):
            assert key in hit
        assert isinstance(hit["highlights"], list) and all(isinstance(f, str) for f in hit["highlights"])
        assert "张再行" in hit["people"]
    assert any("<em>" in f for h in data["hits"] for f in h["highlights"])
    assert set(data["facets"]) == {"region", "places", "date", "publication", "people", "kind"}
    assert data["facets_over"] == "all_words"  # a long unit: partial matches by its bigrams are not counted
    for values in data["facets"].values():
        assert all(set(v) >= {"value", "count"} and isinstance(v["count"], int) for v in values)


@pytest.mark.parametrize("asked, counted", [
    ("region,people", {"region", "people"}),
    ("kind", {"kind"}),
    (" date , report ,", {"date", "report"}),
    ("none", set()),
])
def test_cli_counts_only_the_facets_asked(es, alias, asked, counted):
    result = _cli(es, alias, "search", "党史", "--facets", asked, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["total"] > 0 and set(data["facets"]) == counted
    readable = _cli(es, alias, "search", "党史", "--facets", asked)
    assert readable.exit_code == 0, readable.output
    facet_lines = {line.split()[0] for line in readable.output.splitlines()
                   if line.strip() and line.split()[0] in facets.names()}
    assert facet_lines == {name for name in counted if data["facets"][name]}


def test_cli_unknown_facet_is_one_line(es, alias):
    result = _cli(es, alias, "search", "党史", "--facets", "region,colour")
    assert result.exit_code == 1 and result.output.count("Error:") == 1
    assert "colour" in result.output and "Traceback" not in result.output


def test_cli_readable_output_show_and_stats(es, alias, corpus):
    text = _cli(es, alias, "search", "洛八办", "-n", "1")
    assert text.exit_code == 0 and "洛八办" in text.output and "people" in text.output
    chunk_id = re.search(r"id ([0-9a-f]{20})", text.output).group(1)
    shown = _cli(es, alias, "show", chunk_id)
    assert shown.exit_code == 0 and "学史力行重实效" in shown.output and "洛八办" in shown.output
    missing = _cli(es, alias, "show", "0" * 20)
    assert missing.exit_code == 1 and missing.output.count("Error:") == 1
    stats = json.loads(_cli(es, alias, "stats", "--json").output)
    assert stats["alias"] == alias and stats["index"].startswith(alias)
    assert stats["files"] == len(list(corpus.iterdir())) and stats["chunks"] > 50 and stats["up_to_date"] is True
    assert stats["dictionary_version"] == stats["current_dictionary_version"]


def test_search_without_index_is_one_line(es):
    result = _cli(es, f"nothing-{uuid.uuid4().hex[:6]}", "search", "党史")
    assert result.exit_code == 1 and "run `rsearch index" in result.output


@pytest.fixture
def recording_proxy(es):
    """An HTTP proxy in front of the test node that records every request
    body it forwards: what the official client really sent."""
    import http.server
    import threading
    import urllib.error
    import urllib.request

    node = str(es.transport.node_pool.get().base_url).rstrip("/")
    sent = []

    class Forward(http.server.BaseHTTPRequestHandler):
        def _forward(self):
            data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            sent.append((self.command, self.path.split("?")[0], json.loads(data) if data else None))
            request = urllib.request.Request(node + self.path, data=data or None, method=self.command,
                                             headers={"Content-Type": self.headers.get("Content-Type", ""),
                                                      "Accept": self.headers.get("Accept", "")})
            try:
                answer = urllib.request.urlopen(request, timeout=30)
            except urllib.error.HTTPError as err:
                answer = err
            payload = answer.read()
            self.send_response(answer.status)
            for header in ("Content-Type", "X-Elastic-Product"):
                if answer.headers.get(header):
                    self.send_header(header, answer.headers[header])
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_HEAD = _forward

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Forward)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", sent
    finally:
        server.shutdown()


@pytest.mark.parametrize("query, filters, options, requests", [
    ("党史学习教育 西工区", {"people": ["张再行"]}, {}, 1),
    ('"为民办实事" -区委', None, {"group_by_report": True, "sort": "date"}, 1),
    ("region:老城区", None, {"strict": True}, 1),
    ("党史学习 中华民国", None, {}, 2),  # no chunk has every word: a second request counts the facets
])
def test_what_is_sent_is_the_searchs_to_dict(es, alias, recording_proxy, query, filters, options, requests):
    """The request on the wire is exactly ReportSearch's Search.to_dict() (and
    the facet request's, when one is needed), sent by the official client."""
    from elasticsearch import Elasticsearch

    from rsearch.search.analysed import analyse
    from rsearch.search.options import SearchOptions
    from rsearch.search.request import ReportSearch

    url, sent = recording_proxy
    through_proxy = search(query, filters=filters, client=Elasticsearch(url), index=alias, **options)
    request = ReportSearch(analyse(query, filters), SearchOptions(**options))
    expected = [request.build_search().to_dict(), request.build_facets_search().to_dict()][:requests]
    assert sent == [("POST", f"/{alias}/_search", body) for body in expected]
    # The proxy changes nothing: the same answer as straight to the node.
    direct = run(es, alias, query, filters=filters, **options)
    assert [(h.id, h.score) for h in direct.hits] == [(h.id, h.score) for h in through_proxy.hits]
    assert direct.total == through_proxy.total and direct.facets == through_proxy.facets

"""Region vs places, the report's date, and PDF/Word/HTML input, on a real node.

Corpus: tests/integration/conftest.py's (the seeds, the fmt_* files of
tests/reports/make_formats.py and a report in traditional script)."""

from __future__ import annotations

import shutil
import uuid
from collections import defaultdict
from pathlib import Path

import pytest

from rsearch.indexer.report_date import SOURCES, source_parts
from rsearch.indexer.sync import index_paths
from indexed import hit_ids as ids, search_in as run
from paths import READABLE_FORMATS, REPORTS

pytestmark = pytest.mark.es



def file_of(chunk) -> str:
    return Path(chunk["source_path"]).name


# -- every format is indexed ---------------------------------------------------------

def test_every_readable_format_is_indexed(chunks):
    files = {file_of(c) for c in chunks.values()}
    assert set(READABLE_FORMATS) <= files


def test_scanned_pdf_is_named_and_the_rest_indexed(es, tmp_path):
    shutil.copy(REPORTS / "fmt_scanned.pdf", tmp_path / "scan.pdf")
    shutil.copy(REPORTS / "fmt_notice.html", tmp_path / "notice.html")
    name = f"rsearch-test-scan-{uuid.uuid4().hex[:8]}"
    try:
        summary = index_paths(es, name, [tmp_path])
        assert [e["path"] for e in summary.errors] == [str(tmp_path / "scan.pdf")]
        assert "no text layer" in summary.errors[0]["error"]
        assert summary.indexed > 0
    finally:
        es.indices.delete(index=",".join(es.indices.get(index=f"{name}*")))


# -- region vs places ----------------------------------------------------------------

def test_region_facet_lists_only_where_reports_are_from(es, alias):
    r = run(es, alias, "党史学习教育")
    region = {f.value for f in r.facets["region"]}
    places = {f.value for f in r.facets["places"]}
    assert {"中原区", "西工区", "武陵区"} <= region  # 001 (老城区) does not say 党史学习教育
    assert not region & {"贵州省", "遵义市"}
    assert {"贵州省", "遵义市"} <= places


@pytest.mark.parametrize("short,full", [("洛阳", "洛阳市"), ("河南", "河南省"), ("大厂县", "大厂回族自治县"),
                                        ("瀍河区", "瀍河回族区"), ("中原", "中原区")])
def test_short_and_full_names_are_one_filter(es, alias, chunks, short, full):
    expected = {i for i, c in chunks.items() if full in c["region"]}
    assert expected
    assert ids(run(es, alias, f"region:{short}", limit=1000)) == expected
    assert ids(run(es, alias, f"region:{full}", limit=1000)) == expected
    facet = {f.value: f.selected for f in run(es, alias, f"region:{short}").facets["region"]}
    assert facet[full] is True


def test_a_city_filter_finds_its_districts_reports(es, alias, chunks):
    found = run(es, alias, "region:洛阳", limit=1000, group_by_report=True)
    files = {Path(h.source_path).name[:3] for h in found.hits}
    assert {"000", "001", "fmt"} <= files  # 西工区, 老城区, 瀍河回族区 (and 西工区's work report)
    assert {tuple(h.region[:2]) for h in found.hits} == {("河南省", "洛阳市")}


def test_street_names_are_no_place(es, alias, chunks):
    # 天津路社区, 广州市场, 北京街社区 in the PDF brief and the HTML notice.
    for city in ("天津市", "广州市", "北京市"):
        assert not any(city in c["places"] for c in chunks.values())
    assert run(es, alias, "places:天津").total == 0
    assert run(es, alias, "天津路").total > 0  # the words are still searchable


def test_places_filter_finds_mentions(es, alias, chunks):
    expected = {i for i, c in chunks.items() if "遵义市" in c["places"]}
    assert ids(run(es, alias, "places:遵义", limit=1000)) == expected
    assert run(es, alias, "region:遵义").total == 0


def test_traditional_filter_value(es, alias):
    assert run(es, alias, "region:洛陽").total == run(es, alias, "region:洛阳").total > 0


# -- the report's date ---------------------------------------------------------------

def test_every_report_has_one_date_on_every_chunk(chunks):
    by_report = defaultdict(set)
    for c in chunks.values():
        assert (c["date"] is None) == (c["date_source"] is None), file_of(c)
        assert c["date"] is None or source_parts(c["date_source"])[0] in SOURCES, file_of(c)
        by_report[c["report_id"]].add((c["date"], c["date_source"]))
    assert all(len(v) == 1 for v in by_report.values())
    # Only a report whose text names no date of its own, in a file whose
    # name names none, is undated (the file's modification time is no
    # report's date; seed 002's only date, 5月13日, has no year of its own,
    # nor has fmt_two_column.pdf's 3月9日).
    undated = {file_of(c) for c in chunks.values() if c["date"] is None}
    assert undated == {"000_a0a002071f58397a.txt", "002_482eecf055e9753a.txt", "traditional.txt",
                       "fmt_two_column.pdf"}


def test_dates_and_sources_of_the_format_files(chunks):
    got = {file_of(c): (c["date"], c["date_source"]) for c in chunks.values()}
    assert got["fmt_brief_header.pdf"] == ("2021-06-18", "dateline")  # year from the page header
    # 本报讯 3月9日 with no year of its own; the text only mentions 2021
    # (2021年是“十四五”开局之年): undated, not guessed.
    assert got["fmt_two_column.pdf"] == (None, None)
    assert got["fmt_work_report.docx"] == ("2021-06-30", "closing")
    assert got["fmt_work_report.pdf"] == ("2021-06-30", "closing")  # 二〇二一年六月三十日
    assert got["fmt_notice.html"] == ("2021-11-08", "closing")
    assert got["fmt_feature.docx"] == ("2021-06-25", "metadata")
    assert got["fmt_traditional.html"] == ("2021-09-14", "metadata")


@pytest.mark.parametrize("value", ["2021", "2021-03", "2021-06", "2021-03-15", "2019"])
def test_date_filter_uses_the_reports_date(es, alias, chunks, value):
    expected = {i for i, c in chunks.items() if (c["date"] or "").startswith(value)}
    assert ids(run(es, alias, f"date:{value}", limit=1000)) == expected
    if value == "2019":
        # 003's third brief mentions 2019年5月, but it is dated 2021.
        assert not expected and run(es, alias, "mentioned:2019").total > 0


def test_date_histogram_facet(es, alias, chunks):
    facet = {f.value: f.count for f in run(es, alias).facets["date"]}
    counts = defaultdict(int)
    for c in chunks.values():
        if c["date"]:
            counts[c["date"][:7] if len(c["date"]) >= 7 else c["date"] + "-01"] += 1
    assert facet == dict(counts)
    assert list(facet) == sorted(facet, reverse=True)
    selected = [f.value for f in run(es, alias, "date:2021-03").facets["date"] if f.selected]
    assert selected == ["2021-03"]


def test_sort_by_the_reports_date(es, alias):
    hits = run(es, alias, "党史", sort="date", limit=100).hits
    dated = [h.date for h in hits if h.date]
    # A year or a month is its first day (2021 is 2021-01-01), as Elasticsearch reads it.
    assert dated == sorted(dated, key=lambda d: d + "-01-01"[len(d) - 4:], reverse=True)
    assert [h.date for h in hits] == dated + [None] * (len(hits) - len(dated))  # undated last
    assert all(bool(h.date_source) == bool(h.date) for h in hits)

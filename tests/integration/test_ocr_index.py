"""Scans indexed on a real node: a scanned PDF and a page photo are found
by search and marked as OCR in the results, the facet, the API and the page;
re-indexing reads and writes nothing; without the OCR extra they are named
with the install hint and the rest is indexed."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from rsearch.core.settings import Settings
from rsearch.indexer.formats import ocr
from rsearch.indexer.sync import index_paths
from rsearch.search import search
from rsearch.service import create_app
from indexed import new_alias
from paths import REPO, REPORTS

pytestmark = [pytest.mark.es,
              pytest.mark.skipif(not ocr.available(), reason='the OCR extra is not installed: pip install ".[ocr]"')]

SCANS = REPORTS / "scans"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    d = tmp_path_factory.mktemp("scans")
    shutil.copy(SCANS / "two_column_scan.pdf", d / "farming.pdf")
    shutil.copy(SCANS / "notice_photo.jpg", d / "notice.jpg")
    shutil.copy(REPO / "seeds" / sorted(os.listdir(REPO / "seeds"))[0], d / "seed.txt")
    return d


@pytest.fixture(scope="module")
def alias(es, corpus):
    yield from new_alias(es, [corpus], "ocr")


def test_scans_are_searchable_and_marked_as_ocr(es, alias):
    result = search("智慧农机", client=es, index=alias, strict=True)
    assert result.hits and all(h.source_kind == "ocr" and 0.9 < h.ocr_confidence <= 1 for h in result.hits)
    assert {h.source_path.rsplit("/", 1)[-1] for h in result.hits} == {"farming.pdf"}
    # the seed's chunks that match a part of the query are text
    loose = search("智慧农机", client=es, index=alias, limit=50)
    assert {h.source_kind for h in loose.hits if h.source_path.endswith("seed.txt")} <= {"text"}
    photo = search("城乡居民医疗保险", client=es, index=alias)
    assert photo.hits[0].source_kind == "ocr" and photo.hits[0].title == "关于开展城乡居民医疗保险集中缴费的通知"


def test_source_facet_and_filter(es, alias):
    everything = search("", client=es, index=alias, facets=["source"], limit=100)
    counts = {v.value: v.count for v in everything.facets["source"]}
    assert set(counts) == {"ocr", "text"} and sum(counts.values()) == everything.total
    only = search("", client=es, index=alias, filters={"source": ["ocr"]}, limit=100)
    assert only.total == counts["ocr"] and {h.source_kind for h in only.hits} == {"ocr"}
    assert {h.source_path.rsplit("/", 1)[-1] for h in only.hits} == {"farming.pdf", "notice.jpg"}


def test_api_and_page_show_ocr(es_url, alias):
    with TestClient(create_app(Settings(url=es_url, index=alias))) as client:
        body = client.get("/search", params={"q": "智慧农机", "strict": "true"}).json()
        assert body["hits"][0]["source_kind"] == "ocr" and body["hits"][0]["ocr_confidence"] > 0.9
        text = client.get("/search", params={"q": "陈国栋", "strict": "true"}).json()
        assert text["facets"]["source"] == [{"value": "ocr", "count": text["total"], "selected": False}]
        page = client.get("/", params={"q": "智慧农机"}).text
        assert re.search(r'<span class="ocr"[^>]*>OCR 1?\d\d?%</span>', page)
        reader = client.get(f"/read/{body['hits'][0]['report_id']}").text
        assert 'class="ocr-mark"' in reader


def test_reindex_reads_and_writes_nothing(es, alias, corpus):
    again = index_paths(es, alias, [corpus])
    assert again.ok and again.indexed == 0 and again.deleted == 0
    assert again.ocr_pages == 0 and again.ocr_cached == 2


_BLOCKED_CLI = """
import sys
sys.modules["rapidocr"] = None  # the OCR extra is missing
from rsearch.cli import main
sys.argv = ["rsearch", *sys.argv[1:]]
main()
"""


def test_without_the_extra_scans_are_named_and_the_rest_indexed(es, es_url, corpus, tmp_path):
    name = f"rsearch-test-noocr-{os.getpid()}"
    env = {**os.environ, "RSEARCH_CACHE_DIR": str(tmp_path / "cache"), "RSEARCH_ES_URL": es_url,
           "RSEARCH_INDEX": name}
    try:
        out = subprocess.run([sys.executable, "-c", _BLOCKED_CLI, "index", str(corpus)],
                             capture_output=True, text=True, timeout=300, env=env)
        assert out.returncode == 1
        errors = [ln for ln in out.stderr.splitlines() if ln.startswith("Error:")]
        assert len(errors) == 2 and all('pip install "rsearch[ocr]"' in e for e in errors), out.stderr
        assert "Traceback" not in out.stderr
        summary = subprocess.run([sys.executable, "-c", _BLOCKED_CLI, "index", "--json", str(corpus)],
                                 capture_output=True, text=True, timeout=300, env=env)
        data = json.loads(summary.stdout)
        assert data["chunks"] > 0 and data["ocr_pages"] == 0 and len(data["errors"]) == 2
    finally:
        made = es.indices.get(index=f"{name}*")
        if made:
            es.indices.delete(index=",".join(made))

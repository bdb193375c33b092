"""Indexing against a real node: incremental, lossless, atomic rebuilds."""

from __future__ import annotations

import json
import shutil
import threading
import time
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from rsearch.indexer import index_admin
from rsearch.indexer.sync import index_paths
from rsearch.cli import cli
from rsearch.localnode.temporary import temporary_node
from rsearch.core.settings import Settings
from paths import SEED_FILES as SEEDS


@pytest.fixture
def corpus(tmp_path) -> Path:
    d = tmp_path / "reports"
    d.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, d / seed.name)
    return d


def all_ids(es, alias) -> set[str]:
    es.indices.refresh(index=alias)
    resp = es.search(index=alias, query={"match_all": {}}, size=10000, source=False)
    return {h["_id"] for h in resp["hits"]["hits"]}


def index_total(es, alias) -> int:
    """Documents Elasticsearch says it has written (index operations) so far."""
    stats = es.indices.stats(index=alias, metric="indexing")
    return sum(i["primaries"]["indexing"]["index_total"] for i in stats["indices"].values())


def test_index_then_reindex_writes_nothing(es, index_name, corpus):
    first = index_paths(es, index_name, [corpus])
    assert first.ok, first.errors
    assert first.files == 5 and first.chunks > 50 and first.indexed == first.chunks
    assert first.unchanged == 0 and first.deleted == 0
    assert len(all_ids(es, index_name)) == first.chunks

    written = index_total(es, index_name)
    second = index_paths(es, index_name, [corpus])
    assert second.ok
    assert (second.indexed, second.deleted, second.unchanged) == (0, 0, first.chunks)
    assert index_total(es, index_name) == written  # Elasticsearch saw no write at all


def test_changed_file_replaces_exactly_its_chunks(es, index_name, corpus):
    index_paths(es, index_name, [corpus])
    before = all_ids(es, index_name)
    target = corpus / SEEDS[2].name
    text = target.read_text(encoding="utf-8")
    # Change one paragraph of 002 and drop another.
    assert "区档案馆整合本地红色故事20个" in text and "与此同时，还充分利用红色资源" in text
    text = text.replace("区档案馆整合本地红色故事20个", "区档案馆整合本地红色故事30个")
    text = text.replace("与此同时，还充分利用红色资源，传承“红色基因”，最大限度发挥红色资源作用。", "")
    target.write_text(text, encoding="utf-8")

    res = index_paths(es, index_name, [corpus])
    assert res.ok and res.indexed >= 1 and res.deleted >= 1
    after = all_ids(es, index_name)
    assert len(after) == res.chunks
    assert len(before - after) == res.deleted and len(after - before) == res.indexed
    # Only 002's chunks changed.
    changed = before ^ after
    docs = es.mget(index=index_name, ids=list(after - before))["docs"]
    assert {d["_source"]["source_path"] for d in docs} == {str(target.resolve())}
    assert changed and res.unchanged == len(before & after)

    # The new text is searchable, the old one gone.
    hit = es.search(index=index_name, query={"match_phrase": {"text_chars": "红色故事30个"}})
    assert hit["hits"]["total"]["value"] == 1
    miss = es.search(index=index_name, query={"match_phrase": {"text_chars": "红色故事20个"}})
    assert miss["hits"]["total"]["value"] == 0


def test_gone_file_is_pruned_unless_asked_not_to(es, index_name, corpus):
    index_paths(es, index_name, [corpus])
    gone = corpus / SEEDS[0].name
    key = str(gone.resolve())
    n_before = es.count(index=index_name, query={"term": {"source_path": key}})["count"]
    assert n_before > 0
    gone.unlink()

    kept = index_paths(es, index_name, [corpus], prune=False)
    assert kept.deleted == 0
    assert es.count(index=index_name, query={"term": {"source_path": key}})["count"] == n_before

    pruned = index_paths(es, index_name, [corpus])
    assert pruned.deleted == n_before
    es.indices.refresh(index=index_name)
    assert es.count(index=index_name, query={"term": {"source_path": key}})["count"] == 0


def test_bad_files_are_named_and_the_rest_lands(es, settings, corpus):
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 40)
    result = CliRunner().invoke(cli, ["--es-url", settings.url, "--index", settings.index,
                                      "index", str(corpus), "--json"])
    assert result.exit_code == 1
    summary = json.loads(result.output)
    for key in ("files", "reports", "chunks", "indexed", "unchanged", "deleted", "failed"):
        assert isinstance(summary[key], int), key
    assert summary["files"] == 7 and summary["failed"] == 0
    named = {Path(e["path"]).name for e in summary["errors"]}
    assert named == {"empty.txt", "binary.txt"}
    assert all("\n" not in e["error"] for e in summary["errors"])
    assert summary["indexed"] == summary["chunks"] > 50

    text = CliRunner().invoke(cli, ["--es-url", settings.url, "--index", settings.index,
                                    "index", str(corpus)])
    assert text.exit_code == 1
    assert sum(1 for l in text.output.splitlines() if l.startswith("Error:")) == 2
    assert "Traceback" not in text.output


def test_missing_path_is_reported(es, index_name, corpus):
    res = index_paths(es, index_name, [corpus, corpus / "nope"])
    assert not res.ok and res.errors == [{"path": str(corpus / "nope"), "error": "no such file or directory"}]
    assert res.indexed == res.chunks > 0


def test_bulk_rejections_are_reported_not_dropped(es, index_name, corpus):
    index_paths(es, index_name, [corpus / SEEDS[0].name])
    physical = index_admin.current(es, index_name).physical
    es.indices.put_settings(index=physical, settings={"index.blocks.write": True})
    try:
        res = index_paths(es, index_name, [corpus], bulk_options={"attempts": 2, "backoff": 0.1})
    finally:
        es.indices.put_settings(index=physical, settings={"index.blocks.write": False})
    # A write block refuses every write: no retries, the run stops at once
    # with one line naming the block and how to lift it (indexer.write_health).
    assert not res.ok
    assert res.failed > 0 and res.indexed == 0
    assert len(res.errors) == 1, res.errors
    assert res.errors[0]["error"].startswith("writing stopped after ")
    assert f"index {physical} refuses writes" in res.errors[0]["error"] and "index.blocks.write" in res.errors[0]["error"]


def test_rebuild_swaps_alias_atomically_while_searches_answer(es, index_name, corpus):
    index_paths(es, index_name, [corpus])
    old = index_admin.current(es, index_name).physical
    expected = es.count(index=index_name)["count"]
    seen, errors, stop = [], [], threading.Event()

    def keep_searching():
        while not stop.is_set():
            try:
                seen.append(es.count(index=index_name)["count"])
            except Exception as exc:  # any failure during the swap is a defect
                errors.append(exc)

    t = threading.Thread(target=keep_searching)
    t.start()
    try:
        res = index_paths(es, index_name, [corpus], rebuild=True)
    finally:
        stop.set()
        t.join()
    assert res.ok and res.indexed == expected
    new = index_admin.current(es, index_name).physical
    assert new != old and not es.indices.exists(index=old)
    assert not errors and len(seen) > 3 and set(seen) == {expected}
    # The rebuilt index went live merged: one segment, and the merge was timed.
    shards = es.indices.segments(index=new)["indices"][new]["shards"]
    assert [len(copy["segments"]) for copies in shards.values() for copy in copies] == [1]
    assert res.merge_seconds is not None and res.merge_seconds >= 0
    # An ordinary run merges nothing.
    assert index_paths(es, index_name, [corpus]).merge_seconds is None


def test_outdated_dictionary_asks_for_rebuild(es, settings, corpus, tmp_path, monkeypatch):
    index_name = settings.index
    index_paths(es, index_name, [corpus])
    extra = tmp_path / "words.txt"
    extra.write_text("红色资源作用 10\n", encoding="utf-8")
    monkeypatch.setenv("RSEARCH_USER_DICT", str(extra))
    from rsearch.core import analysis
    analysis.reset()
    try:
        result = CliRunner().invoke(cli, ["--es-url", settings.url, "--index", index_name,
                                          "index", str(corpus)])
        assert result.exit_code == 1
        assert "--rebuild" in result.output and result.output.count("Error:") == 1
        rebuilt = index_paths(es, index_name, [corpus], rebuild=True)
        assert rebuilt.ok
        assert index_paths(es, index_name, [corpus]).indexed == 0
    finally:
        monkeypatch.delenv("RSEARCH_USER_DICT")
        analysis.reset()


@pytest.mark.es  # starts and kills a node of its own
def test_stopping_the_node_mid_run_then_rerunning_equals_a_clean_run(tmp_path):
    """A real node is stopped while indexing; the re-run completes the index."""
    big = tmp_path / "many"
    big.mkdir()
    for i in range(60):
        for seed in SEEDS:
            shutil.copy(seed, big / f"{i:03d}_{seed.name}")
    with temporary_node(heap="512m", prefix="rsearch-test-stop-") as running:
        node, url = running.node, running.url
        es = Settings(url=url).client()
        result = {}

        def run():
            result["first"] = index_paths(es, "cut", [big],
                                          bulk_options={"chunk_size": 50, "attempts": 2, "backoff": 0.2})

        t = threading.Thread(target=run)
        t.start()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if es.count(index="cut")["count"] > 50:
                    break
            except Exception:
                pass
            time.sleep(0.05)
        port = int(url.rsplit(":", 1)[1])
        node.stop()
        t.join()
        first = result["first"]
        assert not first.ok and first.failed > 0  # the exit code would say so

        es = Settings(url=node.start(port=port).url).client()
        second = index_paths(es, "cut", [big])
        assert second.ok and second.indexed + second.unchanged == second.chunks
        # Some of the failed ones may have landed before the connection broke.
        assert 0 < second.indexed <= first.failed and second.unchanged >= first.indexed
        clean = index_paths(es, "clean", [big])
        assert clean.ok
        assert all_ids(es, "cut") == all_ids(es, "clean")
        assert es.count(index="cut")["count"] == es.count(index="clean")["count"] == clean.chunks


def test_merge_for_search_leaves_one_segment_and_no_recovery_source(es, index_name):
    """Several segments in; one out. No whole-document copies for replica
    recovery at any point (the mapping excludes nothing from _source, so
    there is nothing to wait for before the merge), and the build's
    settings (no refreshes, async translog) gone before the index goes live."""
    from rsearch.core import analysis
    from rsearch.indexer import merge

    physical = index_admin.create_physical(es, index_name, analysis.dictionary_version())
    es.indices.put_settings(index=physical, settings=merge.settings_while_building())
    setting = lambda: es.indices.get_settings(index=physical, flat_settings=True)[physical]["settings"]
    assert setting()["index.refresh_interval"] == "-1"
    assert setting()["index.translog.durability"] == "async"

    def recovery_source_bytes():
        usage = es.perform_request("POST", f"/{physical}/_disk_usage", params={"run_expensive_tasks": "true"},
                                   headers={"accept": "application/json"}).body[physical]["fields"]
        assert usage["_source"]["total_in_bytes"] > 0
        return usage.get("_recovery_source", {}).get("total_in_bytes", 0)

    try:
        for batch in range(3):
            for i in range(20):
                text = f"第{batch}批第{i}条 党史学习教育 {uuid.uuid4().hex}"
                es.index(index=physical, id=f"{batch}-{i}", document={"text": text, "kind": "body"})
            es.indices.refresh(index=physical)
        segments = lambda: [len(c["segments"]) for copies in
                            es.indices.segments(index=physical)["indices"][physical]["shards"].values()
                            for c in copies]
        assert segments()[0] >= 2  # one per refresh
        assert recovery_source_bytes() == 0
        assert merge.merge_for_search(es, physical) >= 0
        assert segments() == [1]
        assert "index.refresh_interval" not in setting() and "index.translog.durability" not in setting()
        assert recovery_source_bytes() == 0
        assert es.count(index=physical)["count"] == 60
    finally:
        es.options(ignore_status=404).indices.delete(index=physical)


def test_the_index_makes_chars_and_bigrams_of_the_text_and_its_folded_copy(es, index_name):
    """What Elasticsearch makes of a document (copy_to, standard analyzer,
    char_pairs): a Chinese character a token, a word of letters or digits a
    token, lower case; neighbouring tokens paired; a traditional text found
    through its folded copy, which searches never return."""
    from rsearch.core import analysis
    from rsearch.core.schema import SOURCE_EXCLUDES
    from rsearch.indexer.chunking import Chunk
    from rsearch.indexer.documents import to_document

    physical = index_admin.create_physical(es, index_name, analysis.dictionary_version())
    made = lambda analyzer, text: [t["token"] for t in es.indices.analyze(
        index=physical, analyzer=analyzer, text=text)["tokens"]]
    assert made("standard", "党史，COVID-19\n疫情 1.5万") == ["党", "史", "covid", "19", "疫", "情", "1.5", "万"]
    assert made("char_pairs", "使用Python检索") == ["使用", "用python", "python检", "检索"]
    assert made("char_pairs", "𠮷野家") == ["𠮷野", "野家"]  # outside the BMP too

    def doc(text):
        return to_document(Chunk(
            id=text, report_id="r", report_title=None, report_subtitle=None, section_title=None, section_index=0,
            chunk_index=0, kind="body", text=text, publication=None, people=[], reporters=[], correspondents=[],
            photographers=[], editors=[], region=[], places=[], date=None, date_source=None, dates=[],
            source_path="t.txt", content_hash="h", report_no=1))

    simplified, traditional = doc("西工区推动党史学习教育"), doc("臺南市推動黨史學習教育")
    assert "text_folded" not in simplified
    assert traditional["text_folded"] == "台南市推动党史学习教育"
    try:
        for d in (simplified, traditional):
            es.index(index=physical, id=d["text"], document=d)
        es.indices.refresh(index=physical)
        found = lambda field, text: sorted(h["_id"] for h in es.search(index=physical, query={
            "match_phrase": {field: {"query": text, "analyzer": "standard"}}})["hits"]["hits"])
        assert found("text_chars", "推动党史") == sorted([simplified["text"], traditional["text"]])
        assert found("text_chars", "台南") == [traditional["text"]]
        assert found("text_chars", "臺南") == [traditional["text"]]  # the original is indexed too
        hits = es.search(index=physical, query={"match": {"text_bigrams": "台南"}},
                         source_excludes=SOURCE_EXCLUDES)["hits"]["hits"]
        assert [h["_id"] for h in hits] == [traditional["text"]]
        assert "text_folded" not in hits[0]["_source"]
    finally:
        es.indices.delete(index=physical)

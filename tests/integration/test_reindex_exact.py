"""Re-indexing after an edit leaves exactly what a clean index of the edited
file holds: every field of every chunk, the report-level ones (title,
people, places, date, ...) included, not just the same ids.

Before chunk ids covered every field, an edit that added a place kept the
old ``places`` on the chunks whose text did not change: ``places:遵义市``
found 1 chunk where a clean index found 14 (issue 20).
"""

from __future__ import annotations

import shutil
import uuid

import pytest

from indexed import all_chunks
from paths import REPORTS, SEED_FILES
from rsearch.indexer.sync import index_paths

BRIEF = (REPORTS / "01_brief_dateline.txt").read_text(encoding="utf-8")

# (name, original text, edit): each edit changes one thing.
EDITS = [
    ("title", BRIEF, lambda t: t.replace("市卫健委启动“健康进社区”义诊活动", "市卫健委启动“健康进乡村”义诊活动", 1)),
    ("byline", BRIEF, lambda t: t.replace("记者 王建军 通讯员 赵丽", "记者 李明 通讯员 赵丽", 1)),
    ("place", BRIEF, lambda t: t + "\n贵州省遵义市的干部群众也参加了活动。\n"),
    ("date", BRIEF, lambda t: t.replace("5月8日", "9月18日", 1)),
    ("paragraph", BRIEF, lambda t: t.replace("真是太方便了。", "真是太方便了，以后还要常来。", 1)),
]


def _clean_copy(es, path, source_dir) -> dict[str, dict]:
    """The chunks of a clean index of ``path`` (same name, so the same ids)."""
    alias = f"rsearch-test-clean-{uuid.uuid4().hex[:8]}"
    try:
        summary = index_paths(es, alias, [source_dir])
        assert summary.ok, summary.errors
        return all_chunks(es, alias)
    finally:
        found = es.indices.get(index=f"{alias}*")
        if found:
            es.indices.delete(index=",".join(found))


def _assert_same(after_edit: dict[str, dict], clean: dict[str, dict]) -> None:
    assert set(after_edit) == set(clean), "the ids differ from a clean index"
    for chunk_id, source in clean.items():
        differing = sorted(k for k in set(source) | set(after_edit[chunk_id])
                           if source.get(k) != after_edit[chunk_id].get(k))
        assert not differing, f"chunk {chunk_id}: {differing} differ from a clean index"


@pytest.mark.parametrize("name, original, edit", EDITS, ids=[e[0] for e in EDITS])
def test_an_edit_leaves_what_a_clean_index_holds(es, index_name, tmp_path, name, original, edit):
    folder = tmp_path / "reports"
    folder.mkdir()
    report = folder / "report.txt"
    report.write_text(original, encoding="utf-8")
    assert index_paths(es, index_name, [folder]).ok
    before = all_chunks(es, index_name)

    edited = edit(original)
    assert edited != original
    report.write_text(edited, encoding="utf-8")
    summary = index_paths(es, index_name, [folder])
    assert summary.ok, summary.errors
    after = all_chunks(es, index_name)
    assert after != before
    _assert_same(after, _clean_copy(es, report, folder))


def test_a_place_appended_to_a_seed_reaches_every_chunk(es, index_name, tmp_path):
    """The issue's own case: a seed with a sentence about 遵义市 appended."""
    folder = tmp_path / "seed"
    folder.mkdir()
    seed = folder / SEED_FILES[0].name
    shutil.copy(SEED_FILES[0], seed)
    assert index_paths(es, index_name, [folder]).ok
    with open(seed, "a", encoding="utf-8") as fh:
        fh.write("\n贵州省遵义市的干部群众也参加了活动。\n")
    assert index_paths(es, index_name, [folder]).ok
    es.indices.refresh(index=index_name)
    after = all_chunks(es, index_name)
    clean = _clean_copy(es, seed, folder)
    with_place = [c for c in after.values() if "遵义市" in c["places"]]
    assert len(with_place) == len([c for c in clean.values() if "遵义市" in c["places"]]) > 1
    _assert_same(after, clean)

"""The structure benchmark (bench/bench_structure.py): its scoring, on a tiny
corpus written here, and its figures on the real documents of
../shared/realworld, which must not drop more than 1 point below the
committed baseline (bench/structure_baseline.json)."""

from __future__ import annotations

import json
import sys

import pytest

from paths import REPO

sys.path.insert(0, str(REPO / "bench"))
import bench_structure  # noqa: E402

TOLERANCE = 1.0  # points


def _corpus(tmp_path, files: dict[str, str], rows: list[dict]):
    for name, text in files.items():
        path = tmp_path / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (tmp_path / "labels.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return tmp_path


ARTICLE = "# 河畔新栽一片林\n\n记者 王小明\n\n3月12日，志愿者在河畔种下一片新树。\n"
PAGE = (
    "# 河畔新栽一片林\n\n记者 王小明\n\n3月12日，志愿者在河畔种下一片新树。\n\n"
    "# 老街巷口换新颜\n\n记者 李大山\n\n3月13日，老街的巷口铺上了新石板。\n"
)


def test_scoring_on_a_corpus_written_here(tmp_path):
    corpus = _corpus(
        tmp_path,
        {"a/one.txt": ARTICLE, "a/two.txt": ARTICLE, "p/page.txt": PAGE},
        [
            {"file": "docs/a/one.txt", "kind": "article", "script": "simplified",
             "reports": [{"title": "河畔新栽 一片林", "people": ["王小明"], "date": "2024-03-12"}]},
            # A wrong title, a person who is not credited, a wrong date:
            {"file": "docs/a/two.txt", "kind": "article", "script": "simplified",
             "reports": [{"title": "另一个标题", "people": ["张三"], "date": "2024-03-13",
                          "sections": ["一、没有这一节"]}]},
            {"file": "docs/p/page.txt", "kind": "page", "script": "simplified",
             "reports": [{"title": "河畔新栽一片林", "author_raw": "王小明"},
                         {"title": "老街巷口换新颜", "author_raw": "本报记者  张三"}]},
        ],
    )
    groups, misses = bench_structure.evaluate(corpus)
    figures = bench_structure.figures(groups)
    a, p = figures["a (article)"], figures["p (page)"]
    assert a["titles"] == 50.0  # whitespace in a label does not count
    assert a["people_recall"] == 50.0 and a["people_precision"] == 50.0
    assert a["sections"] == 0.0
    assert p["pages_exact"] == 100.0 and p["titles"] == 100.0
    assert p["people_precision"] == 50.0  # 李大山 is not in its author_raw
    assert {m[0] for m in misses} >= {"title", "people", "section", "date"}
    assert "**overall**" in bench_structure.table(groups)


def test_an_author_label_naming_the_site_itself_is_not_judged(tmp_path):
    brief = "# 河畔新栽一片林\n\n本报讯（记者 王小明）3月12日，志愿者在河畔种下一片新树。\n"
    corpus = _corpus(
        tmp_path, {"w/site.txt": brief, "w/person.txt": brief},
        [{"file": "docs/w/site.txt", "kind": "web_page", "script": "simplified",
          "reports": [{"title": "河畔新栽一片林", "author_raw": "某某网", "source_raw": "某某网"}]},
         {"file": "docs/w/person.txt", "kind": "web_page", "script": "simplified",
          "reports": [{"title": "河畔新栽一片林", "author_raw": "李大山", "source_raw": "某某网"}]}],
    )
    groups, _ = bench_structure.evaluate(corpus)
    # Only the second file is judged: 王小明 is not its 李大山.
    tally = groups["w (web_page)"]
    assert (tally.hit["people_precision"], tally.total["people_precision"]) == (0, 1)


def test_page_articles_are_matched_in_order():
    class R:
        def __init__(self, title):
            self.title = title

    labels = [{"title": "甲"}, {"title": "乙"}, {"title": "丙"}]
    reports = [R("甲"), R("丁"), R("丙")]
    matched = bench_structure._match_page(labels, reports)
    assert [m.title if m else None for m in matched] == ["甲", "丁", "丙"]  # same count: by position
    matched = bench_structure._match_page(labels, [R("丙"), R("甲")])
    assert [m.title if m else None for m in matched] == ["甲", None, None]  # order matters


@pytest.mark.skipif(not (bench_structure.DEFAULT_CORPUS / "labels.jsonl").is_file(),
                    reason="../shared/realworld (the labelled real documents) is not beside the repository")
def test_figures_on_real_documents_hold_the_baseline():
    baseline = json.loads(bench_structure.BASELINE.read_text(encoding="utf-8"))["figures"]
    groups, _ = bench_structure.evaluate(bench_structure.DEFAULT_CORPUS)
    now = bench_structure.figures(groups)
    dropped = [
        f"{group} {metric}: {now.get(group, {}).get(metric)} < baseline {value}"
        for group, metrics in baseline.items()
        for metric, value in metrics.items()
        if now.get(group, {}).get(metric) is None or now[group][metric] < value - TOLERANCE
    ]
    assert not dropped, "structure figures dropped:\n" + "\n".join(dropped) + "\n" + bench_structure.table(groups)

"""``rsearch parse``: what the parser makes of files, without Elasticsearch
(the same call bench/bench_structure.py scores)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from paths import REPORTS
from rsearch.cli import cli

PAGE = (
    "河畔新栽一片林\n\n本报记者  林  晓《晨光日报》（2024年03月05日第 04 版）\n\n"
    "3月4日，志愿者在河畔种下一片新树，为城市添了一抹新绿。\n\n"
    "老街巷口换新颜\n\n宋知远《晨光日报》（2024年03月05日第 04 版）\n\n"
    "老街的巷口铺上了新石板，居民出行更方便了。\n"
)


def test_text_output_names_every_part(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(PAGE, encoding="utf-8")
    out = CliRunner().invoke(cli, ["parse", str(path)])
    assert out.exit_code == 0, out.output
    assert out.output.count("  report ") == 2
    assert "title:       河畔新栽一片林" in out.output and "title:       老街巷口换新颜" in out.output
    assert "林晓 (reporter)" in out.output and "宋知远 (author)" in out.output
    assert "2024-03-05 (byline)" in out.output
    assert "chunks:      title 1, byline 1, body 1" in out.output


def test_json_output_one_object_per_file(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(PAGE, encoding="utf-8")
    out = CliRunner().invoke(cli, ["parse", "--json", str(path), str(REPORTS / "03_work_report.txt")])
    assert out.exit_code == 0, out.output
    first, second = (json.loads(line) for line in out.output.splitlines())
    assert [r["title"] for r in first["reports"]] == ["河畔新栽一片林", "老街巷口换新颜"]
    assert first["reports"][0]["people"] == [{"name": "林晓", "role": "reporter"}]
    assert first["reports"][0]["date"] == "2024-03-05" and first["reports"][0]["date_source"] == "byline"
    assert second["reports"][0]["title"] == "关于2021年上半年法治政府建设工作情况的报告"
    assert [s["title"] for s in second["reports"][0]["sections"]][1] == "一、主要工作开展情况"
    assert set(second["reports"][0]) >= {"kicker", "subtitle", "region", "sections", "chunks", "bylines"}


def test_an_unreadable_file_is_one_error_line_and_exit_1(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(PAGE, encoding="utf-8")
    out = CliRunner().invoke(cli, ["parse", str(tmp_path / "missing.txt"), str(good)])
    assert out.exit_code == 1
    assert out.stderr.strip().startswith("Error: ") and "missing.txt" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert "河畔新栽一片林" in out.stdout  # the other file is still shown


def test_a_document_without_a_title_says_null(tmp_path):
    path = tmp_path / "notitle.txt"
    path.write_text("今年春天，河畔的志愿者种下了一片新树。\n\n树苗长势良好，居民们常来散步。\n", encoding="utf-8")
    out = CliRunner().invoke(cli, ["parse", "--json", str(path)])
    assert json.loads(out.output)["reports"][0]["title"] is None
    out = CliRunner().invoke(cli, ["parse", str(path)])
    assert "title:       null" in out.output

"""Bylines on a real node: every byline person of the seeds and of the test
report files is a person of the index (and nobody else is), names are found
by plain search with the byline shown, and a report about a person ranks
above a report merely by them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from rsearch.cli import cli
from rsearch.search import search
from unit.test_report_files import FILES
from indexed import new_alias
from paths import REPO

pytestmark = pytest.mark.es


# Read off the seeds' byline lines by hand (see test_bylines.SEED_BYLINE_LINES).
SEED_PEOPLE = {"赵普", "葛超", "张超飞", "刘璐", "张再行", "张改华", "吕杨子", "潘铁楠", "王维", "张磊", "赵欢",
               "孙志刚", "李怀慈"}
FILE_PEOPLE = {name for rows in FILES.values() for row in rows for name, _ in row.people}

# A report about 张磊 (a different 张磊 than seed 003's correspondent: search
# cannot tell them apart, ranking must put this one first).
ABOUT = (
    "社区里的“小巷管家”\n\n"
    "本报记者 马晓丽\n\n"
    "早上七点，建设路街道的网格员已经开始了一天的巡查。三年来，他走遍了辖区的每一条小巷，"
    "记下了每一户困难家庭的需求。居民们遇到烦心事，第一个想到的就是社区网格员张磊。"
    "他说，小巷虽小，连着的是千家万户，群众的事再小也是大事。\n"
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("byline-corpus")
    for path in sorted((REPO / "seeds").glob("*.txt")) + sorted((REPO / "tests" / "reports").glob("*.txt")):
        (d / path.name).write_bytes(path.read_bytes())
    (d / "about_zhanglei.txt").write_text(ABOUT, encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def alias(es, corpus):
    yield from new_alias(es, [corpus], "bylines")


def run(es, alias, query, **kw):
    return search(query, client=es, index=alias, **kw)


def test_every_byline_person_is_a_person_and_nobody_else(es, alias):
    resp = es.search(index=alias, size=0, aggs={"p": {"terms": {"field": "people", "size": 1000}}})
    people = {b["key"] for b in resp["aggregations"]["p"]["buckets"]}
    assert people == SEED_PEOPLE | FILE_PEOPLE | {"马晓丽"}


@pytest.mark.parametrize("name", sorted(SEED_PEOPLE | FILE_PEOPLE))
def test_people_filter(es, alias, name):
    result = run(es, alias, f"people:{name}", limit=100)
    assert result.total > 0 and all(name in h.people for h in result.hits)


TITLED = [(row.title, row.people) for rows in FILES.values() for row in rows if row.title and row.people]


@pytest.mark.parametrize("title,people", TITLED, ids=[t for t, _ in TITLED])
def test_people_facet_of_each_report(es, alias, title, people):
    result = run(es, alias, "", filters={"report": [title]})
    assert {v.value for v in result.facets["people"]} == {name for name, _ in people}


def test_search_for_a_correspondent_finds_the_brief_with_the_byline_highlighted(es, alias):
    result = run(es, alias, "张磊", limit=20)
    bylines = [h for h in result.hits if h.kind == "byline"]
    assert [h.title for h in bylines] == ["中原区人大常委会视察 退役军人事务工作开展情况"]
    assert "<em>张磊</em>" in bylines[0].highlights[0]
    assert "记者 张改华 通讯员 张磊" in bylines[0].text


def test_a_reporters_name_finds_all_their_reports(es, alias):
    result = run(es, alias, "张改华", group_by_report=True, limit=20)
    assert sorted(h.title for h in result.hits) == sorted([
        "中原区真学笃行 牢牢把握“为民办实事”基本着力点 高质量开展党史学习教育 把学习成效转化为工作质效",
        "中原区春季干部培训班开班",
        "中原区人大常委会视察 退役军人事务工作开展情况",
        "中原区举行 政法队伍先进事迹报告会",
    ])
    周强 = run(es, alias, "周强", group_by_report=True, limit=20)
    assert sorted(h.title for h in 周强.hits) == sorted(
        ["瀍河区开展防汛应急演练", "洛龙区社区卫生服务中心开展健康讲座", "一颗葡萄带富一方百姓"])


def test_report_about_a_person_outranks_reports_by_them(es, alias):
    result = run(es, alias, "张磊", group_by_report=True, limit=10)
    assert [h.title for h in result.hits] == [
        "社区里的“小巷管家”", "中原区人大常委会视察 退役军人事务工作开展情况"]
    assert result.hits[0].kind == "body"


def test_traditional_byline_name_found_from_either_script(es, alias):
    for query in ("陈志明", "陳志明"):
        hits = run(es, alias, query, limit=5).hits
        assert hits and hits[0].title == "傳承紅色基因 賡續奮鬥精神"
        assert "<em>陳志明</em>" in hits[0].highlights[0]


def test_role_filters(es, alias):
    editors = run(es, alias, "editor:王芳", group_by_report=True)
    assert [h.title for h in editors.hits] == ["市卫健委启动“健康进社区”义诊活动"]
    photos = run(es, alias, "photographer:孙伟", group_by_report=True)
    assert [h.title for h in photos.hits] == ["市卫健委启动“健康进社区”义诊活动"]
    assert run(es, alias, "reporter:孙伟").total == 0


def test_cli_search_shows_the_byline(es, alias):
    out = CliRunner().invoke(cli, ["--es-url", es.transport.node_pool.get().base_url,
                                   "--index", alias, "search", "张磊", "--group-by-report"])
    assert out.exit_code == 0, out.output
    assert "中原区人大常委会视察" in out.output and "(byline," in out.output
    assert re.search(r"记者 张改华 通讯员 \S*张磊", out.output)

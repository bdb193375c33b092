"""A small indexed corpus for the HTTP service tests (API, schema, browser):
the seeds, a report in traditional script, and one whose text holds HTML."""

from __future__ import annotations

import uuid
from pathlib import Path

import opencc

from rsearch.indexer.sync import index_paths
from paths import SEEDS

HTML_REPORT = ("网页安全测试报道\n\n"
               "本报记者 王小明\n\n"
               "测试人员在留言板输入<img src=x onerror=alert(1)>和“甲&乙”两段文字，检查网页安全。"
               "系统应当原样显示这些字符。\n")
# Its own tags look like the library's marks; a report of its own, so the
# other report's chunk holds none.
TAGS_REPORT = "标记测试报道\n\n本报记者 李小红\n\n网页上有一段文字写着<em>注意</em>标记，也要原样显示。\n"


def write_corpus(directory: Path) -> Path:
    for seed in sorted(SEEDS.glob("*.txt")):
        (directory / seed.name).write_bytes(seed.read_bytes())
    s2t = opencc.OpenCC("s2t")
    (directory / "traditional.txt").write_text(
        s2t.convert("台北市举办党史学习教育座谈会\n\n本报记者 林志明\n\n"
                    "台北市近日举办党史学习教育座谈会，与会人员围绕“我为群众办实事”交流心得体会。\n"),
        encoding="utf-8")
    (directory / "html.txt").write_text(HTML_REPORT, encoding="utf-8")
    (directory / "tags.txt").write_text(TAGS_REPORT, encoding="utf-8")
    return directory


def index_corpus(es, directory: Path) -> str:
    name = f"rsearch-test-service-{uuid.uuid4().hex[:8]}"
    summary = index_paths(es, name, [write_corpus(directory)])
    assert summary.ok, summary.errors
    return name


def drop(es, alias: str) -> None:
    found = es.indices.get(index=f"{alias}*")
    if found:
        es.indices.delete(index=",".join(found))


def ok(resp) -> dict:
    """The JSON body of a 200 answer."""
    assert resp.status_code == 200, resp.text
    return resp.json()


def error(resp, status: int) -> str:
    """The message of an error answer: one line, the documented shape."""
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"status", "message"} and body["status"] == status
    assert "\n" not in body["message"] and "Traceback" not in body["message"] and body["message"]
    return body["message"]

"""Odd and broken input files: every good one yields chunks, every bad one
raises UnreadableFile with a one-line message naming the file.

The small files live in tests/bad_inputs/ (regenerate with make_inputs.py);
the 5 MB one-line file is generated here into a temporary directory.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from rsearch.indexer.pipeline import iter_files, load_file
from rsearch.indexer.reader import UnreadableFile
from paths import BAD_INPUTS, SEEDS

INPUTS = BAD_INPUTS
SEED = SEEDS / "002_482eecf055e9753a.txt"

GOOD = ["gbk.txt", "big5.txt", "utf8_bom.txt", "utf16.txt", "crlf.txt", "no_headings.txt", "only_captions.txt"]
BAD = {
    "empty.txt": "empty",
    "blank.txt": "no text",
    "binary.txt": "binary",
    "garbage.txt": "undecodable",
}


@pytest.mark.parametrize("name", GOOD)
def test_good_files_yield_chunks(name):
    chunks = load_file(INPUTS / name)
    assert chunks
    assert all(c.text.strip() for c in chunks)


@pytest.mark.parametrize("name", ["gbk.txt", "utf8_bom.txt", "utf16.txt", "crlf.txt"])
def test_encodings_and_line_ends_give_the_same_report(name):
    """Same text in another encoding or with CRLF: same chunks, same hash."""
    reference = load_file(INPUTS / "crlf.txt", source_path="x")
    chunks = load_file(INPUTS / name, source_path="x")
    assert [c.text for c in chunks] == [c.text for c in reference]
    assert chunks[0].report_title == "学史力行办实事 为民解难谋福祉"
    assert chunks[0].content_hash == reference[0].content_hash
    assert [c.id for c in chunks] == [c.id for c in reference]


def test_big5_is_read_as_traditional_text():
    chunks = load_file(INPUTS / "big5.txt")
    assert chunks[0].report_title == "學史力行辦實事 為民解難謀福祉"
    assert chunks[0].report_subtitle.startswith("我區開展黨史學習教育成效綜述")
    assert chunks[1].kind == "byline" and chunks[1].text == "本報記者 張再行"  # as printed
    assert "一次次滌盪心靈的學習和研討" in chunks[2].text


def test_crlf_leaves_no_carriage_returns():
    assert not any("\r" in c.text for c in load_file(INPUTS / "crlf.txt"))


def test_no_headings():
    chunks = load_file(INPUTS / "no_headings.txt")
    assert {c.kind for c in chunks} == {"body"}
    assert chunks[0].report_title is None
    assert all(c.section_title is None for c in chunks)
    assert "学有所悟、学以致用" in "".join(c.text for c in chunks)


def test_only_captions():
    chunks = load_file(INPUTS / "only_captions.txt")
    assert [c.kind for c in chunks] == ["caption"] * 3
    assert [c.text for c in chunks] == ["学党史唱红歌", "西工区党员干部参观洛阳党建馆", "老党员任书敏抄写党史学习笔记"]


@pytest.mark.parametrize("name,reason", sorted(BAD.items()))
def test_bad_files_raise_one_line_error(name, reason):
    path = INPUTS / name
    with pytest.raises(UnreadableFile) as info:
        load_file(path)
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message
    assert reason in message
    assert info.value.path == str(path)


def test_missing_file(tmp_path):
    path = tmp_path / "nope.txt"
    with pytest.raises(UnreadableFile, match="nope.txt: cannot read"):
        load_file(path)


def test_directory_listing_covers_all_inputs():
    names = [p.name for p in iter_files([INPUTS])]
    assert names == sorted(names)
    assert set(GOOD) | set(BAD) <= set(names)
    assert "make_inputs.py" not in names


def _cpu_seconds_to_load(path: Path):
    # CPU time of this process, not wall time: other jobs on a shared machine
    # do not slow it down, so the bounds below hold under load.
    started = time.process_time()
    chunks = load_file(path)
    return time.process_time() - started, chunks


def _one_line(unit: str, size: int) -> bytes:
    data = (unit * (size // len(unit.encode()) + 1)).encode()[:size]
    return data.decode("utf-8", "ignore").encode()  # cut on a character boundary


def test_one_5mb_line(tmp_path):
    """A whole report on one 5 MB line: read, parsed and chunked in bounded
    pieces, in time linear in the size: four times the text costs well under
    the sixteen times a quadratic step would."""
    unit = SEED.read_text(encoding="utf-8").replace("\n", "")
    small, big = tmp_path / "small.txt", tmp_path / "one_line.txt"
    small.write_bytes(_one_line(unit, 5 * 1024 * 1024 // 4))
    data = _one_line(unit, 5 * 1024 * 1024)
    big.write_bytes(data)
    small_cpu, _ = _cpu_seconds_to_load(small)
    big_cpu, chunks = _cpu_seconds_to_load(big)
    assert big_cpu < 8 * max(small_cpu, 0.05)
    assert all(len(c.text) <= 600 for c in chunks)
    assert sum(len(c.text) for c in chunks if c.kind != "title") >= 0.99 * len(data.decode())


def test_one_5mb_line_without_punctuation(tmp_path):
    path = tmp_path / "no_punct.txt"
    path.write_bytes(("党建引领服务为民" * (5 * 1024 * 1024 // 24)).encode())
    chunks = load_file(path)
    assert all(len(c.text) <= 600 for c in chunks)
    assert "".join(c.text for c in chunks) == path.read_text(encoding="utf-8")


def test_5mb_of_column_lines_with_blank_breaks(tmp_path):
    """Hundreds of thousands of 12-character lines, blank lines inside
    sentences: joining them must stay linear (no repeated concatenation)."""
    unit = SEED.read_text(encoding="utf-8").replace("\n", "")
    lines = [unit[i : i + 12] for i in range(0, len(unit), 12)]
    body = "\n".join(line + ("\n" if k % 5 == 4 else "") for k, line in enumerate(lines))
    data = ((body + "\n\n") * (5 * 1024 * 1024 // len(body.encode()) + 1)).encode()
    path = tmp_path / "columns.txt"
    path.write_bytes(data)
    cpu, chunks = _cpu_seconds_to_load(path)
    assert cpu < 60  # a quadratic join takes many minutes
    assert all(len(c.text) <= 600 for c in chunks)
    # One copy of the text survives de-duplication, the broken lines joined.
    assert "区政府办根据有关文件要求" in "".join(c.text for c in chunks)

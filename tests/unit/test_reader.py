"""read_text / decode_bytes: encodings, normalisation, rejection."""

from __future__ import annotations


import pytest

from rsearch.core.analysis import normalize
from rsearch.indexer.reader import UnreadableFile, decode_bytes, read_text
from paths import SEEDS

TEXT = "学史力行办实事 为民解难谋福祉\n\n——我区开展党史学习教育成效综述\n\n本报记者 张再行\n"


def test_seed_is_read_normalised():
    path = next(SEEDS.glob("003_*.txt"))
    text = read_text(path)
    assert text == normalize(path.read_text(encoding="utf-8"))
    assert "中原区系统部署、精心组织，在全区范围" in text  # half-width comma between CJK fixed


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_encodings(tmp_path, encoding):
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(TEXT.encode(encoding))
    assert read_text(path) == normalize(TEXT)


def test_big5(tmp_path):
    text = "學史力行辦實事 為民解難謀福祉\n\n本報記者 張再行\n"
    path = tmp_path / "big5.txt"
    path.write_bytes(text.encode("big5"))
    assert read_text(path) == normalize(text)


def test_gb18030_four_byte_character():
    text = "吉祥的𠮷字出现在报道中，共有三段文字。" * 3
    assert decode_bytes(text.encode("gb18030")) == text


def test_short_gbk_text():
    assert decode_bytes("本报记者 张再行".encode("gbk")) == "本报记者 张再行"


def test_crlf_and_bom_removed(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"\xef\xbb\xbf" + TEXT.replace("\n", "\r\n").encode("utf-8"))
    text = read_text(path)
    assert "\r" not in text and "\ufeff" not in text
    assert text == normalize(TEXT)


@pytest.mark.parametrize(
    "data,reason",
    [
        (b"", "empty file"),
        (b"\n \n\t", "no text"),
        (b"abc\x00def\x00" * 10, "binary"),
        (bytes(range(1, 32)) * 50, "binary"),
    ],
)
def test_rejected(tmp_path, data, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(UnreadableFile) as info:
        read_text(path)
    assert str(info.value).startswith(f"{path}: ")
    assert reason in str(info.value)
    assert "\n" not in str(info.value)


def test_error_message_is_one_line():
    error = UnreadableFile("a/b.txt", "bad\nthing\r\n here")
    assert str(error) == "a/b.txt: bad thing here"
    assert error.path == "a/b.txt" and error.reason == "bad thing here"


def test_utf16_without_bom_is_binary(tmp_path):
    path = tmp_path / "u16.txt"
    path.write_bytes(TEXT.encode("utf-16-le"))
    with pytest.raises(UnreadableFile, match="binary"):
        read_text(path)

"""Read a report file into normalised text, whatever its encoding.

Order of checks, cheapest and most certain first:

1. empty file -> UnreadableFile;
2. a byte-order mark decides (UTF-8, UTF-16 LE/BE);
3. NUL bytes mean a binary file (no text encoding we accept has them
   without a BOM);
4. strict UTF-8, the fast path: almost every file is UTF-8, and a successful
   strict decode of non-ASCII data is practically never a false positive;
5. charset-normalizer for the legacy Chinese encodings (GB18030/GBK/GB2312,
   Big5) and anything else; no plausible result means binary or garbage.

The decoded text is checked once more for control characters (a file that
"decodes" as cp1252 or latin-1 may still be binary) and then passed through
``normalize``. Everything is linear in the file size, so one 5 MB line is
as cheap as 5 MB of short lines. A UTF-8 file cut short in the middle of a
character (a truncated download) loses that character, not the file, and
a few damaged bytes in a UTF-8 file (one in a hundred characters at most)
become U+FFFD.

A text file larger than ``PIECE_BYTES`` is read in pieces (``read_piece``):
each ends at a blank line (else a line end) after about PIECE_BYTES, and the
indexer recovers the reports of each piece on its own, so the memory one file
needs does not grow with its size (indexer.pipeline).
"""

from __future__ import annotations

import codecs
import os
import re

from charset_normalizer import from_bytes

from rsearch.core.analysis import normalize

# GB2312 and GBK are subsets of GB18030: decoding with the superset never
# fails on a character the detector's narrower guess would have allowed.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "big5": "big5hkscs"}

# A text file larger than this is read in pieces of about this size.
PIECE_BYTES = 2**20

# More than this share of control or private-use characters: not text.
_MAX_JUNK_RATIO = 0.01
# Looking at this many characters is enough to tell text from binary.
_JUNK_SAMPLE = 200_000
# C0/C1 controls other than line/tab/page breaks, private use, surrogates. A
# regex keeps the check at C speed (a per-character category lookup would
# dominate the reading time of small files).
_JUNK = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\ud800-\udfff]")


class UnreadableFile(Exception):
    """A file that cannot be indexed; ``str()`` is a one-line message."""

    def __init__(self, path: str | os.PathLike, reason: str) -> None:
        self.path = os.fspath(path)
        self.reason = " ".join(str(reason).split())  # guarantee one line
        super().__init__(f"{self.path}: {self.reason}")


def read_text(path: str | os.PathLike) -> str:
    """Return the normalised text of ``path`` or raise UnreadableFile."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise UnreadableFile(path, f"cannot read ({exc.strerror or exc})") from exc
    text = normalize(decode_bytes(data, path))
    if not text.strip():
        raise UnreadableFile(path, "no text (only white space)")
    return text


def decode_bytes(data: bytes, path: str | os.PathLike = "<bytes>") -> str:
    """Decode raw file bytes as described in the module docstring."""
    if not data:
        raise UnreadableFile(path, "empty file")

    if data.startswith(codecs.BOM_UTF8):
        return _strict(data, "utf-8-sig", path)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _checked(_strict(data, "utf-16", path), path)

    if b"\x00" in data:
        raise UnreadableFile(path, "binary file (contains NUL bytes)")

    try:
        return _checked(data.decode("utf-8"), path)
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            # Cut short inside the last character: the rest is good UTF-8.
            return _checked(data[: exc.start].decode("utf-8"), path)
        mended = _mostly_utf8(data)
        if mended is not None:
            return _checked(mended, path)

    best = from_bytes(data).best()
    if best is None or not best.encoding:
        raise UnreadableFile(path, "binary or undecodable (no plausible text encoding)")
    encoding = _SUPERSETS.get(best.encoding.lower(), best.encoding)
    return _checked(_strict(data, encoding, path), path)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 text with a few damaged bytes (a flipped bit, a bad sector) as
    text, each bad byte shown as U+FFFD; None when the bad sequences are more
    than one in a hundred of the good non-ASCII characters (a legacy
    encoding: GBK, Big5 seldom form valid UTF-8 sequences)."""
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    good = len(_NON_ASCII.findall(text)) - bad
    return text if bad * 100 <= good else None


def _strict(data: bytes, encoding: str, path) -> str:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise UnreadableFile(path, f"undecodable as {encoding} ({exc.__class__.__name__})") from exc


def _checked(text: str, path) -> str:
    """Reject decoded text that is mostly control or unassigned characters."""
    sample = text[:_JUNK_SAMPLE]
    junk = len(_JUNK.findall(sample))
    if sample and junk > _MAX_JUNK_RATIO * len(sample):
        raise UnreadableFile(path, "binary file (control characters in decoded text)")
    return text


def read_piece(path: str | os.PathLike, offset: int, encoding: str | None = None,
               size: int | None = None) -> tuple[str, int | None, str | None]:
    """One piece of a large text file: (normalised text, where the next piece
    starts or None at the end, the encoding to read the next piece with).

    The first piece (offset 0) decides the encoding as ``decode_bytes`` does;
    the next ones are read with it. A piece ends after the last blank line
    (else line end) of its second half, so paragraphs are not cut.
    """
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            data = fh.read(size or PIECE_BYTES)
            more = bool(fh.read(1))
    except OSError as exc:
        raise UnreadableFile(path, f"cannot read ({exc.strerror or exc})") from exc
    if more:
        data = data[: _cut(data, encoding or _bom_encoding(data))]
    following = offset + len(data) if more else None
    if encoding is None:
        text = decode_bytes(data, path)
        encoding = _bom_encoding(data) or _encoding_of(data)
    else:
        text = _checked(_strict(data, encoding, path), path)
    text = normalize(text)
    if offset == 0 and following is None and not text.strip():
        raise UnreadableFile(path, "no text (only white space)")
    return text, following, encoding


def _bom_encoding(data: bytes) -> str | None:
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8"  # the next pieces have no BOM
    if data.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le"
    if data.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be"
    return None


def _encoding_of(data: bytes) -> str:
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        best = from_bytes(data).best()
        return _SUPERSETS.get(best.encoding.lower(), best.encoding) if best and best.encoding else "utf-8"


_BLANK_LINE = re.compile(rb"\n[ \t\r]*\n")


def _cut(data: bytes, encoding: str | None) -> int:
    """Where a piece of ``data`` ends: after its last blank line (else line
    end) in the second half; with no line end at all, at a character
    boundary (UTF-8) or at the end."""
    half = len(data) // 2
    if encoding in ("utf-16-le", "utf-16-be"):
        newline = "\n".encode(encoding)
        at = data.rfind(newline, half)
        while at >= 0 and at % 2:
            at = data.rfind(newline, half, at + 1)
        return at + 2 if at >= 0 else len(data) - len(data) % 2
    last = None
    for last in _BLANK_LINE.finditer(data, half):
        pass
    if last is not None:
        return last.end()
    at = data.rfind(b"\n", half)
    if at >= 0:
        return at + 1
    end = len(data)
    while end > len(data) - 4 and end > 0 and 0x80 <= data[end - 1] < 0xC0:
        end -= 1  # inside a UTF-8 character: cut before it starts
    return end - 1 if end > 0 and data[end - 1] >= 0xC0 else end

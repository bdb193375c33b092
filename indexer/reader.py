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
as cheap as 5 MB of short lines.
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
    except UnicodeDecodeError:
        pass

    best = from_bytes(data).best()
    if best is None or not best.encoding:
        raise UnreadableFile(path, "binary or undecodable (no plausible text encoding)")
    encoding = _SUPERSETS.get(best.encoding.lower(), best.encoding)
    return _checked(_strict(data, encoding, path), path)


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

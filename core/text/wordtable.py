"""The final segmentation dictionary as an on-disk table, for short queries.

Loading jieba's whole dictionary into the segmenter is most of a cold
``rsearch search``; a query of a few characters needs a few dozen entries of
it. jieba's precise and search modes consult the dictionary only for
substrings of the text they cut (the DAG looks up the words that start at
each position, the route weighs them by frequency against the dictionary's
total, the HMM step and search mode's sub-words ask whether a substring is
a word). So the table of every word with its final frequency (jieba's
dict.txt, then the shipped and the user's dictionary, as the segmenter
loaded them) and their total is enough to give a segmenter exactly the part
of the dictionary one text can reach (core.text.partial does that).

Words are grouped in buckets by their first character, each bucket a
marshalled dict with a CRC, so a lookup reads only the buckets of the
text's characters. The file ``words-<fingerprint>.bin`` lives in the cache
directory (core.settings.cache_dir). The fingerprint covers everything the
segmenter's dictionary depends on (core.text.wordcache.fingerprint), so a
changed user dictionary, backend or package names another file: a stale
table is never opened (the few newest are kept, then deleted). A table is written to a temporary file and renamed
into place, so readers see a whole table or none; a damaged one fails its
size or CRC check (TableError), never gives wrong words.
"""

from __future__ import annotations

import json
import marshal
import os
import struct
from binascii import crc32
from pathlib import Path

__all__ = ["FORMAT", "TableError", "WordTable", "base_dict_path", "read_base_dict", "table_path", "write_table"]

# Bump when the file layout changes (marshal's format is per Python version,
# which the fingerprint covers).
FORMAT = "2"
PREFIX = "words-"
SUFFIX = ".bin"
MAGIC = b"rsearch word table\n"
BUCKETS = 4096
KEEP = 4  # tables kept in the cache directory, the newest first
_SLOT = struct.Struct("<QII")  # offset, size, crc32 of one bucket


class TableError(Exception):
    """The table cannot be used (missing, unreadable, not ours, damaged)."""


def base_dict_path() -> Path | None:
    """jieba's dict.txt (the words rjieba and jieba both start from), found
    without importing jieba (its import alone costs more than a search)."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("jieba")
    except (ImportError, ValueError):
        return None
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "dict.txt"
        if path.is_file():
            return path
    return None


def read_base_dict(path: Path) -> dict[str, int]:
    """word -> frequency of a jieba dict.txt (a repeated word keeps its last line)."""
    words: dict[str, int] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split(None, 2)
            if len(parts) >= 2:
                words[parts[0]] = int(parts[1])
    return words


def table_path(directory: Path, fingerprint: str) -> Path:
    return directory / f"{PREFIX}{fingerprint}{SUFFIX}"


def _bucket(ch: str) -> int:
    return ord(ch) % BUCKETS


def write_table(directory: Path, fingerprint: str, words: dict[str, int]) -> Path:
    """Write the table of ``words`` (word -> final frequency) atomically.

    Older tables in the directory beyond the KEEP newest are removed after
    the new one is in place. OSError when the directory cannot be written.
    """
    import tempfile

    buckets: list[dict[str, int]] = [{} for _ in range(BUCKETS)]
    total = longest = 0
    for word, freq in words.items():
        if freq > 0 and word:
            buckets[_bucket(word[0])][word] = freq
            total += freq
            longest = max(longest, len(word))
    blobs = [marshal.dumps(b) for b in buckets]
    header = json.dumps({"format": FORMAT, "fingerprint": fingerprint, "total": total, "longest": longest,
                         "words": sum(map(len, buckets))}).encode() + b"\n"
    start = len(MAGIC) + len(header) + BUCKETS * _SLOT.size
    slots, offset = [], start
    for blob in blobs:
        slots.append(_SLOT.pack(offset, len(blob), crc32(blob)))
        offset += len(blob)
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{PREFIX}", suffix=".tmp")
    final = table_path(directory, fingerprint)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(MAGIC + header + b"".join(slots) + b"".join(blobs))
        os.chmod(tmp, 0o644)
        os.replace(tmp, final)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _prune(directory, final)
    return final


def _prune(directory: Path, keep: Path) -> None:
    """Keep the KEEP most recently written tables (a user switching between
    two dictionaries does not rebuild at every switch); drop the rest, and
    temporary files a crashed writer left over an hour ago."""
    import time

    def mtime(path: Path) -> float:
        try:
            return path.stat().st_mtime
        except OSError:
            return 0.0

    tables = sorted((p for p in directory.glob(f"{PREFIX}*{SUFFIX}") if p != keep), key=mtime, reverse=True)
    leftovers = [p for p in directory.glob(f".{PREFIX}*.tmp") if mtime(p) < time.time() - 3600]
    for old in tables[KEEP - 1 :] + leftovers:
        try:
            old.unlink()
        except OSError:
            pass


class WordTable:
    """A table opened for reading; :meth:`words_starting` gives its words.

    TableError from the constructor when the file is missing or is not the
    table of ``fingerprint``, and from :meth:`words_starting` when a bucket
    turns out damaged.
    """

    def __init__(self, path: Path, fingerprint: str):
        self.path = path
        self._buckets: dict[int, dict[str, int]] = {}
        try:
            self._fh = open(path, "rb")
        except FileNotFoundError:
            raise TableError(f"{path}: no such file") from None
        except OSError as err:
            raise TableError(f"{path}: cannot read it ({err.strerror or err})") from None
        try:
            if self._fh.read(len(MAGIC)) != MAGIC:
                raise TableError(f"{path}: not a word table")
            meta = json.loads(self._fh.readline())
            self.total = int(meta["total"])
            self.longest = int(meta["longest"])
            self._slots = self._fh.read(BUCKETS * _SLOT.size)
            size = os.fstat(self._fh.fileno()).st_size
        except (OSError, ValueError, KeyError, TypeError) as err:
            self.close()
            raise TableError(f"{path}: not a usable word table ({err})") from None
        except TableError:
            self.close()
            raise
        if meta.get("format") != FORMAT or meta.get("fingerprint") != fingerprint:
            self.close()
            raise TableError(f"{path}: not the table of dictionary {fingerprint}")
        if len(self._slots) != BUCKETS * _SLOT.size or self.total <= 0:
            self.close()
            raise TableError(f"{path}: truncated")
        last_offset, last_size, _ = _SLOT.unpack_from(self._slots, (BUCKETS - 1) * _SLOT.size)
        if last_offset + last_size != size:
            self.close()
            raise TableError(f"{path}: {size} bytes where the table needs {last_offset + last_size}: damaged")

    def words_starting(self, ch: str) -> dict[str, int]:
        """word -> frequency for the words that start with ``ch`` (and, sharing
        their bucket, some that start with other characters)."""
        key = _bucket(ch)
        words = self._buckets.get(key)
        if words is None:
            offset, size, crc = _SLOT.unpack_from(self._slots, key * _SLOT.size)
            try:
                self._fh.seek(offset)
                blob = self._fh.read(size)
                if len(blob) != size or crc32(blob) != crc:
                    raise ValueError("bad checksum")
                words = marshal.loads(blob)
                if not isinstance(words, dict):
                    raise ValueError("not a bucket")
            except (OSError, ValueError, EOFError, TypeError, AttributeError) as err:
                raise TableError(f"{self.path}: bucket {key} unreadable ({err})") from None
            self._buckets[key] = words
        return words

    def verify(self) -> None:
        """TableError unless every bucket has its checksum (reads the whole file)."""
        try:
            self._fh.seek(0)
            data = self._fh.read()
        except OSError as err:
            raise TableError(f"{self.path}: unreadable ({err})") from None
        for key in range(BUCKETS):
            offset, size, crc = _SLOT.unpack_from(self._slots, key * _SLOT.size)
            if crc32(data[offset : offset + size]) != crc:
                raise TableError(f"{self.path}: bucket {key} damaged")

    def close(self) -> None:
        fh = getattr(self, "_fh", None)
        if fh is not None:
            fh.close()
            self._fh = None

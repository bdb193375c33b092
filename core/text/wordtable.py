"""The final segmentation dictionary as an on-disk table, for short queries.

Loading jieba's whole dictionary into the segmenter is most of a cold
``rsearch search``; a query of a few characters needs a few dozen entries of
it. jieba's precise and search modes consult the dictionary only for
substrings of the text they cut (the DAG looks up every substring that
starts a word, the route weighs those words by frequency against the
dictionary's total, the HMM step and search mode's sub-words ask whether
a substring is a word). So a table of every word with its final frequency
(jieba's dict.txt, then the shipped and the user's dictionary, as the
segmenter loaded them), plus every proper prefix of a word (frequency 0, as
jieba's own FREQ keeps them, so a lookup can stop where no word continues),
and the total, is enough to give a segmenter exactly the part of the
dictionary one text can reach (core.text.partial does that).

The table is an SQLite file ``words-<fingerprint>.sqlite`` in the cache
directory (core.settings.cache_dir). The fingerprint covers everything the
segmenter's dictionary depends on (core.text.dictionary.dictionary_version
plus the dict.txt it was read from), so a changed user dictionary, backend
or package names another file: a stale table is never opened. A table is
written to a temporary file and renamed into place, so readers see a whole
table or none.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["FORMAT", "TableError", "WordTable", "base_dict_path", "read_base_dict", "table_path", "write_table"]

# Bump when the file layout changes.
FORMAT = "1"
PREFIX = "words-"
SUFFIX = ".sqlite"
# Well under SQLite's host-parameter limit of older builds (999).
_BATCH = 500


class TableError(Exception):
    """The table cannot be used (missing, unreadable, not ours, corrupt)."""


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


def write_table(directory: Path, fingerprint: str, words: dict[str, int]) -> Path:
    """Write the table of ``words`` (word -> final frequency) atomically.

    Other tables in the directory (older fingerprints) are removed after
    the new one is in place. OSError when the directory cannot be written.
    """
    import sqlite3
    import tempfile

    rows = {w: f for w, f in words.items() if f > 0}
    total = sum(rows.values())
    longest = max(map(len, rows), default=0)
    prefixes = {w[:i] for w in rows for i in range(1, len(w))} - rows.keys()
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{PREFIX}", suffix=".tmp")
    os.close(fd)
    try:
        con = sqlite3.connect(tmp)
        try:
            con.execute("PRAGMA journal_mode=OFF")
            con.execute("PRAGMA synchronous=OFF")
            con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            con.execute("CREATE TABLE words (word TEXT PRIMARY KEY, freq INTEGER NOT NULL) WITHOUT ROWID")
            # Sorted input fills the B-tree in order: several times faster.
            entries = sorted([*rows.items(), *((p, 0) for p in prefixes)])
            con.executemany("INSERT INTO words VALUES (?, ?)", entries)
            meta = {"format": FORMAT, "fingerprint": fingerprint, "total": str(total),
                    "words": str(len(rows)), "longest": str(longest)}
            con.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
            con.commit()
        finally:
            con.close()
        os.chmod(tmp, 0o644)
        final = table_path(directory, fingerprint)
        os.replace(tmp, final)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    for old in directory.glob(f"{PREFIX}*{SUFFIX}"):
        if old != final:
            try:
                old.unlink()
            except OSError:
                pass
    return final


class WordTable:
    """A table opened read-only; :meth:`lookup` answers for a set of strings.

    TableError from the constructor when the file is missing or is not the
    table of ``fingerprint``, and from :meth:`lookup` when it turns out
    corrupt.
    """

    def __init__(self, path: Path, fingerprint: str):
        import sqlite3

        self.path = path
        self._error = sqlite3.Error
        if not path.is_file():
            raise TableError(f"{path}: no such file")
        try:
            # immutable: tables are replaced, never changed in place, so no locking is needed.
            self._con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                                        check_same_thread=False)
            meta = dict(self._con.execute("SELECT key, value FROM meta"))
            self.total = int(meta["total"])
            self.words = int(meta["words"])
        except (sqlite3.Error, KeyError, ValueError) as err:
            self.close()
            raise TableError(f"{path}: not a usable word table ({err})") from None
        if meta.get("format") != FORMAT or meta.get("fingerprint") != fingerprint or self.total <= 0:
            self.close()
            raise TableError(f"{path}: not the table of dictionary {fingerprint}")

    def lookup(self, strings) -> dict[str, int]:
        """The entries among ``strings``: word -> frequency, 0 for a prefix of
        a longer word only; strings that are neither are absent."""
        strings = list(strings)
        found: dict[str, int] = {}
        try:
            for i in range(0, len(strings), _BATCH):
                batch = strings[i : i + _BATCH]
                marks = ",".join("?" * len(batch))
                found.update(self._con.execute(f"SELECT word, freq FROM words WHERE word IN ({marks})", batch))
        except self._error as err:
            raise TableError(f"{self.path}: unreadable ({err})") from None
        return found

    def close(self) -> None:
        con = getattr(self, "_con", None)
        if con is not None:
            con.close()
            self._con = None

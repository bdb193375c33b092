"""Which segmenter a query gets, and the upkeep of the word table it reads.

A process that has loaded the full dictionary (the indexer, a warm
service) cuts queries with it. Otherwise, for the default rjieba backend,
:func:`query_segmenter` hands out a core.text.partial segmenter over the
word table of the current dictionary (core.text.wordtable), which costs a
few lookups instead of loading the dictionary. When there is no table for
the current fingerprint (first use, a changed dictionary), or the table is
unreadable, the full dictionary is loaded, and :func:`table_wanted` says
so: :func:`ensure_word_table` (re)builds the table, which the CLI does
after a search and after indexing, so library calls never write files. The
jieba backend always loads its dictionary (it is the slow reference
backend; the table serves rjieba).

Nothing here can make a search fail: a missing, stale or corrupt table and
a cache directory that cannot be written all end in the full dictionary, the
last two with one logged line.
"""

from __future__ import annotations

import threading
from pathlib import Path

from .. import settings
from . import dictionary
from .segment import Segmenter

__all__ = ["cache_wanted", "ensure_cache", "ensure_word_table", "fingerprint", "query_segmenter", "reset",
           "table_file", "table_wanted"]

_lock = threading.RLock()
_partials: dict[str, Segmenter] = {}
_wanted: set[str] = set()  # backends a query loaded the full dictionary for, for want of a table
# Messages already logged by this process (each problem is said once).
_said: set[str] = set()

# Texts the new table must segment exactly like the loaded dictionary before
# it is used (a guard against a backend whose built-in dictionary is not
# jieba's dict.txt); the added entries are checked in context as well.
_PROBES = (
    "中华人民共和国成立以来，党史学习教育走深走实，西工区推动为民办实事。",
    "他来到了网易杭研大厦，小明硕士毕业于中国科学院计算所，后在日本京都大学深造。",
    "2021年3月，洛阳市召开全市动员会；B超、T恤和c++不是同一类词，AT&T也不是。",
    "结婚的和尚未结婚的，研究生命的起源，长春市长春节讲话，乒乓球拍卖完了。",
)


def reset() -> None:
    with _lock:
        for seg in _partials.values():
            seg.close()
        _partials.clear()
        _wanted.clear()


def table_wanted() -> bool:
    """Did a query in this process load the full dictionary because the
    current dictionary has no usable table?"""
    return bool(_wanted)


def cache_wanted() -> bool:
    """Did this process miss the word table or fold's table (core.text.foldtable)?"""
    from . import foldtable

    return table_wanted() or foldtable.wanted()


def ensure_cache() -> None:
    """Write whichever of the two tables is missing or stale."""
    from . import foldtable

    ensure_word_table()
    foldtable.ensure()


def _say(message: str) -> None:
    """Log ``message`` once per process (one line on stderr when logging is not set up)."""
    if message not in _said:
        _said.add(message)
        import logging

        logging.getLogger("rsearch").warning(message)


def fingerprint(name: str) -> str | None:
    """What the word table of backend ``name`` depends on, or None when there
    is no dict.txt to build it from. DictionaryError for a bad user dictionary."""
    import hashlib

    from .wordtable import FORMAT, base_dict_path

    base = base_dict_path()
    if base is None:
        return None
    st = base.stat()
    import marshal

    parts = (FORMAT, str(marshal.version), name, dictionary.dictionary_version(), str(base), str(st.st_size),
             str(st.st_mtime_ns))
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


def table_file(name: str | None = None) -> Path | None:
    """Where the current dictionary's table is (or would be) kept."""
    from .wordtable import table_path

    fp = fingerprint(name or dictionary.segmenter_name())
    return None if fp is None else table_path(settings.cache_dir(), fp)


def query_segmenter() -> Segmenter:
    """A segmenter giving the configured backend's tokens for query texts."""
    name = dictionary.segmenter_name()
    full = dictionary.loaded(name)
    if full is not None:
        return full[0]
    if name != "rjieba":
        return dictionary.segmenter(name)
    key = dictionary.segmenter_key(name)
    seg = _partials.get(key)
    if seg is not None:
        return seg
    with _lock:
        seg = _partials.get(key)
        if seg is None:
            seg = _open_partial(name)
            if seg is None:
                return _load_full(name)
            _partials[key] = seg
    return seg


def _open_partial(name: str) -> Segmenter | None:
    from .partial import PartialRJieba
    from .wordtable import TableError, WordTable, table_path

    fp = fingerprint(name)
    if fp is None:
        return None
    path = table_path(settings.cache_dir(), fp)
    try:
        table = WordTable(path, fp)
    except TableError as err:
        if path.exists():  # there, but not usable
            _say(f"dictionary cache unusable, loading the full dictionary instead: {err}")
        return None

    def fallback(err: TableError) -> Segmenter:
        _say(f"dictionary cache unusable, loading the full dictionary instead: {err}")
        return _load_full(name)

    return PartialRJieba(table, fallback)


def _load_full(name: str) -> Segmenter:
    seg = dictionary.segmenter(name)
    _wanted.add(name)
    return seg


def ensure_word_table(name: str | None = None) -> Path | None:
    """Build the current dictionary's word table unless it is there already.

    Loads the full dictionary if this process has not. The path of the
    table, or None when there is none (jieba backend, no dict.txt, a cache
    directory that cannot be written: that is logged once).
    """
    from .wordtable import TableError, WordTable, base_dict_path, read_base_dict, table_path, write_table

    name = name or dictionary.segmenter_name()
    if name != "rjieba":
        return None
    fp = fingerprint(name)
    if fp is None:
        return None
    directory = settings.cache_dir()
    path = table_path(directory, fp)
    with _lock:
        try:
            table = WordTable(path, fp)
            try:
                table.verify()
            finally:
                table.close()
            return path
        except TableError:
            pass
        try:
            _check_writable(directory)
            if dictionary.loaded(name) is None:
                dictionary.segmenter(name)
            full, added = dictionary.loaded(name)
            words = read_base_dict(base_dict_path())
            words.update(added)
            path = write_table(directory, fp, words)
        except OSError as err:
            _say(f"cannot write the dictionary cache in {directory} ({err.strerror or err}): "
                 f"cold searches load the full dictionary; set {settings.ENV_CACHE_DIR} to a writable directory")
            return None
        problem = _disagreement(path, fp, full, words, added)
        if problem is not None:
            path.unlink(missing_ok=True)
            _say(f"the dictionary cache disagrees with the {name} dictionary ({problem}); not used")
            return None
        _wanted.discard(name)
        return path


def _check_writable(directory: Path) -> None:
    """OSError unless a file can be created in ``directory`` (before any work is spent)."""
    import os
    import tempfile

    directory.mkdir(parents=True, exist_ok=True)
    fd, probe = tempfile.mkstemp(dir=directory, prefix=".probe-")
    os.close(fd)
    os.unlink(probe)


def _disagreement(path: Path, fp: str, full: Segmenter, words: dict[str, int],
                  added: dict[str, int]) -> str | None:
    """None when ``full`` knows a sample of the table's words and a partial
    segmenter over the new table cuts the probes as ``full`` does."""
    from .partial import PartialRJieba
    from .wordtable import TableError, WordTable

    def fail(err: TableError) -> Segmenter:
        raise err

    has_word = full._jieba.has_word
    unknown = next((w for w in list(words)[::97] if not has_word(w)), None)
    if unknown is not None:
        return f"{unknown!r} is not in the loaded dictionary"
    try:
        table = WordTable(path, fp)
    except TableError as err:
        return str(err)
    try:
        part = PartialRJieba(table, fail)
        texts = [*_PROBES, "，".join(f"在{w}中" for w in added)]
        for text in texts:
            if part.cut(text) != full.cut(text) or part.cut_for_search(text) != full.cut_for_search(text):
                return f"{text[:20]!r}… is cut differently"
    except TableError as err:
        return str(err)
    finally:
        table.close()
    return None

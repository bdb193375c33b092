"""fold's table precomputed for the Basic Multilingual Plane, kept in the cache.

core.text.fold converts each new character with OpenCC; in a fresh process
(a command-line search) loading OpenCC and converting the few hundred
characters of a query and its hits is a noticeable part of the work. The
table of every BMP code point that folds to something else (a few thousand:
traditional -> simplified and lower case) is computed once by fold's own
rule, stored as ``fold-<key>.bin`` next to the word table (the key covers
fold's scheme, the OpenCC and Unicode versions and marshal's format) and
installed by fold at its first non-ASCII miss. A missing or damaged file
just means OpenCC is used, as without the cache; :func:`ensure` writes it.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["compute", "ensure", "load", "table_path", "wanted"]

MAGIC = b"rsearch fold table\n"
_state = {"wanted": False}


def table_path() -> Path:
    import hashlib
    import marshal
    import unicodedata

    from .. import settings
    from .dictionary import _dist_version
    from .fold import FOLD_SCHEME, PRECOMPUTED_BELOW

    parts = (FOLD_SCHEME, str(PRECOMPUTED_BELOW), _dist_version("opencc"), unicodedata.unidata_version,
             str(marshal.version))
    key = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]
    return settings.cache_dir() / f"fold-{key}.bin"


def load() -> dict[int, int] | None:
    """The stored table (code point -> folded code point, identities left
    out), or None when there is no usable one (and then :func:`wanted`)."""
    import marshal
    from binascii import crc32

    try:
        data = table_path().read_bytes()
        head, _, blob = data[len(MAGIC) :].partition(b"\n")
        if not data.startswith(MAGIC) or int(head) != crc32(blob):
            raise ValueError("damaged")
        table = marshal.loads(blob)
        if not isinstance(table, dict):
            raise ValueError("not a table")
        return table
    except (OSError, ValueError, EOFError, TypeError):
        _state["wanted"] = True
        return None


def wanted() -> bool:
    """Did fold in this process look for the table and find none usable?"""
    return _state["wanted"]


def compute() -> dict[int, int]:
    """Every BMP code point that fold changes, by fold's rule (through OpenCC)."""
    from .fold import PRECOMPUTED_BELOW, _FoldTable

    table = _FoldTable()
    table.precomputed = False  # the rule itself, not a stored table
    return {cp: table[cp] for cp in range(PRECOMPUTED_BELOW)
            if not 0xD800 <= cp <= 0xDFFF and table[cp] != cp}


def ensure() -> Path | None:
    """Write the table unless a usable one is there; None when it cannot be written."""
    import marshal
    import tempfile
    from binascii import crc32

    path = table_path()
    _state["wanted"] = False
    if load() is not None:
        return path
    _state["wanted"] = False
    try:
        # The file first: an unwritable directory costs nothing to find out.
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".fold-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                blob = marshal.dumps(compute())
                fh.write(MAGIC + str(crc32(blob)).encode() + b"\n" + blob)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        return None  # the word table's upkeep has said the directory cannot be written
    for old in path.parent.glob("fold-*.bin"):
        if old != path:
            try:
                old.unlink()
            except OSError:
                pass
    return path

"""The segmenter, its dictionaries, the stopwords, and the version of all three.

The segmenter is rjieba: jieba's algorithm (jieba-rs) with jieba's own
dictionary, built into the package. It segments about ten times faster than
the pure-Python jieba with the same dictionary, which is most of the
indexer's Python time (docs: how analysis works). There is one backend:
another one would change the tokens, so it would need a re-index anyway.

The shipped domain dictionary ``core/data/user_dict.txt`` is added first,
then the user's own file named by ``RSEARCH_USER_DICT`` (same format:
``word [freq] [tag]`` per line, ``#`` starts a comment; read through
core.settings). :func:`dictionary_version` hashes everything that changes
the tokens, so the index records it and a changed dictionary is reported as
a stale index.
"""

from __future__ import annotations

import hashlib
import re
import threading
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from .. import settings
from ..errors import ConfigError
from .fold import fold

__all__ = [
    "SEGMENTER", "DictionaryError", "check_user_dict", "dictionary_version", "parse_dict", "reset", "segmenter",
    "stopwords",
]

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
SHIPPED_DICT = DATA_DIR / "user_dict.txt"
STOPWORDS_FILE = DATA_DIR / "stopwords.txt"
SEGMENTER = "rjieba"  # the distribution that segments (its version is part of dictionary_version)

# Bump when the analysis code changes in a way that changes tokens (it is part
# of dictionary_version(), so old indexes are reported stale). 2: rjieba's own
# tokens (1 had them bent to the pure-Python jieba's).
ANALYSIS_SCHEME = "2"

_lock = threading.Lock()
_segmenters: dict[Path | None, object] = {}
_module_instance_taken = False  # rjieba's own instance serves the first segmenter


def _user_dict_path() -> Path | None:
    value = (settings.user_dict_setting() or "").strip()
    return Path(value).expanduser() if value else None


def segmenter():
    """An ``rjieba.Jieba`` with the shipped and the user's dictionary, loaded
    on first use (cached per user-dictionary path).

    ``cut(text)`` is jieba's precise mode, ``cut_for_search(text)`` its
    search mode (long words also yield their dictionary sub-words); the HMM
    finds words the dictionary lacks (names, new place names)."""
    user = _user_dict_path()
    seg = _segmenters.get(user)
    if seg is None:
        with _lock:
            seg = _segmenters.get(user)
            if seg is None:
                # Both files are read and checked before the dictionary loads,
                # so a bad user dictionary fails fast with its line number.
                entries = parse_dict(SHIPPED_DICT.read_text(encoding="utf-8-sig"), source=str(SHIPPED_DICT))
                if user is not None:
                    entries += parse_dict(_user_dict_text(user), source=_user_source(user))
                # Imported here because importing rjieba loads jieba's whole
                # dictionary (its module-level instance). The first segmenter
                # is that instance, so a process (a cold search) loads the
                # dictionary once, not twice (~0.1 CPU-s); any later one (after
                # reset(), another user dictionary) is a fresh instance.
                import rjieba

                global _module_instance_taken
                seg = rjieba.Jieba() if _module_instance_taken else rjieba
                _module_instance_taken = True
                for word, freq, tag in entries:
                    seg.add_word(word, freq, tag)
                _segmenters[user] = seg
    return seg


@lru_cache(maxsize=1)
def plain_segmenter():
    """rjieba with jieba's dictionary alone, for the parser's word-boundary
    checks (a line break inside a word, a place name's edges): they do not
    move with the user's dictionary, which segmenter() may have added to
    rjieba's module-level instance."""
    import rjieba

    return rjieba.Jieba()


def reset() -> None:
    """Forget loaded segmenters and stopwords (after a dictionary change)."""
    with _lock:
        _segmenters.clear()
        _stopwords_cache.clear()


_DICT_LINE = re.compile(r"^(\S+)(?:\s+(\d+))?(?:\s+([A-Za-z]+))?\s*$")
# Frequencies are word counts (dict.txt's largest is ~900,000); the backends
# keep them in machine integers, so an absurd one is refused, not wrapped.
MAX_FREQ = 10**9


class DictionaryError(ConfigError):
    """A dictionary file that cannot be used; the message names file and line."""


def _user_source(path: Path) -> str:
    return f"{settings.ENV_USER_DICT}={path}"


def _user_dict_text(path: Path) -> str:
    """The user dictionary's text, or DictionaryError saying what is wrong."""
    where = _user_source(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DictionaryError(f"{where}: no such file: create it (one 'word [freq] [tag]' per line) "
                              f"or unset {settings.ENV_USER_DICT}") from None
    except OSError as err:
        raise DictionaryError(f"{where}: cannot read it ({err.strerror or err}): fix the path "
                              f"or unset {settings.ENV_USER_DICT}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise DictionaryError(f"{where} line {line}: not UTF-8 text (byte 0x{data[err.start]:02x}): "
                              "a dictionary is a UTF-8 text file, one 'word [freq] [tag]' per line") from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise DictionaryError(f"{where} line {line}: a NUL byte, so this is a binary file, not "
                              "a dictionary: one 'word [freq] [tag]' per line in UTF-8")
    return text


def check_user_dict() -> None:
    """DictionaryError unless ``RSEARCH_USER_DICT`` (if set) is a usable dictionary.

    Reads and checks the lines without loading the segmenter, so a command
    can refuse a bad dictionary before it creates or changes anything.
    """
    path = _user_dict_path()
    if path is not None:
        _check_lines(_user_dict_text(path), _user_source(path))


def _check_lines(content: str, source: str) -> list[tuple[str, int | None, str | None]]:
    """Raw (word, freq, tag) entries; DictionaryError names the file and line."""
    entries = []
    for lineno, raw in enumerate(content.splitlines(), 1):
        line = raw.strip().lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        m = _DICT_LINE.match(line)
        if m is None:
            raise DictionaryError(f"{source} line {lineno}: {_shown(raw)} is not 'word [freq] [tag]' "
                                  "(freq a whole number, tag letters, e.g. '绣花功夫 10 n')")
        word, freq, tag = m.groups()
        if freq is not None and not 1 <= int(freq) <= MAX_FREQ:
            # jieba-rs would keep a word of frequency 0 that it can never cut
            # out (jieba reads 0 as "always split"): refuse it.
            raise DictionaryError(f"{source} line {lineno}: frequency must be from 1 to {MAX_FREQ:,}: "
                                  f"{_shown(raw)}")
        entries.append((word, int(freq) if freq is not None else None, tag))
    return entries


def _shown(raw: str) -> str:
    raw = raw.strip()
    return repr(raw if len(raw) <= 60 else raw[:60] + "…")


def parse_dict(content: str, source: str = "dictionary") -> list[tuple[str, int | None, str | None]]:
    """Entries ``(folded word, freq or None, tag or None)`` of a dictionary.

    Format as jieba's: ``word [freq] [tag]`` per line; blank lines and lines
    starting with ``#`` are skipped. Words are folded (so a traditional or
    upper-case entry matches the folded text the segmenter sees). A missing
    freq lets the backend suggest one (jieba's ``suggest_freq`` rule: just
    enough for the word to be cut out as a whole).
    """
    return [(fold(word), freq, tag) for word, freq, tag in _check_lines(content, source)]


# ---------------------------------------------------------------- stopwords

_stopwords_cache: dict[str, frozenset[str]] = {}


def stopwords() -> frozenset[str]:
    """Folded stopwords from data/stopwords.txt (``#`` comments allowed)."""
    sw = _stopwords_cache.get("sw")
    if sw is None:
        words = set()
        for line in STOPWORDS_FILE.read_text(encoding="utf-8-sig").splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                words.update(fold(w) for w in line.split())
        sw = _stopwords_cache["sw"] = frozenset(words)
    return sw




def dictionary_version() -> str:
    """Short hash of everything that decides the tokens.

    Covers the analysis scheme, the segmenter's and OpenCC's versions (fold),
    the shipped dictionary, the stopwords and the content of the
    ``RSEARCH_USER_DICT`` file, whose lines are checked (DictionaryError).
    Cheap: nothing is loaded.
    """
    h = hashlib.sha256()
    for part in ("scheme", ANALYSIS_SCHEME, "segmenter", SEGMENTER, metadata.version(SEGMENTER),
                 "opencc", metadata.version("opencc")):
        h.update(part.encode() + b"\0")
    for label, path in (("shipped", SHIPPED_DICT), ("stopwords", STOPWORDS_FILE)):
        h.update(label.encode() + b"\0" + path.read_bytes() + b"\0")
    user = _user_dict_path()
    h.update(b"user\0")
    if user is not None:
        # Checked, not just hashed: the indexer asks for this version before
        # it creates anything, so a bad dictionary stops it there.
        text = _user_dict_text(user)
        _check_lines(text, _user_source(user))
        h.update(text.encode("utf-8"))
    h.update(b"\0")
    return h.hexdigest()[:12]

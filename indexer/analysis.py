"""Chinese text analysis shared by indexing and querying.

Elasticsearch here has only its built-in analyzers, so every piece of Chinese
analysis happens in this module, and the indexer and the query side both call
it: they cannot drift apart. For one field of a chunk the indexer stores

* ``text``          the ``normalize()``d original (shown and highlighted);
* ``<field>_chars`` :func:`char_tokens` -- one token per non-space character
  of :func:`fold` (text), space-joined, analysed by ES ``whitespace``. A
  phrase query over these tokens finds ANY verbatim substring, whatever the
  dictionary says (this is the never-miss guarantee);
* ``<field>_words`` :func:`word_tokens` -- jieba search-mode words of the
  folded text, space-joined, analysed by ``whitespace``; BM25 over these
  makes whole-word matches rank above mere character matches.
* ``<field>_bigrams`` :func:`bigram_tokens` -- overlapping CJK character
  bigrams of the folded text (what ``cjk_bigram`` makes), space-joined,
  analysed by ``whitespace``; BM25 over these is a ranking signal that does
  not depend on the dictionary.

:func:`fold` is the cross-script, case-insensitive view of a text: per
character traditional -> simplified (derived from OpenCC ``t2s``) and lower
case (Latin, and any other cased script: Greek, Cyrillic). It is LENGTH-PRESERVING (``fold(t)[i]`` corresponds to ``t[i]``)
and SUBSTRING-CONSISTENT (``fold(t[i:j]) == fold(t)[i:j]``), so a match found
in ``fold(text)`` maps back to the same positions of ``text`` for
highlighting. It is also idempotent.

Query side: :func:`query_units` splits one query word into precise-mode
segments, each a contiguous substring of ``fold(term)``, so if the query
occurs verbatim in a chunk, every unit does too.

Segmenter: jieba's dictionary and algorithm, run by ``rjieba`` (the Rust
port, default) or by ``jieba`` (pure Python); ``RSEARCH_SEGMENTER=jieba|rjieba``
selects. rjieba's output is corrected where jieba-rs differs from jieba (see
the comment above ``_py_split``), and both backends are given the same words
with the same frequencies, so they give identical ``cut`` and
``cut_for_search`` tokens: checked on the seeds, the 256 CMRC 2018 trial
passages and 20,000 random mixed strings by ``bench/bench_segmenter.py``,
and by the tests. The shipped domain dictionary ``data/user_dict.txt`` is
loaded first, then the user's own file named by ``RSEARCH_USER_DICT`` (same
format: ``word [freq] [tag]`` per line, ``#`` starts a comment).
:func:`dictionary_version` hashes everything that changes the tokens, so the
index can record it and the CLI can ask for a rebuild when it changes.

Why rjieba and the HMM (bench/bench_segmenter.py, 2-core machine shared with
other jobs, so figures vary by ~30%):

* cold start, fresh process to the first ``query_units`` (OpenCC, dictionary,
  shipped and user dictionaries): rjieba 0.14-0.20 s, jieba 0.9-1.4 s -- only
  rjieba fits a 0.5 s CLI search next to the Elasticsearch client's ~0.25 s
  import;
* ``word_tokens`` throughput (fold + search mode + filtering): rjieba ~3.8
  MB/s on CMRC and ~5 MB/s on the seeds, jieba 0.3-0.6 MB/s;
* HMM on: 25 of 30 person names of the seeds become one query unit that is
  also a word token of its report (HMM off: 4 of 30); multi-character query
  units found among the report's word tokens 52% vs 46% (seeds), 48% vs 38%
  (CMRC); it costs ~15% of word_tokens throughput (CMRC 3.8 vs 4.5 MB/s).

fold uses a lazily filled per-character cache: the first OpenCC use costs
~0.02 s and each new character ~10 us (a typical query pays only the load),
while a full table of the 28,096 BMP ideographs costs 0.01-0.04 s more
before the first query (0.1 s one call per character).

Everything heavy (OpenCC, the segmenter and its dictionary) loads on first
use; importing this module costs only the standard library (~15-25 ms by
``python -X importtime``, most of it ``dataclasses``).
"""

from __future__ import annotations

import functools
import os
import re
import sys
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from rsearch.errors import ConfigError

__all__ = [
    "Analyzed",
    "DictionaryError",
    "analyze",
    "bigram_tokens",
    "char_tokens",
    "check_user_dict",
    "dictionary_version",
    "fold",
    "parse_dict",
    "query_units",
    "reset",
    "segmenter_name",
    "stopwords",
    "word_tokens",
]

DATA_DIR = Path(__file__).resolve().parent / "data"
SHIPPED_DICT = DATA_DIR / "user_dict.txt"
STOPWORDS_FILE = DATA_DIR / "stopwords.txt"

ENV_USER_DICT = "RSEARCH_USER_DICT"
ENV_SEGMENTER = "RSEARCH_SEGMENTER"
SEGMENTERS = ("rjieba", "jieba")
DEFAULT_SEGMENTER = "rjieba"

# HMM discovery of out-of-vocabulary words (person names, new place names) is
# on for both modes; bench/bench_segmenter.py has the figures.
HMM = True

# Bump when the analysis code changes in a way that changes tokens (it is part
# of dictionary_version(), so old indexes are reported stale).
ANALYSIS_SCHEME = "1"

_lock = threading.RLock()


# --------------------------------------------------------------------- fold


class _FoldTable(dict):
    """code point -> folded code point, filled lazily for str.translate.

    A miss converts the one character with OpenCC ``t2s`` (kept only if the
    result is exactly one character), repeats that until it stops changing (so
    fold is idempotent: OpenCC maps 薴 -> 苧 and 苧 -> 苎), then lowercases it
    when lowercasing keeps one character (U+0130 İ would become two, so it
    stays). Every seen character is cached, identities included, so a warm
    table never raises inside translate.
    """

    def __missing__(self, cp: int) -> int:
        ch = chr(cp)
        out = ch
        if cp >= 0x80 and not 0xD800 <= cp <= 0xDFFF:  # lone surrogates stay
            convert = _converter()
            for _ in range(4):
                conv = convert(out)
                if len(conv) != 1 or conv == out:
                    break
                out = conv
        low = out.lower()
        if len(low) == 1:
            out = low
        res = ord(out)
        self[cp] = res
        return res


_FOLD = _FoldTable()
_opencc_convert = None


def _converter():
    global _opencc_convert
    if _opencc_convert is None:
        with _lock:
            if _opencc_convert is None:
                import opencc

                _opencc_convert = opencc.OpenCC("t2s").convert
    return _opencc_convert


def fold(text: str) -> str:
    """Per-character traditional -> simplified, and lower case.

    ``len(fold(t)) == len(t)`` and ``fold(t[i:j]) == fold(t)[i:j]``.
    ``fold('黨史學習教育') == '党史学习教育'``.
    """
    return text.translate(_FOLD)


# ---------------------------------------------------------------- segmenter


class _Segmenter:
    """One jieba-compatible backend with the dictionaries loaded."""

    name: str

    def cut(self, text: str) -> list[str]:  # precise mode
        raise NotImplementedError

    def cut_for_search(self, text: str) -> list[str]:
        raise NotImplementedError

    def add_word(self, word: str, freq: int | None, tag: str | None) -> None:
        raise NotImplementedError


def _load_rjieba_class():
    """rjieba.Jieba without running ``rjieba/__init__.py``.

    That file builds a module-level default instance with the whole default
    dictionary (~0.1 s), and we want our own instance, not a shared mutable
    global: loading the extension module directly halves the cold start.
    The extension module is registered under its own name, so a later
    ``import rjieba`` elsewhere reuses it instead of initialising it twice.
    Falls back to a plain import when the layout is not the expected one.
    """
    import importlib.machinery
    import importlib.util

    for loaded in ("rjieba.rjieba", "rjieba"):
        if loaded in sys.modules:
            return sys.modules[loaded].Jieba
    try:
        spec = importlib.util.find_spec("rjieba")
        if spec is not None and spec.submodule_search_locations:
            for folder in spec.submodule_search_locations:
                for suffix in importlib.machinery.EXTENSION_SUFFIXES:
                    path = os.path.join(folder, "rjieba" + suffix)
                    if os.path.isfile(path):
                        loader = importlib.machinery.ExtensionFileLoader("rjieba.rjieba", path)
                        ext_spec = importlib.util.spec_from_file_location(
                            "rjieba.rjieba", path, loader=loader
                        )
                        module = importlib.util.module_from_spec(ext_spec)
                        loader.exec_module(module)
                        sys.modules["rjieba.rjieba"] = module
                        return module.Jieba
    except (ImportError, OSError):  # pragma: no cover - unusual installs
        pass
    import rjieba  # pragma: no cover

    return rjieba.Jieba  # pragma: no cover


# jieba (Python) and rjieba 0.2.2 (jieba-rs) share the dictionary and the
# algorithm but differ in these details; rjieba's output is brought to
# jieba's here and bench/bench_segmenter.py checks the result is identical
# (without the corrections, 136 of 512 cut/cut_for_search results on the CMRC
# passages differed):
#  1. Non-Chinese runs left to the HMM: jieba splits them with
#     _PY_SKIP and yields the gaps whole ("jean-pierre" -> jean / - / pierre,
#     "1.2.3" -> 1.2 / . / 3); jieba-rs keeps "jean-pierre", "1.2.3", "t-92"
#     whole. Ideographs outside jieba's Han range U+4E00-U+9FD5 (extension
#     A, U+9FD6-U+9FFF, compatibility and supplementary ideographs) end a
#     block and are single tokens in jieba (so a dictionary word containing
#     one is never found); jieba-rs segments them with their neighbours,
#     which also changes the HMM's view of the Chinese around them. rjieba
#     therefore gets the text in pieces split at those characters.
#  2. Search mode: jieba-rs 0.2.2 also yields the parts of such compounds
#     ("jean", "pierre"); jieba only dictionary 2- and 3-grams. The grams are
#     therefore computed here, from the corrected precise-mode words.
#  3. Dictionary bookkeeping, where _PyJieba follows jieba-rs instead: the
#     total of frequencies (jieba counts dict.txt's duplicate "B超" line
#     twice; re-adding a known word adds its new frequency without removing
#     the old one) and the frequency suggested for an entry given without
#     one (jieba multiplies probabilities and rounds differently from
#     jieba-rs's log-space sum: 中原区 got 4 from one, 5 from the other).
# Ideographs jieba-rs segments like Chinese but jieba does not (extension A,
# U+9FD6-U+9FFF, compatibility, supplementary planes).
_PY_NOT_HAN = "([\u3400-\u4dbf\u9fd6-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]+)"
_PY_BLOCK = r"([a-zA-Z0-9+#&._%\-]+)"  # jieba's re_han_default less Han
_PY_SKIP = r"([a-zA-Z0-9]+(?:\.\d+)?%?)"  # jieba.finalseg.re_skip
# Only a token mixing Latin letters or digits with these signs can differ.
_PY_MIXED = r"[a-zA-Z0-9][+#&._%\-]|[+#&._%\-][a-zA-Z0-9]"


@functools.cache
def _re(pattern: str) -> re.Pattern[str]:
    """Compiled on first use: keeps ``import indexer.analysis`` cheap."""
    return re.compile(pattern)


def _py_split(token: str) -> list[str]:
    """How jieba cuts a non-dictionary run of non-Chinese characters."""
    out: list[str] = []
    block = _re(_PY_BLOCK)
    for part in block.split(token):
        if not part:
            continue
        if block.fullmatch(part):
            out.extend(p for p in _re(_PY_SKIP).split(part) if p)
        else:
            out.extend(part)  # one token per character
    return out


class _RJieba(_Segmenter):
    name = "rjieba"

    def __init__(self) -> None:
        self._jieba = _load_rjieba_class()()
        self._grams: dict[str, tuple[str, ...]] = {}

    def cut(self, text: str) -> list[str]:
        not_han = _re(_PY_NOT_HAN)
        if not_han.search(text) is None:
            words = self._jieba.cut(text, HMM)
        else:
            # jieba's blocks end at these characters and each is one token.
            words = []
            for i, piece in enumerate(not_han.split(text)):
                if i % 2:
                    words.extend(piece)
                elif piece:
                    words.extend(self._jieba.cut(piece, HMM))
        if _re(_PY_MIXED).search(text) is None:
            return words
        has_word = self._jieba.has_word
        out = None
        for i, w in enumerate(words):
            if len(w) > 1 and w.isascii() and not w.isalnum() and not w.isspace():
                parts = _py_split(w)
                if len(parts) > 1 and not has_word(w):
                    if out is None:
                        out = words[:i]
                    out.extend(parts)
                    continue
            if out is not None:
                out.append(w)
        return words if out is None else out

    def _grams_of(self, word: str) -> tuple[str, ...]:
        grams = self._grams.get(word)
        if grams is None:
            has_word = self._jieba.has_word
            n = len(word)
            found = [word[i : i + 2] for i in range(n - 1) if has_word(word[i : i + 2])]
            if n > 3:
                found += [word[i : i + 3] for i in range(n - 2) if has_word(word[i : i + 3])]
            grams = tuple(found)
            if len(self._grams) > 500_000:
                self._grams.clear()
            self._grams[word] = grams
        return grams

    def cut_for_search(self, text: str) -> list[str]:
        out: list[str] = []
        for w in self.cut(text):
            if len(w) > 2:
                out.extend(self._grams_of(w))
            out.append(w)
        return out

    def add_word(self, word: str, freq: int | None, tag: str | None) -> None:
        self._jieba.add_word(word, freq, tag)
        self._grams.clear()


class _PyJieba(_Segmenter):
    name = "jieba"

    def __init__(self) -> None:
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        tok = jieba.Tokenizer()
        tok.initialize()
        # jieba-rs's total counts each word once; jieba's counts dict.txt's
        # duplicate line twice.
        tok.total = sum(tok.FREQ.values())
        self._jieba = tok

    def cut(self, text: str) -> list[str]:
        return list(self._jieba.cut(text, HMM=HMM))

    def cut_for_search(self, text: str) -> list[str]:
        return list(self._jieba.cut_for_search(text, HMM=HMM))

    def _suggest_freq(self, word: str) -> int:
        """jieba-rs's suggest_freq (same rule as jieba's, in log space)."""
        import math

        freq = self._jieba.FREQ
        logtotal = math.log(self._jieba.total)
        logfreq = 0.0
        for seg in self._jieba.cut(word, HMM=False):
            logfreq = logfreq + (math.log(freq.get(seg) or 1) - logtotal)
        return max(int(math.exp(logfreq + logtotal)) + 1, freq.get(word) or 1)

    def add_word(self, word: str, freq: int | None, tag: str | None) -> None:
        if freq is None:
            freq = self._suggest_freq(word)
        old = self._jieba.FREQ.get(word) or 0
        self._jieba.add_word(word, freq, tag)
        # jieba adds freq to the total; jieba-rs replaces the old frequency.
        self._jieba.total -= old


_BACKENDS = {"rjieba": _RJieba, "jieba": _PyJieba}
_segmenters: dict[str, _Segmenter] = {}


def segmenter_name() -> str:
    """The backend selected by ``RSEARCH_SEGMENTER`` (default rjieba)."""
    name = os.environ.get(ENV_SEGMENTER, "").strip().lower() or DEFAULT_SEGMENTER
    if name not in _BACKENDS:
        raise ConfigError(f"{ENV_SEGMENTER}={name!r} is not a segmenter: set it to one of "
                          f"{', '.join(SEGMENTERS)}, or unset it (default {DEFAULT_SEGMENTER})")
    return name


def _user_dict_path() -> Path | None:
    value = os.environ.get(ENV_USER_DICT, "").strip()
    return Path(value).expanduser() if value else None


def _segmenter(name: str | None = None) -> _Segmenter:
    """The loaded segmenter (cached per backend and user-dictionary path)."""
    name = name or segmenter_name()
    user = _user_dict_path()
    key = f"{name}\0{user}"
    seg = _segmenters.get(key)
    if seg is None:
        with _lock:
            seg = _segmenters.get(key)
            if seg is None:
                # Both files are read and checked before the backend loads,
                # so a bad user dictionary fails fast with its line number.
                entries = parse_dict(_read_text(SHIPPED_DICT), source=str(SHIPPED_DICT))
                if user is not None:
                    entries += parse_dict(_user_dict_text(user), source=_user_source(user))
                seg = _BACKENDS[name]()
                for word, freq, tag in entries:
                    seg.add_word(word, freq, tag)
                _segmenters[key] = seg
    return seg


def reset() -> None:
    """Forget loaded segmenters and stopwords (after a dictionary change)."""
    with _lock:
        _segmenters.clear()
        _stopwords_cache.clear()
        _kept.clear()
        _dropped.clear()


_DICT_LINE = r"^(\S+)(?:\s+(\d+))?(?:\s+([A-Za-z]+))?\s*$"
# Frequencies are word counts (dict.txt's largest is ~900,000); the backends
# keep them in machine integers, so an absurd one is refused, not wrapped.
MAX_FREQ = 10**9


class DictionaryError(ConfigError):
    """A dictionary file that cannot be used; the message names file and line."""


def _user_source(path: Path) -> str:
    return f"{ENV_USER_DICT}={path}"


def _user_dict_text(path: Path) -> str:
    """The user dictionary's text, or DictionaryError saying what is wrong."""
    where = _user_source(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DictionaryError(f"{where}: no such file: create it (one 'word [freq] [tag]' per line) "
                              f"or unset {ENV_USER_DICT}") from None
    except OSError as err:
        raise DictionaryError(f"{where}: cannot read it ({err.strerror or err}): fix the path "
                              f"or unset {ENV_USER_DICT}") from None
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
        m = _re(_DICT_LINE).match(line)
        if m is None:
            raise DictionaryError(f"{source} line {lineno}: {_shown(raw)} is not 'word [freq] [tag]' "
                                  "(freq a whole number, tag letters, e.g. '绣花功夫 10 n')")
        word, freq, tag = m.groups()
        if freq is not None and not 1 <= int(freq) <= MAX_FREQ:
            # jieba would read 0 as "always split" (a process-wide setting of
            # its HMM module) and jieba-rs as an unusable word: refuse both.
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


def _read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8-sig")


# ---------------------------------------------------------------- stopwords

_stopwords_cache: dict[str, frozenset[str]] = {}


def stopwords() -> frozenset[str]:
    """Folded stopwords from data/stopwords.txt (``#`` comments allowed)."""
    sw = _stopwords_cache.get("sw")
    if sw is None:
        words = set()
        for line in _read_text(STOPWORDS_FILE).splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                words.update(fold(w) for w in line.split())
        sw = _stopwords_cache["sw"] = frozenset(words)
    return sw


# ----------------------------------------------------------------- analysis


def _is_junk(token: str) -> bool:
    """Whitespace-only or punctuation/symbol-only token."""
    return all(ch.isspace() or unicodedata.category(ch)[0] in "PSZ" for ch in token)


# Tokens already classified for word_tokens: kept (not junk, not a stopword)
# or dropped. Tokens repeat a lot, so set lookups in one comprehension save
# most of the per-token work.
_kept: set[str] = set()
_dropped: set[str] = set()


def _classify(token: str) -> bool:
    if len(_kept) + len(_dropped) > 1_000_000:
        _kept.clear()
        _dropped.clear()
    keep = token not in stopwords() and not _is_junk(token)
    (_kept if keep else _dropped).add(token)
    return keep


def _keep(tokens: list[str]) -> list[str]:
    kept, dropped = _kept, _dropped
    return [t for t in tokens if t in kept or (t not in dropped and _classify(t))]


# A single line break between two Chinese characters is a hard wrap (PDF and
# newspaper columns: "西\n关办事处"); the word segmenter sees the line joined.
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HARD_WRAP = rf"(?<=[{_CJK}])[ \t]*\n[ \t]*(?=[{_CJK}])"


def char_tokens(text: str) -> str:
    """The characters of ``fold(text)``, whitespace dropped, space-joined."""
    return " ".join("".join(fold(text).split()))


# Scripts Lucene's CJKBigramFilter pairs up: Han (with extension A,
# compatibility and supplementary ideographs), hiragana, katakana, hangul.
_BIGRAM_SCRIPT = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff"
# One CJK run, or one run of other letters/digits (a Latin word, a number).
_BIGRAM_RUN = rf"([{_BIGRAM_SCRIPT}]+)|(?:(?![{_BIGRAM_SCRIPT}])[^\W_])+"


def bigram_tokens(text: str) -> list[str]:
    """Overlapping character bigrams of each CJK run of ``fold(text)``.

    What Lucene's CJKAnalyzer / Elasticsearch's ``cjk_bigram`` filter make
    (the test distribution lacks that filter, so it is done here): every two
    adjacent CJK characters are one token (党史学习 -> 党史 史学 学习), a CJK
    character with no CJK neighbour is a token of its own, and other runs of
    letters or digits are whole tokens (lower case, as fold makes them).
    Punctuation and white space end a run, except a hard line wrap between
    two Chinese characters, which is joined as for :func:`word_tokens`.
    """
    return _bigrams_of_folded(fold(text))


def _bigrams_of_folded(folded: str) -> list[str]:
    folded = _re(_HARD_WRAP).sub("", folded)
    out: list[str] = []
    for m in _re(_BIGRAM_RUN).finditer(folded):
        run = m.group(1)
        if run is None or len(run) == 1:
            out.append(m.group(0))
        else:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


def word_tokens(text: str) -> list[str]:
    """jieba search-mode tokens of ``fold(text)``.

    Long words also yield their dictionary sub-words (中华人民共和国 -> 中华,
    华人, 人民, 共和, 共和国, 中华人民共和国). Whitespace and pure punctuation
    tokens and stopwords are dropped; Latin is lower case (fold).
    """
    return _words_of_folded(fold(text))


def _words_of_folded(folded: str) -> list[str]:
    return _keep(_segmenter().cut_for_search(_re(_HARD_WRAP).sub("", folded)))


def query_units(term: str) -> list[str]:
    """Precise-mode segments of one (normalised) query word.

    Whitespace/punctuation tokens and stopwords are dropped, unless every
    remaining token is a stopword (a query for ``的`` still finds ``的``); a
    term of punctuation only keeps its punctuation tokens (``《``), so the
    result is empty only for an empty or all-space term. Each unit is a
    contiguous substring of ``fold(term)``.
    """
    tokens = [t for t in _segmenter().cut(fold(term)) if t.strip()]
    words = [t for t in tokens if not _is_junk(t)]
    sw = stopwords()
    return [t for t in words if t not in sw] or words or tokens


@dataclass(frozen=True)
class Analyzed:
    """What the indexer stores for one text field besides the text itself."""

    chars: str  # -> <field>_chars
    words: str  # -> <field>_words
    bigrams: str  # -> <field>_bigrams


def analyze(text: str) -> Analyzed:
    """Char, word and bigram tokens of one field, each space-joined."""
    folded = fold(text)  # once for all three (fold is idempotent)
    return Analyzed(chars=" ".join("".join(folded.split())), words=" ".join(_words_of_folded(folded)),
                    bigrams=" ".join(_bigrams_of_folded(folded)))


# ------------------------------------------------------------------ version


@functools.cache
def _dist_version(dist: str) -> str:
    """Installed version of a distribution.

    Read from the ``<name>-<version>.dist-info`` folder name on sys.path
    (a directory listing) before falling back to importlib.metadata, whose
    import alone costs ~25 ms of a CLI search.
    """
    wanted = re.sub(r"[-_.]+", "_", dist).lower()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                project, _, version = name[: -len(".dist-info")].partition("-")
                if re.sub(r"[-_.]+", "_", project).lower() == wanted and version:
                    return version
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:  # pragma: no cover
        return "unknown"


def dictionary_version() -> str:
    """Short hash of everything that decides the tokens.

    Covers the analysis scheme, the segmenter backend and its version, the
    OpenCC version (fold), the shipped dictionary, the stopwords and the
    content of the ``RSEARCH_USER_DICT`` file, whose lines are checked
    (DictionaryError). Cheap: nothing is loaded.
    """
    import hashlib

    name = segmenter_name()
    h = hashlib.sha256()
    parts = [
        "scheme", ANALYSIS_SCHEME,
        "segmenter", name, _dist_version(name), f"hmm={HMM}",
        "opencc", _dist_version("opencc"),
    ]
    for part in parts:
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

"""The word table (core.text.wordtable) and the partial segmenter over it
(core.text.partial, chosen by core.text.wordcache): the same tokens as the
fully loaded dictionary, and every way the cache can be missing, stale,
damaged or unwritable still gives them."""

from __future__ import annotations

import json
import logging
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings as hsettings
from hypothesis import strategies as st

from rsearch.core import analysis as A
from rsearch.core import settings as core_settings
from rsearch.core.text import dictionary, wordcache, wordtable
from rsearch.core.text.partial import PartialRJieba
from paths import REPO, SEED_FILES

# With and without frequencies, a traditional entry (folded on load), a word
# jieba knows re-added, a long one, Latin with signs.
USER_DICT = """\
王逢伟
彭传喜 nr
黨史學習教育領導小組辦公室 50 nt
中原区 3000 ns
西关 20
环保志愿服务队
中华人民共和国国家发展和改革委员会办公厅 7
wi-fi 30
"""


@pytest.fixture(scope="module")
def default_table(tmp_path_factory):
    """The default dictionary's table, built once for the module."""
    directory = tmp_path_factory.mktemp("default-table")
    mp = pytest.MonkeyPatch()
    mp.delenv(core_settings.ENV_USER_DICT, raising=False)
    mp.delenv(core_settings.ENV_SEGMENTER, raising=False)
    mp.setenv(core_settings.ENV_CACHE_DIR, str(directory))
    path = wordcache.ensure_word_table()
    mp.undo()
    assert path is not None and path.parent == directory
    return path


@pytest.fixture(autouse=True)
def _env(monkeypatch, tmp_path):
    monkeypatch.delenv(core_settings.ENV_USER_DICT, raising=False)
    monkeypatch.delenv(core_settings.ENV_SEGMENTER, raising=False)
    monkeypatch.setenv(core_settings.ENV_CACHE_DIR, str(tmp_path / "cache"))
    wordcache.reset()
    yield
    A.reset()


@pytest.fixture
def table(default_table):
    """The default table in this test's cache directory; the full dictionary not loaded."""
    directory = core_settings.cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / default_table.name
    shutil.copyfile(default_table, path)
    assert wordcache.table_file() == path
    A.reset()
    return path


def _no_fail(err):
    raise AssertionError(f"the table failed: {err}")


def partial() -> PartialRJieba:
    """A fresh partial segmenter over the current dictionary's table."""
    fp = wordcache.fingerprint("rjieba")
    return PartialRJieba(wordtable.WordTable(wordtable.table_path(core_settings.cache_dir(), fp), fp), _no_fail)


def texts() -> list[str]:
    """Short queries and long passages: substrings of the seeds of many
    lengths, dictionary words in and out of context, random mixed strings."""
    rnd = random.Random(12)
    seeds = [A.fold(A.normalize(p.read_text(encoding="utf-8"))) for p in SEED_FILES]
    out = []
    for text in seeds:
        for _ in range(150):
            n = rnd.choice([1, 2, 2, 3, 3, 4, 5, 6, 8, 12, 25, 60])
            i = rnd.randrange(0, max(1, len(text) - n))
            out.append(text[i : i + n])
        out.append(text[:1000])
    words = list(wordtable.read_base_dict(wordtable.base_dict_path()))
    han = sorted({c for t in seeds for c in t if "\u4e00" <= c <= "\u9fff"})
    for _ in range(200):
        w = rnd.choice(words)
        out.append(w)
        out.append(rnd.choice(han) + w + rnd.choice(han) + rnd.choice(words))
    rare = ["䶮", "㐀", "鿖", "豈", "𠮷", "𡚸"]
    latin = list("abcxyzABCT0123456789") + list(".-_%+#&") * 2 + [" ", "  "]
    punct = list("，。、：；！？“”（）《》—…·\n")
    for _ in range(800):
        parts = []
        for _ in range(rnd.randint(1, 30)):
            k = rnd.random()
            pool = han if k < 0.55 else rare if k < 0.6 else latin if k < 0.9 else punct
            parts.append(rnd.choice(pool))
        out.append("".join(parts))
    return out


def assert_same_cuts(full, make_partial, cases: list[str]) -> None:
    grown = make_partial()  # one that accumulates every text's words
    fresh = None
    for k, text in enumerate(cases):
        if k % 100 == 0:  # and fresh ones, that have seen a few texts only
            fresh = make_partial()
        for seg in (fresh, grown):
            assert seg.cut(text) == full.cut(text), text
            assert seg.cut_for_search(text) == full.cut_for_search(text), text


def test_partial_cuts_like_the_loaded_dictionary(table):
    assert_same_cuts(A.segmenter("rjieba"), partial, texts())


def test_partial_cuts_like_the_loaded_dictionary_with_a_user_dictionary(tmp_path, monkeypatch):
    user = tmp_path / "user.txt"
    user.write_text(USER_DICT, encoding="utf-8")
    monkeypatch.setenv(core_settings.ENV_USER_DICT, str(user))
    assert wordcache.ensure_word_table() is not None
    full = A.segmenter("rjieba")
    contexts = ["在王逢伟和彭传喜之间", "党史学习教育领导小组办公室召开会议", "中原区西关环保志愿服务队",
                "中华人民共和国国家发展和改革委员会办公厅发布", "连上wi-fi了", "王逢伟", "西关"]
    assert "王逢伟" in full.cut("在王逢伟和彭传喜之间")  # the user's words are in play
    assert_same_cuts(full, partial, contexts + texts()[::4])


def test_partial_cuts_like_the_python_jieba_backend(table):
    # The two backends are meant to be identical (bench/bench_segmenter.py);
    # the partial segmenter must be too.
    assert_same_cuts(A.segmenter("jieba"), partial, texts()[::6])


@hsettings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.one_of(st.sampled_from(list("党史学习教育中华人民共和国长春市长节和尚未结婚的研究生命起源")),
                                  st.sampled_from(list("ab1.-_% ，。")), st.characters(blacklist_categories=("Cs",))),
               max_size=30))
def test_partial_cuts_like_the_loaded_dictionary_on_generated_text(table, text):
    seg = partial()
    full = A.segmenter("rjieba")
    assert seg.cut(text) == full.cut(text)
    assert seg.cut_for_search(text) == full.cut_for_search(text)


QUERIES = ["党史", "党史学习教育", "黨史學習教育", "西工区 为民办实事", "走深走实", "covid-19 疫情", "c++", "的",
           "长春市长春节讲话", "《》", "a", "乡村振兴战略规划"]


def query_tokens():
    return [(A.query_units(q), A.query_words(q)) for q in QUERIES]


def test_queries_use_the_table_without_loading_the_dictionary(table):
    got = query_tokens()
    assert dictionary.loaded("rjieba") is None
    A.segmenter("rjieba")  # now the full dictionary, which a query then uses
    assert query_tokens() == got and not isinstance(wordcache.query_segmenter(), PartialRJieba)
    A.reset()
    assert query_tokens() == got
    assert isinstance(wordcache.query_segmenter(), PartialRJieba)
    assert not wordcache.table_wanted()


def test_no_table_loads_the_dictionary_and_asks_for_one(caplog):
    assert not wordcache.table_file().exists()
    with caplog.at_level(logging.WARNING):
        first = query_tokens()
    assert caplog.records == []  # a cold cache is normal: nothing said
    assert dictionary.loaded("rjieba") is not None and wordcache.table_wanted()
    assert wordcache.ensure_word_table() == wordcache.table_file()
    assert not wordcache.table_wanted()
    A.reset()
    assert query_tokens() == first
    assert dictionary.loaded("rjieba") is None


def _damage_garbage(path: Path) -> None:
    path.write_bytes(b"not a table at all\n" * 100)


def _damage_truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _damage_flip_every_bucket(path: Path) -> None:
    # Same size, one bit changed in every bucket: only the CRCs can tell.
    data = bytearray(path.read_bytes())
    with open(path, "rb") as fh:
        fh.read(len(wordtable.MAGIC))
        fh.readline()
        slots = fh.read(wordtable.BUCKETS * wordtable._SLOT.size)
    for k in range(wordtable.BUCKETS):
        offset, size, _ = wordtable._SLOT.unpack_from(slots, k * wordtable._SLOT.size)
        if size > 8:
            data[offset + size // 2] ^= 0x10
    path.write_bytes(bytes(data))


def _damage_other_fingerprint(path: Path) -> None:
    data = path.read_bytes()
    fp = path.name[len(wordtable.PREFIX) : -len(wordtable.SUFFIX)]
    path.write_bytes(data.replace(fp.encode(), b"0" * len(fp), 1))


def _damage_directory(path: Path) -> None:
    path.unlink()
    path.mkdir()


@pytest.mark.parametrize("damage", [_damage_garbage, _damage_truncate, _damage_flip_every_bucket,
                                    _damage_other_fingerprint, _damage_directory])
def test_a_damaged_table_gives_the_same_tokens_and_one_line(table, damage, caplog):
    path = table
    A.segmenter("rjieba")
    expected = query_tokens()  # with the full dictionary
    A.reset()
    damage(path)
    with caplog.at_level(logging.WARNING):
        assert query_tokens() == expected
    assert len(caplog.records) <= 1
    assert all("dictionary cache unusable" in r.getMessage() and "\n" not in r.getMessage() for r in caplog.records)
    assert wordcache.table_wanted()
    if damage is not _damage_directory:
        # Rebuilt in place; the next process uses it again.
        assert wordcache.ensure_word_table() == path
        A.reset()
        assert query_tokens() == expected
        assert dictionary.loaded("rjieba") is None


def test_a_changed_user_dictionary_is_a_new_table(table, tmp_path, monkeypatch):
    old = table
    user = tmp_path / "user.txt"
    user.write_text("党史学 5\n", encoding="utf-8")
    monkeypatch.setenv(core_settings.ENV_USER_DICT, str(user))
    A.reset()
    assert wordcache.table_file() != old
    with_user = A.query_units("党史学")
    assert with_user == ["党史学"]  # from the user's dictionary: the stale table was not used
    assert wordcache.table_wanted()
    new = wordcache.ensure_word_table()
    assert new.exists() and old.exists()  # kept: switching back costs no rebuild
    A.reset()
    assert A.query_units("党史学") == with_user and dictionary.loaded("rjieba") is None
    user.write_text("党史学 5\n习教 9\n", encoding="utf-8")  # edited in place: another table again
    A.reset()
    assert wordcache.table_file() != new
    assert A.query_units("学习教育") != [] and wordcache.table_wanted()


def _unwritable_directory(tmp_path: Path) -> Path:
    if os.geteuid() != 0:  # a read-only directory (root could write it anyway)
        directory = tmp_path / "read-only"
        directory.mkdir()
        directory.chmod(0o555)
        return directory
    blocker = tmp_path / "a-file"  # a file where a directory would have to be made
    blocker.write_text("x")
    return blocker / "cache"


def test_an_unwritable_cache_directory_says_so_once(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv(core_settings.ENV_CACHE_DIR, str(_unwritable_directory(tmp_path)))
    from rsearch.core.text import foldtable

    def no_work(*args):
        raise AssertionError("computed a table that cannot be written")

    monkeypatch.setattr(foldtable, "compute", no_work)
    monkeypatch.setattr(wordtable, "read_base_dict", no_work)
    with caplog.at_level(logging.WARNING):
        first = query_tokens()
        assert wordcache.ensure_word_table() is None
        wordcache.ensure_cache()
        assert foldtable.ensure() is None
    assert len(caplog.records) == 1
    assert "cannot write the dictionary cache" in caplog.records[0].getMessage()
    assert core_settings.ENV_CACHE_DIR in caplog.records[0].getMessage()
    A.reset()
    assert query_tokens() == first


def test_the_jieba_backend_loads_its_dictionary(monkeypatch):
    monkeypatch.setenv(core_settings.ENV_SEGMENTER, "jieba")
    assert wordcache.ensure_word_table() is None
    seg = wordcache.query_segmenter()
    assert seg.name == "jieba" and not isinstance(seg, PartialRJieba)


def test_lone_characters_need_no_table():
    # A test double of the table that fails if asked anything.
    class Refusing:
        total, longest = 60_000_000, 16

        def words_starting(self, ch):
            raise AssertionError("looked up")

    seg = PartialRJieba(Refusing(), _no_fail)
    full = A.segmenter("rjieba")
    for text in ["党", "党 史", "a b c", "《", " 人 "]:
        assert seg.cut(text) == full.cut(text)


def test_writing_is_atomic_and_keeps_the_newest_tables(tmp_path):
    directory = tmp_path / "c"
    written = []
    for k in range(wordtable.KEEP + 2):
        written.append(wordtable.write_table(directory, f"fp{k}", {"党史": 5 + k, "党": 9}))
        os.utime(written[-1], (1000 + k, 1000 + k))  # distinct ages, oldest first
    second = written[-1]
    assert sorted(p.name for p in directory.iterdir()) == sorted(p.name for p in written[-wordtable.KEEP :])
    table = wordtable.WordTable(second, f"fp{wordtable.KEEP + 1}")
    assert table.total == 5 + wordtable.KEEP + 1 + 9
    assert table.words_starting("党")["党史"] == 5 + wordtable.KEEP + 1
    with pytest.raises(wordtable.TableError):
        wordtable.WordTable(second, "fp0")  # another dictionary's name


# ------------------------------------------------------------- the CLI, cold


# ------------------------------------------------------ fold's precomputed table

_FOLD_ALL = """
import json, sys
from rsearch.core.text import fold as F
if sys.argv[1] == "rule":
    F._FOLD.precomputed = False
text = "".join(chr(cp) for cp in range(0x10000) if not 0xD800 <= cp <= 0xDFFF) + "𠮷𡚸𪚥黨史學習"
out = F.fold(text)
print(json.dumps({"fold": out, "opencc": "opencc" in sys.modules, "complete": F._FOLD.complete_below}))
"""


def _fold_everything(mode: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", _FOLD_ALL, mode], capture_output=True, text=True, cwd=REPO,
                          env=dict(os.environ), timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_the_precomputed_fold_table_folds_as_the_rule_does():
    from rsearch.core.text import foldtable

    assert foldtable.ensure() == foldtable.table_path()
    by_rule = _fold_everything("rule")
    by_table = _fold_everything("table")
    assert by_rule["opencc"] and by_rule["complete"] == 0
    assert by_table["complete"] == 0x10000
    assert by_table["fold"] == by_rule["fold"]  # every BMP character, and a few beyond it
    assert by_table["fold"].endswith("𠮷𡚸𪚥党史学习")


def test_a_cold_query_needs_no_opencc_with_the_tables(table):
    from rsearch.core.text import foldtable

    foldtable.ensure()
    code = ("import sys; from core import analysis as A; "
            "print(A.query_units('黨史學習教育'), A.fold('西工區ABC'), 'opencc' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                          env=dict(os.environ), timeout=120)
    assert proc.stdout.strip() == "['党史学习教育'] 西工区abc False", proc.stderr


@pytest.mark.parametrize("damage", [b"", b"rsearch fold table\n123\nxyz", b"garbage\n"])
def test_a_damaged_fold_table_falls_back_to_opencc(damage):
    from rsearch.core.text import foldtable

    path = foldtable.ensure()
    path.write_bytes(path.read_bytes()[:100] if damage == b"" else damage)
    assert foldtable.load() is None and foldtable.wanted()
    assert _fold_everything("table") == {**_fold_everything("rule"), "complete": 0}
    assert foldtable.ensure() == path and foldtable.load() is not None

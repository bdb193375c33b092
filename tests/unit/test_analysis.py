"""Tests of core.analysis: fold, char/word tokens, query units and the
dictionaries."""

from __future__ import annotations

import re

import opencc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rsearch.core import analysis as A
from rsearch.core import settings as core_settings
from rsearch.core.analysis import normalize
from paths import SEED_FILES as SEEDS


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    """Each test sees no user dictionary."""
    monkeypatch.delenv(core_settings.ENV_USER_DICT, raising=False)
    yield
    A.reset()


def seed_texts() -> list[str]:
    return [normalize(p.read_text(encoding="utf-8")) for p in SEEDS]


# ---------------------------------------------------------------- fold

# Traditional and simplified Chinese, Latin of both cases (with characters
# whose lower case is longer or special), digits, punctuation, white space,
# rare ideographs outside the BMP and extension A.
MIXED = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("黨史學習教育與會國體開區辦實為眾羣這裡後發薴苧著乾")),
        st.sampled_from(list("党史学习教育与会国体开区办实为众群这里后发中华人民共和")),
        st.sampled_from(list("abcXYZÄÖÜßİıΣσςǅĲ")),
        st.sampled_from(list("0123456789")),
        st.sampled_from(list("，。、“”《》（）——…·.,;:!?-_%+#&@ \n\t")),
        st.sampled_from(["𠮷", "𡚸", "䶮", "㐀", "鿖", "豈"]),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(MIXED, st.data())
def test_fold_length_preserving_and_substring_consistent(s, data):
    f = A.fold(s)
    assert len(f) == len(s)
    i = data.draw(st.integers(0, len(s)))
    j = data.draw(st.integers(i, len(s)))
    assert A.fold(s[i:j]) == f[i:j]
    assert A.fold(f) == f  # idempotent


def test_fold_is_its_per_character_rule_on_every_bmp_character():
    """fold skips the characters it has seen fold to themselves (a regular
    expression) and looks up the rest: over every character of the Basic
    Multilingual Plane, in one text and one by one, that is exactly the rule
    -- OpenCC t2s while it gives one character, then lower case when that
    keeps one character -- and the result folds to itself."""
    t2s = opencc.OpenCC("t2s").convert

    def rule(ch: str) -> str:
        out = ch
        if ord(ch) >= 0x80:
            for _ in range(4):
                conv = t2s(out)
                if len(conv) != 1 or conv == out:
                    break
                out = conv
        low = out.lower()
        return low if len(low) == 1 else out

    chars = [chr(cp) for cp in range(0x10000) if not 0xD800 <= cp <= 0xDFFF]
    expected = "".join(map(rule, chars))
    assert A.fold("".join(chars)) == expected
    assert "".join(A.fold(ch) for ch in reversed(chars)) == expected[::-1]
    assert A.fold(expected) == expected
    assert sum(a != b for a, b in zip(chars, expected)) > 3000  # traditional -> simplified and case did apply


def test_fold_cross_script_and_case():
    assert A.fold("黨史學習教育") == "党史学习教育"
    assert A.fold("我為群眾辦實事") == "我为群众办实事"
    assert A.fold("党史学习教育") == "党史学习教育"  # simplified stays
    assert A.fold("ABC Xyz 2021年") == "abc xyz 2021年"
    # lower-casing that would change the length is not applied
    assert A.fold("İ") == "İ"
    # chains are followed to the end, so fold is idempotent
    assert A.fold("薴") == A.fold("苧") == "苎"


def test_traditional_query_meets_simplified_text():
    text = "西工区推动党史学习教育走深走实"
    for unit in A.query_units("黨史學習教育"):
        assert unit in A.fold(text)
    assert "党史学习教育" in A.word_tokens("西工區推動黨史學習教育走深走實")


# ---------------------------------------------------------- char tokens


def test_char_tokens():
    assert A.char_tokens("黨史 A1，\n学") == "党史 a1， 学"
    assert A.char_tokens("Machine \n\t Learning") == "machine learning"
    assert A.char_tokens("") == ""
    assert A.char_tokens(" \n ") == ""


@settings(max_examples=200, deadline=None)
@given(MIXED)
def test_char_tokens_are_fold_with_single_spaces(s):
    assert A.char_tokens(s).split() == A.fold(s).split()
    assert "  " not in A.char_tokens(s)


# ---------------------------------------------------------- query units


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MIXED, st.data())
def test_query_units_are_substrings_of_every_text_containing_the_term(text, data):
    i = data.draw(st.integers(0, len(text)))
    j = data.draw(st.integers(i, len(text)))
    term = text[i:j]
    units = A.query_units(term)
    for u in units:
        assert u and u in A.fold(term)
        assert u in A.fold(text)  # the never-miss guarantee
    if term.strip():
        assert units  # only an empty or all-space term has no unit


def test_query_units_precise_mode_and_stopwords():
    assert A.query_units("党史学习教育") == ["党史学习教育"]
    assert A.query_units("中华人民共和国") == ["中华人民共和国"]  # precise, not search mode
    assert A.query_units("群众的需求") == ["群众", "需求"]
    assert A.query_units("在社区") == ["社区"]
    assert A.query_units("学习，教育") == ["学习", "教育"]
    # only stopwords: they are kept, else nothing could be searched
    assert A.query_units("的") == ["的"]
    # only punctuation: kept for the same reason
    assert A.query_units("《") == ["《"]
    assert A.query_units("   ") == []
    assert A.query_units("ABC") == ["abc"]


# ----------------------------------------------------------- word tokens


def test_word_tokens_search_mode_sub_words():
    toks = A.word_tokens("中华人民共和国")
    for w in ("中华", "人民", "共和国", "中华人民共和国"):
        assert w in toks


def test_user_dict_terms_survive_as_whole_tokens():
    toks = A.word_tokens(
        "西工区把党史学习教育作为“我为群众办实事”的实践课堂，参观洛八办纪念馆。"
    )
    for w in ("党史学习教育", "我为群众办实事", "洛八办", "西工区"):
        assert w in toks
    # and their dictionary sub-words, for partial queries
    for w in ("党史", "学习", "教育", "群众"):
        assert w in toks


def test_user_dict_terms_survive_in_the_seeds():
    texts = seed_texts()
    joined = [A.word_tokens(t) for t in texts]
    for w in ("党史学习教育", "我为群众办实事", "洛八办", "西关办事处", "河洛党建计划",
              "芝麻街双创园", "急难愁盼", "学史明理", "融媒体中心"):
        assert any(w in toks for toks in joined), w


def test_word_tokens_drop_stopwords_punctuation_and_space():
    toks = A.word_tokens("我们的党史学习教育， 在基层 和 社区！\n——“办实事”")
    sw = A.stopwords()
    assert toks
    assert not any(t in sw for t in toks)
    assert "的" not in toks and "在" not in toks and "和" not in toks
    assert not any(A.is_junk(t) for t in toks)
    assert not any(t.strip() != t or not t for t in toks)
    assert "办实事" in toks


def test_word_tokens_lowercase_latin():
    toks = A.word_tokens("使用Python和ElasticSearch检索QQ群")
    assert "python" in toks and "elasticsearch" in toks
    assert all(t == t.lower() for t in toks)


def test_word_tokens_join_hard_wrapped_lines():
    # newspaper columns break words across lines
    assert "西关办事处" in A.word_tokens("洛阳市老城区西\n关办事处党工委")
    # a paragraph break is not joined
    assert "西关办事处" not in A.word_tokens("洛阳市老城区西\n\n关办事处党工委")


# --------------------------------------------------------- dictionaries


def test_stopwords_short_and_no_content_words():
    sw = A.stopwords()
    assert 10 <= len(sw) <= 60
    assert {"的", "了", "在", "是", "和", "与", "及", "等", "也", "都", "把", "被", "对", "就", "而", "并"} <= sw
    assert all(len(w) <= 2 for w in sw)
    for w in ("党史", "学习", "教育", "群众", "实事", "社区", "中原区", "发展", "为民", "人民"):
        assert w not in sw


def test_shipped_dictionary_entries_have_explicit_frequencies():
    entries = A.parse_dict(A.SHIPPED_DICT.read_text(encoding="utf-8"))
    assert len(entries) >= 30
    assert all(freq is not None for _, freq, _ in entries)
    words = [w for w, _, _ in entries]
    assert len(words) == len(set(words))
    # each shipped term occurs in the seed reports (hard-wrapped lines joined)
    flat = "".join(re.compile(A.HARD_WRAP).sub("", A.fold(t)) for t in seed_texts())
    assert [w for w in words if w not in flat] == []


def test_parse_dict_format():
    entries = A.parse_dict("# comment\n\n黨史學習教育 1000 nz\nAbc\n西关 20\n王逢伟 nr\n")
    assert entries == [("党史学习教育", 1000, "nz"), ("abc", None, None), ("西关", 20, None), ("王逢伟", None, "nr")]
    with pytest.raises(ValueError):
        A.parse_dict("西关 0\n")
    with pytest.raises(ValueError):
        A.parse_dict("two words 3\n")


def test_user_dictionary_from_env(tmp_path, monkeypatch):
    word = "环保志愿服务队"
    assert word not in A.word_tokens("组建环保志愿服务队")
    user = tmp_path / "words.txt"
    user.write_text("環保志願服務隊\n", encoding="utf-8")  # traditional: folded on load
    monkeypatch.setenv(core_settings.ENV_USER_DICT, str(user))
    assert word in A.word_tokens("组建环保志愿服务队")
    assert A.query_units("环保志愿服务队") == [word]


def test_missing_user_dictionary_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv(core_settings.ENV_USER_DICT, str(tmp_path / "nope.txt"))
    with pytest.raises(A.DictionaryError, match="nope.txt: no such file"):
        A.word_tokens("党史")


def test_dictionary_version_follows_user_dict_content(tmp_path, monkeypatch):
    base = A.dictionary_version()
    assert base == A.dictionary_version()
    assert len(base) == 12
    user = tmp_path / "words.txt"
    user.write_text("环保志愿服务队\n", encoding="utf-8")
    monkeypatch.setenv(core_settings.ENV_USER_DICT, str(user))
    v1 = A.dictionary_version()
    assert v1 != base
    user.write_text("环保志愿服务队\n王逢伟 nr\n", encoding="utf-8")
    v2 = A.dictionary_version()
    assert v2 != v1
    user.write_text("环保志愿服务队\n", encoding="utf-8")
    assert A.dictionary_version() == v1


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["年", "深", "”", "“", "a", "1", ",", ":", ";", " ", "\n", "，"]), max_size=20).map("".join))
def test_half_width_marks_between_chinese_are_found_as_the_plain_look_behind_finds_them(text):
    # The pattern checks the character before the mark after matching the
    # mark (so that re searches for the mark in C); written plainly:
    from rsearch.core.text import normalize as N

    plain = re.compile(rf"(?<=[{N._CJK_BEFORE}])([,:;])(?=[{N._CJK_AFTER}])")
    assert [m.span() for m in N._PUNCT_BETWEEN_CJK.finditer(text)] == [m.span() for m in plain.finditer(text)]

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rsearch.search.query_language import (
    DEFAULT_FIELDS, ParsedQuery, QuerySyntaxError, Term, parse)


def words(*texts):
    return [Term(t) for t in texts]


def error(query, **kw):
    with pytest.raises(QuerySyntaxError) as info:
        parse(query, **kw)
    return str(info.value)


# --- words, phrases, white space -------------------------------------------

def test_words_are_anded():
    assert parse("党史 学习").groups == [[Term("党史")], [Term("学习")]]


def test_ideographic_space_and_runs_of_space_separate_words():
    assert parse("  党史\u3000学习\t 教育 ").groups == [words("党史"), words("学习"), words("教育")]


def test_phrase_and_exclusion():
    q = parse('"为民办实事" -区委')
    assert q.groups == [[Term("为民办实事", phrase=True)]]
    assert q.excluded == [Term("区委")]


def test_phrase_inner_white_space_collapses():
    assert parse('"党史   学习\n教育"').groups == [[Term("党史 学习 教育", True)]]


def test_quote_ends_the_word_before_it():
    assert parse('党史"学习 教育"成效').groups == [
        [Term("党史")], [Term("学习 教育", True)], [Term("成效")]]


def test_chinese_quotes_are_ordinary_text():
    q = parse("“学党史、悟思想” 活动")
    assert q.groups == [words("“学党史、悟思想”"), words("活动")]


@pytest.mark.parametrize("text", ["COVID-19", "10:30", "党史：学习", "洛阳(B型)保税",
                                  "（试行）", "a-b-c", "x2:y", "党史:学习", "or", "not"])
def test_ordinary_characters_stay_in_the_word(text):
    assert parse(text).groups == [[Term(text)]]


# --- OR and precedence ------------------------------------------------------

def test_or_binds_tighter_than_and():
    assert parse("a b OR c d").groups == [words("a"), words("b", "c"), words("d")]


def test_or_chains():
    assert parse("a OR b OR c").groups == [words("a", "b", "c")]


def test_or_with_phrases():
    assert parse('"党史 学习" OR 党建').groups == [[Term("党史 学习", True), Term("党建")]]


def test_quoted_or_and_excluded_or_are_text():
    q = parse('"OR" a -OR')
    assert q.groups == [[Term("OR", True)], words("a")]
    assert q.excluded == words("OR")


# --- exclusion ----------------------------------------------------------------

def test_exclusion_forms():
    q = parse('党史 -区委 -"市委 书记" NOT 县委')
    assert q.groups == [words("党史")]
    assert q.excluded == [Term("区委"), Term("市委 书记", True), Term("县委")]


def test_double_dash_excludes_a_word_starting_with_dash():
    assert parse("a --b").excluded == words("-b")


# --- field filters ------------------------------------------------------------

def test_example_with_or_and_filters():
    q = parse("西工区 OR 老城区 region:洛阳市 people:张再行")
    assert q.groups == [words("西工区", "老城区")]
    assert q.filters == {"region": ["洛阳市"], "people": ["张再行"]}


def test_same_field_is_multi_select_and_deduplicated():
    q = parse('region:洛阳市 region:"郑州 市" kind:消息 region:洛阳市')
    assert q.filters == {"region": ["洛阳市", "郑州 市"], "kind": ["消息"]}


def test_excluded_filters():
    q = parse("党史 -region:洛阳市 NOT people:张三 region:郑州")
    assert q.excluded_filters == {"region": ["洛阳市"], "people": ["张三"]}
    assert q.filters == {"region": ["郑州"]}


def test_field_names_are_case_insensitive_and_values_are_literal():
    assert parse("Region:-洛阳 KIND:OR date:2021-06-01").filters == {
        "region": ["-洛阳"], "kind": ["OR"], "date": ["2021-06-01"]}


def test_custom_mapping_keys_filters_by_es_field():
    q = parse("地区 place:洛阳", fields={"place": "region.keyword"})
    assert q.filters == {"region.keyword": ["洛阳"]}
    assert error("region:洛阳", fields={"place": "r"}) == "unknown field 'region' (known: place)"


def test_filters_only_and_empty_queries_are_valid():
    q = parse("region:洛阳市")
    assert q.groups == [] and not q.is_empty
    for empty in ("", "   ", "\u3000"):
        assert parse(empty) == ParsedQuery() and parse(empty).is_empty


def test_every_registry_name_is_a_filter_of_the_language():
    # The parser's names come from the facet registry: a new entry is a new
    # filter, a removed one is a typo.
    from rsearch.search import facets

    assert list(DEFAULT_FIELDS) == facets.names()
    for name in facets.names():
        assert parse(f"{name}:x").filters == {name: ["x"]}
    assert error("wibble:x").startswith("unknown field 'wibble'")


# --- result helpers -------------------------------------------------------------

def test_positive_terms_flatten_groups_once_each():
    q = parse('a OR "b c" a -d region:x')
    assert q.positive_terms == [Term("a"), Term("b c", True)]


# --- errors -----------------------------------------------------------------------

KNOWN = ", ".join(DEFAULT_FIELDS)


@pytest.mark.parametrize("query, message", [
    ('学习 -区委 "党史 学习', 'unclosed quote at position 8: "党史 学习'),
    ('a "' + "很长" * 20, "unclosed quote at position 3: " + ('"' + "很长" * 10)[:20] + "…"),
    ("-区委", "nothing to search for: the query only excludes terms"),
    ('NOT 区委 -"a b"', "nothing to search for: the query only excludes terms"),
    ("-region:洛阳", "nothing to search for: the query only excludes terms"),
    ("regoin:洛阳", f"unknown field 'regoin' (known: {KNOWN})"),
    ("a -http://x", f"unknown field 'http' (known: {KNOWN})"),
    ("region:", "empty value for field 'region' (at position 1)"),
    ("a region: 洛阳", "empty value for field 'region' (at position 3)"),
    ('-People:""', "empty value for field 'people' (at position 1)"),
    ('a ""', "empty phrase at position 3"),
    ("a - b", "lone '-' at position 3: nothing to exclude"),
    ("a -", "lone '-' at position 3: nothing to exclude"),
    ("OR a", "'OR' needs a term on both sides (at position 1)"),
    ("a OR", "'OR' needs a term on both sides (at position 3)"),
    ("a OR OR b", "'OR' needs a term on both sides (at position 6)"),
    ("-a OR b", "'OR' needs a term on both sides (at position 4)"),
    ("region:x OR b", "'OR' needs a term on both sides (at position 10)"),
    ("a OR -b", "'OR' cannot join excluded terms (at position 3)"),
    ("a OR NOT b", "'OR' cannot join excluded terms (at position 3)"),
    ("a OR region:x", "'OR' cannot join field filters (at position 3)"),
    ("a NOT", "'NOT' needs a term after it (at position 3)"),
    ("a NOT OR b", "'NOT' needs a term after it (at position 3)"),
    ("a NOT -b", "'NOT' followed by '-' (at position 3)"),
])
def test_error_messages(query, message):
    assert error(query) == message


def test_error_message_is_one_line_even_with_newlines_in_the_query():
    assert error('a "b\nc\rd') == 'unclosed quote at position 3: "b c d'


# --- properties -------------------------------------------------------------------

_PIECES = st.one_of(
    st.sampled_from(['"', "-", ":", " ", "\u3000", "\n", "OR", "NOT", "region:", "regoin:",
                     "（", "(", "“", "：", " OR ", " NOT "]),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x4E80),
    st.characters(whitelist_categories=("Lu", "Ll", "Nd"), max_codepoint=0x7F),
)


@settings(max_examples=500)
@given(st.one_of(st.lists(_PIECES, max_size=30).map("".join), st.text()))
def test_never_crashes_and_errors_are_one_line(query):
    try:
        result = parse(query)
    except QuerySyntaxError as exc:
        assert len(str(exc).splitlines()) == 1
    else:
        assert isinstance(result, ParsedQuery)
        # No term is ever empty: an empty term would match everything.
        assert all(t.text for g in result.groups for t in g)
        assert all(t.text for t in result.excluded)


_PLAIN = st.text(st.characters(blacklist_characters='"-:', blacklist_categories=("Cs",)))


@settings(max_examples=500)
@given(_PLAIN.filter(lambda s: not {"OR", "NOT"} & set(s.split())))
def test_plain_text_is_exactly_its_words(query):
    assert parse(query) == ParsedQuery(groups=[[Term(w)] for w in query.split()])

"""What Kibana's search bar can do on the chunk index, checked on a real node.

Kibana turns its search bar into Elasticsearch queries. KQL free text (no
field) becomes ``multi_match`` with no fields (``type: phrase`` when quoted),
``lenient: true``; the Lucene syntax becomes ``query_string`` with no fields;
``field:"…"`` becomes ``match_phrase`` and a keyword value a term match. With
no fields Elasticsearch searches ``index.query.default_field``: the
``*_chars`` fields (mappings/chunks.json), whose ``standard`` analyzer splits
typed text as it split the text: one token per Chinese character, one per
word of letters or digits, lower case, punctuation and white space dropped.
What docs/kibana-and-docker.md says about Kibana's search bar rests on these
facts:

* quoted, any run of Chinese characters finds every chunk whose text, title
  or section heading contains it, punctuation and white space between its
  characters ignored; words of letters or digits match whole, in any case;
* unquoted, any single character of it matches;
* Kibana does not fold scripts: a traditional query finds nothing that only
  simplified text holds;
* the display fields (``text``, ``title``...) are not indexed themselves
  (the index copies them into ``*_chars``): a query naming them is refused
  by Elasticsearch.
"""

from __future__ import annotations

import random
import re

import opencc
import pytest
from elasticsearch import BadRequestError

from rsearch.core.text.fold import fold
from indexed import all_chunks, new_alias
from paths import SEEDS

pytestmark = pytest.mark.es

HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")


def kql_free_text(query: str, quoted: bool) -> dict:
    """The query Kibana 8 sends for KQL without a field name."""
    return {"multi_match": {"type": "phrase" if quoted else "best_fields", "query": query, "lenient": True}}


def lucene(query: str) -> dict:
    """The query Kibana sends for its Lucene syntax."""
    return {"query_string": {"query": query, "analyze_wildcard": True}}


@pytest.fixture(scope="module")
def alias(es, tmp_path_factory):
    corpus = tmp_path_factory.mktemp("kibana-reports")
    for seed in SEEDS.glob("*.txt"):
        (corpus / seed.name).write_bytes(seed.read_bytes())
    # A report with Latin words, mixed case and numbers next to Chinese.
    (corpus / "latin.txt").write_text(
        "COVID-19疫苗接种工作推进会召开\n\n"
        "本报讯 2021年3月5日，全市COVID-19疫苗接种工作推进会召开。会议指出，WHO数据显示，"
        "接种率已达87.5%，5G网络覆盖全部乡镇，GDP增长6.1%。\n", encoding="utf-8")
    yield from new_alias(es, [corpus], "kibana")


@pytest.fixture(scope="module")
def chunks(es, alias) -> dict[str, dict]:
    return all_chunks(es, alias)


def hit_ids(es, alias, query) -> set[str]:
    resp = es.search(index=alias, size=10000, query=query, _source=False)
    return {h["_id"] for h in resp["hits"]["hits"]}


def searchable(chunk: dict) -> str:
    """The chunk's default-field text as a phrase of Chinese characters sees
    it: folded, letters and digits only (the standard analyzer makes no token
    of punctuation or white space), one line per field."""
    return "\n".join("".join(ch for ch in fold(chunk.get(f) or "") if ch.isalnum())
                     for f in ("title", "section", "text"))


def has_word(chunk: dict, word: str) -> bool:
    """A word of letters or digits (and Chinese after it) as the standard analyzer cuts the text."""
    word = fold(word)
    edge = r"[a-z0-9]"  # a word of letters or digits ends where they do
    before = rf"(?<!{edge})" if re.match(edge, word) else ""
    after = rf"(?!{edge})" if re.search(rf"{edge}$", word) else ""
    pattern = re.compile(before + re.escape(word) + after)
    return any(pattern.search(fold(chunk.get(f) or "")) for f in ("title", "section", "text"))


def sample_substrings(chunks: dict[str, dict], n: int, seed: int, pattern=HAN_RUN) -> list[str]:
    """Runs of 2-8 characters cut at random places from random chunks."""
    rng = random.Random(seed)
    runs = [run for c in chunks.values() for f in ("title", "section", "text")
            for run in pattern.findall(c.get(f) or "")]
    out = []
    while len(out) < n:
        run = rng.choice(runs)
        length = rng.randint(2, min(8, len(run)))
        start = rng.randint(0, len(run) - length)
        out.append(run[start:start + length])
    return out


@pytest.mark.parametrize("shape", ["kql", "lucene"])
def test_quoted_text_finds_every_chunk_containing_it(es, alias, chunks, shape):
    for sub in sample_substrings(chunks, 50, seed=11):
        expected = {cid for cid, c in chunks.items() if fold(sub) in searchable(c)}
        query = kql_free_text(sub, quoted=True) if shape == "kql" else lucene(f'"{sub}"')
        found = hit_ids(es, alias, query)
        assert expected == found, f'"{sub}" ({shape}): missed {expected - found}, extra {found - expected}'


def test_quoted_latin_and_digits_match_whole_words_case_insensitively(es, alias, chunks):
    for sub in ("covid", "COVID", "2021", "87.5", "who数据", "5G网络", "GDP增长"):
        expected = {cid for cid, c in chunks.items() if has_word(c, sub)}
        assert expected, sub
        assert hit_ids(es, alias, kql_free_text(sub, quoted=True)) == expected, sub
    # A part of a word is not a word.
    for part in ("cov", "202", "87"):
        assert hit_ids(es, alias, kql_free_text(part, quoted=True)) == set(), part


def test_field_phrase_on_a_chars_field(es, alias, chunks):
    for sub in sample_substrings(chunks, 20, seed=14):
        expected = {cid for cid, c in chunks.items()
                    if fold(sub) in "".join(ch for ch in fold(c["text"]) if ch.isalnum())}
        assert hit_ids(es, alias, {"match_phrase": {"text_chars": sub}}) == expected, sub


@pytest.mark.parametrize("shape", ["kql", "lucene"])
def test_unquoted_matches_any_single_character(es, alias, chunks, shape):
    widened = 0
    for sub in sample_substrings(chunks, 30, seed=12):
        phrase = hit_ids(es, alias, kql_free_text(sub, quoted=True))
        loose = hit_ids(es, alias, kql_free_text(sub, quoted=False) if shape == "kql" else lucene(sub))
        assert phrase <= loose
        any_char = {cid for cid, c in chunks.items() if any(ch in searchable(c) for ch in fold(sub))}
        assert loose == any_char, sub
        widened += len(loose) > len(phrase)
    assert widened, "unquoted queries never found more than quoted ones on this corpus"


def test_traditional_script_does_not_find_simplified_in_kibana(es, alias, chunks):
    s2t = opencc.OpenCC("s2t")
    checked = 0
    for sub in sample_substrings(chunks, 80, seed=13):
        trad = s2t.convert(sub)
        if trad == sub or any(trad in searchable(c) for c in chunks.values()):
            continue
        assert hit_ids(es, alias, kql_free_text(trad, quoted=True)) == set()
        checked += 1
    assert checked >= 5


@pytest.mark.parametrize("field", ["text", "title", "section", "subtitle"])
def test_display_copies_are_not_searchable(es, alias, field):
    with pytest.raises(BadRequestError, match="not indexed"):
        es.search(index=alias, query={"match": {field: "党史"}})
    with pytest.raises(BadRequestError, match="without position data"):
        es.search(index=alias, query={"match_phrase": {field: "党史"}})


def _values(chunk: dict, field: str) -> list:
    value = chunk.get(field)
    return value if isinstance(value, list) else [value] if value else []


def test_keyword_fields_filter_exactly(es, alias, chunks):
    for field in ("kind", "people", "publication", "title.keyword", "section.keyword"):
        source = field.removesuffix(".keyword")
        values = sorted({v for c in chunks.values() for v in _values(c, source)})
        assert values, f"no {field} values in the corpus"
        for value in values[:5]:
            expected = {cid for cid, c in chunks.items() if value in _values(c, source)}
            assert hit_ids(es, alias, {"term": {field: value}}) == expected

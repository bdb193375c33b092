"""What Kibana's search bar can do on the chunk index, checked on a real node.

Kibana turns KQL into Elasticsearch queries: ``text:"…"`` (quoted) into
``match_phrase`` and ``text:…`` (unquoted) into ``match``, a keyword field value
into a term match. The README's Kibana section rests on these facts about the
``text`` field (standard analyzer: one token per Chinese character):
a quoted run of Chinese characters finds every chunk containing it; unquoted,
any single character matches; traditional script does not find simplified.
"""

from __future__ import annotations

import random
import re

import opencc
import pytest

from indexed import all_chunks, new_alias
from paths import SEEDS

pytestmark = pytest.mark.es

HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
NOT_HAN = re.compile(r"[^\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def alias(es, tmp_path_factory):
    corpus = tmp_path_factory.mktemp("kibana-reports")
    for seed in SEEDS.glob("*.txt"):
        (corpus / seed.name).write_bytes(seed.read_bytes())
    yield from new_alias(es, [corpus], "kibana")


@pytest.fixture(scope="module")
def chunks(es, alias) -> dict[str, dict]:
    return all_chunks(es, alias)


def hit_ids(es, alias, query) -> set[str]:
    resp = es.search(index=alias, size=10000, query=query, _source=False)
    return {h["_id"] for h in resp["hits"]["hits"]}


def sample_substrings(chunks: dict[str, dict], n: int, seed: int) -> list[str]:
    """Runs of 2-8 Chinese characters cut at random places from random chunks."""
    rng = random.Random(seed)
    runs = [run for c in chunks.values() for run in HAN_RUN.findall(c["text"])]
    out = []
    while len(out) < n:
        run = rng.choice(runs)
        length = rng.randint(2, min(8, len(run)))
        start = rng.randint(0, len(run) - length)
        out.append(run[start:start + length])
    return out


def test_quoted_chinese_finds_every_chunk_containing_it(es, alias, chunks):
    for sub in sample_substrings(chunks, 60, seed=11):
        expected = {cid for cid, c in chunks.items() if sub in c["text"]}
        found = hit_ids(es, alias, {"match_phrase": {"text": sub}})
        assert expected <= found, f'text:"{sub}" missed {expected - found}'
        # Extra hits only where the characters follow each other across punctuation.
        for cid in found - expected:
            assert sub in NOT_HAN.sub("", chunks[cid]["text"])


def test_unquoted_chinese_matches_any_single_character(es, alias, chunks):
    widened = 0
    for sub in sample_substrings(chunks, 30, seed=12):
        phrase = hit_ids(es, alias, {"match_phrase": {"text": sub}})
        loose = hit_ids(es, alias, {"match": {"text": sub}})
        assert phrase <= loose
        any_char = {cid for cid, c in chunks.items() if any(ch in c["text"] for ch in sub)}
        assert loose == any_char
        widened += len(loose) > len(phrase)
    assert widened, "unquoted queries never found more than quoted ones on this corpus"


def test_traditional_script_does_not_find_simplified_in_kibana(es, alias, chunks):
    s2t = opencc.OpenCC("s2t")
    checked = 0
    for sub in sample_substrings(chunks, 80, seed=13):
        trad = s2t.convert(sub)
        if trad == sub or any(trad in c["text"] for c in chunks.values()):
            continue
        assert hit_ids(es, alias, {"match_phrase": {"text": trad}}) == set()
        checked += 1
    assert checked >= 5


def _values(chunk: dict, field: str) -> list:
    value = chunk.get(field)
    return value if isinstance(value, list) else [value] if value else []


def test_keyword_fields_filter_exactly(es, alias, chunks):
    for field in ("kind", "people", "publication"):
        values = sorted({v for c in chunks.values() for v in _values(c, field)})
        assert values, f"no {field} values in the corpus"
        for value in values[:5]:
            expected = {cid for cid, c in chunks.items() if value in _values(c, field)}
            assert hit_ids(es, alias, {"term": {field: value}}) == expected

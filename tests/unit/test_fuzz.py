"""Property test: random query strings (tests/fuzz_text.py) thrown at the
query parser. The only exception allowed is its own QuerySyntaxError, with a
one-line message. Against a real node and the CLI:
tests/integration/test_fuzz.py; bench/bench_fuzz.py runs a larger campaign.
"""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from rsearch.search.query_language import DEFAULT_FIELDS as FILTERS
from rsearch.search.query_language import QuerySyntaxError, parse

from fuzz_text import queries


@settings(max_examples=1000, deadline=None)
@given(st.one_of(queries, st.text()))
def test_parser_raises_only_its_own_error(query):
    try:
        parsed = parse(query, fields=FILTERS)
    except QuerySyntaxError as err:
        assert "\n" not in str(err) and str(err)
        return
    for term in parsed.positive_terms + parsed.excluded:
        assert term.text or term.phrase

"""schemathesis against the service's own OpenAPI schema, on a real node:
generated requests, valid and invalid, never get a 5xx, and every answer
matches the schema (status codes, content types, bodies).

Driven through schemathesis's Python API (an operation's Hypothesis
strategy) rather than its pytest plugin, whose lazy fixtures do not run on
pytest 9; bounded examples per operation and mode keep it short.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings as hsettings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from rsearch.service import create_app
from rsearch.core.settings import Settings
from service_support import drop, index_corpus

EXAMPLES = 20  # per operation and generation mode


@pytest.fixture(scope="module")
def api_schema(es, es_url, tmp_path_factory):
    alias = index_corpus(es, tmp_path_factory.mktemp("schema-reports"))
    yield schemathesis.openapi.from_asgi("/openapi.json", create_app(Settings(url=es_url, index=alias)))
    drop(es, alias)


def _operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_conforms_to_its_schema(api_schema, mode):
    operations = _operations(api_schema)
    assert {op.path for op in operations} >= {"/search", "/chunks/{chunk_id}", "/reports/{report_id}",
                                               "/facets", "/stats", "/health"}
    ran, skipped = [], []
    for op in operations:
        spec = api_schema.raw_schema["paths"][op.path][op.method.lower()]
        if mode is GenerationMode.NEGATIVE and not (spec.get("parameters") or spec.get("requestBody")):
            continue  # nothing to get wrong
        @given(case=op.as_strategy(generation_mode=mode))
        @hsettings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                   suppress_health_check=list(HealthCheck))
        def check(case):
            # positive_data_acceptance is left out: a string the schema allows
            # may still be a malformed query ('"x' is a string, and a 400 by design).
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        try:
            check()
        except Unsatisfiable:
            # Only string parameters (a path id): every value is schema-valid,
            # so there is no negative case to make.
            assert mode is GenerationMode.NEGATIVE and op.path != "/search", op.label
            skipped.append(op.label)
        else:
            ran.append(op.label)
    assert any("/search" in label for label in ran), (ran, skipped)

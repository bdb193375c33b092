"""Where tests live: tests/unit (no node) and tests/integration (a real node or
the network); tests/conftest.py marks the second set ``es``."""

from __future__ import annotations

from paths import REPO

TESTS = REPO / "tests"


def test_every_test_module_is_a_unit_or_an_integration_test():
    stray = [p.relative_to(REPO).as_posix() for p in TESTS.rglob("test_*.py")
             if p.parent not in (TESTS / "unit", TESTS / "integration")]
    assert stray == [], "move these into tests/unit (no node) or tests/integration (a real node)"


"""The doc examples' collector, without running them (they run against a
real node in tests/integration/test_doc_examples.py): it finds shell, curl
and Python examples, and every skip entry still matches an example."""

from __future__ import annotations

import re

from integration.test_doc_examples import EXAMPLES, PYTHON, SHELL, SKIP


def test_the_collector_finds_the_examples():
    names = [c for e in EXAMPLES if e.language in SHELL for _, c in e.commands()]
    assert any(c.startswith("rsearch search ") for c in names)
    assert any(c.startswith("curl ") for c in names)
    assert any(e.language in PYTHON for e in EXAMPLES)


def test_every_skip_entry_matches_an_example():
    commands = [c for e in EXAMPLES if e.language in SHELL for _, c in e.commands()]
    unused = [pattern for pattern, _ in SKIP if not any(re.search(pattern, c) for c in commands)]
    assert not unused, f"skip entries that match no example (remove them): {unused}"



"""The layers go one way: core <- indexer, search <- rsearch (CLI, service).

All four are one installed package: the folders core/, indexer/ and search/
are rsearch.core, rsearch.indexer and rsearch.search (pyproject's
package-dir); every other rsearch.* module is a front end.

Read from the source with ast (every import, also those inside functions),
so a lazy import cannot hide a wrong-way dependency.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict

import pytest

from paths import REPO

PACKAGES = ("core", "indexer", "search", "rsearch")
# What each package may import of the project's packages.
ALLOWED = {
    "core": set(),
    "indexer": {"core"},
    "search": {"core"},
    "rsearch": {"core", "indexer", "search"},
}


def imports_of(package: str) -> dict[str, set[str]]:
    """Project package -> the modules of ``package`` that import it."""
    found: dict[str, set[str]] = defaultdict(set)
    for path in sorted((REPO / package).rglob("*.py")):
        module = ".".join(path.relative_to(REPO).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = layer_of(name)
                if top and top != package:
                    found[top].add(module)
    return found


def layer_of(module: str) -> str | None:
    """The layer a dotted module name belongs to, None outside the project."""
    parts = module.split(".")
    if parts[0] != "rsearch":
        return None
    return parts[1] if len(parts) > 1 and parts[1] in PACKAGES else "rsearch"


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_go_one_way(package):
    wrong = {other: sorted(mods) for other, mods in imports_of(package).items() if other not in ALLOWED[package]}
    assert wrong == {}, f"{package} imports what it must not: {wrong}"


def test_the_walk_sees_imports():
    # Guard against a walk that finds nothing and so passes everything.
    assert "core" in imports_of("indexer") and "core" in imports_of("search")
    assert {"core", "indexer", "search"} <= set(imports_of("rsearch"))


def test_only_settings_reads_rsearch_environment_variables():
    """core.settings is the one reader of RSEARCH_*: a variable named
    anywhere else (a string that is exactly "RSEARCH_...") would be read
    past its checks and its documentation; messages may mention them."""
    readers = []
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            if path == REPO / "core" / "settings.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.fullmatch(r"RSEARCH_[A-Z_]+", node.value):
                    readers.append(f"{path.relative_to(REPO)}:{node.lineno} {node.value}")
    assert readers == []

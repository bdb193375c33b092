"""The mapping the package carries (``core/mappings``, a link to ``mappings/``)
is the readable source. The built wheel itself: tests/integration/test_packaging.py."""

from __future__ import annotations

import json

from paths import REPO


def test_packaged_mapping_is_the_readable_source():
    source = json.loads((REPO / "mappings" / "chunks.json").read_text(encoding="utf-8"))
    packaged = json.loads((REPO / "core" / "mappings" / "chunks.json").read_text(encoding="utf-8"))
    assert packaged == source

"""The ranges of Chinese characters, defined once for every module that needs them.

``CJK`` is a regex character-class body (for ``[...]``): the CJK unified
ideographs, extension A and the compatibility ideographs of the Basic
Multilingual Plane, which is what report text holds.
"""

from __future__ import annotations

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"


def is_cjk(ch: str) -> bool:
    """True for a Chinese (CJK unified or compatibility) ideograph."""
    return bool(ch) and (
        "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"
    )

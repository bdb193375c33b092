"""Text normalisation: the one function applied to report text at index time
and to query strings at query time, so both sides see the same characters.

What it does, in order:
  * CRLF / CR line ends become LF;
  * control characters (C0/C1 except newline and tab), zero-width characters
    and the byte-order mark are removed;
  * lone surrogates (what Python makes of bytes that were not UTF-8 in a
    command-line argument or a file name) become U+FFFD, the replacement
    character, so the text can always be encoded and sent;
  * full-width ASCII letters and digits become half-width (ＡＢＣ１２３ -> ABC123);
  * a half-width comma, colon or semicolon standing between two Chinese
    characters becomes its full-width form (PDF extraction and some editors
    write ``年,深入``; the rest of the text writes ``年，深入``);
  * runs of horizontal white space (tab, ideographic space, nbsp, ...) collapse
    to one ASCII space, and lines lose leading and trailing spaces.

The function is idempotent and keeps every substring of its output stable:
``normalize(s[i:j])`` equals ``s[i:j]`` (up to surrounding spaces) for any
normalised ``s``. The never-miss search guarantee depends on that.
"""

from __future__ import annotations

import re

from .cjk import CJK as _CJK

# Full-width ASCII letters and digits -> half-width. Full-width punctuation is
# left alone: ，。：； are the normal Chinese forms and carry meaning for
# sentence splitting.
_FULLWIDTH_ALNUM = {
    **{cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)},  # ０-９
    **{cp: cp - 0xFEE0 for cp in range(0xFF21, 0xFF3B)},  # Ａ-Ｚ
    **{cp: cp - 0xFEE0 for cp in range(0xFF41, 0xFF5B)},  # ａ-ｚ
}

# Characters to delete outright: zero-width space/joiners, word joiner, BOM,
# soft hyphen.
_INVISIBLE = {cp: None for cp in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD)}

_TRANSLATE = {**_FULLWIDTH_ALNUM, **_INVISIBLE}
# Any character _TRANSLATE changes: a regex search is many times faster than
# str.translate over text with none of them (most reports).
_TRANSLATED = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(_TRANSLATE)) + "]")

# Closing/opening Chinese punctuation may stand next to the comma too:
# ``”,我们`` and ``工作,“为民”``.
_CJK_BEFORE = _CJK + r"”’）》」』】"
_CJK_AFTER = _CJK + r"“‘（《「『【"
_HALF_TO_FULL = {",": "，", ":": "：", ";": "；"}
# The look-behind comes after the mark ((?<=[…][,:;]) there is (?<=[…])
# before it): a pattern that opens with the mark is searched for in C, one
# that opens with a look-behind is tried at every position.
_PUNCT_BETWEEN_CJK = re.compile(rf"([,:;])(?<=[{_CJK_BEFORE}][,:;])(?=[{_CJK_AFTER}])")

# Horizontal white space of any kind (not newlines).
_HSPACE = re.compile(r"[^\S\n]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def normalize(text: str) -> str:
    """Return ``text`` normalised as described in the module docstring."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _TRANSLATED.search(text):
        text = text.translate(_TRANSLATE)
    # Vertical tab / form feed (page breaks in PDF dumps) act as line breaks.
    text = text.replace("\x0b", "\n").replace("\x0c", "\n")
    text = _CONTROL.sub("", text)
    text = replace_surrogates(text)
    if "," in text or ":" in text or ";" in text:
        text = _PUNCT_BETWEEN_CJK.sub(lambda m: _HALF_TO_FULL[m.group(1)], text)
    text = _HSPACE.sub(" ", text)
    if "\n" in text:
        return "\n".join(line.strip(" ") for line in text.split("\n"))
    return text.strip(" ")


def replace_surrogates(text: str) -> str:
    """Only the lone-surrogate step of normalize: U+FFFD for each."""
    return _SURROGATE.sub("\ufffd", text)


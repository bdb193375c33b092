"""Bylines inside the units: credits cut off the end of a paragraph, and
which bylines credit the writing (not only photos)."""

from __future__ import annotations

from rsearch.indexer.bylines import split_trailing_byline
from rsearch.indexer.structure.units import Unit


def split_unit_bylines(units: list[Unit]) -> list[Unit]:
    """Cut a byline off the end of a text unit (``……健康讲座。记者 周强``,
    ``……（记者 周强）``, ``志愿者为老人义诊（孙伟 摄）``): the paragraph ends
    there, whatever follows; a unit that is all byline becomes one."""
    for u in units:
        if u.kind not in ("text", "bullet"):
            continue
        rest, byline = split_trailing_byline(u.text)
        if byline is None:
            continue
        u.byline = byline
        if not rest.strip():
            u.kind, u.text = "byline", byline.raw
            continue
        u.text, u.tail_byline = rest, True
        u.photo_credit = u.kind == "text" and all(p.role == "photographer" for p in byline.people)
    return units


def writer_byline(u: Unit) -> bool:
    """A byline that credits the text (not only photos)."""
    return u.byline is not None and any(p.role != "photographer" for p in u.byline.people)

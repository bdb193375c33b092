"""Paragraphs and captions: paragraphs broken by a blank line joined again,
short standalone lines told as photo captions."""

from __future__ import annotations

from rsearch.indexer.structure.shapes import LABEL_LINE, NEVER_STARTS, caption_like, ends_sentence, headline_like, join_lines, splits_word
from rsearch.indexer.structure.units import Role, Unit, is_open


def mark_closing_captions(units: list[Unit]) -> None:
    """Short standalone lines after the byline that closes an article are
    photo captions (they are often one blank apart, with no gap)."""
    seen_body = closed = False
    for u in units:
        if u.kind == "byline":
            closed = closed or seen_body
        elif u.role in (Role.HEADING, Role.TITLE, Role.TITLEGROUP):
            seen_body = closed = False
        elif is_open(u):
            if closed and u.whole_block and caption_like(u.text):
                u.role = Role.CAPTION
            else:
                seen_body, closed = True, False
        elif u.kind == "bullet":
            seen_body = True


def _short_run(prev: Unit, u: Unit) -> bool:
    """Two standalone short lines in a row: a run of captions, not the two
    halves of a broken paragraph (unless the break splits a word)."""
    return (
        prev.whole_block
        and u.whole_block
        and caption_like(prev.text)
        and caption_like(u.text)
        and not splits_word(prev.text, u.text)
    )


def continues(units: list[Unit], i: int) -> bool:
    """Unit ``i`` is the start of a paragraph cut off by a blank line: it does
    not end a sentence and open text follows one blank line later."""
    nxt = units[i + 1] if i + 1 < len(units) else None
    return not ends_sentence(units[i].text) and is_open(nxt) and nxt.block.gap_before <= 1 and not headline_like(nxt.text)


def join_continuations(units: list[Unit]) -> list[Unit]:
    """A paragraph that does not end a sentence continues in the next text
    unit (a blank line inside a sentence: ``乡镇（街`` / ``道）部门``); so
    does one followed by text that no paragraph can start with (a closing
    quote or a comma cut off by a column break: ``…的关键。`` / ``”王逢伟说``)."""
    out: list[Unit] = []
    pieces: list[list[str]] = []  # texts of each output unit, joined at the end
    for u in units:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.kind == "text"
            and prev.role in (Role.NONE, Role.BODY)
            and not prev.tail_byline
            and is_open(u)
            and u.block_start  # inside a block, the unit pass already decided
            and not (prev.block.at_file_start and len(prev.lines) == 1 and prev.whole_block
                     and "。" not in prev.text)  # a file's first line, set apart: its title
            and not (u.whole_block and len(u.lines) == 1 and LABEL_LINE.match(u.text))
            and (u.text[0] in NEVER_STARTS or not ends_sentence(pieces[-1][-1]))
            and not (len(pieces[-1]) == 1 and _short_run(prev, u))
        ):
            pieces[-1].append(u.text)
            prev.lines += u.lines
            continue
        out.append(u)
        pieces.append([u.text])
    for u, texts in zip(out, pieces):
        if len(texts) > 1:
            u.text = join_lines(*texts)
    return out


def mark_captions(units: list[Unit]) -> None:
    """Short standalone lines not followed by body are captions: runs of
    photo captions, a caption above the title, captions after the byline."""
    closed = False  # a byline after body text closes the article
    seen_body = False
    for i, u in enumerate(units):
        if u.kind == "byline" and seen_body:
            closed = True
        if not is_open(u):
            if u.kind in ("text", "bullet") and u.role in (Role.NONE, Role.BODY):
                seen_body = True
            continue
        nxt = units[i + 1] if i + 1 < len(units) else None
        followed_by_body = nxt is not None and nxt.kind == "text" and nxt.role in (Role.NONE, Role.BODY) and not caption_like(nxt.text)
        # A sentence right under a heading is that section's text, however short.
        under_heading = i > 0 and units[i - 1].role == Role.HEADING and ends_sentence(u.text)
        if caption_like(u.text) and len(u.lines) <= 2 and (closed or not followed_by_body) and not under_heading:
            u.role = Role.CAPTION
        else:
            seen_body = True

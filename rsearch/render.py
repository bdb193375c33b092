"""Terminal rendering of results: readable text that fits the terminal.

Each hit is its title (bold, matches in colour) with section, kind and
score, then its fragments, wrapped to the terminal's width and indented
under the title, with ``…`` where a fragment starts or ends inside the
chunk's text. Widths count display cells (a Chinese character takes two).
click.echo drops the colour codes when the output is not a terminal, and the
CLI turns them off for NO_COLOR.
"""

from __future__ import annotations

import html
import re
import shutil
import unicodedata

import click

from rsearch.search.results import SearchResult, ocr_label

_EM = re.compile(r"<em>(.*?)</em>", re.S)
FACETS_SHOWN = 6
INDENT = 5  # fragments and ids sit under the title, after "  1. "
MIN_WIDTH = 40
ELLIPSIS = "…"
# Styles of the pieces of a line (click.style arguments).
STYLES = {"plain": {}, "title": {"bold": True}, "mark": {"fg": "red", "bold": True}, "dim": {"dim": True}}


def terminal_width() -> int:
    """The terminal's columns (COLUMNS overrides; 80 when not a terminal)."""
    return max(MIN_WIDTH, shutil.get_terminal_size((80, 24)).columns)


def cells(ch: str) -> int:
    """Display cells of one character: 2 for wide (CJK) ones, 0 for combining marks."""
    if unicodedata.combining(ch) or ch in "\u200b\u200c\u200d\ufeff":
        return 0
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def width_of(text: str) -> int:
    return sum(cells(ch) for ch in text)


def _pieces(marked: str, style: str = "plain", mark: str = "mark") -> list[tuple[str, str]]:
    """A highlight (escaped text, <em> marks) as (text, style) pieces, the text
    as it is in the report; line breaks become spaces."""
    out, at = [], 0
    for m in _EM.finditer(marked):
        out.append((marked[at:m.start()], style))
        out.append((m.group(1), mark))
        at = m.end()
    out.append((marked[at:], style))
    return [(" ".join(html.unescape(t).split("\n")), st) for t, st in out if t]


# Chinese typesetting: these never start a line (the character before them moves down with them).
NO_LINE_START = set("，。、；：！？）》」』”’…,.;:!?)]}")
NO_LINE_END = set("（《「『“‘([{")  # and these never end one


def wrap(pieces: list[tuple[str, str]], width: int, indent: int = INDENT, first: int | None = None) -> list[str]:
    """Styled lines of at most ``width`` cells, continuation lines indented by
    ``indent`` spaces; the first line is returned without indentation, to
    stand after ``first`` cells (default: ``indent``) of the caller's. Lines
    break anywhere in Chinese text (never before a closing punctuation mark)
    and between words in Latin text."""
    chars = [(ch, st) for text, st in pieces for ch in text]
    lines: list[list[tuple[str, str]]] = [[]]
    used = indent if first is None else first
    for ch, st in chars:
        w = cells(ch)
        if used + w > width and lines[-1]:
            line = lines[-1]
            cut = len(line)
            if ch.isascii() and not ch.isspace():
                # A Latin word (or a number) moves down whole.
                j = cut
                while j > 0 and line[j - 1][0].isascii() and not line[j - 1][0].isspace():
                    j -= 1
                if 0 < j and cut - j < 24:
                    cut = j
            elif ch in NO_LINE_START:
                cut -= 1  # the character before it moves down too, and the marks before that
                while cut > 1 and line[cut][0] in NO_LINE_START:
                    cut -= 1
            while cut > 1 and line[cut - 1][0] in NO_LINE_END:
                cut -= 1
            carried = line[cut:]
            del line[cut:]
            while line and line[-1][0] == " ":
                line.pop()
            lines.append(carried)
            used = indent + sum(cells(c) for c, _ in carried)
        if ch == " " and not lines[-1] and len(lines) > 1:
            continue  # no space at the start of a continued line
        lines[-1].append((ch, st))
        used += w
    return [(" " * indent if n else "") + _styled(line) for n, line in enumerate(lines)]


def _styled(line: list[tuple[str, str]]) -> str:
    out, run, style = [], "", None
    for ch, st in line + [("", None)]:
        if st != style and run:
            out.append(click.style(run, **STYLES[style]) if STYLES[style] else run)
            run = ""
        run, style = run + ch, st
    return "".join(out)


def _flat(text: str) -> str:
    return " ".join(text.split())


def fragment_pieces(marked: str, text: str | None) -> list[tuple[str, str]]:
    """A fragment's pieces with ``…`` where it starts or ends inside the chunk's text."""
    pieces = _pieces(marked.strip())
    if not pieces:
        return pieces
    plain, whole = _flat("".join(t for t, _ in pieces)), _flat(text or "")
    if whole and plain:
        probe = min(len(plain), 12)
        if not whole.startswith(plain[:probe]):
            pieces.insert(0, (ELLIPSIS, "dim"))
        if not whole.endswith(plain[-probe:]):
            pieces.append((ELLIPSIS, "dim"))
    return pieces


def number(value: float) -> str:
    """A score or boost: three decimals, or three figures where that is huge
    (Lucene's maxBoost is 3.4e38, not a 39-digit number)."""
    return f"{value:.3f}" if abs(value) < 1e6 else f"{value:.3g}"


def _explain_lines(node: dict, width: int, depth: int = 0, max_depth: int = 3) -> list[str]:
    line = f"{'  ' * depth}{number(node.get('value', 0))}  {node.get('description', '')}"
    lines = [_cut(line, width)]
    if depth < max_depth:
        for child in node.get("details", [])[:6]:
            lines += _explain_lines(child, width, depth + 1, max_depth)
    return lines


def _cut(text: str, width: int) -> str:
    """One line of at most ``width`` cells, ``…`` where it was cut."""
    if width_of(text) <= width:
        return text
    out, used = "", 0
    for ch in text:
        if used + cells(ch) > width - 1:
            break
        out, used = out + ch, used + cells(ch)
    return out + ELLIPSIS


def render_result(result: SearchResult, explain: bool = False, width: int | None = None) -> str:
    width = width or terminal_width()
    needles = None  # the query's words, for marking section headings (made on first use)
    out = []
    unit = "reports" if result.grouped else "chunks"
    first = (result.page - 1) * result.limit + 1
    shown = f"{first}-{first + len(result.hits) - 1}" if result.hits else "none"
    out += wrap([(f"{result.total} matching {unit} ({shown} shown, {result.took} ms in Elasticsearch, "
                  f"{result.elapsed_ms:.0f} ms in all)", "dim")], width, indent=0)
    for i, hit in enumerate(result.hits, first):
        head = [(f"{i:>3}. ", "plain")]
        if hit.title_highlight:
            head += _pieces(hit.title_highlight, "title")
        else:
            head.append((hit.title or "(untitled)", "title"))
        if hit.section:
            # The heading with the words searched for marked: a caption that
            # matches only through its section shows why.
            from rsearch.search.marking import mark_html, needles_for

            needles = needles_for(result.query) if needles is None else needles
            head += [(" › ", "plain"), *_pieces(mark_html(hit.section, needles, "<em>", "</em>"))]
        ocr = f", {ocr_label(hit.source_kind, hit.ocr_confidence)}" if hit.source_kind == "ocr" else ""
        head.append((f"  ({hit.kind}{ocr}, score {hit.score or 0:.2f})", "dim"))
        if hit.report_matches:
            head.append((f"  [{hit.report_matches} matching chunks]", "dim"))
        out.append("")
        out += wrap(head, width, first=0)
        for fragment in hit.highlights:
            out.append(" " * INDENT + "\n".join(wrap(fragment_pieces(fragment, hit.text), width)))
        out.append(" " * INDENT + click.style(f"id {hit.id}", dim=True))
        if explain and hit.explanation:
            out += ["       " + line for line in _explain_lines(hit.explanation, width - 7)]
    facets = [(name, values) for name, values in result.facets.items() if values]
    if facets:
        out.append("")
        if result.facets_over == "all_words":
            out.append(click.style("facet counts: the chunks that match every word", dim=True))
        label = max(len(n) for n, _ in facets)
        for name, values in facets:
            cells_ = [f"{'*' if v.selected else ''}{v.value} {v.count}" for v in values[:FACETS_SHOWN]]
            more = f" +{len(values) - FACETS_SHOWN}" if len(values) > FACETS_SHOWN else ""
            pieces = [(" · ".join(cells_) + more, "plain")]
            out.append(click.style(f"{name:>{label}}", bold=True) + "  " + "\n".join(wrap(pieces, width, label + 2)))
    return "\n".join(out)


def render_chunk(found: dict) -> str:
    chunk, report = found["chunk"], found["report"]
    out = [click.style(report.get("title") or "(untitled)", bold=True)]
    if report.get("subtitle"):
        out.append(report["subtitle"])
    meta = [f"file {report['source_path']} (report {report['report_no']})"]
    if report.get("publication"):
        meta.append(f"publication {report['publication']}")
    if report.get("people"):
        meta.append("people " + "、".join(report["people"]))
    if report.get("region"):
        meta.append("region " + "、".join(report["region"]))
    if report.get("places"):
        meta.append("places " + "、".join(report["places"]))
    if report.get("date"):
        meta.append(f"date {report['date']} ({report.get('date_source')})")
    if report.get("dates"):
        meta.append("dates mentioned " + ", ".join(report["dates"]))
    out += [click.style(m, dim=True) for m in meta]
    if found["sections"]:
        out.append(click.style("sections: ", dim=True) + " | ".join(found["sections"]))
    out.append("")
    ocr = ocr_label(chunk.get("source_kind"), chunk.get("ocr_confidence"))
    out.append(click.style(f"chunk {chunk['chunk_index']} of {found['chunks_in_report']} · "
                           f"{chunk['kind']} · section {chunk.get('section') or '-'}"
                           + (f" · {ocr}" if ocr else ""), bold=True))
    if found["previous"]:
        out.append(click.style("… " + found["previous"][-80:], dim=True))
    out.append(chunk["text"])
    if found["next"]:
        out.append(click.style(found["next"][:80] + " …", dim=True))
    return "\n".join(out)


def render_stats(stats: dict) -> str:
    kinds = ", ".join(f"{k} {v}" for k, v in stats["kinds"].items())
    lines = [
        f"alias            {stats['alias']} -> {stats['index']}",
        f"documents        {stats['chunks']} chunks ({kinds}) in {stats['reports']} reports from {stats['files']} files",
        f"size             {stats['size_bytes'] / 2**20:.1f} MB",
        f"mapping          v{stats['mapping_version']} (current v{stats['current_mapping_version']})",
        f"dictionary       {stats['dictionary_version']} (current {stats['current_dictionary_version']}, {stats['segmenter']})",
    ]
    cluster = stats.get("cluster")
    if cluster:
        copies = "; ".join(f"{node} {' '.join(held)}" for node, held in cluster["nodes"].items())
        lines.append(f"shards           {cluster['shards']}, replicas {cluster['replicas']}: {cluster['copies_started']} "
                     f"copies started, {cluster['copies_unassigned']} unassigned; health {cluster['health']}; "
                     f"{cluster['cluster_nodes']} node(s) ({copies})")
    if stats.get("orphan_indices"):
        lines.append(f"orphan indices   {', '.join(stats['orphan_indices'])} (left by an interrupted "
                     "rebuild; the next `rsearch index` deletes them)")
    if not stats["up_to_date"]:
        lines.append(click.style("the index was built with another mapping or dictionary: "
                                 "run `rsearch index --rebuild PATH...`", fg="yellow"))
    return "\n".join(lines)

"""Terminal rendering of results: readable text, matches in colour.

click.echo drops the colour codes when the output is not a terminal.
"""

from __future__ import annotations

import html
import re

import click

from rsearch.search.results import SearchResult

_EM = re.compile(r"<em>(.*?)</em>", re.S)
FACETS_SHOWN = 6


def _colour(marked: str) -> str:
    """Highlights are HTML (escaped text, <em> marks): the terminal shows the
    text as it is in the report, with the marks as colour."""
    return html.unescape(_EM.sub(lambda m: click.style(m.group(1), fg="red", bold=True), marked))


def _one_line(text: str) -> str:
    return " ".join(text.split("\n"))


def _explain_lines(node: dict, depth: int = 0, max_depth: int = 3) -> list[str]:
    line = f"{'  ' * depth}{node.get('value', 0):.3f}  {node.get('description', '')[:110]}"
    lines = [line]
    if depth < max_depth:
        for child in node.get("details", [])[:6]:
            lines += _explain_lines(child, depth + 1, max_depth)
    return lines


def render_result(result: SearchResult, explain: bool = False) -> str:
    out = []
    unit = "reports" if result.grouped else "chunks"
    first = (result.page - 1) * result.limit + 1
    shown = f"{first}-{first + len(result.hits) - 1}" if result.hits else "none"
    out.append(click.style(f"{result.total} matching {unit} ({shown} shown, "
                           f"{result.took} ms in Elasticsearch, {result.elapsed_ms:.0f} ms in all)", dim=True))
    for i, hit in enumerate(result.hits, first):
        title = _colour(hit.title_highlight or hit.title or "(untitled)")
        where = f" › {hit.section}" if hit.section else ""
        extra = f"  [{hit.report_matches} matching chunks]" if hit.report_matches else ""
        out.append("")
        out.append(f"{i:>3}. {click.style('', bold=True)}{title}{where}  "
                   + click.style(f"({hit.kind}, score {hit.score or 0:.2f}){extra}", dim=True))
        for fragment in hit.highlights:
            out.append("     " + _colour(_one_line(fragment)))
        out.append(click.style(f"     id {hit.id}", dim=True))
        if explain and hit.explanation:
            out += ["       " + l for l in _explain_lines(hit.explanation)]
    facets = [(name, values) for name, values in result.facets.items() if values]
    if facets:
        out.append("")
        if result.facets_over == "all_words":
            out.append(click.style("facet counts: the chunks that match every word", dim=True))
        width = max(len(n) for n, _ in facets)
        for name, values in facets:
            cells = [f"{'*' if v.selected else ''}{v.value} {v.count}" for v in values[:FACETS_SHOWN]]
            more = f" +{len(values) - FACETS_SHOWN}" if len(values) > FACETS_SHOWN else ""
            out.append(click.style(f"{name:>{width}}", bold=True) + "  " + " · ".join(cells) + more)
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
    out.append(click.style(f"chunk {chunk['chunk_index']} of {found['chunks_in_report']} · "
                           f"{chunk['kind']} · section {chunk.get('section') or '-'}", bold=True))
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

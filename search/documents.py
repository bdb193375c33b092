"""Reading single chunks, whole reports and index facts: ``rsearch show``, ``rsearch stats``
and the HTTP service's reader view."""

from __future__ import annotations

import functools

from elasticsearch import Elasticsearch, NotFoundError
from elasticsearch.dsl import A, Search

from rsearch.core import analysis, layout, schema
from rsearch.core.errors import IndexMissing, NotFound, RsearchError, from_elasticsearch

MAX_ID_CHARS = 512  # Elasticsearch refuses longer document ids (in bytes)


def _translated(func):
    """Client and transport errors leave as the project's errors (core.errors)."""

    @functools.wraps(func)
    def wrapper(es, *args, **kwargs):
        try:
            return func(es, *args, **kwargs)
        except RsearchError:
            raise
        except Exception as err:
            translated = from_elasticsearch(err, _url(es))
            if translated is None:
                raise
            raise translated from None

    return wrapper


def _url(es) -> str | None:
    try:
        return str(es.transport.node_pool.get().base_url)
    except Exception:  # only for the message
        return None


@_translated
def chunk_in_context(es: Elasticsearch, alias: str, chunk_id: str) -> dict:
    """The chunk, its report's metadata, its section list and its neighbours."""
    chunk_id = chunk_id.strip()
    if not chunk_id or any("\ud800" <= ch <= "\udfff" for ch in chunk_id) or len(chunk_id) > MAX_ID_CHARS:
        # Checked here: the client refuses an empty id with a ValueError and
        # cannot encode a lone surrogate (bytes that were not UTF-8).
        raise NotFound(f"no chunk with id {chunk_id[:MAX_ID_CHARS]!r}: chunk ids are 20 hex characters")
    info = schema.current(es, alias)
    if not info.exists:
        raise IndexMissing(alias)
    try:
        doc = es.get(index=info.physical, id=chunk_id, source_excludes=schema.SOURCE_EXCLUDES)
    except NotFoundError:
        raise NotFound(f"no chunk with id '{chunk_id}' in '{alias}'") from None
    chunk = {"id": doc["_id"], **doc["_source"]}
    siblings = (Search(using=es, index=info.physical).filter("term", report_id=chunk["report_id"])
                .sort("chunk_index").source(["section", "section_index", "chunk_index", "kind", "text"])
                .extra(size=1000).execute().to_dict()["hits"]["hits"])
    order = [h["_id"] for h in siblings]
    pos = order.index(chunk_id) if chunk_id in order else -1
    sections = list(dict.fromkeys(h["_source"].get("section") for h in siblings if h["_source"].get("section")))
    return {
        "chunk": chunk,
        "report": {k: chunk.get(k) for k in (
            "report_id", "title", "subtitle", "publication", "people", "reporters", "correspondents",
            "photographers", "editors", "region", "places", "date", "date_source", "dates", "source_path",
            "report_no")},
        "sections": sections,
        "chunks_in_report": len(order),
        "previous": siblings[pos - 1]["_source"]["text"] if pos > 0 else None,
        "next": siblings[pos + 1]["_source"]["text"] if 0 <= pos < len(order) - 1 else None,
    }


@_translated
def index_stats(es: Elasticsearch, alias: str) -> dict:
    """Alias, physical index, counts, and whether the dictionary is current."""
    info = schema.current(es, alias)
    if not info.exists:
        raise IndexMissing(alias)
    s = Search(using=es, index=info.physical).extra(size=0, track_total_hits=True)
    s.aggs.bucket("kinds", A("terms", field="kind"))
    s.aggs.metric("reports", A("cardinality", field="report_id", precision_threshold=40000))
    s.aggs.metric("files", A("cardinality", field="source_path", precision_threshold=40000))
    resp = s.execute().to_dict()
    store = es.indices.stats(index=info.physical, metric="store")["indices"][info.physical]
    current_dict = analysis.dictionary_version()
    return {
        "alias": alias,
        "index": info.physical,
        "chunks": resp["hits"]["total"]["value"],
        "reports": resp["aggregations"]["reports"]["value"],
        "files": resp["aggregations"]["files"]["value"],
        "kinds": {b["key"]: b["doc_count"] for b in resp["aggregations"]["kinds"]["buckets"]},
        "size_bytes": store["primaries"]["store"]["size_in_bytes"],
        "mapping_version": info.mapping_version,
        "current_mapping_version": schema.mapping_version(),
        "dictionary_version": info.dictionary_version,
        "current_dictionary_version": current_dict,
        "segmenter": analysis.SEGMENTER,
        "up_to_date": info.stale_because(current_dict) is None,
        # left by a killed rebuild; the next `rsearch index` deletes them
        "orphan_indices": schema.orphans(es, alias),
        # shards, replicas, health and which node holds which copy (core.layout)
        "cluster": layout.describe(es, info.physical),
    }


# Report metadata copied from its first chunk (every chunk of a report carries it).
_REPORT_FIELDS = ("report_id", "title", "subtitle", "publication", "people", "reporters", "correspondents",
                  "photographers", "editors", "region", "places", "date", "date_source", "dates",
                  "source_path", "report_no")
MAX_REPORT_CHUNKS = 10000  # Elasticsearch's index.max_result_window


@_translated
def report_with_sections(es: Elasticsearch, alias: str, report_id: str) -> dict:
    """A whole report for a reader: its metadata and its sections in order,
    each with its chunks (id, kind, text) in order.

    Chunks share ``report_id``; they are ordered by section_index then
    chunk_index. Raises NotFound for an unknown report, IndexMissing without an index.
    """
    report_id = report_id.strip()
    if not report_id or any("\ud800" <= ch <= "\udfff" for ch in report_id) or len(report_id) > MAX_ID_CHARS:
        raise NotFound(f"no report with id {report_id[:MAX_ID_CHARS]!r}: report ids are printed "
                       "by `rsearch search --json` (report_id)")
    info = schema.current(es, alias)
    if not info.exists:
        raise IndexMissing(alias)
    hits = (Search(using=es, index=info.physical).filter("term", report_id=report_id)
            .sort("section_index", "chunk_index").source(excludes=schema.SOURCE_EXCLUDES)
            .extra(size=MAX_REPORT_CHUNKS).execute().to_dict()["hits"]["hits"])
    if not hits:
        raise NotFound(f"no report with id '{report_id}' in '{alias}'")
    first = hits[0]["_source"]
    sections: list[dict] = []
    for h in hits:
        src = h["_source"]
        index = src.get("section_index", 0)
        if not sections or sections[-1]["index"] != index:
            sections.append({"index": index, "heading": src.get("section"), "chunks": []})
        sections[-1]["chunks"].append({"id": h["_id"], "kind": src.get("kind", ""),
                                       "chunk_index": src.get("chunk_index", 0), "text": src.get("text") or "",
                                       "source_kind": src.get("source_kind") or "text",
                                       "ocr_confidence": src.get("ocr_confidence")})
    return {"report": {k: first.get(k) for k in _REPORT_FIELDS}, "sections": sections, "chunks": len(hits)}

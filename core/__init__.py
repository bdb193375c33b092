"""The shared core under both sides of rsearch.

``indexer`` (files -> chunks -> Elasticsearch) and ``search`` (query ->
results) import this package and never each other; the CLI and the HTTP
service sit on top of all three. What lives here is what both sides must agree
on:

* core.settings   -- the one reader of ``RSEARCH_*`` environment variables;
                     connection settings and the clients built from them
* core.errors     -- the project's error types and the one translation of a
                     failed Elasticsearch request
* core.schema     -- the index definition (mappings/chunks.json, shipped as
                     package data) and the staleness check
* core.analysis   -- Chinese text analysis: normalise, fold, segment, tokens,
                     dictionary version (pieces in core.text)
* core.gazetteer  -- administrative places and the names people write for them
"""

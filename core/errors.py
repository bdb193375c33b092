"""The project's error types: plain domain errors whose ``str()`` is one line
saying what is wrong. The front ends turn them into messages (the CLI adds
what to type next: rsearch.cli) and status codes (the HTTP service); no
traceback ever reaches a user.

:func:`from_elasticsearch` is the one translation of a failed request of
the official client (``elasticsearch`` / ``elastic_transport``) into such an
error. The library (search.engine, search.documents) and the CLI both use it,
so a refused certificate or a root cause reads the same whichever path met it.
"""

from __future__ import annotations

import re

import elastic_transport
from elasticsearch import ApiError, UnsupportedProductError


class RsearchError(Exception):
    """An error with a one-line message that tells the user what to do."""

    exit_code = 1

    def __init__(self, message: str, details: str | None = None):
        super().__init__(message)
        self.details = details


class ConfigError(RsearchError, ValueError):
    """A setting is unusable: a URL, a CA file, a dictionary, a segmenter name."""


class NoCluster(ConfigError):
    """No URL is configured and the local node is not running: which cluster to ask is unknown."""


class ElasticsearchError(RsearchError):
    """Elasticsearch answered with an error (``status_code``) or could not be used."""

    def __init__(self, message: str, status_code: int | None = None, error_type: str | None = None):
        super().__init__(message)
        self.status_code = status_code
        self.error_type = error_type


class QueryError(RsearchError, ValueError):
    """A malformed query or search option."""


class IndexMissing(RsearchError):
    """No index behind the alias yet."""

    def __init__(self, alias: str):
        super().__init__(f"no index '{alias}' yet")
        self.alias = alias


class IndexOutdated(RsearchError):
    """The index was built by another mapping or dictionary than the current one."""


class NotFound(RsearchError):
    """A chunk or report id that the index does not hold."""


CA_OPTION = "--ca-certs / RSEARCH_ES_CA_CERTS"
CREDENTIALS = "RSEARCH_ES_API_KEY (--api-key) or RSEARCH_ES_USER/RSEARCH_ES_PASSWORD (--user/--password)"


def one_line(text: str, limit: int = 400) -> str:
    """White space collapsed (messages from servers may span lines), capped."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def unreachable(url: str, detail: str = "") -> RsearchError:
    """The one message for a cluster that does not answer."""
    detail = f" ({one_line(detail, 200)})" if detail else ""
    return RsearchError(
        f"cannot reach Elasticsearch at {url}{detail}: start the local node with "
        "`rsearch es start` or set RSEARCH_ES_URL / --es-url")


def certificate_problem(url: str, detail: str = "") -> RsearchError:
    detail = f" ({one_line(detail, 200)})" if detail else ""
    return RsearchError(
        f"the certificate of Elasticsearch at {url} could not be verified{detail}: "
        f"pass the CA certificate (PEM) that signed it with {CA_OPTION}")


def _tls_failure(url: str, detail: str) -> RsearchError:
    # The official client nests the ssl error in two wrappers; keep its core.
    core = re.search(r"\[(?:SSL|X509)[^\]]*\][^()]*(?:\([^()]*\))?", detail)
    detail = core.group(0) if core else detail
    if "CERTIFICATE_VERIFY_FAILED" in detail or "certificate verify failed" in detail:
        return certificate_problem(url, detail)
    return RsearchError(
        f"TLS with Elasticsearch at {url} failed ({one_line(detail, 200)}): check the URL's "
        f"scheme (http:// or https://) and {CA_OPTION}")


# Root-cause types that have a more useful next step than the reason alone.
_HINTS = {
    "too_many_clauses": "the query has too many terms for this cluster: shorten the query",
    "too_many_nested_clauses": "the query has too many terms for this cluster: shorten the query",
    "index_not_found_exception": "run `rsearch index PATH...` first, or check --index / RSEARCH_INDEX",
    "invalid_index_name_exception": "choose another --index / RSEARCH_INDEX name (lower case, no spaces)",
    "security_exception": f"check the credentials ({CREDENTIALS}) and their privileges",
    "circuit_breaking_exception": "Elasticsearch is short of memory: retry, or give the node more heap",
    "es_rejected_execution_exception": "Elasticsearch is busy: retry in a moment",
    "cluster_block_exception": "the index is blocked (Elasticsearch blocks writes when its disk is "
                               "nearly full): free disk space, or lift the index.blocks.* setting",
}


def _causes(error: dict) -> list[dict]:
    """Every cause object in an Elasticsearch error body, root causes first."""
    found: list[dict] = []
    stack = [*error.get("root_cause", [])]
    for shard in error.get("failed_shards", []) or []:
        if isinstance(shard, dict) and isinstance(shard.get("reason"), dict):
            stack.append(shard["reason"])
    stack.append(error)
    while stack:
        node = stack.pop(0)
        if not isinstance(node, dict) or node in found:
            continue
        found.append(node)
        if isinstance(node.get("caused_by"), dict):
            stack.append(node["caused_by"])
    return found


def _from_answer(status: int, body, url: str | None) -> ElasticsearchError:
    if status < 400:
        return ElasticsearchError(
            f"the server at {url or 'the configured URL'} sent {one_line(body, 200)}: is it "
            "Elasticsearch? check RSEARCH_ES_URL / --es-url", status_code=status)
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        causes = _causes(error)
        # The first root cause names what went wrong; "all shards failed" does not.
        first = next((c for c in causes if c.get("reason") and c.get("reason") != "all shards failed"),
                     causes[0])
        error_type = first.get("type") or error.get("type")
        reason = f"{error_type}: {first.get('reason') or error.get('reason') or ''}".rstrip(": ")
        hint = next((_HINTS[c["type"]] for c in causes if c.get("type") in _HINTS), None)
    else:
        error_type = None
        reason = error if isinstance(error, str) and error else (body if isinstance(body, str) and body else "")
        hint = None
    if status in (401, 403) and hint is None:
        hint = f"check the credentials ({CREDENTIALS})"
    if status == 404 and hint is None and error_type is None:
        hint = f"is {url or 'the URL'} an Elasticsearch cluster? check RSEARCH_ES_URL / --es-url"
    message = f"Elasticsearch answered {status}"
    if reason:
        message += f": {one_line(reason, 300)}"
    if hint:
        message += f"; {hint}"
    return ElasticsearchError(message, status_code=status, error_type=error_type)


def from_elasticsearch(exc: BaseException, url: str | None = None) -> RsearchError | None:
    """The project's error for a failed Elasticsearch request, or None when
    ``exc`` is not one (a bug elsewhere stays a bug with its traceback)."""
    where = url or "the configured URL"
    if isinstance(exc, RsearchError):
        return exc
    if isinstance(exc, UnsupportedProductError):
        return ElasticsearchError(
            f"the server at {where} is not Elasticsearch ({one_line(exc.message, 200)}): "
            "check RSEARCH_ES_URL / --es-url")
    if isinstance(exc, ApiError):
        return _from_answer(exc.meta.status, exc.body, url)
    if isinstance(exc, elastic_transport.TlsError):
        return _tls_failure(where, str(exc))
    if isinstance(exc, elastic_transport.ConnectionTimeout):
        return ElasticsearchError(f"Elasticsearch at {where} did not answer in time: it may be "
                                  "overloaded; retry, or check the node with `rsearch es status`")
    if isinstance(exc, elastic_transport.ConnectionError):
        return unreachable(where, _connection_detail(str(exc)))
    if isinstance(exc, elastic_transport.TransportError):
        return ElasticsearchError(f"talking to Elasticsearch at {where} failed: {one_line(exc, 300)}")
    return None


def _connection_detail(text: str) -> str:
    """The useful end of elastic_transport's nested connection message."""
    m = re.search(r"\[Errno -?\d+\][^)'\"]*", text)
    return m.group(0).strip() if m else ""

"""The ASGI app: JSON endpoints over the library, the page (rsearch.service.page),
errors as ``{"status": N, "message": "one line"}``.

Endpoint functions are plain ``def``: the library and the Elasticsearch client
are synchronous, so FastAPI runs them in its thread pool.
"""

from __future__ import annotations

import hmac
import logging
import math
import re
import threading
import time
from pathlib import Path
from typing import Annotated, Literal

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from rsearch import search
from rsearch.core.errors import ElasticsearchError, NotFound, QueryError, RsearchError, from_elasticsearch, one_line
from rsearch.core.settings import Settings
from rsearch.messages import message  # the one line with its advice (run `rsearch index` ...)
from rsearch.search import facets as facet_registry
from rsearch.search.documents import chunk_in_context, index_stats, report_with_sections
from rsearch.search.options import DEFAULT_FRAGMENT_SIZE, DEFAULT_FRAGMENTS, DEFAULT_LIMIT, MAX_WINDOW


log = logging.getLogger("rsearch.service")
HERE = Path(__file__).parent
MAX_HITS_PER_PAGE = 100
MAX_TAG_CHARS = 100
TOKEN_COOKIE = "rsearch_token"


# -- shapes (what /openapi.json documents and schemathesis checks) ------------------
class ErrorResponse(BaseModel):
    status: int
    message: str


class FacetValueOut(BaseModel):
    value: str
    count: int
    selected: bool


class HitOut(BaseModel):
    id: str
    report_id: str
    title: str | None
    title_highlight: str | None = Field(description="the title as HTML, matches between the tags")
    section: str | None
    kind: str
    text: str = Field(description="the chunk's text (plain text, not HTML)")
    highlights: list[str] = Field(description="fragments of text as HTML: text escaped, matches between the tags")
    score: float | None
    date: str | None
    date_source: str | None
    publication: str | None
    people: list[str]
    region: list[str]
    places: list[str]
    source_path: str
    report_no: int
    section_index: int
    chunk_index: int
    report_matches: int | None = Field(description="with group_by_report: matching chunks of this report")


class SearchResponse(BaseModel):
    q: str
    hits: list[HitOut]
    total: int = Field(description="matching chunks (matching reports with group_by_report)")
    page: int
    hits_per_page: int
    total_pages: int
    sort: str
    grouped: bool
    facets: dict[str, list[FacetValueOut]]
    facets_over: str = Field(description='what the facet counts count: "all_words" (the chunks that match every '
                                         'word, which the list starts with) or "all" (every match)')
    processing_time_ms: float = Field(description="the whole request in the service")
    elasticsearch_ms: int = Field(description="Elasticsearch's own time")


class SearchRequest(BaseModel):
    """POST /search body; the same names as GET /search's parameters."""

    model_config = ConfigDict(extra="forbid")
    q: str = ""
    filter: list[str] | dict[str, list[str] | str] | None = Field(
        None, description='"name:value" strings, or {"name": ["value", ...]}; one name\'s values are OR-ed, names AND-ed')
    facets: list[str] | None = Field(None, description="facets to count (default: the registry's defaults; [] for none)")
    page: int = Field(1, ge=1)
    hits_per_page: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_HITS_PER_PAGE)
    sort: Literal["relevance", "date"] = "relevance"
    group_by_report: bool = False
    operator: Literal["and", "or"] = "and"
    strict: bool = Field(False, description="only hits that match every word (default: those first, then fewer)")
    highlight_pre_tag: str = Field("<em>", max_length=MAX_TAG_CHARS)
    highlight_post_tag: str = Field("</em>", max_length=MAX_TAG_CHARS)
    fragment_size: int = Field(DEFAULT_FRAGMENT_SIZE, ge=1, le=2000)
    fragments: int = Field(DEFAULT_FRAGMENTS, ge=1, le=20)


class FacetOut(BaseModel):
    name: str = Field(description="what a filter names: filter=name:value")
    field: str = Field(description="the index field")
    label: str
    description: str
    kind: str = Field(description="how values are counted: terms or date_histogram")
    match: str = Field(description="how a filter value selects: exact, place or date")
    filter_form: str = Field(description="what a filter value looks like")
    counted: bool = Field(description="a facet: counted when asked for in `facets` (else a filter only)")
    default: bool = Field(description="counted when a search names no facets")


class FacetsResponse(BaseModel):
    facets: list[FacetOut]


class ChunkResponse(BaseModel):
    chunk: dict
    report: dict
    sections: list[str]
    chunks_in_report: int
    previous: str | None
    next: str | None


class ReportChunk(BaseModel):
    id: str
    kind: str
    chunk_index: int
    text: str


class ReportSection(BaseModel):
    index: int
    heading: str | None
    chunks: list[ReportChunk]


class ReportResponse(BaseModel):
    report: dict
    sections: list[ReportSection]
    chunks: int


class HealthResponse(BaseModel):
    status: Literal["ok"]
    service: str
    cluster: dict


ERRORS = {400: {"model": ErrorResponse, "description": "bad input: a malformed query or parameter"},
          503: {"model": ErrorResponse, "description": "the cluster is unreachable or the index missing"}}
NOT_FOUND = {404: {"model": ErrorResponse, "description": "no such chunk or report"}}


# -- errors ---------------------------------------------------------------------------
class BadRequest(RsearchError):
    """Input the service itself refuses (a filter without a name, text that is not UTF-8)."""


def status_of(err: RsearchError) -> int:
    if isinstance(err, (QueryError, BadRequest)):
        return 400
    if isinstance(err, NotFound):
        return 404
    if isinstance(err, ElasticsearchError) and err.status_code == 400:
        return 400  # the cluster refused the request built from this input
    return 503  # ConfigError, unreachable, refused credentials, IndexMissing, IndexOutdated


_URL_CREDENTIALS = re.compile(r"(\b[a-z][a-z0-9+.-]*://)[^/@\s]+@", re.I)


def public_text(text: str) -> str:
    """One line for a caller: a URL in it keeps its host but never user:password@
    (the library leaves them out already; this holds whatever a message quotes)."""
    return _URL_CREDENTIALS.sub(r"\1", one_line(text))


def public_message(err: RsearchError) -> str:
    return public_text(message(err))


def error_json(status: int, text: str) -> JSONResponse:
    return JSONResponse({"status": status, "message": public_text(text)}, status_code=status)


def check_text(name: str, *values: str | None) -> None:
    for value in values:
        if value is not None and any("\ud800" <= ch <= "\udfff" for ch in value):
            raise BadRequest(f"{name} is not valid UTF-8 text")


# -- the library, called the way both the API and the page need it ----------------------
class Service:
    """Settings, one Elasticsearch client (made on first use) and the calls."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._client = None
        self._lock = threading.Lock()

    @property
    def client(self):
        if self._client is None:
            with self._lock:  # endpoint functions run in a thread pool
                if self._client is None:
                    self._client = self.settings.client()
        return self._client

    def search(self, req: SearchRequest) -> tuple[search.SearchResult, dict]:
        started = time.perf_counter()
        check_text("q", req.q, req.highlight_pre_tag, req.highlight_post_tag)
        filters = parse_filters(req.filter)
        result = search.search(
            req.q, filters=filters, limit=req.hits_per_page, page=req.page, group_by_report=req.group_by_report,
            sort=req.sort, operator=req.operator, strict=req.strict,
            fragment_size=req.fragment_size, fragments=req.fragments, facets=req.facets,
            client=self.client, index=self.settings.index,
            # The library escapes the text; only these tags are markup.
            highlight_pre_tag=req.highlight_pre_tag, highlight_post_tag=req.highlight_post_tag)
        hits = []
        for hit in result.hits:
            hits.append({
                "id": hit.id, "report_id": hit.report_id, "title": hit.title,
                "title_highlight": hit.title_highlight,
                "section": hit.section, "kind": hit.kind, "text": hit.text,
                "highlights": hit.highlights,
                "score": hit.score, "date": hit.date, "date_source": hit.date_source,
                "publication": hit.publication, "people": hit.people, "region": hit.region, "places": hit.places,
                "source_path": hit.source_path, "report_no": hit.report_no, "section_index": hit.section_index,
                "chunk_index": hit.chunk_index, "report_matches": hit.report_matches,
            })
        reachable = min(result.total, MAX_WINDOW)
        body = {
            "q": result.query, "hits": hits, "total": result.total, "page": req.page,
            "hits_per_page": req.hits_per_page, "total_pages": math.ceil(reachable / req.hits_per_page),
            "sort": req.sort, "grouped": result.grouped,
            "facets": {name: [{"value": v.value, "count": v.count, "selected": v.selected} for v in values]
                       for name, values in result.facets.items()},
            "facets_over": result.facets_over,
            "processing_time_ms": round((time.perf_counter() - started) * 1000, 2),
            "elasticsearch_ms": result.took,
        }
        return result, body

    def chunk(self, chunk_id: str) -> dict:
        check_text("the chunk id", chunk_id)
        return chunk_in_context(self.client, self.settings.index, chunk_id)

    def report(self, report_id: str) -> dict:
        check_text("the report id", report_id)
        return report_with_sections(self.client, self.settings.index, report_id)

    def stats(self) -> dict:
        return index_stats(self.client, self.settings.index)

    def health(self) -> dict:
        try:
            health = self.client.options(request_timeout=5).cluster.health()
        except Exception as err:
            translated = from_elasticsearch(err, self.settings.resolved_url)
            if translated is None:
                raise
            raise translated from None
        return {"status": "ok", "service": "ok",
                "cluster": {"status": health["status"], "name": health["cluster_name"],
                            "nodes": health["number_of_nodes"], "index": self.settings.index}}


def parse_filters(raw) -> dict[str, list[str]]:
    """``["people:张再行", "region:西工区"]`` or ``{"people": [...]}`` -> {name: [values]}."""
    out: dict[str, list[str]] = {}
    if raw is None:
        return out
    if isinstance(raw, dict):
        for name, values in raw.items():
            values = [values] if isinstance(values, str) else values
            check_text("a filter", name, *values)
            out.setdefault(name, []).extend(values)
        return out
    for item in raw:
        check_text("a filter", item)
        name, sep, value = item.partition(":")
        if not sep or not name.strip() or not value.strip():
            raise BadRequest(f"bad filter '{item[:80]}': use name:value, e.g. people:张再行")
        out.setdefault(name.strip(), []).append(value.strip())
    return out


# -- the app ------------------------------------------------------------------------------
def create_app(settings: Settings | None = None, *, token: str | None = None) -> FastAPI:
    """The service for ``settings`` (default: from the environment). With
    ``token``, every request but /health needs ``Authorization: Bearer TOKEN``
    (the page: open it once as ``/?token=TOKEN``, which sets a cookie)."""
    service = Service(settings or Settings.from_env())
    # FastAPIOffline: /docs and /redoc served from the package's own copies
    # of Swagger UI and ReDoc, not a CDN (the service often runs offline).
    app = FastAPIOffline(title="rsearch", version="1", summary="Full-text search over Chinese reports",
                  description="Ranked, highlighted, faceted search with rsearch's Chinese analysis. "
                              "Errors are {\"status\": N, \"message\": \"one line\"}.")
    app.state.service = service

    @app.exception_handler(RsearchError)
    async def _library_error(request: Request, err: RsearchError):
        return error_json(status_of(err), message(err))

    @app.exception_handler(RequestValidationError)
    async def _bad_parameters(request: Request, err: RequestValidationError):
        first = err.errors()[0] if err.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("query", "body", "path"))
        return error_json(400, f"{where or 'request'}: {first.get('msg', 'invalid')}")

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, err: StarletteHTTPException):
        return error_json(err.status_code, str(err.detail))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, err: Exception):
        translated = from_elasticsearch(err, None)
        if translated is not None:
            return error_json(status_of(translated), message(translated))
        log.exception("unexpected error on %s", request.url.path)
        return error_json(500, f"internal error ({type(err).__name__}); the server log has the details")

    if token:
        _add_token_check(app, token)

    @app.get("/search", response_model=SearchResponse, responses=ERRORS, tags=["search"])
    def search_get(
        q: str = "",
        filter: Annotated[list[str] | None, Query(description='"name:value"; repeat for several')] = None,
        facets: Annotated[str | None, Query(description="comma-separated facet names (default: the registry's defaults)")] = None,
        page: Annotated[int, Query(ge=1)] = 1,
        hits_per_page: Annotated[int, Query(ge=1, le=MAX_HITS_PER_PAGE)] = DEFAULT_LIMIT,
        sort: Literal["relevance", "date"] = "relevance",
        group_by_report: bool = False,
        operator: Literal["and", "or"] = "and",
        strict: Annotated[bool, Query(description="only hits that match every word")] = False,
        highlight_pre_tag: Annotated[str, Query(max_length=MAX_TAG_CHARS)] = "<em>",
        highlight_post_tag: Annotated[str, Query(max_length=MAX_TAG_CHARS)] = "</em>",
        fragment_size: Annotated[int, Query(ge=1, le=2000)] = DEFAULT_FRAGMENT_SIZE,
        fragments: Annotated[int, Query(ge=1, le=20)] = DEFAULT_FRAGMENTS,
    ):
        """Search; the query language of `rsearch search` (phrases, OR, -word, name:value)."""
        req = SearchRequest(
            q=q, filter=filter, page=page, hits_per_page=hits_per_page, sort=sort,
            facets=None if facets is None else [f.strip() for f in facets.split(",") if f.strip()],
            group_by_report=group_by_report, operator=operator, strict=strict, highlight_pre_tag=highlight_pre_tag,
            highlight_post_tag=highlight_post_tag, fragment_size=fragment_size, fragments=fragments)
        return service.search(req)[1]

    @app.post("/search", response_model=SearchResponse, responses=ERRORS, tags=["search"])
    def search_post(req: SearchRequest):
        """Search with a JSON body (the same names as GET /search)."""
        return service.search(req)[1]

    @app.get("/chunks/{chunk_id}", response_model=ChunkResponse, responses={**ERRORS, **NOT_FOUND}, tags=["reports"])
    def get_chunk(chunk_id: str):
        """One chunk with its report's metadata, section list and neighbours."""
        return service.chunk(chunk_id)

    @app.get("/reports/{report_id}", response_model=ReportResponse, responses={**ERRORS, **NOT_FOUND},
             tags=["reports"])
    def get_report(report_id: str):
        """A whole report: metadata and sections in order, each with its chunks."""
        return service.report(report_id)

    @app.get("/facets", response_model=FacetsResponse, tags=["search"])
    def get_facets():
        """The facets every search counts and the filters it accepts: names, labels, value forms."""
        return {"facets": [f.to_dict() for f in facet_registry.filters()]}

    @app.get("/stats", response_model=dict, responses=ERRORS, tags=["service"])
    def get_stats():
        """Index facts: counts, size, mapping and dictionary versions."""
        return service.stats()

    @app.get("/health", response_model=HealthResponse, responses=ERRORS, tags=["service"])
    def get_health():
        """200 when the service and the cluster answer; 503 (with the reason) when the cluster does not."""
        return service.health()

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    from .page import add_page_routes

    add_page_routes(app, service)
    _trim_openapi(app)
    return app


def _add_token_check(app: FastAPI, token: str) -> None:
    @app.middleware("http")
    async def require_token(request: Request, call_next):
        if request.url.path == "/health":
            return await call_next(request)
        given = request.query_params.get("token")
        if given is not None and hmac.compare_digest(given.encode(), token.encode()):
            # The page: a link with ?token= sets a cookie, then the URL drops it.
            rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
            from urllib.parse import urlencode

            target = request.url.path + (f"?{urlencode(rest)}" if rest else "")
            resp = RedirectResponse(target, status_code=303)
            resp.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
            return resp
        header = request.headers.get("authorization", "")
        offered = header[7:] if header.lower().startswith("bearer ") else request.cookies.get(TOKEN_COOKIE, "")
        if not hmac.compare_digest(offered.encode(), token.encode()):
            resp = error_json(401, "missing or wrong token: send Authorization: Bearer <RSEARCH_API_TOKEN>")
            resp.headers["WWW-Authenticate"] = "Bearer"
            return resp
        return await call_next(request)


def _trim_openapi(app: FastAPI) -> None:
    """Validation errors answer 400 (ErrorResponse), not FastAPI's 422: drop
    the 422 entries from the schema so it says what the service does."""

    def openapi():
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, summary=app.summary,
                                 description=app.description, routes=app.routes)
            for path in schema.get("paths", {}).values():
                for op in path.values():
                    op.get("responses", {}).pop("422", None)
                    op.get("responses", {}).setdefault("400", {
                        "description": "bad input",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}})
            for name in ("HTTPValidationError", "ValidationError"):
                schema.get("components", {}).get("schemas", {}).pop(name, None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi

"""The search page: server-rendered (works without JavaScript), the URL holds
the whole state (q, filter, page, sort, group_by_report). static/app.js makes it
instant by fetching the same URL with ``X-Rsearch-Partial: 1`` and swapping in
the results part, so there is one renderer, this one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from rsearch.core.errors import RsearchError
from rsearch.search import facets
from rsearch.search.marking import mark_html, needles_for


from .page_text import TEXT, error_text, facet_label, kind_label, language

PRE, POST = "<mark>", "</mark>"
HITS_PER_PAGE = 10
PAGER_SPAN = 3  # page links either side of the current page
VARY = {"Vary": "Accept-Language"}  # the page's language follows the browser's

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def _url(path: str, params: list[tuple[str, str]]) -> str:
    return path + ("?" + urlencode(params) if params else "")


def add_page_routes(app: FastAPI, service) -> None:
    from .app import SearchRequest, public_message, status_of

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page(
        request: Request,
        q: str = "",
        filter: Annotated[list[str] | None, Query()] = None,
        page: Annotated[int, Query(ge=1)] = 1,
        sort: Literal["relevance", "date"] = "relevance",
        group_by_report: bool = False,
    ):
        lang = language(request.headers.get("accept-language"))
        filters = [f for f in (filter or []) if f]
        state = [("q", q), *(("filter", f) for f in filters)]
        if sort != "relevance":
            state.append(("sort", sort))
        if group_by_report:
            state.append(("group_by_report", "true"))
        ctx = {"request": request, "q": q, "sort": sort, "group_by_report": group_by_report, "page": page,
               "error": None, "body": None, "facets": [], "hidden_filters": filters, "pages": [],
               "labels": {f.name: facet_label(f.name, lang) for f in facets.filters()},
               "lang": lang, "t": TEXT[lang], "kind_label": lambda kind: kind_label(kind, lang),
               "active_filters": len(filters)}
        status = 200
        try:
            _, body = service.search(SearchRequest(
                q=q, filter=filters, page=page, hits_per_page=HITS_PER_PAGE, sort=sort,
                group_by_report=group_by_report, highlight_pre_tag=PRE, highlight_post_tag=POST,
                fragment_size=120, fragments=2,
                # The page's sidebar shows every counted facet, report titles
                # and section headings too (the library counts those on request).
                facets=facets.names(facets.counted())))
        except RsearchError as err:
            ctx["error"], status = error_text(public_message(err), lang), status_of(err)
        else:
            # The section a hit is in, with the words searched for marked: a
            # caption that matches only through its heading shows why.
            needles = needles_for(q)
            for hit in body["hits"]:
                hit["section_html"] = mark_html(hit["section"], needles, PRE, POST) if hit["section"] else None
            ctx["body"] = body
            shown = {f"{name}:{v['value']}" for name, values in body["facets"].items() for v in values}
            ctx["facets"] = [(name, body["facets"][name]) for name in
                             facets.names() if body["facets"].get(name)]
            ctx["hidden_filters"] = [f for f in filters if f not in shown]
            ctx["pages"] = _pager(page, body["total_pages"], state, TEXT[lang])
            ctx["read_query"] = urlencode([("q", q)]) if q else ""
        ctx["state_url"] = _url("/", state + ([("page", str(page))] if page > 1 else []))
        partial = request.headers.get("x-rsearch-partial") == "1"
        return templates.TemplateResponse(request, "_results.html" if partial else "search.html", ctx,
                                          status_code=status, headers=VARY)

    @app.get("/read/{report_id}", response_class=HTMLResponse, include_in_schema=False)
    def read(request: Request, report_id: str, q: str = ""):
        lang = language(request.headers.get("accept-language"))
        ctx = {"request": request, "q": q, "error": None, "report": None, "sections": [],
               "back": _url("/", [("q", q)] if q else []), "lang": lang, "t": TEXT[lang]}
        status = 200
        try:
            found = service.report(report_id)
        except RsearchError as err:
            ctx["error"], status = error_text(public_message(err), lang), status_of(err)
        else:
            needles = needles_for(q)
            ctx["report"] = found["report"]
            ctx["sections"] = [{
                "heading": mark_html(s["heading"], needles, PRE, POST) if s["heading"] else None,
                "chunks": [{"id": c["id"], "kind": c["kind"], "html": mark_html(c["text"], needles, PRE, POST)}
                           for c in s["chunks"]],
            } for s in found["sections"]]
            ctx["title_html"] = mark_html(found["report"].get("title") or "", needles, PRE, POST)
        return templates.TemplateResponse(request, "report.html", ctx, status_code=status, headers=VARY)


def _pager(page: int, total_pages: int, state: list[tuple[str, str]], text: dict) -> list[dict]:
    """Links: previous, a window of page numbers, next."""
    if total_pages <= 1:
        return []

    def link(n: int, label: str, rel: str = "") -> dict:
        return {"label": label, "url": _url("/", state + ([("page", str(n))] if n > 1 else [])),
                "current": n == page, "rel": rel}

    out = []
    if page > 1:
        out.append(link(page - 1, text["prev"], "prev"))
    for n in range(max(1, page - PAGER_SPAN), min(total_pages, page + PAGER_SPAN) + 1):
        out.append(link(n, str(n)))
    if page < total_pages:
        out.append(link(page + 1, text["next"], "next"))
    return out


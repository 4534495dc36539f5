"""The live web app: the report's views served over the database, each page with a JSON twin.

Pages: /, /articles, /story/{id}, /actors, /actor/{id}, /article/{id}, /timeline, /heatmap,
/contradictions, /gaps, /positions, /search?q=. JSON twins: the same paths under /api/..., described at
/openapi.json (response models in publish/api_models.py). List endpoints page with
``offset``/``limit`` and answer CSV with ``format=csv``. The database is opened read-only (and with
``query_only``), only GET routes exist, and when a token is set every request must carry it (header,
``?token=`` or the cookie that a successful ``?token=`` sets, so links keep working in a browser).

Every page is one row of ROUTES: the view function, its template and title, its parameters and,
for list pages, which list pages and CSV cover. Adding a page is adding a row.
"""
from __future__ import annotations

import csv
import hmac
import inspect
import io
import json
import re
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Literal, Optional
from urllib.parse import quote

from fastapi import FastAPI, Path as PathParam, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from .. import __version__
from ..store import Store
from ..store.check import database_problem
from . import api_models as m
from . import views
from .corpus import CorpusCache
from .net import local_host
from .positions_view import positions_view
from .render import render
from .search import search_view

CACHE_ENTRIES = 64
CACHE_MAX_BYTES = 4_000_000
TOKEN_HEADER = "x-storylens-token"
TOKEN_COOKIE = "storylens_token"
APP_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
           "base-uri 'none'; frame-ancestors 'none'")
MAX_LIMIT = 10_000


class SafeJSON(JSONResponse):
    """JSON with <, > and & as \\u escapes: still the same JSON, but inert if a browser sniffs it as HTML."""

    def render(self, content) -> bytes:
        text = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").encode("utf-8")


def _supplied_token(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return (request.headers.get(TOKEN_HEADER) or request.query_params.get("token")
            or request.cookies.get(TOKEN_COOKIE))


def _same(a: str | None, b: str) -> bool:
    return a is not None and hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def _parse_hl(hl: str | None) -> tuple[int, int] | None:
    found = re.fullmatch(r"(\d{1,9})-(\d{1,9})", hl or "")
    return (int(found.group(1)), int(found.group(2))) if found else None


def cache_key(request: Request) -> str:
    """The path and the query exactly as sent (still percent-encoded), less the token.

    Keys built from decoded parameters would let `q=Reiss%26zz%3D1` and `q=Reiss&zz=1` share
    an entry; the raw query keeps every request distinct.
    """
    parts = [p for p in request.url.query.split("&") if p and not p.startswith("token=")]
    return request.url.path + "?" + "&".join(parts)


# ---- the route table ---------------------------------------------------------------------
@dataclass(frozen=True)
class Param:
    name: str
    annotation: Any
    default: Any   # a fastapi Query(...) / Path(...)


IDENT = {name: Param(name, str, PathParam(..., description=f"The {what}'s id."))
         for name, what in (("story_id", "story"), ("actor_id", "actor"), ("article_id", "article"))}
STORY = Param("story", Optional[str], Query(None, description="Only this story (its id)."))
HL = Param("hl", Optional[str], Query(None, pattern=r"^\d{1,9}-\d{1,9}$", description="Highlight START-END."))
Q = Param("q", str, Query("", description="Words to find (all must occur)."))
ACTOR = Param("actor", Optional[str], Query(None, description="Only this actor (its id)."))
ISSUE = Param("issue", Optional[str], Query(None, description="Only this issue (its label)."))
HITS = Param("limit", int, Query(50, ge=1, le=500, description="At most this many articles and this many quotes."))


@dataclass(frozen=True)
class Route:
    page: str                           # HTML path; the JSON twin is /api + this (index: /api/index)
    template: str
    title: Callable[[dict], str]
    view: Callable[..., dict | None]    # (corpus, store, **params) -> view dict, None for "no such id"
    model: type
    summary: str
    params: tuple[Param, ...] = ()
    ident: str | None = None            # the path parameter naming one item (404 when unknown)
    list_key: str | None = None         # the list that `offset`/`limit` and `format=csv` apply to
    api: str | None = None              # JSON path when it is not /api + page
    extra: tuple = ()                   # fixed template arguments


def _search(c, store, q: str = "", limit: int = 50) -> dict:
    return search_view(store.conn, c, q, limit)


ROUTES: tuple[Route, ...] = (
    Route("/", "_index.html", lambda v: "Stories", lambda c, s: views.index_view(c), m.IndexView,
          "Stories, counts and all articles", api="/api/index", list_key="articles",
          extra=(("show_articles", False),)),
    Route("/articles", "_index.html", lambda v: "Articles", lambda c, s: views.index_view(c), m.IndexView,
          "Stories, counts and all articles", api="/api/index", list_key="articles",
          extra=(("show_articles", True),)),
    Route("/story/{story_id}", "_story.html", lambda v: v["story"]["title"] or v["story"]["id"],
          lambda c, s, story_id: views.story_view(c, story_id), m.StoryView,
          "Briefing, disagreements, claims, actors, heatmap, timeline, gaps of one story",
          params=(IDENT["story_id"],), ident="story_id"),
    Route("/actors", "_actors.html", lambda v: "Actors", lambda c, s: views.actors_view(c), m.ActorsView,
          "All actors and the who-acts-on/talks-about network", list_key="actors"),
    Route("/actor/{actor_id}", "_actor.html", lambda v: v["actor"]["name"],
          lambda c, s, actor_id: views.actor_view(c, actor_id), m.ActorView,
          "One actor: aliases, roles, quotes, events, framing per outlet", params=(IDENT["actor_id"],),
          ident="actor_id"),
    Route("/article/{article_id}", "_article.html", lambda v: v["article"]["title"] or v["article"]["id"],
          lambda c, s, article_id, hl=None: views.article_view(c, article_id, _parse_hl(hl)), m.ArticleView,
          "One article: cleaned text, highlight segments, removed boilerplate",
          params=(IDENT["article_id"], HL), ident="article_id"),
    Route("/timeline", "_timeline.html", lambda v: "Timeline", lambda c, s, story=None: views.timeline_view(c, story),
          m.TimelineView, "Events by date, and events per day per actor and per PLOVER type (optionally one story)",
          params=(STORY,), list_key="events"),
    Route("/heatmap", "_heatmap.html", lambda v: "Outlets × actors",
          lambda c, s, story=None: views.heatmap_view(c, story), m.HeatmapView,
          "Outlets × actors responsibility and tone (optionally one story)", params=(STORY,), list_key="cells"),
    Route("/contradictions", "_contradictions.html", lambda v: "Contradictions",
          lambda c, s, story=None: views.contradictions_view(c, story), m.ContradictionsView,
          "Contradictions with both sides (optionally one story)", params=(STORY,), list_key="contradictions"),
    Route("/gaps", "_gaps.html", lambda v: "Coverage gaps", lambda c, s, story=None: views.gaps_view(c, story),
          m.GapsView, "Coverage gaps (optionally one story)", params=(STORY,), list_key="gaps"),
    Route("/positions", "_positions.html", lambda v: "Positions",
          lambda c, s, actor=None, issue=None: positions_view(c, actor, issue), m.PositionsView,
          "Actors × issues: latest stance, changes over time, outlet conflicts, sentences",
          params=(ACTOR, ISSUE), list_key="positions"),
    Route("/search", "_search.html", lambda v: "Search", _search, m.SearchView,
          "Full-text search over articles and quotes (FTS5)", params=(Q, HITS)),
)


def api_path(route: Route) -> str:
    return route.api or "/api" + route.page


def paginate(v: dict, key: str, offset: int, limit: int | None) -> dict:
    items = v.get(key) or []
    return {**v, key: items[offset:None if limit is None else offset + limit],
            "page": {"key": key, "total": len(items), "offset": offset, "limit": limit}}


def _cell(value) -> Any:
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def csv_rows(rows: list[dict]) -> str:
    """Rows as CSV; nested values become JSON text. Columns: every key, in first-seen order."""
    columns: dict[str, None] = {}
    for r in rows:
        columns.update(dict.fromkeys(r))
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow({k: _cell(v) for k, v in r.items()})
    return buf.getvalue()


def _signature(params: tuple[Param, ...], listing: bool) -> inspect.Signature:
    ps = [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)]
    for p in params:
        ps.append(inspect.Parameter(p.name, inspect.Parameter.KEYWORD_ONLY, default=p.default, annotation=p.annotation))
    if listing:
        ps += [inspect.Parameter("offset", inspect.Parameter.KEYWORD_ONLY, annotation=int,
                                 default=Query(0, ge=0, description="Skip this many items of the list.")),
               inspect.Parameter("limit", inspect.Parameter.KEYWORD_ONLY, annotation=Optional[int],
                                 default=Query(None, ge=1, le=MAX_LIMIT, description="At most this many items.")),
               inspect.Parameter("format", inspect.Parameter.KEYWORD_ONLY, annotation=Literal["json", "csv"],
                                 default=Query("json", description="json, or csv for the list alone."))]
    return inspect.Signature(ps)


def create_app(db: str | Path, token: str | None = None, csp: bool = True, local_only: bool = False) -> FastAPI:
    """The app over `db`. `local_only` answers only requests addressed to a loopback name, so a web
    page elsewhere cannot reach a localhost server through DNS rebinding. Raises ValueError when
    `db` is not a storylens database."""
    problem = database_problem(db)
    if problem:
        raise ValueError(problem)
    store = Store(db, readonly=True)
    store.conn.execute("PRAGMA query_only=1")
    cache = CorpusCache(store)
    app = FastAPI(title="storylens", version=__version__, docs_url=None, redoc_url=None,
                  description="Read-only JSON API over a storylens database. Every HTML page has a twin here; "
                              "list endpoints take offset, limit and format=csv.")
    app.state.store = store

    # Pages are pure functions of the data, so finished responses are kept per data version:
    # a repeated page costs a dictionary look-up, and the first change to the database drops them all.
    responses: OrderedDict[str, tuple[bytes, int, str]] = OrderedDict()
    seen = {"corpus": None}

    async def _cached(request: Request, call_next):
        if request.method != "GET":
            return await call_next(request)
        corpus = cache.get()
        if corpus is not seen["corpus"]:
            responses.clear()
            seen["corpus"] = corpus
        key = cache_key(request)
        hit = responses.get(key)
        if hit is not None:
            responses.move_to_end(key)
            return Response(content=hit[0], status_code=hit[1], media_type=hit[2])
        response = await call_next(request)
        body = b"".join([chunk async for chunk in response.body_iterator])
        media = response.headers.get("content-type", "")
        if response.status_code in (200, 404) and len(body) <= CACHE_MAX_BYTES:
            responses[key] = (body, response.status_code, media)
            while len(responses) > CACHE_ENTRIES:
                responses.popitem(last=False)
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        return Response(content=body, status_code=response.status_code, headers=headers)

    @app.middleware("http")
    async def guard(request: Request, call_next):
        if local_only and not local_host(request.headers.get("host", "")):
            return PlainTextResponse("this server answers only to localhost", status_code=421)
        if token:
            supplied = _supplied_token(request)
            if not _same(supplied, token):
                return PlainTextResponse("a valid token is required (header X-Storylens-Token, "
                                         "Authorization: Bearer, or ?token=)", status_code=401)
        response = await _cached(request, call_next)
        if token and _same(request.query_params.get("token"), token):
            response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
        if csp:
            response.headers["Content-Security-Policy"] = APP_CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    def twin_link(route: Route, request: Request) -> str:
        path = api_path(route)
        for name in request.path_params:
            path = path.replace("{" + name + "}", quote(str(request.path_params[name]), safe=""))
        query = "&".join(p for p in request.url.query.split("&") if p and not p.startswith("token="))
        return path + ("?" + query if query else "")

    def add(route: Route) -> None:
        what = route.ident.removesuffix("_id") if route.ident else None
        listing = route.list_key is not None

        def view_of(kwargs: dict) -> dict | None:
            return route.view(cache.get(), store, **{p.name: kwargs.get(p.name) for p in route.params
                                                     if kwargs.get(p.name) is not None})

        async def api_endpoint(request: Request, **kwargs):
            v = view_of(kwargs)
            if v is None:
                return SafeJSON({"detail": f"no {what} {kwargs.get(route.ident)}"}, status_code=404)
            if listing:
                v = paginate(v, route.list_key, kwargs["offset"], kwargs["limit"])
                if kwargs["format"] == "csv":
                    return Response(csv_rows(v[route.list_key]), media_type="text/csv; charset=utf-8")
            return SafeJSON(v)

        async def page_endpoint(request: Request, **kwargs):
            v = view_of(kwargs)
            if v is None:
                return HTMLResponse(render("app", "page.html", section="_notfound.html",
                                           v={"what": what, "id": kwargs.get(route.ident)}, title="Not found",
                                           api=None), status_code=404)
            title = route.title(v)
            api = twin_link(route, request)
            meta = {"page": route.template.strip("_").removesuffix(".html"), "api": api, "title": title}
            return HTMLResponse(render("app", "page.html", section=route.template, v=v, title=title, api=api,
                                       page_data=meta, **dict(route.extra)))

        api_endpoint.__signature__ = _signature(route.params, listing)
        page_endpoint.__signature__ = _signature(route.params, False)
        api_endpoint.__name__ = "api_" + (route.page.strip("/").split("/")[0] or "index")
        page_endpoint.__name__ = "page_" + (route.page.strip("/").split("/")[0] or "index")
        if not any(r.path == api_path(route) for r in app.routes if hasattr(r, "path")):
            responses_doc = {404: {"model": m.ErrorResponse}} if route.ident else {}
            if listing:
                responses_doc[200] = {"content": {"text/csv": {"schema": {"type": "string"}}},
                                      "description": "The view as JSON, or its list as CSV (format=csv)."}
            app.add_api_route(api_path(route), api_endpoint, methods=["GET"], response_model=route.model,
                              summary=route.summary, responses=responses_doc)
        app.add_api_route(route.page, page_endpoint, methods=["GET"], response_class=HTMLResponse,
                          include_in_schema=False)

    for route in ROUTES:
        add(route)

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon():
        return Response(status_code=204)

    return app

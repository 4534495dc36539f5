"""The live web app: the report's views served over the database, each page with a JSON twin.

Pages: /, /articles, /story/{id}, /actors, /actor/{id}, /article/{id}, /timeline, /heatmap,
/contradictions, /gaps, /positions, /search?q=. JSON twins: the same paths under /api/..., described at
/openapi.json. The database is opened read-only (and with ``query_only``), only GET routes exist,
and when a token is set every request must carry it (header, ``?token=`` or the cookie that a
successful ``?token=`` sets, so links keep working in a browser).
"""
from __future__ import annotations

import hmac
import json
import re
from collections import OrderedDict
from pathlib import Path
from urllib.parse import quote, urlencode

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from ..store import Store
from . import views
from .corpus import CorpusCache
from .positions_view import positions_view
from .render import render
from .search import search_view

CACHE_ENTRIES = 64
CACHE_MAX_BYTES = 4_000_000
TOKEN_HEADER = "x-storylens-token"
TOKEN_COOKIE = "storylens_token"
APP_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
           "base-uri 'none'; frame-ancestors 'none'")


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


def host_of(header: str) -> str:
    """The host part of a Host header ("[::1]:8765" → "::1", "localhost:80" → "localhost")."""
    h = (header or "").strip().lower()
    if h.startswith("["):
        return h[1:h.find("]")] if "]" in h else h
    return h.rsplit(":", 1)[0] if h.count(":") == 1 else h


def local_host(header: str) -> bool:
    from ..commands.serve import is_loopback

    return is_loopback(host_of(header))


def _same(a: str | None, b: str) -> bool:
    return a is not None and hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def _parse_hl(hl: str | None) -> tuple[int, int] | None:
    m = re.fullmatch(r"(\d{1,9})-(\d{1,9})", hl or "")
    return (int(m.group(1)), int(m.group(2))) if m else None


def create_app(db: str | Path, token: str | None = None, csp: bool = True, local_only: bool = False) -> FastAPI:
    """The app over `db`. `local_only` answers only requests addressed to a loopback name, so a web
    page elsewhere cannot reach a localhost server through DNS rebinding."""
    store = Store(db, readonly=True)
    store.conn.execute("PRAGMA query_only=1")
    cache = CorpusCache(store)
    app = FastAPI(title="storylens", version="0.1.0", docs_url=None, redoc_url=None,
                  description="Read-only JSON API over a storylens database. Every HTML page has a twin here.")
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
        query = "&".join(f"{k}={v}" for k, v in sorted(request.query_params.multi_items()) if k != "token")
        key = request.url.path + "?" + query
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

    def page(section: str, v: dict, title: str, api: str, status: int = 200, **extra) -> HTMLResponse:
        meta = {"page": section.strip("_").removesuffix(".html"), "api": api, "title": title}
        html = render("app", "page.html", section=section, v=v, title=title, api=api, page_data=meta,
                      **extra)
        return HTMLResponse(html, status_code=status)

    def not_found(what: str, ident: str) -> HTMLResponse:
        return HTMLResponse(render("app", "page.html", section="_notfound.html",
                                   v={"what": what, "id": ident}, title="Not found", api=None), status_code=404)

    def api_404(what: str, ident: str) -> SafeJSON:
        return SafeJSON({"detail": f"no {what} {ident}"}, status_code=404)

    # ---- JSON twins -------------------------------------------------------------
    @app.get("/api/index", summary="Stories, counts and all articles")
    async def api_index():
        return SafeJSON(views.index_view(cache.get()))

    @app.get("/api/story/{story_id}", summary="Briefing, disagreements, claims, actors, heatmap, timeline, gaps of one story")
    async def api_story(story_id: str):
        v = views.story_view(cache.get(), story_id)
        return SafeJSON(v) if v else api_404("story", story_id)

    @app.get("/api/actors", summary="All actors and the who-acts-on/talks-about network")
    async def api_actors():
        return SafeJSON(views.actors_view(cache.get()))

    @app.get("/api/actor/{actor_id}", summary="One actor: aliases, roles, quotes, events, framing per outlet")
    async def api_actor(actor_id: str):
        v = views.actor_view(cache.get(), actor_id)
        return SafeJSON(v) if v else api_404("actor", actor_id)

    @app.get("/api/article/{article_id}", summary="One article: cleaned text, highlight segments, removed boilerplate")
    async def api_article(article_id: str, hl: str | None = Query(None, pattern=r"^\d{1,9}-\d{1,9}$")):
        v = views.article_view(cache.get(), article_id, _parse_hl(hl))
        return SafeJSON(v) if v else api_404("article", article_id)

    @app.get("/api/timeline", summary="Events by date (optionally one story)")
    async def api_timeline(story: str | None = None):
        return SafeJSON(views.timeline_view(cache.get(), story))

    @app.get("/api/heatmap", summary="Outlets × actors responsibility and tone (optionally one story)")
    async def api_heatmap(story: str | None = None):
        return SafeJSON(views.heatmap_view(cache.get(), story))

    @app.get("/api/contradictions", summary="Contradictions with both sides (optionally one story)")
    async def api_contradictions(story: str | None = None):
        return SafeJSON(views.contradictions_view(cache.get(), story))

    @app.get("/api/gaps", summary="Coverage gaps (optionally one story)")
    async def api_gaps(story: str | None = None):
        return SafeJSON(views.gaps_view(cache.get(), story))

    @app.get("/api/positions", summary="Actors × issues: latest stance, changes over time, outlet conflicts, sentences")
    async def api_positions(actor: str | None = None, issue: str | None = None):
        return SafeJSON(positions_view(cache.get(), actor, issue))

    @app.get("/api/search", summary="Full-text search over articles and quotes (FTS5)")
    async def api_search(q: str = "", limit: int = Query(50, ge=1, le=500)):
        return SafeJSON(search_view(store.conn, cache.get(), q, limit))

    # ---- pages ----------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def index():
        return page("_index.html", views.index_view(cache.get()), "Stories", "/api/index", show_articles=False)

    @app.get("/articles", response_class=HTMLResponse, include_in_schema=False)
    async def articles():
        return page("_index.html", views.index_view(cache.get()), "Articles", "/api/index", show_articles=True)

    @app.get("/story/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    async def story(story_id: str):
        v = views.story_view(cache.get(), story_id)
        return page("_story.html", v, v["story"]["title"] or story_id, f"/api/story/{quote(story_id, safe='')}") if v \
            else not_found("story", story_id)

    @app.get("/actors", response_class=HTMLResponse, include_in_schema=False)
    async def actors():
        return page("_actors.html", views.actors_view(cache.get()), "Actors", "/api/actors")

    @app.get("/actor/{actor_id}", response_class=HTMLResponse, include_in_schema=False)
    async def actor(actor_id: str):
        v = views.actor_view(cache.get(), actor_id)
        return page("_actor.html", v, v["actor"]["name"], f"/api/actor/{quote(actor_id, safe='')}") if v \
            else not_found("actor", actor_id)

    @app.get("/article/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    async def article(article_id: str, hl: str | None = None):
        v = views.article_view(cache.get(), article_id, _parse_hl(hl))
        if v is None:
            return not_found("article", article_id)
        return page("_article.html", v, v["article"]["title"] or article_id, f"/api/article/{quote(article_id, safe='')}")

    @app.get("/timeline", response_class=HTMLResponse, include_in_schema=False)
    async def timeline(story: str | None = None):
        return page("_timeline.html", views.timeline_view(cache.get(), story), "Timeline", "/api/timeline")

    @app.get("/heatmap", response_class=HTMLResponse, include_in_schema=False)
    async def heatmap(story: str | None = None):
        return page("_heatmap.html", views.heatmap_view(cache.get(), story), "Outlets × actors", "/api/heatmap")

    @app.get("/contradictions", response_class=HTMLResponse, include_in_schema=False)
    async def contradictions(story: str | None = None):
        return page("_contradictions.html", views.contradictions_view(cache.get(), story), "Contradictions",
                    "/api/contradictions")

    @app.get("/gaps", response_class=HTMLResponse, include_in_schema=False)
    async def gaps(story: str | None = None):
        return page("_gaps.html", views.gaps_view(cache.get(), story), "Coverage gaps", "/api/gaps")

    @app.get("/positions", response_class=HTMLResponse, include_in_schema=False)
    async def positions(actor: str | None = None, issue: str | None = None):
        query = urlencode({k: v for k, v in (("actor", actor), ("issue", issue)) if v})
        return page("_positions.html", positions_view(cache.get(), actor, issue), "Positions",
                    "/api/positions" + ("?" + query if query else ""))

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    async def search(q: str = ""):
        return page("_search.html", search_view(store.conn, cache.get(), q), "Search", "/api/search?" + urlencode({"q": q}))

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon():
        return Response(status_code=204)

    return app

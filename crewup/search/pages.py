"""The search results page: grouped by kind, or one kind with paging."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import ValidationError

from crewup.core.errors import Invalid, Refusal
from crewup.core.marks import N_
from crewup.search import service
from crewup.search.appkeys import BROAD_QUERIES
from crewup.search.kinds import KIND_ORDER
from crewup.search.schemas import HitOut, SearchQuery
from crewup.web.appkeys import DB
from crewup.web.caller import maybe_caller
from crewup.web.i18n import spoken
from crewup.web.pages import render_page
from crewup.web.routes import PageRoutes

routes = PageRoutes()
PER_KIND = 5
# A page speaks to a person, not to an API client: no parameter names.
UNREADABLE = N_("type a few letters or words (at most 200 characters)")
NO_WORDS = N_("type at least one letter or digit: punctuation alone matches nothing")


@routes.get("/search", name="search")
async def search_page(request: web.Request) -> web.Response:
    raw = {k: v for k, v in request.query.items() if v.strip()}
    context: dict[str, Any] = {
        "q": raw.get("q", ""),
        "sections": [],
        "error": None,
        "type_filter": None,
    }
    if "q" not in raw:
        return await render_page(request, "search/results.html", context)
    try:
        query = SearchQuery.model_validate(raw)
    except ValidationError:
        context["error"] = spoken(UNREADABLE)
        return await render_page(request, "search/results.html", context, status=400)
    actor = maybe_caller(request)
    kinds = [query.kinds[0]] if query.type else list(KIND_ORDER)
    # Every search statement is Prepared: the quick path on PostgreSQL (a search per kind).
    async with request.app[DB].quick() as conn:
        try:
            for kind in kinds:
                page = await service.search(
                    conn,
                    actor,
                    query.q,
                    [kind],
                    limit=query.limit if query.type else PER_KIND,
                    cursor=query.cursor if query.type else None,
                    broad=request.app[BROAD_QUERIES],
                )
                if page.items:
                    items = [HitOut.of(hit) for hit in page.items]
                    context["sections"].append((kind, items, page.next_cursor))
        except Invalid:  # what a search refuses of its query: it has no words
            context["error"] = spoken(NO_WORDS)
            return await render_page(request, "search/results.html", context, status=400)
        except Refusal as exc:
            context["error"] = spoken(exc.detail)
            return await render_page(request, "search/results.html", context, status=400)
    context["type_filter"] = query.type
    return await render_page(request, "search/results.html", context)

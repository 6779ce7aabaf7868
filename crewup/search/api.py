"""REST face of search: parse, read, serialise."""

from __future__ import annotations

from aiohttp import web

from crewup.search import recommend, service
from crewup.search.appkeys import BROAD_QUERIES
from crewup.search.schemas import (
    RecommendedEventOut,
    RecommendedEvents,
    RecommendedGroupOut,
    RecommendedGroups,
    SearchPage,
    SearchQuery,
    SuggestionList,
    SuggestQuery,
    hit_json,
    url_of,
)
from crewup.web.api_locale import use_accept_language, varies
from crewup.web.appkeys import DB
from crewup.web.caller import caller, maybe_caller
from crewup.web.requests import json_response, parse_query
from crewup.web.routes import Access, ApiRoutes

api = ApiRoutes("search")
RECOMMENDATIONS = 20


@api.get(
    "/api/v1/search",
    "Search groups, events, posts, comments and people I may see; best matches first",
    query=SearchQuery,
    response=SearchPage,
    access=Access.optional,
    errors=(400, 422),
)
async def search(request: web.Request) -> web.Response:
    query = parse_query(request, SearchQuery)
    # Autocommit reads of prepared statements only: the quick path on PostgreSQL.
    async with request.app[DB].quick() as conn:
        page = await service.search(
            conn,
            maybe_caller(request),
            query.q,
            query.kinds,
            limit=query.limit,
            cursor=query.cursor,
            broad=request.app[BROAD_QUERIES],
        )
    return json_response(
        {"items": [hit_json(hit) for hit in page.items], "next_cursor": page.next_cursor}
    )


@api.get(
    "/api/v1/search/suggest",
    "A few best matches for search as you type",
    query=SuggestQuery,
    response=SuggestionList,
    access=Access.optional,
    errors=(422,),
)
async def suggest(request: web.Request) -> web.Response:
    query = parse_query(request, SuggestQuery)
    async with request.app[DB].quick() as conn:
        hits = await service.suggest(
            conn, maybe_caller(request), query.q, request.app[BROAD_QUERIES]
        )
    items = [{"type": h.kind.value, "id": h.id, "title": h.title, "url": url_of(h)} for h in hits]
    return json_response({"items": items})  # the shape of SuggestionList


@api.get(
    "/api/v1/groups/recommended",
    "Groups I have not joined, for my interests, my area and people I know; each with why",
    response=RecommendedGroups,
)
async def recommended_groups(request: web.Request) -> web.Response:
    use_accept_language(request)  # each `reason` in the caller's language
    async with request.app[DB].reading() as conn:
        found = await recommend.recommend_groups(conn, caller(request), limit=RECOMMENDATIONS)
    return varies(
        json_response(
            RecommendedGroups(items=[RecommendedGroupOut.of_recommended(r) for r in found])
        )
    )


@api.get(
    "/api/v1/events/recommended",
    "Upcoming events I have not answered, best for me first; each with why",
    response=RecommendedEvents,
)
async def recommended_events(request: web.Request) -> web.Response:
    use_accept_language(request)  # each `reason` in the caller's language
    async with request.app[DB].reading() as conn:
        found = await recommend.recommend_events(conn, caller(request), limit=RECOMMENDATIONS)
    return varies(
        json_response(
            RecommendedEvents(items=[RecommendedEventOut.of_recommended(r) for r in found])
        )
    )

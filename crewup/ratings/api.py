"""REST face of ratings: give, change and read them."""

from __future__ import annotations

from aiohttp import web

from crewup.ratings import service
from crewup.ratings.schemas import RatingIn, RatingOut, RatingPage, RatingPatch, RatingQuery
from crewup.web.appkeys import DB
from crewup.web.caller import caller
from crewup.web.requests import json_response, parse_body, parse_query, path_id
from crewup.web.routes import ApiRoutes

api = ApiRoutes("ratings")
RATINGS = r"/api/v1/users/{user_id:\d+}/ratings"


@api.post(
    RATINGS,
    "Rate someone I was going to an ended event with: once per event, within 14 days",
    body=RatingIn,
    response=RatingOut,
    status=201,
    errors=(403, 404, 409, 422),
)
async def post_rating(request: web.Request) -> web.Response:
    body = await parse_body(request, RatingIn)
    async with request.app[DB].transaction() as conn:
        rating = await service.rate(
            conn,
            caller(request),
            path_id(request, "user_id"),
            body.event_id,
            body.score,
            body.comment,
        )
    return json_response(RatingOut.of(rating), status=201)


@api.patch(
    RATINGS + r"/{event_id:\d+}",
    "Change my rating of this person for this event, within 14 days of its end",
    body=RatingPatch,
    response=RatingOut,
    errors=(403, 404, 409, 422),
)
async def patch_rating(request: web.Request) -> web.Response:
    body = await parse_body(request, RatingPatch)
    async with request.app[DB].transaction() as conn:
        rating = await service.edit_rating(
            conn,
            caller(request),
            path_id(request, "user_id"),
            path_id(request, "event_id"),
            body.changes(),
        )
    return json_response(RatingOut.of(rating))


@api.get(
    RATINGS,
    "Ratings someone received, newest first (only those from events I can see)",
    query=RatingQuery,
    response=RatingPage,
    errors=(400, 404),
)
async def get_ratings(request: web.Request) -> web.Response:
    query = parse_query(request, RatingQuery)
    async with request.app[DB].reading() as conn:
        page = await service.list_ratings(
            conn,
            path_id(request, "user_id"),
            caller(request),
            limit=query.limit,
            cursor=query.cursor,
        )
    return json_response(
        RatingPage(items=[RatingOut.of(r) for r in page.items], next_cursor=page.next_cursor)
    )

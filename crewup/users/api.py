"""REST face of users."""

from aiohttp import web

from crewup.users import service
from crewup.users.schemas import ProfilePatch, UserMe, UserPublic
from crewup.web.appkeys import DB
from crewup.web.auth import api_actor
from crewup.web.openapi import ApiRoutes
from crewup.web.requests import json_response, parse_body, path_id

api = ApiRoutes("users")


@api.get("/api/v1/users/me", "My profile, with email, role and home location", response=UserMe)
async def get_me(request: web.Request) -> web.Response:
    actor = await api_actor(request)
    async with request.app[DB].reading() as conn:
        account = await service.get_account(conn, actor.id)
    return json_response(UserMe.of(account))


@api.patch("/api/v1/users/me", "Edit my profile", body=ProfilePatch, response=UserMe)
async def patch_me(request: web.Request) -> web.Response:
    actor = await api_actor(request)
    body = await parse_body(request, ProfilePatch)
    async with request.app[DB].transaction() as conn:
        account = await service.update_profile(conn, actor.id, body.changes())
    return json_response(UserMe.of(account))


@api.delete(
    "/api/v1/users/me",
    "Delete my account: personal data erased, content kept under 'deleted user'; "
    "an owner hands their groups over first",
    status=204,
    errors=(409,),
)
async def delete_me(request: web.Request) -> web.Response:
    actor = await api_actor(request)
    async with request.app[DB].transaction() as conn:
        await service.erase_account(conn, actor.id)
    return web.Response(status=204)


@api.get(
    r"/api/v1/users/{user_id:\d+}", "Someone's public profile", response=UserPublic, errors=(404,)
)
async def get_user(request: web.Request) -> web.Response:
    await api_actor(request)
    user_id = path_id(request, "user_id")
    async with request.app[DB].reading() as conn:
        account = await service.get_account(conn, user_id)
    return json_response(UserPublic.of(account))

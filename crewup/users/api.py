"""REST face of users."""

from aiohttp import web

from crewup.users import service
from crewup.users.schemas import ProfilePatch, UserMe, UserPublic, user_me_json
from crewup.web.appkeys import DB
from crewup.web.caller import caller
from crewup.web.requests import json_response, parse_body, path_id
from crewup.web.routes import ApiRoutes

api = ApiRoutes("users")


@api.get("/api/v1/users/me", "My profile, with email, role and home location", response=UserMe)
async def get_me(request: web.Request) -> web.Response:
    async with request.app[DB].reading() as conn:
        account = await service.get_account(conn, caller(request).id)
    return json_response(user_me_json(account))


@api.patch("/api/v1/users/me", "Edit my profile", body=ProfilePatch, response=UserMe)
async def patch_me(request: web.Request) -> web.Response:
    body = await parse_body(request, ProfilePatch)
    async with request.app[DB].transaction() as conn:
        account = await service.update_profile(conn, caller(request).id, body.changes())
    return json_response(UserMe.of(account))


@api.delete(
    "/api/v1/users/me",
    "Delete my account: personal data erased, content kept under 'deleted user'; "
    "an owner hands their groups over first",
    status=204,
    errors=(409,),
)
async def delete_me(request: web.Request) -> web.Response:
    async with request.app[DB].transaction() as conn:
        await service.erase_account(conn, caller(request).id)
    return web.Response(status=204)


@api.get(
    r"/api/v1/users/{user_id:\d+}", "Someone's public profile", response=UserPublic, errors=(404,)
)
async def get_user(request: web.Request) -> web.Response:
    async with request.app[DB].reading() as conn:
        account = await service.get_account(conn, path_id(request, "user_id"))
    return json_response(UserPublic.of(account))

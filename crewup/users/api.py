"""REST face of users."""

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core.images import ImageKind
from crewup.users import service
from crewup.users.schemas import ProfilePatch, UserMe, UserPublic, user_me_json
from crewup.users.service import Account
from crewup.web.appkeys import DB
from crewup.web.caller import accept_caller, caller, caller_id
from crewup.web.requests import json_response, parse_body, path_id
from crewup.web.routes import ApiRoutes
from crewup.web.uploads import drop_image, put_image, read_upload

api = ApiRoutes("users")


@api.get(
    "/api/v1/users/me",
    "My profile, with email, role and home location",
    response=UserMe,
    caller_read_by_handler=True,
)
async def get_me(request: web.Request) -> web.Response:
    async with request.app[DB].quick() as conn:
        found = await service.find_caller_account(conn, caller_id(request))
    accept_caller(request, None if found is None else found[1])
    assert found is not None  # accept_caller answered 401 otherwise
    return json_response(user_me_json(found[0]))


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


@api.put(
    "/api/v1/users/me/avatar",
    "Set my avatar: a JPEG, PNG, WebP or GIF as the multipart field 'image' (or the body)",
    response=UserMe,
    upload=True,
)
async def put_avatar(request: web.Request) -> web.Response:
    actor = caller(request)
    upload = await read_upload(request)

    async def swap(conn: AsyncConnection, key: str | None) -> Account:
        return await service.set_avatar(conn, actor.id, key)

    account = await put_image(request, upload.data, ImageKind.avatar, f"user:{actor.id}", swap)
    return json_response(UserMe.of(account))


@api.delete("/api/v1/users/me/avatar", "Remove my avatar", response=UserMe)
async def delete_avatar(request: web.Request) -> web.Response:
    actor = caller(request)

    async def swap(conn: AsyncConnection, key: str | None) -> Account:
        return await service.set_avatar(conn, actor.id, key)

    account = await drop_image(request, swap)
    return json_response(UserMe.of(account))

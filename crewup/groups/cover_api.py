"""REST face of a group's cover image (owners and admins)."""

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core.images import ImageKind
from crewup.groups import service
from crewup.groups.access import Group, load_group_for_managers
from crewup.groups.schemas import GroupOut
from crewup.web.appkeys import DB
from crewup.web.caller import caller
from crewup.web.requests import json_response, path_id
from crewup.web.routes import ApiRoutes
from crewup.web.uploads import Swap, drop_image, put_image, read_upload

api = ApiRoutes("groups")
COVER = r"/api/v1/groups/{group_id:\d+}/cover"


def _swap(request: web.Request, group_id: int) -> Swap[Group]:
    async def swap(conn: AsyncConnection, key: str | None) -> Group:
        return await service.set_cover(conn, group_id, caller(request), key)

    return swap


@api.put(
    COVER,
    "Set the group's cover (owner or admin): a JPEG, PNG, WebP or GIF as the multipart "
    "field 'image' (or the body)",
    response=GroupOut,
    errors=(403, 404),
    upload=True,
)
async def put_cover(request: web.Request) -> web.Response:
    group_id = path_id(request, "group_id")
    # Refused before the upload is read: outsiders learn nothing and cost no work.
    async with request.app[DB].reading() as conn:
        await load_group_for_managers(conn, group_id, caller(request))
    upload = await read_upload(request)
    group = await put_image(
        request, upload.data, ImageKind.cover, f"group:{group_id}", _swap(request, group_id)
    )
    return json_response(GroupOut.of(group))


@api.delete(
    COVER, "Remove the group's cover (owner or admin)", response=GroupOut, errors=(403, 404)
)
async def delete_cover(request: web.Request) -> web.Response:
    group_id = path_id(request, "group_id")
    group = await drop_image(request, _swap(request, group_id))
    return json_response(GroupOut.of(group))

"""REST face of an event's cover image (whoever manages the event)."""

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core.images import ImageKind
from crewup.events import service
from crewup.events.access import Event
from crewup.events.schemas import EventOut
from crewup.web.appkeys import DB
from crewup.web.caller import caller
from crewup.web.requests import json_response, path_id
from crewup.web.routes import ApiRoutes
from crewup.web.uploads import Swap, drop_image, put_image, read_upload

api = ApiRoutes("events")
COVER = r"/api/v1/events/{event_id:\d+}/cover"


def _swap(request: web.Request, event_id: int) -> Swap[Event]:
    async def swap(conn: AsyncConnection, key: str | None) -> Event:
        return await service.set_cover(conn, event_id, caller(request), key)

    return swap


@api.put(
    COVER,
    "Set the event's cover (its group's owner or admins): a JPEG, PNG, WebP or GIF as the "
    "multipart field 'image' (or the body)",
    response=EventOut,
    errors=(403, 404),
    upload=True,
)
async def put_cover(request: web.Request) -> web.Response:
    event_id = path_id(request, "event_id")
    # Refused before the upload is read: outsiders learn nothing and cost no work.
    async with request.app[DB].reading() as conn:
        await service.load_event_for_managers(conn, event_id, caller(request))
    upload = await read_upload(request)
    event = await put_image(
        request, upload.data, ImageKind.cover, f"event:{event_id}", _swap(request, event_id)
    )
    return json_response(EventOut.of(event))


@api.delete(
    COVER,
    "Remove the event's cover (its group's owner or admins)",
    response=EventOut,
    errors=(403, 404),
)
async def delete_cover(request: web.Request) -> web.Response:
    event_id = path_id(request, "event_id")
    event = await drop_image(request, _swap(request, event_id))
    return json_response(EventOut.of(event))

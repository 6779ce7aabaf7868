"""Receiving an image upload: read it within the size limit, judge and resize it in a
thread, store its sizes, and point a row at them.

The body is streamed, never buffered past `media_max_upload_bytes`: a declared length
over the limit is refused before anything is read, a body that grows past it as soon as
it does (413). Handlers store first and then write the key in their transaction. No file
is deleted here, neither the replaced image's nor this one's when the transaction fails:
the same bytes may be in flight in another request (a double submit, a second tab), so
files nobody references are pruned later, past a grace period (crewup.core.media_prune).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.multipart import BodyPartReader
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core.errors import BadRequest, FieldError, Invalid, Refusal, TooLarge
from crewup.core.images import ImageKind, ProcessedImage, process
from crewup.core.marks import N_
from crewup.web.appkeys import DB, SETTINGS
from crewup.web.form_body import read_form
from crewup.web.media import IMAGE_WORK, MEDIA_STORE
from crewup.web.sessions import check_csrf

CHUNK = 64 * 1024
FIELD_LIMIT = 4096  # the small text fields beside the file in a page's form (CSRF token)
FORM_OVERHEAD = 64 * 1024  # multipart boundaries, part headers and those fields
RAW_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif", "application/octet-stream")


@dataclass
class Upload:
    data: bytes = b""
    fields: dict[str, str] = field(default_factory=dict)


def _too_large(limit: int) -> TooLarge:
    return TooLarge(
        N_(
            "the image is larger than %(mb)s MB; upload a smaller one",
            mb=limit // (1024 * 1024) or 1,
        )
    )


async def _read_limited(chunks: BodyPartReader | web.Request, cap: int, limit: int) -> bytes:
    """At most `cap` bytes; past it, 413 naming the upload `limit` people can act on."""
    buffer = bytearray()
    while True:
        if isinstance(chunks, BodyPartReader):
            chunk = await chunks.read_chunk(CHUNK)
        else:
            chunk = await chunks.content.read(CHUNK)
        if not chunk:
            return bytes(buffer)
        buffer += chunk
        if len(buffer) > cap:
            raise _too_large(limit)


async def read_upload(request: web.Request) -> Upload:
    """The file sent as the `image` field of multipart/form-data, or as a raw body with an
    image Content-Type; any other small form fields come along (a page's CSRF token)."""
    limit = request.app[SETTINGS].media_max_upload_bytes
    length = request.content_length
    if length is not None and length > limit + FORM_OVERHEAD:
        raise _too_large(limit)
    upload = Upload()
    if request.content_type == "multipart/form-data":
        # One budget for the whole form, so neither many fields nor a repeated file
        # field can add up past the limit.
        budget = limit + FORM_OVERHEAD
        try:
            reader = await request.multipart()
            async for part in reader:
                if not isinstance(part, BodyPartReader):
                    raise BadRequest(N_("nested multipart bodies are not accepted"))
                is_file = part.name == "image"
                cap = min(budget, limit if is_file else FIELD_LIMIT)
                value = await _read_limited(part, cap, limit)
                budget -= len(value)
                if is_file:
                    upload.data = value
                elif part.name is not None:
                    upload.fields[part.name] = value.decode("utf-8", "replace")
        except (ValueError, AssertionError, RuntimeError, HttpProcessingError) as exc:
            raise BadRequest(f"the form could not be read: {str(exc)[:200]}") from None
    # Any image type is read: the bytes decide what it is (an SVG is then a 415, as
    # the docs promise, not a complaint about the Content-Type).
    elif request.content_type in RAW_TYPES or request.content_type.startswith("image/"):
        upload.data = await _read_limited(request, limit, limit)
    else:
        raise BadRequest(
            "send the image as the 'image' field of multipart/form-data, "
            "or as the body with an image Content-Type"
        )
    if not upload.data:
        raise Invalid(
            N_("choose an image file to upload"), [FieldError("image", N_("choose a file"))]
        )
    return upload


async def store_image(
    app: web.Application, data: bytes, kind: ImageKind, scope: str
) -> ProcessedImage:
    """Judge, resize and store; nothing is stored unless every size was made."""
    async with app[IMAGE_WORK]:
        processed = await asyncio.to_thread(
            process, data, kind, scope, max_pixels=app[SETTINGS].media_max_pixels
        )
    store = app[MEDIA_STORE]
    for name, content in processed.files.items():
        await store.put(name, content)
    return processed


async def _still_stored(app: web.Application, processed: ProcessedImage) -> None:
    """After the commit: a prune that listed these files as old and unreferenced just
    before this upload rewrote them may have removed them since; write them again."""
    store = app[MEDIA_STORE]
    for name, content in processed.files.items():
        if not await store.exists(name):
            await store.put(name, content)


T = TypeVar("T")
# Writes the new key (None: remove) in the caller's transaction; answers what the
# handler shows.
Swap = Callable[[AsyncConnection, str | None], Awaitable[T]]


async def put_image(
    request: web.Request, data: bytes, kind: ImageKind, scope: str, swap: Swap[T]
) -> T:
    """Store the upload and point the row at it."""
    processed = await store_image(request.app, data, kind, scope)
    async with request.app[DB].transaction() as conn:
        shown = await swap(conn, processed.key)
    await _still_stored(request.app, processed)
    return shown


async def drop_image(request: web.Request, swap: Swap[T]) -> T:
    async with request.app[DB].transaction() as conn:
        return await swap(conn, None)


async def put_image_from_form(
    request: web.Request, kind: ImageKind, scope: str, swap: Swap[T]
) -> Refusal | None:
    """A page's upload form: the file, then its CSRF token, then the same steps as the API.
    Answers the refusal to show beside the form (None when the image is saved)."""
    try:
        upload = await read_upload(request)
        await check_csrf(request, upload.fields)
        await put_image(request, upload.data, kind, scope, swap)
    except Refusal as exc:
        return exc
    return None


async def drop_image_from_form(request: web.Request, swap: Swap[T]) -> T:
    await check_csrf(request, await read_form(request))
    return await drop_image(request, swap)

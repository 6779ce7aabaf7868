"""Stored images: the store on the app, how answers name them, and `GET /media/{name}`.

Names are content-addressed and never reused for other bytes, so they are cached by
browsers and proxies for a year. A private group's cover is served here like any other:
its name holds 128 unguessable bits and is shown only to those who may see the group
(see docs/architecture.md, "Images").
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web
from pydantic import BaseModel, Field

from crewup.core.images import ImageKind, file_name
from crewup.core.media import CACHE_FOREVER, MediaStore, is_media_name
from crewup.web.routes import Access, PageRoutes

MEDIA_STORE = web.AppKey[MediaStore]("media_store")
# How many uploads are decoded at once in this process: a 40-megapixel image takes some
# 160 MB while it is resized, so a burst of uploads waits instead of exhausting memory.
IMAGE_WORK = web.AppKey("image_work", asyncio.Semaphore)
IMAGE_WORKERS = 2
MEDIA_PREFIX = "/media/"
IMMUTABLE = CACHE_FOREVER

routes = PageRoutes()


class ImageOut(BaseModel):
    key: str
    urls: dict[str, str] = Field(
        description="the image at each stored width in pixels, e.g. {'64': '/media/...'}"
    )

    @classmethod
    def of(cls, key: str | None, kind: ImageKind) -> ImageOut | None:
        found = image_json(key, kind)
        return None if found is None else cls.model_validate(found)


def image_json(key: str | None, kind: ImageKind) -> dict[str, Any] | None:
    """An image in the shape of `ImageOut`, as plain data (for the hot read paths)."""
    if key is None:
        return None
    return {
        "key": key,
        "urls": {str(width): MEDIA_PREFIX + file_name(key, width) for width in kind.widths},
    }


# Public: nobody is resolved (no session or token read), the answer is the same for all.
@routes.get(MEDIA_PREFIX + "{name}", name="media", access=Access.public)
async def media_file(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if not is_media_name(name):
        raise web.HTTPNotFound()
    etag = f'"{name.removesuffix(".webp")}"'
    headers = {
        "Cache-Control": IMMUTABLE,
        "ETag": etag,
        "X-Content-Type-Options": "nosniff",
    }
    if etag in request.headers.get("If-None-Match", ""):
        return web.Response(status=304, headers=headers)
    store = request.app[MEDIA_STORE]
    elsewhere = store.public_url(name)
    if elsewhere is not None:
        # The bucket (or its CDN) serves the bytes; the name never changes meaning, so the
        # redirect is as cacheable as the file.
        raise web.HTTPMovedPermanently(elsewhere, headers={"Cache-Control": IMMUTABLE})
    data = await store.get(name)
    if data is None:
        raise web.HTTPNotFound()
    return web.Response(body=data, content_type="image/webp", headers=headers)

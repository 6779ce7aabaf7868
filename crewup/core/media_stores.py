"""The media store the settings ask for, open for as long as it is needed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from crewup.core.media import LocalMediaStore, MediaStore
from crewup.core.settings import Settings


@asynccontextmanager
async def open_media_store(settings: Settings) -> AsyncIterator[MediaStore]:
    if settings.media_store == "s3":
        # Imported here: aiobotocore is an optional extra, needed only with a bucket.
        from crewup.core.s3_media import open_s3_store

        async with open_s3_store(settings) as store:
            yield store
    else:
        yield LocalMediaStore(settings.effective_media_dir)

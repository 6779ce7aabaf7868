"""The media store in an S3-compatible bucket (AWS S3, MinIO, Garage, Ceph RGW...).

Objects are named `<media_s3_prefix><name>`, written with their content type and a
year-long cache lifetime so a bucket that serves them publicly (media_s3_public_url)
answers like `GET /media/{name}` does. Needs the `s3` extra (aiobotocore).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from aiobotocore.session import get_session
from botocore.exceptions import BotoCoreError, ClientError

from crewup.core.media import (
    CACHE_FOREVER,
    MediaStoreUnavailable,
    StoredFile,
    is_media_name,
)
from crewup.core.settings import Settings

_MISSING = {"404", "NoSuchKey", "NotFound"}


def _missing(exc: ClientError) -> bool:
    return str(exc.response.get("Error", {}).get("Code")) in _MISSING


class S3MediaStore:
    def __init__(self, client: Any, bucket: str, prefix: str, public_base: str | None) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix
        self.public_base = public_base.rstrip("/") if public_base else None

    def _key(self, name: str) -> str:
        if not is_media_name(name):
            raise ValueError(f"not a media name: {name!r}")
        return self.prefix + name

    async def put(self, name: str, data: bytes) -> None:
        await self.client.put_object(
            Bucket=self.bucket,
            Key=self._key(name),
            Body=data,
            ContentType="image/webp",
            CacheControl=CACHE_FOREVER,
        )

    async def get(self, name: str) -> bytes | None:
        if not is_media_name(name):
            return None
        try:
            answer = await self.client.get_object(Bucket=self.bucket, Key=self._key(name))
        except ClientError as exc:
            if _missing(exc):
                return None
            raise
        async with answer["Body"] as body:
            data: bytes = await body.read()
        return data

    async def _modified(self, name: str) -> datetime | None:
        try:
            head = await self.client.head_object(Bucket=self.bucket, Key=self._key(name))
        except ClientError as exc:
            if _missing(exc):
                return None
            raise
        modified: datetime = head["LastModified"]
        return modified

    async def exists(self, name: str) -> bool:
        return await self._modified(name) is not None

    async def listing(self) -> list[StoredFile]:
        found: list[StoredFile] = []
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        async for page in pages:
            for item in page.get("Contents", []):
                name = item["Key"][len(self.prefix) :]
                if is_media_name(name):
                    found.append(StoredFile(name, item["LastModified"]))
        return found

    async def delete_if_older(self, name: str, cutoff: datetime) -> bool:
        # Looked at again right before deleting: a write since the listing keeps it.
        modified = await self._modified(name)
        if modified is None or modified >= cutoff:
            return False
        await self.client.delete_object(Bucket=self.bucket, Key=self._key(name))
        return True

    def public_url(self, name: str) -> str | None:
        return None if self.public_base is None else f"{self.public_base}/{self._key(name)}"


@asynccontextmanager
async def open_s3_store(settings: Settings) -> AsyncIterator[S3MediaStore]:
    """One client for the store's life; the bucket must exist and let us in."""
    bucket = settings.media_s3_bucket or ""
    endpoint = str(settings.media_s3_endpoint_url) if settings.media_s3_endpoint_url else None
    public = str(settings.media_s3_public_url) if settings.media_s3_public_url else None
    async with get_session().create_client(
        "s3",
        endpoint_url=endpoint,
        region_name=settings.media_s3_region,
        aws_access_key_id=settings.media_s3_access_key_id,
        aws_secret_access_key=settings.media_s3_secret_access_key,
    ) as client:
        try:
            await client.head_bucket(Bucket=bucket)
        except (ClientError, BotoCoreError) as exc:
            where = endpoint or "AWS"
            raise MediaStoreUnavailable(
                f"cannot use the media bucket {bucket!r} at {where}: {exc}"
            ) from exc
        yield S3MediaStore(client, bucket, settings.media_s3_prefix, public)

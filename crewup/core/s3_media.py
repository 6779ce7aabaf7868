"""The media store in an S3-compatible bucket (AWS S3, MinIO, Garage, Ceph RGW...).

Objects are named `<media_s3_prefix><name>`, written with their content type and a
year-long cache lifetime so a bucket that serves them publicly (media_s3_public_url)
answers like `GET /media/{name}` does. Needs the `s3` extra (aiobotocore).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from aiobotocore.config import AioConfig
from aiobotocore.session import get_session
from botocore.exceptions import BotoCoreError, ClientError

from crewup.core.media import (
    CACHE_FOREVER,
    MediaStoreUnavailable,
    MediaStoreUnreachable,
    StoredFile,
    is_media_name,
)
from crewup.core.settings import Settings

_MISSING = {"404", "NoSuchKey", "NotFound"}


# What a bucket answers when it is overloaded or failing: the request may work later.
_BUSY = {"SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout"}


def _missing(exc: ClientError) -> bool:
    return str(exc.response.get("Error", {}).get("Code")) in _MISSING


def _failing(exc: ClientError) -> bool:
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
    return int(status) >= 500 or str(exc.response.get("Error", {}).get("Code")) in _BUSY


@contextmanager
def _answering() -> Iterator[None]:
    """The client library's connection errors and the bucket's 5xx are not Python's
    ConnectionError: named as an outage here, so pages and the API answer 503."""
    try:
        yield
    except BotoCoreError as exc:  # endpoint unreachable, timeouts, broken responses
        raise MediaStoreUnreachable(
            f"the media bucket did not answer: {type(exc).__name__}"
        ) from exc
    except ClientError as exc:
        if _failing(exc):
            raise MediaStoreUnreachable(f"the media bucket failed: {exc}") from exc
        raise


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
        with _answering():
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
        with _answering():
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
        with _answering():
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
        with _answering():
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
        with _answering():
            await self.client.delete_object(Bucket=self.bucket, Key=self._key(name))
        return True

    def public_url(self, name: str) -> str | None:
        return None if self.public_base is None else f"{self.public_base}/{self._key(name)}"


def _without_credentials(url: str) -> str:
    """An endpoint as it may be shown in a message: no user:password@ part."""
    parts = urlsplit(url)
    if parts.password is None and parts.username is None:
        return url
    host = (parts.hostname or "") + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=host))


# A request waits on the bucket for seconds at most, then answers 503: the library's
# defaults (60 s timeouts, several retries with backoff) would hold a page for minutes.
_PATIENCE = AioConfig(
    connect_timeout=3, read_timeout=10, retries={"max_attempts": 2, "mode": "standard"}
)


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
        config=_PATIENCE,
    ) as client:
        try:
            await client.head_bucket(Bucket=bucket)
        except (ClientError, BotoCoreError) as exc:
            where = _without_credentials(endpoint) if endpoint else "AWS"
            raise MediaStoreUnavailable(
                f"cannot use the media bucket {bucket!r} at {where}: {exc}"
            ) from exc
        yield S3MediaStore(client, bucket, settings.media_s3_prefix, public)

"""The bucket store (media_store = "s3") against a real S3-compatible server: pictures
go to the bucket and nowhere on disk, are served by the app (or by redirect to the
bucket's public URL), and are pruned from the bucket like from the disk."""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiobotocore.session import get_session
from aiohttp import FormData

from crewup.core.settings import Settings
from tests.support.api import Api
from tests.support.cli import admin_cli
from tests.support.images import files_under, jpeg_with_gps, open_image, png
from tests.support.s3 import s3_server

KEYS = {"media_s3_access_key_id": "test", "media_s3_secret_access_key": "test"}


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with s3_server(tmp_path_factory.mktemp("s3") / "moto.log") as endpoint:
        yield endpoint


def s3_client(endpoint: str) -> Any:
    return get_session().create_client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


@pytest.fixture
async def bucket(s3_endpoint: str) -> AsyncIterator[str]:
    name = f"crewup-{secrets.token_hex(6)}"
    async with s3_client(s3_endpoint) as client:
        await client.create_bucket(Bucket=name)
    yield name


async def objects(endpoint: str, bucket: str) -> set[str]:
    async with s3_client(endpoint) as client:
        listed = await client.list_objects_v2(Bucket=bucket)
    return {item["Key"] for item in listed.get("Contents", [])}


def form(data: bytes) -> FormData:
    body = FormData()
    body.add_field("image", data, filename="p.png", content_type="image/png")
    return body


def in_bucket(image: dict[str, Any]) -> set[str]:
    return {"media/" + url.rsplit("/", 1)[1] for url in image["urls"].values()}


async def bucket_app(
    aiohttp_client: Any, make_settings: Callable[..., Settings], **overrides: Any
) -> tuple[Api, Settings]:
    from crewup.app import create_app

    settings = make_settings(media_store="s3", **KEYS, **overrides)
    return Api(await aiohttp_client(create_app(settings))), settings


async def test_pictures_live_in_the_bucket_and_are_pruned_there(
    aiohttp_client: Any, make_settings: Callable[..., Settings], s3_endpoint: str, bucket: str
) -> None:
    api, settings = await bucket_app(
        aiohttp_client, make_settings, media_s3_endpoint_url=s3_endpoint, media_s3_bucket=bucket
    )
    ann = await api.register("Ann")
    path = "/api/v1/users/me/avatar"
    resp = await api.client.put(path, data=form(png()), headers=ann["headers"])
    assert resp.status == 200, await resp.text()
    first = (await resp.json())["avatar"]
    assert await objects(s3_endpoint, bucket) == in_bucket(first)
    assert files_under(settings.effective_media_dir) == set()
    for width, url in first["urls"].items():
        resp = await api.client.get(url)
        assert resp.status == 200
        assert resp.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert open_image(await resp.read()).size == (int(width), int(width))

    resp = await api.client.put(path, data=form(jpeg_with_gps()), headers=ann["headers"])
    second = (await resp.json())["avatar"]
    assert await objects(s3_endpoint, bucket) == in_bucket(first) | in_bucket(second)
    result = await admin_cli(settings, "media", "prune", "--grace", "0")
    assert result.exit_code == 0, result.output
    assert "2 files removed" in result.output
    assert await objects(s3_endpoint, bucket) == in_bucket(second)
    assert (await api.client.get(first["urls"]["64"])).status == 404
    assert (await api.client.get(second["urls"]["64"])).status == 200


async def test_a_public_bucket_is_served_by_redirect(
    aiohttp_client: Any, make_settings: Callable[..., Settings], s3_endpoint: str, bucket: str
) -> None:
    public = f"{s3_endpoint}/{bucket}"
    # What an operator does to serve the bucket publicly: anyone may read its objects.
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
            }
        ],
    }
    async with s3_client(s3_endpoint) as client:
        await client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    api, _ = await bucket_app(
        aiohttp_client,
        make_settings,
        media_s3_endpoint_url=s3_endpoint,
        media_s3_bucket=bucket,
        media_s3_public_url=public,
    )
    ann = await api.register("Ann")
    resp = await api.client.put("/api/v1/users/me/avatar", data=form(png()), headers=ann["headers"])
    avatar = (await resp.json())["avatar"]
    url = avatar["urls"]["256"]
    resp = await api.client.get(url, allow_redirects=False)
    assert resp.status == 301
    location = resp.headers["Location"]
    assert location == f"{public}/media/{url.rsplit('/', 1)[1]}"
    async with aiohttp.ClientSession() as browser, browser.get(location) as fetched:
        assert fetched.status == 200
        assert fetched.headers["Content-Type"] == "image/webp"
        assert open_image(await fetched.read()).size == (256, 256)


async def test_a_missing_bucket_stops_the_start_with_a_clear_message(
    aiohttp_client: Any, make_settings: Callable[..., Settings], s3_endpoint: str
) -> None:
    from crewup.app import StartupError, create_app

    settings = make_settings(
        media_store="s3",
        media_s3_endpoint_url=s3_endpoint,
        media_s3_bucket="no-such-bucket",
        **KEYS,
    )
    with pytest.raises(StartupError, match="cannot use the media bucket 'no-such-bucket'"):
        await aiohttp_client(create_app(settings))


def test_the_bucket_setting_is_required_with_the_s3_store(tmp_path: Path) -> None:
    from crewup.core.settings import SettingsError, load_settings

    with pytest.raises(SettingsError, match="media_s3_bucket"):
        load_settings(environ={"CREWUP_MEDIA_STORE": "s3", "CREWUP_DATA_DIR": str(tmp_path)})


async def test_a_bucket_that_stops_answering_is_an_outage_not_an_error(
    aiohttp_client: Any, make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    """503 with Retry-After (the page and API way of saying "try again"), never a 500;
    service comes back with the bucket, without a restart."""
    with s3_server(tmp_path / "moto.log") as endpoint:
        async with s3_client(endpoint) as client:
            await client.create_bucket(Bucket="going-away")
        api, _ = await bucket_app(
            aiohttp_client,
            make_settings,
            media_s3_endpoint_url=endpoint,
            media_s3_bucket="going-away",
        )
        ann = await api.register("Ann")
        resp = await api.client.put(
            "/api/v1/users/me/avatar", data=form(png()), headers=ann["headers"]
        )
        assert resp.status == 200, await resp.text()
        url = (await resp.json())["avatar"]["urls"]["256"]
        assert (await api.client.get(url)).status == 200

    resp = await api.client.get(url)
    assert resp.status == 503, await resp.text()
    assert "Retry-After" in resp.headers
    resp = await api.client.put(
        "/api/v1/users/me/avatar", data=form(png((100, 80))), headers=ann["headers"]
    )
    assert resp.status == 503, await resp.text()
    assert (await resp.json())["detail"].startswith("the picture store is not answering")

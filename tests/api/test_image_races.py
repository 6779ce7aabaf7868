"""Concurrent uploads and removals of the same picture never leave a row pointing at
files that are gone (both engines). Before pruning replaced the request-path deletes, a
removal that committed first deleted the files a concurrent upload of the same bytes had
just written and pointed the row at."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import FormData
from aiohttp.test_utils import TestClient

from crewup.core.settings import Settings
from tests.support.api import Api, make_group
from tests.support.cli import admin_cli
from tests.support.images import png

ROUNDS = 12


def form(data: bytes) -> FormData:
    body = FormData()
    body.add_field("image", data, filename="p.png", content_type="image/png")
    return body


async def assert_served(client: TestClient, image: dict[str, Any] | None, when: str) -> None:
    if image is None:
        return
    for url in image["urls"].values():
        resp = await client.get(url)
        assert resp.status == 200, f"{when}: {url} is {resp.status}, yet the row points at it"


async def storm(client: TestClient, path: str, headers: dict[str, str], shown: str) -> None:
    """Rounds of the same bytes uploaded twice while the picture is removed, then a check
    that whatever the row points at is served."""
    same = png((200, 150))
    for round_no in range(ROUNDS):
        answers = await asyncio.gather(
            client.put(path, data=form(same), headers=headers),
            client.delete(path, headers=headers),
            client.put(path, data=form(same), headers=headers),
        )
        for resp in answers:
            assert resp.status == 200, await resp.text()
        current = (await (await client.get(shown, headers=headers)).json())[
            "avatar" if "users" in shown else "cover"
        ]
        await assert_served(client, current, f"round {round_no}")


async def test_avatar_uploads_and_removals_racing(api: Api) -> None:
    ann = await api.register("Ann")
    await storm(api.client, "/api/v1/users/me/avatar", ann["headers"], "/api/v1/users/me")


async def test_cover_uploads_and_removals_racing(api: Api, settings: Settings) -> None:
    owner = await api.register("Owner")
    group = await make_group(api.client, owner)
    path = f"/api/v1/groups/{group['id']}/cover"
    shown = f"/api/v1/groups/{group['id']}"
    # A scheduled prune (its default grace period) running through the storm.
    pruning = asyncio.ensure_future(admin_cli(settings, "media", "prune"))
    await storm(api.client, path, owner["headers"], shown)
    result = await pruning
    assert result.exit_code == 0, result.output
    cover = (await (await api.client.get(shown)).json())["cover"]
    await assert_served(api.client, cover, "after the prune")

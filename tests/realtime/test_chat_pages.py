"""The chat panel on the pages: shown to members only, history as JSON for the panel's
script, live over a cookie-signed socket; no inline script anywhere."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestClient

from crewup.web.appkeys import SETTINGS
from tests.support.pages import group_via_form, signed_in
from tests.support.ws import of_type, subscribe, wait_for


async def test_members_get_a_live_chat_panel(client: TestClient) -> None:
    csrf = await signed_in(client)
    page_url = await group_via_form(
        client, csrf, "Crag Rats", category="climbing", description="Climbing"
    )  # asserts the form answered 303
    group_id = int(re.search(r"/groups/(\d+)", page_url).group(1))  # type: ignore[union-attr]
    html = await (await client.get(page_url)).text()
    assert 'id="chat"' in html and 'data-room-kind="group"' in html
    assert '<script src="/static/js/chat.js" defer></script>' in html
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None  # no inline scripts
    origin = client.app[SETTINGS].effective_public_url
    ws = await client.ws_connect("/ws", headers={"Origin": origin})
    await subscribe(ws, group_id=group_id)
    await ws.send_json({"type": "message", "group_id": group_id, "body": "<b>hi</b>"})
    await wait_for(ws, of_type("message"))
    history = await client.get(f"/groups/{group_id}/chat/history")
    assert history.status == 200
    assert [m["body"] for m in (await history.json())["items"]] == ["<b>hi</b>"]
    assert (await client.get("/static/js/chat.js")).status == 200


async def test_outsiders_see_no_panel(client: TestClient, api) -> None:
    from tests.support.api import make_group

    owner = await api.register()
    group = await make_group(client, owner)
    await signed_in(client, "Bob", "bob@example.com")
    html = await (await client.get(f"/groups/{group['id']}")).text()
    assert 'id="chat"' not in html
    assert (await client.get(f"/groups/{group['id']}/chat/history")).status == 403

"""Who may open /ws, and sockets that close when their person is banned, deleted or
signed out everywhere."""

from __future__ import annotations

import asyncio
import time

from aiohttp.test_utils import TestClient

from crewup.users.service import ban_account
from crewup.web.appkeys import DB, SETTINGS
from tests.support.api import Api
from tests.support.pages import signed_in
from tests.support.ws import closed_with, connect, next_frame


async def test_no_credentials_close_4401(client: TestClient) -> None:
    ws = await client.ws_connect("/ws")
    assert await closed_with(ws) == 4401


async def test_a_bad_token_closes_4401(client: TestClient) -> None:
    ws = await client.ws_connect("/ws?access_token=not.a.jwt")
    assert await closed_with(ws) == 4401


async def test_a_good_token_opens_and_answers_ping(client: TestClient, api: Api) -> None:
    ann = await api.register()
    ws = await connect(client, ann)
    await ws.send_json({"type": "ping"})
    assert await next_frame(ws) == {"type": "pong"}
    await ws.send_str("not json")
    assert (await next_frame(ws))["code"] == "invalid"
    await ws.send_json({"type": "teleport"})
    assert (await next_frame(ws))["code"] == "invalid"
    await ws.close()


async def test_a_banned_person_is_refused_4403(client: TestClient, api: Api) -> None:
    ann = await api.register()
    async with client.app[DB].transaction() as conn:
        await ban_account(conn, ann["user"]["id"], "spam", None)
    ws = await connect(client, ann)
    assert await closed_with(ws) == 4403


async def test_open_sockets_close_within_a_second_of_a_ban(client: TestClient, api: Api) -> None:
    ann = await api.register()
    first, second = await connect(client, ann), await connect(client, ann)
    await first.send_json({"type": "ping"})
    await next_frame(first)
    started = time.monotonic()
    async with client.app[DB].transaction() as conn:
        await ban_account(conn, ann["user"]["id"], "spam", None)
    codes = await asyncio.gather(closed_with(first, 1.0), closed_with(second, 1.0))
    assert codes == [4403, 4403]
    assert time.monotonic() - started < 1.0


async def test_deleting_the_account_closes_its_sockets(client: TestClient, api: Api) -> None:
    ann = await api.register()
    ws = await connect(client, ann)
    resp = await client.delete("/api/v1/users/me", headers=ann["headers"])
    assert resp.status == 204
    assert await closed_with(ws, 1.0) == 4401


async def test_a_cookie_socket_checks_origin(client: TestClient) -> None:
    await signed_in(client)
    foreign = await client.ws_connect("/ws", headers={"Origin": "https://evil.example"})
    assert await closed_with(foreign) == 4403
    missing = await client.ws_connect("/ws")
    assert await closed_with(missing) == 4403
    origin = client.app[SETTINGS].effective_public_url
    ws = await client.ws_connect("/ws", headers={"Origin": origin})
    await ws.send_json({"type": "ping"})
    assert await next_frame(ws) == {"type": "pong"}
    await ws.close()


async def test_frames_over_the_size_limit_close_the_socket(client: TestClient, api: Api) -> None:
    ann = await api.register()
    ws = await connect(client, ann)
    await ws.send_str("x" * (65 * 1024))
    assert await closed_with(ws) == 1009


async def test_the_handshake_answer_carries_the_security_headers(
    client: TestClient, api: Api
) -> None:
    """The socket drops its 101's headers once they are sent (memory an idle socket would
    keep); they must still reach the client."""
    ann = await api.register()
    handshake = {
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    }
    answer = await client.get(f"/ws?access_token={ann['access_token']}", headers=handshake)
    assert answer.status == 101
    assert answer.headers["Sec-WebSocket-Accept"] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert "X-Request-ID" in answer.headers
    answer.close()

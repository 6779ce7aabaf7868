"""A burst of requests that need Redis (sessions, rate limits) waits for a free
connection of the process's pool instead of failing: a black-box trial's 120 sign-ins at
once got 19 answers 503 "Redis is not answering" from a healthy Redis, because the
rate limiter's own pool failed at once when its 100 connections were busy."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest

from crewup.app import create_app
from crewup.core.settings import Settings
from tests.support.api import Api
from tests.support.databases import Stack

BURST = 150  # more than redis-py's default pool of 100


async def test_a_burst_of_sign_ins_waits_for_redis_connections(
    stack: Stack, make_settings: Callable[..., Settings], aiohttp_client: Any
) -> None:
    if not stack.is_services:
        pytest.skip("the embedded stack keeps rate limits in memory, not in Redis")
    settings = make_settings(redis_pool_size=4, rate_limit_login="100000/minute")
    assert settings.redis_url
    client = await aiohttp_client(create_app(settings))
    person = await Api(client).register()
    credentials = {"email": person["email"], "password": person["password"]}

    url = str(client.make_url("/api/v1/auth/login"))
    # The test client's session opens at most 100 connections at once: a burst needs more.
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:

        async def sign_in() -> int:
            async with http.post(url, json=credentials) as resp:
                await resp.read()
                return resp.status

        statuses = Counter(await asyncio.gather(*(sign_in() for _ in range(BURST))))
    assert statuses == {200: BURST}, statuses

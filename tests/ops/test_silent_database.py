"""A database address where something accepts connections but never answers: start-up
gives up after `outages.STARTUP_CHECK_SECONDS` with a reason, not after asyncpg's 60 s
with an empty one (found by a black-box trial: "cannot reach the database: ")."""

from __future__ import annotations

import asyncio

import pytest

from crewup.core import outages
from crewup.core.settings import Settings


async def test_a_silent_database_is_named_at_start_up(
    tmp_path, aiohttp_client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crewup.app import StartupError, create_app

    held: list[asyncio.StreamWriter] = []

    async def accept_and_say_nothing(_r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        held.append(w)

    server = await asyncio.start_server(accept_and_say_nothing, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    monkeypatch.setattr(outages, "STARTUP_CHECK_SECONDS", 1.0)
    settings = Settings(
        data_dir=tmp_path, database_url=f"postgresql://postgres@127.0.0.1:{port}/silent"
    )
    try:
        with pytest.raises(StartupError, match="cannot reach the database: no answer in time"):
            await asyncio.wait_for(aiohttp_client(create_app(settings)), 30)
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()

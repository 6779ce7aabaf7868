"""Bans expire by themselves: they stop applying at their expiry, and the scheduled job
`lift-expired-bans` clears them so `bans list` no longer shows them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient

from crewup.core import clock
from tests.moderation.helpers import staff
from tests.support.api import PASSWORD, Api, future
from tests.support.cli import admin_cli, run_job_now


async def _login(client: TestClient, email: str) -> int:
    resp = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    return resp.status


async def test_a_ban_ends_by_itself(
    client: TestClient, api: Api, settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, moderator = await staff(settings, api)
    person = await api.register("Banned Till Friday")
    banned = await client.post(
        "/api/v1/moderation/bans",
        json={"user_id": person["user"]["id"], "reason": "cool off", "expires_at": future(48)},
        headers=moderator["headers"],
    )
    assert banned.status == 201, await banned.text()
    assert await _login(client, person["email"]) == 403
    listed = await admin_cli(settings, "bans", "list")
    assert "Banned Till Friday" in listed.output

    later = clock.now() + timedelta(hours=49)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert await _login(client, person["email"]) == 200  # no longer applies at its expiry
    ran = await run_job_now(settings, "lift-expired-bans")
    assert ran.exit_code == 0, ran.output
    listed = await admin_cli(settings, "bans", "list")
    assert listed.exit_code == 0 and "Banned Till Friday" not in listed.output, listed.output

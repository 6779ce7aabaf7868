"""Event reminders, run as an operator would run the job (`crewup-admin jobs run`): the
people going hear of it once per lead time, however often the job runs."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from crewup.core.settings import Settings
from tests.support.api import Api, future, make_event, make_group, rsvp
from tests.support.bus import settle
from tests.support.cli import admin_cli, run_job_now


async def reminders_of(client: TestClient, person: dict[str, Any]) -> list[dict[str, Any]]:
    await settle(client.app)
    resp = await client.get("/api/v1/notifications", headers=person["headers"])
    return [n for n in (await resp.json())["items"] if n["kind"] == "event_reminder"]


async def test_reminders_go_once_to_the_people_going(
    client: TestClient, settings: Settings
) -> None:
    api = Api(client)
    owner, going, interested = await api.register(), await api.register(), await api.register()
    group = await make_group(client, owner)
    soon = await make_event(
        client, owner, group["id"], title="Soon", starts_at=future(0.5), ends_at=future(2)
    )
    later = await make_event(
        client,
        owner,
        group["id"],
        title="Next week",
        starts_at=future(24 * 7),
        ends_at=future(24 * 7 + 2),
    )
    await rsvp(client, soon, going)
    await rsvp(client, later, going)
    await rsvp(client, soon, interested, "interested")

    for _ in range(2):  # twice: the second run must send nothing again
        result = await run_job_now(settings, "event-reminders")
        assert result.exit_code == 0, result.output

    got = await reminders_of(client, going)
    assert [(n["data"]["event"], n["data"]["lead_time"]) for n in got] == [("Soon", "1 hour")]
    # Half an hour ahead: said in minutes ("1 hour" for ten minutes away misled too).
    assert got[0]["text"].startswith("Soon starts in ") and got[0]["text"].endswith(" minutes")
    assert 25 <= got[0]["data"]["minutes"] <= 30, got[0]
    assert await reminders_of(client, interested) == []


async def test_a_reminder_says_the_time_left_for_an_event_planned_at_short_notice(
    client: TestClient, settings: Settings
) -> None:
    """An event three hours ahead gets the "24 hours" reminder at once: it read "starts
    in 24 hours" (an operator's trial)."""
    api = Api(client)
    owner, going = await api.register(), await api.register()
    group = await make_group(client, owner)
    event = await make_event(
        client, owner, group["id"], title="Short notice", starts_at=future(3), ends_at=future(5)
    )
    await rsvp(client, event, going)
    result = await run_job_now(settings, "event-reminders")
    assert result.exit_code == 0, result.output
    [reminder] = await reminders_of(client, going)
    assert reminder["text"] == "Short notice starts in 3 hours", reminder
    assert reminder["data"]["hours"] == 3
    french = await client.get(
        "/api/v1/notifications", headers={**going["headers"], "Accept-Language": "fr"}
    )
    texts = [n["text"] for n in (await french.json())["items"] if n["kind"] == "event_reminder"]
    assert texts == ["Short notice commence dans 3 heures"]


async def test_unknown_job_is_a_usage_error(settings: Settings) -> None:
    result = await admin_cli(settings, "jobs", "run", "no-such-job")
    assert result.exit_code == 2
    assert "event-reminders" in result.output

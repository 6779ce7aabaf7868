"""crewup-admin refuses what the API refuses: blank or malformed reasons and notes, and
ids no row can have, each as one line and exit 2, with nothing written."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from tests.moderation.helpers import audit_rows, report, staff, world
from tests.support.api import Api, make_event, make_group
from tests.support.cli import run_admin

HUGE = "123456789012345678901234"


def _one_usage_line(code: int, err: str) -> None:
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and err.startswith("crewup-admin: "), err


async def test_blank_or_bad_reasons_are_refused_and_nothing_is_written(
    client: TestClient, api: Api, settings
) -> None:
    admin, _ = await staff(settings, api)
    person = await api.register("Target")
    who = str(person["user"]["id"])
    for bad in ("", "   ", "spam\x07", "x" * 2001):
        code, _, err = await run_admin(settings, "bans", "add", who, "--reason", bad)
        _one_usage_line(code, err)
        assert "--reason" in err
    code, _, err = await run_admin(settings, "bans", "add", who, "--reason", " ")
    assert err.strip() == "crewup-admin: --reason may not be blank"
    assert await audit_rows(client, admin, "?action=user.ban") == []
    assert (await client.get("/api/v1/users/me", headers=person["headers"])).status == 200

    # A good reason is kept as the API keeps it: stripped.
    code, _, err = await run_admin(settings, "bans", "add", who, "--reason", "  spam  ")
    assert code == 0, err
    assert (await audit_rows(client, admin, "?action=user.ban"))[0]["reason"] == "spam"
    code, _, err = await run_admin(settings, "bans", "remove", who, "--reason", "ok\x01")
    _one_usage_line(code, err)
    assert await audit_rows(client, admin, "?action=user.unban") == []

    owner = await api.register()
    group = await make_group(client, owner)
    event = await make_event(client, owner, group["id"])
    for bad in (" ", "", "\t\n"):
        code, _, err = await run_admin(
            settings, "events", "cancel", str(event["id"]), "--reason", bad
        )
        _one_usage_line(code, err)
    seen = await (await client.get(f"/api/v1/events/{event['id']}")).json()
    assert seen["status"] == "scheduled" and seen["cancel_reason"] is None
    code, _, err = await run_admin(
        settings, "events", "cancel", str(event["id"]), "--reason", " flood "
    )
    assert code == 0, err
    seen = await (await client.get(f"/api/v1/events/{event['id']}")).json()
    assert seen["cancel_reason"] == "flood"


async def test_a_resolution_note_the_api_refuses_leaves_the_report_open(
    client: TestClient, api: Api, settings
) -> None:
    w = await world(client, api)
    await staff(settings, api)
    created = (await report(client, w["owner"], "post", w["post"]["id"], "spam"))[1]
    for bad in ("gone\x1b[2J", "x" * 2001):
        code, _, err = await run_admin(
            settings,
            "reports",
            "resolve",
            str(created["id"]),
            "--action",
            "remove_content",
            "--note",
            bad,
        )
        _one_usage_line(code, err)
        assert "--note" in err
    assert (await client.get(f"/api/v1/posts/{w['post']['id']}")).status == 200
    code, out, _ = await run_admin(settings, "reports", "show", str(created["id"]))
    assert code == 0 and "open" in out


async def test_huge_ids_are_usage_errors_like_events_show(api: Api, settings) -> None:
    person = await api.register()
    too_big = "Input should be less than or equal to 2147483647"
    for command, name, why in (
        (("events", "show", HUGE), "event_id", too_big),  # the way every id should go
        (("users", "show", HUGE), "who", too_big),
        (("users", "show", "0"), "who", "Input should be greater than or equal to 1"),
        (("users", "promote", HUGE, "--role", "admin"), "who", too_big),
        (("users", "demote", HUGE), "who", too_big),
        (("bans", "add", HUGE, "--reason", "spam"), "who", too_big),
        (("bans", "remove", HUGE), "who", too_big),
        (("audit", "list", "--actor", HUGE), "--actor", too_big),
        (("audit", "list", "--target", f"user:{HUGE}"), "--target", too_big),
        (("audit", "list", "--target", "user:" + "9" * 5000), "--target", too_big),
    ):
        code, _, err = await run_admin(settings, *command)
        _one_usage_line(code, err)
        # Never a cut id ("user 12345678901234567890 not found"), never a traceback.
        assert err.strip() == f"crewup-admin: Invalid value for '{name}': {why}", (command, err)
    # Largest id a row can have: simply not found; the person's own id still works.
    code, _, err = await run_admin(settings, "users", "show", "2147483647")
    assert code == 1 and err.strip() == "crewup-admin: user 2147483647 not found"
    code, _, err = await run_admin(settings, "users", "show", str(person["user"]["id"]))
    assert code == 0, err

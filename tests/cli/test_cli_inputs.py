"""crewup-admin refuses what the API refuses: ids no row can have, as one line and exit 2."""

from __future__ import annotations

from tests.support.api import Api
from tests.support.cli import run_admin

HUGE = "123456789012345678901234"


def _one_usage_line(code: int, err: str) -> None:
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and err.startswith("crewup-admin: "), err


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

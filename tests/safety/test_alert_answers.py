"""Acknowledging and resolving an alert, who may do which, who sees whom, and the list of
my alerts: recipients, the author and moderators see an alert; everyone else gets 404."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from tests.safety.world import alerts_of, crew, join, raise_alert
from tests.support.api import Api
from tests.support.cli import admin_cli
from tests.support.logs import logged
from tests.support.statements import StatementCounter


async def _post(
    client: TestClient, person: dict[str, Any], alert: dict[str, Any], what: str, body: Any
) -> tuple[int, dict[str, Any]]:
    resp = await client.post(
        f"/api/v1/safety/alerts/{alert['id']}/{what}", json=body, headers=person["headers"]
    )
    return resp.status, await resp.json()


async def _get(client: TestClient, person: dict[str, Any], alert: dict[str, Any]) -> Any:
    return await client.get(f"/api/v1/safety/alerts/{alert['id']}", headers=person["headers"])


async def _moderator(client: TestClient, api: Api, settings: Any) -> dict[str, Any]:
    person = await api.register("Moderator")
    result = await admin_cli(settings, "users", "promote", person["email"], "--role", "moderator")
    assert result.exit_code == 0, result.output
    return person


async def test_recipients_answer_and_the_author_sees_who(
    client: TestClient, api: Api, settings: Any
) -> None:
    world = await crew(client, api)
    author, member, group = world["author"], world["member"], world["group"]
    second = await api.register("Second")
    await join(client, second, group)
    alert = await raise_alert(client, author)
    status, answered = await _post(client, member, alert, "acknowledge", {"status": "on_my_way"})
    assert status == 200 and answered["my_acknowledgement"] == "on_my_way"
    first = (await (await _get(client, author, alert)).json())["acknowledgements"]
    await _post(client, member, alert, "acknowledge", {"status": "on_my_way"})
    assert (await (await _get(client, author, alert)).json())["acknowledgements"] == first
    # Again, and changed: still one answer per person.
    for choice in ("on_my_way", "ok"):
        status, answered = await _post(client, member, alert, "acknowledge", {"status": choice})
        assert status == 200 and answered["my_acknowledgement"] == choice
    seen = await (await _get(client, author, alert)).json()
    assert [(a["user"]["display_name"], a["status"]) for a in seen["acknowledgements"]] == [
        ("Member", "ok")
    ]
    moderator = await _moderator(client, api, settings)
    by_moderator = await (await _get(client, moderator, alert)).json()
    assert by_moderator["acknowledgements"] == seen["acknowledgements"]
    assert by_moderator["my_role"] is None
    # Recipients see the alert, not who else answered.
    theirs = await (await _get(client, second, alert)).json()
    assert theirs["acknowledgements"] is None
    assert theirs["my_acknowledgement"] is None


async def test_only_recipients_acknowledge(client: TestClient, api: Api, settings: Any) -> None:
    world = await crew(client, api)
    author = world["author"]
    alert = await raise_alert(client, author)
    outsider = await api.register("Outsider")
    moderator = await _moderator(client, api, settings)
    status, _ = await _post(client, outsider, alert, "acknowledge", {"status": "ok"})
    assert status == 404  # it does not exist for them
    status, own = await _post(client, author, alert, "acknowledge", {"status": "ok"})
    assert status == 409 and "you raised this alert" in own["detail"], own
    status, seen = await _post(client, moderator, alert, "acknowledge", {"status": "ok"})
    assert status == 403 and "did not reach you" in seen["detail"], seen
    missing = {"id": 999_999}
    status, _ = await _post(client, world["member"], missing, "acknowledge", {"status": "ok"})
    assert status == 404
    status, _ = await _post(client, world["member"], alert, "acknowledge", {"status": "fine"})
    assert status == 422


async def test_the_author_or_a_moderator_resolves(
    client: TestClient, api: Api, settings: Any
) -> None:
    world = await crew(client, api)
    author, member = world["author"], world["member"]
    first = await raise_alert(client, author)
    second = await raise_alert(client, author, severity="info", message="Car blocking the gate")
    outsider = await api.register("Outsider")
    note = {"note": "All clear"}
    assert (await _post(client, member, first, "resolve", note))[0] == 403
    assert (await _post(client, outsider, first, "resolve", note))[0] == 404
    status, done = await _post(client, author, first, "resolve", note)
    assert status == 200
    assert done["status"] == "resolved" and done["resolution_note"] == "All clear"
    assert done["resolved_by"] == author["user"]["id"]
    assert (await _post(client, author, first, "resolve", note))[0] == 409
    moderator = await _moderator(client, api, settings)
    status, done = await _post(client, moderator, second, "resolve", {})
    assert status == 200 and done["resolved_by"] == moderator["user"]["id"]
    # Open ones only: none left.
    assert await alerts_of(client, member, "?active=true") == []
    assert await alerts_of(client, member) == [second["id"], first["id"]]


async def test_nobody_else_sees_an_alert(client: TestClient, api: Api) -> None:
    world = await crew(client, api)
    alert = await raise_alert(client, world["author"])
    outsider = await api.register("Outsider")
    assert (await _get(client, outsider, alert)).status == 404
    assert await alerts_of(client, outsider) == []
    assert (await _get(client, world["member"], {"id": 999_999})).status == 404
    anonymous = await client.get(f"/api/v1/safety/alerts/{alert['id']}")
    assert anonymous.status == 401
    # Joining the group later does not open an alert that went out before.
    late = await api.register("Late")
    await join(client, late, world["group"])
    assert (await _get(client, late, alert)).status == 404


async def test_my_alerts_page_newest_first(client: TestClient, api: Api) -> None:
    world = await crew(client, api)
    author, member = world["author"], world["member"]
    raised_by_member = []
    theirs = await raise_alert(client, member, severity="warning")  # the author receives it
    mine = [await raise_alert(client, author, message=f"Alert {n}") for n in range(4)]
    raised_by_member.append(theirs["id"])
    expected = [a["id"] for a in reversed(mine)] + raised_by_member
    seen: list[int] = []
    query = "?limit=2"
    while True:
        resp = await client.get(f"/api/v1/safety/alerts{query}", headers=author["headers"])
        assert resp.status == 200
        page = await resp.json()
        seen += [item["id"] for item in page["items"]]
        if page["next_cursor"] is None:
            break
        query = f"?limit=2&cursor={page['next_cursor']}"
    assert seen == expected
    roles = {
        item["id"]: item["my_role"]
        for item in (
            await (
                await client.get("/api/v1/safety/alerts?limit=10", headers=author["headers"])
            ).json()
        )["items"]
    }
    assert roles[theirs["id"]] == "recipient" and roles[mine[0]["id"]] == "author"
    bad = await client.get("/api/v1/safety/alerts?cursor=nonsense", headers=author["headers"])
    assert bad.status == 400


async def test_listing_costs_the_same_for_one_alert_or_many(client: TestClient, api: Api) -> None:
    world = await crew(client, api)
    author, member = world["author"], world["member"]

    async def statements() -> int:
        with StatementCounter(client.app) as counter:
            assert await alerts_of(client, member, "?limit=50")
        return counter.count

    await raise_alert(client, author)
    one = await statements()
    for n in range(5):
        await raise_alert(client, author, message=f"Alert {n}")
    assert await statements() == one


async def test_a_raised_alert_is_logged_as_a_domain_event(
    client: TestClient, api: Api, caplog: Any
) -> None:
    """The alert's `message` field collided with the log record's own `message`, so the
    line was lost behind an error (found by a black-box trial). The line names the alert,
    not what its author wrote or where they are."""
    world = await crew(client, api)
    caplog.set_level("INFO", logger="crewup.domain")
    alert = await raise_alert(client, world["author"])
    raised = await logged(caplog, "safety.alert_raised")
    assert raised and raised[0].alert_id == alert["id"]  # type: ignore[attr-defined]
    assert raised[0].severity == alert["severity"]  # type: ignore[attr-defined]
    line = " ".join(f"{k}={v}" for k, v in vars(raised[0]).items())
    assert "fell at the crag" not in line and "event_message" not in line
    assert not [r for r in caplog.records if r.levelname == "ERROR"]

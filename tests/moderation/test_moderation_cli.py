"""crewup-admin reports and audit, and the audit rows the console's actions write."""

from __future__ import annotations

import csv
from pathlib import Path

from aiohttp.test_utils import TestClient

from tests.moderation.helpers import audit_rows, report, staff, world
from tests.support.api import Api, make_event
from tests.support.cli import admin_cli, run_admin


async def test_reports_list_show_resolve_from_the_console(
    client: TestClient, api: Api, settings
) -> None:
    w = await world(client, api)
    admin, _ = await staff(settings, api)
    long_reason = "this person keeps posting the same link to a shop in every group " * 2
    created = (await report(client, w["owner"], "post", w["post"]["id"], long_reason))[1]
    code, out, err = await run_admin(settings, "reports", "list", columns=80)
    assert code == 0, err
    assert "Zebra rocks" in out and "post:" in out
    assert max(len(line) for line in out.splitlines()) <= 80, out
    code, out, err = await run_admin(settings, "reports", "show", str(created["id"]), columns=80)
    assert code == 0, err
    assert "Zebra rocks" in out
    assert max(len(line) for line in out.splitlines()) <= 80, out
    code, out, err = await run_admin(
        settings, "reports", "resolve", str(created["id"]), "--action", "remove_content"
    )
    assert code == 0, err
    assert "resolved: remove_content" in out
    assert (await client.get(f"/api/v1/posts/{w['post']['id']}")).status == 404
    rows = await audit_rows(client, admin, "?action=content.remove")
    assert rows[0]["face"] == "cli" and rows[0]["actor_id"] is None
    # Resolving twice is a refusal (exit 1); bad usage is one line and exit 2.
    code, _, err = await run_admin(
        settings, "reports", "resolve", str(created["id"]), "--action", "dismiss"
    )
    assert code == 1 and err.strip() == f"crewup-admin: report {created['id']} is already resolved"
    for bad in (
        ("reports", "resolve", "1", "--action", "explode"),
        ("reports", "resolve", "x", "--action", "dismiss"),
        ("reports", "list", "--status", "nope"),
        ("audit", "list", "--target", ":3"),
        ("audit", "export"),
    ):
        code, _, err = await run_admin(settings, *bad)
        assert code == 2, (bad, err)
        assert len(err.strip().splitlines()) == 1 and err.startswith("crewup-admin: "), err
    code, _, err = await run_admin(settings, "reports", "show", "999999")
    assert code == 1 and "not found" in err


async def test_console_bans_and_roles_are_audited_and_exported(
    client: TestClient, api: Api, settings, tmp_path: Path
) -> None:
    admin, moderator = await staff(settings, api)
    person = await api.register()
    pid = str(person["user"]["id"])
    assert (await admin_cli(settings, "bans", "add", pid, "--reason", "spam")).exit_code == 0
    result = await admin_cli(settings, "bans", "remove", pid, "--reason", "appeal")
    assert result.exit_code == 0, result.output
    rows = await audit_rows(client, moderator, f"?target_type=user&target_id={pid}")
    assert [(r["action"], r["face"], r["reason"]) for r in rows] == [
        ("user.unban", "cli", "appeal"),
        ("user.ban", "cli", "spam"),
    ]
    promotions = await audit_rows(client, moderator, "?action=user.role")
    assert {r["target_id"] for r in promotions} >= {admin["user"]["id"], moderator["user"]["id"]}
    # Filters by actor: the moderator's own actions only.
    resp = await client.post(
        "/api/v1/moderation/bans",
        json={"user_id": person["user"]["id"], "reason": "again"},
        headers=moderator["headers"],
    )
    assert resp.status == 201
    mine = await audit_rows(client, admin, f"?actor_id={moderator['user']['id']}")
    assert [r["action"] for r in mine] == ["user.ban"]
    # Pages, newest first.
    page = await (
        await client.get("/api/v1/moderation/audit?limit=2", headers=admin["headers"])
    ).json()
    rest = await audit_rows(client, admin, f"?limit=100&cursor={page['next_cursor']}")
    everything = await audit_rows(client, admin, "?limit=100")
    assert [r["id"] for r in page["items"] + rest] == [r["id"] for r in everything]
    assert [r["id"] for r in everything] == sorted((r["id"] for r in everything), reverse=True)
    for bad in ("limit=0", "actor_id=x", "cursor=%%", "target_id=-1", "nope=1"):
        resp = await client.get(f"/api/v1/moderation/audit?{bad}", headers=admin["headers"])
        assert resp.status in (400, 422), (bad, resp.status)

    code, out, err = await run_admin(
        settings, "audit", "list", "--target", f"user:{pid}", columns=80
    )
    assert code == 0, err
    assert "user.unban" in out and "appeal" in out
    assert max(len(line) for line in out.splitlines()) <= 80, out
    target = tmp_path / "audit.csv"
    code, out, err = await run_admin(settings, "audit", "export", "--csv", str(target))
    assert code == 0, err
    with target.open(newline="", encoding="utf-8") as f:
        exported = list(csv.DictReader(f))
    assert len(exported) == len(everything)
    assert exported[0]["action"] == "user.ban" and exported[0]["face"] == "api"


async def test_console_operator_fixes_are_audited(client: TestClient, api: Api, settings) -> None:
    w = await world(client, api)
    _, moderator = await staff(settings, api)
    event = await make_event(client, w["owner"], w["group"]["id"])
    gid, member_id = str(w["group"]["id"]), str(w["member"]["user"]["id"])
    steps = [
        ("events", "cancel", str(event["id"]), "--reason", "venue closed"),
        ("groups", "transfer-ownership", gid, "--to", member_id),
        ("groups", "delete", gid, "--yes"),
    ]
    for step in steps:
        result = await admin_cli(settings, *step)
        assert result.exit_code == 0, (step, result.output)
    rows = await audit_rows(client, moderator)
    assert [(r["action"], r["target_id"], r["face"]) for r in rows[:3]] == [
        ("group.delete", w["group"]["id"], "cli"),
        ("group.transfer", w["group"]["id"], "cli"),
        ("event.cancel", event["id"], "cli"),
    ]
    assert rows[1]["detail"] == {"from": w["owner"]["user"]["id"], "to": w["member"]["user"]["id"]}
    assert rows[2]["reason"] == "venue closed"


async def test_numbers_and_files_beyond_reach_are_said_plainly(settings, api: Api) -> None:
    """Ids no row can have, a ban of 270,000 years and a CSV into a missing directory
    answered with Python's exception names, the last blaming the database (a black-box
    trial)."""
    person = await api.register()
    huge = "99999999999999999999"
    for bad in (
        ("users", "show", huge),  # an id or an email: digits are an id, bound as the others
        ("events", "show", huge),  # every id argument and option has the same bound
        ("audit", "list", "--actor", huge),
        ("bans", "add", str(person["user"]["id"]), "--reason", "x", "--days", "99999999"),
    ):
        code, _, err = await run_admin(settings, *bad)
        assert code == 2, (bad, err)
        assert len(err.strip().splitlines()) == 1 and err.startswith("crewup-admin: "), err
        assert "Error" not in err, err
    code, _, err = await run_admin(settings, "audit", "export", "--csv", "/nonexistent/dir/x.csv")
    assert code == 1 and "database" not in err, err
    assert "/nonexistent/dir/x.csv" in err and "No such file or directory" in err, err

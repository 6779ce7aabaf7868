"""crewup-admin stats: every figure counts what the test made, as a table that fits 80
columns and as JSON."""

from __future__ import annotations

import json

from aiohttp.test_utils import TestClient

from tests.moderation.helpers import join, make_post, report, resolve, staff, world
from tests.safety.world import raise_alert
from tests.support.api import Api, make_event, make_group
from tests.support.cli import run_admin
from tests.support.ws import connect, of_type, subscribe, wait_for


async def test_stats_count_what_was_made(client: TestClient, api: Api, settings) -> None:
    w = await world(client, api)  # owner and member, a public group, a post, a comment
    _, moderator = await staff(settings, api)  # an admin and a moderator, both active
    troll, quiet = await api.register("Troll"), await api.register("Quiet")
    await join(client, troll, w["group"])
    secret = await make_group(client, w["owner"], name="Belay crew", visibility="private")
    await make_event(client, w["owner"], w["group"]["id"], title="Bouldering night")
    await make_event(client, w["owner"], secret["id"], title="Rope check")
    spam = await make_post(client, troll, w["group"], title="Cheap pills")
    ws = await connect(client, w["member"])
    await subscribe(ws, group_id=w["group"]["id"])
    for n in range(3):
        frame = {"type": "message", "group_id": w["group"]["id"], "body": f"hi {n}"}
        await ws.send_json({**frame, "client_id": f"c{n}"})
        await wait_for(ws, of_type("message", client_id=f"c{n}"))
    await ws.close()
    # Two reports stay open; one about the spam post is upheld, which removes the post.
    assert (await report(client, quiet, "post", w["post"]["id"]))[0] == 201
    assert (await report(client, quiet, "comment", w["comment"]["id"]))[0] == 201
    status, spam_report = await report(client, w["member"], "post", spam["id"])
    assert status == 201
    assert (await resolve(client, moderator, spam_report["id"], "remove_content"))[0] == 200
    await raise_alert(client, w["owner"])
    code, _, err = await run_admin(
        settings, "bans", "add", str(troll["user"]["id"]), "--reason", "spam", "--days", "3"
    )
    assert code == 0, err

    code, out, err = await run_admin(settings, "stats", "--json")
    assert code == 0, err
    found = json.loads(out)
    found.pop("at")
    assert found == {
        # owner, member, admin, moderator, quiet; the troll is banned
        "people": {"active": 5, "banned": 1},
        "groups": {"public": 1, "private": 1},
        "events": {"upcoming": 2},
        "chat_messages": 3,
        "posts": 1,  # the spam post was removed
        "reports": {"open": 2},
        "bans": {"active": 1},
        "safety_alerts": {"last_7_days": 1},
    }

    code, out, err = await run_admin(settings, "stats", columns=80)
    assert code == 0, err
    assert max(len(line) for line in out.splitlines()) <= 80, out
    lines = {" ".join(line.strip("│ ").split()) for line in out.splitlines()}
    for row in ("people │ active │ 5", "banned │ 1", "chat messages │ │ 3", "posts │ │ 1"):
        assert any(row in line for line in lines), (row, out)
    assert any("reports │ open │ 2" in line for line in lines), out
    assert any("safety alerts │ last 7 days │ 1" in line for line in lines), out


async def test_stats_bad_usage_is_one_line(settings) -> None:
    code, out, err = await run_admin(settings, "stats", "--jsn")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("crewup-admin: "), err

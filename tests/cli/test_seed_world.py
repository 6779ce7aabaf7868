"""`crewup-admin seed demo` beyond the five demo people: a generated world keeps every
rule the product keeps (counters, waitlists, private groups), on both engines."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from crewup.core.settings import Settings
from crewup.wiring import open_database
from tests.support.api import Api
from tests.support.cli import admin_cli, run_admin

WORLD = ("--users", "300", "--groups", "30", "--events", "300", "--posts", "200", "--seed", "7")

# Each query lists rows that break a rule; a sound world has none.
BROKEN: dict[str, str] = {
    "waitlist not numbered 1..n, or on an event with a free seat": """
        SELECT e.id FROM events e JOIN (
            SELECT event_id, COUNT(*) AS n, COUNT(DISTINCT waitlist_seq) AS d,
                   MIN(waitlist_seq) AS lo, MAX(waitlist_seq) AS hi
            FROM event_participants WHERE status = 'waitlisted' GROUP BY event_id
        ) w ON w.event_id = e.id
        WHERE NOT (w.n = w.d AND w.lo = 1 AND w.hi = w.n AND e.waitlist_seq >= w.hi
                   AND e.capacity IS NOT NULL AND e.going_count = e.capacity)""",
    "waiting person who arrived before someone ahead or going": """
        SELECT a.event_id, a.user_id FROM event_participants a
        JOIN event_participants b ON b.event_id = a.event_id
        WHERE a.status = 'waitlisted' AND b.created_at >= a.created_at
          AND (b.status = 'going'
               OR (b.status = 'waitlisted' AND b.waitlist_seq < a.waitlist_seq))""",
    "arrival number on someone not waiting": """
        SELECT event_id, user_id FROM event_participants
        WHERE (status = 'waitlisted') = (waitlist_seq IS NULL)""",
    "more going than seats": """
        SELECT id FROM events WHERE capacity IS NOT NULL AND going_count > capacity""",
    "outsider with an RSVP in a private group": """
        SELECT p.event_id, p.user_id FROM event_participants p
        JOIN events e ON e.id = p.event_id JOIN groups g ON g.id = e.group_id
        LEFT JOIN group_members m ON m.group_id = g.id AND m.user_id = p.user_id
        WHERE g.visibility = 'private' AND m.user_id IS NULL""",
    "post by a non-member": """
        SELECT p.id FROM posts p LEFT JOIN group_members m
          ON m.group_id = p.group_id AND m.user_id = p.author_id
        WHERE m.user_id IS NULL""",
    "comment by a non-member": """
        SELECT c.id FROM comments c JOIN posts p ON p.id = c.post_id
        LEFT JOIN group_members m ON m.group_id = p.group_id AND m.user_id = c.author_id
        WHERE m.user_id IS NULL""",
    "event made by someone who does not run the group": """
        SELECT e.id FROM events e LEFT JOIN group_members m
          ON m.group_id = e.group_id AND m.user_id = e.creator_id AND m.role IN ('owner', 'admin')
        WHERE m.user_id IS NULL""",
    "group whose owner is not its one owner member": """
        SELECT g.id FROM groups g LEFT JOIN group_members m
          ON m.group_id = g.id AND m.user_id = g.owner_id AND m.role = 'owner'
        WHERE m.user_id IS NULL
           OR (SELECT COUNT(*) FROM group_members o
               WHERE o.group_id = g.id AND o.role = 'owner') <> 1""",
    "group over its member limit": """
        SELECT id FROM groups WHERE max_members IS NOT NULL AND member_count > max_members""",
    "RSVP before the account existed": """
        SELECT p.event_id, p.user_id FROM event_participants p
        JOIN users u ON u.id = p.user_id WHERE p.created_at < u.created_at""",
    "member who joined before the group existed": """
        SELECT m.group_id, m.user_id FROM group_members m
        JOIN groups g ON g.id = m.group_id WHERE m.joined_at < g.created_at""",
    "join request from a member": """
        SELECT r.group_id FROM group_join_requests r JOIN group_members m
          ON m.group_id = r.group_id AND m.user_id = r.user_id""",
}

FACTS = {
    "users": "SELECT COUNT(*) FROM users",
    "groups": "SELECT COUNT(*) FROM groups",
    "events": "SELECT COUNT(*) FROM events",
    "posts": "SELECT COUNT(*) FROM posts",
    "comments": "SELECT COUNT(*) FROM comments",
    "private groups": "SELECT COUNT(*) FROM groups WHERE visibility = 'private'",
    "events with a waitlist": "SELECT COUNT(*) FROM events WHERE waitlist_count > 0",
    "past events": "SELECT COUNT(*) FROM events WHERE ends_at < CURRENT_TIMESTAMP",
    "cities": "SELECT COUNT(DISTINCT ROUND(lat)) FROM groups WHERE lat IS NOT NULL",
}


async def _query(settings: Settings, sql: str, **params: Any) -> list[Any]:
    db = open_database(settings, pool_size=1)
    try:
        async with db.reading() as conn:
            return list((await conn.execute(text(sql), params)).all())
    finally:
        await db.dispose()


async def _seed(settings: Settings, *extra: str) -> None:
    result = await admin_cli(settings, "seed", "demo", *WORLD, *extra)
    assert result.exit_code == 0, result.output
    assert "seeded 300 people" in result.output


async def test_a_small_world_needs_no_repairs(settings) -> None:
    await _seed(settings)
    counters = await admin_cli(settings, "fix", "counters")
    assert counters.exit_code == 0 and "all counters are right; nothing changed" in counters.output
    waitlists = await admin_cli(settings, "fix", "waitlists")
    assert "no free seats with people waiting; nothing changed" in waitlists.output, (
        waitlists.output
    )
    for rule, sql in BROKEN.items():
        assert await _query(settings, sql) == [], rule
    facts = {name: (await _query(settings, sql))[0][0] for name, sql in FACTS.items()}
    assert (facts["users"], facts["groups"], facts["events"], facts["posts"]) == (300, 30, 300, 200)
    # Ids follow on from the demo's without a gap (scripts and benchmarks count on it).
    for table in ("users", "groups", "events", "posts"):
        assert await _query(settings, f"SELECT MAX(id) FROM {table}") == [(facts[table],)], table
    # Not an empty shell: the things the rules are about are there to be checked.
    assert facts["comments"] > 50 and facts["private groups"] >= 1, facts
    assert facts["events with a waitlist"] >= 5 and facts["past events"] >= 50, facts
    assert facts["cities"] >= 3, facts


async def test_a_private_groups_content_stays_hidden_from_outsiders(
    client, settings, api: Api
) -> None:
    await _seed(settings)
    group_id, post_id, event_id = (
        await _query(
            settings,
            """SELECT g.id, MIN(p.id), MIN(e.id) FROM groups g
               JOIN posts p ON p.group_id = g.id JOIN events e ON e.group_id = g.id
               WHERE g.visibility = 'private' AND g.id > 2
               GROUP BY g.id ORDER BY g.id LIMIT 1""",
        )
    )[0]
    is_member = "EXISTS (SELECT 1 FROM group_members m WHERE m.group_id = :g AND m.user_id = u.id)"
    member, outsider = [
        (
            await _query(
                settings,
                f"SELECT u.email FROM users u WHERE u.id > 5 AND {clause} ORDER BY u.id LIMIT 1",
                g=group_id,
            )
        )[0][0]
        for clause in (is_member, f"NOT {is_member}")
    ]

    async def sign_in(email: str) -> dict[str, str]:
        resp = await client.post(
            "/api/v1/auth/login", json={"email": email, "password": "crewup-demo"}
        )
        assert resp.status == 200, await resp.text()
        return {"Authorization": f"Bearer {(await resp.json())['access_token']}"}

    urls = (
        f"/api/v1/groups/{group_id}",
        f"/api/v1/groups/{group_id}/members",
        f"/api/v1/groups/{group_id}/posts",
        f"/api/v1/posts/{post_id}",
        f"/api/v1/posts/{post_id}/comments",
        f"/api/v1/events/{event_id}",
        f"/api/v1/events/{event_id}/participants",
    )
    inside, outside = await sign_in(member), await sign_in(outsider)
    for url in urls:
        assert (await client.get(url, headers=inside)).status == 200, url
        assert (await client.get(url, headers=outside)).status == 404, url
        assert (await client.get(url)).status in (401, 404), url
    listed = await client.get(f"/api/v1/events?group_id={group_id}", headers=outside)
    assert listed.status in (200, 404)
    if listed.status == 200:
        assert (await listed.json())["items"] == []
    stranger = await api.register("Stranger")
    assert (await client.get(urls[0], headers=stranger["headers"])).status == 404


async def test_refuses_a_site_with_real_people_unless_forced(settings, api: Api) -> None:
    await api.register("A real person")
    code, out, err = await run_admin(settings, "seed", "demo", "--users", "40")
    assert code == 1, (out, err)
    assert err.startswith("crewup-admin: the site already has 1 people who are not demo people")
    assert len(err.strip().splitlines()) == 1
    assert await _query(settings, "SELECT COUNT(*) FROM users") == [(1,)]
    code, out, err = await run_admin(settings, "seed", "demo", "--users", "40", "--force")
    assert code == 0, err
    assert await _query(settings, "SELECT COUNT(*) FROM users") == [(41,)]


@pytest.mark.parametrize("extra", [(), ("--size", "town", "--if-empty")])
async def test_seeding_again_adds_beside_a_demo_world(settings, extra: tuple[str, ...]) -> None:
    """A site of demo people only is fair game (no --force); --if-empty leaves it be."""
    await _seed(settings)
    again = await admin_cli(settings, "seed", "demo", "--users", "20", "--seed", "8", *extra)
    assert again.exit_code == 0, again.output
    expected = 300 if extra else 315  # the cast is there already: 15 more generated
    assert await _query(settings, "SELECT COUNT(*) FROM users") == [(expected,)]

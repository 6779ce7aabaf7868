"""Groups, a post and events for the demo people, made through the same services the
app uses, so a newcomer's first `make run` shows a map, a waitlist and a private group."""

from __future__ import annotations

from datetime import datetime, timedelta

from crewup.core import clock
from crewup.core.db import Database
from crewup.core.identity import Actor
from crewup.core.ratelimit import UNLIMITED
from crewup.events import service as events
from crewup.events.access import RsvpStatus
from crewup.events.first_rsvp_queue import FirstRsvps
from crewup.groups import membership
from crewup.groups import service as groups
from crewup.posts import service as posts
from crewup.seed.sizes import WorldSize

# What create_demo_content makes (people: the cast itself).
DEMO_COUNTS = WorldSize(users=5, groups=2, events=3, posts=1)


def _evening(days_ahead: int, hour: int = 18) -> datetime:
    day = clock.now() + timedelta(days=days_ahead)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


async def create_demo_content(db: Database, people: dict[str, Actor]) -> list[str]:
    """`people` by email: ann, mo, bea, carl, dina. Returns what was made, for the log."""
    ann, mo, bea, carl, dina = (
        people[f"{name}@example.com"] for name in ("ann", "mo", "bea", "carl", "dina")
    )
    async with db.transaction() as conn:
        climbers = await groups.create_group(
            conn,
            ann,
            {
                "name": "Berlin Boulderers",
                "description": "Weekly bouldering in Berlin halls, trips to real rock in spring.",
                "category": "climbing",
                "visibility": "public",
                "lat": 52.52,
                "lon": 13.405,
            },
            verified_required=False,
        )
        riders = await groups.create_group(
            conn,
            dina,
            {
                "name": "Sunday Riders",
                "description": "A small road-cycling crew; members invite new riders.",
                "category": "sports",
                "visibility": "private",
                "lat": 52.4,
                "lon": 13.06,
            },
            verified_required=False,
        )
        for person in (bea, carl):
            await membership.join_group(conn, UNLIMITED, climbers.id, person)
        await membership.invite(conn, UNLIMITED, riders.id, dina, ann.id)
        await membership.join_group(conn, UNLIMITED, riders.id, ann)
        await posts.create_post(
            conn,
            posts.UNLIMITED,
            climbers.id,
            ann,
            "Welcome!",
            "New here? Say hello and come to the next bouldering night. Shoes can be rented.",
        )
        night = await events.create_event(
            conn,
            ann,
            climbers.id,
            {
                "title": "Bouldering night",
                "description": "Three seats in the car; the rest meet us there.",
                "location_name": "Ostbloc, Berlin",
                "lat": 52.5055,
                "lon": 13.469,
                "starts_at": _evening(3),
                "ends_at": _evening(3, 21),
                "capacity": 3,
            },
            verified_required=False,
        )
        await events.create_event(
            conn,
            ann,
            climbers.id,
            {
                "title": "Crag day in Saxon Switzerland",
                "description": "Sandstone, so no chalk and no metal gear in cracks.",
                "location_name": "Schrammsteine, Bad Schandau",
                "lat": 50.9186,
                "lon": 14.1743,
                "starts_at": _evening(10, 8),
                "ends_at": _evening(10, 17),
                "capacity": None,
            },
            verified_required=False,
        )
        await events.create_event(
            conn,
            dina,
            riders.id,
            {
                "title": "Sunday ride to Potsdam",
                "description": "60 km, coffee stop at the halfway point.",
                "location_name": "Brandenburger Tor, Berlin",
                "lat": 52.5163,
                "lon": 13.3777,
                "starts_at": _evening(6, 9),
                "ends_at": _evening(6, 13),
                "capacity": None,
            },
            verified_required=False,
        )
    # One at a time and in this order, so the fourth person is first on the waitlist.
    rsvps = FirstRsvps(db)
    for person in (ann, bea, carl, mo):
        await rsvps.rsvp(night.id, person, RsvpStatus.going)
    return [
        "groups: Berlin Boulderers (public), Sunday Riders (private)",
        "events: Bouldering night (3 seats, 1 waiting), a crag day, a private ride",
    ]

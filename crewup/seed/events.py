"""Generated events over the past and coming eight weeks, and their RSVPs.

An event's shape (times, capacity, how many want a seat, how many are interested) comes
from its group's shape stream, which both tables replay: the events table needs the
counts, the participants table the people. Who those people are comes from a second
stream, so the counters always equal the rows without holding the rows in memory.

The rules the rows keep: only members RSVP to a private group's events (public ones
draw a few people from outside); nobody beyond capacity; a waitlist only on a full
event, numbered 1..n in arrival order, everyone going having arrived before it."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import NamedTuple

from crewup.events.access import EventStatus, RsvpStatus
from crewup.events.tables import event_participants, events
from crewup.groups.service import CATEGORIES
from crewup.seed.phrases import CANCEL_REASONS, EVENT_NOTES, EVENT_TITLES
from crewup.seed.places import CITIES, VENUES
from crewup.seed.plan import DAY, Plan, managers_for, stream
from crewup.seed.world import Row, TableRows, World

_SHAPE_STREAM = 30
_TEXT_STREAM = 31
_PEOPLE_STREAM = 32
_CAPACITIES = (2, 4, 6, 8, 10, 12, 15, 16, 20, 25, 30, 40, 50, 60, 80, 100, 150, 200)
_HOURS = (10, 11, 14, 17, 18, 18, 19, 19, 19, 20)
MAX_WAITLIST = 40
MAX_WANTING = 150


class Shape(NamedTuple):
    starts: int
    ends: int
    created: int
    rsvp_until: int  # RSVPs arrive between created and this
    capacity: int | None
    cancelled: bool
    creator: int  # index into the group's members (owner or an admin)
    wanting: int  # pressed "going", in arrival order: the first `going` got seats
    going: int
    interested: int
    outsiders: int  # of all of them, people from outside the group (public groups)


def shapes(plan: Plan, g: int) -> list[Shape]:
    """The group's events, in id order. Pure: the same list on every call."""
    rng = stream(plan.seed, _SHAPE_STREAM, g)
    size = plan.size(g)
    outside = 0 if plan.g_private[g] else (plan.people - size) // 2
    managers = min(size, managers_for(size))
    found = []
    for _ in range(plan.event_start[g + 1] - plan.event_start[g]):
        day = plan.anchor + rng.randrange(-56, 57) * DAY
        starts = day + _HOURS[rng.randrange(len(_HOURS))] * 3600 + rng.choice((0, 1800))
        ends = starts + rng.choice((1, 2, 2, 3, 3, 4, 6)) * 3600
        rsvp_until = min(starts, plan.anchor) - 3600
        created = rsvp_until - rng.randrange(DAY, 21 * DAY)
        # About the square root of the group wants to come: ten of a hundred, forty of
        # two thousand. Rooms are sized for that, give or take.
        typical = min(size, 1 + size**0.5)
        capacity = None
        if rng.random() < 0.65:
            room = typical * rng.uniform(0.6, 2.0)
            capacity = next((c for c in _CAPACITIES if c >= room), _CAPACITIES[-1])
        wanting = int(typical * rng.uniform(0.3, 1.4)) + rng.randrange(2)
        if capacity is not None and rng.random() < 0.25:  # a popular one: full, people wait
            wanting = max(wanting, capacity + 1 + rng.randrange(capacity // 3 + 1))
        outsiders = min(int(wanting * rng.random() * 0.2), outside)
        wanting = min(wanting, size + outsiders, MAX_WANTING)
        going = wanting if capacity is None else min(wanting, capacity)
        wanting = min(wanting, going + MAX_WAITLIST)
        outsiders = min(outsiders, wanting)
        interested = min(int(wanting * rng.random() * 0.5), size + outsiders - wanting)
        found.append(
            Shape(
                starts,
                ends,
                created,
                rsvp_until,
                capacity,
                rng.random() < 0.03,
                rng.randrange(managers),
                wanting,
                going,
                interested,
                outsiders,
            )
        )
    return found


def _event_rows(world: World) -> Iterator[Row]:
    plan, enc = world.plan, world.encoding
    scheduled, cancelled = EventStatus.scheduled.value, EventStatus.cancelled.value
    event_id = world.ids.event
    for g in range(plan.groups):
        rng = stream(plan.seed, _TEXT_STREAM, g)
        category = CATEGORIES[plan.g_category[g]]
        city = CITIES[plan.g_city[g]]
        titles, venues = EVENT_TITLES[category], VENUES[category]
        members = plan.members_of(g)
        for shape in shapes(plan, g):
            area = city.areas[
                plan.g_area[g] if rng.random() < 0.7 else rng.randrange(len(city.areas))
            ]
            far = 0.25 if category in ("outdoors", "climbing") and rng.random() < 0.3 else 0.01
            waiting = shape.wanting - shape.going
            created = enc.time(shape.created)
            yield (
                event_id,
                world.group_id(g),
                world.user_id(members[shape.creator]),
                f"{titles[rng.randrange(len(titles))]} in {area.name}",
                " ".join(rng.sample(EVENT_NOTES, 2)),
                venues[rng.randrange(len(venues))].format(area=area.name),
                round(area.lat + rng.gauss(0, far), 5),
                round(area.lon + rng.gauss(0, far * 1.5), 5),
                enc.time(shape.starts),
                enc.time(shape.ends),
                shape.capacity,
                cancelled if shape.cancelled else scheduled,
                CANCEL_REASONS[rng.randrange(len(CANCEL_REASONS))] if shape.cancelled else None,
                shape.going,
                waiting,
                shape.interested,
                waiting,  # arrival numbers handed out so far: one per person waiting
                created,
                created,
            )
            event_id += 1


def _outsiders(plan: Plan, g: int, rng: random.Random, count: int) -> list[int]:
    inside = set(plan.members_of(g))
    local = plan.city_people[plan.g_city[g]]
    found: dict[int, None] = {}
    while len(found) < count:  # at least half of everyone is outside: this ends quickly
        person = local[rng.randrange(len(local))] if rng.random() < 0.8 else -1
        if person < 0:
            person = rng.randrange(plan.people)
        if person not in inside:
            found[person] = None
    return list(found)


def _participant_rows(world: World) -> Iterator[Row]:
    plan, enc = world.plan, world.encoding
    going, waitlisted, interested = (s.value for s in RsvpStatus)
    event_id = world.ids.event
    for g in range(plan.groups):
        rng = stream(plan.seed, _PEOPLE_STREAM, g)
        members = plan.members_of(g)
        for shape in shapes(plan, g):
            people = rng.sample(members, shape.wanting + shape.interested - shape.outsiders)
            if shape.outsiders:
                people += _outsiders(plan, g, rng, shape.outsiders)
            rng.shuffle(people)  # arrival order
            span = shape.rsvp_until - shape.created
            step = span // (shape.wanting + 1)
            for i in range(shape.wanting):
                at = enc.time(shape.created + (i + 1) * step)
                user_id = world.user_id(people[i])
                if i < shape.going:
                    yield event_id, user_id, going, None, at, at
                else:
                    yield event_id, user_id, waitlisted, i - shape.going + 1, at, at
            for person in people[shape.wanting :]:
                at = enc.time(shape.created + rng.randrange(span))
                yield event_id, world.user_id(person), interested, None, at, at
            event_id += 1


EVENTS = TableRows(
    events,
    (
        "id",
        "group_id",
        "creator_id",
        "title",
        "description",
        "location_name",
        "lat",
        "lon",
        "starts_at",
        "ends_at",
        "capacity",
        "status",
        "cancel_reason",
        "going_count",
        "waitlist_count",
        "interested_count",
        "waitlist_seq",
        "created_at",
        "updated_at",
    ),
    lambda world: world.plan.events,
    _event_rows,
)
PARTICIPANTS = TableRows(
    event_participants,
    ("event_id", "user_id", "status", "waitlist_seq", "created_at", "updated_at"),
    lambda world: world.plan.events * 8,
    _participant_rows,
)

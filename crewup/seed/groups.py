"""Generated groups, their members (owner first, then admins, then everyone else) and,
for private groups, a few pending join requests from people outside them."""

from __future__ import annotations

import random
from collections.abc import Iterator

from crewup.groups.access import MemberRole
from crewup.groups.service import CATEGORIES
from crewup.groups.tables import group_join_requests, group_members, groups
from crewup.seed.phrases import GROUP_NAMES, GROUP_PITCHES
from crewup.seed.places import CITIES
from crewup.seed.plan import DAY, WEEK, managers_for, mix
from crewup.seed.world import Row, TableRows, World

_GROUP_STREAM = 20
_REQUEST_STREAM = 21
_SUFFIXES = ("", "", "", " Club", " Collective", " & Friends", " Crew", " Society")


def _group_rows(world: World) -> Iterator[Row]:
    plan, enc = world.plan, world.encoding
    rng = random.Random(mix(plan.seed, _GROUP_STREAM))
    for g in range(plan.groups):
        city = CITIES[plan.g_city[g]]
        area = city.areas[plan.g_area[g]]
        category = CATEGORIES[plan.g_category[g]]
        names, pitches = GROUP_NAMES[category], GROUP_PITCHES[category]
        name = names[rng.randrange(len(names))].format(area=area.name, city=city.name)
        name += _SUFFIXES[rng.randrange(len(_SUFFIXES))]
        pitch = " ".join(rng.sample(pitches, 2)).format(area=area.name, city=city.name)
        description = f"{pitch} We meet around {area.name}, {city.name}."
        lat = lon = None
        if rng.random() < 0.97:
            lat = round(area.lat + rng.gauss(0, 0.008), 5)
            lon = round(area.lon + rng.gauss(0, 0.012), 5)
        members = plan.members_of(g)
        created = enc.time(plan.g_created[g])
        yield (
            world.group_id(g),
            name,
            description,
            category,
            "private" if plan.g_private[g] else "public",
            plan.g_max[g] or None,
            len(members),
            world.user_id(members[0]),
            lat,
            lon,
            created,
            created,
        )


def _member_rows(world: World) -> Iterator[Row]:
    plan, enc = world.plan, world.encoding
    owner, admin, member = (r.value for r in MemberRole)
    for g in range(plan.groups):
        group_id, members = world.group_id(g), plan.members_of(g)
        managers = managers_for(len(members))
        for j, person in enumerate(members):
            role = owner if j == 0 else admin if j < managers else member
            yield group_id, world.user_id(person), role, enc.time(plan.joined_at(g, j))


def _request_rows(world: World) -> Iterator[Row]:
    plan, enc = world.plan, world.encoding
    for g in range(plan.groups):
        if not plan.g_private[g]:
            continue
        rng = random.Random(mix(plan.seed, _REQUEST_STREAM, g))
        local = plan.city_people[plan.g_city[g]]
        inside = set(plan.members_of(g))
        asking: set[int] = set()
        for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
            person = local[rng.randrange(len(local))] if local else rng.randrange(plan.people)
            if person not in inside and person not in asking:
                asking.add(person)
                moment = plan.anchor - rng.randrange(DAY, 4 * WEEK)
                yield world.group_id(g), world.user_id(person), enc.time(moment)


GROUPS = TableRows(
    groups,
    (
        "id",
        "name",
        "description",
        "category",
        "visibility",
        "max_members",
        "member_count",
        "owner_id",
        "lat",
        "lon",
        "created_at",
        "updated_at",
    ),
    lambda world: world.plan.groups,
    _group_rows,
)
GROUP_MEMBERS = TableRows(
    group_members,
    ("group_id", "user_id", "role", "joined_at"),
    lambda world: world.plan.memberships,
    _member_rows,
)
JOIN_REQUESTS = TableRows(
    group_join_requests,
    ("group_id", "user_id", "created_at"),
    lambda world: world.plan.groups // 8,
    _request_rows,
)

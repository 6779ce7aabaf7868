"""Generated people: local names, a home in their city's areas, interests from the
categories of the groups they belong to, a short bio. All share one password hash."""

from __future__ import annotations

import random
from collections.abc import Iterator
from functools import lru_cache

from crewup.core.identity import Role
from crewup.groups.service import CATEGORIES
from crewup.seed.phrases import BIO_LINES
from crewup.seed.places import CITIES
from crewup.seed.plan import DAY, JOINED_BY, MASK64, WEEK, mix
from crewup.seed.world import Row, TableRows, World
from crewup.users.tables import users

# Generated people's addresses: never deliverable (.example is reserved), and how the
# seeder tells demo people from real ones.
DEMO_DOMAIN = "people.crewup.example"
_NAME_STREAM = 7
_PEOPLE_STREAM = 8


def _name_hash(world: World, person: int) -> int:
    return ((person + world.plan.seed * 0x632BE59BD9B4E019) * 0x9E3779B97F4A7C15) & MASK64


def first_name(world: World, person: int) -> str:
    """The person's first name, the same wherever it is needed (replies name people)."""
    names = world.texts.names[world.plan.city_of[person]]
    return names.first[_name_hash(world, person) % len(names.first)]


@lru_cache(maxsize=1 << 14)
def _categories(mask: int) -> tuple[str, ...]:
    return tuple(name for bit, name in enumerate(CATEGORIES) if mask >> bit & 1)


def _interests(rng: random.Random, mask: int) -> list[str]:
    mine = list(_categories(mask))[:5]
    if not mine or rng.random() < 0.25:  # something they have not found a group for yet
        extra = CATEGORIES[rng.randrange(len(CATEGORIES) - 1)]  # never "other"
        if extra not in mine:
            mine.append(extra)
    return mine


def _rows(world: World) -> Iterator[Row]:
    plan, texts, enc = world.plan, world.texts, world.encoding
    rng = random.Random(mix(plan.seed, _PEOPLE_STREAM))
    role, password = Role.user.value, world.password_hash
    for person in range(plan.people):
        city = CITIES[plan.city_of[person]]
        area = city.areas[plan.area_of[person]]
        names = texts.names[plan.city_of[person]]
        h = _name_hash(world, person)
        f, last = h % len(names.first), (h >> 24) % len(names.last)
        display = (
            names.first[f] + " " + (names.last[last] if h >> 62 else names.last[last][0] + ".")
        )
        email = f"{names.first_slug[f]}.{names.last_slug[last]}.{person}@{DEMO_DOMAIN}"
        interests = _interests(rng, plan.masks[person])
        bio = ""
        if rng.random() < 0.65:
            bio = BIO_LINES[rng.randrange(len(BIO_LINES))].format(
                job=texts.jobs[rng.randrange(len(texts.jobs))],
                interest=interests[0],
                interest2=interests[-1],
                area=area.name,
                city=city.name,
            )
        home_lat = home_lon = None
        if rng.random() < 0.9:
            home_lat = round(area.lat + rng.gauss(0, 0.01), 5)
            home_lon = round(area.lon + rng.gauss(0, 0.015), 5)
        # Signed up before their first group, and before anything they RSVP to (as
        # outsiders too): every event and post of the world is newer than JOINED_BY.
        joined = plan.first_join[person]
        created = (
            joined - rng.randrange(DAY, 8 * WEEK)
            if joined
            else plan.anchor - rng.randrange(JOINED_BY, 150 * WEEK)
        )
        stamp = enc.time(created)
        yield (
            world.user_id(person),
            email,
            password,
            display,
            bio,
            enc.json(interests),
            home_lat,
            home_lon,
            role,
            stamp,
            stamp,
        )


USERS = TableRows(
    users,
    (
        "id",
        "email",
        "password_hash",
        "display_name",
        "bio",
        "interests",
        "home_lat",
        "home_lon",
        "role",
        "created_at",
        "updated_at",
    ),
    lambda world: world.plan.people,
    _rows,
)

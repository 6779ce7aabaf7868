"""The skeleton of a world, decided before any row is written: who lives where, which
groups exist, who belongs to which, and how many events and posts each group gets.

Only what several tables must agree on is kept, in compact arrays (about 15 bytes a
person and 4 a membership), so a million people fit in tens of megabytes. Everything
else (names, texts, times, RSVPs, comments) is drawn while rows stream out, from random
streams seeded per group, so two tables that must agree (events and their
participants) replay the same draws instead of holding them in memory."""

from __future__ import annotations

import random
from array import array
from dataclasses import dataclass, field

from crewup.groups.service import CATEGORIES
from crewup.seed.places import CITIES

DAY = 86_400
WEEK = 7 * DAY
MASK64 = (1 << 64) - 1

# Everyone had joined their groups by then, and every event and post is newer: so nobody
# RSVPs to or writes in a group before joining it.
JOINED_BY = 13 * WEEK
MEMBERSHIPS_PER_PERSON = 2.5
MAX_GROUP = 5_000


def mix(*parts: int) -> int:
    """A well-spread 64-bit number from a few integers: seeds per group and stream."""
    h = 0x9E3779B97F4A7C15
    for part in parts:
        h = ((h ^ (part & MASK64)) * 0xBF58476D1CE4E5B9) & MASK64
        h ^= h >> 31
    return h


def stream(seed: int, kind: int, index: int) -> random.Random:
    """The random stream of one kind of draw for one group (see the module doc)."""
    return random.Random(mix(seed, kind, index))


def managers_for(size: int) -> int:
    """Owner plus admins: bigger groups have more people running them."""
    return 1 if size < 8 else 2 if size < 40 else 3 if size < 400 else 4


def allot(total: int, weights: list[float], rng: random.Random) -> array[int]:
    """Split `total` over groups in proportion to `weights`; returns offsets (len + 1)."""
    starts = array("q", [0])
    if not weights or total <= 0:
        starts.extend([0] * len(weights))
        return starts
    whole = sum(weights)
    shares = [int(total * w / whole) for w in weights]
    for g in rng.sample(range(len(weights)), total - sum(shares)):
        shares[g] += 1
    running = 0
    for share in shares:
        running += share
        starts.append(running)
    return starts


@dataclass
class Plan:
    seed: int
    anchor: int  # epoch seconds, midnight UTC of the run's day: the world's "now"
    people: int
    groups: int
    city_of: bytearray = field(default_factory=bytearray)
    area_of: bytearray = field(default_factory=bytearray)
    city_people: list[array[int]] = field(default_factory=list)  # most active first
    masks: array[int] = field(default_factory=lambda: array("H"))  # categories joined
    first_join: array[int] = field(default_factory=lambda: array("q"))  # 0: none
    g_city: bytearray = field(default_factory=bytearray)
    g_area: bytearray = field(default_factory=bytearray)
    g_category: bytearray = field(default_factory=bytearray)
    g_private: bytearray = field(default_factory=bytearray)
    g_max: array[int] = field(default_factory=lambda: array("i"))  # 0: no limit
    g_created: array[int] = field(default_factory=lambda: array("q"))
    member_start: array[int] = field(default_factory=lambda: array("q", [0]))
    members: array[int] = field(default_factory=lambda: array("i"))  # person indices
    event_start: array[int] = field(default_factory=lambda: array("q", [0]))
    post_start: array[int] = field(default_factory=lambda: array("q", [0]))

    def size(self, g: int) -> int:
        return self.member_start[g + 1] - self.member_start[g]

    def members_of(self, g: int) -> array[int]:
        """Owner first, then the admins, then everyone else, in order of joining."""
        return self.members[self.member_start[g] : self.member_start[g + 1]]

    def joined_at(self, g: int, j: int) -> int:
        created = self.g_created[g]
        if j == 0:
            return created
        return created + mix(self.seed, g, j) % max(1, self.anchor - JOINED_BY - created)

    @property
    def memberships(self) -> int:
        return len(self.members)

    @property
    def events(self) -> int:
        return self.event_start[-1]

    @property
    def posts(self) -> int:
        return self.post_start[-1]


def _place_people(plan: Plan, rng: random.Random) -> None:
    weights = [city.weight for city in CITIES]
    plan.city_of = bytearray(rng.choices(range(len(CITIES)), weights, k=plan.people))
    plan.area_of = bytearray(rng.randrange(len(CITIES[c].areas)) for c in plan.city_of)
    plan.city_people = [array("i") for _ in CITIES]
    for person, city in enumerate(plan.city_of):
        plan.city_people[city].append(person)
    for people in plan.city_people:
        rng.shuffle(people)  # the order is how active someone is: earlier joins more
    plan.masks = array("H", bytes(2 * plan.people))
    plan.first_join = array("q", bytes(8 * plan.people))


def _pick_members(plan: Plan, rng: random.Random, city: int, size: int) -> list[int]:
    """`size` distinct people, most from the group's city, the active ones more often."""
    local = plan.city_people[city]
    chosen: dict[int, None] = {}
    misses = 0
    while len(chosen) < size:
        if local and rng.random() < 0.9 and misses < 4 * size:
            person = local[int(len(local) * rng.random() ** 2)]
        else:  # someone from anywhere (and the way out when the skew keeps repeating)
            person = rng.randrange(plan.people)
        if person in chosen:
            misses += 1
        else:
            chosen[person] = None
    return list(chosen)


def _plan_groups(plan: Plan, rng: random.Random) -> None:
    weights = [city.weight for city in CITIES]
    mean = min(200.0, max(3.0, MEMBERSHIPS_PER_PERSON * plan.people / max(1, plan.groups)))
    alpha = 1.4  # a long tail (Lomax): most groups are small, a few are huge
    scale = (mean - 1) * (alpha - 1)
    for g in range(plan.groups):
        city = rng.choices(range(len(CITIES)), weights)[0]
        cap = min(MAX_GROUP, max(1, len(plan.city_people[city]) // 3), plan.people)
        size = max(1, min(cap, 1 + int(scale * (rng.paretovariate(alpha) - 1))))
        limit = size + rng.randrange(0, size // 2 + 1) if rng.random() < 0.2 else 0
        created = plan.anchor - 16 * WEEK - rng.randrange(0, 150 * WEEK)
        plan.g_city.append(city)
        plan.g_area.append(rng.randrange(len(CITIES[city].areas)))
        plan.g_category.append(rng.randrange(len(CATEGORIES)))
        plan.g_private.append(rng.random() < 0.15)
        plan.g_max.append(limit)
        plan.g_created.append(created)
        people = _pick_members(plan, rng, city, size)
        plan.members.extend(people)
        plan.member_start.append(len(plan.members))
        bit = 1 << plan.g_category[g]
        for j, person in enumerate(people):
            plan.masks[person] |= bit
            joined = plan.joined_at(g, j)
            if plan.first_join[person] == 0 or joined < plan.first_join[person]:
                plan.first_join[person] = joined


def make_plan(seed: int, anchor: int, people: int, groups: int, events: int, posts: int) -> Plan:
    """The skeleton for `people` generated people and `groups` groups (none without
    people), with `events` and `posts` shared out by group size."""
    groups = groups if people else 0
    plan = Plan(seed=seed, anchor=anchor, people=people, groups=groups)
    rng = random.Random(mix(seed, 1))
    _place_people(plan, rng)
    _plan_groups(plan, rng)
    sizes = [plan.size(g) for g in range(groups)]
    # Bigger groups meet and talk more, but not in proportion to their size.
    plan.event_start = allot(events, [s**0.6 for s in sizes], rng)
    plan.post_start = allot(posts, [s**0.7 for s in sizes], rng)
    return plan

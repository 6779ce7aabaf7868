"""Generated posts and comments: written by members only (private or not, as the
product requires), the last twelve weeks, a long tail of comment counts, and comments
that answer each other by name."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from crewup.groups.service import CATEGORIES
from crewup.posts.tables import comments, posts
from crewup.seed.people import first_name
from crewup.seed.phrases import COMMENTS, GROUP_PITCHES, POST_OPENERS, POST_TITLES, REPLIES
from crewup.seed.places import CITIES
from crewup.seed.plan import DAY, WEEK, Plan, managers_for, stream
from crewup.seed.world import Row, TableRows, World

_SHAPE_STREAM = 40
_TEXT_STREAM = 41
_COMMENT_STREAM = 42
MAX_COMMENTS = 60


class Shape(NamedTuple):
    author: int  # index into the group's members
    created: int
    comments: int


def shapes(plan: Plan, g: int) -> list[Shape]:
    """The group's posts, in id order. Pure: the same list on every call."""
    rng = stream(plan.seed, _SHAPE_STREAM, g)
    size = plan.size(g)
    managers = min(size, managers_for(size))
    found = []
    for _ in range(plan.post_start[g + 1] - plan.post_start[g]):
        author = rng.randrange(managers) if rng.random() < 0.4 else rng.randrange(size)
        created = plan.anchor - rng.randrange(2 * DAY, 12 * WEEK)
        count = min(MAX_COMMENTS, int(rng.paretovariate(1.5)) - 1)
        found.append(Shape(author, created, count))
    return found


def _post_rows(world: World) -> Iterator[Row]:
    plan, texts, enc = world.plan, world.texts, world.encoding
    post_id = world.ids.post
    for g in range(plan.groups):
        rng = stream(plan.seed, _TEXT_STREAM, g)
        city = CITIES[plan.g_city[g]]
        area = city.areas[plan.g_area[g]].name
        pitches = GROUP_PITCHES[CATEGORIES[plan.g_category[g]]]
        members = plan.members_of(g)
        for shape in shapes(plan, g):
            opener = POST_OPENERS[rng.randrange(len(POST_OPENERS))].format(area=area)
            middle = [texts.sentences[rng.randrange(len(texts.sentences))]]
            if rng.random() < 0.5:
                middle.append(pitches[rng.randrange(len(pitches))])
            body = " ".join((opener, *middle)).replace("{area}", area).replace("{city}", city.name)
            created = enc.time(shape.created)
            yield (
                post_id,
                world.group_id(g),
                world.user_id(members[shape.author]),
                POST_TITLES[rng.randrange(len(POST_TITLES))],
                body,
                shape.comments,
                created,
                created,
            )
            post_id += 1


def _comment_rows(world: World) -> Iterator[Row]:
    plan, texts, enc = world.plan, world.texts, world.encoding
    post_id = world.ids.post
    for g in range(plan.groups):
        rng = stream(plan.seed, _COMMENT_STREAM, g)
        area = CITIES[plan.g_city[g]].areas[plan.g_area[g]].name
        members = plan.members_of(g)
        for shape in shapes(plan, g):
            moment = shape.created
            step = max(60, (plan.anchor - DAY - shape.created) // (shape.comments + 1))
            voices = [members[shape.author]]  # who spoke so far: replies answer one of them
            for _ in range(shape.comments):
                moment += rng.randrange(60, step + 60)
                person = members[rng.randrange(len(members))]
                roll = rng.random()
                if roll < 0.3:
                    named = voices[rng.randrange(len(voices))]
                    body = f"@{first_name(world, named)} {REPLIES[rng.randrange(len(REPLIES))]}"
                elif roll < 0.8:
                    body = COMMENTS[rng.randrange(len(COMMENTS))].format(area=area)
                else:
                    body = texts.sentences[rng.randrange(len(texts.sentences))]
                voices.append(person)
                yield post_id, world.user_id(person), body, enc.time(moment)
            post_id += 1


POSTS = TableRows(
    posts,
    ("id", "group_id", "author_id", "title", "body", "comment_count", "created_at", "updated_at"),
    lambda world: world.plan.posts,
    _post_rows,
)
COMMENTS_TABLE = TableRows(
    comments,
    # No id: nothing refers to comments, so the database numbers them.
    ("post_id", "author_id", "body", "created_at"),
    lambda world: world.plan.posts * 2,
    _comment_rows,
)

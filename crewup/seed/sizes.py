"""How big a world is: named sizes and the counts that override them."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class WorldSize:
    """Totals, the demo cast and its content included: `users` people, of whom the first
    five are the demo cast; `groups`, `events` and `posts` count the demo's two groups,
    three events and one post too."""

    users: int
    groups: int
    events: int
    posts: int

    def but(self, **counts: int | None) -> WorldSize:
        """This size with the counts given on the command line instead."""
        return replace(self, **{k: v for k, v in counts.items() if v is not None})


SIZES: dict[str, WorldSize] = {
    # Exactly today's demo: five people, two groups, a post, three events.
    "small": WorldSize(users=5, groups=2, events=3, posts=1),
    "town": WorldSize(users=1_000, groups=100, events=1_000, posts=3_000),
    "city": WorldSize(users=100_000, groups=10_000, events=100_000, posts=300_000),
    "country": WorldSize(users=1_000_000, groups=100_000, events=1_000_000, posts=3_000_000),
}

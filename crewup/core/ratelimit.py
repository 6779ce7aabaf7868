"""Rate limits on a moving window, counted in Redis when configured so every process agrees."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from crewup.core.errors import RateLimited
from crewup.core.marks import N_, W_

if TYPE_CHECKING:  # redis-py is imported only where Redis is configured
    from redis.asyncio import ConnectionPool


class RateLimiter:
    def __init__(self, redis_url: str | None, prefix: str, pool: ConnectionPool | None) -> None:
        """With Redis, counts go through `pool`, the process's one pool (crewup.app):
        the library's own would be a second one, failing at once when its 100 connections
        were busy (a burst of sign-ins answered 503 with Redis healthy)."""
        self.storage: Storage
        if redis_url:
            # limits annotates its options as scalars; a pool is what it documents for this.
            shared: dict[str, Any] = {"connection_pool": pool} if pool is not None else {}
            self.storage = RedisStorage(
                f"async+{redis_url}",
                implementation="redispy",
                key_prefix=f"{prefix}ratelimit",
                **shared,
            )
        else:
            self.storage = MemoryStorage()
        self._strategy = MovingWindowRateLimiter(self.storage)
        self._parsed: dict[str, list[RateLimitItem]] = {}

    async def hit(self, rule: str, *key: str, what: str = N_("requests")) -> None:
        """Count one attempt; raise RateLimited (429 with Retry-After) past the rule."""
        items = self._parsed.get(rule)
        if items is None:
            items = self._parsed[rule] = parse_many(rule)
        for item in items:
            if not await self._strategy.hit(item, *key):
                stats = await self._strategy.get_window_stats(item, *key)
                retry_after = int(stats.reset_time - time.time()) + 1
                raise RateLimited(
                    N_(
                        "too many %(what)s; try again in %(seconds)s s",
                        what=W_(what),
                        seconds=retry_after,
                    ),
                    retry_after,
                )


@dataclass(frozen=True)
class PersonalLimit:
    """A budget per person for one kind of action (`scope`), spent by the service that
    does it; `what` names it in the 429's words. Operator tools pass `limiter` None."""

    limiter: RateLimiter | None
    rule: str
    scope: str
    what: str

    async def spend(self, person_id: int) -> None:
        if self.limiter is not None:
            await self.limiter.hit(self.rule, self.scope, str(person_id), what=self.what)


UNLIMITED = PersonalLimit(None, "", "", "")

"""The session store on Redis (when `redis_url` is set); see crewup/web/sessions.py."""

from __future__ import annotations

import json
import secrets
from typing import Any

import aiohttp_session
from aiohttp import web
from aiohttp_session.redis_storage import RedisStorage
from redis.asyncio import Redis


class PrefixedRedisStorage(RedisStorage):
    """aiohttp-session's Redis storage, with keys under the installation's `redis_prefix`
    (it names them `<cookie name>_<id>`), and an emptied session deleted rather than
    stored empty."""

    def __init__(self, redis: Redis, prefix: str, **options: Any) -> None:
        super().__init__(redis, **options)
        self._prefix = f"{prefix}session:"
        self._store = redis

    async def load_session(self, request: web.Request) -> aiohttp_session.Session:
        key = self.load_cookie(request)
        raw = await self._store.get(self._prefix + key) if key else None
        if raw is None:
            return aiohttp_session.Session(None, data=None, new=True, max_age=self.max_age)
        try:
            data = json.loads(raw)
        except ValueError:
            data = None
        return aiohttp_session.Session(key, data=data, new=False, max_age=self.max_age)

    async def save_session(
        self, request: web.Request, response: web.StreamResponse, session: aiohttp_session.Session
    ) -> None:
        key = session.identity
        if session.empty:
            if key is not None:
                await self._store.delete(self._prefix + str(key))
            self.save_cookie(response, "", max_age=session.max_age)
            return
        if key is None:
            key = secrets.token_urlsafe(24)
        self.save_cookie(response, str(key), max_age=session.max_age)
        data = json.dumps(self._get_session_data(session))
        await self._store.set(self._prefix + str(key), data, ex=session.max_age)

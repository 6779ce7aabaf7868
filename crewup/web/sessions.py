"""Browser sessions: the cookie (or Redis) store, sign-in and sign-out, CSRF tokens and
flash messages."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

import aiohttp_session
from aiohttp import web
from aiohttp_session.cookie_storage import EncryptedCookieStorage
from aiohttp_session.redis_storage import RedisStorage
from redis.asyncio import Redis

from crewup.core import clock
from crewup.core.errors import Forbidden
from crewup.core.settings import Settings

SESSION_COOKIE = "crewup_session"
SESSION_MAX_AGE = 14 * 24 * 3600


def setup_sessions(
    app: web.Application, settings: Settings, secret_key: str, redis: Redis | None
) -> None:
    secure = settings.effective_public_url.startswith("https://")
    common: dict[str, Any] = {
        "cookie_name": SESSION_COOKIE,
        "max_age": SESSION_MAX_AGE,
        "httponly": True,
        "secure": secure,
        "samesite": "Lax",
    }
    storage: aiohttp_session.AbstractStorage
    if redis is not None:
        storage = RedisStorage(redis, **common)
    else:
        fernet_key = hashlib.sha256(secret_key.encode()).digest()
        storage = EncryptedCookieStorage(fernet_key, **common)
    aiohttp_session.setup(app, storage)


async def csrf_token(request: web.Request) -> str:
    session = await aiohttp_session.get_session(request)
    token = session.get("csrf")
    if not isinstance(token, str):
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


async def check_csrf(request: web.Request, form: Any) -> None:
    session = await aiohttp_session.get_session(request)
    expected = session.get("csrf")
    given = str(form.get("csrf_token", ""))
    if not isinstance(expected, str) or not hmac.compare_digest(expected, given):
        raise Forbidden(
            "the form has expired or did not come from this site; reload the page and try again"
        )


async def session_user_id(request: web.Request) -> int | None:
    session = await aiohttp_session.get_session(request)
    user_id = session.get("user_id")
    return user_id if isinstance(user_id, int) and not isinstance(user_id, bool) else None


async def sign_in(request: web.Request, user_id: int) -> None:
    session = await aiohttp_session.new_session(request)  # fresh id: no session fixation
    session["user_id"] = user_id
    session["csrf"] = secrets.token_urlsafe(32)
    session["signed_in_at"] = clock.isoformat(clock.now())


async def sign_out(request: web.Request) -> None:
    session = await aiohttp_session.get_session(request)
    session.invalidate()


async def flash(request: web.Request, message: str) -> None:
    session = await aiohttp_session.get_session(request)
    session["flash"] = [*session.get("flash", []), message]


async def take_flashes(request: web.Request) -> list[str]:
    session = await aiohttp_session.get_session(request)
    messages = session.pop("flash", [])
    return [str(m) for m in messages] if isinstance(messages, list) else []

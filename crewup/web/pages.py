"""Browser plumbing: cookie sessions, CSRF tokens, the signed-in user, Jinja setup."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import aiohttp_session
import jinja2
from aiohttp import web
from aiohttp_session.cookie_storage import EncryptedCookieStorage
from aiohttp_session.redis_storage import RedisStorage
from redis.asyncio import Redis

from crewup.core import clock
from crewup.core.errors import Forbidden
from crewup.core.identity import Actor
from crewup.core.settings import Settings
from crewup.users.service import get_account, load_actor
from crewup.web.appkeys import DB, PAGE_ACTOR, SETTINGS
from crewup.web.times import time_element

TEMPLATES_DIR = Path(__file__).resolve().parent.parent.parent / "templates"
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
    if token is None:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


async def check_csrf(request: web.Request, form: Any) -> None:
    session = await aiohttp_session.get_session(request)
    expected = session.get("csrf")
    given = str(form.get("csrf_token", ""))
    if not expected or not hmac.compare_digest(expected, given):
        raise Forbidden(
            "the form has expired or did not come from this site; reload the page and try again"
        )


async def page_actor(request: web.Request) -> Actor | None:
    if PAGE_ACTOR in request:
        return request[PAGE_ACTOR]
    session = await aiohttp_session.get_session(request)
    user_id = session.get("user_id")
    actor = None
    if isinstance(user_id, int):
        async with request.app[DB].reading() as conn:
            actor = await load_actor(conn, user_id)
        if actor is None or actor.banned:
            session.invalidate()
            actor = None
    request[PAGE_ACTOR] = actor
    return actor


async def require_page_actor(request: web.Request) -> Actor:
    actor = await page_actor(request)
    if actor is None:
        raise web.HTTPSeeOther(f"/login?next={request.rel_url.path}")
    return actor


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


async def _template_context(request: web.Request) -> dict[str, Any]:
    actor = await page_actor(request)
    name = None
    if actor is not None:
        async with request.app[DB].reading() as conn:
            name = (await get_account(conn, actor.id)).display_name
    session = await aiohttp_session.get_session(request)
    messages = session.pop("flash", [])
    return {
        "current_user": actor,
        "current_user_name": name,
        "csrf_token": await csrf_token(request),
        "flashes": messages,
        "map_tile_url": request.app[SETTINGS].map_tile_url,
        "map_attribution": request.app[SETTINGS].map_attribution,
    }


async def render_page(
    request: web.Request, template: str, context: dict[str, Any], status: int = 200
) -> web.Response:
    """Render a page with the signed-in user, CSRF token and flash messages added."""
    full = await _template_context(request)
    full.update(context)
    return aiohttp_jinja2.render_template(template, request, full, status=status)


def setup_templates(app: web.Application) -> None:
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        filters={"when": time_element},
    )

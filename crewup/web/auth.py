"""Who is calling: a Bearer JWT on the API, the session cookie on pages.

The token proves identity only; role and ban come from the database on every request
(one primary-key read), so a ban or promotion applies to the very next request.
"""

from __future__ import annotations

from aiohttp import web

from crewup.core.errors import Forbidden, Unauthorized
from crewup.core.identity import Actor
from crewup.users.service import load_actor
from crewup.web.appkeys import API_ACTOR, AUTH, DB


async def _resolve(request: web.Request, user_id: int) -> Actor:
    async with request.app[DB].reading() as conn:
        actor = await load_actor(conn, user_id)
    if actor is None:
        raise Unauthorized("this account no longer exists")
    if actor.banned:
        raise Forbidden("this account is banned")
    return actor


def bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Authorization header must be 'Bearer <access token>'")
    return token.strip()


async def optional_api_actor(request: web.Request) -> Actor | None:
    """The caller if a token was sent; a bad token is still a 401, never silently anonymous."""
    if API_ACTOR in request:
        return request[API_ACTOR]
    token = bearer_token(request)
    actor = None
    if token is not None:
        claims = request.app[AUTH].issuer.verify(token)
        actor = await _resolve(request, claims.user_id)
    request[API_ACTOR] = actor
    return actor


async def api_actor(request: web.Request) -> Actor:
    actor = await optional_api_actor(request)
    if actor is None:
        raise Unauthorized("sign in first: send 'Authorization: Bearer <access token>'")
    return actor

"""Who is on the other end of a new socket: an access token in the query, or the page
session cookie. Browsers send cookies with cross-site WebSocket handshakes too, so a
cookie counts only when `Origin` is this installation's own (cross-site WebSocket
hijacking); a token in the query cannot be sent by another site without stealing it."""

from __future__ import annotations

from urllib.parse import urlsplit

from aiohttp import web

from crewup.core.errors import Unauthorized
from crewup.core.identity import ENDED_SIGN_IN, Actor
from crewup.web.appkeys import ACTOR_LOADER, DB, SESSION_LOADER, SETTINGS, TOKEN_SUBJECT
from crewup.web.sessions import session_token

UNAUTHORIZED = 4401
FORBIDDEN = 4403


class Refused(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


async def authenticate(request: web.Request) -> Actor:
    """The Actor, or Refused with the close code: 4401 without valid credentials, 4403
    for a ban or a foreign Origin."""
    app = request.app
    token = request.query.get("access_token")
    if token:
        try:
            claims = app[TOKEN_SUBJECT](token)
        except Unauthorized as exc:
            raise Refused(UNAUTHORIZED, str(exc) or "invalid access token") from None
        async with app[DB].quick() as conn:
            actor = await app[ACTOR_LOADER](conn, claims.user_id)
        # A ban also ends the sign-ins; it is the reason worth telling (4403, below).
        if (
            actor is not None
            and not actor.banned
            and not actor.accepts_token_issued_at(claims.issued_at_ms)
        ):
            raise Refused(UNAUTHORIZED, ENDED_SIGN_IN)
    else:
        origin = request.headers.get("Origin")
        if origin is not None and _origin_of(origin) != _origin_of(
            app[SETTINGS].effective_public_url
        ):
            raise Refused(FORBIDDEN, "cross-site WebSocket refused")
        sign_in = await session_token(request)
        if sign_in is None:
            raise Refused(UNAUTHORIZED, "sign in first: ?access_token= or the session cookie")
        if origin is None:
            raise Refused(FORBIDDEN, "a cookie-authenticated WebSocket needs an Origin header")
        async with app[DB].quick() as conn:
            actor = await app[SESSION_LOADER](conn, sign_in)
    if actor is None:
        raise Refused(UNAUTHORIZED, "this sign-in has ended")
    if actor.banned:
        raise Refused(FORBIDDEN, "this account is banned")
    return actor

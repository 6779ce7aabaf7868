"""Who is calling, resolved once per request by middleware from what the route declared.

API routes read `Authorization: Bearer <access JWT>`; pages read the session cookie. The
token proves identity only (its signature is checked once per token, see
crewup/auth/tokens.py): role and ban come from the database on every request (one
primary-key read), so a ban or promotion applies to the very next request. Handlers ask
`caller(request)` (their route requires a signed-in caller) or `maybe_caller(request)`.
"""

from __future__ import annotations

from aiohttp import web
from yarl import URL

from crewup.core.errors import Forbidden, Unauthorized
from crewup.core.identity import ENDED_SIGN_IN, Actor, TokenSubject
from crewup.core.marks import N_
from crewup.web.appkeys import (
    ACTOR_LOADER,
    CALLER,
    CALLER_CLAIMS,
    DB,
    SESSION_LOADER,
    SETTINGS,
    TOKEN_SUBJECT,
    VIEWER,
)
from crewup.web.routes import Access, Face, RouteSpec
from crewup.web.sessions import forget_sign_in, session_token


async def _load(request: web.Request, user_id: int) -> Actor | None:
    async with request.app[DB].quick() as conn:
        return await request.app[ACTOR_LOADER](conn, user_id)


def bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Authorization header must be 'Bearer <access token>'")
    return token.strip()


def _checked(actor: Actor | None, claims: TokenSubject) -> Actor:
    if actor is None:
        raise Unauthorized("this account no longer exists")
    if actor.banned:  # a ban also ends the sign-ins; it is the reason worth telling
        raise Forbidden(N_("this account is banned"))
    if not actor.accepts_token_issued_at(claims.issued_at_ms):
        raise Unauthorized(ENDED_SIGN_IN)
    return actor


async def caller_from_token(request: web.Request, token: str) -> Actor:
    """A bad token is a 401 even where signing in is optional: never silently anonymous."""
    claims = request.app[TOKEN_SUBJECT](token)
    return _checked(await _load(request, claims.user_id), claims)


async def caller_from_bearer(request: web.Request) -> Actor | None:
    token = bearer_token(request)
    return None if token is None else await caller_from_token(request, token)


async def caller_from_session(request: web.Request) -> Actor | None:
    """The signed-in person of this browser. A sign-in the server has ended (signed out,
    password reset, ban, deleted account) is forgotten here, on its next request."""
    token = await session_token(request)
    if token is None:
        return None
    async with request.app[DB].quick() as conn:
        actor = await request.app[SESSION_LOADER](conn, token)
    if actor is None or actor.banned:
        await forget_sign_in(request)
        return None
    return actor


def sign_in_url(request: web.Request) -> str:
    """The sign-in page, coming back here afterwards. A form sent after the sign-in ended
    (a POST) cannot be gone back to: the page it was sent from can, when the browser
    says which page that was and it is one of ours; otherwise the home page."""
    back = request.rel_url.path
    if request.method not in ("GET", "HEAD"):
        back = _same_site_page(request) or "/"
    return str(request.app.router["login"].url_for().with_query(next=back))


def _same_site_page(request: web.Request) -> str | None:
    referer = request.headers.get("Referer")
    if not referer:
        return None
    try:
        came_from = URL(referer)
        # Only a whole address of ours (a scheme-relative `//host/...` has no origin).
        if not came_from.is_absolute() or not came_from.scheme:
            return None
        ours = (request.url.origin(), URL(request.app[SETTINGS].effective_public_url).origin())
        if came_from.origin() not in ours:
            return None
    except ValueError:  # a header that is not an address at all
        return None
    path = came_from.path
    # Only a plain path of ours (`//host` would leave the site).
    return path if path.startswith("/") and not path.startswith("//") else None


async def resolve_caller(request: web.Request, spec: RouteSpec) -> None:
    """Who calls a route that is not public, by the route's face: 401 (API) or the sign-in
    page (pages) when it needs someone signed in and nobody is. Run by the edge middleware
    before the handler."""
    if spec.caller_read_by_handler:
        token = bearer_token(request)
        if token is not None:
            request[CALLER_CLAIMS] = request.app[TOKEN_SUBJECT](token)
        elif spec.access is Access.signed_in:
            raise Unauthorized("sign in first: send 'Authorization: Bearer <access token>'")
        else:
            request[CALLER] = None
        return
    if spec.face is Face.api:
        actor = await caller_from_bearer(request)
    else:
        actor = await caller_from_session(request)
    if actor is None and spec.access is Access.signed_in:
        if spec.face is Face.api:
            raise Unauthorized("sign in first: send 'Authorization: Bearer <access token>'")
        raise web.HTTPSeeOther(sign_in_url(request))
    request[CALLER] = actor


def caller(request: web.Request) -> Actor:
    """The signed-in caller of a route declared `Access.signed_in`."""
    actor = request.get(CALLER)
    if actor is None:
        raise RuntimeError(f"{request.path}: caller() on a route not declared signed_in")
    return actor


def caller_id(request: web.Request) -> int:
    """Whom the checked token of a `caller_read_by_handler` route speaks for; the handler
    reads that account and hands it to `accept_caller` before doing anything else."""
    return request[CALLER_CLAIMS].user_id


def maybe_caller_id(request: web.Request) -> int | None:
    """`caller_id` on a route where signing in is optional: None when signed out."""
    claims = request.get(CALLER_CLAIMS)
    return None if claims is None else claims.user_id


def accept_caller(request: web.Request, actor: Actor | None) -> Actor:
    """The caller a `caller_read_by_handler` handler read (None: no live account), checked
    as the edge checks every other caller: 401 once the account is gone or the token
    predates a password change, 403 if banned."""
    checked = request[CALLER] = _checked(actor, request[CALLER_CLAIMS])
    return checked


async def check_caller(request: web.Request) -> None:
    """For a `caller_read_by_handler` handler that answers before its own read: the
    caller checked as the edge checks it (nothing to check when signed out)."""
    claims = request.get(CALLER_CLAIMS)
    if claims is not None and CALLER not in request:
        accept_caller(request, await _load(request, claims.user_id))


def maybe_caller(request: web.Request) -> Actor | None:
    return request.get(CALLER)


async def page_viewer(request: web.Request) -> Actor | None:
    """For the page layout: the caller if resolved, else the session's person (error pages
    render outside a declared route); never fails the page."""
    if CALLER in request:
        return request[CALLER]
    if VIEWER in request:  # looked up already (the page's language needs it too)
        return request[VIEWER]
    try:
        viewer = await caller_from_session(request)
    except Exception:  # an error page must render even when the session store is down
        viewer = None
    request[VIEWER] = viewer
    return viewer

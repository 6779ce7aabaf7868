"""Browser state: the signed-in session, CSRF tokens and flash messages.

- The session (aiohttp-session: an encrypted cookie, or Redis when `redis_url` is set)
  exists only for people who signed in, and holds only a random token that the
  database must still know (see crewup/auth/page_sessions.py): anonymous visitors create
  no server-side state, and ending a sign-in on the server ends every copy of it.
- CSRF: a signed double-submit cookie. A random value in an HttpOnly cookie, and in each
  form an HMAC of it under the secret key; a site that cannot read our cookie cannot
  forge the token. It needs no session, so the sign-in form is protected too.
- Flash messages travel in a short-lived encrypted cookie, for the same reason.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING, Any, Literal

import aiohttp_session
from aiohttp import web
from aiohttp_session.cookie_storage import EncryptedCookieStorage
from cryptography.fernet import Fernet, InvalidToken

from crewup.core.errors import Forbidden
from crewup.core.marks import N_
from crewup.core.settings import Settings

if TYPE_CHECKING:
    from redis.asyncio import Redis

SESSION_COOKIE = "crewup_session"
SESSION_MAX_AGE = 14 * 24 * 3600
CSRF_COOKIE = "crewup_csrf"
FLASH_COOKIE = "crewup_flash"
FLASH_MAX_AGE = 300
# A secret shown once on the page after a form (a new invite link's token), carried
# across the redirect sealed like a flash, so a reload shows nothing and makes nothing.
ONCE_COOKIE = "crewup_once"


FlashKind = Literal["success", "error", "info"]
FLASH_KINDS: tuple[FlashKind, ...] = ("success", "error", "info")


@dataclass(frozen=True)
class Flash:
    """A message shown once on the next page, styled by its kind."""

    text: str
    kind: FlashKind = "info"

    def __str__(self) -> str:
        return self.text


def _flash_of(raw: Any) -> Flash:
    """A sealed entry: [kind, text], or a bare string from before flashes had kinds (a
    cookie still in a browser across an upgrade)."""
    if isinstance(raw, list) and len(raw) == 2 and raw[0] in FLASH_KINDS:
        return Flash(str(raw[1]), raw[0])
    return Flash(str(raw))


class BrowserState:
    """What the cookies are signed and encrypted with, and how they are set."""

    def __init__(self, secret_key: str, secure: bool) -> None:
        self._csrf_key = hashlib.sha256(f"csrf:{secret_key}".encode()).digest()
        fernet_key = hashlib.sha256(f"flash:{secret_key}".encode()).digest()
        self._flash = Fernet(_urlsafe(fernet_key))
        self.cookie_options: dict[str, Any] = {
            "httponly": True,
            "secure": secure,
            "samesite": "Lax",
            "path": "/",
        }

    def csrf_for(self, cookie_value: str) -> str:
        return hmac.new(self._csrf_key, cookie_value.encode(), hashlib.sha256).hexdigest()

    def seal(self, messages: list[Flash]) -> str:
        return self.seal_value([[m.kind, m.text] for m in messages])

    def open(self, sealed: str) -> list[Flash]:
        data = self.unseal(sealed)
        return [_flash_of(m) for m in data] if isinstance(data, list) else []

    def seal_value(self, value: Any) -> str:
        # Without base64 padding: '=' would make the cookie value a quoted string.
        return self._flash.encrypt(json.dumps(value).encode()).decode().rstrip("=")

    def unseal(self, sealed: str) -> Any:
        """What `seal_value` sealed, if it is ours and younger than FLASH_MAX_AGE."""
        padded = sealed.strip('"') + "=" * (-len(sealed.strip('"')) % 4)
        try:
            return json.loads(self._flash.decrypt(padded.encode(), ttl=FLASH_MAX_AGE))
        except (InvalidToken, ValueError):
            return None


def _urlsafe(raw: bytes) -> bytes:
    return base64.urlsafe_b64encode(raw)


BROWSER_STATE = web.AppKey("browser_state", BrowserState)
SESSION_STORAGE = web.AppKey("session_storage", aiohttp_session.AbstractStorage)
_PENDING = web.RequestKey("pending_cookies", dict)  # name -> (value or None to delete)


def setup_sessions(
    app: web.Application, settings: Settings, secret_key: str, redis: Redis | None
) -> None:
    secure = settings.effective_public_url.startswith("https://")
    state = BrowserState(secret_key, secure)
    app[BROWSER_STATE] = state
    common: dict[str, Any] = {
        "cookie_name": SESSION_COOKIE,
        "max_age": SESSION_MAX_AGE,
        "httponly": True,
        "secure": secure,
        "samesite": "Lax",
    }
    storage: aiohttp_session.AbstractStorage
    if redis is not None:
        # Imported only with Redis: redis-py is several MB a process without it does not need.
        from crewup.web.redis_sessions import PrefixedRedisStorage

        storage = PrefixedRedisStorage(redis, settings.redis_prefix, **common)
    else:
        fernet_key = hashlib.sha256(secret_key.encode()).digest()
        storage = EncryptedCookieStorage(fernet_key, **common)
    app[SESSION_STORAGE] = storage
    # Cookies queued by a request are written by the edge's response hook (web/edge.py).


def offer_session(request: web.Request) -> None:
    """Let aiohttp-session find this app's store. What its own middleware does on the way
    in; the edge middleware (crewup/web/edge.py) does it instead, saving a layer. Nothing
    is read until someone asks for the session."""
    request[aiohttp_session.STORAGE_KEY] = request.app[SESSION_STORAGE]


async def keep_session(request: web.Request, response: web.StreamResponse) -> None:
    """Save the session into the answer (a redirect too) if this request changed it: what
    aiohttp-session's middleware does on the way out. A streamed answer (a WebSocket)
    carries no cookie."""
    session = request.get(aiohttp_session.SESSION_KEY)
    if session is None or not session._changed:  # the flag its own middleware reads
        return
    if not isinstance(response, web.Response):  # an HTTPException is one too
        return
    if response.prepared:
        raise RuntimeError("Cannot save session data into prepared response")
    await request.app[SESSION_STORAGE].save_session(request, response, session)


def queue_cookies(request: web.Request) -> None:
    """Give the request its (empty) queue of cookies to write; the edge middleware does,
    first thing. A key the request always has is read without the KeyError a missing one
    raises inside aiohttp's request mapping, on every answer."""
    request[_PENDING] = {}


def _pending(request: web.Request) -> dict[str, str | None]:
    if _PENDING not in request:  # a request the edge did not see (a test's own handler)
        request[_PENDING] = {}
    pending: dict[str, str | None] = request[_PENDING]
    return pending


def write_pending_cookies(request: web.Request, response: web.StreamResponse) -> None:
    """From on_response_prepare, so redirects and error pages carry them too. aiohttp has
    turned its cookies into headers by now, so these are written as headers."""
    try:
        pending = request[_PENDING]
    except KeyError:  # an answer aiohttp made before the edge middleware ran
        return
    if not pending:
        return
    state = request.app[BROWSER_STATE]
    for name, value in pending.items():
        jar: SimpleCookie = SimpleCookie()
        jar[name] = value or ""
        morsel = jar[name]
        for option, setting in state.cookie_options.items():
            morsel[option] = setting
        if value is None:
            morsel["max-age"] = 0
            morsel["expires"] = "Thu, 01 Jan 1970 00:00:00 GMT"
        elif name in (FLASH_COOKIE, ONCE_COOKIE):
            morsel["max-age"] = FLASH_MAX_AGE
        response.headers.add("Set-Cookie", morsel.OutputString())


# -- CSRF --------------------------------------------------------------------------------


def csrf_token(request: web.Request) -> str:
    """The token for this browser's forms (its cookie is set with the response if new)."""
    value = request.cookies.get(CSRF_COOKIE) or _pending(request).get(CSRF_COOKIE)
    if not value:
        value = secrets.token_urlsafe(32)
        _pending(request)[CSRF_COOKIE] = value
    return request.app[BROWSER_STATE].csrf_for(value)


async def check_csrf(request: web.Request, form: Any) -> None:
    value = request.cookies.get(CSRF_COOKIE, "")
    given = str(form.get("csrf_token", ""))
    expected = request.app[BROWSER_STATE].csrf_for(value) if value else ""
    if not expected or not hmac.compare_digest(expected, given):
        raise Forbidden(
            N_("the form has expired or did not come from this site; reload the page and try again")
        )


async def check_csrf_header(request: web.Request) -> None:
    """For a page's script sending JSON: the token travels in X-CSRF-Token."""
    await check_csrf(request, {"csrf_token": request.headers.get("X-CSRF-Token", "")})


# -- the signed-in session -----------------------------------------------------------------


async def session_token(request: web.Request) -> str | None:
    """The sign-in token this browser presents, without creating a session."""
    session = await aiohttp_session.get_session(request)
    token = session.get("sid")
    return token if isinstance(token, str) and token else None


async def remember_sign_in(request: web.Request, token: str) -> None:
    session = await aiohttp_session.new_session(request)  # fresh id: no session fixation
    session["sid"] = token


async def forget_sign_in(request: web.Request) -> None:
    session = await aiohttp_session.get_session(request)
    if not session.new or session.get("sid"):
        session.invalidate()


# -- flash messages ----------------------------------------------------------------------


async def flash(request: web.Request, message: str, kind: FlashKind = "info") -> None:
    """Queue `message` for the next page; kind "error" when it reports a failure."""
    state = request.app[BROWSER_STATE]
    pending = _pending(request)
    if FLASH_COOKIE in pending:  # queued (or taken) in this request already
        queued = pending[FLASH_COOKIE]
        messages = state.open(queued) if queued else []
    else:  # not shown yet: keep what the browser still carries
        carried = request.cookies.get(FLASH_COOKIE)
        messages = state.open(carried) if carried else []
    pending[FLASH_COOKIE] = state.seal([*messages, Flash(message, kind)])


async def take_flashes(request: web.Request) -> list[Flash]:
    sealed = request.cookies.get(FLASH_COOKIE)
    if not sealed:
        return []
    pending = _pending(request)
    if pending.get(FLASH_COOKIE) is None:
        pending[FLASH_COOKIE] = None  # shown once: delete unless a new one is queued
    return request.app[BROWSER_STATE].open(sealed)


# -- shown once after a redirect ------------------------------------------------------------


def keep_once(request: web.Request, value: dict[str, Any]) -> None:
    """Hand `value` to the next page this browser loads (Post/Redirect/Get)."""
    _pending(request)[ONCE_COOKIE] = request.app[BROWSER_STATE].seal_value(value)


def take_once(request: web.Request) -> dict[str, Any] | None:
    """What the last form handed over, once: the cookie goes with this response."""
    sealed = request.cookies.get(ONCE_COOKIE)
    if not sealed:
        return None
    _pending(request)[ONCE_COOKIE] = None
    value = request.app[BROWSER_STATE].unseal(sealed)
    return value if isinstance(value, dict) else None

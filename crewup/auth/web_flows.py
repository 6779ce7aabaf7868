"""The units of work the API and the pages share for auth.

Handlers own the unit of work; these are the handler steps both faces run, each opening
its own short transaction around the database part and doing the slow part (argon2) with
no connection held.
"""

from __future__ import annotations

from aiohttp import web

from crewup.auth import page_sessions, service
from crewup.auth.appkeys import AUTH
from crewup.auth.service import IssuedTokens
from crewup.core.marks import N_
from crewup.users import service as users
from crewup.users.service import Account
from crewup.web.appkeys import DB
from crewup.web.requests import client_address
from crewup.web.sessions import forget_sign_in, remember_sign_in, session_token


async def enroll(request: web.Request, email: str, password: str, display_name: str) -> Account:
    """A new account (the pages then sign in with a cookie session)."""
    kit = request.app[AUTH]
    await service.limit_registrations(kit, client_address(request))
    password_hash = await kit.hasher.hash(password)
    async with request.app[DB].transaction() as conn:
        return await service.create_account(
            conn, email=email, password_hash=password_hash, display_name=display_name
        )


async def register(
    request: web.Request, email: str, password: str, display_name: str
) -> IssuedTokens:
    kit = request.app[AUTH]
    await service.limit_registrations(kit, client_address(request))
    password_hash = await kit.hasher.hash(password)
    async with request.app[DB].transaction() as conn:
        account = await service.create_account(
            conn, email=email, password_hash=password_hash, display_name=display_name
        )
        return await service.issue_tokens(conn, kit, account)


async def authenticate(request: web.Request, email: str, password: str) -> Account:
    kit = request.app[AUTH]
    await service.limit_logins(kit, client_address(request), email)
    async with request.app[DB].reading() as conn:
        account = await service.find_login(conn, email)
    return await service.check_password(kit, account, password)


async def login(request: web.Request, email: str, password: str) -> IssuedTokens:
    account = await authenticate(request, email, password)
    async with request.app[DB].transaction() as conn:
        return await service.issue_tokens(conn, request.app[AUTH], account)


async def rotate(request: web.Request, refresh_token: str) -> IssuedTokens:
    async with request.app[DB].transaction() as conn:
        rotation = await service.rotate(conn, request.app[AUTH], refresh_token)
    return rotation.unwrap()  # after the commit: a revoked family stays revoked


async def logout(request: web.Request, refresh_token: str) -> None:
    async with request.app[DB].transaction() as conn:
        await service.logout(conn, refresh_token)


async def request_password_reset(request: web.Request, email: str) -> None:
    """Looks the same to the caller whether or not the account exists."""
    kit = request.app[AUTH]
    if not await service.limit_password_resets(kit, client_address(request), email):
        return
    async with request.app[DB].transaction() as conn:
        await service.start_password_reset(conn, kit, email)


async def confirm_password_reset(request: web.Request, token: str, new_password: str) -> None:
    password_hash = await request.app[AUTH].hasher.hash(new_password)
    async with request.app[DB].transaction() as conn:
        await service.confirm_password_reset(conn, token, password_hash)


async def sign_in_browser(request: web.Request, user_id: int) -> None:
    """A browser sign-in the server can end: registered, then remembered in the session."""
    async with request.app[DB].transaction() as conn:
        token = await page_sessions.open_page_session(conn, user_id)
    await remember_sign_in(request, token)


async def sign_out_browser(request: web.Request) -> None:
    """Ends this sign-in on the server too, so a copied cookie stops working."""
    token = await session_token(request)
    if token is not None:
        async with request.app[DB].transaction() as conn:
            await page_sessions.close_page_session(conn, token)
    await forget_sign_in(request)


async def verify_email(request: web.Request, token: str) -> bool:
    async with request.app[DB].transaction() as conn:
        return await service.verify_email(conn, request.app[AUTH].signer, token)


async def resend_verification(request: web.Request, user_id: int) -> None:
    kit = request.app[AUTH]
    await kit.limiter.hit(
        kit.settings.rate_limit_password_reset,
        "verify-mail",
        str(user_id),
        what=N_("confirmation e-mails"),
    )
    async with request.app[DB].transaction() as conn:
        await service.request_verification(conn, user_id)


async def check_current_password(request: web.Request, user_id: int, password: str) -> Account:
    async with request.app[DB].reading() as conn:
        account = await users.get_account(conn, user_id)
    await service.check_current_password(request.app[AUTH], account, password)
    return account


async def change_password(request: web.Request, user_id: int, current: str, new: str) -> None:
    """Checks the current password, stores the new one, ends every login of the person."""
    await check_current_password(request, user_id, current)
    password_hash = await request.app[AUTH].hasher.hash(new)
    async with request.app[DB].transaction() as conn:
        await service.change_password(conn, user_id, password_hash)

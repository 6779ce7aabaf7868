"""REST face of auth: parse, call the service, serialise."""

from aiohttp import web

from crewup.auth import web_flows
from crewup.auth.appkeys import KEYRING
from crewup.auth.schemas import (
    AcceptedOut,
    LoginIn,
    PasswordChangeIn,
    PasswordResetConfirmIn,
    PasswordResetIn,
    RefreshIn,
    RegisterIn,
    TokenPairOut,
    VerifyEmailIn,
)
from crewup.web.caller import caller
from crewup.web.requests import json_response, parse_body
from crewup.web.routes import Access, ApiRoutes

api = ApiRoutes("auth")


@api.post(
    "/api/v1/auth/register",
    "Create an account and sign in",
    body=RegisterIn,
    response=TokenPairOut,
    status=201,
    access=Access.public,
    errors=(409, 429),
)
async def register(request: web.Request) -> web.Response:
    body = await parse_body(request, RegisterIn)
    issued = await web_flows.register(request, body.email, body.password, body.display_name)
    return json_response(TokenPairOut.of(issued), status=201)


@api.post(
    "/api/v1/auth/login",
    "Sign in with email and password",
    body=LoginIn,
    response=TokenPairOut,
    access=Access.public,
    errors=(401, 403, 429),
)
async def login(request: web.Request) -> web.Response:
    body = await parse_body(request, LoginIn)
    issued = await web_flows.login(request, body.email, body.password)
    return json_response(TokenPairOut.of(issued))


@api.post(
    "/api/v1/auth/refresh",
    "Trade a refresh token for a new pair (rotation)",
    body=RefreshIn,
    response=TokenPairOut,
    access=Access.public,
    errors=(401, 403),
)
async def refresh(request: web.Request) -> web.Response:
    body = await parse_body(request, RefreshIn)
    issued = await web_flows.rotate(request, body.refresh_token)
    return json_response(TokenPairOut.of(issued))


@api.post(
    "/api/v1/auth/logout",
    "Sign out the login this refresh token belongs to",
    body=RefreshIn,
    status=204,
    access=Access.public,
)
async def logout(request: web.Request) -> web.Response:
    body = await parse_body(request, RefreshIn)
    await web_flows.logout(request, body.refresh_token)
    return web.Response(status=204)


@api.post(
    "/api/v1/auth/password-reset",
    "Email a password reset link (always 202)",
    body=PasswordResetIn,
    response=AcceptedOut,
    status=202,
    access=Access.public,
    errors=(429,),
)
async def password_reset(request: web.Request) -> web.Response:
    body = await parse_body(request, PasswordResetIn)
    await web_flows.request_password_reset(request, body.email)
    return json_response(
        AcceptedOut(detail="if that address has an account, a reset link is on its way"), status=202
    )


@api.post(
    "/api/v1/auth/password-reset/confirm",
    "Set a new password with a reset token",
    body=PasswordResetConfirmIn,
    status=204,
    access=Access.public,
)
async def password_reset_confirm(request: web.Request) -> web.Response:
    body = await parse_body(request, PasswordResetConfirmIn)
    await web_flows.confirm_password_reset(request, body.token, body.new_password)
    return web.Response(status=204)


# Not an /api route, so not in the OpenAPI document: a plain, public route.
well_known = web.RouteTableDef()


@well_known.get("/.well-known/jwks.json")
async def jwks(request: web.Request) -> web.Response:
    return web.json_response(
        request.app[KEYRING].jwks(), headers={"Cache-Control": "public, max-age=300"}
    )


@api.post(
    "/api/v1/auth/verify-email",
    "Confirm an e-mail address with the token from the mailed link",
    body=VerifyEmailIn,
    status=204,
    access=Access.public,
    errors=(400,),
)
async def verify_email(request: web.Request) -> web.Response:
    body = await parse_body(request, VerifyEmailIn)
    await web_flows.verify_email(request, body.token)
    return web.Response(status=204)


@api.post(
    "/api/v1/users/me/verification-email",
    "Send the address confirmation link again",
    response=AcceptedOut,
    status=202,
    errors=(429,),
)
async def resend_verification(request: web.Request) -> web.Response:
    await web_flows.resend_verification(request, caller(request).id)
    return json_response(
        AcceptedOut(detail="if the address is not confirmed yet, a link is on its way"), status=202
    )


@api.post(
    "/api/v1/users/me/password",
    "Change my password: the current one is required, and every login ends "
    "(refresh tokens, browser sessions, open sockets); sign in again with the new one",
    body=PasswordChangeIn,
    status=204,
    errors=(403, 422, 429),
)
async def change_password(request: web.Request) -> web.Response:
    body = await parse_body(request, PasswordChangeIn)
    await web_flows.change_password(
        request, caller(request).id, body.current_password, body.new_password
    )
    return web.Response(status=204)

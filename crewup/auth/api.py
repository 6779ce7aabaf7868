"""REST face of auth: parse, call the service, serialise."""

from aiohttp import web

from crewup.auth import service
from crewup.auth.schemas import (
    AcceptedOut,
    LoginIn,
    PasswordResetConfirmIn,
    PasswordResetIn,
    RefreshIn,
    RegisterIn,
    TokenPairOut,
)
from crewup.web.appkeys import AUTH
from crewup.web.openapi import ApiRoutes
from crewup.web.requests import client_address, json_response, parse_body

api = ApiRoutes("auth")


@api.post(
    "/api/v1/auth/register",
    "Create an account and sign in",
    body=RegisterIn,
    response=TokenPairOut,
    status=201,
    auth=False,
    errors=(409, 429),
)
async def register(request: web.Request) -> web.Response:
    body = await parse_body(request, RegisterIn)
    issued = await service.register(
        request.app[AUTH],
        email=body.email,
        password=body.password,
        display_name=body.display_name,
        client=client_address(request),
    )
    return json_response(TokenPairOut.of(issued), status=201)


@api.post(
    "/api/v1/auth/login",
    "Sign in with email and password",
    body=LoginIn,
    response=TokenPairOut,
    auth=False,
    errors=(401, 403, 429),
)
async def login(request: web.Request) -> web.Response:
    body = await parse_body(request, LoginIn)
    issued = await service.login(
        request.app[AUTH], email=body.email, password=body.password, client=client_address(request)
    )
    return json_response(TokenPairOut.of(issued))


@api.post(
    "/api/v1/auth/refresh",
    "Trade a refresh token for a new pair (rotation)",
    body=RefreshIn,
    response=TokenPairOut,
    auth=False,
    errors=(401, 403),
)
async def refresh(request: web.Request) -> web.Response:
    body = await parse_body(request, RefreshIn)
    issued = await service.rotate(request.app[AUTH], body.refresh_token)
    return json_response(TokenPairOut.of(issued))


@api.post(
    "/api/v1/auth/logout",
    "Sign out the login this refresh token belongs to",
    body=RefreshIn,
    status=204,
    auth=False,
)
async def logout(request: web.Request) -> web.Response:
    body = await parse_body(request, RefreshIn)
    await service.logout(request.app[AUTH], body.refresh_token)
    return web.Response(status=204)


@api.post(
    "/api/v1/auth/password-reset",
    "Email a password reset link (always 202)",
    body=PasswordResetIn,
    response=AcceptedOut,
    status=202,
    auth=False,
    errors=(429,),
)
async def password_reset(request: web.Request) -> web.Response:
    body = await parse_body(request, PasswordResetIn)
    await service.request_password_reset(
        request.app[AUTH], email=body.email, client=client_address(request)
    )
    return json_response(
        AcceptedOut(detail="if that address has an account, a reset link is on its way"), status=202
    )


@api.post(
    "/api/v1/auth/password-reset/confirm",
    "Set a new password with a reset token",
    body=PasswordResetConfirmIn,
    status=204,
    auth=False,
)
async def password_reset_confirm(request: web.Request) -> web.Response:
    body = await parse_body(request, PasswordResetConfirmIn)
    await service.confirm_password_reset(
        request.app[AUTH], token=body.token, new_password=body.new_password
    )
    return web.Response(status=204)

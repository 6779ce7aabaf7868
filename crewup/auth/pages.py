"""Browser face of auth: sign in, register, sign out, reset a password."""

from aiohttp import web

from crewup.auth import service
from crewup.auth.schemas import LoginIn, PasswordResetConfirmIn, PasswordResetIn, RegisterIn
from crewup.core.errors import DomainError
from crewup.web.appkeys import AUTH
from crewup.web.forms import parse_form, safe_next
from crewup.web.pages import check_csrf, flash, render_page, sign_in, sign_out
from crewup.web.requests import client_address

routes = web.RouteTableDef()


async def _form_page(
    request: web.Request, template: str, status: int = 200, **context: object
) -> web.Response:
    context.setdefault("values", {})
    context.setdefault("errors", {})
    return await render_page(request, template, context, status)


@routes.get("/login")
async def login_form(request: web.Request) -> web.Response:
    return await _form_page(request, "auth/login.html", next=safe_next(request.query.get("next")))


@routes.post("/login")
async def login_submit(request: web.Request) -> web.Response:
    form = await parse_form(request, LoginIn)
    target = safe_next(request.query.get("next"))
    if form.data is not None:
        try:
            account = await service.authenticate(
                request.app[AUTH],
                email=form.data.email,
                password=form.data.password,
                client=client_address(request),
            )
        except DomainError as exc:
            form.fail(exc)
            return await _form_page(
                request,
                "auth/login.html",
                exc.status,
                next=target,
                values={"email": form.values.get("email", "")},
                errors=form.errors,
            )
        await sign_in(request, account.id)
        raise web.HTTPSeeOther(target)
    return await _form_page(
        request,
        "auth/login.html",
        422,
        next=target,
        values={"email": form.values.get("email", "")},
        errors=form.errors,
    )


@routes.get("/register")
async def register_form(request: web.Request) -> web.Response:
    return await _form_page(request, "auth/register.html")


@routes.post("/register")
async def register_submit(request: web.Request) -> web.Response:
    form = await parse_form(request, RegisterIn)
    values = {k: v for k, v in form.values.items() if k != "password"}
    if form.data is not None:
        try:
            account = await service.enroll(
                request.app[AUTH],
                email=form.data.email,
                password=form.data.password,
                display_name=form.data.display_name,
                client=client_address(request),
            )
        except DomainError as exc:
            form.fail(exc)
            return await _form_page(
                request, "auth/register.html", exc.status, values=values, errors=form.errors
            )
        await sign_in(request, account.id)
        await flash(request, f"Welcome to CrewUp, {account.display_name}!")
        raise web.HTTPSeeOther("/profile")
    return await _form_page(request, "auth/register.html", 422, values=values, errors=form.errors)


@routes.post("/logout")
async def logout(request: web.Request) -> web.Response:
    await check_csrf(request, await request.post())
    await sign_out(request)
    raise web.HTTPSeeOther("/")


@routes.get("/password-reset")
async def reset_form(request: web.Request) -> web.Response:
    return await _form_page(request, "auth/reset_request.html", sent=False)


@routes.post("/password-reset")
async def reset_submit(request: web.Request) -> web.Response:
    form = await parse_form(request, PasswordResetIn)
    if form.data is None:
        return await _form_page(
            request,
            "auth/reset_request.html",
            422,
            sent=False,
            values=form.values,
            errors=form.errors,
        )
    try:
        await service.request_password_reset(
            request.app[AUTH], email=form.data.email, client=client_address(request)
        )
    except DomainError as exc:
        form.fail(exc)
        return await _form_page(
            request,
            "auth/reset_request.html",
            exc.status,
            sent=False,
            values=form.values,
            errors=form.errors,
        )
    return await _form_page(request, "auth/reset_request.html", 202, sent=True)


@routes.get("/password-reset/confirm")
async def reset_confirm_form(request: web.Request) -> web.Response:
    return await _form_page(
        request, "auth/reset_confirm.html", values={"token": request.query.get("token", "")}
    )


@routes.post("/password-reset/confirm")
async def reset_confirm_submit(request: web.Request) -> web.Response:
    form = await parse_form(request, PasswordResetConfirmIn)
    values = {"token": form.values.get("token", "")}
    if form.data is not None:
        try:
            await service.confirm_password_reset(
                request.app[AUTH], token=form.data.token, new_password=form.data.new_password
            )
        except DomainError as exc:
            form.fail(exc)
            return await _form_page(
                request, "auth/reset_confirm.html", exc.status, values=values, errors=form.errors
            )
        await flash(request, "Your password is changed. Sign in with the new one.")
        raise web.HTTPSeeOther("/login")
    return await _form_page(
        request, "auth/reset_confirm.html", 422, values=values, errors=form.errors
    )

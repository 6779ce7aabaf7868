"""Browser face of auth: sign in, register, sign out, reset a password, confirm an address."""

from aiohttp import web

from crewup.auth import web_flows
from crewup.auth.schemas import LoginIn, PasswordResetConfirmIn, PasswordResetIn, RegisterIn
from crewup.core.errors import Refusal, Unauthorized
from crewup.web.caller import caller
from crewup.web.form_body import read_form
from crewup.web.forms import parse_form, safe_next
from crewup.web.i18n import gettext as _
from crewup.web.i18n import spoken
from crewup.web.pages import redirect, render_page
from crewup.web.routes import Access, PageRoutes
from crewup.web.sessions import check_csrf, flash

routes = PageRoutes()


async def _form_page(
    request: web.Request, template: str, status: int = 200, **context: object
) -> web.Response:
    context.setdefault("values", {})
    context.setdefault("errors", {})
    return await render_page(request, template, context, status)


@routes.get("/login", name="login")
async def login_form(request: web.Request) -> web.Response:
    return await _form_page(request, "auth/login.html", next=safe_next(request.query.get("next")))


@routes.post("/login", name="login_submit", access=Access.optional)
async def login_submit(request: web.Request) -> web.Response:
    form = await parse_form(request, LoginIn)
    target = safe_next(request.query.get("next"))
    if form.data is not None:
        try:
            account = await web_flows.authenticate(request, form.data.email, form.data.password)
        except (Refusal, Unauthorized) as exc:
            form.fail(exc)
            return await _form_page(
                request,
                "auth/login.html",
                exc.status,
                next=target,
                values={"email": form.values.get("email", "")},
                errors=form.errors,
            )
        await web_flows.sign_in_browser(request, account.id)
        raise web.HTTPSeeOther(target)
    return await _form_page(
        request,
        "auth/login.html",
        422,
        next=target,
        values={"email": form.values.get("email", "")},
        errors=form.errors,
    )


@routes.get("/register", name="register")
async def register_form(request: web.Request) -> web.Response:
    return await _form_page(
        request, "auth/register.html", next=safe_next(request.query.get("next"), "")
    )


@routes.post("/register", name="register_submit", access=Access.optional)
async def register_submit(request: web.Request) -> web.Response:
    form = await parse_form(request, RegisterIn)
    values = {k: v for k, v in form.values.items() if k != "password"}
    # Where to go once the account exists (an invite link): same-site paths only.
    target = safe_next(request.query.get("next"), "")
    if form.data is not None:
        try:
            account = await web_flows.enroll(
                request, form.data.email, form.data.password, form.data.display_name
            )
        except Refusal as exc:
            form.fail(exc)
            return await _form_page(
                request,
                "auth/register.html",
                exc.status,
                next=target,
                values=values,
                errors=form.errors,
            )
        await web_flows.sign_in_browser(request, account.id)
        await flash(
            request, _("Welcome to CrewUp, %(name)s!") % {"name": account.display_name}, "success"
        )
        if target:
            raise web.HTTPSeeOther(target)
        redirect(request, "my_profile")
    return await _form_page(
        request, "auth/register.html", 422, next=target, values=values, errors=form.errors
    )


@routes.post("/logout", name="logout", access=Access.optional)
async def logout(request: web.Request) -> web.Response:
    await check_csrf(request, await read_form(request))
    await web_flows.sign_out_browser(request)
    redirect(request, "home")


@routes.get("/password-reset", name="password_reset")
async def reset_form(request: web.Request) -> web.Response:
    return await _form_page(request, "auth/reset_request.html", sent=False)


@routes.post("/password-reset", name="password_reset_submit", access=Access.optional)
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
        await web_flows.request_password_reset(request, form.data.email)
    except Refusal as exc:
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


@routes.get("/password-reset/confirm", name="password_reset_confirm")
async def reset_confirm_form(request: web.Request) -> web.Response:
    return await _form_page(
        request, "auth/reset_confirm.html", values={"token": request.query.get("token", "")}
    )


@routes.post(
    "/password-reset/confirm", name="password_reset_confirm_submit", access=Access.optional
)
async def reset_confirm_submit(request: web.Request) -> web.Response:
    form = await parse_form(request, PasswordResetConfirmIn)
    values = {"token": form.values.get("token", "")}
    if form.data is not None:
        try:
            await web_flows.confirm_password_reset(request, form.data.token, form.data.new_password)
        except Refusal as exc:
            form.fail(exc)
            return await _form_page(
                request, "auth/reset_confirm.html", exc.status, values=values, errors=form.errors
            )
        await flash(request, _("Your password is changed. Sign in with the new one."), "success")
        redirect(request, "login")
    return await _form_page(
        request, "auth/reset_confirm.html", 422, values=values, errors=form.errors
    )


@routes.get("/verify-email", name="verify_email")
async def verify_email(request: web.Request) -> web.Response:
    """Opening the mailed link is the confirmation: it only proves the mail arrived, so a
    link scanner fetching it first does no harm."""
    try:
        confirmed = await web_flows.verify_email(request, request.query.get("token", ""))
    except Refusal as exc:
        return await render_page(
            request,
            "auth/verified.html",
            {"confirmed": False, "reason": spoken(exc.detail)},
            exc.status,
        )
    reason = None if confirmed else "this address is no longer the one on the account"
    return await render_page(
        request,
        "auth/verified.html",
        {"confirmed": confirmed, "reason": reason},
        200 if confirmed else 400,
    )


@routes.post("/verify-email/resend", name="resend_verification")
async def resend_verification(request: web.Request) -> web.Response:
    await check_csrf(request, await read_form(request))
    try:
        await web_flows.resend_verification(request, caller(request).id)
    except Refusal as exc:
        await flash(request, spoken(exc.detail), "error")
    else:
        await flash(request, _("A new confirmation link is on its way to your inbox."), "success")
    redirect(request, "my_profile")

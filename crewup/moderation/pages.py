"""Browser face of the moderation queue: the open reports, and a form to decide each.
The same service calls as the API; refusals become messages on the queue."""

from __future__ import annotations

from aiohttp import web

from crewup.core.errors import Invalid, Refusal
from crewup.core.marks import N_
from crewup.moderation import reports
from crewup.moderation.audit import Doer, Face
from crewup.moderation.reports import Action
from crewup.web.appkeys import DB
from crewup.web.caller import caller
from crewup.web.form_body import read_form
from crewup.web.i18n import gettext as _
from crewup.web.i18n import spoken
from crewup.web.pages import redirect, render_page
from crewup.web.requests import path_id
from crewup.web.routes import Access, PageRoutes
from crewup.web.sessions import check_csrf, flash

routes = PageRoutes()
MAX_NOTE_CHARS = 2000


@routes.get("/moderation", name="moderation_queue", access=Access.signed_in)
async def queue(request: web.Request) -> web.Response:
    cursor = request.query.get("cursor")
    async with request.app[DB].reading() as conn:
        page = await reports.list_reports(
            conn, Doer(caller(request), Face.page), limit=50, cursor=cursor
        )
    more = request.rel_url.update_query(cursor=page.next_cursor) if page.next_cursor else None
    return await render_page(
        request,
        "moderation/queue.html",
        {"reports": page.items, "more": more, "actions": [a.value for a in Action]},
    )


@routes.post(r"/moderation/reports/{report_id:\d+}/resolve", name="moderation_resolve")
async def resolve(request: web.Request) -> web.Response:
    form = await read_form(request)
    await check_csrf(request, form)
    report_id = path_id(request, "report_id")
    try:
        action = Action(str(form.get("action", "")))
    except ValueError:
        raise Invalid(N_("choose what to do with the report")) from None
    note = str(form.get("note", "")).strip()[:MAX_NOTE_CHARS] or None
    try:
        async with request.app[DB].transaction() as conn:
            await reports.resolve(conn, Doer(caller(request), Face.page), report_id, action, note)
    except Refusal as exc:
        if exc.status == 403:
            raise  # not a moderator: the error page, not a message on a queue they cannot see
        await flash(request, spoken(exc.detail), "error")
    else:
        await flash(
            request,
            _("Report %(id)s resolved: %(action)s.") % {"id": report_id, "action": _(action.value)},
            "success",
        )
    redirect(request, "moderation_queue")

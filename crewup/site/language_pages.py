"""The footer's language switch: a visitor's choice lives in a cookie; a signed-in
person's becomes their setting too (which otherwise would win over the cookie)."""

from __future__ import annotations

from aiohttp import web

from crewup.users import service as users
from crewup.web.appkeys import DB
from crewup.web.caller import maybe_caller
from crewup.web.form_body import read_form
from crewup.web.forms import safe_next
from crewup.web.i18n import SUPPORTED
from crewup.web.page_locale import remember_language
from crewup.web.routes import Access, PageRoutes
from crewup.web.sessions import check_csrf

routes = PageRoutes()


@routes.post("/language", name="choose_language", access=Access.optional)
async def choose_language(request: web.Request) -> web.Response:
    form = await read_form(request)
    await check_csrf(request, form)
    lang = str(form.get("locale", ""))
    if lang not in SUPPORTED:
        raise web.HTTPUnprocessableEntity(text="choose one of the languages offered")
    actor = maybe_caller(request)
    if actor is not None:
        async with request.app[DB].transaction() as conn:
            await users.update_profile(conn, actor.id, {"locale": lang})
    response = web.HTTPSeeOther(safe_next(str(form.get("next", "")) or None))
    remember_language(request, response, lang)
    raise response

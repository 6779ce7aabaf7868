"""Which language a page request reads: the person's setting, else the language a visitor
picked in the footer (a cookie), else the browser's `Accept-Language`, else English.

The edge middleware (crewup/web/edge.py) chooses once, after the caller is known, so
handlers' flash messages and the page itself speak the same language; `render_page`
chooses too, for pages rendered outside a page route (error pages). The API never
chooses: it stays English.
"""

from __future__ import annotations

from aiohttp import web

from crewup.web import i18n
from crewup.web.appkeys import PAGE_LOCALE
from crewup.web.caller import page_viewer
from crewup.web.sessions import BROWSER_STATE

LANGUAGE_COOKIE = "crewup_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


def _choose(request: web.Request, setting: str | None) -> str:
    return i18n.negotiate(
        setting,
        request.cookies.get(LANGUAGE_COOKIE),
        accept_language=request.headers.get("Accept-Language", ""),
    )


async def use_page_locale(request: web.Request) -> str:
    """Choose (once per request) and activate the language of this page."""
    lang = request.get(PAGE_LOCALE)
    if lang is None:
        viewer = await page_viewer(request)
        lang = _choose(request, viewer.locale if viewer is not None else None)
        request[PAGE_LOCALE] = lang
    i18n.activate(lang)
    return lang


def setting_changed(request: web.Request, setting: str | None) -> None:
    """The person just chose (or cleared) their language: say the rest of this request,
    and its flash message, in the new one."""
    request[PAGE_LOCALE] = _choose(request, setting)
    i18n.activate(request[PAGE_LOCALE])


def remember_language(request: web.Request, response: web.StreamResponse, lang: str) -> None:
    """The visitor's choice, in a cookie with the same flags as the others (Secure on https)."""
    options = request.app[BROWSER_STATE].cookie_options
    response.set_cookie(LANGUAGE_COOKIE, lang, max_age=COOKIE_MAX_AGE, **options)

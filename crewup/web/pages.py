"""Rendering pages: the layout's context (who is signed in, CSRF token, flash messages),
Jinja setup, and redirects by route name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import aiohttp_jinja2
import jinja2
from aiohttp import web

from crewup.core.identity import Actor
from crewup.core.images import file_name
from crewup.web import i18n
from crewup.web.appkeys import DB, LAYOUT_PARTS, SETTINGS, UNREAD_COUNTER
from crewup.web.caller import page_viewer
from crewup.web.media import MEDIA_PREFIX
from crewup.web.page_locale import use_page_locale
from crewup.web.sessions import csrf_token, take_flashes
from crewup.web.times import day_heading, decimal, month_year, time_element
from crewup.web.words import word

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"


async def _layout_context(request: web.Request) -> dict[str, Any]:
    viewer = await page_viewer(request)
    settings = request.app[SETTINGS]
    lang = await use_page_locale(request)
    context: dict[str, Any] = {
        "html_lang": lang,
        "languages": i18n.SUPPORTED,
        # Where the footer's language switch comes back to: the path only, so the page
        # never echoes a query (a crafted ?next=) into its footer; after a POST, the start.
        "page_path": request.path if request.method == "GET" else "/",
        "current_user": viewer,
        "current_user_name": viewer.display_name if viewer else None,
        "current_user_verified": bool(viewer and viewer.verified),
        "unread_count": await _unread(request, viewer.id) if viewer else 0,
        "csrf_token": csrf_token(request),
        "current_path": request.path,
        "flashes": await take_flashes(request),
        "map_tile_url": settings.map_tile_url,
        "map_attribution": settings.map_attribution,
    }
    if viewer is not None:
        context.update(await _parts(request, viewer))
    return context


async def _unread(request: web.Request, user_id: int) -> int:
    counter = request.app.get(UNREAD_COUNTER)
    if counter is None:
        return 0
    try:
        async with request.app[DB].reading() as conn:
            return await counter(conn, user_id)
    except Exception:  # the badge must never break a page (an error page during an outage)
        return 0


async def _parts(request: web.Request, viewer: Actor) -> dict[str, Any]:
    parts = request.app.get(LAYOUT_PARTS) or []
    found: dict[str, Any] = {}
    if not parts:
        return found
    try:
        async with request.app[DB].reading() as conn:
            for part in parts:
                found.update(await part(conn, viewer))
    except Exception:  # like the badge: extras never break a page (an outage's error page)
        return {}
    return found


async def render_page(
    request: web.Request, template: str, context: dict[str, Any], status: int = 200
) -> web.Response:
    """Render a page with the signed-in user, CSRF token and flash messages added."""
    full = await _layout_context(request)
    full.update(context)
    return aiohttp_jinja2.render_template(template, request, full, status=status)


def url_for(request: web.Request, name: str, **parts: int | str) -> str:
    """The path of a named route, e.g. url_for(request, "group_page", group_id=7)."""
    return str(request.app.router[name].url_for(**{k: str(v) for k, v in parts.items()}))


def redirect(request: web.Request, name: str, **parts: int | str) -> NoReturn:
    """After a form: 303 to a named page (so a reload does not post again)."""
    raise web.HTTPSeeOther(url_for(request, name, **parts))


def media_url(key: str, width: int) -> str:
    """`{{ group.cover | media(640) }}`: where one stored size of an image is served."""
    return MEDIA_PREFIX + file_name(key, width)


def setup_templates(app: web.Application) -> None:
    filters: dict[str, Callable[..., str]] = {
        "when": time_element,
        "media": media_url,
        "decimal": decimal,
        "month_year": month_year,
        "word": word,
        "day_heading": day_heading,
        "spoken": i18n.spoken,
    }
    env = aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        filters=filters,
        extensions=["jinja2.ext.i18n"],
    )
    # Templates mark their words with _() / ngettext() / {% trans %}; the callables read
    # the running request's catalogue (crewup.web.i18n), so one environment serves every
    # language at once. Counts go through ngettext: "%(num)s member" / "%(num)s members",
    # the count written the language's way ("1 234 membres", i18n.counted).
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.counted, newstyle=True
    )

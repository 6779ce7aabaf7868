"""The language of an API answer's human text (a notification's `text`, a recommendation's
`reason`): the caller's `Accept-Language`, else English. Machine-facing fields stay
English; only the handlers that return such text choose."""

from __future__ import annotations

from aiohttp import web

from crewup.web import i18n


def use_accept_language(request: web.Request) -> str:
    """Choose and activate the language this answer's human text is written in."""
    lang = i18n.negotiate(accept_language=request.headers.get("Accept-Language", ""))
    i18n.activate(lang)
    return lang


def varies(response: web.Response) -> web.Response:
    """A shared cache must not hand one caller's language to another."""
    response.headers.add("Vary", "Accept-Language")
    return response

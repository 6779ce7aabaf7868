"""The one middleware every request passes, and the one response hook that marks every
answer. In order, on the way in:

1. its id (for logs and the X-Request-ID header) and its start time (for the metrics);
2. where aiohttp-session finds the session store (nothing is read until asked);
3. for a route that is not public, its caller (crewup/web/caller.py), and for a page, its
   language (crewup/web/page_locale.py);

and on the way out: a session this request changed is saved into the answer (redirects
included), any error becomes a problem+json answer or an error page (503 for an outage,
crewup/web/problems.py), and the metrics record the final status.

One layer instead of five: on the cheapest routes (/healthz, a bearer API read) each
layer was a visible share of the request's CPU. Routes that declare nothing (/healthz and
the other ops endpoints, static files, unknown paths) skip step 3 and never save a
session; only an error page reads it (to show who is signed in). Costs per /healthz
answer are measured in
bench/README.md ("/healthz beside bare aiohttp").
"""

from __future__ import annotations

import time

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware
from aiohttp.web_urldispatcher import AbstractRoute
from multidict import CIMultiDict, istr

from crewup.core.settings import Settings
from crewup.web.caller import resolve_caller
from crewup.web.metrics import HTTP_METRICS, HttpMetrics, route_label
from crewup.web.observability import (
    REQUEST_ID_HEADER,
    assign_request_id,
    current_request_id,
    request_id_for,
)
from crewup.web.page_locale import use_page_locale
from crewup.web.problems import problem_answer
from crewup.web.routes import Access, Face, RouteSpec, route_spec
from crewup.web.security_headers import security_headers
from crewup.web.sessions import (
    keep_session,
    offer_session,
    queue_cookies,
    write_pending_cookies,
)

_REQUEST_ID_HEADER = istr(REQUEST_ID_HEADER)  # its case-folded form computed once


async def _handle_declared(
    request: web.Request, handler: Handler, spec: RouteSpec
) -> web.StreamResponse:
    is_page = False
    try:
        if spec.access is not Access.public:
            await resolve_caller(request, spec)
            if spec.face is Face.page:
                is_page = True
                await use_page_locale(request)
        response = await handler(request)
    except web.HTTPException as exc:  # a redirect keeps the session it changed
        await keep_session(request, exc)
        raise
    if is_page and not response.prepared:  # a shared cache must not give one language to all
        response.headers.add("Vary", "Accept-Language")
    await keep_session(request, response)
    return response


class _Routes:
    """What the edge needs of each route, worked out on its first request: what it
    declared and its metrics label (five property reads through aiohttp's match info on
    every request otherwise). The 404/405 answers' routes are made anew for each request,
    so they are not kept."""

    def __init__(self) -> None:
        self._known: dict[AbstractRoute, tuple[RouteSpec | None, str]] = {}

    def of(self, route: AbstractRoute) -> tuple[RouteSpec | None, str]:
        known = self._known.get(route)
        if known is None:
            known = (route_spec(route.handler), route_label(route))
            if route.resource is not None:
                self._known[route] = known
        return known


def edge_middleware(metrics: HttpMetrics) -> Middleware:
    routes = _Routes()

    @web.middleware
    async def edge(request: web.Request, handler: Handler) -> web.StreamResponse:
        token = current_request_id.set(assign_request_id(request))
        started = time.perf_counter()
        queue_cookies(request)
        # Every request, undeclared ones too: an error page (404, 405) shows who is
        # signed in and speaks their language. One dict store; nothing is read here.
        offer_session(request)
        spec, label = routes.of(request.match_info.route)
        status = 500
        try:
            try:
                if spec is None:
                    response = await handler(request)
                else:
                    response = await _handle_declared(request, handler, spec)
            except Exception as exc:  # answered here; a redirect is raised again, for aiohttp
                response = await problem_answer(request, exc)
            status = response.status
            return response
        except web.HTTPException as exc:
            status = exc.status
            raise
        finally:
            metrics.record(request.method, label, status, time.perf_counter() - started)
            current_request_id.reset(token)

    return edge


def setup_edge(app: web.Application, settings: Settings) -> None:
    """The middleware (the only one); the hook marks every response, errors and redirects
    included, and writes the cookies the request queued (web/sessions.py). A handler's own
    security header (a page's CSP) is kept."""
    app.middlewares.append(edge_middleware(app[HTTP_METRICS]))
    # One C call adds the headers a handler did not set (`merge` keeps existing names);
    # seven `setdefault` calls from Python cost about 9k instructions more per answer.
    headers = CIMultiDict((istr(name), value) for name, value in security_headers(settings).items())

    async def mark(request: web.Request, response: web.StreamResponse) -> None:
        marked = response.headers
        marked[_REQUEST_ID_HEADER] = request_id_for(request)
        marked.merge(headers)
        write_pending_cookies(request, response)

    app.on_response_prepare.append(mark)

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
layer was a visible share of the request's CPU, and routes that declare no caller
(/healthz, /metrics, media, static files) do nothing past step 2.
"""

from __future__ import annotations

import time

from aiohttp import web
from aiohttp.typedefs import Handler

from crewup.core.settings import Settings
from crewup.web.caller import resolve_caller
from crewup.web.metrics import HTTP_METRICS, route_label
from crewup.web.observability import REQUEST_ID_HEADER, current_request_id, request_id_for
from crewup.web.page_locale import use_page_locale
from crewup.web.problems import problem_answer
from crewup.web.routes import Access, Face, route_spec
from crewup.web.security_headers import security_headers
from crewup.web.sessions import keep_session, offer_session, write_pending_cookies


async def _handle(request: web.Request, handler: Handler) -> web.StreamResponse:
    offer_session(request)
    spec = route_spec(request.match_info.handler)
    is_page = False
    try:
        if spec is not None and spec.access is not Access.public:
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


@web.middleware
async def edge_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    token = current_request_id.set(request_id_for(request))
    started = time.perf_counter()
    status = 500
    try:
        try:
            response = await _handle(request, handler)
        except Exception as exc:  # answered here; a redirect is raised again, for aiohttp
            response = await problem_answer(request, exc)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        elapsed = time.perf_counter() - started
        request.app[HTTP_METRICS].record(request.method, route_label(request), status, elapsed)
        current_request_id.reset(token)


def setup_edge(app: web.Application, settings: Settings) -> None:
    """The middleware (the only one); the hook marks every response, errors and redirects
    included, and writes the cookies the request queued (web/sessions.py). A handler's own
    security header (a page's CSP) is kept."""
    app.middlewares.append(edge_middleware)
    headers = security_headers(settings)

    async def mark(request: web.Request, response: web.StreamResponse) -> None:
        marked = response.headers
        marked[REQUEST_ID_HEADER] = request_id_for(request)
        for name, value in headers.items():
            marked.setdefault(name, value)
        write_pending_cookies(request, response)

    app.on_response_prepare.append(mark)

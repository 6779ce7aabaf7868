"""What every request passes on its way in and out, as one middleware and one response
hook rather than one layer each: its id (for logs and the X-Request-ID header), its
timing for the metrics, and the security headers on the answer. On the cheapest routes
(/healthz) each extra layer was a visible share of the request's CPU.
"""

from __future__ import annotations

import time

from aiohttp import web
from aiohttp.typedefs import Handler

from crewup.core.settings import Settings
from crewup.web.metrics import HTTP_METRICS, route_label
from crewup.web.observability import REQUEST_ID_HEADER, current_request_id, request_id_for
from crewup.web.security_headers import security_headers


@web.middleware
async def edge_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    token = current_request_id.set(request_id_for(request))
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
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
    """The middleware goes first (outermost); the hook marks every response, errors and
    redirects included. A handler's own security header (a page's CSP) is kept."""
    app.middlewares.insert(0, edge_middleware)
    headers = security_headers(settings)

    async def mark(request: web.Request, response: web.StreamResponse) -> None:
        marked = response.headers
        marked[REQUEST_ID_HEADER] = request_id_for(request)
        for name, value in headers.items():
            marked.setdefault(name, value)

    app.on_response_prepare.append(mark)

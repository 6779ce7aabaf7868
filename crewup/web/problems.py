"""RFC 9457 problem+json for every client error; HTML error pages for the browser face."""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web
from pydantic import ValidationError

from crewup.core.errors import DomainError, FieldError, RateLimited, invalid_from
from crewup.core.marks import N_
from crewup.core.outages import RETRY_AFTER_SECONDS, outage_of
from crewup.web.pages import render_page

log = logging.getLogger("crewup.core.errors")

PROBLEM_TYPE = "application/problem+json"


def problem_response(
    status: int,
    title: str,
    detail: str,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> web.Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = [{"field": e.field, "message": e.message} for e in errors]
    return web.Response(
        status=status, text=json.dumps(body), content_type=PROBLEM_TYPE, headers=headers
    )


def _wants_html(request: web.Request) -> bool:
    if request.path.startswith(
        ("/api/", "/ws", "/.well-known/", "/metrics", "/healthz", "/readyz")
    ):
        return False
    return "text/html" in request.headers.get("Accept", "text/html")


async def _render(
    request: web.Request,
    status: int,
    title: str,
    detail: str,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> web.Response:
    # Every status, 500 and 503 included, gets the page in the layout; the layout stays up
    # without a database (crewup.web.pages), and should it fail, problem+json still answers.
    if _wants_html(request):
        try:
            response = await render_page(
                request,
                "errors/error.html",
                {"status": status, "title": title, "detail": detail},
                status,
            )
        except Exception:
            log.exception("error page failed to render")
        else:
            if headers:
                response.headers.update(headers)
            return response
    return problem_response(status, title, detail, errors, headers)


async def problem_answer(request: web.Request, exc: Exception) -> web.Response:
    """The answer to a request whose handling raised `exc`: a problem (or an error page)
    for every client error, 503 for an outage, 500 for anything else. A redirect or any
    other HTTPException under 400 is no error: it is raised again, for aiohttp to send."""
    if isinstance(exc, DomainError):
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
        return await _render(request, exc.status, exc.title, exc.detail, exc.errors, headers)
    if isinstance(exc, ValidationError):
        invalid = invalid_from(exc)
        return await _render(request, invalid.status, invalid.title, invalid.detail, invalid.errors)
    if isinstance(exc, web.HTTPException):
        if exc.status < 400:
            raise exc
        detail = _http_detail(exc)
        headers = {k: v for k, v in exc.headers.items() if k in ("Allow", "Retry-After")}
        return await _render(request, exc.status, exc.reason, detail, None, headers)
    outage = outage_of(exc)
    if outage is not None:
        log.warning(
            "dependency unavailable",
            extra={"path": request.path, "reason": f"{type(exc).__name__}: {exc}"[:300]},
        )
        return await _render(
            request,
            503,
            "Service unavailable",
            N_("%(outage)s; please try again in a few seconds", outage=outage),
            None,
            {"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    log.exception("unhandled error", extra={"path": request.path}, exc_info=exc)
    return await _render(
        request,
        500,
        "Internal server error",
        N_("something went wrong on our side; it has been logged"),
    )


def _http_detail(exc: web.HTTPException) -> str:
    if exc.status == 404:
        return N_("no such resource")
    if exc.status == 405:
        return N_(
            "method not allowed; use %(allowed)s",
            allowed=exc.headers.get("Allow", "another method"),
        )
    if exc.status == 413:
        return N_("request body is too large")
    text = exc.text or ""
    return text if text and not text.startswith(f"{exc.status}:") else exc.reason

"""Routes that declare who may call them, in the one place that also feeds the OpenAPI
document and the caller middleware.

`ApiRoutes` (JSON under /api, Bearer tokens) and `PageRoutes` (HTML, the session cookie)
record a `RouteSpec` on each handler: its face and its `Access`. The caller middleware
reads it to resolve the caller once per request, answering 401 (API) or sending the
browser to the sign-in page (pages) when a signed-in caller is required; the OpenAPI
builder reads it to describe security. A handler cannot say one thing to the document and
do another.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler
from pydantic import BaseModel


class Access(enum.Enum):
    public = "public"  # nobody is resolved: ops endpoints, sign-in forms, token-based feeds
    optional = "optional"  # the caller if credentials come; bad credentials are still 401
    signed_in = "signed_in"  # a caller is required


class Face(enum.Enum):
    api = "api"  # Authorization: Bearer <access JWT>
    page = "page"  # the session cookie
    socket = "socket"  # ?access_token= or the session cookie


@dataclass(frozen=True)
class RouteSpec:
    face: Face
    access: Access
    # API routes only: the edge checks the token but leaves reading the caller's
    # account to the handler, whose own read of that row also checks it
    # (`caller.accept_caller`): one read instead of two (GET /users/me, one event).
    caller_read_by_handler: bool = False


@dataclass(frozen=True)
class Operation:
    """How an API route describes itself in the OpenAPI document."""

    summary: str
    tag: str
    access: Access = Access.signed_in
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    errors: Sequence[int] = field(default_factory=tuple)
    content_type: str = "application/json"
    upload: bool = False  # the body is an image (multipart field `image`, or raw)


SPEC_ATTRIBUTE = "__crewup_route__"
OPERATION_ATTRIBUTE = "__openapi__"


def route_spec(handler: object) -> RouteSpec | None:
    """What the matched handler declared; None for static files and unmatched paths."""
    return getattr(handler, SPEC_ATTRIBUTE, None)


def operation_of(handler: object) -> Operation | None:
    return getattr(handler, OPERATION_ATTRIBUTE, None)


def _declare(handler: Handler, spec: RouteSpec) -> None:
    setattr(handler, SPEC_ATTRIBUTE, spec)


class ApiRoutes:
    """A RouteTableDef for /api routes: each declares its access and its OpenAPI shape."""

    def __init__(self, tag: str) -> None:
        self.table = web.RouteTableDef()
        self.tag = tag

    def route(
        self,
        method: str,
        path: str,
        summary: str,
        *,
        access: Access = Access.signed_in,
        caller_read_by_handler: bool = False,
        **described: Any,
    ) -> Callable[[Handler], Handler]:
        if caller_read_by_handler and access is Access.public:
            raise ValueError("a public route has no caller to read")

        def register(handler: Handler) -> Handler:
            _declare(handler, RouteSpec(Face.api, access, caller_read_by_handler))
            operation = Operation(summary=summary, tag=self.tag, access=access, **described)
            setattr(handler, OPERATION_ATTRIBUTE, operation)
            self.table.route(method, path)(handler)
            return handler

        return register

    def get(self, path: str, summary: str, **described: Any) -> Callable[[Handler], Handler]:
        return self.route("GET", path, summary, **described)

    def post(self, path: str, summary: str, **described: Any) -> Callable[[Handler], Handler]:
        return self.route("POST", path, summary, **described)

    def put(self, path: str, summary: str, **described: Any) -> Callable[[Handler], Handler]:
        return self.route("PUT", path, summary, **described)

    def patch(self, path: str, summary: str, **described: Any) -> Callable[[Handler], Handler]:
        return self.route("PATCH", path, summary, **described)

    def delete(self, path: str, summary: str, **described: Any) -> Callable[[Handler], Handler]:
        return self.route("DELETE", path, summary, **described)


class PageRoutes:
    """A RouteTableDef for HTML pages: every route is named (for `url_for` redirects) and
    declares its access; pages default to `optional` so the header knows who is there."""

    def __init__(self) -> None:
        self.table = web.RouteTableDef()

    def route(
        self, method: str, path: str, name: str, access: Access = Access.optional
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            _declare(handler, RouteSpec(Face.page, access))
            self.table.route(method, path, name=name)(handler)
            return handler

        return register

    def get(
        self, path: str, name: str, access: Access = Access.optional
    ) -> Callable[[Handler], Handler]:
        return self.route("GET", path, name, access)

    def post(
        self, path: str, name: str, access: Access = Access.signed_in
    ) -> Callable[[Handler], Handler]:
        """Forms change things, so they need a signed-in person unless they say otherwise."""
        return self.route("POST", path, name, access)


def socket_route(handler: Handler) -> Handler:
    """The WebSocket endpoint authenticates in its own handshake (close codes, not 401)."""
    _declare(handler, RouteSpec(Face.socket, Access.public))
    return handler

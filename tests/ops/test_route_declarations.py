"""Every route says who may call it, in the declaration the caller middleware enforces and
the OpenAPI document describes; nothing is mounted without one by accident."""

from __future__ import annotations

import re
from pathlib import Path

from crewup.app import create_app
from crewup.core.settings import Settings
from crewup.web.routes import Access, Face, operation_of, route_spec

# Served without any caller on purpose: liveness, readiness, metrics (own token check),
# the API description, public keys, static files.
PLAIN_ROUTES = {
    "/healthz",
    "/readyz",
    "/metrics",
    "/api/openapi.json",
    "/api/docs",
    "/.well-known/jwks.json",
}


def _app(tmp_path: Path):
    return create_app(Settings(data_dir=tmp_path, secret_key="s" * 40))


def test_every_route_declares_its_access(tmp_path: Path) -> None:
    undeclared = []
    for route in _app(tmp_path).router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("formatter") or info.get("path") or info.get("prefix", "")
        if path.startswith("/static") or route.method == "HEAD":
            continue
        spec = route_spec(route.handler)
        if spec is None and path not in PLAIN_ROUTES:
            undeclared.append(f"{route.method} {path}")
        if path.startswith("/api/v1"):
            assert spec is not None and spec.face is Face.api, path
            assert operation_of(route.handler) is not None, path
        elif spec is not None:
            assert spec.face is not Face.api, f"{path}: API declaration outside /api/v1"
    assert undeclared == []


def test_openapi_security_follows_the_declaration(tmp_path: Path) -> None:
    from crewup.web.openapi import build_openapi

    app = _app(tmp_path)
    spec = build_openapi(app, "http://test")
    for route in app.router.routes():
        operation = operation_of(route.handler)
        if operation is None:
            continue
        path = route.resource.canonical if route.resource else ""
        documented = spec["paths"][re.sub(r"\{(\w+)(:[^}]+)?\}", r"{\1}", path)][
            route.method.lower()
        ]
        expected = {
            Access.signed_in: [{"bearer": []}],
            Access.optional: [{}, {"bearer": []}],
            Access.public: None,
        }[operation.access]
        assert documented.get("security") == expected, path

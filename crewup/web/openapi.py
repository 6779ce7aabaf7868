"""The OpenAPI 3.1 document, built from the router.

Each API handler is registered through `ApiRoutes` (crewup.web.routes), which records its
access and its pydantic models on the handler. `build_openapi(app)` walks `app.router`,
so the document always lists exactly the routes that are mounted, with schemas generated
by pydantic and security taken from the same declaration the caller middleware enforces.
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

import crewup
from crewup.web.routes import Access, Operation, operation_of

ERROR_TITLES = {
    400: "Malformed request",
    401: "Not signed in or bad token",
    403: "Not allowed",
    404: "Not found or not visible to you",
    409: "Conflict with the current state",
    413: "Body too large",
    415: "Not an accepted image",
    422: "Validation failed",
    429: "Rate limited",
}

# Image uploads: judged by their content (JPEG, PNG, WebP or GIF), whatever they are named.
_IMAGE = {"type": "string", "format": "binary"}
UPLOAD_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {"type": "object", "properties": {"image": _IMAGE}, "required": ["image"]}
        },
        "image/*": {"schema": _IMAGE},
    },
}


class ProblemField(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[ProblemField] | None = None


_PARAM = re.compile(r"\{(\w+)(?::([^}]+))?\}")


def _path_and_params(path: str) -> tuple[str, list[dict[str, Any]]]:
    params = []
    for name, pattern in _PARAM.findall(path):
        schema = {"type": "integer"} if pattern == r"\d+" else {"type": "string"}
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    return _PARAM.sub(lambda m: "{" + m.group(1) + "}", path), params


def _operations(app: web.Application) -> list[tuple[str, str, Operation]]:
    found = []
    for route in app.router.routes():
        op = operation_of(route.handler)
        info = route.resource.get_info() if route.resource else {}
        path = info.get("formatter") or info.get("path")
        if op is not None and path:
            found.append((route.method.lower(), path, op))
    return found


def build_openapi(app: web.Application, server_url: str) -> dict[str, Any]:
    operations = _operations(app)
    models: list[tuple[type[BaseModel], Any]] = [(Problem, "serialization")]
    for _, _, op in operations:
        if op.body is not None:
            models.append((op.body, "validation"))
        if op.query is not None:
            models.append((op.query, "validation"))
        if op.response is not None:
            models.append((op.response, "serialization"))
    keys, top = models_json_schema(
        list(dict.fromkeys(models)), ref_template="#/components/schemas/{model}"
    )
    problem_ref = keys[(Problem, "serialization")]
    paths: dict[str, dict[str, Any]] = {}
    for method, raw_path, op in operations:
        path, params = _path_and_params(raw_path)
        entry: dict[str, Any] = {
            "summary": op.summary,
            "tags": [op.tag],
            "operationId": f"{method}_{path}",
        }
        if op.query is not None:
            props = op.query.model_json_schema(mode="validation").get("properties", {})
            required = set(op.query.model_json_schema(mode="validation").get("required", []))
            for name, schema in props.items():
                params.append(
                    {"name": name, "in": "query", "required": name in required, "schema": schema}
                )
        if params:
            entry["parameters"] = params
        if op.body is not None:
            entry["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": keys[(op.body, "validation")]}},
            }
        if op.upload:
            entry["requestBody"] = UPLOAD_BODY
        success: dict[str, Any] = {"description": "Success"}
        if op.response is not None:
            success["content"] = {op.content_type: {"schema": keys[(op.response, "serialization")]}}
        responses: dict[str, Any] = {str(op.status): success}
        codes = set(op.errors) | ({401} if op.access is not Access.public else set())
        if op.body is not None or op.query is not None:
            codes |= {400, 422}
        if op.upload:
            codes |= {400, 413, 415, 422}
        for code in sorted(codes):
            responses[str(code)] = {
                "description": ERROR_TITLES.get(code, "Error"),
                "content": {"application/problem+json": {"schema": problem_ref}},
            }
        entry["responses"] = responses
        if op.access is Access.signed_in:
            entry["security"] = [{"bearer": []}]
        elif op.access is Access.optional:
            entry["security"] = [{}, {"bearer": []}]  # anonymous, or signed in for more
        paths.setdefault(path, {})[method] = entry
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "CrewUp API",
            "version": crewup.__version__,
            "description": "Groups, events, chat and safety for real communities.",
        },
        "servers": [{"url": server_url}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": top.get("$defs", {}),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }

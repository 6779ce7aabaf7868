"""Parsing at the edge: JSON bodies and query strings into pydantic models."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from crewup.errors import BadRequest, NotFound
from crewup.web.problems import invalid_from

M = TypeVar("M", bound=BaseModel)


async def parse_body(request: web.Request, model: type[M]) -> M:
    raw = await request.read()  # raises 413 past client_max_size
    if not raw.strip():
        data: Any = {}
    else:
        try:
            data = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BadRequest(f"request body is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise BadRequest("request body must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise invalid_from(exc) from None


def parse_query(request: web.Request, model: type[M]) -> M:
    try:
        return model.model_validate(dict(request.query))
    except ValidationError as exc:
        raise invalid_from(exc) from None


def path_id(request: web.Request, name: str) -> int:
    """Routes declare ids as `{name:\\d+}`; a number no row can have is simply not found."""
    value = int(request.match_info[name])
    if not 0 < value < 2**31:
        raise NotFound(f"no {name.removesuffix('_id')} with id {value}")
    return value


def json_response(model: BaseModel | dict[str, Any], status: int = 200) -> web.Response:
    text = model.model_dump_json() if isinstance(model, BaseModel) else json.dumps(model)
    return web.Response(text=text, status=status, content_type="application/json")


def client_address(request: web.Request) -> str:
    return request.remote or "unknown"

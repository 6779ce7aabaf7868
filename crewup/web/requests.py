"""Parsing at the edge: JSON bodies and query strings into pydantic models."""

from __future__ import annotations

import json
from ipaddress import IPv4Network, IPv6Network, ip_address
from typing import Any, TypeVar

import orjson
from aiohttp import web
from pydantic import BaseModel, ValidationError

from crewup.core.errors import BadRequest, NotFound, invalid_from
from crewup.web.appkeys import SETTINGS

M = TypeVar("M", bound=BaseModel)


MAX_JSON_DEPTH = 16


def _depth(data: Any) -> int:
    """How deeply arrays and objects nest, counted without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, depth)
            if depth <= MAX_JSON_DEPTH:
                stack.extend((item, depth + 1) for item in value)
    return deepest


async def parse_body(request: web.Request, model: type[M]) -> M:
    raw = await request.read()  # raises 413 past client_max_size
    if not raw.strip():
        data: Any = {}
    else:
        try:
            data = json.loads(raw)
        except RecursionError:
            raise BadRequest("request body nests too deeply") from None
        except ValueError as exc:  # not JSON, not UTF-8, or an integer of thousands of digits
            raise BadRequest(f"request body is not valid JSON: {str(exc)[:200]}") from None
    if not isinstance(data, dict):
        raise BadRequest("request body must be a JSON object")
    if _depth(data) > MAX_JSON_DEPTH:
        raise BadRequest(f"request body nests deeper than {MAX_JSON_DEPTH} levels")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise invalid_from(exc) from None


def parse_query(request: web.Request, model: type[M]) -> M:
    try:
        return model.model_validate(dict(request.query))
    except ValidationError as exc:
        raise invalid_from(exc, whole="query") from None


def row_id(raw: str | None) -> int | None:
    """The id a text names, if some row could have it (1 to 2**31 - 1), else None. The
    length is checked before converting: Python refuses to convert more than 4,300
    digits (ValueError), and `\\d` and `isdigit` also match non-ASCII digits."""
    if not raw or len(raw) > 10 or not raw.isascii() or not raw.isdigit():
        return None
    value = int(raw)
    return value if 0 < value < 2**31 else None


def path_id(request: web.Request, name: str) -> int:
    """Routes declare ids as `{name:\\d+}`; a number no row can have is simply not found."""
    raw = request.match_info[name]
    value = row_id(raw)
    if value is None:
        shown = raw if len(raw) <= 20 else f"{raw[:20]}..."
        raise NotFound(f"no {name.removesuffix('_id')} with id {shown}")
    return value


# Instants as the API promises them (ISO-8601 UTC with a Z, to the second, as
# clock.isoformat writes them): every stored instant is read back aware in UTC (UtcDateTime).
_ORJSON_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_OMIT_MICROSECONDS


def json_bytes(data: Any) -> bytes:
    """Plain data (dicts, lists, str, numbers, UTC datetimes) as compact UTF-8 JSON."""
    return orjson.dumps(data, option=_ORJSON_OPTIONS)


def json_response(model: BaseModel | dict[str, Any], status: int = 200) -> web.Response:
    """A JSON answer. Hot read paths pass plain dicts (no model built per request);
    the dict must have the shape of the route's declared response model."""
    body = model.model_dump_json().encode() if isinstance(model, BaseModel) else json_bytes(model)
    return web.Response(body=body, status=status, content_type="application/json", charset="utf-8")


def client_address(request: web.Request) -> str:
    """The address of the person, not of our reverse proxy (rate limits key on it).

    X-Forwarded-For is believed only when the peer itself is a configured trusted
    proxy; then the rightmost address that is not a trusted proxy is the client.
    """
    peer = request.remote or "unknown"
    trusted = request.app[SETTINGS].trusted_proxies
    if not trusted or not _within(peer, trusted):
        return peer
    forwarded = [
        hop.strip()
        for value in request.headers.getall("X-Forwarded-For", [])
        for hop in value.split(",")
        if hop.strip()
    ]
    for hop in reversed(forwarded):
        if not _within(hop, trusted):
            return hop
    return forwarded[0] if forwarded else peer


def _within(address: str, networks: tuple[IPv4Network | IPv6Network, ...]) -> bool:
    try:
        ip = ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)

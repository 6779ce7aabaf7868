"""Request ids, JSON logs and the access log."""

from __future__ import annotations

import contextvars
import itertools
import json
import logging
import re
import secrets
import sys
from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from crewup.core import clock
from crewup.web.appkeys import REQUEST_ID

REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# Unique without a system call per request: a random prefix per process and a counter.
_ID_PREFIX = secrets.token_hex(8)
_ID_SEQUENCE = itertools.count(1)
current_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)


def assign_request_id(request: web.BaseRequest) -> str:
    """Give the request its id (the edge middleware does, first thing): the client's
    X-Request-ID if it is safe to put in logs and headers, else a new one."""
    given = request.headers.get(REQUEST_ID_HEADER)
    rid = given if given and _SAFE_ID.match(given) else f"{_ID_PREFIX}{next(_ID_SEQUENCE):x}"
    request[REQUEST_ID] = rid
    return rid


def request_id_for(request: web.BaseRequest) -> str:
    """The id the request was given, or one now (an answer aiohttp made before the edge
    middleware ran, such as a refused `Expect`)."""
    try:
        return request[REQUEST_ID]
    except KeyError:  # the rare case: a hit costs less than an `in` test, a miss more
        return assign_request_id(request)


_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": clock.isoformat(clock.now()),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        rid = current_request_id.get()
        if rid:
            entry["request_id"] = rid
        for key, value in vars(record).items():
            if key not in _RESERVED and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Alembic narrates the start-up schema check at INFO; that is noise for operators.
    logging.getLogger("alembic").setLevel(logging.WARNING)


# Asked every few seconds by load balancers, orchestrators and Prometheus: a healthy
# answer says nothing an operator wants to read, and logging it costs more than answering.
PROBES = frozenset({"/healthz", "/readyz", "/metrics"})


class JsonAccessLogger(AbstractAccessLogger):
    """One JSON line per request; never the query string (it may carry a feed or WS token)."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, duration: float) -> None:
        if request.path in PROBES and response.status < 400:
            return
        self.logger.info(
            "request",
            extra={
                "request_id": request.get(REQUEST_ID) or response.headers.get(REQUEST_ID_HEADER),
                "method": request.method,
                "path": request.path,
                "status": response.status,
                "duration_ms": round(duration * 1000, 2),
                "remote": request.remote,
                "bytes": response.body_length,
            },
        )

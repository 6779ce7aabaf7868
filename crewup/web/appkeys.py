"""Typed keys for every resource the app owns."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    pass

SETTINGS = web.AppKey("settings", "Settings")
DB = web.AppKey("db", "Database")
ANSWER_CACHE = web.AppKey("answer_cache", "AnswerCache")
REDIS = web.AppKey("redis", "Redis | None")
KEYRING = web.AppKey("keyring", "Keyring")
AUTH = web.AppKey("auth", "AuthDeps")
METRICS_REGISTRY = web.AppKey("metrics_registry", "CollectorRegistry")
HTTP_METRICS = web.AppKey("http_metrics", "HttpMetrics")

# Per-request storage.
REQUEST_ID = web.RequestKey("request_id", str)
API_ACTOR = web.RequestKey("api_actor", "Actor | None")
PAGE_ACTOR = web.RequestKey("page_actor", "Actor | None")

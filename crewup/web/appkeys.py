"""Typed keys for what the web layer owns. Domains keep their own keys (e.g. the auth kit)
beside their code; the web layer knows no domain, so the two things it needs from them
(turning a token into a user id, a user id into an Actor) arrive as plain callables."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web
from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core.db import Database
from crewup.core.identity import Actor, ActorLoader, TokenSubject
from crewup.core.quick_reads import Reads
from crewup.core.ratelimit import RateLimiter
from crewup.core.settings import Settings
from crewup.web.answer_cache import AnswerCache

if TYPE_CHECKING:
    # Only the type: a process without `redis_url` never imports redis-py.
    from redis.asyncio import Redis

SETTINGS = web.AppKey("settings", Settings)
DB = web.AppKey("db", Database)
ANSWER_CACHE = web.AppKey("answer_cache", AnswerCache)
REDIS: web.AppKey[Redis | None] = web.AppKey("redis")
LIMITER = web.AppKey("limiter", RateLimiter)
METRICS_REGISTRY = web.AppKey("metrics_registry", CollectorRegistry)
# Verifies an access token and answers its user id; raises Unauthorized (auth provides it).
TOKEN_SUBJECT = web.AppKey[Callable[[str], TokenSubject]]("token_subject")
# Loads the Actor for a user id, None when no live account has it (users provides it).
ACTOR_LOADER = web.AppKey[ActorLoader]("actor_loader")
# Loads the Actor a browser sign-in token speaks for, None once it has ended (auth).
SESSION_LOADER = web.AppKey[Callable[[Reads, str], Awaitable[Actor | None]]]("session_loader")

# How many unread notifications a person has, for the header (notifications provides it).
UNREAD_COUNTER = web.AppKey[Callable[[AsyncConnection, int], Awaitable[int]]]("unread_counter")

# More values for the layout of every page a signed-in person sees (the safety banner):
# each answers a few names for the templates; domains append theirs when mounted.
LayoutPart = Callable[[AsyncConnection, Actor], Awaitable[dict[str, Any]]]
LAYOUT_PARTS = web.AppKey[list[LayoutPart]]("layout_parts")

# Per-request values.
REQUEST_ID = web.RequestKey("request_id", str)
CALLER = web.RequestKey[Actor | None]("caller")
# What a verified access token says (whom, issued when), on routes whose handler reads
# and checks that account itself (`RouteSpec.caller_read_by_handler`).
CALLER_CLAIMS = web.RequestKey[TokenSubject]("caller_claims")
# The page language chosen for this request (see crewup.web.page_locale).
PAGE_LOCALE = web.RequestKey("page_locale", str)
# The person a page shows as signed in, once looked up (see crewup.web.caller.page_viewer).
VIEWER = web.RequestKey[Actor | None]("viewer")

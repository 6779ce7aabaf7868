"""The search domain's app state, as typed app keys."""

from __future__ import annotations

from aiohttp import web

from crewup.search.broad import BroadQueries

BROAD_QUERIES = web.AppKey("broad_queries", BroadQueries)

"""Typed application keys of the groups module."""

from aiohttp import web

from crewup.core.ratelimit import PersonalLimit

INVITE_LIMIT = web.AppKey("invite_limit", PersonalLimit)
JOIN_REQUEST_LIMIT = web.AppKey("join_request_limit", PersonalLimit)

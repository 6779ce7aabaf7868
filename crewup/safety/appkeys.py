"""The safety domain's resources on the app, built when it is mounted."""

from aiohttp import web

from crewup.safety.service import AlertLimit

ALERT_LIMIT = web.AppKey("alert_limit", AlertLimit)

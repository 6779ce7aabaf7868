"""The notifications domain's resources on the app, built by the composition root."""

from aiohttp import web

from crewup.notifications.push import Pusher

PUSHER = web.AppKey("pusher", Pusher)

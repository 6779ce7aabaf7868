"""The auth domain's resources on the app, built by the composition root."""

from aiohttp import web

from crewup.auth.keyring import Keyring
from crewup.auth.kit import AuthKit

AUTH = web.AppKey("auth", AuthKit)
KEYRING = web.AppKey("keyring", Keyring)

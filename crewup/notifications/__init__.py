"""Notifications: in the app, by e-mail and by web push, by each person's preferences."""

from aiohttp import web


def setup(app: web.Application) -> None:
    from crewup.notifications import api, pages

    app.router.add_routes(api.api.table)
    app.router.add_routes(pages.routes.table)

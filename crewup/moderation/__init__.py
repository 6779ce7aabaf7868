from aiohttp import web


def setup(app: web.Application) -> None:
    from crewup.moderation import api

    app.router.add_routes(api.api.table)

from aiohttp import web


def setup(app: web.Application) -> None:
    from crewup.moderation import api, pages

    app.router.add_routes(api.api.table)
    app.router.add_routes(pages.routes.table)

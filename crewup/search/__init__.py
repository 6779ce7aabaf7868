"""Search and recommendations: read several domains' tables, so they sit above them."""

from aiohttp import web


def setup(app: web.Application) -> None:
    from crewup.search import api, pages
    from crewup.search.appkeys import BROAD_QUERIES
    from crewup.search.broad import BroadQueries

    app[BROAD_QUERIES] = BroadQueries()
    app.router.add_routes(api.api.table)
    app.router.add_routes(pages.routes.table)

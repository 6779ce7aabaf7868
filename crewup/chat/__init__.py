"""Chat rooms per group and per event: REST history, the /ws frames, the browser panel."""

from aiohttp import web


def setup(app: web.Application) -> None:
    from crewup.chat import api, pages, revocation, socket
    from crewup.realtime.appkeys import HUB
    from crewup.web.appkeys import DB

    app.router.add_routes(api.api.table)
    app.router.add_routes(pages.routes.table)
    socket.register(app, app[HUB])
    revocation.watch(app[DB], app[HUB])

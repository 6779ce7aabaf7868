from collections.abc import AsyncIterator

from aiohttp import web


def setup(app: web.Application) -> None:
    from crewup.events import api, confirm_pages, cover_api, cover_pages, list_page, pages
    from crewup.events.appkeys import FIRST_RSVPS
    from crewup.events.first_rsvp_queue import FirstRsvps
    from crewup.web.appkeys import DB

    app[FIRST_RSVPS] = FirstRsvps(app[DB])

    async def _drain_first_rsvps(app: web.Application) -> AsyncIterator[None]:
        yield
        await app[FIRST_RSVPS].drain()  # before the database's pool closes (set up earlier)

    app.cleanup_ctx.append(_drain_first_rsvps)

    app.router.add_routes(api.api.table)
    app.router.add_routes(cover_api.api.table)
    app.router.add_routes(pages.routes.table)
    app.router.add_routes(cover_pages.routes.table)
    app.router.add_routes(confirm_pages.routes.table)
    app.router.add_routes(list_page.routes.table)

from aiohttp import web


def setup(app: web.Application) -> None:
    from crewup.groups import api, cover_api, cover_pages, invite_pages, pages
    from crewup.web.appkeys import LAYOUT_PARTS

    app.setdefault(LAYOUT_PARTS, []).append(invite_pages.invites_badge)
    app.router.add_routes(api.api.table)
    app.router.add_routes(cover_api.api.table)
    app.router.add_routes(pages.routes.table)
    app.router.add_routes(cover_pages.routes.table)
    app.router.add_routes(invite_pages.routes.table)

from aiohttp import web


def setup(app: web.Application) -> None:
    from crewup.events import api, confirm_pages, cover_api, cover_pages, list_page, pages

    app.router.add_routes(api.api.table)
    app.router.add_routes(cover_api.api.table)
    app.router.add_routes(pages.routes.table)
    app.router.add_routes(cover_pages.routes.table)
    app.router.add_routes(confirm_pages.routes.table)
    app.router.add_routes(list_page.routes.table)

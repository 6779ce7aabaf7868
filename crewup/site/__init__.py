"""Pages that bring several domains together (the home page, a group's page with its posts
and events). They sit above the domains, so no domain has to import a sibling."""

from aiohttp import web


def setup(app: web.Application) -> None:
    from crewup.site import account_pages, language_pages, pages

    app.router.add_routes(pages.routes.table)
    app.router.add_routes(account_pages.routes.table)
    app.router.add_routes(language_pages.routes.table)

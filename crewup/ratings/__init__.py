from aiohttp import web


def setup(app: web.Application) -> None:
    from crewup.events.appkeys import EVENT_PAGE_PARTS
    from crewup.ratings import api, pages
    from crewup.users.appkeys import PROFILE_PAGE_PARTS

    app.router.add_routes(api.api.table)
    app.router.add_routes(pages.routes.table)
    parts = app.get(EVENT_PAGE_PARTS)
    if parts is None:
        app[EVENT_PAGE_PARTS] = parts = []
    parts.append(pages.rate_part)
    app.setdefault(PROFILE_PAGE_PARTS, []).append(pages.profile_part)

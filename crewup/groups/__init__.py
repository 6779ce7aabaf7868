from aiohttp import web


def setup(app: web.Application) -> None:
    from crewup.core.marks import N_
    from crewup.core.ratelimit import PersonalLimit
    from crewup.groups import api, cover_api, cover_pages, invite_pages, pages
    from crewup.groups.appkeys import INVITE_LIMIT, JOIN_REQUEST_LIMIT
    from crewup.web.appkeys import LAYOUT_PARTS, LIMITER, SETTINGS

    rule = app[SETTINGS].rate_limit_invites
    app[INVITE_LIMIT] = PersonalLimit(app[LIMITER], rule, "invite", N_("invitations"))
    rule = app[SETTINGS].rate_limit_join_requests
    app[JOIN_REQUEST_LIMIT] = PersonalLimit(
        app[LIMITER], rule, "join-request", N_("requests to join")
    )
    app.setdefault(LAYOUT_PARTS, []).append(invite_pages.invites_badge)
    app.router.add_routes(api.api.table)
    app.router.add_routes(cover_api.api.table)
    app.router.add_routes(pages.routes.table)
    app.router.add_routes(cover_pages.routes.table)
    app.router.add_routes(invite_pages.routes.table)

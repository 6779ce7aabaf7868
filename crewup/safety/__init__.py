"""Safety alerts: raised by a member, delivered live and as notifications to their groups
and to people at events nearby, acknowledged, resolved."""

from aiohttp import web


def setup(app: web.Application) -> None:
    from crewup.events.appkeys import EVENT_PAGE_PARTS
    from crewup.safety import api, pages
    from crewup.safety.appkeys import ALERT_LIMIT
    from crewup.safety.service import AlertLimit
    from crewup.web.appkeys import LAYOUT_PARTS, LIMITER, SETTINGS

    app[ALERT_LIMIT] = AlertLimit(app[LIMITER], app[SETTINGS].rate_limit_safety_alerts)
    app.setdefault(LAYOUT_PARTS, []).append(pages.banner)
    app.setdefault(EVENT_PAGE_PARTS, []).append(pages.event_part)
    app.router.add_routes(api.api.table)
    app.router.add_routes(pages.routes.table)

from aiohttp import web


def setup(app: web.Application) -> None:
    from crewup.moderation import api, pages
    from crewup.moderation.appkeys import REPORT_LIMIT
    from crewup.moderation.reports import ReportLimit
    from crewup.web.appkeys import LIMITER, SETTINGS

    app[REPORT_LIMIT] = ReportLimit(app[LIMITER], app[SETTINGS].rate_limit_reports)
    app.router.add_routes(api.api.table)
    app.router.add_routes(pages.routes.table)

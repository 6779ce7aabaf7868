"""The moderation domain's resources on the app, built when it is mounted."""

from aiohttp import web

from crewup.moderation.reports import ReportLimit

REPORT_LIMIT = web.AppKey("report_limit", ReportLimit)

"""The posts domain's resource on the app, built by the composition root."""

from aiohttp import web

from crewup.posts.service import PostingLimit

POSTING_LIMIT = web.AppKey("posting_limit", PostingLimit)

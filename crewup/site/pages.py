"""The home page and a group's page: each shows several domains at once."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from crewup.events import service as events
from crewup.events.access import Event
from crewup.groups import membership, rosters, waiting
from crewup.groups.access import Visibility, load_group
from crewup.groups.rosters import Member
from crewup.posts import feed
from crewup.posts import service as posts
from crewup.posts.service import Post
from crewup.search import recommend
from crewup.web.appkeys import DB
from crewup.web.caller import maybe_caller
from crewup.web.pages import render_page
from crewup.web.requests import path_id
from crewup.web.routes import PageRoutes

routes = PageRoutes()


HOME_ITEMS = 5


@routes.get("/", name="home")
async def home(request: web.Request) -> web.Response:
    """Signed in, a dashboard: my next events (with my place on a waitlist), my groups'
    latest posts, invitations and join requests waiting, groups and upcoming events
    recommended for me; a fixed number of statements however much there is. A visitor:
    the next public events (near `near=lat,lon` when the page is asked for a place)."""
    actor = maybe_caller(request)
    context: dict[str, Any] = {
        "groups": [],
        "events": [],
        "public_events": [],
        "invites": [],
        "requests": [],
        "my_events": [],
        "my_posts": [],
    }
    async with request.app[DB].reading() as conn:
        if actor is not None:
            context["invites"] = await membership.my_invites(conn, actor)
            context["requests"] = await waiting.requests_waiting(conn, actor)
            mine = events.EventFilter(mine=True)
            context["my_events"] = (
                await events.list_events(conn, actor, mine, limit=HOME_ITEMS)
            ).items
            context["my_posts"] = await feed.latest_in_my_groups(conn, actor, limit=HOME_ITEMS)
            context["groups"] = await recommend.recommend_groups(conn, actor, limit=HOME_ITEMS)
            context["events"] = await recommend.recommend_events(conn, actor, limit=HOME_ITEMS)
        else:
            upcoming = await events.list_events(conn, None, events.EventFilter(), limit=HOME_ITEMS)
            context["public_events"] = upcoming.items
    return await render_page(request, "home.html", context)


@routes.get(r"/groups/{group_id:\d+}", name="group_page")
async def group_page(request: web.Request) -> web.Response:
    actor = maybe_caller(request)
    group_id = path_id(request, "group_id")
    members: list[Member] = []
    recent: list[Post] = []
    upcoming: list[Event] = []
    requests: list[Member] = []
    async with request.app[DB].reading() as conn:
        group = await load_group(conn, group_id, actor)
        if group.visibility is Visibility.public or group.is_member:
            members = (await rosters.list_members(conn, group_id, actor, limit=50)).items
            recent = (await posts.list_posts(conn, group_id, actor, limit=20)).items
            in_group = events.EventFilter(group_id=group_id)
            upcoming = (await events.list_events(conn, actor, in_group, limit=10)).items
        if group.is_manager:
            requests = (await rosters.list_requests(conn, group_id, actor, limit=50)).items
    return await render_page(
        request,
        "groups/page.html",
        {
            "group": group,
            "members": members,
            "posts": recent,
            "events": upcoming,
            "requests": requests,
            "values": {},
            "errors": {},
        },
    )

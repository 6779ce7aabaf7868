"""REST face of groups and membership."""

from typing import Any

from aiohttp import web

from crewup.core.errors import Invalid
from crewup.groups import membership, rosters, service
from crewup.groups.access import MemberRole, load_group
from crewup.groups.appkeys import INVITE_LIMIT, JOIN_REQUEST_LIMIT
from crewup.groups.schemas import (
    GroupIn,
    GroupList,
    GroupOut,
    GroupPage,
    GroupPatch,
    GroupQuery,
    InviteOut,
    JoinOut,
    MemberOut,
    MemberPage,
    MemberQuery,
    RoleIn,
    UserRef,
    group_json,
)
from crewup.web.appkeys import DB, SETTINGS
from crewup.web.caller import caller, maybe_caller
from crewup.web.requests import json_response, parse_body, parse_query, path_id
from crewup.web.routes import Access, ApiRoutes

api = ApiRoutes("groups")
GROUP = r"/api/v1/groups/{group_id:\d+}"


@api.get(
    "/api/v1/groups",
    "Groups I can see: public ones and mine; filter by text, category or distance",
    query=GroupQuery,
    response=GroupPage,
    access=Access.optional,
)
async def list_groups(request: web.Request) -> web.Response:
    actor = maybe_caller(request)
    query = parse_query(request, GroupQuery)
    if query.near is None and "radius_km" in request.query:
        raise Invalid("radius_km needs near=lat,lon")
    filters = query.filters()
    async with request.app[DB].reading() as conn:
        page = await service.list_groups(
            conn, actor, filters, limit=query.limit, cursor=query.cursor
        )
    return json_response(
        GroupPage(items=[GroupOut.of(g) for g in page.items], next_cursor=page.next_cursor)
    )


@api.post(
    "/api/v1/groups",
    "Create a group; I become its owner",
    body=GroupIn,
    response=GroupOut,
    status=201,
)
async def create_group(request: web.Request) -> web.Response:
    actor = caller(request)
    body = await parse_body(request, GroupIn)
    async with request.app[DB].transaction() as conn:
        group = await service.create_group(
            conn,
            actor,
            body.model_dump(),
            verified_required=request.app[SETTINGS].require_verified_email,
        )
    return json_response(GroupOut.of(group), status=201)


@api.get(
    GROUP,
    "One group (private: members only)",
    response=GroupOut,
    access=Access.optional,
    errors=(404,),
)
async def get_group(request: web.Request) -> web.Response:
    actor = maybe_caller(request)
    async with request.app[DB].quick() as conn:
        group = await load_group(conn, path_id(request, "group_id"), actor)
    return json_response(group_json(group))


@api.patch(
    GROUP,
    "Edit a group (owner or admin)",
    body=GroupPatch,
    response=GroupOut,
    errors=(403, 404, 409),
)
async def patch_group(request: web.Request) -> web.Response:
    actor = caller(request)
    body = await parse_body(request, GroupPatch)
    async with request.app[DB].transaction() as conn:
        group = await service.update_group(
            conn, path_id(request, "group_id"), actor, body.changes()
        )
    return json_response(GroupOut.of(group))


@api.delete(
    GROUP,
    "Delete a group with its posts and events (owner only; 409 while people are going to"
    " or waiting for one of its upcoming events: cancel those first)",
    status=204,
    errors=(403, 404, 409),
)
async def delete_group(request: web.Request) -> web.Response:
    actor = caller(request)
    async with request.app[DB].transaction() as conn:
        await service.delete_group(conn, path_id(request, "group_id"), actor)
    return web.Response(status=204)


@api.post(
    GROUP + "/join",
    "Join (public or invited: 200 member; private, or no such group: 202 pending)",
    response=JoinOut,
    errors=(404, 409),
)
async def join_group(request: web.Request) -> web.Response:
    actor = caller(request)
    async with request.app[DB].transaction() as conn:
        outcome = await membership.join_group(
            conn, request.app[JOIN_REQUEST_LIMIT], path_id(request, "group_id"), actor
        )
    status = 200 if outcome is membership.JoinOutcome.member else 202
    return json_response(JoinOut(status=outcome.value), status=status)


@api.post(
    GROUP + "/leave", "Leave the group, or withdraw my join request", status=204, errors=(404, 409)
)
async def leave_group(request: web.Request) -> web.Response:
    actor = caller(request)
    async with request.app[DB].transaction() as conn:
        await membership.leave_group(conn, path_id(request, "group_id"), actor)
    return web.Response(status=204)


@api.get(
    GROUP + "/members",
    "Members with their roles",
    query=MemberQuery,
    response=MemberPage,
    access=Access.optional,
    errors=(404,),
)
async def list_members(request: web.Request) -> web.Response:
    return await _member_page(request, rosters.list_members)


async def _member_page(request: web.Request, lister: Any) -> web.Response:
    """One keyset page of people in a group (members or requests), by user id."""
    query = parse_query(request, MemberQuery)
    async with request.app[DB].reading() as conn:
        page = await lister(
            conn,
            path_id(request, "group_id"),
            maybe_caller(request),
            limit=query.limit,
            cursor=query.cursor,
        )
    return json_response(
        MemberPage(items=[MemberOut.of(m) for m in page.items], next_cursor=page.next_cursor)
    )


@api.patch(
    GROUP + r"/members/{user_id:\d+}",
    "Change a member's role (admin or member)",
    body=RoleIn,
    response=MemberOut,
    errors=(403, 404, 409),
)
async def change_role(request: web.Request) -> web.Response:
    actor = caller(request)
    body = await parse_body(request, RoleIn)
    async with request.app[DB].transaction() as conn:
        member = await membership.change_role(
            conn,
            path_id(request, "group_id"),
            actor,
            path_id(request, "user_id"),
            MemberRole(body.role),
        )
    return json_response(MemberOut.of(member))


@api.delete(
    GROUP + r"/members/{user_id:\d+}", "Remove a member", status=204, errors=(403, 404, 409)
)
async def remove_member(request: web.Request) -> web.Response:
    actor = caller(request)
    async with request.app[DB].transaction() as conn:
        await membership.remove_member(
            conn, path_id(request, "group_id"), actor, path_id(request, "user_id")
        )
    return web.Response(status=204)


@api.post(
    GROUP + "/owner",
    "Hand ownership to another member (owner only); I become admin",
    body=UserRef,
    response=GroupOut,
    errors=(403, 404, 409),
)
async def transfer_ownership(request: web.Request) -> web.Response:
    actor = caller(request)
    body = await parse_body(request, UserRef)
    async with request.app[DB].transaction() as conn:
        group = await membership.transfer_ownership(
            conn, path_id(request, "group_id"), body.user_id, actor
        )
    return json_response(GroupOut.of(group))


@api.get(
    GROUP + "/requests",
    "Pending join requests (owner or admin)",
    query=MemberQuery,
    response=MemberPage,
    errors=(403, 404),
)
async def list_requests(request: web.Request) -> web.Response:
    return await _member_page(request, rosters.list_requests)


async def _decide(request: web.Request, approve: bool) -> web.Response:
    actor = caller(request)
    async with request.app[DB].transaction() as conn:
        await membership.decide_request(
            conn, path_id(request, "group_id"), actor, path_id(request, "user_id"), approve
        )
    return web.Response(status=204)


@api.post(
    GROUP + r"/requests/{user_id:\d+}/approve",
    "Approve a join request",
    status=204,
    errors=(403, 404, 409),
)
async def approve_request(request: web.Request) -> web.Response:
    return await _decide(request, approve=True)


@api.post(
    GROUP + r"/requests/{user_id:\d+}/decline",
    "Decline a join request",
    status=204,
    errors=(403, 404),
)
async def decline_request(request: web.Request) -> web.Response:
    return await _decide(request, approve=False)


@api.post(
    GROUP + "/invites",
    "Invite someone (owner or admin); they may then join",
    body=UserRef,
    response=InviteOut,
    status=201,
    errors=(403, 404, 409),
)
async def invite(request: web.Request) -> web.Response:
    actor = caller(request)
    body = await parse_body(request, UserRef)
    group_id = path_id(request, "group_id")
    async with request.app[DB].transaction() as conn:
        await membership.invite(conn, request.app[INVITE_LIMIT], group_id, actor, body.user_id)
    return json_response(InviteOut(group_id=group_id, user_id=body.user_id), status=201)


@api.delete(
    GROUP + r"/invites/{user_id:\d+}",
    "Decline my invite, or withdraw one (managers)",
    status=204,
    errors=(403, 404),
)
async def withdraw_invite(request: web.Request) -> web.Response:
    actor = caller(request)
    async with request.app[DB].transaction() as conn:
        await membership.withdraw_invite(
            conn, path_id(request, "group_id"), actor, path_id(request, "user_id")
        )
    return web.Response(status=204)


@api.get("/api/v1/users/me/invites", "Groups that invited me", response=GroupList)
async def my_invites(request: web.Request) -> web.Response:
    actor = caller(request)
    async with request.app[DB].reading() as conn:
        found = await membership.my_invites(conn, actor)
    return json_response(GroupList(items=[GroupOut.of(g) for g in found]))

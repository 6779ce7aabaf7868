"""REST face of moderation: reports, the queue, bans, roles, removals and the audit log.
Every rule (who may do what) is in the services; these only parse, call and serialise."""

from aiohttp import web

from crewup.moderation import accounts, audit, pictures, reports
from crewup.moderation.appkeys import REPORT_LIMIT
from crewup.moderation.audit import Doer, Face
from crewup.moderation.schemas import (
    AuditOut,
    AuditPage,
    AuditQuery,
    BanIn,
    BanOut,
    EarlierBanOut,
    RemoveIn,
    ReportIn,
    ReportOut,
    ReportPage,
    ReportQuery,
    ResolveIn,
    RoleIn,
    RoleOut,
)
from crewup.moderation.targets import TargetType
from crewup.web.appkeys import DB
from crewup.web.caller import caller
from crewup.web.requests import json_response, parse_body, parse_query, path_id
from crewup.web.routes import ApiRoutes

api = ApiRoutes("moderation")
REPORT = r"/api/v1/moderation/reports/{report_id:\d+}"


def _doer(request: web.Request) -> Doer:
    return Doer(caller(request), Face.api)


@api.post(
    "/api/v1/reports",
    "Report a user, group, event, post, comment or chat message",
    body=ReportIn,
    response=ReportOut,
    status=201,
    errors=(404, 409, 422, 429),
)
async def create_report(request: web.Request) -> web.Response:
    body = await parse_body(request, ReportIn)
    async with request.app[DB].transaction() as conn:
        report = await reports.create_report(
            conn,
            request.app[REPORT_LIMIT],
            caller(request),
            body.target_type,
            body.target_id,
            body.reason,
        )
    return json_response(ReportOut.of(report), status=201)


@api.get(
    "/api/v1/moderation/reports",
    "The moderation queue, oldest first (moderators)",
    query=ReportQuery,
    response=ReportPage,
    errors=(403,),
)
async def list_reports(request: web.Request) -> web.Response:
    query = parse_query(request, ReportQuery)
    async with request.app[DB].reading() as conn:
        page = await reports.list_reports(
            conn,
            _doer(request),
            status=query.status,
            kind=query.kind,
            limit=query.limit,
            cursor=query.cursor,
        )
    return json_response(
        ReportPage(items=[ReportOut.of(r) for r in page.items], next_cursor=page.next_cursor)
    )


@api.get(REPORT, "One report (moderators)", response=ReportOut, errors=(403, 404))
async def get_report(request: web.Request) -> web.Response:
    async with request.app[DB].reading() as conn:
        report = await reports.get_report(conn, _doer(request), path_id(request, "report_id"))
    return json_response(ReportOut.of(report))


@api.post(
    REPORT + "/claim", "Take a report (moderators)", response=ReportOut, errors=(403, 404, 409)
)
async def claim_report(request: web.Request) -> web.Response:
    async with request.app[DB].transaction() as conn:
        report = await reports.claim(conn, _doer(request), path_id(request, "report_id"))
    return json_response(ReportOut.of(report))


@api.post(
    REPORT + "/resolve",
    "Resolve a report: dismiss, remove_content, remove_picture, warn or ban_user (moderators)",
    body=ResolveIn,
    response=ReportOut,
    errors=(403, 404, 409, 422),
)
async def resolve_report(request: web.Request) -> web.Response:
    body = await parse_body(request, ResolveIn)
    async with request.app[DB].transaction() as conn:
        report = await reports.resolve(
            conn, _doer(request), path_id(request, "report_id"), body.action, body.note
        )
    return json_response(ReportOut.of(report))


def _ban_out(banned: accounts.Banned) -> BanOut:
    account, earlier = banned.account, banned.replaced
    return BanOut(
        user_id=account.id,
        banned_at=account.banned_at,
        expires_at=account.ban_expires_at,
        reason=account.ban_reason,
        replaced=None
        if earlier is None
        else EarlierBanOut(
            banned_at=earlier.banned_at, expires_at=earlier.expires_at, reason=earlier.reason
        ),
    )


@api.post(
    "/api/v1/moderation/bans",
    "Ban someone; their sessions and sockets end at once (moderators)",
    body=BanIn,
    response=BanOut,
    status=201,
    errors=(403, 404, 409, 422),
)
async def create_ban(request: web.Request) -> web.Response:
    body = await parse_body(request, BanIn)
    async with request.app[DB].transaction() as conn:
        banned = await accounts.ban(
            conn, _doer(request), body.user_id, body.reason, body.expires_at
        )
    return json_response(_ban_out(banned), status=201)


@api.delete(
    r"/api/v1/moderation/bans/{user_id:\d+}",
    "Lift a ban (moderators)",
    status=204,
    errors=(403, 404, 409),
)
async def delete_ban(request: web.Request) -> web.Response:
    async with request.app[DB].transaction() as conn:
        await accounts.unban(conn, _doer(request), path_id(request, "user_id"))
    return web.Response(status=204)


@api.put(
    r"/api/v1/moderation/users/{user_id:\d+}/role",
    "Appoint or remove moderators and admins (admins)",
    body=RoleIn,
    response=RoleOut,
    errors=(403, 404, 409, 422),
)
async def put_role(request: web.Request) -> web.Response:
    body = await parse_body(request, RoleIn)
    async with request.app[DB].transaction() as conn:
        account = await accounts.set_role(
            conn, _doer(request), path_id(request, "user_id"), body.role, body.reason
        )
    return json_response(RoleOut(user_id=account.id, role=account.role))


@api.post(
    r"/api/v1/moderation/{kind:posts|comments}/{target_id:\d+}/remove",
    "Remove a post or comment (moderators; a group's owner and admins in their group)",
    body=RemoveIn,
    status=204,
    errors=(403, 404, 409),
)
async def remove_content(request: web.Request) -> web.Response:
    body = await parse_body(request, RemoveIn)
    kind = TargetType.post if request.match_info["kind"] == "posts" else TargetType.comment
    async with request.app[DB].transaction() as conn:
        await reports.remove_in_group(
            conn, _doer(request), kind, path_id(request, "target_id"), body.reason
        )
    return web.Response(status=204)


_PICTURED_KINDS = {"users": TargetType.user, "groups": TargetType.group, "events": TargetType.event}


@api.post(
    r"/api/v1/moderation/{kind:users|groups|events}/{target_id:\d+}/picture/remove",
    "Take down a person's avatar or a group's or event's cover (moderators)",
    body=RemoveIn,
    status=204,
    errors=(403, 404, 409),
)
async def remove_picture(request: web.Request) -> web.Response:
    body = await parse_body(request, RemoveIn)
    kind = _PICTURED_KINDS[request.match_info["kind"]]
    async with request.app[DB].transaction() as conn:
        await pictures.remove_picture(
            conn, _doer(request), kind, path_id(request, "target_id"), body.reason
        )
    return web.Response(status=204)


@api.get(
    "/api/v1/moderation/audit",
    "The audit log, newest first (moderators)",
    query=AuditQuery,
    response=AuditPage,
    errors=(403,),
)
async def list_audit(request: web.Request) -> web.Response:
    query = parse_query(request, AuditQuery)
    async with request.app[DB].reading() as conn:
        page = await audit.list_entries(
            conn,
            _doer(request),
            action=query.action,
            actor_id=query.actor_id,
            target_type=query.target_type,
            target_id=query.target_id,
            limit=query.limit,
            cursor=query.cursor,
        )
    return json_response(
        AuditPage(items=[AuditOut.of(e) for e in page.items], next_cursor=page.next_cursor)
    )

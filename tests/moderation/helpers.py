"""People with roles, content to report, and the moderation calls, through the public faces."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from crewup.core.settings import Settings
from tests.support.api import Api, make_group
from tests.support.cli import admin_cli


async def with_role(settings: Settings, person: dict[str, Any], role: str) -> dict[str, Any]:
    """Promote through crewup-admin; the role applies to the person's very next request."""
    result = await admin_cli(
        settings, "users", "promote", str(person["user"]["id"]), "--role", role
    )
    assert result.exit_code == 0, result.output
    return person


async def staff(settings: Settings, api: Api) -> tuple[dict[str, Any], dict[str, Any]]:
    """An admin and a moderator."""
    admin = await with_role(settings, await api.register("Admin"), "admin")
    moderator = await with_role(settings, await api.register("Mod"), "moderator")
    return admin, moderator


async def join(client: TestClient, person: dict[str, Any], group: dict[str, Any]) -> None:
    resp = await client.post(f"/api/v1/groups/{group['id']}/join", headers=person["headers"])
    assert resp.status == 200, await resp.text()


async def make_post(
    client: TestClient, author: dict[str, Any], group: dict[str, Any], title: str = "Zebra rocks"
) -> dict[str, Any]:
    resp = await client.post(
        f"/api/v1/groups/{group['id']}/posts",
        json={"title": title, "body": "A post about quartzite zebras"},
        headers=author["headers"],
    )
    assert resp.status == 201, await resp.text()
    post: dict[str, Any] = await resp.json()
    return post


async def make_comment(
    client: TestClient, author: dict[str, Any], post: dict[str, Any], body: str = "Nice zebra"
) -> dict[str, Any]:
    resp = await client.post(
        f"/api/v1/posts/{post['id']}/comments", json={"body": body}, headers=author["headers"]
    )
    assert resp.status == 201, await resp.text()
    comment: dict[str, Any] = await resp.json()
    return comment


async def report(
    client: TestClient, person: dict[str, Any], kind: str, target_id: int, reason: str = "spam"
) -> tuple[int, Any]:
    resp = await client.post(
        "/api/v1/reports",
        json={"target_type": kind, "target_id": target_id, "reason": reason},
        headers=person["headers"],
    )
    return resp.status, await resp.json()


async def resolve(
    client: TestClient, moderator: dict[str, Any], report_id: int, action: str, note: str = "ok"
) -> tuple[int, Any]:
    resp = await client.post(
        f"/api/v1/moderation/reports/{report_id}/resolve",
        json={"action": action, "note": note},
        headers=moderator["headers"],
    )
    return resp.status, await resp.json()


async def audit_rows(client: TestClient, moderator: dict[str, Any], query: str = "") -> list[Any]:
    resp = await client.get(f"/api/v1/moderation/audit{query}", headers=moderator["headers"])
    assert resp.status == 200, await resp.text()
    body: dict[str, Any] = await resp.json()
    rows: list[Any] = body["items"]
    return rows


async def world(client: TestClient, api: Api) -> dict[str, Any]:
    """An owner's public group with a member, a post and a comment."""
    owner, member = await api.register("Owner"), await api.register("Member")
    group = await make_group(client, owner)
    await join(client, member, group)
    post = await make_post(client, member, group)
    comment = await make_comment(client, member, post)
    return {"owner": owner, "member": member, "group": group, "post": post, "comment": comment}

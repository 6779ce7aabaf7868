"""People and things for browser tests: made over the public JSON API (fast, no clicks),
then signed in through the real sign-in page, as a person would."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.request import Request, urlopen

from tests.support.api import PASSWORD, future


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    token: str


def call(base: str, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body).encode()
    request = Request(base + path, data=data, method=method, headers=headers)
    with urlopen(request, timeout=15) as answer:  # raises on any 4xx/5xx: a broken set-up
        raw = answer.read()
    return json.loads(raw) if raw else None


def person(base: str, name: str) -> Person:
    email = f"{name.lower().replace(' ', '.')}-{uuid.uuid4().hex[:6]}@example.com"
    body = {"email": email, "password": PASSWORD, "display_name": name}
    answer = call(base, "POST", "/api/v1/auth/register", body)
    return Person(name, email, answer["access_token"])


def group(base: str, owner: Person, **fields: Any) -> dict[str, Any]:
    body = {"name": "Crag Rats", "description": "Climbing", "category": "climbing", **fields}
    found: dict[str, Any] = call(base, "POST", "/api/v1/groups", body, owner.token)
    return found


def join(base: str, someone: Person, group_id: int) -> None:
    call(base, "POST", f"/api/v1/groups/{group_id}/join", None, someone.token)


def event(base: str, owner: Person, group_id: int, **fields: Any) -> dict[str, Any]:
    body = {
        "group_id": group_id,
        "title": "Bouldering night",
        "location_name": "Hall A",
        "lat": 52.52,
        "lon": 13.405,
        "starts_at": future(24),
        "ends_at": future(27),
        **fields,
    }
    found: dict[str, Any] = call(base, "POST", "/api/v1/events", body, owner.token)
    return found


def post(base: str, author: Person, group_id: int, **fields: Any) -> dict[str, Any]:
    body = {"title": "Hello", "body": "First post", **fields}
    found: dict[str, Any] = call(
        base, "POST", f"/api/v1/groups/{group_id}/posts", body, author.token
    )
    return found


def sign_in(page: Any, someone: Person, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(someone.email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()


def comment(base: str, author: Person, post_id: int, body: str) -> None:
    call(base, "POST", f"/api/v1/posts/{post_id}/comments", {"body": body}, author.token)

"""Acting through the HTML pages, as a browser without scripts would."""

from __future__ import annotations

import re

from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient

from tests.support.api import PASSWORD


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None, "no CSRF token on the page"
    return found.group(1)


async def get_csrf(client: TestClient, path: str) -> str:
    resp = await client.get(path)
    assert resp.status == 200
    return csrf_of(await resp.text())


async def register_via_form(
    client: TestClient,
    name: str = "Ann",
    email: str = "ann@example.com",
    headers: dict[str, str] | None = None,
) -> ClientResponse:
    token = await get_csrf(client, "/register")
    return await client.post(
        "/register",
        data={"csrf_token": token, "display_name": name, "email": email, "password": PASSWORD},
        headers=headers or {},
        allow_redirects=False,
    )


async def signed_in(client: TestClient, name: str = "Ann", email: str = "ann@example.com") -> str:
    """Register through the form (which signs in) and answer a CSRF token for later forms."""
    await register_via_form(client, name, email)
    return csrf_of(await (await client.get("/groups/new")).text())


async def group_via_form(
    client: TestClient, token: str, name: str, category: str = "arts", description: str = ""
) -> str:
    """A public group made through the "new group" form; answers its page's path."""
    made = await client.post(
        "/groups/new",
        data={
            "csrf_token": token,
            "name": name,
            "description": description,
            "category": category,
            "visibility": "public",
            "max_members": "",
            "lat": "",
            "lon": "",
        },
        allow_redirects=False,
    )
    assert made.status == 303, await made.text()
    return made.headers["Location"]

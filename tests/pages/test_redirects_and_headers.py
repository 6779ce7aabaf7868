"""No open redirects after sign-in, and security headers on every kind of response."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from crewup.app import create_app
from tests.support.api import PASSWORD, Api
from tests.support.pages import get_csrf


@pytest.mark.parametrize(
    ("given", "lands_on"),
    [
        ("/\t/evil.example", "/"),
        ("/\n/evil.example", "/"),
        ("/\r/evil.example", "/"),
        ("/\\evil.example", "/"),
        ("\\\\evil.example", "/"),
        ("//evil.example", "/"),
        ("///evil.example", "/"),
        ("https://evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("/ /evil.example", "/"),
        ("/\u3000/evil.example", "/"),
        ("/groups?category=climbing", "/groups?category=climbing"),
        ("/events/7", "/events/7"),
    ],
)
async def test_sign_in_sends_people_only_to_paths_of_this_site(
    client: TestClient, api: Api, given: str, lands_on: str
) -> None:
    person = await api.register()
    url = f"/login?next={quote(given, safe='')}"
    token = await get_csrf(client, url)
    resp = await client.post(
        url,
        data={"csrf_token": token, "email": person["email"], "password": PASSWORD},
        allow_redirects=False,
    )
    assert resp.status == 303
    assert resp.headers["Location"] == lands_on


async def _headers_of(client: TestClient, path: str, **kw: object) -> dict[str, str]:
    resp = await client.get(path, allow_redirects=False, **kw)
    return dict(resp.headers)


async def test_every_kind_of_response_carries_security_headers(client: TestClient) -> None:
    for path in ("/", "/api/v1/events", "/no/such/page", "/profile", "/static/css/crewup.css"):
        headers = await _headers_of(client, path)
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, path
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "Strict-Transport-Security" not in headers  # served over plain http here


async def test_map_tiles_are_allowed_and_hsts_comes_with_https(
    aiohttp_client, make_settings
) -> None:
    settings = make_settings(
        public_url="https://crew.example.org",
        map_tile_url="https://{s}.tiles.example.net/{z}/{x}/{y}.png",
    )
    client = await aiohttp_client(create_app(settings))
    headers = await _headers_of(client, "/")
    assert "img-src 'self' data: https://*.tiles.example.net" in headers["Content-Security-Policy"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000"


async def test_a_handlers_own_security_header_is_kept(aiohttp_client, make_settings) -> None:
    app = create_app(make_settings())

    async def framed(request: web.Request) -> web.Response:
        policy = {"Content-Security-Policy": "default-src 'none'", "X-Frame-Options": "SAMEORIGIN"}
        return web.json_response({"ok": True}, headers=policy)

    app.router.add_get("/framed-on-purpose", framed)
    client = await aiohttp_client(app)
    resp = await client.get("/framed-on-purpose")
    assert resp.headers.getall("Content-Security-Policy") == ["default-src 'none'"]
    assert resp.headers.getall("X-Frame-Options") == ["SAMEORIGIN"]
    assert resp.headers.getall("X-Content-Type-Options") == ["nosniff"]  # the others added
    assert resp.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert resp.headers["X-Request-ID"]

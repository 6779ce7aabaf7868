"""Every client mistake is a clear 4xx problem+json; nothing malformed ever yields a 5xx."""

from __future__ import annotations

import pytest

from crewup.app import create_app
from tests.support.api import Api


def assert_problem(resp, status: int) -> None:
    assert resp.status == status
    assert resp.content_type == "application/problem+json"


async def test_malformed_json_is_400(client) -> None:
    for raw in (b"{bad", b"\xff\xfe", b"[1, 2]", b'"string"', b"null"):
        resp = await client.post(
            "/api/v1/auth/login", data=raw, headers={"Content-Type": "application/json"}
        )
        assert_problem(resp, 400)
        body = await resp.json()
        assert body["status"] == 400 and body["title"] and body["detail"]


async def test_wrong_types_are_422_with_fields(client) -> None:
    resp = await client.post("/api/v1/auth/login", json={"email": 5, "password": ["x"]})
    assert_problem(resp, 422)
    fields = {e["field"] for e in (await resp.json())["errors"]}
    assert fields == {"email", "password"}


async def test_unknown_route_is_404_and_wrong_method_405(client) -> None:
    assert_problem(await client.get("/api/v1/nothing-here"), 404)
    resp = await client.delete("/api/v1/auth/login")
    assert_problem(resp, 405)
    assert "POST" in resp.headers["Allow"]


async def test_non_numeric_ids_are_404(client, api: Api) -> None:
    person = await api.register()
    for path in ("/api/v1/users/abc", "/api/v1/users/-1", "/api/v1/users/0", "/api/v1/users/1e3"):
        assert_problem(await client.get(path, headers=person["headers"]), 404)


async def test_body_over_the_limit_is_413(aiohttp_client, make_settings) -> None:
    client = await aiohttp_client(create_app(make_settings(max_body_bytes=2048)))
    resp = await client.post(
        "/api/v1/auth/login",
        data=b"{" + b" " * 4096 + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert_problem(resp, 413)


async def test_request_id_is_echoed_or_generated(client) -> None:
    mine = await client.get("/healthz", headers={"X-Request-ID": "trace-123"})
    assert mine.headers["X-Request-ID"] == "trace-123"
    generated = [(await client.get("/api/v1/nope")).headers["X-Request-ID"] for _ in range(50)]
    assert len(set(generated)) == 50  # each request its own id
    assert all(len(rid) >= 16 and rid.isalnum() for rid in generated)
    unsafe = await client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
    assert unsafe.headers["X-Request-ID"] != "bad id\twith spaces"
    assert unsafe.headers["X-Request-ID"] not in generated


async def test_errors_carry_the_request_id_too(client) -> None:
    resp = await client.post("/api/v1/auth/login", data=b"{", headers={"X-Request-ID": "r-1"})
    assert resp.status == 400
    assert resp.headers["X-Request-ID"] == "r-1"


@pytest.mark.parametrize(
    "payload",
    [
        {"email": "a" * 400, "password": "x"},
        {"email": "\u0000@example.com", "password": "\u0000" * 20},
        {"email": {"$ne": None}, "password": "x"},
        {"email": "a@example.com", "password": "x" * 2000},
        {"refresh_token": None},
        {},
    ],
)
async def test_garbage_never_5xx(client, payload) -> None:
    for path in (
        "/api/v1/auth/login",
        "/api/v1/auth/register",
        "/api/v1/auth/refresh",
        "/api/v1/auth/password-reset",
        "/api/v1/auth/password-reset/confirm",
        "/api/v1/auth/logout",
    ):
        resp = await client.post(path, json=payload)
        assert 400 <= resp.status < 500, (path, payload, resp.status, await resp.text())


async def test_pages_answer_errors_as_html(client) -> None:
    resp = await client.get("/no-such-page", headers={"Accept": "text/html"})
    assert resp.status == 404
    assert resp.content_type == "text/html"
    assert "Not Found" in await resp.text()


async def test_forwarded_for_counts_only_behind_a_trusted_proxy(
    aiohttp_client, make_settings
) -> None:
    """The login rate limit keys on the real client, and a client cannot spoof it."""
    direct = await aiohttp_client(create_app(make_settings(rate_limit_login="2/minute")))
    spoofed = [
        await direct.post(
            "/api/v1/auth/login",
            json={"email": f"x{i}@example.com", "password": "wrong password"},
            headers={"X-Forwarded-For": f"203.0.113.{i}"},
        )
        for i in range(3)
    ]
    # Not behind a trusted proxy: the header is ignored, all three count for one address.
    assert [r.status for r in spoofed] == [401, 401, 429]

    proxied = await aiohttp_client(
        create_app(
            make_settings(rate_limit_login="2/minute", trusted_proxies="127.0.0.0/8,::1/128")
        )
    )
    statuses = [
        (
            await proxied.post(
                "/api/v1/auth/login",
                json={"email": f"y{i}@example.com", "password": "wrong password"},
                headers={"X-Forwarded-For": f"198.51.100.7, 203.0.113.{i}"},
            )
        ).status
        for i in range(3)
    ]
    # Behind the proxy each forwarded client has a bucket of its own.
    assert statuses == [401, 401, 401]

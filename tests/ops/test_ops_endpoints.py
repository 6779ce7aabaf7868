"""Liveness, readiness, metrics, the OpenAPI document and the docs page."""

from __future__ import annotations

import importlib.metadata
import re

import pytest

from crewup.app import create_app
from tests.support.api import Api


async def test_healthz(client) -> None:
    resp = await client.get("/healthz")
    assert resp.status == 200
    assert await resp.json() == {"status": "ok"}


async def test_readyz_checks_each_configured_dependency(client, stack) -> None:
    resp = await client.get("/readyz")
    body = await resp.json()
    assert resp.status == 200, body
    expected = {"database", "redis", "rabbitmq"} if stack.is_services else {"database"}
    assert set(body["checks"]) == expected
    assert set(body["checks"].values()) == {"ok"}


async def test_readyz_is_503_when_a_dependency_is_down(aiohttp_client, make_settings) -> None:
    # Nothing listens on port 1: the broker is configured but unreachable.
    app = create_app(make_settings(amqp_url="amqp://guest:guest@127.0.0.1:1/"))
    client = await aiohttp_client(app)
    resp = await client.get("/readyz")
    assert resp.status == 503
    body = await resp.json()
    assert body["checks"]["rabbitmq"].startswith("down")
    assert body["checks"]["database"] == "ok"


async def test_readyz_reaches_the_real_rabbitmq(aiohttp_client, make_settings, stack) -> None:
    from tests.support.services import AMQP_URL

    if not stack.is_services:
        pytest.skip("the embedded stack has no broker to check")
    client = await aiohttp_client(create_app(make_settings(amqp_url=AMQP_URL)))
    body = await (await client.get("/readyz")).json()
    assert body["checks"]["rabbitmq"] == "ok"


def sample(metrics: str, route: str, status: str) -> float:
    pattern = (
        r'crewup_http_requests_total\{method="GET",route="'
        + re.escape(route)
        + r'",status="'
        + status
        + r'"\} ([0-9.]+)'
    )
    found = re.search(pattern, metrics)
    return float(found.group(1)) if found else 0.0


async def test_metrics_count_requests_per_route_and_status(client, api: Api) -> None:
    person = await api.register()
    for _ in range(3):
        await client.get("/api/v1/users/me", headers=person["headers"])
    await client.get("/api/v1/users/me")
    text = await (await client.get("/metrics")).text()
    assert sample(text, "/api/v1/users/me", "200") == 3
    assert sample(text, "/api/v1/users/me", "401") == 1
    assert (
        'crewup_http_request_duration_seconds_bucket{le="0.005",method="GET",'
        'route="/api/v1/users/me"}' in text
    )


async def test_metrics_need_the_token_when_one_is_set(aiohttp_client, make_settings) -> None:
    client = await aiohttp_client(create_app(make_settings(metrics_token="t" * 20)))
    assert (await client.get("/metrics")).status == 403
    ok = await client.get("/metrics", headers={"Authorization": "Bearer " + "t" * 20})
    assert ok.status == 200


async def test_metrics_behind_a_trusted_proxy_go_by_who_it_forwards_for(
    aiohttp_client, make_settings
) -> None:
    """Through nginx on the same host every request comes from 127.0.0.1: the loopback
    rule must look at the forwarded client, as rate limits do (an operator's trial)."""
    client = await aiohttp_client(create_app(make_settings(trusted_proxies="127.0.0.1/32")))
    outside = await client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert outside.status == 403
    inside = await client.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"})
    assert inside.status == 200
    assert (await client.get("/metrics")).status == 200  # the host's own Prometheus


async def test_openapi_lists_every_api_route_with_schemas(client) -> None:
    spec = await (await client.get("/api/openapi.json")).json()
    assert spec["openapi"].startswith("3.1")
    # One version: the package's (setup.cfg reads it from crewup.__version__).
    assert spec["info"]["version"] == importlib.metadata.version("crewup")
    mounted = set()
    for resource in client.server.app.router.resources():
        info = resource.get_info()
        path = info.get("formatter") or info.get("path", "")
        if path.startswith("/api/v1"):
            mounted.add(re.sub(r"\{(\w+)(:[^}]+)?\}", r"{\1}", path))
    assert mounted == set(spec["paths"])
    register = spec["paths"]["/api/v1/auth/register"]["post"]
    ref = register["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert {"email", "password", "display_name"} <= set(schema["properties"])
    assert "422" in register["responses"] and "201" in register["responses"]
    me = spec["paths"]["/api/v1/users/me"]["get"]
    assert me["security"] == [{"bearer": []}]
    for path, methods in spec["paths"].items():
        for name in re.findall(r"\{(\w+)\}", path):
            for op in methods.values():
                assert any(p["name"] == name and p["in"] == "path" for p in op["parameters"])


async def test_api_docs_page_renders_the_operations(client) -> None:
    resp = await client.get("/api/docs")
    assert resp.status == 200
    html = await resp.text()
    assert "/api/v1/auth/register" in html
    assert "Create an account and sign in" in html


def _samples(metrics: str, name: str, route: str) -> list[tuple[str, float]]:
    """(the line's labels, its value) of each `name` sample of `route`, in order."""
    found = []
    for line in metrics.splitlines():
        if line.startswith(name + "{") and f'route="{route}"' in line:
            labels, _, value = line.rpartition(" ")
            found.append((labels, float(value)))
    return found


async def test_metrics_histogram_is_cumulative_and_unknown_paths_share_a_label(client) -> None:
    for _ in range(3):
        await client.get("/healthz")
    for path in ("/no/such/thing", "/nor/this"):
        assert (await client.get(path)).status == 404
    text = await (await client.get("/metrics")).text()
    buckets = _samples(text, "crewup_http_request_duration_seconds_bucket", "/healthz")
    assert [labels.split('"')[1] for labels, _ in buckets][-3:] == ["5.0", "10.0", "+Inf"]
    counts = [value for _, value in buckets]
    assert counts == sorted(counts) and counts[-1] == 3  # each bound counts those below it
    count = _samples(text, "crewup_http_request_duration_seconds_count", "/healthz")
    total = _samples(text, "crewup_http_request_duration_seconds_sum", "/healthz")
    assert count[0][1] == 3 and 0 < total[0][1] < 30
    assert _samples(text, "crewup_http_request_duration_seconds_created", "/healthz")
    assert sample(text, "unmatched", "404") == 2
    assert _samples(text, "crewup_http_requests_created", "unmatched")
    assert text.count("# TYPE crewup_http_requests_total counter") == 1


async def test_unusual_methods_share_one_metrics_label(client) -> None:
    """WebDAV's and others' methods reach the app; each must not add series of its own."""
    for method in ("PROPFIND", "MKCOL", "LOCK"):
        answer = await client.request(method, "/no/such/thing")
        assert answer.status in (404, 405)
    text = await (await client.get("/metrics")).text()
    assert "PROPFIND" not in text and "MKCOL" not in text and 'method="LOCK"' not in text
    assert re.search(r'crewup_http_requests_total\{method="other",route="unmatched"', text)

"""Access tokens that must be refused: each forgery below gets a 401."""

from __future__ import annotations

import asyncio
import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from crewup.auth.appkeys import KEYRING
from tests.support.api import Api


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def claims_for(client, user_id: int, **changes) -> dict:
    now = datetime.now(UTC)
    base = {
        "sub": str(user_id),
        "role": "user",
        "iat": now,
        "exp": now + timedelta(minutes=5),
        "iss": str(client.make_url("")).rstrip("/"),
        "aud": "crewup",
        "jti": "x",
    }
    base.update(changes)
    return base


def server_key(client):
    return client.server.app[KEYRING].signing_key()


async def me_status(client, token: str) -> int:
    resp = await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    if resp.status != 200:
        assert resp.content_type == "application/problem+json"
    return resp.status


async def test_a_token_the_server_signs_itself_is_accepted(client, api: Api) -> None:
    person = await api.register()
    header = jwt.get_unverified_header(person["access_token"])
    assert header["alg"] == "RS256"
    assert header["kid"] == server_key(client).kid
    payload = jwt.decode(person["access_token"], options={"verify_signature": False})
    assert {"sub", "role", "iat", "exp", "iss", "aud", "jti"} <= payload.keys()
    assert payload["exp"] - payload["iat"] == 900


async def test_jwks_publishes_the_signing_key(client, api: Api) -> None:
    person = await api.register()
    jwks = await (await client.get("/.well-known/jwks.json")).json()
    kid = jwt.get_unverified_header(person["access_token"])["kid"]
    jwk = next(k for k in jwks["keys"] if k["kid"] == kid)
    public = jwt.PyJWK(jwk).key
    decoded = jwt.decode(person["access_token"], public, algorithms=["RS256"], audience="crewup")
    assert decoded["sub"] == str(person["user"]["id"])
    assert "d" not in jwk  # never the private part


async def test_alg_none_is_refused(client, api: Api) -> None:
    person = await api.register()
    token = (
        f"{b64({'alg': 'none', 'typ': 'JWT', 'kid': server_key(client).kid})}."
        f"{b64({**claims_for(client, person['user']['id'], iat=0, exp=2**31)})}."
    )
    assert await me_status(client, token) == 401


async def test_hs256_signed_with_the_public_key_is_refused(client, api: Api) -> None:
    person = await api.register()
    key = server_key(client)
    pem = key.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    payload = json.dumps(
        {**claims_for(client, person["user"]["id"]), "iat": 1, "exp": 2**31}
    ).encode()
    import hashlib
    import hmac

    header = b64({"alg": "HS256", "typ": "JWT", "kid": key.kid})
    body = base64.urlsafe_b64encode(payload).rstrip(b"=").decode()
    sig = hmac.new(pem, f"{header}.{body}".encode(), hashlib.sha256).digest()
    token = f"{header}.{body}.{base64.urlsafe_b64encode(sig).rstrip(b'=').decode()}"
    assert await me_status(client, token) == 401


async def test_a_token_signed_by_another_key_is_refused(client, api: Api) -> None:
    person = await api.register()
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(
        claims_for(client, person["user"]["id"]),
        stranger,
        algorithm="RS256",
        headers={"kid": server_key(client).kid},
    )
    assert await me_status(client, token) == 401


@pytest.mark.parametrize(
    "change",
    [
        {"exp": datetime.now(UTC) - timedelta(seconds=5)},
        {"aud": "someone-else"},
        {"iss": "https://evil.example"},
    ],
)
async def test_expired_or_misaddressed_tokens_are_refused(client, api: Api, change) -> None:
    person = await api.register()
    token = jwt.encode(
        claims_for(client, person["user"]["id"], **change),
        server_key(client).private_key,
        algorithm="RS256",
        headers={"kid": server_key(client).kid},
    )
    assert await me_status(client, token) == 401


async def test_a_token_without_required_claims_is_refused(client, api: Api) -> None:
    person = await api.register()
    claims = claims_for(client, person["user"]["id"])
    del claims["jti"]
    token = jwt.encode(
        claims,
        server_key(client).private_key,
        algorithm="RS256",
        headers={"kid": server_key(client).kid},
    )
    assert await me_status(client, token) == 401


async def test_tampered_payload_is_refused(client, api: Api) -> None:
    person = await api.register()
    header, _, signature = person["access_token"].split(".")
    forged = b64(
        {**claims_for(client, person["user"]["id"]), "role": "admin", "iat": 1, "exp": 2**31}
    )
    assert await me_status(client, f"{header}.{forged}.{signature}") == 401


@pytest.mark.parametrize(
    "value", ["Bearer", "Basic abc", "Bearer not.a.jwt", "Bearer ....", "Bearer " + "a" * 5000]
)
async def test_malformed_authorization_headers_are_401(client, value) -> None:
    resp = await client.get("/api/v1/users/me", headers={"Authorization": value})
    assert resp.status == 401


async def test_unknown_kid_is_refused(client, api: Api) -> None:
    person = await api.register()
    token = jwt.encode(
        claims_for(client, person["user"]["id"]),
        server_key(client).private_key,
        algorithm="RS256",
        headers={"kid": "nope"},
    )
    assert await me_status(client, token) == 401


@pytest.mark.parametrize("sub", ["12345678901234567890123", "0", "-4", "2147483648", "1e3"])
async def test_a_signed_token_for_an_impossible_account_is_401(client, sub) -> None:
    key = server_key(client)
    token = jwt.encode(
        claims_for(client, 1, sub=sub), key.private_key, algorithm="RS256", headers={"kid": key.kid}
    )
    assert await me_status(client, token) == 401


async def test_a_token_accepted_before_is_refused_once_it_expires(client, api: Api) -> None:
    """The signature is checked once per token; its expiry still counts on every call."""
    person = await api.register()
    key = server_key(client)
    soon = datetime.now(UTC) + timedelta(seconds=3)
    issued = jwt.decode(person["access_token"], options={"verify_signature": False})
    token = jwt.encode(
        {**issued, "exp": soon, "jti": "short-lived"},
        key.private_key,
        algorithm="RS256",
        headers={"kid": key.kid},
    )
    first = await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert first.status == 200, await first.text()
    assert await me_status(client, token) == 200  # the second call meets the checked token
    await asyncio.sleep(max(0.0, (soon - datetime.now(UTC)).total_seconds()) + 1.1)
    resp = await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert resp.status == 401
    assert "expired" in (await resp.json())["detail"]


async def test_an_accepted_token_of_a_deleted_account_is_refused_at_once(client, api: Api) -> None:
    person = await api.register()
    assert await me_status(client, person["access_token"]) == 200
    deleted = await client.delete("/api/v1/users/me", headers=person["headers"])
    assert deleted.status == 204
    assert await me_status(client, person["access_token"]) == 401

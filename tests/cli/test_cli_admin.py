"""crewup-admin through Typer's runner and as a real subprocess (exit codes, stderr)."""

from __future__ import annotations

import asyncio
import json
import os
import sys

import jwt

from crewup.app import create_app
from crewup.core import migrate
from tests.support.api import Api
from tests.support.cli import admin_cli, cli_env, run_admin


async def test_users_create_list_show_promote_demote(settings) -> None:
    created = await admin_cli(
        settings,
        "users",
        "create",
        "--email",
        "Zed@Example.com",
        "--display-name",
        "Zed",
        "--role",
        "moderator",
        input="a long password\na long password\n",
    )
    assert created.exit_code == 0, created.output
    listed = await admin_cli(settings, "users", "list", "--role", "moderator")
    assert "zed@example.com" in listed.output
    shown = await admin_cli(settings, "users", "show", "zed@example.com")
    assert "moderator" in shown.output
    demoted = await admin_cli(settings, "users", "demote", "zed@example.com")
    assert "now user" in demoted.output
    promoted = await admin_cli(settings, "users", "promote", "zed@example.com", "--role", "admin")
    assert "now admin" in promoted.output


async def test_created_user_can_sign_in(aiohttp_client, settings) -> None:
    result = await admin_cli(
        settings,
        "users",
        "create",
        "--email",
        "op@example.com",
        "--display-name",
        "Op",
        input="operator secret\noperator secret\n",
    )
    assert result.exit_code == 0, result.output
    client = await aiohttp_client(create_app(settings))
    login = await client.post(
        "/api/v1/auth/login", json={"email": "op@example.com", "password": "operator secret"}
    )
    assert login.status == 200


async def test_exit_codes_and_one_line_reasons(settings) -> None:
    code, _, err = await run_admin(settings, "users", "show", "999")
    assert code == 1
    assert err.strip() == "crewup-admin: user 999 not found"
    code, _, err = await run_admin(settings, "users", "promote", "1", "--role", "emperor")
    assert code == 2
    code, _, err = await run_admin(
        settings, "users", "create", "--email", "bad", "--display-name", "X", "--password", "short"
    )
    assert code == 2
    assert err.startswith("crewup-admin: the request has invalid fields")
    assert len(err.strip().splitlines()) == 1
    code, out, _ = await run_admin(settings, "db", "current")
    assert code == 0 and f"current: {migrate.head_revision()}" in out


async def test_duplicate_email_is_exit_1(settings, api: Api) -> None:
    person = await api.register()
    code, _, err = await run_admin(
        settings,
        "users",
        "create",
        "--email",
        person["email"],
        "--display-name",
        "Dup",
        "--password",
        "long enough pw",
    )
    assert code == 1
    assert "already exists" in err


async def test_bad_setting_is_one_line_and_exit_2(settings) -> None:
    env = {**os.environ, **cli_env(settings), "CREWUP_PORT": "eighty"}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "crewup",
        "serve",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await proc.communicate()
    assert proc.returncode == 2
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1 and "CREWUP_PORT" in lines[0]


async def test_seed_demo_is_idempotent_with_if_empty(settings) -> None:
    first = await admin_cli(settings, "seed", "demo", "--users", "2")
    assert first.exit_code == 0 and "seeded 2" in first.output
    again = await admin_cli(settings, "seed", "demo", "--if-empty")
    assert "nothing to seed" in again.output


async def test_full_demo_has_groups_events_and_a_waitlist(client, settings) -> None:
    seeded = await admin_cli(settings, "seed", "demo")
    assert seeded.exit_code == 0, seeded.output
    near = await (await client.get("/api/v1/events?near=52.52,13.405&radius_km=50")).json()
    listed = {e["title"]: e for e in near["items"]}
    assert set(listed) == {"Bouldering night"}  # the ride is private; the crag is far away
    night = listed["Bouldering night"]
    assert (night["going_count"], night["waitlist_count"]) == (3, 1)
    login = await client.post(
        "/api/v1/auth/login", json={"email": "ann@example.com", "password": "crewup-demo"}
    )
    token = (await login.json())["access_token"]
    mine = await client.get(
        "/api/v1/events?near=52.52,13.405&radius_km=50",
        headers={"Authorization": f"Bearer {token}"},
    )
    titles = {e["title"] for e in (await mine.json())["items"]}
    assert titles == {"Bouldering night", "Sunday ride to Potsdam"}  # Ann rides with Dina


async def test_a_withdrawn_key_takes_its_tokens_with_it_at_once(client, api: Api, settings) -> None:
    """What an operator does with a leaked key: rotate, then take the old key out of the
    keyring. Tokens it signed stop working on the next request, even one the server has
    already verified (and remembers) before."""
    before = await api.register()
    assert (await client.get("/api/v1/users/me", headers=before["headers"])).status == 200
    old_kid = jwt.get_unverified_header(before["access_token"])["kid"]
    result = await admin_cli(settings, "keys", "rotate")
    assert result.exit_code == 0, result.output
    assert (await client.get("/api/v1/users/me", headers=before["headers"])).status == 200

    index = settings.data_dir / "keys" / "keyring.json"
    keyring = json.loads(index.read_text())
    keyring["keys"] = [k for k in keyring["keys"] if k["kid"] != old_kid]
    index.write_text(json.dumps(keyring))
    refused = await client.get("/api/v1/users/me", headers=before["headers"])
    assert refused.status == 401
    assert "unknown key" in (await refused.json())["detail"]


async def test_keys_rotate_keeps_old_tokens_valid_and_signs_with_the_new_key(
    client, api: Api, settings
) -> None:
    before = await api.register()
    old_kid = jwt.get_unverified_header(before["access_token"])["kid"]
    result = await admin_cli(settings, "keys", "rotate")
    assert result.exit_code == 0, result.output
    # The running server notices the new keyring without a restart.
    after = await api.register()
    new_kid = jwt.get_unverified_header(after["access_token"])["kid"]
    assert new_kid != old_kid
    assert (await client.get("/api/v1/users/me", headers=before["headers"])).status == 200
    kids = {k["kid"] for k in (await (await client.get("/.well-known/jwks.json")).json())["keys"]}
    assert kids == {old_kid, new_kid}

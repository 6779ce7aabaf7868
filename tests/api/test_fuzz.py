"""A quick fuzz pass: schemathesis generates requests from /api/openapi.json (valid ones
and deliberately invalid ones), sent by a signed-in person, half of them aimed at real
groups, events and posts; no answer may be a 5xx."""

from __future__ import annotations

import base64
import json
import random
from collections import Counter
from collections.abc import Callable

import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from crewup.core.settings import Settings
from tests.support.api import PASSWORD
from tests.support.live_server import live_server

EXAMPLES_PER_MODE = 150
# Ending the fuzzer's own account would leave it unauthenticated for the rest of the pass.
SKIPPED = {("DELETE", "/api/v1/users/me")}


def _world(base: str) -> tuple[dict[str, str], dict[str, list[int]]]:
    def call(method: str, path: str, body: dict, token: str | None = None) -> dict:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        resp = requests.request(method, base + path, json=body, headers=headers, timeout=10)
        assert resp.status_code < 300, resp.text
        return resp.json()

    me = call(
        "POST",
        "/api/v1/auth/register",
        {"email": "fuzz@example.com", "password": PASSWORD, "display_name": "Fuzz"},
    )
    token = me["access_token"]
    group = call("POST", "/api/v1/groups", {"name": "Fuzz club", "category": "games"}, token)
    event = call(
        "POST",
        "/api/v1/events",
        {
            "group_id": group["id"],
            "title": "Fuzz night",
            "location_name": "Hall",
            "lat": 52.5,
            "lon": 13.4,
            "starts_at": "2030-01-01T18:00:00Z",
            "ends_at": "2030-01-01T21:00:00Z",
            "capacity": 3,
        },
        token,
    )
    post = call("POST", f"/api/v1/groups/{group['id']}/posts", {"title": "Hi", "body": "x"}, token)
    ids = {
        "group_id": [group["id"]],
        "event_id": [event["id"]],
        "post_id": [post["id"]],
        "user_id": [me["user"]["id"]],
    }
    return {"Authorization": f"Bearer {token}"}, ids


def test_fuzzed_requests_never_get_a_5xx(make_settings: Callable[..., Settings]) -> None:
    with live_server(make_settings()) as base:
        headers, ids = _world(base)
        schema = schemathesis.openapi.from_dict(requests.get(f"{base}/api/openapi.json").json())
        rng = random.Random(7)
        statuses: Counter[int] = Counter()
        failures: list[str] = []
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(
                max_examples=EXAMPLES_PER_MODE,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=schema.as_strategy(generation_mode=mode))
            def probe(case: schemathesis.Case) -> None:
                if (case.method.upper(), case.path) in SKIPPED:
                    return
                if case.path_parameters and rng.random() < 0.5:
                    for name in case.path_parameters:
                        if name in ids:
                            case.path_parameters[name] = rng.choice(ids[name])
                resp = case.call(base_url=base, headers=headers, timeout=10)
                statuses[resp.status_code] += 1
                if resp.status_code >= 500:
                    failures.append(
                        f"{case.method} {case.formatted_path} query={case.query} "
                        f"body={case.body!r:.200} -> {resp.status_code} {resp.text[:200]}"
                    )

            probe()
        assert not failures, "\n".join(failures[:10])
        assert sum(n for code, n in statuses.items() if code < 300) > 20, statuses


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
CURSOR_KEYS = st.sampled_from(["id", "t", "d", "user_id", "seq", "position"])
CURSORS = JSON | st.dictionaries(CURSOR_KEYS, JSON, max_size=3)
INSTANTS = st.one_of(
    st.sampled_from(
        ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59", "1969-12-31T23:59Z"]
    ),
    st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    st.builds(
        lambda y, off: f"{y:04d}-12-31T23:59:59{off}",
        st.integers(1, 9999),
        st.sampled_from(["-23:59", "+23:59", "Z", "+00:00", ""]),
    ),
    st.text(max_size=30),
)


def test_fuzzed_cursors_instants_and_text_never_get_a_5xx(
    make_settings: Callable[..., Settings],
) -> None:
    """The classes of input that once broke the server, drawn widely: any JSON inside a
    cursor, any instant (any year, any offset) as a filter or an event time, any
    characters in one-line fields."""
    with live_server(make_settings()) as base:
        headers, ids = _world(base)
        group, event, post = ids["group_id"][0], ids["event_id"][0], ids["post_id"][0]
        lists = [
            "/api/v1/events",
            "/api/v1/events?near=52.5,13.4",
            "/api/v1/groups",
            f"/api/v1/groups/{group}/posts",
            f"/api/v1/groups/{group}/members",
            f"/api/v1/posts/{post}/comments",
            f"/api/v1/events/{event}/participants?status=waitlisted",
            "/events",
            "/groups",
        ]
        failures: list[str] = []

        def check(resp: requests.Response, what: str) -> None:
            if resp.status_code >= 500:
                failures.append(f"{what} -> {resp.status_code} {resp.text[:200]}")

        @settings(
            max_examples=60,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(
            payload=CURSORS,
            where=st.sampled_from(lists),
            moment=INSTANTS,
            text=st.text(max_size=40),
        )
        def probe(payload: object, where: str, moment: str, text: str) -> None:
            raw = json.dumps(payload).encode()
            token = base64.urlsafe_b64encode(raw).decode().rstrip("=")
            sep = "&" if "?" in where else "?"
            check(requests.get(f"{base}{where}{sep}cursor={token}", headers=headers), where)
            for name in ("from", "to"):
                check(
                    requests.get(f"{base}/api/v1/events", params={name: moment}),
                    f"events {name}={moment!r}",
                )
            check(
                requests.get(
                    f"{base}/api/v1/calendar",
                    params={"from": "2026-01-01T00:00:00Z", "to": moment},
                    headers=headers,
                ),
                f"calendar to={moment!r}",
            )
            edit = {"title": text or "x", "starts_at": moment, "location_name": text or "x"}
            check(
                requests.patch(f"{base}/api/v1/events/{event}", json=edit, headers=headers),
                f"edit {edit!r}",
            )
            check(requests.get(f"{base}/api/v1/events/{event}/ics", headers=headers), "ics")

        probe()
        assert not failures, "\n".join(failures[:10])

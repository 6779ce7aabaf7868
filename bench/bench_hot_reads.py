"""The hot reads beside bare aiohttp and /healthz, on one server in one run (issue 17).

For each path: req/s and p99 under wrk, and the server process's CPU time per request
(utime + stime from /proc over the same run), which the machine's noise disturbs much
less than req/s. Goals printed beside the figures: /healthz at least 80% of a bare
aiohttp `json_response` hello; every other hot read at least 30% of /healthz.

Every path is first asked once and its answer checked (status 200, the expected ids,
non-empty lists); a wrong answer, or any non-2xx or socket error under load, makes the
run fail with a non-zero exit instead of reporting a figure.
Runs on the embedded SQLite default, and on PostgreSQL too with --postgres URL.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
from collections.abc import Callable
from typing import Any

from common import (
    bare_hello,
    cpu_seconds,
    crewup_server,
    http_json,
    last_server_pid,
    machine,
    recreate_postgres,
    seed_demo,
    wait_until_idle,
    wrk,
)

parser = argparse.ArgumentParser()
parser.add_argument("--seconds", type=int, default=10)
parser.add_argument("--events", type=int, default=10_000)
parser.add_argument("--connections", type=int, default=16)
parser.add_argument("--postgres", help="also run on this PostgreSQL database URL (emptied)")
parser.add_argument("--only-postgres", action="store_true", help="skip the SQLite run")
args, _ = parser.parse_known_args()
failures: list[str] = []


def seed(database_url: str) -> None:
    seeded = seed_demo(
        database_url,
        *("--users", str(max(1000, args.events // 10))),
        *("--groups", str(max(20, args.events // 100)), "--events", str(args.events)),
        *("--posts", str(max(200, args.events // 5)), "--seed", "17"),
    )
    print(f"seeded {seeded.tables['events'][0]:,} events in {seeded.seconds:.1f} s")


def fetch(url: str, token: str | None = None) -> Any:
    """One GET; anything but a 200 with a JSON body is a wrong answer."""
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as resp:
        if resp.status != 200:
            raise SystemExit(f"{url}: status {resp.status}")
        return json.loads(resp.read())


def expect(what: str, ok: bool) -> None:
    if not ok:
        raise SystemExit(f"wrong answer: {what}")


def pick_targets(base: str) -> dict[str, int]:
    """A public event with people going, its group, and that group having posts."""
    page = fetch(f"{base}/api/v1/events?limit=100")
    for event in page["items"]:
        if event["going_count"] == 0:
            continue
        posts = fetch(f"{base}/api/v1/groups/{event['group_id']}/posts")
        if posts["items"]:
            return {"event": event["id"], "group": event["group_id"]}
    raise SystemExit("no public event with people going in a group with posts: seeding failed")


def measure(
    pid: int, url: str, script: str = "bench/plain.lua", env: dict[str, str] | None = None
) -> dict[str, float]:
    before = cpu_seconds(pid)
    figures = wrk(url, script, seconds=args.seconds, connections=args.connections, env=env)
    used = cpu_seconds(pid) - before
    figures["cpu_ms"] = 1000 * used / max(1, figures["requests"])
    # A slow answer (wrk gives up after 2 s on a crowded machine) is not a wrong one.
    if figures["errors"] - figures["timeouts"]:
        failures.append(f"{url}: {figures['non_2xx']:.0f} non-2xx answers, or socket errors")
    return figures


def run(label: str, env: dict[str, str]) -> None:
    if "CREWUP_DATABASE_URL" in env:
        recreate_postgres(env["CREWUP_DATABASE_URL"])
    rows: list[tuple[str, dict[str, float]]] = []
    with bare_hello() as (hello_url, hello_pid):
        expect("bare hello", fetch(hello_url) == {"status": "ok"})
        rows.append(("bare aiohttp json_response hello", measure(hello_pid, hello_url)))
    with crewup_server(env, before_start=seed) as base:
        pid = last_server_pid()
        account = {"email": "hot@example.com", "password": "bench password 123"}
        token = http_json(f"{base}/api/v1/auth/register", {**account, "display_name": "Hot"})[
            "access_token"
        ]
        bearer = {"BENCH_TOKEN": token}
        ids = pick_targets(base)
        print(f"server idle after {wait_until_idle(pid):.1f} s")
        event, group = ids["event"], ids["group"]
        checks: list[tuple[str, str, Callable[[Any], bool], dict[str, str] | None]] = [
            ("GET /healthz", "/healthz", lambda a: a == {"status": "ok"}, None),
            (
                "GET /api/v1/users/me (bearer)",
                "/api/v1/users/me",
                lambda a: a["email"] == account["email"],
                bearer,
            ),
            (
                "GET event (anonymous)",
                f"/api/v1/events/{event}",
                lambda a: a["id"] == event and a["my_rsvp"] is None,
                None,
            ),
            ("GET event (bearer)", f"/api/v1/events/{event}", lambda a: a["id"] == event, bearer),
            ("GET group (anonymous)", f"/api/v1/groups/{group}", lambda a: a["id"] == group, None),
            (
                "GET group posts (anonymous)",
                f"/api/v1/groups/{group}/posts",
                lambda a: bool(a["items"]),
                None,
            ),
            (
                "GET event participants (anon)",
                f"/api/v1/events/{event}/participants",
                lambda a: bool(a["going"]["items"]),
                None,
            ),
        ]
        for name, path, check, wrk_env in checks:
            answer = fetch(base + path, (wrk_env or {}).get("BENCH_TOKEN"))
            expect(f"{name}: {str(answer)[:300]}", check(answer))
            script = "bench/bearer.lua" if wrk_env else "bench/plain.lua"
            rows.append((name, measure(pid, base + path, script, wrk_env)))
        near = fetch(f"{base}/api/v1/events?near=52.52,13.405&radius_km=10&limit=20")
        expect("nearby finds events around Berlin", len(near["items"]) == 20)
        rows.append(
            ("near=, a new place every request", measure(pid, base, "bench/near_points.lua"))
        )
    report(f"hot reads, {label}, one crewup serve process, {args.events:,} events", rows)


def report(title: str, rows: list[tuple[str, dict[str, float]]]) -> None:
    figures = dict(rows)
    bare = figures["bare aiohttp json_response hello"]["rps"]
    healthz = figures["GET /healthz"]["rps"]
    print(f"\n{title}\n{machine()}")
    print(
        f"{'path':<36}{'req/s':>9}{'p99 ms':>8}{'CPU ms/req':>12}"
        f"{'vs bare':>9}{'vs /healthz':>13}{'t/o':>5}  goal"
    )
    for name, f in rows:
        if name == "GET /healthz":
            goal, met = "≥ 0.80 of bare", f["rps"] >= 0.8 * bare
        elif name.startswith("bare"):
            goal, met = "", True
        elif name.startswith("near="):
            goal, met = "(≥ 0.35 of bare on all cores: bench_events)", True
        else:
            goal, met = "≥ 0.30 of /healthz", f["rps"] >= 0.3 * healthz
        print(
            f"{name:<36}{f['rps']:>9.0f}{f['p99_ms']:>8.2f}{f['cpu_ms']:>12.3f}"
            f"{f['rps'] / bare:>9.3f}{f['rps'] / healthz:>13.3f}{f['timeouts']:>5.0f}  {goal}"
            f"{'' if met else '  (not met)'}"
        )


if not args.only_postgres:
    run("SQLite (embedded default)", {})
if args.postgres:
    run("PostgreSQL", {"CREWUP_DATABASE_URL": args.postgres})
sys.stdout.flush()
if failures:
    raise SystemExit("wrong answers under load:\n" + "\n".join(failures))

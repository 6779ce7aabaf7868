"""The hot reads beside bare aiohttp and /healthz, on one server in one run (issue 17).

For each path: req/s and p99 under wrk, and the server process's CPU time per request
(utime + stime from /proc over the same run), which the machine's noise disturbs much
less than req/s. Goals printed beside the figures: /healthz at least 80% of a bare
aiohttp `json_response` hello; every other hot read at least 30% of /healthz.

Every path is first asked once and its answer checked (status 200, the expected ids,
non-empty lists); a wrong answer, or any non-2xx or socket error under load, makes the
run fail with a non-zero exit instead of reporting a figure.
Runs on the embedded SQLite default, and on PostgreSQL too with --postgres URL.

`--rounds N` measures every path N times (rows are medians). `--both-loops` (PostgreSQL
only) serves the one seeded database from two servers, one on asyncio's event loop and
one on uvloop, each with its own bare hello on the same loop, and measures them in turns
path by path, so a shared machine's noise falls on both alike; it ends with the change
in CPU per request, path by path.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import urllib.request
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
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
parser.add_argument("--rounds", type=int, default=1, help="each path this many times")
parser.add_argument(
    "--both-loops",
    action="store_true",
    help="two servers on one database (PostgreSQL only), on asyncio's loop and on uvloop, "
    "measured path by path in turns",
)
args, _ = parser.parse_known_args()
if args.both_loops and not (args.postgres and args.only_postgres):
    parser.error(
        "--both-loops serves one database from two servers: --postgres URL --only-postgres"
    )
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


@dataclass
class Server:
    """One crewup serve under test, its bare aiohttp beside it, and what is asked of it."""

    loop: str | None  # CREWUP_EVENT_LOOP, or None: as the environment says
    hello_pid: int
    hello_url: str
    pid: int
    base: str
    checks: list[tuple[str, str, str, dict[str, str] | None]]  # name, url, script, env
    rows: dict[str, list[dict[str, float]]]


def start(stack: ExitStack, env: dict[str, str], loop: str | None, seeded: bool) -> Server:
    which = {"CREWUP_EVENT_LOOP": loop} if loop else {}
    hello_url, hello_pid = stack.enter_context(bare_hello(which))
    expect("bare hello", fetch(hello_url) == {"status": "ok"})
    base = stack.enter_context(crewup_server({**env, **which}, None if seeded else seed))
    pid = last_server_pid()
    email = f"hot-{loop or 'default'}@example.com"
    account = {"email": email, "password": "bench password 123"}
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
            lambda a: a["email"] == email,
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
    asked: list[tuple[str, str, str, dict[str, str] | None]] = []
    for name, path, check, wrk_env in checks:
        answer = fetch(base + path, (wrk_env or {}).get("BENCH_TOKEN"))
        expect(f"{name}: {str(answer)[:300]}", check(answer))
        asked.append(
            (name, base + path, "bench/bearer.lua" if wrk_env else "bench/plain.lua", wrk_env)
        )
    near = fetch(f"{base}/api/v1/events?near=52.52,13.405&radius_km=10&limit=20")
    expect("nearby finds events around Berlin", len(near["items"]) == 20)
    asked.append(("near=, a new place every request", base, "bench/near_points.lua", None))
    return Server(loop, hello_pid, hello_url, pid, base, asked, {})


def run(label: str, env: dict[str, str]) -> None:
    """Each path on each server in turn (with --both-loops: asyncio's loop and uvloop,
    in alternating order from round to round, then the next path), `--rounds` times; a
    row's figures are the rounds' medians."""
    if "CREWUP_DATABASE_URL" in env:
        recreate_postgres(env["CREWUP_DATABASE_URL"])
    loops: list[str | None] = ["asyncio", "uvloop"] if args.both_loops else [None]
    with ExitStack() as stack:
        servers = [start(stack, env, loop, seeded=n > 0) for n, loop in enumerate(loops)]
        for round_ in range(args.rounds):
            for step in range(len(servers[0].checks) + 1):
                # Every other round the other server first: no loop always goes first.
                for server in servers if round_ % 2 == 0 else servers[::-1]:
                    if step == 0:
                        name, pid, url, script, wrk_env = (
                            "bare aiohttp json_response hello",
                            server.hello_pid,
                            server.hello_url,
                            "bench/plain.lua",
                            None,
                        )
                    else:
                        name, url, script, wrk_env = server.checks[step - 1]
                        pid = server.pid
                    figures = measure(pid, url, script, wrk_env)
                    server.rows.setdefault(name, []).append(figures)
    for server in servers:
        on = f", servers on {server.loop}" if server.loop else ""
        rows = [(name, medians(runs)) for name, runs in server.rows.items()]
        report(f"hot reads, {label}, one crewup serve process, {args.events:,} events{on}", rows)
    if len(servers) == 2:
        compare(servers)


def medians(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(r[key] for r in runs) for key in runs[0]}


def compare(servers: list[Server]) -> None:
    """CPU per request on the second loop against the first, path by path and round by
    round (each pair measured back to back)."""
    a, b = servers
    print(f"\nCPU ms/req, {a.loop} → {b.loop}, each round's pair back to back")
    print(f"{'path':<36}{a.loop:>10}{b.loop:>10}{'change':>9}  per round")
    for name, runs in a.rows.items():
        mine, theirs = [r["cpu_ms"] for r in runs], [r["cpu_ms"] for r in b.rows[name]]
        each = " ".join(f"{y / x - 1:+.0%}" for x, y in zip(mine, theirs, strict=True))
        x, y = statistics.median(mine), statistics.median(theirs)
        print(f"{name:<36}{x:>10.4f}{y:>10.4f}{y / x - 1:>+9.1%}  {each}")


def report(title: str, rows: list[tuple[str, dict[str, float]]]) -> None:
    figures = dict(rows)
    bare = figures["bare aiohttp json_response hello"]["rps"]
    healthz = figures["GET /healthz"]["rps"]
    print(f"\n{title}\n{machine(with_loop=not args.both_loops)}")
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

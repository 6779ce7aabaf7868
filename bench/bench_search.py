"""GET /api/v1/search over a demo world (default 100k posts, 10k groups, 100k events),
beside bare /healthz in the same run: the maximum rate flat out, then p99 at 70% of it
with constant-rate pacing (paced.lua), for a one-word and a two-word query, and the
server's CPU per request over sequential requests (from /proc, after the server is idle).

Seeding the 100k world takes minutes: `--existing URL` runs on a database seeded before
(by an earlier run or `crewup-admin seed demo`), left as it is: a PostgreSQL URL, or
`sqlite:////path/to/crewup.sqlite3` for the embedded default.

The words come from the seeded world itself (the newest group's name), so the queries
find something; the answer is checked before any load is sent.
"""

from __future__ import annotations

import argparse
import re
import time
from urllib.parse import quote

from common import (
    cpu_seconds,
    crewup_server,
    http_json,
    last_server_pid,
    print_table,
    recreate_postgres,
    seed_demo,
    wait_until_idle,
    wrk,
)

parser = argparse.ArgumentParser()
parser.add_argument("--seconds", type=int, default=10)
parser.add_argument("--groups", type=int, default=10_000)
parser.add_argument("--events", type=int, default=100_000)
parser.add_argument("--posts", type=int, default=100_000)
parser.add_argument("--postgres", help="also run on this PostgreSQL database URL (emptied)")
parser.add_argument("--only-postgres", action="store_true", help="skip the SQLite run")
parser.add_argument("--existing", help="run on this seeded database URL (PostgreSQL or SQLite)")
parser.add_argument("--sequential", type=int, default=200, help="requests for CPU per request")
args, _ = parser.parse_known_args()


def seed(database_url: str) -> None:
    seeded = seed_demo(
        database_url,
        *("--users", str(max(1000, args.groups * 2)), "--groups", str(args.groups)),
        *("--events", str(args.events), "--posts", str(args.posts), "--seed", "7"),
    )
    counts = ", ".join(f"{t[0]:,} {name}" for name, t in seeded.tables.items())
    print(f"seeded {counts} in {seeded.seconds:.1f} s")


def _queries(base: str) -> tuple[str, str]:
    name = http_json(f"{base}/api/v1/groups?limit=1")["items"][0]["name"]
    words = re.findall(r"[^\W_]+", name.lower())
    one = words[0][:4]  # a prefix, as typed
    two = " ".join(words[:2]) if len(words) > 1 else f"{words[0]} {words[0]}"
    return one, two


def cpu_per_request(url: str) -> tuple[float, float]:
    """Server CPU ms and wall ms per request, one request at a time (after warm-ups)."""
    for _ in range(20):
        http_json(url)
    pid = last_server_pid()
    started, before = time.perf_counter(), cpu_seconds(pid)
    for _ in range(args.sequential):
        http_json(url)
    used, wall = cpu_seconds(pid) - before, time.perf_counter() - started
    return 1000 * used / args.sequential, 1000 * wall / args.sequential


def run(label: str, env: dict[str, str], *, existing: bool = False) -> None:
    if "CREWUP_DATABASE_URL" in env and not existing:
        recreate_postgres(env["CREWUP_DATABASE_URL"])
    with crewup_server(env, before_start=None if existing else seed) as base:
        print(f"server idle after {wait_until_idle(last_server_pid()):.1f} s")
        rows = [("GET /healthz", wrk(f"{base}/healthz", seconds=args.seconds))]
        for words, q in zip(("one word", "two words"), _queries(base), strict=True):
            url = f"{base}/api/v1/search?q={quote(q)}&limit=20"
            found = http_json(url)["items"]
            assert found, f"search for {q!r} found nothing: seeding failed"
            print(f"{label}: {words} {q!r} -> {len(found)} results on the first page")
            cpu_ms, wall_ms = cpu_per_request(url)
            print(
                f"{label}: {words} {q!r}, one at a time: {cpu_ms:.2f} ms server CPU,"
                f" {wall_ms:.2f} ms wall per request"
            )
            top = wrk(url, seconds=args.seconds)
            rows.append((f"search {words} ({q}), max", top))
            paced = wrk(url, seconds=args.seconds, rate=max(1.0, 0.7 * top["rps"]))
            rows.append((f"search {words} ({q}), 70% of max", paced))
    size = f"{args.posts:,} posts, {args.groups:,} groups, {args.events:,} events"
    print_table(f"search, {size}, {label}, one process", rows, "GET /healthz")


if args.existing:
    engine = "SQLite" if args.existing.startswith("sqlite") else "PostgreSQL"
    run(f"{engine} (existing)", {"CREWUP_DATABASE_URL": args.existing}, existing=True)
elif not args.only_postgres:
    run("SQLite (embedded default)", {})
if args.postgres and not args.existing:
    run("PostgreSQL", {"CREWUP_DATABASE_URL": args.postgres})

"""GET /api/v1/groups?near=... with 10,000 groups, beside bare /healthz in the same run.

The groups are a demo world's (`crewup-admin seed demo`, the one seeding path): clustered
in a handful of European cities, Berlin the largest. The query asks for the nearest 20
within 10 km of Berlin's centre, as the directory page does.
"""

from __future__ import annotations

import argparse

from common import crewup_server, http_json, print_table, recreate_postgres, seed_demo, wrk

parser = argparse.ArgumentParser()
parser.add_argument("--seconds", type=int, default=10)
parser.add_argument("--groups", type=int, default=10_000)
parser.add_argument("--postgres", help="also run on this PostgreSQL database URL (emptied)")
args, _ = parser.parse_known_args()


def seed(database_url: str) -> None:
    # Few events and posts: this benchmark reads groups only.
    seeded = seed_demo(
        database_url,
        *("--users", str(args.groups * 2), "--groups", str(args.groups)),
        *("--events", "0", "--posts", "0", "--seed", "7"),
    )
    print(f"seeded {seeded.tables['groups'][0]:,} groups in {seeded.seconds:.1f} s")


def run(label: str, env: dict[str, str]) -> None:
    if "CREWUP_DATABASE_URL" in env:
        recreate_postgres(env["CREWUP_DATABASE_URL"])
    with crewup_server(env, before_start=seed) as base:
        near = f"{base}/api/v1/groups?near=52.52,13.405&radius_km=10&limit=20"
        found = http_json(near)["items"]
        # A benchmark of an empty answer measures nothing; say what it measured.
        assert found, "the nearby query found no groups: seeding failed"
        print(
            f"{label}: the query returns {len(found)} groups, nearest "
            f"{found[0]['distance_km']} km, farthest {found[-1]['distance_km']} km"
        )
        rows = [
            ("GET /healthz", wrk(f"{base}/healthz", "bench/plain.lua", seconds=args.seconds)),
            (
                "GET /api/v1/groups?near= (10 km)",
                wrk(near, "bench/plain.lua", seconds=args.seconds),
            ),
        ]
    print_table(f"nearby groups, {args.groups} groups, {label}, one process", rows, "GET /healthz")


run("SQLite (embedded default)", {})
if args.postgres:
    run("PostgreSQL", {"CREWUP_DATABASE_URL": args.postgres})

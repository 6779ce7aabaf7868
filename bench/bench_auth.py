"""Login and /users/me throughput beside bare /healthz, on the same server in one run.

Login is bound by argon2id at production cost (RFC 9106, 64 MiB, t=3) by design;
/users/me is the price of an authenticated request (JWT check + one primary-key read).
Runs on the embedded SQLite default, and on PostgreSQL too with --postgres URL.
"""

from __future__ import annotations

import argparse
import sys

from common import crewup_server, http_json, print_table, wrk

parser = argparse.ArgumentParser()
parser.add_argument("--seconds", type=int, default=10)
parser.add_argument("--postgres", help="also run on this PostgreSQL database URL (emptied)")
args, _ = parser.parse_known_args()


def run(label: str, env: dict[str, str]) -> None:
    with crewup_server(env) as base:
        account = {"email": "bench@example.com", "password": "bench password 123"}
        tokens = http_json(f"{base}/api/v1/auth/register", {**account, "display_name": "Bench"})
        bench_env = {
            "BENCH_EMAIL": account["email"],
            "BENCH_PASSWORD": account["password"],
            "BENCH_TOKEN": tokens["access_token"],
        }
        rows = [
            (
                "GET /healthz",
                wrk(f"{base}/healthz", "bench/bearer.lua", seconds=args.seconds, env=bench_env),
            ),
            (
                "GET /api/v1/users/me (bearer)",
                wrk(
                    f"{base}/api/v1/users/me",
                    "bench/bearer.lua",
                    seconds=args.seconds,
                    env=bench_env,
                ),
            ),
            (
                "POST /api/v1/auth/login",
                wrk(
                    f"{base}/api/v1/auth/login",
                    "bench/login.lua",
                    seconds=args.seconds,
                    connections=8,
                    env=bench_env,
                ),
            ),
        ]
    print_table(f"auth throughput, {label}, one crewup serve process", rows, "GET /healthz")


run("SQLite (embedded default)", {})
if args.postgres:
    run("PostgreSQL", {"CREWUP_DATABASE_URL": args.postgres})
sys.stdout.flush()

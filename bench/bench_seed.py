"""Seeding a demo world with `crewup-admin seed demo`, on SQLite and (with --postgres)
PostgreSQL: wall time of the whole command, rows/s per table, peak memory.

Goals (issue 15): --size city (100k people, 10k groups, 100k events, 300k posts) in
< 60 s on PostgreSQL and < 120 s on SQLite, peak memory < 500 MB. --size town is
shown beside it, as what `make run`-sized experiments cost.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

from common import BIN, machine, recreate_postgres, seed_demo

parser = argparse.ArgumentParser()
parser.add_argument("--sizes", default="town,city", help="comma-separated --size values")
parser.add_argument("--seed", default="1")
parser.add_argument("--postgres", help="also run on this PostgreSQL database URL (emptied)")
args, _ = parser.parse_known_args()

GOALS = {"PostgreSQL": 60.0, "SQLite (embedded default)": 120.0}
MEMORY_GOAL_MB = 500.0


def fresh(label: str, data_dir: Path) -> str:
    if label.startswith("SQLite"):
        url = f"sqlite:///{data_dir / 'crewup.sqlite3'}"
    else:
        assert args.postgres
        recreate_postgres(args.postgres)
        url = args.postgres
    subprocess.run(
        [str(BIN / "crewup-admin"), "db", "upgrade"],
        env={"CREWUP_DATABASE_URL": url, "CREWUP_DATA_DIR": str(data_dir), "PATH": ""},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return url


def run(label: str) -> None:
    print(f"\nseed demo, {label}\n{machine()}")
    print(f"{'size':<9}{'seconds':>9}{'goal s':>8}{'peak MB':>9}{'goal MB':>9}")
    for size in args.sizes.split(","):
        with tempfile.TemporaryDirectory(prefix="crewup-bench-seed-") as data_dir:
            url = fresh(label, Path(data_dir))
            seeded = seed_demo(url, "--size", size, "--seed", args.seed)
        goal = f"{GOALS[label]:.0f}" if size == "city" else ""
        print(
            f"{size:<9}{seeded.seconds:>9.1f}{goal:>8}{seeded.peak_rss_mb:>9.0f}"
            f"{MEMORY_GOAL_MB:>9.0f}"
        )
        for table, (rows, rate) in seeded.tables.items():
            print(f"    {table:<22}{rows:>12,} rows{rate:>12,.0f} rows/s")
        if size == "city":
            met = seeded.seconds < GOALS[label] and seeded.peak_rss_mb < MEMORY_GOAL_MB
            print(f"  goal for --size city on {label}: {'met' if met else 'MISSED'}")


run("SQLite (embedded default)")
if args.postgres:
    run("PostgreSQL")

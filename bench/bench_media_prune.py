"""Pruning unreferenced image files (`crewup-admin media prune`) on the embedded
default: a store of --people avatars (two files each) of which --orphans are no longer
referenced and old; the prune's CPU time (user + system, from the child's rusage, so
neighbours inflate it little) and wall time, and how many files went.
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

from common import BIN, machine

parser = argparse.ArgumentParser()
parser.add_argument("--people", type=int, default=20_000)
parser.add_argument("--orphans", type=int, default=5_000)
args, _ = parser.parse_known_args()

OLD = time.time() - 7 * 86400


def key(n: int) -> str:
    return f"{n:032x}"


def build(data_dir: Path) -> dict[str, str]:
    env = {"CREWUP_DATA_DIR": str(data_dir), "PATH": ""}
    subprocess.run([str(BIN / "crewup-admin"), "db", "upgrade"], env=env, check=True)
    with sqlite3.connect(data_dir / "crewup.sqlite3") as db:
        db.executemany(
            "INSERT INTO users (email, display_name, interests, role, avatar) "
            "VALUES (?, ?, '[]', 'user', ?)",
            [(f"p{n}@example.com", f"P{n}", key(n)) for n in range(args.people)],
        )
    media = data_dir / "media"
    for n in range(args.people + args.orphans):
        for width in (64, 256):
            name = f"{key(n)}-{width}.webp"
            path = media / name[:2] / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"RIFF....WEBP")
            os.utime(path, (OLD, OLD))
    return env


def main() -> None:
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        env = build(Path(tmp))
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        load = os.getloadavg()[0]
        started = time.monotonic()
        out = subprocess.run(
            [str(BIN / "crewup-admin"), "media", "prune"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        wall = time.monotonic() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        files = 2 * (args.people + args.orphans)
        print("| files | referenced rows | outcome | CPU s | wall s | load |")
        print("|---|---|---|---|---|---|")
        print(f"| {files:,} | {args.people:,} | {out} | {cpu:.2f} | {wall:.2f} | {load:.1f} |")


if __name__ == "__main__":
    main()

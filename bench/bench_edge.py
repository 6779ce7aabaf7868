"""/healthz beside a bare aiohttp `json_response` hello: what CrewUp's edge costs (issue 17).

Both servers run at once (SQLite, nothing seeded) and are measured in turns, round after
round, so that a shared machine's noise falls on both alike: wrk against one, then the
other, each time the server's own CPU time (utime + stime from /proc) divided by the
requests it answered. Prints each round and the medians, and /healthz's ratio to bare by
CPU per request (the issue's goal: at least 0.80).

`--code DIR` also serves /healthz from another checkout's `crewup` package (PYTHONPATH),
in the same rounds: before and after figures of a change under the same conditions.
`--both-loops` serves the bare hello and /healthz once on asyncio's event loop and once on
uvloop (CREWUP_EVENT_LOOP), all four in the same rounds.
`--access-log` measures /healthz with the access log on (the default setting; healthy
probe answers are left out of it) instead of off, as bench_hot_reads.py runs it.
"""

from __future__ import annotations

import argparse
import statistics
from contextlib import ExitStack

from common import bare_hello, cpu_seconds, crewup_server, last_server_pid, machine, wrk

parser = argparse.ArgumentParser()
parser.add_argument("--rounds", type=int, default=5)
parser.add_argument("--seconds", type=int, default=5)
parser.add_argument("--connections", type=int, default=16)
parser.add_argument("--code", help="a checkout whose crewup package serves a second /healthz")
parser.add_argument("--access-log", action="store_true")
parser.add_argument("--both-loops", action="store_true", help="asyncio and uvloop, same rounds")
args, _ = parser.parse_known_args()


def cpu_per_request(pid: int, url: str) -> tuple[float, float]:
    """(CPU ms per request, req/s) of one wrk run; a non-2xx answer stops the benchmark."""
    before = cpu_seconds(pid)
    figures = wrk(url, seconds=args.seconds, connections=args.connections, threads=1)
    used = cpu_seconds(pid) - before
    if figures["errors"] - figures["timeouts"]:
        raise SystemExit(f"{url}: {figures['non_2xx']:.0f} non-2xx answers, or socket errors")
    return 1000 * used / max(1, figures["requests"]), figures["rps"]


def main() -> None:
    log = {"CREWUP_ACCESS_LOG": "true" if args.access_log else "false"}
    loops = ["asyncio", "uvloop"] if args.both_loops else [None]
    with ExitStack() as servers:
        targets: list[tuple[str, int, str]] = []
        for loop in loops:
            which = {"CREWUP_EVENT_LOOP": loop} if loop else {}
            hello_url, hello_pid = servers.enter_context(bare_hello(which))
            on = f" on {loop}" if loop else ""
            targets.append((f"bare aiohttp json_response hello{on}", hello_pid, hello_url))
            base = servers.enter_context(crewup_server({**log, **which}))
            targets.append((f"GET /healthz{on}", last_server_pid(), f"{base}/healthz"))
        if args.code:
            other = servers.enter_context(crewup_server({**log, "PYTHONPATH": args.code}))
            targets.append((f"GET /healthz ({args.code})", last_server_pid(), f"{other}/healthz"))
        for _name, pid, url in targets:  # warm up: first requests import and build things
            cpu_per_request(pid, url)
        cpu: dict[str, list[float]] = {name: [] for name, _, _ in targets}
        rps: dict[str, list[float]] = {name: [] for name, _, _ in targets}
        for round_ in range(args.rounds):
            # Every other round in the opposite order: what comes first in a round (a
            # neighbour's burst, a warm cache) falls on each server alike.
            for name, pid, url in targets if round_ % 2 == 0 else targets[::-1]:
                ms, rate = cpu_per_request(pid, url)
                cpu[name].append(ms)
                rps[name].append(rate)
                print(f"round {round_ + 1}: {name:<44} {ms:.4f} ms CPU/req, {rate:,.0f} req/s")
    print(f"\n/healthz beside bare aiohttp, access log {'on' if args.access_log else 'off'}")
    print(machine(with_loop=not args.both_loops))
    print(f"{'server':<44}{'CPU ms/req':>11}{'min':>8}{'max':>8}{'req/s':>9}{'bare/this':>10}")
    bare = statistics.median(cpu[targets[0][0]])
    for name, _, _ in targets:
        if name.startswith("bare"):  # each server's ratio is to the bare hello on its loop
            bare = statistics.median(cpu[name])
        mid = statistics.median(cpu[name])
        print(
            f"{name:<44}{mid:>11.4f}{min(cpu[name]):>8.4f}{max(cpu[name]):>8.4f}"
            f"{statistics.median(rps[name]):>9,.0f}{bare / mid:>10.3f}"
        )


main()

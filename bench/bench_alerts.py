"""Safety alert fan-out (issue 12), on two real `crewup serve` processes sharing
PostgreSQL and Redis:

An alert from a member of a group of --members people (5,000) at a point where
--nearby other people (2,000) are going to an event that starts within the hour. Every
recipient is connected over /ws, alternately to the two processes. The figure is the
time from sending `POST /api/v1/safety/alerts` until each recipient's socket has the
`safety_alert` frame: p50 and p99 over recipients, and the last one (goal p99 < 1 s).
--alerts rounds are raised one after another; the first has the cold caches.

The offline path: with --offline 0.5 (the default) half the recipients are not connected.
Their addresses are confirmed (straight in the bench's own database), so the embedded
notification path makes for each of them an in-app `notifications` row and an e-mail
(written to the data dir's outbox/mail folder; nobody has a push subscription, so no
push is tried). The second figure is the time until every offline recipient has the row,
and until all their e-mails are written.

The world is built through HTTP, as people would (like bench_rsvp_storms.py): sign-ups,
joins, one event and its RSVPs. The clients run in this one Python process beside the
servers, so on a small machine the figures are an upper bound on the servers' own time.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
from common import (
    machine,
    percentile,
    two_servers,
)

parser = argparse.ArgumentParser()
parser.add_argument("--postgres", help="PostgreSQL database URL (emptied); required")
parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
parser.add_argument("--members", type=int, default=5000, help="people in the alert's group")
parser.add_argument("--nearby", type=int, default=2000, help="people going to an event nearby")
parser.add_argument("--alerts", type=int, default=3, help="alerts raised, one at a time")
parser.add_argument(
    "--offline", type=float, default=0.5, help="share of recipients not connected (0 to 1)"
)
parser.add_argument(
    "--offline-timeout", type=float, default=120, help="seconds to wait for the offline path"
)
args, _ = parser.parse_known_args()

HERE = {"lat": 52.5200, "lon": 13.4050}
NEAR = {"lat": 52.5210, "lon": 13.4060}  # about 150 m away, inside the 2 km radius
SERVER_ENV = {
    "CREWUP_ARGON2_TIME_COST": "1",
    "CREWUP_ARGON2_MEMORY_KIB": "1024",
    "CREWUP_RATE_LIMIT_REGISTER": "1000000/minute",
    "CREWUP_RATE_LIMIT_LOGIN": "1000000/minute",
    "CREWUP_RATE_LIMIT_SAFETY_ALERTS": "1000/minute",
    "CREWUP_ACCESS_TOKEN_TTL_SECONDS": "3600",
    "CREWUP_WS_SEND_QUEUE": "4096",
    "CREWUP_ACCESS_LOG": "false",
    "CREWUP_LOG_LEVEL": "WARNING",
}


def _at(hours: float) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


class World:
    """People, the group and the nearby event, made over the API of the first process."""

    def __init__(self, http: aiohttp.ClientSession, base: str) -> None:
        self.http, self.base = http, base
        self.gate = asyncio.Semaphore(16)

    async def call(self, method: str, path: str, token: str, body: Any = None) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with (
            self.gate,
            self.http.request(method, self.base + path, json=body, headers=headers) as resp,
        ):
            assert resp.status < 300, f"{method} {path}: {resp.status} {await resp.text()}"
            return await resp.json(content_type=None)

    async def people(self, prefix: str, n: int) -> list[tuple[str, int]]:
        """(access token, user id) of each new person."""

        async def one(i: int) -> tuple[str, int]:
            body = {
                "email": f"{prefix}{i}-{uuid.uuid4().hex[:6]}@example.com",
                "password": "bench password 123",
                "display_name": f"{prefix} {i}",
            }
            made = await self.call("POST", "/api/v1/auth/register", "", body)
            return str(made["access_token"]), int(made["user"]["id"])

        return await asyncio.gather(*(one(i) for i in range(n)))

    async def group(self, owner: str, name: str, members: list[str]) -> int:
        body = {"name": name, "description": "x", "category": "climbing", "visibility": "public"}
        group = int((await self.call("POST", "/api/v1/groups", owner, body))["id"])
        await asyncio.gather(
            *(self.call("POST", f"/api/v1/groups/{group}/join", t) for t in members)
        )
        return group

    async def event_nearby(self, organiser: str, group: int, going: list[str]) -> None:
        body = {
            "group_id": group,
            "title": "Open air concert",
            "location_name": "The park",
            "starts_at": _at(0.5),
            "ends_at": _at(3),
            **NEAR,
        }
        event = int((await self.call("POST", "/api/v1/events", organiser, body))["id"])
        rsvp = {"status": "going"}
        await asyncio.gather(
            *(self.call("POST", f"/api/v1/events/{event}/rsvp", t, rsvp) for t in going)
        )


class Arrivals:
    """Reads every socket and notes when each alert's frame arrived (no JSON parsing: the
    client must stay cheaper than the servers it measures)."""

    def __init__(self, sockets: list[aiohttp.ClientWebSocketResponse]) -> None:
        self.seen: dict[int, list[float]] = {}
        self.tasks = [asyncio.create_task(self._read(ws)) for ws in sockets]

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for message in ws:
            data = message.data
            if '"type":"safety_alert"' in data and '"status":"open"' in data:
                at = data.find('"id":')
                alert_id = int(data[at + 5 : data.index(",", at)].strip())
                self.seen.setdefault(alert_id, []).append(time.perf_counter())

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


async def open_sockets(
    http: aiohttp.ClientSession, urls: list[str]
) -> list[aiohttp.ClientWebSocketResponse]:
    gate = asyncio.Semaphore(64)

    async def one(url: str) -> aiohttp.ClientWebSocketResponse:
        async with gate:
            ws = await http.ws_connect(url, heartbeat=None, max_msg_size=0)
            await ws.send_str('{"type":"ping"}')  # answered once the handshake is through
            await ws.receive()
            return ws

    return await asyncio.gather(*(one(u) for u in urls))


class OfflinePath:
    """Watches what the notification path makes for the offline recipients: their
    `notifications` rows (polled in the database) and e-mails (files in the outbox)."""

    def __init__(self, db: asyncpg.Connection, mail_dir: Path, offline: list[int]) -> None:
        self.db, self.mail_dir, self.offline = db, mail_dir, offline

    async def confirm_addresses(self) -> None:
        await self.db.execute(
            "UPDATE users SET email_verified_at = now() WHERE id = ANY($1::int[])", self.offline
        )

    def mails(self) -> int:
        return sum(1 for _ in self.mail_dir.glob("*.eml")) if self.mail_dir.exists() else 0

    async def rows(self, alert_id: int) -> int:
        found = await self.db.fetchval(
            "SELECT count(*) FROM notifications WHERE url = $1 AND user_id = ANY($2::int[])",
            f"/safety/alerts/{alert_id}",
            self.offline,
        )
        return int(found)

    async def wait(self, alert_id: int, sent: float, mails_before: int) -> dict[str, float]:
        """Seconds from sending until all rows, and until all e-mails, exist (nan: not
        within --offline-timeout)."""
        want = len(self.offline)
        rows_at = mails_at = float("nan")
        rows = mails = 0
        while time.perf_counter() - sent < args.offline_timeout:
            if rows < want:
                rows = await self.rows(alert_id)
                if rows >= want:
                    rows_at = time.perf_counter() - sent
            if mails < want:
                mails = self.mails() - mails_before
                if mails >= want:
                    mails_at = time.perf_counter() - sent
            if rows >= want and mails >= want:
                break
            await asyncio.sleep(0.05)
        return {"rows": rows, "rows_s": rows_at, "mails": mails, "mails_s": mails_at}


async def measure(
    bases: list[str], data_dir: Path, members: int, nearby: int, alerts: int
) -> dict[str, Any]:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        world = World(http, bases[0])
        started = time.perf_counter()
        group_people = await world.people("m", members)
        attendees = await world.people("n", nearby)
        author = group_people[0][0]
        group = await world.group(author, "Crag Rats", [t for t, _ in group_people[1:]])
        organiser = attendees[0][0] if attendees else author
        concerts = await world.group(organiser, "Concerts", [])
        await world.event_nearby(organiser, concerts, [t for t, _ in attendees])
        built = time.perf_counter() - started
        recipients = group_people[1:] + attendees  # everyone but the author
        # Every k-th recipient stays offline, so both processes and both reasons share it.
        offline_n = round(len(recipients) * min(max(args.offline, 0.0), 1.0))
        step = len(recipients) / offline_n if offline_n else 0.0
        offline_at = {int(i * step) for i in range(offline_n)}
        online = [r for i, r in enumerate(recipients) if i not in offline_at]
        offline = [uid for i, (_, uid) in enumerate(recipients) if i in offline_at]
        urls = [
            f"{bases[i % 2].replace('http', 'ws')}/ws?access_token={t}"
            for i, (t, _) in enumerate(online)
        ]
        sockets = await open_sockets(http, urls)
        arrivals = Arrivals(sockets)
        db = await asyncpg.connect(args.postgres)
        path = OfflinePath(db, data_dir / "outbox" / "mail", offline)
        await path.confirm_addresses()
        await asyncio.sleep(2)  # presence settles
        rounds = []
        for n in range(alerts):
            body = {"message": f"Bench alert {n}", "severity": "emergency", **HERE}
            body["group_ids"] = [group]
            mails_before = path.mails()
            sent = time.perf_counter()
            answer = await world.call("POST", "/api/v1/safety/alerts", author, body)
            answered = time.perf_counter() - sent
            alert_id = int(answer["id"])
            while (  # noqa: ASYNC110 - polling the table is cheaper than an Event per socket
                len(arrivals.seen.get(alert_id, ())) < len(online)
                and time.perf_counter() - sent < 10
            ):
                await asyncio.sleep(0.005)
            latencies = [(at - sent) * 1000 for at in arrivals.seen.get(alert_id, ())]
            rounds.append(
                {
                    "recipients": int(answer["recipient_count"]),
                    "reached": len(latencies),
                    "post_ms": answered * 1000,
                    "p50_ms": percentile(latencies, 0.5),
                    "p99_ms": percentile(latencies, 0.99),
                    "last_ms": max(latencies, default=float("nan")),
                    **(await path.wait(alert_id, sent, mails_before) if offline else {}),
                }
            )
            await asyncio.sleep(1)
        await db.close()
        await arrivals.close()
        for ws in sockets:
            await ws.close()
    return {"built_s": built, "sockets": len(sockets), "offline": len(offline), "rounds": rounds}


def main() -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # thousands of sockets a side
    print(f"\nSafety alert fan-out (bench/bench_alerts.py)\n{machine()}")
    if not args.postgres:
        print("skipped: needs --postgres (and Redis at --redis) for two processes")
        return
    with two_servers(args.postgres, args.redis, SERVER_ENV) as (bases, data_dir):
        found = asyncio.run(measure(bases, data_dir, args.members, args.nearby, args.alerts))
    print(
        f"{args.members:,} group members + {args.nearby:,} nearby attendees: "
        f"{found['sockets']:,} sockets on 2 processes, {found['offline']:,} offline "
        f"(world built in {found['built_s']:.0f} s)"
    )
    print(
        f"{'alert':<7}{'recipients':>11}{'reached':>8}{'POST ms':>9}"
        f"{'p50 ms':>9}{'p99 ms':>9}{'last ms':>9}"
    )
    for n, r in enumerate(found["rounds"], 1):
        print(
            f"{n:<7}{r['recipients']:>11,}{r['reached']:>8,}{r['post_ms']:>9.0f}"
            f"{r['p50_ms']:>9.0f}{r['p99_ms']:>9.0f}{r['last_ms']:>9.0f}"
        )
    print("goal: p99 < 1,000 ms from sending the alert to each connected recipient's frame")
    if found["offline"]:
        head = f"{'alert':<7}{'offline':>8}{'rows':>8}{'all rows s':>12}"
        print(head + f"{'mails':>8}{'all mails s':>13}")
        for n, r in enumerate(found["rounds"], 1):
            print(
                f"{n:<7}{found['offline']:>8,}{r['rows']:>8,}{r['rows_s']:>12.2f}"
                f"{r['mails']:>8,}{r['mails_s']:>13.2f}"
            )
        print(
            "offline path: from sending the alert until every offline recipient has the "
            "in-app row, and until all their e-mails are written (the issue sets no goal; "
            f"nan = not within {args.offline_timeout:.0f} s)"
        )


if __name__ == "__main__":
    main()

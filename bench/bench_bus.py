"""The bus end to end: N changes (posts in a group) -> outbox -> broker -> `crewup worker`
-> N notification rows, on PostgreSQL + RabbitMQ (with --postgres) and on the embedded
default (SQLite, the worker handling from the outbox itself).

Printed: messages/s through one worker, then the same with the worker killed (SIGKILL)
halfway and started again, each with lost and duplicated counts (goal: >= 2,000 msg/s,
0 lost, 0 duplicated) and the worker's CPU per message (user + system, from /proc: on a
shared machine the steadier figure), and RabbitMQ's own publish+consume rate on this
machine in the same run (persistent messages, publisher confirms, manual acks): the
ceiling. Exits non-zero on any loss or duplicate.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import aio_pika
from common import BIN, ROOT, machine
from sqlalchemy import func, select

from crewup.bus.rabbitmq import delete_topology
from crewup.bus.runtime import topology_for
from crewup.core.ratelimit import UNLIMITED
from crewup.core.settings import Settings
from crewup.groups import membership
from crewup.groups.service import create_group
from crewup.notifications.tables import notifications
from crewup.posts.service import PostingLimit, create_post
from crewup.seed.cast import create_cast
from crewup.wiring import build_handlers, open_database

parser = argparse.ArgumentParser()
parser.add_argument("--messages", type=int, default=10_000)
parser.add_argument("--postgres", help="also run on this PostgreSQL database URL (emptied)")
parser.add_argument(
    "--stacks", default="sqlite,postgres", help="which of sqlite,postgres to run (comma list)"
)
parser.add_argument(
    "--amqp", default=os.environ.get("BENCH_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
)
args, _ = parser.parse_known_args()
GOAL = 2000.0


def env_for(
    data_dir: str, database_url: str | None, amqp_url: str | None, prefix: str
) -> dict[str, str]:
    env = {**os.environ, "CREWUP_DATA_DIR": data_dir, "CREWUP_LOG_LEVEL": "WARNING"}
    if database_url:
        env["CREWUP_DATABASE_URL"] = database_url
    if amqp_url:
        env["CREWUP_AMQP_URL"] = amqp_url
        env["CREWUP_AMQP_PREFIX"] = prefix
    return env


async def fill_outbox(settings: Settings, count: int) -> None:
    """`count` posts by one person in a group of two: each post is one outbox message
    and, handled, one notification for the other member."""
    db = open_database(settings)
    try:
        async with db.transaction() as conn:
            cast = await create_cast(conn, 2, "not-a-hash")
            author, reader = list(cast.values())[:2]
            values = {
                "name": "Bench",
                "description": "bus bench",
                "category": "other",
                "visibility": "public",
            }
            group = await create_group(conn, author, values, verified_required=False)
            await membership.join_group(conn, UNLIMITED, group.id, reader)
        unlimited = PostingLimit(None)
        for start in range(0, count, 500):
            async with db.transaction() as conn:
                for i in range(start, min(count, start + 500)):
                    await create_post(conn, unlimited, group.id, author, f"bench {i}", "x")
    finally:
        await db.dispose()


async def notification_counts(settings: Settings) -> tuple[int, int]:
    """(rows, distinct posts notified of)."""
    db = open_database(settings)
    try:
        async with db.reading() as conn:
            rows = (
                await conn.execute(select(func.count()).select_from(notifications))
            ).scalar_one()
            distinct = (
                await conn.execute(select(func.count(func.distinct(notifications.c.url))))
            ).scalar_one()
        return int(rows), int(distinct)
    finally:
        await db.dispose()


def cpu_seconds(pid: int) -> float:
    """User + system CPU a live process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(BIN / "crewup"), "worker"], env=env, cwd=ROOT, stderr=subprocess.DEVNULL
    )


async def run_once(
    label: str, database_url: str | None, amqp_url: str | None, kill_at: float | None
) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="crewup-bench-bus-") as data_dir:
        prefix = f"bench.{uuid.uuid4().hex[:6]}."
        env = env_for(data_dir, database_url, amqp_url, prefix)
        await asyncio.to_thread(
            subprocess.run,
            [str(BIN / "crewup-admin"), "db", "upgrade"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        settings = Settings(
            data_dir=Path(data_dir),
            database_url=database_url,
            amqp_url=amqp_url,
            amqp_prefix=prefix,
        )
        await fill_outbox(settings, args.messages)
        started = time.perf_counter()
        worker = start_worker(env)
        killed = False
        cpu = 0.0
        # Worker CPU and rows when the first notification appears: what follows is the
        # steady per-message cost, without the start-up (imports, connections, topology).
        first: tuple[float, int, float] | None = None
        try:
            while True:
                rows, _ = await notification_counts(settings)
                if first is None and rows > 0:
                    first = (cpu_seconds(worker.pid), rows, time.perf_counter())
                if kill_at is not None and not killed and rows >= args.messages * kill_at:
                    cpu += cpu_seconds(worker.pid)
                    worker.send_signal(signal.SIGKILL)
                    worker.wait()
                    worker = start_worker(env)
                    killed = True
                if rows >= args.messages or time.perf_counter() - started > 300:
                    break
                await asyncio.sleep(0.05)
            elapsed = time.perf_counter() - started
            await asyncio.sleep(1.0)  # anything doubled late would show now
            rows, distinct = await notification_counts(settings)
            cpu += cpu_seconds(worker.pid)
            at_cpu, at_rows, at_time = first or (0.0, 0, started)
            steady_cpu, steady_rows = cpu - at_cpu, distinct - at_rows
        finally:
            worker.terminate()
            worker.wait(30)
            if amqp_url:
                await delete_exchanges_and_queues(amqp_url, prefix)
        return {
            "msg_per_s": args.messages / elapsed,
            "lost": args.messages - distinct,
            "duplicated": rows - distinct,
            "seconds": elapsed,
            # Per message handled: a run cut off at the time limit handled fewer.
            "cpu_ms_per_msg": 1000 * cpu / max(distinct, 1),
            # Meaningful for a run without a kill (a restart adds a second start-up).
            "steady_cpu_ms_per_msg": 1000 * steady_cpu / max(steady_rows, 1),
            "steady_msg_per_s": steady_rows / max(started + elapsed - at_time, 1e-3),
            "timed_out": float(distinct < args.messages),
        }


async def delete_exchanges_and_queues(url: str, prefix: str) -> None:
    settings = Settings(amqp_url=url, amqp_prefix=prefix)
    db = open_database(settings)
    try:
        await delete_topology(url, topology_for(settings, build_handlers(settings, db)))
    finally:
        await db.dispose()


async def rabbit_ceiling(url: str, count: int) -> tuple[float, float]:
    """Publish `count` persistent messages with confirms and consume them with manual acks
    (prefetch 200), as the bus does, with no database in the way, on a queue of its own
    that goes when the connection closes. Answers msg/s and this process's CPU ms/msg."""
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel(publisher_confirms=True)
        await channel.set_qos(prefetch_count=200)
        queue = await channel.declare_queue(
            f"bench.ceiling.{uuid.uuid4().hex[:6]}", auto_delete=True
        )
        done = asyncio.Event()
        received = 0

        async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            nonlocal received
            await message.ack()
            received += 1
            if received == count:
                done.set()

        await queue.consume(on_message)
        started = time.perf_counter()
        cpu_started = time.process_time()
        body = b'{"post_id": 1, "group_id": 1, "author_id": 1}'
        for start in range(0, count, 500):
            await asyncio.gather(
                *(
                    channel.default_exchange.publish(
                        aio_pika.Message(body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
                        routing_key=queue.name,
                    )
                    for _ in range(start, min(count, start + 500))
                )
            )
        await done.wait()
        cpu = time.process_time() - cpu_started
        return count / (time.perf_counter() - started), 1000 * cpu / count
    finally:
        await connection.close()


def show(label: str, figures: dict[str, float]) -> None:
    verdict = "meets" if figures["msg_per_s"] >= GOAL else "BELOW"
    if figures["timed_out"]:
        verdict = "BELOW, cut off at 300 s: the lost are the unfinished"
    rate = figures["msg_per_s"]
    print(
        f"  {label:<44} {rate:>8.0f} msg/s ({rate / GOAL:.2f}x goal, {verdict})"
        f"  lost {figures['lost']:.0f}  duplicated {figures['duplicated']:.0f}"
        f"  {figures['seconds']:.1f} s  worker CPU {figures['cpu_ms_per_msg']:.2f} ms/msg"
        f"; after start-up: {figures['steady_msg_per_s']:.0f} msg/s,"
        f" {figures['steady_cpu_ms_per_msg']:.2f} ms/msg",
        flush=True,
    )


async def main() -> int:
    print(f"bus: {args.messages} notifications end to end on {machine()}", flush=True)
    print(f"  load average at start: {os.getloadavg()[0]:.1f} (2 cores shared)", flush=True)
    wrong = 0
    wanted = set(args.stacks.split(","))
    stacks: list[tuple[str, str | None, str | None]] = []
    if "sqlite" in wanted:
        stacks.append(("SQLite, outbox only", None, None))
    if args.postgres and "postgres" in wanted:
        stacks.append(("PostgreSQL + RabbitMQ", args.postgres, args.amqp))
    for name, database_url, amqp_url in stacks:
        if database_url:
            await reset_postgres(database_url)
        steady = await run_once(name, database_url, amqp_url, None)
        show(f"{name}: one worker", steady)
        if database_url:
            await reset_postgres(database_url)
        killed = await run_once(name, database_url, amqp_url, 0.5)
        show(f"{name}: worker killed at 50% and restarted", killed)
        wrong += int(steady["lost"] + steady["duplicated"] + killed["lost"] + killed["duplicated"])
    if args.postgres and "postgres" in wanted:
        ceiling, ceiling_cpu = await rabbit_ceiling(args.amqp, args.messages)
        label = "RabbitMQ alone (confirms + acks), ceiling"
        print(f"  {label:<44} {ceiling:>8.0f} msg/s  client CPU {ceiling_cpu:.2f} ms/msg")
    print(f"  load average at end: {os.getloadavg()[0]:.1f}")
    if wrong:
        print(f"WRONG: {wrong} notifications lost or duplicated")
    return 1 if wrong else 0


async def reset_postgres(url: str) -> None:
    import asyncpg

    url = url.replace("postgresql+asyncpg://", "postgresql://")
    name = url.rsplit("/", 1)[1]
    admin = await asyncpg.connect(url.rsplit("/", 1)[0] + "/postgres")
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))

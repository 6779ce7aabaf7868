"""Helpers for the benchmarks: start a real `crewup serve`, drive wrk, print tables."""

from __future__ import annotations

import json
import os
import platform
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
_data_dirs: list[Path] = []
_server_pids: list[int] = []


def last_data_dir() -> Path:
    """The data dir of the most recently started bench server."""
    return _data_dirs[-1]


def last_server_pid() -> int:
    """The process id of the most recently started bench server (one process)."""
    return _server_pids[-1]


def wait_until_idle(pid: int, *, most: float = 0.05, limit_seconds: float = 120) -> float:
    """Until the server uses under `most` of a core over half a second: a freshly seeded
    world leaves work for the embedded bus (notifications of the seeded posts), whose
    CPU would otherwise be counted against the first path measured. The seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < limit_seconds:
        before = cpu_seconds(pid)
        time.sleep(0.5)
        if cpu_seconds(pid) - before < most * 0.5:
            break
    return time.monotonic() - started


def machine(*, with_loop: bool = True) -> str:
    cpu = "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    line = f"{platform.node()}: {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"
    if with_loop:
        line += f", servers on the {bare_loop_name()} event loop (CREWUP_EVENT_LOOP)"
    return line


def bare_loop_name() -> str:
    """The loop the bench's servers run on, bare baselines included: CREWUP_EVENT_LOOP as
    `crewup serve` reads it ("auto" is uvloop where it imports)."""
    choice = os.environ.get("CREWUP_EVENT_LOOP", "auto")
    if choice == "auto":
        try:
            import uvloop  # noqa: F401
        except ImportError:
            return "asyncio"
        return "uvloop"
    return choice


# Prepended to the bare aiohttp servers: they run on the loop `crewup serve` runs on in
# the same bench, so a ratio to them compares like with like.
BARE_LOOP = """
import os
def bare_loop():
    if os.environ.get("CREWUP_EVENT_LOOP", "auto") == "asyncio":
        return None
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop()
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def wait_until_up(base: str) -> None:
    """Until the server answers /healthz (up to about 3 min: a shared, busy machine starts
    a server slowly); a server that never answers is an error, not a later refusal."""
    for _ in range(1800):
        try:
            http_json(f"{base}/healthz")
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{base} did not answer /healthz within 3 minutes")


def http_json(url: str, body: dict | None = None, token: str | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url,
        data=data,
        method="POST" if data else "GET",
        headers={"Content-Type": "application/json"},
    )
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as resp:
        return json.loads(resp.read())


@contextmanager
def crewup_server(
    extra_env: dict[str, str] | None = None, before_start: Callable[[str], None] | None = None
) -> Iterator[str]:
    """A migrated, running server on a fresh data dir; yields its base URL.
    `before_start(database_url)` may fill the database first."""
    with tempfile.TemporaryDirectory(prefix="crewup-bench-") as data_dir:
        _data_dirs.append(Path(data_dir))
        port = free_port()
        env = {
            **os.environ,
            "CREWUP_DATA_DIR": data_dir,
            "CREWUP_PORT": str(port),
            "CREWUP_ACCESS_LOG": "false",
            "CREWUP_LOG_LEVEL": "WARNING",
            "CREWUP_RATE_LIMIT_LOGIN": "1000000/minute",
            "CREWUP_RATE_LIMIT_REGISTER": "1000000/minute",
            **(extra_env or {}),
        }
        subprocess.run(
            [str(BIN / "crewup-admin"), "db", "upgrade"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        if before_start is not None:
            before_start(env.get("CREWUP_DATABASE_URL") or f"sqlite:///{data_dir}/crewup.sqlite3")
        # BENCH_SERVER_LOG=path keeps the server's log (JSON lines) for a look afterwards.
        log = open(os.environ.get("BENCH_SERVER_LOG", os.devnull), "a")  # noqa: SIM115
        proc = subprocess.Popen([str(BIN / "crewup"), "serve"], env=env, cwd=ROOT, stderr=log)
        _server_pids.append(proc.pid)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base)
            yield base
        finally:
            proc.terminate()
            proc.wait(30)
            log.close()


BARE_HELLO = """
import sys
from aiohttp import web
async def hello(request):
    return web.json_response({"status": "ok"})
app = web.Application()
app.router.add_get("/", hello)
web.run_app(
    app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None, loop=bare_loop()
)
"""


@contextmanager
def bare_hello(extra_env: dict[str, str] | None = None) -> Iterator[tuple[str, int]]:
    """The ceiling: a bare aiohttp `json_response` hello, one process; yields (url, pid).
    `extra_env` may set CREWUP_EVENT_LOOP for it alone."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", BARE_LOOP + BARE_HELLO, str(port)],
        env={**os.environ, **(extra_env or {})},
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(100):
            try:
                http_json(url)
                break
            except OSError:
                time.sleep(0.1)
        yield url, proc.pid
    finally:
        proc.terminate()
        proc.wait(10)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far (from /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(
    url: str,
    script: str = "bench/plain.lua",
    *,
    seconds: int = 10,
    connections: int = 32,
    threads: int = 2,
    env: dict[str, str] | None = None,
    rate: float | None = None,
) -> dict[str, float]:
    """wrk sending `script`'s requests flat out, or with `rate` held at that many
    requests per second (paced.lua, which sends the same requests)."""
    if rate is not None:
        env = {**(env or {}), "RATE": str(rate), "THREADS": str(threads), "REQUESTS": script}
        script = "bench/paced.lua"
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "-s", script, url],
        env={**os.environ, **(env or {})},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    seconds_run = figures["duration_us"] / 1e6
    return {
        "rps": figures["requests"] / seconds_run,
        "p50_ms": figures["p50_us"] / 1000,
        "p99_ms": figures["p99_us"] / 1000,
        "errors": figures["socket_errors"] + figures["non_2xx"],
        "requests": figures["requests"],
        "non_2xx": figures["non_2xx"],
        "timeouts": figures.get("timeouts", 0),
    }


def print_table(title: str, rows: list[tuple[str, dict[str, float]]], baseline: str) -> None:
    base_rps = dict(rows)[baseline]["rps"]
    print(f"\n{title}\n{machine()}")
    print(
        f"{'scenario':<34}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
        f"{'vs ' + baseline:>16}"
    )
    for name, f in rows:
        print(
            f"{name:<34}{f['rps']:>10.0f}{f['p50_ms']:>9.2f}{f['p99_ms']:>9.2f}"
            f"{f['errors']:>8.0f}{f['rps'] / base_rps:>16.3f}"
        )


def recreate_postgres(url: str) -> None:
    """Drop and create the bench's PostgreSQL database, so each run starts empty."""
    import asyncio

    import asyncpg

    async def again() -> None:
        admin, name = url.rsplit("/", 1)
        conn = await asyncpg.connect(f"{admin}/postgres")
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(again())


@contextmanager
def two_servers(
    database_url: str, redis_url: str, server_env: dict[str, str]
) -> Iterator[tuple[list[str], Path]]:
    """Two `crewup serve --workers 1` processes on one fresh PostgreSQL database and one
    Redis (so the load splits between exactly two processes): their base URLs and the
    shared data dir."""
    import uuid

    recreate_postgres(database_url)
    with tempfile.TemporaryDirectory(prefix="crewup-bench-") as data_dir:
        ports = [free_port(), free_port()]
        env = {
            **os.environ,
            **server_env,
            "CREWUP_DATA_DIR": data_dir,
            "CREWUP_DATABASE_URL": database_url,
            "CREWUP_REDIS_URL": redis_url,
            "CREWUP_REDIS_PREFIX": server_env.get(
                "CREWUP_REDIS_PREFIX", f"crewup-bench:{uuid.uuid4().hex[:6]}:"
            ),
            "CREWUP_PUBLIC_URL": f"http://127.0.0.1:{ports[0]}",
        }
        subprocess.run(
            [str(BIN / "crewup-admin"), "db", "upgrade"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        procs = [
            subprocess.Popen(
                [str(BIN / "crewup"), "serve", "--port", str(p), "--workers", "1"],
                env=env,
                cwd=ROOT,
            )
            for p in ports
        ]
        bases = [f"http://127.0.0.1:{p}" for p in ports]
        try:
            for base in bases:
                wait_until_up(base)
            yield bases, Path(data_dir)
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(30)


@dataclass(frozen=True)
class Seeded:
    seconds: float  # wall time of the whole command, start-up included
    peak_rss_mb: float  # of the crewup-admin process
    tables: dict[str, tuple[int, float]]  # rows and rows/s, as the command reported them


# A row of the command's summary table: "| users | 99,995 | 0.8 | 121,698 |".
_SUMMARY_ROW = re.compile(r"^\W\s*(\w+)\s*\W\s*([\d,]+)\s*\W\s*([\d.]+)\s*\W\s*([\d,]+)\s*\W\s*$")

# Runs the command as the only child of a small parent, so RUSAGE_CHILDREN is its peak.
_MEASURE = """
import resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
seconds = time.perf_counter() - started
sys.stdout.write(done.stdout)
sys.stderr.write(done.stderr)
print(f"@@ {seconds} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}")
sys.exit(done.returncode)
"""


def seed_demo(database_url: str, *flags: str) -> Seeded:
    """`crewup-admin seed demo FLAGS` into `database_url`: the one seeding path, which
    every benchmark uses to fill its database."""
    env = {
        **os.environ,
        "CREWUP_DATABASE_URL": database_url,
        "CREWUP_DATA_DIR": str(_data_dirs[-1]) if _data_dirs else tempfile.gettempdir(),
        "COLUMNS": "200",
    }
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(BIN / "crewup-admin"), "seed", "demo", *flags],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"seeding failed: {done.stderr.strip() or done.stdout[-2000:]}")
    tables = {}
    for line in done.stdout.splitlines():
        if found := _SUMMARY_ROW.match(line.strip()):
            name, rows, _, rate = found.groups()
            tables[name] = (int(rows.replace(",", "")), float(rate.replace(",", "")))
    seconds, rss_kb = done.stdout.rsplit("@@ ", 1)[1].split()
    return Seeded(float(seconds), int(rss_kb) / 1024, tables)


def tokens(data_dir: Path, base: str, user_ids: range, role: str = "user") -> list[str]:
    """Access tokens minted with the server's own keyring (no 2,000 argon2 logins)."""
    from crewup.auth.keyring import keyring_for
    from crewup.auth.tokens import TokenIssuer
    from crewup.core.settings import Settings

    settings = Settings(data_dir=data_dir)
    keyring = keyring_for(settings)
    keyring.load()
    issuer = TokenIssuer(keyring, base, "crewup", timedelta(minutes=15))
    return [issuer.issue(user_id, role) for user_id in user_ids]

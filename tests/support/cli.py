"""Running crewup-admin against a test's installation."""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

from crewup.core.settings import Settings
from tests.support.app import SECRET_KEY


def cli_env(settings: Settings) -> dict[str, str]:
    """The environment that points crewup-admin at this test's installation."""
    env = {
        "CREWUP_DATA_DIR": str(settings.data_dir),
        "CREWUP_SECRET_KEY": SECRET_KEY,
        "CREWUP_ARGON2_TIME_COST": "1",
        "CREWUP_ARGON2_MEMORY_KIB": "1024",
        "COLUMNS": "200",  # rich wraps tables to the terminal; keep rows whole
    }
    if settings.database_url:
        env["CREWUP_DATABASE_URL"] = settings.database_url
    if settings.amqp_url:
        env["CREWUP_AMQP_URL"] = settings.amqp_url
        env["CREWUP_AMQP_PREFIX"] = settings.amqp_prefix
    if settings.media_store != "local":
        for name in ("store", "s3_endpoint_url", "s3_bucket", "s3_region", "s3_prefix"):
            env[f"CREWUP_MEDIA_{name.upper()}"] = str(getattr(settings, f"media_{name}"))
        env["CREWUP_MEDIA_S3_ACCESS_KEY_ID"] = settings.media_s3_access_key_id or ""
        env["CREWUP_MEDIA_S3_SECRET_ACCESS_KEY"] = settings.media_s3_secret_access_key or ""
    env["CREWUP_BUS_RETRY_DELAYS"] = ",".join(str(d) for d in settings.bus_retry_delays)
    env["CREWUP_BUS_POLL_SECONDS"] = str(settings.bus_poll_seconds)
    env["CREWUP_CHAT_DIGEST_AFTER_SECONDS"] = str(settings.chat_digest_after_seconds)
    return env


async def admin_cli(settings: Settings, *args: str, input: str | None = None) -> Any:
    """crewup-admin through Typer's runner, in a thread: it runs an event loop of its own."""
    from typer.testing import CliRunner

    from cli.main import app

    return await asyncio.to_thread(
        CliRunner().invoke, app, list(args), env=cli_env(settings), input=input
    )


async def run_admin(
    settings: Settings, *args: str, columns: int | None = None
) -> tuple[int, str, str]:
    """crewup-admin as a real process: its exit code, stdout and stderr; `columns` is
    the width of the terminal it believes it prints to."""
    env = {**os.environ, **cli_env(settings)}
    if columns is not None:
        env["COLUMNS"] = str(columns)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "cli",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    return proc.returncode or 0, out.decode(), err.decode()


async def run_job_now(settings: Settings, name: str) -> Any:
    """`crewup-admin jobs run NAME`. The test app's own scheduler (ticking every 0.2 s)
    may hold the job at that moment; the command then says so and changes nothing, so
    ask again, as an operator would."""
    for _attempt in range(50):
        result = await admin_cli(settings, "jobs", "run", name)
        if "running in a worker right now" not in result.output:
            return result
        await asyncio.sleep(0.1)
    return result

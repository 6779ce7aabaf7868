"""The `event_loop` setting where uvloop cannot be imported (Windows, PyPy, a trimmed
install): "auto" serves on asyncio's loop, "uvloop" is refused in one line before
anything starts. uvloop is hidden from the process by a module of that name that
refuses to import, first on its path."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from crewup.core.settings import Settings
from tests.ops.test_serve_process import free_port, wait_until_up
from tests.support.cli import cli_env


@pytest.fixture
def without_uvloop(tmp_path: Path) -> dict[str, str]:
    """Environment variables under which `import uvloop` fails."""
    shim = tmp_path / "no-uvloop"
    shim.mkdir()
    (shim / "uvloop.py").write_text('raise ImportError("no uvloop on this machine")\n')
    return {"PYTHONPATH": os.pathsep.join(filter(None, [str(shim), os.environ.get("PYTHONPATH")]))}


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_uvloop_chosen_but_missing_is_refused_in_one_line(
    command: str, without_uvloop: dict[str, str], tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CREWUP_")}
    env |= without_uvloop | {"CREWUP_DATA_DIR": str(tmp_path), "CREWUP_EVENT_LOOP": "uvloop"}
    result = subprocess.run(
        [sys.executable, "-m", "crewup", command],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith('crewup: event_loop = "uvloop" but uvloop cannot be imported')
    assert "no uvloop on this machine" in lines[0]


async def test_auto_serves_on_asyncio_where_uvloop_is_missing(
    settings: Settings, without_uvloop: dict[str, str]
) -> None:
    port = free_port()
    env = {**os.environ, **cli_env(settings), **without_uvloop, "CREWUP_PORT": str(port)}
    env.pop("CREWUP_EVENT_LOOP", None)  # the default: auto
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "crewup", "serve", env=env, stderr=asyncio.subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}"
    try:
        await wait_until_up(f"{base}/healthz", proc)
        proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(proc.communicate(), 30)
        assert proc.returncode == 0, err.decode()[-2000:]
        assert f"CrewUp serving on {base} (asyncio event loop)" in err.decode()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()

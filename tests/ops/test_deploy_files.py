"""The Dockerfile's dependency layer installs the project from a few files copied before
the rest (so code changes do not reinstall every dependency). Building the image needs a
Docker daemon; this replays that layer's install with what the Dockerfile copies, so a
change to setup.cfg that needs another file (the version is read from
crewup/__init__.py) fails here rather than in an operator's `docker build`."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETUP = "from setuptools import setup; setup()"


def _dependency_layer() -> tuple[list[tuple[list[str], str]], str]:
    """The COPY instructions before the first `pip install`, and that RUN's command."""
    copies: list[tuple[list[str], str]] = []
    for instruction in re.split(r"\n(?=[A-Z]+ )", ROOT.joinpath("Dockerfile").read_text()):
        instruction = "\n".join(
            line for line in instruction.splitlines() if not line.lstrip().startswith("#")
        ).replace("\\\n", " ")
        verb, _, rest = instruction.strip().partition(" ")
        if verb == "COPY":
            *sources, target = rest.split()
            assert sources != ["."], "the whole tree was copied before the dependencies"
            copies.append((sources, target))
        elif verb == "RUN" and "pip install" in rest:
            return copies, rest
    raise AssertionError("no RUN pip install in the Dockerfile")


def test_the_dependency_layer_builds_from_what_it_copies(tmp_path: Path) -> None:
    copies, command = _dependency_layer()
    app = tmp_path / "app"
    app.mkdir()
    for sources, target in copies:
        assert target.endswith("/"), f"COPY into a directory, as the Dockerfile does: {target}"
        for source in sources:
            destination = app / target / Path(source).name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / source, destination)
    # Only what the layer does before installing (mkdir, touch); the install itself is
    # replaced by building the project's metadata, which is where setup.cfg is read.
    preparation = command.split("&& pip install")[0]
    subprocess.run(["sh", "-c", preparation], cwd=app, check=True)
    built = subprocess.run(
        [sys.executable, "-c", SETUP, "egg_info", "--egg-base", str(tmp_path)],
        cwd=app,
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    from crewup import __version__

    info = next(tmp_path.glob("*.egg-info")) / "PKG-INFO"
    assert f"Version: {__version__}" in info.read_text()


def _exec_lines(unit: Path) -> list[list[str]]:
    return [
        line.split("=", 1)[1].split()
        for line in unit.read_text().splitlines()
        if line.startswith(("ExecStart=", "ExecStartPre="))
    ]


def test_every_systemd_unit_runs_a_command_that_exists() -> None:
    """The units name /opt/crewup/.venv/bin/<script> <subcommand>: each must be one of
    the project's scripts and subcommands (a renamed command would fail only on a server).
    """
    units = sorted(ROOT.joinpath("config").glob("*.service"))
    assert {unit.name for unit in units} >= {"crewup.service", "crewup-worker@.service"}
    for unit in units:
        for command in _exec_lines(unit):
            script = Path(command[0]).name
            assert command[0] == f"/opt/crewup/.venv/bin/{script}", command
            local = Path(sys.executable).parent / script
            asked = subprocess.run(
                [str(local), *command[1:], "--help"], capture_output=True, text=True
            )
            assert asked.returncode == 0, f"{unit.name}: {' '.join(command)}: {asked.stderr}"

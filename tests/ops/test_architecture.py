"""The layering is checked by import-linter contracts (setup.cfg); these tests run them and
prove they would catch a wrong import."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports())"


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(
        [sys.executable, "-c", LINT], cwd=cwd, env=env, capture_output=True, text=True
    )


def test_import_contracts_hold() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


def _copy_project(tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    copy.mkdir()
    for package in ("crewup", "cli"):
        shutil.copytree(
            ROOT / package, copy / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "setup.cfg", copy / "setup.cfg")
    return copy


def test_a_sideways_import_between_domains_is_caught(tmp_path: Path) -> None:
    copy = _copy_project(tmp_path)
    with (copy / "crewup" / "groups" / "access.py").open("a") as fh:
        fh.write("\nfrom crewup.events import service as _events  # noqa\n")
    result = _lint(copy)
    assert result.returncode != 0
    assert "crewup.groups is not allowed to import crewup.events" in result.stdout


def test_a_service_reaching_for_the_web_layer_is_caught(tmp_path: Path) -> None:
    copy = _copy_project(tmp_path)
    with (copy / "crewup" / "posts" / "service.py").open("a") as fh:
        fh.write("\nfrom crewup.web import caller as _caller  # noqa\n")
    result = _lint(copy)
    assert result.returncode != 0
    assert "crewup.posts.service is not allowed to import crewup.web" in result.stdout


def test_forms_are_read_only_through_read_form() -> None:
    """`request.post()` raises on bodies a client can send (undecodable bytes, unknown
    charsets): `crewup.web.form_body.read_form` turns those into a 400."""
    package = Path(__file__).resolve().parents[2] / "crewup"
    direct = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if path.name != "form_body.py" and "request.post()" in path.read_text(encoding="utf-8")
    ]
    assert direct == []

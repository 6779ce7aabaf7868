"""The layering is checked by import-linter contracts (setup.cfg); these tests run them and
prove they would catch a wrong import."""

from __future__ import annotations

import ast
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


def _form_reads(source: str) -> list[int]:
    """Lines calling `<anything>.post()` with no arguments: aiohttp's request form reader,
    whatever the request is named (a client's `.post(url)` always has one)."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "post"
        and not node.args
        and not node.keywords
    ]


def test_forms_are_read_only_through_read_form() -> None:
    """`request.post()` raises on bodies a client can send (undecodable bytes, unknown
    charsets): `crewup.web.form_body.read_form` turns those into a 400."""
    package = ROOT / "crewup"
    direct = [
        f"{path.relative_to(package)}:{line}"
        for path in package.rglob("*.py")
        if path.name != "form_body.py"
        for line in _form_reads(path.read_text(encoding="utf-8"))
    ]
    assert direct == []


def test_the_form_reader_check_sees_other_names_and_spellings() -> None:
    assert _form_reads("async def f(req):\n    form = await req.post()\n") == [2]
    assert _form_reads("async def f(r):\n    x = await (r).post()\n") == [2]
    assert _form_reads("async def f(http):\n    await http.post('/x', data={})\n") == []
    assert _form_reads((ROOT / "crewup" / "web" / "form_body.py").read_text()) != []

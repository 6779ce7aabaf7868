"""Browser tests: Debian's Chromium, driven headless by Playwright, against a real CrewUp
served on a free port.

They run on the embedded stack only (SQLite, in-process pub/sub). What a browser proves is
the pages: markup, layout, scripts, forms, cookies; the storage behind them is the same
service code the API and page tests already run on both stacks. Running every browser flow
twice would double the slowest tests for no new coverage.

The server runs in a thread with its own event loop (`tests.support.live_server`) and the
tests use Playwright's synchronous API: the browser and the app never share a loop, so a
slow page cannot stall the server that should answer it, and pytest-aiohttp's per-test loop
is left alone.

Chromium comes from Debian's package, never a downloaded build: when /usr/bin/chromium is
missing and we run as root, the set-up installs it once with apt-get. Where that cannot be
done the tests skip with the reason; with CI=true they fail instead.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

from crewup.core import migrate
from crewup.core.settings import Settings
from tests.support.databases import Stack, in_thread
from tests.support.live_server import live_server

CHROMIUM = Path("/usr/bin/chromium")
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
# Generous for a loaded shared machine, yet a hung page fails within seconds, not minutes.
TIMEOUT_MS = 15_000


def _apt_get(*args: str) -> bool:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    done = subprocess.run(["apt-get", *args], env=env, capture_output=True, timeout=900)
    return done.returncode == 0


def _install_chromium() -> str | None:
    """Install Debian's chromium; answer why not when it cannot be done. Test processes
    running side by side (pytest -n) take turns: apt-get allows one at a time."""
    if CHROMIUM.exists():
        return None
    with open(Path(tempfile.gettempdir()) / "crewup-chromium-install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _install_chromium_alone()


def _install_chromium_alone() -> str | None:
    if CHROMIUM.exists():  # another test process installed it while this one waited
        return None
    if os.geteuid() != 0:
        return (
            "/usr/bin/chromium is missing and installing it needs root (apt-get install chromium)"
        )
    if shutil.which("apt-get") is None:
        return "/usr/bin/chromium is missing and there is no apt-get to install it"
    # The package lists may be absent (slim images) or stale: update only when needed.
    if not _apt_get("install", "-y", "chromium") and not (
        _apt_get("update") and _apt_get("install", "-y", "chromium")
    ):
        return "/usr/bin/chromium is missing and 'apt-get install -y chromium' failed"
    return None if CHROMIUM.exists() else "apt-get installed chromium but not /usr/bin/chromium"


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests cannot run under CI=true: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory, keys_dir: Path) -> Iterator[Stack]:
    """The embedded stack only (see the module docstring)."""
    path = tmp_path_factory.mktemp("sqlite-browser") / "template.sqlite3"
    in_thread(migrate.upgrade, f"sqlite+aiosqlite:///{path}")
    yield Stack("embedded", str(path), keys_dir)


def launch(playwright: Any) -> Any:
    """Debian's Chromium, headless: the tests' browser, and `make screens`' too."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    reason = _install_chromium()
    if reason is not None:
        _unavailable(reason)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the Python package 'playwright' is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        launched = launch(playwright)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def live(make_settings: Callable[..., Settings]) -> Iterator[str]:
    """A fresh installation served on a free port; answers its base URL."""
    with live_server(make_settings()) as url:
        yield url


@pytest.fixture
def new_context(browser: Any, live: str) -> Iterator[Callable[..., Any]]:
    """Open browser contexts (separate cookie jars: separate people) on the live server."""
    opened: list[Any] = []

    def open_context(viewport: dict[str, int] = DESKTOP, **options: Any) -> Any:
        # options: more of Playwright's new_context, e.g. locale="fr-FR" (Accept-Language)
        context = browser.new_context(base_url=live, viewport=viewport, **options)
        context.set_default_timeout(TIMEOUT_MS)
        opened.append(context)
        return context

    yield open_context
    for context in opened:
        context.close()


@pytest.fixture
def page(new_context: Callable[..., Any]) -> Any:
    return new_context().new_page()

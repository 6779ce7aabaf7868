"""`make screens`: a screenshot of every main page at desktop (1280x800) and phone
(360x740) size, under bench/screens/ (not committed), to look at the pages by eye.

A CrewUp server on a temporary SQLite data dir with the demo seed, the same way
`make run` fills one; the demo cast signs in (Ann owns a group and is an admin, Mo is a
moderator, Bea a member). The pages are the browser tests' list
(tests/browser/main_pages.py) and the browser is theirs: Debian's Chromium through
Playwright, launched by tests/browser/conftest.py's `launch`."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from common import ROOT, crewup_server, http_json, seed_demo

sys.path.insert(0, str(ROOT))  # the browser tests' helpers, as one source of pages

from tests.browser.conftest import DESKTOP, PHONE, launch
from tests.browser.main_pages import (
    MEMBER,
    MODERATOR,
    OWNER,
    VISITOR,
    World,
    main_pages,
)
from tests.browser.people import Person, sign_in

OUT = ROOT / "bench" / "screens"
PASSWORD = "crewup-demo"  # the demo seed's (crewup-admin seed demo --help)
CAST = {OWNER: "ann@example.com", MODERATOR: "mo@example.com", MEMBER: "bea@example.com"}


def demo_world(base: str) -> World:
    """The demo seed's things, found over the API, plus a safety alert Bea raises so the
    banner and the alert page have something to show."""
    cast = {role: _signed_in(base, email) for role, email in CAST.items()}
    found = http_json(f"{base}/api/v1/groups?{urlencode({'q': 'Boulderers'})}")["items"][0]
    events = http_json(f"{base}/api/v1/events?group_id={found['id']}")["items"]
    posts = http_json(f"{base}/api/v1/groups/{found['id']}/posts")["items"]
    alert = http_json(
        f"{base}/api/v1/safety/alerts",
        {"message": "Twisted ankle at the hall, all fine", "severity": "info"}
        | {"lat": 52.52, "lon": 13.405},
        cast[MEMBER].token,
    )
    return World(
        cast, found["id"], events[0]["id"], posts[0]["id"], alert["id"], "Berlin Boulderers"
    )


def _signed_in(base: str, email: str) -> Person:
    answer = http_json(f"{base}/api/v1/auth/login", {"email": email, "password": PASSWORD})
    return Person(email.split("@")[0].title(), email, answer["access_token"])


def shoot(base: str, world: World) -> list[Path]:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            for size_name, size in (("desktop", DESKTOP), ("phone", PHONE)):
                tabs = _tabs(browser, base, size, world)
                for page in main_pages(world):
                    tab = tabs[page.viewer]
                    tab.goto(page.path)
                    tab.locator("main h1").first.wait_for()  # not networkidle: /ws stays open
                    path = OUT / f"{page.name}-{size_name}.png"
                    tab.screenshot(path=str(path), full_page=True)
                    saved.append(path)
        finally:
            browser.close()
    return saved


def _tabs(browser: Any, base: str, size: dict[str, int], world: World) -> dict[str, Any]:
    tabs = {VISITOR: browser.new_context(base_url=base, viewport=size).new_page()}
    for role, someone in world.people.items():
        tabs[role] = browser.new_context(base_url=base, viewport=size).new_page()
        sign_in(tabs[role], someone, PASSWORD)
    return tabs


def _wait_longer(base: str, seconds: float = 120) -> None:
    """crewup_server waits about 10 s; on a busy machine a cold start takes longer."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            http_json(f"{base}/healthz")
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def main() -> None:
    def seed(database_url: str) -> None:
        seed_demo(database_url)

    with crewup_server(before_start=seed) as base:
        _wait_longer(base)
        saved = shoot(base, demo_world(base))
    for path in saved:
        print(path.relative_to(ROOT))
    print(f"{len(saved)} screenshots in {OUT.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()

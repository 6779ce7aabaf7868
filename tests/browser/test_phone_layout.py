"""A 360 px phone: long words wrap instead of widening the page, the header's links stay
whole and clear of the brand, counts read as English, and every main page fits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from crewup.core.settings import Settings
from tests.browser import people
from tests.browser.conftest import PHONE
from tests.browser.main_pages import VISITOR, build_world, main_pages

# One word of 3,000 characters: a pasted token, a keyboard held down.
LONG = "Wheeeee" * 430

OVERFLOW = "() => document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"

# How many lines an element's text takes: a wrapped link or button has several rects.
LINES = """el => {
  const range = document.createRange();
  range.selectNodeContents(el);
  return new Set(Array.from(range.getClientRects(), r => Math.round(r.top))).size;
}"""

OVERLAP = """([a, b]) => {
  const r = a.getBoundingClientRect(), s = b.getBoundingClientRect();
  return r.left < s.right && s.left < r.right && r.top < s.bottom && s.top < r.bottom;
}"""


def test_long_words_wrap_on_a_phone(live: str, new_context: Callable[..., Any]) -> None:
    owner = people.person(live, "Olga")
    crew = people.group(live, owner, description=LONG)
    talk = people.post(live, owner, crew["id"], title="Wh" + "e" * 150, body=LONG)
    people.comment(live, owner, talk["id"], LONG)
    gathering = people.event(live, owner, crew["id"], description=LONG, location_name="W" * 190)

    phone = new_context(PHONE).new_page()
    people.sign_in(phone, owner)
    for path in (f"/groups/{crew['id']}", f"/events/{gathering['id']}", f"/posts/{talk['id']}"):
        phone.goto(path)
        phone.locator("main h1").wait_for()
        assert phone.evaluate(OVERFLOW) <= 0, f"{path} is wider than the phone"


def test_phone_header_keeps_links_whole_and_counts_read_right(
    live: str, new_context: Callable[..., Any]
) -> None:
    owner = people.person(live, "Maximiliane Alexandrova-Featherstonehaugh")
    crew = people.group(live, owner)
    talk = people.post(live, owner, crew["id"])
    people.comment(live, owner, talk["id"], "Count me in")

    phone = new_context(PHONE).new_page()
    people.sign_in(phone, owner)
    phone.goto(f"/groups/{crew['id']}")
    brand = phone.locator("header .brand")
    items = phone.locator("header nav > a, header nav button")
    assert items.count() >= 4
    for index in range(items.count()):
        item = items.nth(index)
        label = item.inner_text()
        assert item.evaluate(LINES) == 1, f"{label!r} wraps in the header"
        assert not phone.evaluate(OVERLAP, [brand.element_handle(), item.element_handle()]), (
            f"the brand runs into {label!r}"
        )
    assert phone.evaluate(OVERFLOW) <= 0

    assert "1 member" in phone.locator("article").first.inner_text()
    assert "1 members" not in phone.locator("main").inner_text()
    assert "· 1 comment" in phone.locator("main").inner_text()
    phone.goto(f"/posts/{talk['id']}")
    assert phone.get_by_role("heading", name="1 comment", exact=True).is_visible()


@pytest.mark.timeout(900)  # some thirty pages on a loaded machine
def test_every_main_page_fits_a_phone(
    live: str, new_context: Callable[..., Any], make_settings: Callable[..., Settings]
) -> None:
    """No main page is wider than 360 px, its header links stay whole, and the skip link
    is the first stop of the keyboard."""
    world = build_world(live, make_settings())
    tabs: dict[str, Any] = {VISITOR: new_context(PHONE).new_page()}
    for role, someone in world.people.items():
        tabs[role] = new_context(PHONE).new_page()
        people.sign_in(tabs[role], someone)
    problems: list[str] = []
    for main in main_pages(world):
        tab = tabs[main.viewer]
        tab.goto(main.path)
        tab.locator("main h1").first.wait_for()
        if tab.evaluate(OVERFLOW) > 0:
            problems.append(f"{main.name} is wider than the phone")
        items = tab.locator("header nav > a, header nav button")
        for index in range(items.count()):
            # Line boxes of the link itself: a badge's own top must not count as a line.
            if items.nth(index).evaluate("el => el.getClientRects().length") != 1:
                problems.append(f"{main.name}: {items.nth(index).inner_text()!r} wraps")
        tab.keyboard.press("Tab")
        if tab.evaluate("document.activeElement.className") != "skip-link":
            problems.append(f"{main.name}: Tab does not reach the skip link first")
    assert not problems, "\n".join(problems)

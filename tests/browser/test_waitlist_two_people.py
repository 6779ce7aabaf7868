"""Two people, two browsers: the last seat, the waitlist, and the promotion when the seat
comes free."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.browser import people
from tests.browser.conftest import PHONE


def test_the_waitlisted_person_goes_when_the_seat_comes_free(
    live: str, new_context: Callable[..., Any]
) -> None:
    owner = people.person(live, "Olga")
    crew = people.group(live, owner)
    hut = people.event(live, owner, crew["id"], title="Tiny hut", capacity=1)
    path = f"/events/{hut['id']}"

    ann = new_context().new_page()
    people.sign_in(ann, people.person(live, "Ann"))
    ann.goto(path)
    with ann.expect_navigation():
        ann.get_by_role("button", name="I'm going").click()
    ann.get_by_text("You're going.", exact=True).wait_for()

    ben = new_context(PHONE).new_page()  # the waitlisted one on a phone
    people.sign_in(ben, people.person(live, "Ben"))
    ben.goto(path)
    with ben.expect_navigation():
        ben.get_by_role("button", name="Join the waitlist").click()
    assert "number 1 on the waitlist" in ben.locator(".flash").inner_text()
    assert ben.locator(".actions").get_by_text("#1").is_visible()

    with ann.expect_navigation():
        ann.get_by_role("button", name="Withdraw").click()
    ann.get_by_role("heading", name="Give up your seat?").wait_for()  # it asks first
    with ann.expect_navigation():
        ann.get_by_role("button", name="Withdraw").click()
    ann.get_by_text("Your RSVP is withdrawn.").wait_for()

    ben.reload()
    ben.get_by_text("You're going.", exact=True).wait_for()
    going = ben.locator("section", has=ben.get_by_role("heading", name="Going"))
    assert going.get_by_role("link", name="Ben").is_visible()
    assert not going.get_by_role("link", name="Ann").is_visible()

"""The rating forms fit a 360 px phone: on an ended event's page (one form per person the
viewer went with), and on a person's page, before rating them and when editing it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from crewup.core import clock
from tests.browser import people
from tests.browser.conftest import PHONE
from tests.browser.main_pages import user_id

FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"


def test_rating_forms_fit_a_phone(
    live: str, new_context: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = people.person(live, "Olga")
    crew = people.group(live, owner)
    goers = [people.person(live, name) for name in ("Mia Member", "Ben Belayer", "Ida")]
    outing = people.event(live, owner, crew["id"])
    for goer in goers:
        people.join(live, goer, crew["id"])
        people.call(
            live, "POST", f"/api/v1/events/{outing['id']}/rsvp", {"status": "going"}, goer.token
        )
    # An hour after the end: the rating window is open (the server runs in this process).
    ended = datetime.fromisoformat(outing["ends_at"].replace("Z", "+00:00"))
    monkeypatch.setattr(clock, "now", lambda: ended + timedelta(hours=1))

    phone = new_context(PHONE).new_page()
    people.sign_in(phone, goers[0])
    phone.goto(f"/events/{outing['id']}")
    assert phone.locator("input[name=comment]").count() == 2
    assert phone.evaluate(FITS), "the event page's rating forms are wider than the phone"

    ben = user_id(live, goers[1])
    phone.goto(f"/users/{ben}")
    assert phone.locator("input[name=comment]").count() == 1
    assert phone.evaluate(FITS), "the profile's rating form is wider than the phone"
    phone.locator("input[name=comment]").fill("Great belayer")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Rate").click()
    phone.goto(f"/users/{ben}")
    phone.get_by_role("heading", name="Edit your rating").wait_for()
    assert phone.evaluate(FITS), "the profile's edit-rating form is wider than the phone"

"""The plan-an-event form in a browser: refusals are shown beside their field, in words
people use, and what was typed stays."""

from __future__ import annotations

from typing import Any

from tests.browser import people


def _plan(page: Any, live: str) -> people.Person:
    owner = people.person(live, "Olga")
    crew = people.group(live, owner)
    people.sign_in(page, owner)
    page.goto(f"/groups/{crew['id']}/events/new")
    page.get_by_label("Title").fill("Sunrise hike")
    page.get_by_label("Place").fill("Trailhead")
    page.get_by_label("Latitude").fill("52.4")
    page.get_by_label("Longitude").fill("13.1")
    return owner


def test_an_end_before_the_start_is_explained_beside_the_end(page: Any, live: str) -> None:
    _plan(page, live)
    page.get_by_label("Starts (UTC)").fill("2031-05-01T10:00")
    page.get_by_label("Ends (UTC)").fill("2031-05-01T09:00")
    with page.expect_navigation():
        page.get_by_role("button", name="Create event").click()
    error = page.locator("#e-ends_at")
    assert error.inner_text() == "The end must be after the start."
    assert page.get_by_label("Ends (UTC)").get_attribute("aria-describedby") == "e-ends_at"
    assert page.get_by_label("Title").input_value() == "Sunrise hike"
    assert page.get_by_label("Ends (UTC)").input_value() == "2031-05-01T09:00"

    page.get_by_label("Ends (UTC)").fill("2031-05-01T10:00")  # equal is refused too
    with page.expect_navigation():
        page.get_by_role("button", name="Create event").click()
    assert page.locator("#e-ends_at").inner_text() == "The end must be after the start."


def test_field_errors_are_human_sentences(page: Any, live: str) -> None:
    _plan(page, live)
    page.get_by_label("Title").fill("")
    page.get_by_label("Latitude").fill("north")
    page.get_by_label("Longitude").fill("200")
    page.get_by_label("Capacity").fill("many")
    with page.expect_navigation():
        page.get_by_role("button", name="Create event").click()
    assert page.locator("#e-title").inner_text() == "Please enter a title."
    assert page.locator("#e-lat").inner_text() == "The latitude must be a number."
    assert page.locator("#e-lon").inner_text() == "The longitude can be at most 180."
    assert page.locator("#e-capacity").inner_text() == "The capacity must be a whole number."
    assert page.locator("#e-starts_at").inner_text() == "Please enter a start time."
    text = page.locator("main").inner_text()
    for raw in ("String should", "Input should", "unable to parse"):
        assert raw not in text
    assert page.get_by_label("Latitude").input_value() == "north"  # kept for correcting

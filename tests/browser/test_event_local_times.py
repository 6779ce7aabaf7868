"""The event form shows times in the browser's time zone and sends UTC back: a time the
person left alone goes back exactly as it came, even in the repeated autumn hour, where
one wall time names two instants; a time they typed is read in their zone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser import people


def _edit(live: str, new_context: Callable[..., Any], zone: str, **times: str) -> Any:
    """An event with `times` (UTC, through the API), its edit form open in `zone`."""
    owner = people.person(live, "Olga")
    crew = people.group(live, owner)
    gathering = people.event(live, owner, crew["id"], **times)
    tab = new_context(timezone_id=zone).new_page()
    people.sign_in(tab, owner)
    tab.goto(f"/events/{gathering['id']}/edit")
    return tab, owner, gathering["id"]


def _save(tab: Any) -> None:
    with tab.expect_navigation():
        tab.get_by_role("button", name="Save", exact=True).click()
    assert tab.locator(".flash").first.inner_text().strip() == "Event saved."


def _times(live: str, owner: people.Person, event_id: int) -> tuple[str, str]:
    found = people.call(live, "GET", f"/api/v1/events/{event_id}", None, owner.token)
    return found["starts_at"], found["ends_at"]


# The second pass through the repeated hour (winter time), where `new Date("...T02:30")`
# would pick the first (summer time), an hour earlier.
AMBIGUOUS = [
    ("Europe/Berlin", "2027-10-31T01:30:00Z", "2027-10-31T01:50:00Z", "2027-10-31T02:30"),
    ("America/New_York", "2027-11-07T06:30:00Z", "2027-11-07T06:50:00Z", "2027-11-07T01:30"),
]


@pytest.mark.parametrize(("zone", "starts", "ends", "shown"), AMBIGUOUS)
def test_editing_only_the_title_keeps_times_in_the_repeated_hour(
    live: str, new_context: Callable[..., Any], zone: str, starts: str, ends: str, shown: str
) -> None:
    tab, owner, event_id = _edit(live, new_context, zone, starts_at=starts, ends_at=ends)
    assert tab.locator("#f-starts_at").input_value() == shown
    tab.get_by_label("Title").fill("Bouldering night, moved hall")
    _save(tab)
    assert _times(live, owner, event_id) == (starts, ends)


def test_a_time_typed_in_the_repeated_hour_keeps_the_offset_it_had(
    live: str, new_context: Callable[..., Any]
) -> None:
    tab, owner, event_id = _edit(
        live,
        new_context,
        "Europe/Berlin",
        starts_at="2027-10-31T01:30:00Z",
        ends_at="2027-10-31T01:50:00Z",
    )
    tab.locator("#f-starts_at").fill("2027-10-31T02:40")  # still winter time, 01:40 UTC
    _save(tab)
    assert _times(live, owner, event_id) == ("2027-10-31T01:40:00Z", "2027-10-31T01:50:00Z")


def test_a_time_typed_in_a_normal_hour_is_read_in_the_browsers_zone(
    live: str, new_context: Callable[..., Any]
) -> None:
    tab, owner, event_id = _edit(
        live,
        new_context,
        "Europe/Berlin",
        starts_at="2027-10-31T01:30:00Z",
        ends_at="2027-10-31T01:50:00Z",
    )
    assert "Europe/Berlin" in tab.locator("label[for=f-starts_at]").inner_text()
    tab.locator("#f-starts_at").fill("2027-06-15T10:00")  # summer time: UTC+2
    tab.locator("#f-ends_at").fill("2027-12-01T09:15")  # winter time: UTC+1
    _save(tab)
    assert _times(live, owner, event_id) == ("2027-06-15T08:00:00Z", "2027-12-01T08:15:00Z")

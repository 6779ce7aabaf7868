"""The event page's "Add to calendar" works for the people who can see the event, through
their page session, and tells nobody else that a private event exists."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.browser import people


def test_a_member_downloads_a_private_event_and_outsiders_get_404(
    live: str, new_context: Callable[..., Any]
) -> None:
    owner, outsider = people.person(live, "Olga"), people.person(live, "Otto")
    crew = people.group(live, owner, visibility="private")
    secret = people.event(live, owner, crew["id"], title="Secret crag day")

    member = new_context().new_page()
    people.sign_in(member, owner)
    member.goto(f"/events/{secret['id']}")
    with member.expect_download() as started:
        member.get_by_role("link", name="Add to calendar (.ics)").click()
    download = started.value
    assert download.suggested_filename == f"crewup-event-{secret['id']}.ics"
    body = Path(download.path()).read_text()
    assert "BEGIN:VCALENDAR" in body and "SUMMARY:Secret crag day" in body

    stranger = new_context().new_page()
    people.sign_in(stranger, outsider)
    url = f"/events/{secret['id']}/calendar.ics"
    answer = stranger.request.get(url)
    assert answer.status == 404
    assert "Secret crag day" not in answer.text()
    anonymous = new_context().request.get(url)
    assert anonymous.status == 404

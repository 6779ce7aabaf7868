"""A French browser reads French pages, times written by the script included; the
footer's switch and the profile's setting change the language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.browser import people


def test_a_french_browser_switches_language_and_keeps_a_setting(
    live: str, new_context: Callable[..., Any]
) -> None:
    owner = people.person(live, "Olga")
    crew = people.group(live, owner)
    hut = people.event(
        live,
        owner,
        crew["id"],
        title="Hut night",
        starts_at="2031-03-17T18:30:00Z",
        ends_at="2031-03-17T21:00:00Z",
    )

    page = new_context(locale="fr-FR", timezone_id="Europe/Paris").new_page()
    page.goto(f"/events/{hut['id']}")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.get_by_role("link", name="Connectez-vous pour répondre").wait_for()
    # local-times.js writes the time in the reader's zone and the page's language
    assert "mars" in page.locator("time").first.inner_text()
    assert "19:30" in page.locator("time").first.inner_text()  # Paris, UTC+1 in March

    page.get_by_label("Langue").select_option("en")
    with page.expect_navigation():
        page.get_by_role("button", name="Changer").click()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="Sign in to RSVP").wait_for()  # back where it was

    people.sign_in(page, people.person(live, "Ann"))
    page.goto("/profile")
    page.get_by_label("Language of the pages").select_option("fr")
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Profil enregistré.").wait_for()
    assert page.locator("html").get_attribute("lang") == "fr"

"""Places by map: a click on the new-event form's map fills the latitude and longitude
(the fields stay for people without scripts), "Use my location" asks the browser, and
the events page counts days in the browser's own zone."""

from __future__ import annotations

from typing import Any

from tests.browser import people
from tests.browser.conftest import TIMEOUT_MS


def _no_tiles(context: Any) -> None:
    # The map works without its pictures; tests never reach out to a tile server.
    context.route("**/*.png", lambda route: route.abort())


def _new_event_form(page: Any, live: str) -> None:
    owner = people.person(live, "Olga")
    crew = people.group(live, owner, lat=52.52, lon=13.405)
    people.sign_in(page, owner)
    page.goto(f"/groups/{crew['id']}/events/new")


def test_a_click_on_the_map_fills_the_place(page: Any, live: str) -> None:
    _no_tiles(page.context)
    _new_event_form(page, live)
    latitude, longitude = page.get_by_label("Latitude"), page.get_by_label("Longitude")
    assert latitude.input_value() == "" and longitude.input_value() == ""
    the_map = page.locator("#place-map")
    the_map.wait_for(state="visible")
    page.locator("#place-map.leaflet-container").wait_for()
    the_map.click(position={"x": 120, "y": 80})
    page.wait_for_function("document.getElementById('f-lat').value !== ''")
    lat, lon = float(latitude.input_value()), float(longitude.input_value())
    # The map opened on the group's home area (zoom 12): a click lands near it.
    assert 52.3 < lat < 52.8 and 13.0 < lon < 13.8
    assert page.locator("[data-place-status]").inner_text().startswith("Place set from the map")
    assert page.locator("#place-map .leaflet-marker-icon").count() == 1


def test_use_my_location(new_context: Any, live: str) -> None:
    context = new_context()
    _no_tiles(context)
    context.grant_permissions(["geolocation"])
    context.set_geolocation({"latitude": 48.137154, "longitude": 11.576124})
    page = context.new_page()
    _new_event_form(page, live)
    page.get_by_role("button", name="Use my location").click()
    page.wait_for_function("document.getElementById('f-lat').value !== ''")
    assert page.get_by_label("Latitude").input_value() == "48.13715"
    assert page.get_by_label("Longitude").input_value() == "11.57612"


def test_events_page_counts_days_in_the_browsers_zone(browser: Any, live: str) -> None:
    context = browser.new_context(base_url=live, timezone_id="Pacific/Auckland")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto("/events")
        page.wait_for_url("**/events?tz=Pacific%2FAuckland")
        assert "Days are counted in Pacific/Auckland" in page.locator("#days-zone").inner_text()
        assert page.locator("#tz").input_value() == "Pacific/Auckland"
    finally:
        context.close()


def test_the_group_form_picks_its_home_area_on_the_map(page: Any, live: str) -> None:
    _no_tiles(page.context)
    people.sign_in(page, people.person(live, "Gina"))
    page.goto("/groups/new")
    page.locator("#place-map.leaflet-container").wait_for()
    page.locator("#place-map").click(position={"x": 150, "y": 100})
    page.wait_for_function("document.getElementById('f-lon').value !== ''")
    assert -90 <= float(page.get_by_label("Home latitude").input_value()) <= 90

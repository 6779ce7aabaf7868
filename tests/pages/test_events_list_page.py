"""The events page: days as headings, the date filters in the reader's zone, "my
events", and paging, with a bounded number of statements."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from crewup.core import clock
from tests.support.api import Api, make_event, make_group, rsvp
from tests.support.pages import get_csrf
from tests.support.statements import StatementCounter


def _next_wednesday() -> datetime:
    """A Wednesday 10:00 UTC at least an hour ahead: events are made for real before the
    clock is moved there, so they must start after the real now."""
    moment = (clock.now() + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    moment += timedelta(days=(2 - moment.weekday()) % 7)
    moment = moment.replace(hour=10)
    return moment if moment > clock.now() + timedelta(minutes=30) else moment + timedelta(days=7)


def _at(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


async def _week_of_events(client: TestClient, owner: dict[str, Any], wed: datetime) -> None:
    group = await make_group(client, owner)
    for title, start in (
        ("Wed lunch climb", wed + timedelta(hours=2)),
        ("Thu evening run", wed + timedelta(days=1, hours=8)),
        ("Sat crag day", wed + timedelta(days=3)),
        ("Sun brunch hike", wed + timedelta(days=4)),
        ("Next Tue yoga", wed + timedelta(days=6)),
        ("Far away fortnight", wed + timedelta(days=14)),
    ):
        await make_event(
            client,
            owner,
            group["id"],
            title=title,
            starts_at=_at(start),
            ends_at=_at(start + timedelta(hours=2)),
        )


def _titles(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/events/\d+">([^<]+)</a></h3>', html)


def _headings(html: str) -> list[str]:
    return re.findall(r'<h2 id="day-[0-9-]+">([^<]+)</h2>', html)


async def _page(client: TestClient, query: str) -> str:
    resp = await client.get("/events" + query)
    assert resp.status == 200
    return await resp.text()


async def test_days_and_date_filters(client: TestClient, api: Api, monkeypatch) -> None:
    wed = _next_wednesday()
    await _week_of_events(client, await api.register("Olga"), wed)
    monkeypatch.setattr(clock, "now", lambda: wed)
    saturday = wed + timedelta(days=3)

    everything = await _page(client, "")
    assert _titles(everything) == [
        "Wed lunch climb",
        "Thu evening run",
        "Sat crag day",
        "Sun brunch hike",
        "Next Tue yoga",
        "Far away fortnight",
    ]
    assert _headings(everything)[:3] == [
        "Today",
        "Tomorrow",
        f"Saturday {saturday.day} {saturday:%B}",
    ]
    assert "Days are counted in UTC" in everything

    assert _titles(await _page(client, "?when=today")) == ["Wed lunch climb"]
    assert _titles(await _page(client, "?when=today&group_id=999999")) == []
    assert _titles(await _page(client, "?when=weekend")) == ["Sat crag day", "Sun brunch hike"]
    assert _titles(await _page(client, "?when=week")) == [
        "Wed lunch climb",
        "Thu evening run",
        "Sat crag day",
        "Sun brunch hike",
    ]
    tuesday = (wed + timedelta(days=6)).date().isoformat()
    assert _titles(await _page(client, f"?when=range&from={tuesday}&to={tuesday}")) == [
        "Next Tue yoga"
    ]
    # A range without `when` is still a range; an open end runs on.
    assert _titles(await _page(client, f"?from={tuesday}")) == [
        "Next Tue yoga",
        "Far away fortnight",
    ]
    backwards = await _page(client, f"?from={tuesday}&to={wed.date().isoformat()}")
    assert "some filters are not valid" in backwards
    assert len(_titles(backwards)) == 6


async def test_days_follow_the_readers_zone(client: TestClient, api: Api, monkeypatch) -> None:
    wed = _next_wednesday()
    await _week_of_events(client, await api.register("Olga"), wed)
    monkeypatch.setattr(clock, "now", lambda: wed)
    # 10:00 UTC on Wednesday is 23:00 in Auckland (UTC+13 in summer): the lunch climb
    # at 12:00 UTC is on Thursday there, so tomorrow, and today is nearly over.
    auckland = await _page(client, "?tz=Pacific/Auckland")
    assert "Days are counted in Pacific/Auckland" in auckland
    assert _headings(auckland)[0] == "Tomorrow"
    assert _titles(await _page(client, "?when=today&tz=Pacific/Auckland")) == []
    # An offset works too; a zone we cannot read falls back to UTC and says so.
    assert _titles(await _page(client, "?when=today&tz=%2B13:00")) == []
    unknown = await _page(client, "?when=today&tz=Mars/Olympus_Mons")
    assert _titles(unknown) == ["Wed lunch climb"]
    assert "Days are counted in UTC" in unknown
    for odd in ("../../etc/passwd", "America", "zone.tab"):
        assert _titles(await _page(client, f"?when=today&tz={odd}")) == ["Wed lunch climb"]


async def _sign_in_as(client: TestClient, person: dict[str, Any]) -> None:
    token = await get_csrf(client, "/login")
    login = {"csrf_token": token, "email": person["email"], "password": person["password"]}
    assert (await client.post("/login", data=login, allow_redirects=False)).status == 303


async def test_my_events(client: TestClient, api: Api) -> None:
    owner, me, other = await api.register("Olga"), await api.register("Ann"), await api.register()
    group = await make_group(client, owner)
    going = await make_event(client, owner, group["id"], title="Going one")
    full = await make_event(client, owner, group["id"], title="Full one", capacity=1)
    maybe = await make_event(client, owner, group["id"], title="Maybe one")
    await make_event(client, owner, group["id"], title="Not mine")
    assert (await rsvp(client, going, me))[0] == 200
    assert (await rsvp(client, full, other))[0] == 200
    assert (await rsvp(client, full, me))[1]["status"] == "waitlisted"
    assert (await rsvp(client, maybe, me, "interested"))[0] == 200

    assert "Only my events" not in await _page(client, "")
    assert len(_titles(await _page(client, "?mine=true"))) == 4  # a visitor: the toggle is off
    await _sign_in_as(client, me)
    everything = await _page(client, "")
    assert "Only my events" in everything and len(_titles(everything)) == 4
    mine = await _page(client, "?mine=true")
    assert sorted(_titles(mine)) == ["Full one", "Going one", "Maybe one"]
    assert "you: waitlisted #1" in mine and "My upcoming events" in mine
    assert 'name="mine" value="true" checked' in mine
    # Filters combine: none of mine is today (they start in a day).
    assert _titles(await _page(client, "?mine=true&when=today")) == []


async def test_paging_keeps_filters_and_statements_stay_few(
    client: TestClient, api: Api, monkeypatch
) -> None:
    owner = await api.register("Olga")
    group = await make_group(client, owner)
    wed = _next_wednesday()
    for n in range(23):
        start = wed + timedelta(days=1, minutes=10 * n)
        await make_event(
            client,
            owner,
            group["id"],
            title=f"Session {n:02d}",
            starts_at=_at(start),
            ends_at=_at(start + timedelta(hours=1)),
        )
    monkeypatch.setattr(clock, "now", lambda: wed)
    await _sign_in_as(client, owner)
    with StatementCounter(client.app) as counted:
        first = await _page(client, "?when=week&tz=Europe/Berlin")
    assert _titles(first) == [f"Session {n:02d}" for n in range(20)]
    assert _headings(first) == ["Tomorrow"]
    more = re.search(r'<a href="([^"]+)">More events', first)
    assert more is not None
    href = more.group(1).replace("&amp;", "&")
    assert "when=week" in href and "tz=Europe" in href
    rest = await _page(client, href.removeprefix("/events"))
    assert _titles(rest) == ["Session 20", "Session 21", "Session 22"]
    # The page of twenty costs what a page of three does: no statement per event.
    with StatementCounter(client.app) as counted_rest:
        await _page(client, href.removeprefix("/events"))
    assert counted.count == counted_rest.count
    assert counted.count <= 6


@pytest.mark.parametrize("query", ["?when=someday", "?from=yesterday", "?tz=" + "A" * 80])
async def test_bad_filters_are_explained(client: TestClient, query: str) -> None:
    html = await _page(client, query)
    assert "some filters are not valid" in html


async def test_near_keeps_the_area_and_lists_by_day(
    client: TestClient, api: Api, monkeypatch
) -> None:
    owner = await api.register("Olga")
    group = await make_group(client, owner)
    wed = _next_wednesday()
    for title, lat, lon, start in (
        ("Berlin later", 52.52, 13.40, wed + timedelta(days=2)),
        ("Potsdam sooner", 52.39, 13.06, wed + timedelta(days=1)),
        ("Hamburg", 53.55, 9.99, wed + timedelta(hours=3)),
    ):
        await make_event(
            client,
            owner,
            group["id"],
            title=title,
            lat=lat,
            lon=lon,
            starts_at=_at(start),
            ends_at=_at(start + timedelta(hours=2)),
        )
    monkeypatch.setattr(clock, "now", lambda: wed)
    html = await _page(client, "?near=52.52,13.40&radius_km=40")
    assert _titles(html) == ["Potsdam sooner", "Berlin later"]  # by day, not by distance
    assert "km away" in html and _headings(html)[0] == "Tomorrow"

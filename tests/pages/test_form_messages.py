"""Form errors are sentences in the pages' voice, beside their field; never validator text."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestClient

from tests.support.api import future
from tests.support.pages import get_csrf, signed_in

RAW = ("String should", "Input should", "Value error", "unable to parse", "Field required")


def error_of(html: str, field: str) -> str:
    found = re.search(rf'<small class="error" id="e-{field}">([^<]*)</small>', html)
    assert found is not None, f"no error beside {field}"
    return found.group(1)


async def test_sign_up_errors_read_as_sentences(client: TestClient) -> None:
    token = await get_csrf(client, "/register")
    form = {
        "csrf_token": token,
        "display_name": " ",
        "email": "not-an-address",
        "password": "short",
    }
    html = await (await client.post("/register", data=form)).text()
    assert error_of(html, "display_name") == "Please enter your name."
    assert error_of(html, "email") == "That doesn&#39;t look like an email address."
    assert error_of(html, "password") == "The password needs at least 10 characters."
    assert not any(raw in html for raw in RAW)


async def test_group_form_errors_read_as_sentences(client: TestClient) -> None:
    token = await signed_in(client)
    form = {
        "csrf_token": token,
        "name": "",
        "description": "",
        "category": "nonsense",
        "visibility": "public",
        "max_members": "lots",
        "lat": "91",
        "lon": "x",
    }
    answer = await client.post("/groups/new", data=form)
    assert answer.status == 422
    html = await answer.text()
    assert error_of(html, "name") == "Please enter a name."
    assert error_of(html, "max_members") == "The member limit must be a whole number."
    assert error_of(html, "lat") == "The latitude can be at most 90."
    assert error_of(html, "lon") == "The longitude must be a number."
    assert "Please choose a category" in error_of(html, "category")
    assert not any(raw in html for raw in RAW)


async def test_a_service_refusal_on_edit_is_a_sentence_beside_its_field(client: TestClient) -> None:
    token = await signed_in(client)
    group = {"csrf_token": token, "name": "Hikers", "category": "outdoors", "visibility": "public"}
    made = await client.post("/groups/new", data=group, allow_redirects=False)
    event = {
        "csrf_token": token,
        "title": "Hike",
        "location_name": "Trail",
        "lat": "52.4",
        "lon": "13.1",
        "starts_at": future(5)[:16],
        "ends_at": future(8)[:16],
    }
    planned = await client.post(
        made.headers["Location"] + "/events/new", data=event, allow_redirects=False
    )
    assert planned.status == 303, await planned.text()
    # The edit form sends an end before the start: refused by the service, not the schema.
    too_early = future(4)[:16]
    edited = {**event, "capacity": "", "description": "", "ends_at": too_early}
    answer = await client.post(planned.headers["Location"] + "/edit", data=edited)
    assert answer.status == 422
    html = await answer.text()
    assert error_of(html, "ends_at") == "The end must be after the start."
    assert f'value="{too_early}"' in html  # what was typed stays
    # Someone who may not edit it gets a 403, not the form (a black-box trial), whether
    # the form they send is complete or not.
    bob = await signed_in(client, "Bob", "bob@example.com")
    for sent in ({**event, "csrf_token": bob}, {"csrf_token": bob, "title": ""}):
        refused = await client.post(planned.headers["Location"] + "/edit", data=sent)
        assert refused.status == 403
        assert 'name="title"' not in await refused.text()

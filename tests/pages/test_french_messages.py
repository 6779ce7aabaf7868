"""The rest of the product speaks the reader's language: the services' refusals (flash
messages, form errors, error pages), notification texts (page, API, mail), recommendation
reasons, mail, and counts with their plural forms. English readers keep English."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestClient

from tests.support.api import PASSWORD, Api, future, make_event, make_group, rsvp
from tests.support.bus import settle
from tests.support.mail import body_of, links_in_mail, mail_to
from tests.support.pages import get_csrf, register_via_form, signed_in

FR = {"Accept-Language": "fr-FR,fr;q=0.9"}
EN = {"Accept-Language": "en"}


def flashes(html: str) -> list[str]:
    return re.findall(r'<p class="flash" data-kind="\w+" role="\w+">([^<]*)</p>', html)


def main_of(html: str) -> str:
    return html[html.find("<main") : html.find("</main>")]


async def test_a_refusal_from_a_service_is_a_french_flash(client: TestClient) -> None:
    token = await signed_in(client)
    made = await client.post(
        "/groups/new",
        data={
            "csrf_token": token,
            "name": "Hikers",
            "category": "outdoors",
            "visibility": "public",
        },
        allow_redirects=False,
    )
    path = made.headers["Location"]
    # The owner cannot leave their own group: the service says why.
    french = await client.post(f"{path}/leave", data={"csrf_token": token}, headers=FR)
    said = flashes(await french.text())[-1]  # after the group's own "ready" message
    assert said == (
        "le propriétaire ne peut pas partir : cédez d&#39;abord la propriété à un autre membre"
    ), said
    english = await client.post(f"{path}/leave", data={"csrf_token": token}, headers=EN)
    assert flashes(await english.text()) == [
        "the owner cannot leave: hand ownership to another member first"
    ]


async def test_a_service_refusal_beside_its_field_is_french(client: TestClient) -> None:
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
        "capacity": "",
        "description": "",
    }
    planned = await client.post(
        made.headers["Location"] + "/events/new", data=event, allow_redirects=False
    )
    assert planned.status == 303, await planned.text()
    edit = planned.headers["Location"] + "/edit"
    # Refused by the service (not the schema): its own words, beside the field.
    ended = {**event, "ends_at": future(4)[:16]}
    html = await (await client.post(edit, data=ended, headers=FR)).text()
    assert '<small class="error" id="e-ends_at">La fin doit être après le début.</small>' in html
    english = await (await client.post(edit, data=ended, headers=EN)).text()
    assert "The end must be after the start." in english


async def test_error_pages_say_the_services_detail_in_french(client: TestClient, api: Api) -> None:
    await signed_in(client)
    html_fr = {**FR, "Accept": "text/html"}
    forged = await client.post("/groups/new", data={"name": "x"}, headers=html_fr)
    assert forged.status == 403
    main = main_of(await forged.text())
    assert "Le formulaire a expiré ou ne vient pas de ce site" in main, main
    assert "the form has expired" not in main.lower()
    english = await client.post(
        "/groups/new", data={"name": "x"}, headers={**EN, "Accept": "text/html"}
    )
    assert "The form has expired or did not come from this site" in await english.text()
    # The API keeps the English detail whatever the caller's language.
    owner = await api.register("Olga")
    group = await make_group(client, owner)
    left = await client.post(
        f"/api/v1/groups/{group['id']}/leave", headers={**owner["headers"], **FR}
    )
    assert left.status == 409
    problem = await left.json()
    assert problem["detail"] == "the owner cannot leave: hand ownership to another member first"


async def _cancelled_event_for(client: TestClient, api: Api) -> tuple[dict, dict]:
    owner = await api.register("Olga")
    ann = await client.post(
        "/api/v1/auth/login", json={"email": "ann@example.com", "password": PASSWORD}
    )
    member = await ann.json()
    member["headers"] = {"Authorization": f"Bearer {member['access_token']}"}
    group = await make_group(client, owner, name="Crag Rats")
    await client.post(f"/api/v1/groups/{group['id']}/join", headers=member["headers"])
    event = await make_event(client, owner, group["id"], title="Night climb")
    await rsvp(client, event, member)
    cancelled = await client.post(
        f"/api/v1/events/{event['id']}/cancel", json={"reason": "rain"}, headers=owner["headers"]
    )
    assert cancelled.status == 200, await cancelled.text()
    await settle(client.app)  # notifications are made by the bus, after the answer
    return owner, member


async def test_notifications_are_worded_in_the_readers_language(
    client: TestClient, api: Api
) -> None:
    await signed_in(client)  # Ann, in this browser
    _, member = await _cancelled_event_for(client, api)

    french = main_of(await (await client.get("/notifications", headers=FR)).text())
    assert "Night climb est annulé : rain" in french, french
    english = main_of(await (await client.get("/notifications", headers=EN)).text())
    assert "Night climb is cancelled: rain" in english

    # The API's human `text` follows Accept-Language; `kind` and `data` stay as they are.
    listed = await client.get("/api/v1/notifications", headers={**member["headers"], **FR})
    assert "Accept-Language" in listed.headers.getall("Vary", [])
    item = (await listed.json())["items"][0]
    assert item["text"] == "Night climb est annulé : rain"
    assert item["kind"] == "event_cancelled" and item["data"]["reason"] == "rain"
    plain = await client.get("/api/v1/notifications", headers=member["headers"])
    assert (await plain.json())["items"][0]["text"] == "Night climb is cancelled: rain"


async def test_mail_is_written_in_the_recipients_language(client: TestClient, api: Api) -> None:
    french, english = await api.register("Chloé"), await api.register("Ben")
    for token in await links_in_mail(client.app, "/verify-email"):
        await client.post("/api/v1/auth/verify-email", json={"token": token})
    setting = await client.patch(
        "/api/v1/users/me", json={"locale": "fr"}, headers=french["headers"]
    )
    assert setting.status == 200
    for person in (french, english):
        asked = await client.post("/api/v1/auth/password-reset", json={"email": person["email"]})
        assert asked.status in (202, 204)

    reset_fr = (await mail_to(client.app, french["email"]))[-1]
    assert reset_fr["Subject"] == "Réinitialisez votre mot de passe CrewUp"
    text = body_of(reset_fr)
    assert "Bonjour Chloé," in text and "dans un délai de 60 minutes" in text, text
    html = reset_fr.get_body(preferencelist=("html",)).get_content()
    assert '<html lang="fr">' in html and "Choisissez un nouveau mot de passe" in html
    reset_en = (await mail_to(client.app, english["email"]))[-1]
    assert reset_en["Subject"] == "Reset your CrewUp password"
    assert "Hello Ben," in body_of(reset_en)

    # A notification mail: its subject and text in the recipient's language too.
    group = await make_group(client, english)
    await client.post(f"/api/v1/groups/{group['id']}/join", headers=french["headers"])
    event = await make_event(client, english, group["id"], title="Picnic")
    await rsvp(client, event, french)
    await client.post(
        f"/api/v1/events/{event['id']}/cancel", json={"reason": "storm"}, headers=english["headers"]
    )
    told = [m for m in await mail_to(client.app, french["email"]) if m["List-Unsubscribe"]]
    assert [m["Subject"] for m in told] == ["Picnic est annulé : storm"]
    assert "Ne plus recevoir ce type d'e-mails" in body_of(told[0])


async def test_recommendation_reasons_follow_the_callers_language(
    client: TestClient, api: Api
) -> None:
    owner, me = await api.register("Owner"), await api.register("Me")
    await make_group(client, owner, name="Near Climbers", category="climbing", lat=52.52, lon=13.42)
    await client.patch(
        "/api/v1/users/me",
        headers=me["headers"],
        json={"interests": ["Climbing"], "home_lat": 52.52, "home_lon": 13.405},
    )
    french = await client.get("/api/v1/groups/recommended", headers={**me["headers"], **FR})
    assert (await french.json())["items"][0]["reason"] == "correspond à escalade, à 1 km"
    assert "Accept-Language" in french.headers.getall("Vary", [])
    english = await client.get("/api/v1/groups/recommended", headers=me["headers"])
    assert (await english.json())["items"][0]["reason"] == "matches climbing, 1 km away"


async def test_event_counts_take_frenchs_plural_forms(client: TestClient, api: Api) -> None:
    owner, other = await api.register("Olga"), await api.register("Ben")
    group = await make_group(client, owner)
    await client.post(f"/api/v1/groups/{group['id']}/join", headers=other["headers"])
    event = await make_event(client, owner, group["id"])
    path = f"/events/{event['id']}"
    await rsvp(client, event, owner)
    one = await (await client.get(path, headers=FR)).text()
    assert "1 participe" in one and "1 participent" not in one
    assert "0 en liste d&#39;attente" in one or "0 en liste d'attente" in one
    await rsvp(client, event, other)
    two = await (await client.get(path, headers=FR)).text()
    assert "2 participent" in two
    assert "2 going" in await (await client.get(path, headers=EN)).text()


async def test_mail_asked_for_from_a_french_page_is_french(client: TestClient) -> None:
    """No setting yet: the language of the page the person signed up or asked from."""
    signed_up = await register_via_form(client, "Zoé", "zoe@example.com", headers=FR)
    assert signed_up.status == 303
    welcome = (await mail_to(client.app, "zoe@example.com"))[-1]
    assert welcome["Subject"] == "Confirmez votre adresse e-mail pour CrewUp"
    assert "Bonjour Zoé," in body_of(welcome)

    await client.post("/logout", data={"csrf_token": await get_csrf(client, "/groups/new")})
    token = await get_csrf(client, "/password-reset")
    await client.post(
        "/password-reset", data={"csrf_token": token, "email": "zoe@example.com"}, headers=FR
    )
    reset = (await mail_to(client.app, "zoe@example.com"))[-1]
    assert reset["Subject"] == "Réinitialisez votre mot de passe CrewUp"
    english = await register_via_form(client, "Ed", "ed@example.com", headers=EN)
    assert english.status == 303
    assert (await mail_to(client.app, "ed@example.com"))[-1]["Subject"] == (
        "Confirm your e-mail address for CrewUp"
    )

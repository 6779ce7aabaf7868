"""Languages of the pages: English or French, from the person's setting, the footer's
switch (a cookie) or the browser's Accept-Language; the API stays English."""

from __future__ import annotations

import asyncio
import re

from tests.support.api import Api, make_event, make_group
from tests.support.pages import csrf_of, signed_in

FR = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}


def lang_of(html: str) -> str:
    found = re.search(r'<html lang="([^"]+)">', html)
    assert found is not None
    return found.group(1)


async def page(client, path: str, headers: dict[str, str] | None = None) -> str:
    resp = await client.get(path, headers=headers or {})
    assert resp.status == 200, path
    return await resp.text()


async def test_a_french_browser_reads_french_pages(client, api: Api) -> None:
    owner = await api.register("Olga")
    group = await make_group(client, owner, name="Crag Rats")
    pages = {
        "/": ["Votre équipe, vos événements, votre serveur.", "Se connecter"],
        "/login": ["Mot de passe oublié ?", "Adresse e-mail"],
        "/register": ["Créer un compte", "Nom affiché"],
        "/groups": ["Trouver des groupes", "escalade"],
        "/events": ["Événements à venir", "N'importe quel jour"],
        f"/groups/{group['id']}": ["groupe public", "Connectez-vous pour rejoindre"],
    }
    for path, words in pages.items():
        html = await page(client, path, FR)
        assert lang_of(html) == "fr", path
        for word in words:
            assert word.replace("'", "&#39;") in html or word in html, (path, word)
        assert "Sign in" not in html, path
    login = await client.get("/login")
    assert "Accept-Language" in login.headers.getall("Vary", [])
    english = await page(client, "/login")
    assert lang_of(english) == "en" and "Forgot your password?" in english


async def test_q_values_rank_the_browsers_languages(client) -> None:
    cases = {
        "de;q=1.0, fr;q=0.8, en;q=0.5": "fr",  # German is not offered: the next one
        "en;q=0.9, fr;q=0.3": "en",
        "fr;q=0, en": "en",  # q=0 means "not this one"
        "fr-CA": "fr",
        "xx-YY, tlh": "en",  # nothing offered: English
        "not a header;;;q=abc": "en",
    }
    for header, expected in cases.items():
        html = await page(client, "/login", {"Accept-Language": header})
        assert lang_of(html) == expected, header


async def test_the_persons_setting_beats_the_browser(client, api: Api) -> None:
    token = await signed_in(client)
    assert lang_of(await page(client, "/profile", FR)) == "fr"

    saved = await client.post(
        "/profile",
        data={
            "csrf_token": token,
            "display_name": "Ann",
            "bio": "",
            "interests": "",
            "home_lat": "",
            "home_lon": "",
            "locale": "en",
        },
        headers=FR,
    )
    html = await saved.text()
    assert saved.status == 200 and lang_of(html) == "en"
    assert "Profile saved." in html  # the flash speaks the new language already
    assert 'value="en" lang="en" selected' in html

    await client.post(
        "/profile",
        data={
            "csrf_token": token,
            "display_name": "Ann",
            "bio": "",
            "interests": "",
            "home_lat": "",
            "home_lon": "",
            "locale": "fr",
        },
    )
    html = await page(client, "/groups", {"Accept-Language": "en"})
    assert lang_of(html) == "fr" and "Trouver des groupes" in html

    wrong = await client.post(
        "/profile",
        data={
            "csrf_token": token,
            "display_name": "Ann",
            "bio": "",
            "interests": "",
            "home_lat": "",
            "home_lon": "",
            "locale": "tlh",
        },
    )
    assert wrong.status == 422 and 'id="e-locale"' in await wrong.text()

    # Clearing the setting hands the choice back to the browser.
    await client.post(
        "/profile",
        data={
            "csrf_token": token,
            "display_name": "Ann",
            "bio": "",
            "interests": "",
            "home_lat": "",
            "home_lon": "",
            "locale": "",
        },
    )
    assert lang_of(await page(client, "/groups", {"Accept-Language": "en"})) == "en"


async def test_the_api_takes_the_setting_and_stays_english(client, api: Api) -> None:
    person = await api.register("Ben")
    me = await client.patch("/api/v1/users/me", json={"locale": "fr"}, headers=person["headers"])
    assert me.status == 200 and (await me.json())["locale"] == "fr"
    bad = await client.patch(
        "/api/v1/users/me", json={"locale": "klingon"}, headers={**person["headers"], **FR}
    )
    assert bad.status == 422
    problem = await bad.json()
    assert problem["title"] == "Validation failed"
    assert problem["errors"][0]["field"] == "locale"
    cleared = await client.patch(
        "/api/v1/users/me", json={"locale": None}, headers=person["headers"]
    )
    assert (await cleared.json())["locale"] is None


async def test_a_visitor_switches_language_in_the_footer(client) -> None:
    html = await page(client, "/groups")
    token = csrf_of(html)
    switched = await client.post(
        "/language",
        data={"csrf_token": token, "locale": "fr", "next": "/groups?q=x"},
        allow_redirects=False,
    )
    assert switched.status == 303 and switched.headers["Location"] == "/groups?q=x"
    html = await page(client, "/groups", {"Accept-Language": "en"})
    assert lang_of(html) == "fr" and "Trouver des groupes" in html

    elsewhere = await client.post(
        "/language",
        data={"csrf_token": token, "locale": "en", "next": "//evil.example/"},
        allow_redirects=False,
    )
    assert elsewhere.headers["Location"] == "/"
    unknown = await client.post("/language", data={"csrf_token": token, "locale": "tlh"})
    assert unknown.status == 422
    no_csrf = await client.post("/language", data={"locale": "fr"})
    assert no_csrf.status == 403


async def test_counts_use_the_languages_plural_forms(client, api: Api) -> None:
    owner = await api.register("Olga")
    group = await make_group(client, owner)
    path = f"/groups/{group['id']}"
    assert "1 member<" in (await page(client, path)).replace("\n", "<")
    assert "1 membre\n" in await page(client, path, FR)

    other = await api.register("Ben")
    joined = await client.post(f"/api/v1/groups/{group['id']}/join", headers=other["headers"])
    assert joined.status in (200, 201)
    assert "2 members" in await page(client, path)
    french = await page(client, path, FR)
    assert "2 membres" in french and "2 members" not in french


async def test_dates_and_numbers_follow_the_language(client, api: Api) -> None:
    owner = await api.register("Olga")
    group = await make_group(client, owner)
    event = await make_event(
        client,
        owner,
        group["id"],
        starts_at="2031-03-17T18:30:00Z",
        ends_at="2031-03-17T21:00:00Z",
    )
    english = await page(client, f"/events/{event['id']}")
    assert "Mon 17 Mar 2031, 18:30 UTC" in english
    french = await page(client, f"/events/{event['id']}", FR)
    assert "lun. 17 mars 2031, 18:30 UTC" in french
    listed = await page(client, "/events?near=52.5,13.4&radius_km=50", FR)
    assert re.search(r"à \d+,\d km", listed), "distances use a decimal comma"
    assert "lundi 17 mars 2031" in listed  # the day heading


async def test_error_pages_and_form_messages_speak_french(client) -> None:
    missing = await client.get("/groups/999999", headers={**FR, "Accept": "text/html"})
    assert missing.status == 404
    html = await missing.text()
    main = html[html.find("<main") : html.find("</main>")]
    assert "Erreur 404 · Introuvable" in main, main
    assert "<h1>Nous n'avons pas trouvé cette page</h1>" in main, main
    assert "Retour à l'accueil" in main, main

    token = await signed_in(client)
    empty = await client.post(
        "/groups/new",
        data={
            "csrf_token": token,
            "name": "",
            "description": "",
            "category": "arts",
            "visibility": "public",
            "max_members": "",
            "lat": "",
            "lon": "",
        },
        headers=FR,
    )
    assert empty.status == 422
    assert "Veuillez saisir un nom." in await empty.text()


async def test_parallel_requests_each_keep_their_own_language(client, api: Api) -> None:
    owner = await api.register("Olga")
    await make_group(client, owner, name="Crag Rats")

    async def one(n: int) -> tuple[str, str]:
        lang = "fr" if n % 2 else "en"
        resp = await client.get("/groups", headers={"Accept-Language": lang})
        return lang, await resp.text()

    answers = await asyncio.gather(*(one(n) for n in range(40)))
    for lang, html in answers:
        assert lang_of(html) == lang
        if lang == "fr":
            assert "Trouver des groupes" in html and "Find groups" not in html
        else:
            assert "Find groups" in html and "Trouver des groupes" not in html

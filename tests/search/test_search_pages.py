"""The search box, the results page and the home page's suggestions."""

from __future__ import annotations

from tests.search.helpers import post
from tests.support.api import Api, make_event, make_group
from tests.support.pages import signed_in


async def test_results_page_groups_by_kind_and_escapes(client, api: Api) -> None:
    owner = await api.register("Owner")
    group = await make_group(client, owner, name="Ocelot <i>Club</i>", description="ocelots")
    await post(client, owner, group["id"], "Ocelot care", "feeding an ocelot")
    page = await client.get("/search", params={"q": "ocelot"})
    assert page.status == 200
    html = await page.text()
    assert "<h2>Groups</h2>" in html and "<h2>Posts</h2>" in html
    assert "<i>Club</i>" not in html and "&lt;i&gt;Club&lt;/i&gt;" in html
    assert "<mark>" in html
    assert 'action="/search"' in html  # the header box, a plain form
    bad = await client.get("/search", params={"q": "&&&"})
    assert bad.status == 400
    said = await bad.text()
    assert "at least one letter or digit" in said and "q needs" not in said
    french = await client.get(
        "/search", params={"q": "*"}, headers={"Accept-Language": "fr-FR,fr;q=0.9"}
    )
    assert french.status == 400
    assert "au moins une lettre ou un chiffre" in await french.text()
    too_long = await client.get("/search", params={"q": "a" * 201})
    assert too_long.status == 400 and "at most 200 characters" in await too_long.text()
    empty = await client.get("/search")
    assert empty.status == 200


async def test_home_page_for_visitors_and_members(client, api: Api) -> None:
    owner = await api.register("Owner")
    group = await make_group(client, owner, name="Visible Crew", category="climbing")
    await make_event(client, owner, group["id"], title="Open bouldering")
    visitor = await (await client.get("/")).text()
    assert "Upcoming public events" in visitor and "Open bouldering" in visitor
    await signed_in(client)
    home = await (await client.get("/")).text()
    assert "Groups for you" in home and "Upcoming for you" in home

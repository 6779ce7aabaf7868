"""Ranking, prefixes, accents and snippets: the same cases on both engines."""

from __future__ import annotations

from typing import Any

from crewup.search.schemas import SearchPage, SuggestionList
from tests.search.helpers import post, search, titles
from tests.support.api import Api, make_event, make_group


async def test_title_match_beats_description_match_and_newest_breaks_ties(client, api: Api) -> None:
    owner = await api.register("Owner")
    await make_group(client, owner, name="Knitting Circle", description="we also do kayak trips")
    await make_group(client, owner, name="Kayak Club", description="paddling")
    await make_group(client, owner, name="Kayak Crew", description="paddling too")
    await make_group(client, owner, name="Sea Kayaking Tours", description="tours")
    found = await search(client, "kayak", type="groups")
    # every word in the title first (newest first), the description match last
    assert titles(found) == ["Sea Kayaking Tours", "Kayak Crew", "Kayak Club", "Knitting Circle"]
    exact = await search(client, "kayak club", type="groups")
    assert titles(exact)[0] == "Kayak Club"


async def test_prefix_as_you_type_accents_and_case(client, api: Api) -> None:
    owner = await api.register("Owner")
    await make_group(client, owner, name="Café Crème Lovers", description="Über coffee")
    for q in ("caf", "CAFE", "café", "creme lov", "uber", "ÜBER coff"):
        assert titles(await search(client, q, type="groups")) == ["Café Crème Lovers"], q
    assert titles(await search(client, "coffees", type="groups")) == []


async def test_every_kind_is_found_with_html_safe_snippets(client, api: Api) -> None:
    owner = await api.register("Zebulon Quux")
    await client.patch(
        "/api/v1/users/me", headers=owner["headers"], json={"interests": ["xylophone"]}
    )
    group = await make_group(
        client, owner, name="Xylophone Band", description="<script>alert(1)</script> xylophone"
    )
    await make_event(
        client, owner, group["id"], title="Xylophone night", description="bring a xylophone"
    )
    created = await post(client, owner, group["id"], "Xylophone tips", "tune your xylophone <b>")
    resp = await client.post(
        f"/api/v1/posts/{created['id']}/comments",
        json={"body": "my xylophone & me"},
        headers=owner["headers"],
    )
    assert resp.status == 201, await resp.text()
    found = await search(client, "xylo", owner)
    kinds = sorted(item["type"] for item in found["items"])
    assert kinds == ["comments", "events", "groups", "posts", "users"]
    for item in found["items"]:
        snippet = item["snippet"]
        assert "<script" not in snippet and "<b>" not in snippet
        assert snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0
    group_hit = next(i for i in found["items"] if i["type"] == "groups")
    assert "<mark>xylophone</mark>" in group_hit["snippet"].lower()
    assert group_hit["url"] == f"/groups/{group['id']}"
    comment = next(i for i in found["items"] if i["type"] == "comments")
    assert comment["url"].startswith(f"/posts/{created['id']}#comment-")
    assert "&amp;" in comment["snippet"]


async def test_events_and_groups_q_use_the_same_engine(client, api: Api) -> None:
    owner = await api.register("Owner")
    group = await make_group(client, owner, name="Sierra Hikers", description="Montaña trips")
    await make_event(client, owner, group["id"], title="Night walk", description="Montaña views")
    groups = await (await client.get("/api/v1/groups", params={"q": "monta"})).json()
    assert [g["name"] for g in groups["items"]] == ["Sierra Hikers"]
    events = await (await client.get("/api/v1/events", params={"q": "MONTANA"})).json()
    assert [e["title"] for e in events["items"]] == ["Night walk"]


async def test_pages_of_every_kind_show_each_hits_own_fields(client, api: Api) -> None:
    """Each page's results are described by one statement whatever kinds it holds
    (crewup/search/details.py): every hit keeps its own title, links and times, in the
    declared shape, on every page of the cursor."""
    owner = await api.register("Vexillo Fan")
    group = await make_group(client, owner, name="Vexillology Club", description="flags")
    event = await make_event(
        client, owner, group["id"], title="Vexillology night", description="bring flags"
    )
    created = await post(client, owner, group["id"], "Flag notes", "vexillology basics")
    resp = await client.post(
        f"/api/v1/posts/{created['id']}/comments",
        json={"body": "vexillology forever"},
        headers=owner["headers"],
    )
    assert resp.status == 201, await resp.text()
    comment = await resp.json()
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(5):
        page = await search(
            client, "vexil", owner, limit=2, **({"cursor": cursor} if cursor else {})
        )
        assert SearchPage.model_validate(page).model_dump(mode="json") == page
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    shown = {item["type"]: item for item in items}
    assert len(items) == len(shown) == 5
    assert shown["groups"] | {"snippet": "", "created_at": ""} == {
        "type": "groups", "id": group["id"], "title": "Vexillology Club", "snippet": "",
        "url": f"/groups/{group['id']}", "created_at": "", "group_id": group["id"],
        "post_id": None, "starts_at": None,
    }  # fmt: skip
    assert (shown["events"]["title"], shown["events"]["group_id"]) == (event["title"], group["id"])
    assert (shown["events"]["starts_at"], shown["events"]["post_id"]) == (event["starts_at"], None)
    assert (shown["posts"]["post_id"], shown["posts"]["starts_at"]) == (created["id"], None)
    assert "<mark>vexillology</mark>" in shown["posts"]["snippet"].lower()
    assert shown["comments"]["id"] == comment["id"]
    assert (shown["comments"]["title"], shown["comments"]["post_id"]) == (
        "Flag notes",
        created["id"],
    )
    assert shown["comments"]["group_id"] == group["id"]
    assert (shown["users"]["title"], shown["users"]["group_id"]) == ("Vexillo Fan", None)
    assert all(item["created_at"].endswith("Z") for item in items)
    resp = await client.get("/api/v1/search/suggest", params={"q": "vexil"})
    suggested = await resp.json()
    assert SuggestionList.model_validate(suggested).model_dump(mode="json") == suggested
    assert {(s["type"], s["id"], s["url"]) for s in suggested["items"]} == {
        (item["type"], item["id"], item["url"]) for item in items
    }

"""A query matching more rows of a kind than search ranks in full (a prefix of a letter
or two): the exact name still comes first and the newest matches lead, in order."""

from __future__ import annotations

from crewup.search.candidates import MATCHES, NEWEST
from tests.search.helpers import post, search, titles
from tests.support.api import Api, make_group


async def test_many_matches_keep_exact_name_first_and_newest_in_order(client, api: Api) -> None:
    owner = await api.register("Owner")
    group = await make_group(client, owner, name="Zoo keepers", description="animals")
    # The oldest post, far outside the newest rows: found only as an exact title.
    await post(client, owner, group["id"], "Zebra", "the first one")
    for n in range(MATCHES + 5):
        await post(client, owner, group["id"], f"Note {n:03}", "a zebra was seen")
    await post(client, owner, group["id"], "Unrelated", "nothing to see")

    found = await search(client, "zebra", type="posts", limit=10)
    assert titles(found)[0] == "Zebra"
    newest = [f"Note {n:03}" for n in range(MATCHES + 4, MATCHES - 5, -1)]
    assert titles(found)[1:] == newest

    # Paging goes on through the newest rows, in order, without repeats.
    seen = titles(found)
    cursor = found["next_cursor"]
    while cursor:
        page = await search(client, "zebra", type="posts", limit=50, cursor=cursor)
        seen += titles(page)
        cursor = page["next_cursor"]
    assert len(seen) == len(set(seen))
    assert seen[1:] == [f"Note {n:03}" for n in range(MATCHES + 4, MATCHES + 4 - len(seen) + 1, -1)]
    assert len(seen) >= NEWEST - 2

    # The query is now remembered as matching many posts (crewup/search/broad.py), so
    # posts are no longer counted for it: new rows are still found at once, posts among
    # the newest and a group (a kind that matched none, counted every time) too.
    await post(client, owner, group["id"], "Note fresh", "another zebra")
    await make_group(client, owner, name="Zebra crossing", description="new")
    assert titles(await search(client, "zebra", type="posts", limit=2)) == ["Zebra", "Note fresh"]
    everything = titles(await search(client, "zebra", limit=3))
    assert set(everything) == {"Zebra", "Zebra crossing", "Note fresh"}


async def test_a_kind_without_matches_does_not_hide_the_others(client, api: Api) -> None:
    owner = await api.register("Owner")
    group = await make_group(client, owner, name="Quokka fans", description="small")
    await post(client, owner, group["id"], "Hello", "about quokkas")
    found = await search(client, "quokka")
    assert sorted(item["type"] for item in found["items"]) == ["groups", "posts"]

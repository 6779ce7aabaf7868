"""Pages and bad input: every user mistake is a 4xx problem, never a 500, on both engines."""

from __future__ import annotations

import pytest

from tests.search.helpers import search, titles
from tests.support.api import Api, make_group

NASTY = [
    "'",
    '"',
    "\"'",
    "&|!:*()",
    "a & b",
    "!x",
    "x:*",
    "(a | b)",
    "NEAR(a b)",
    "a AND OR NOT",
    "*",
    "-a",
    "^a",
    "a:A",
    "column:x",
    "name : x",
    "\\",
    "x" * 200,
    "é" * 150,
    "日本語 検索",
    "🙂 emoji",
    "a\u0301",
    "ǆ ß ﬁ",
    "½ ²",
    "x\x00y",
    "NUL\x00",
    "\u202e",
    "a'b'c",
]


async def test_pages_follow_the_cursor_without_repeats(client, api: Api) -> None:
    owner = await api.register("Owner")
    for n in range(7):
        await make_group(client, owner, name=f"Paging Club {n}", description="paging")
    await make_group(client, owner, name="Other", description="a paging note")
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = await search(client, "paging", **params)
        seen += titles(page)
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"Paging Club {n}" for n in reversed(range(7))] + ["Other"]


async def test_query_syntax_is_only_text(client, api: Api) -> None:
    owner = await api.register("Owner")
    await make_group(client, owner, name="Near a b x", description="NOT AND OR column name")
    for q in NASTY:
        for path, cut in (
            ("/api/v1/search", 200),
            ("/api/v1/search/suggest", 200),
            ("/api/v1/groups", 100),
            ("/api/v1/events", 100),
        ):
            resp = await client.get(path, params={"q": q[:cut]})
            assert resp.status in (200, 422), (path, q, resp.status, await resp.text())


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({}, 422),
        ({"q": ""}, 422),
        ({"q": "   "}, 422),
        ({"q": "&|!"}, 422),
        ({"q": "x" * 201}, 422),
        ({"q": "x", "type": "planets"}, 422),
        ({"q": "x", "type": "groups,nope"}, 422),
        ({"q": "x", "limit": "0"}, 422),
        ({"q": "x", "limit": "101"}, 422),
        ({"q": "x", "cursor": "not-a-cursor"}, 400),
        ({"q": "x", "cursor": "eyJpZCI6IDF9"}, 400),
        ({"q": "x", "extra": "1"}, 422),
    ],
)
async def test_bad_input_is_a_problem(client, params, status) -> None:
    resp = await client.get("/api/v1/search", params=params)
    assert resp.status == status, await resp.text()
    assert resp.content_type == "application/problem+json"


async def test_type_filters_and_combines(client, api: Api) -> None:
    owner = await api.register("Yak Owner")
    await make_group(client, owner, name="Yak Herders")
    both = await search(client, "yak", owner, type="groups,users")
    assert sorted(i["type"] for i in both["items"]) == ["groups", "users"]
    assert [i["type"] for i in (await search(client, "yak", owner, type="users"))["items"]] == [
        "users"
    ]

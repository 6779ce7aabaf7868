"""crewup-admin search reindex: rebuilds, says so, and search finds the same afterwards."""

from __future__ import annotations

from tests.search.helpers import post, search, titles
from tests.support.api import Api, make_group
from tests.support.cli import admin_cli


async def test_reindex_keeps_results(client, api: Api, settings) -> None:
    owner = await api.register("Owner")
    group = await make_group(client, owner, name="Narwhal Watchers")
    await post(client, owner, group["id"], "Narwhal sighting", "tusks")
    before = titles(await search(client, "narwhal"))
    result = await admin_cli(settings, "search", "reindex")
    assert result.exit_code == 0, result.output
    assert "reindexed" in result.output and "groups" in result.output
    assert (
        titles(await search(client, "narwhal"))
        == before
        == [
            "Narwhal sighting",
            "Narwhal Watchers",
        ]
    )

"""crewup-admin stats: the installation at a glance."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from cli.common import console, database, run, settings
from crewup.core import clock
from crewup.moderation.audit import OPERATOR
from crewup.moderation.stats import SiteStats, site_stats


def as_json(stats: SiteStats) -> dict[str, object]:
    return {
        "at": clock.isoformat(stats.at),
        "people": {"active": stats.people_active, "banned": stats.people_banned},
        "groups": {"public": stats.groups_public, "private": stats.groups_private},
        "events": {"upcoming": stats.events_upcoming},
        "chat_messages": stats.chat_messages,
        "posts": stats.posts,
        "reports": {"open": stats.reports_open},
        "bans": {"active": stats.bans_active},
        "safety_alerts": {"last_7_days": stats.alerts_week},
    }


def stats_table(stats: SiteStats) -> Table:
    # Three narrow columns: fits 80 columns with room to spare, nothing to wrap.
    table = Table(title=f"CrewUp at {clock.isoformat(stats.at)}")
    table.add_column("what", no_wrap=True)
    table.add_column("", no_wrap=True)
    table.add_column("count", no_wrap=True, justify="right")
    rows = [
        ("people", "active", stats.people_active),
        ("", "banned", stats.people_banned),
        ("groups", "public", stats.groups_public),
        ("", "private", stats.groups_private),
        ("events", "upcoming", stats.events_upcoming),
        ("chat messages", "", stats.chat_messages),
        ("posts", "", stats.posts),
        ("reports", "open", stats.reports_open),
        ("bans", "in effect", stats.bans_active),
        ("safety alerts", "last 7 days", stats.alerts_week),
    ]
    for what, which, count in rows:
        table.add_row(what, which, f"{count:,}")
    return table


def stats(as_json_: bool = typer.Option(False, "--json", help="Print JSON")) -> None:
    """The installation at a glance: people, groups, events, messages, reports, alerts.

    People (active, banned), groups (public, private), upcoming events, chat messages
    and posts, open reports, bans in effect, safety alerts of the last 7 days."""
    cfg = settings()

    async def work() -> SiteStats:
        async with database(cfg) as db, db.reading() as conn:
            return await site_stats(conn, OPERATOR)

    found = run(work)
    if as_json_:
        typer.echo(json.dumps(as_json(found), indent=2))
        return
    console.print(stats_table(found))

"""crewup-admin seed: a demo world of any size, from five people to a country."""

from __future__ import annotations

import enum
import random

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from cli.common import console, database, run, settings
from crewup.auth.passwords import PasswordHasher
from crewup.seed.cast import DEMO_PASSWORD
from crewup.seed.service import SeedRequest, SeedResult, seed_demo
from crewup.seed.sizes import SIZES

app = typer.Typer(help="Demo data.", no_args_is_help=True)


class Size(enum.StrEnum):
    small = "small"
    town = "town"
    city = "city"
    country = "country"


class RowsPerSecond(ProgressColumn):
    def render(self, task: Task) -> Text:
        elapsed = task.finished_time if task.finished else task.elapsed
        rate = task.completed / elapsed if elapsed else 0.0
        return Text(f"{rate:>10,.0f} rows/s", style="progress.data.speed")


class TableBars:
    """One bar per table, with rows written and rows per second."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._tasks: dict[str, TaskID] = {}

    def start(self, table: str, expected: int) -> None:
        self._tasks[table] = self._progress.add_task(table, total=max(expected, 1))

    def advance(self, table: str, rows: int) -> None:
        self._progress.advance(self._tasks[table], rows)

    def finish(self, table: str, rows: int) -> None:
        # Derived tables (RSVPs, comments) were an estimate: the bar ends at what was written.
        self._progress.update(self._tasks[table], total=max(rows, 1), completed=rows)


def _print_result(result: SeedResult, seed: int) -> None:
    if result.written:
        table = Table(title=f"generated world (seed {seed})")
        for column in ("table", "rows", "seconds", "rows/s"):
            table.add_column(column, justify="left" if column == "table" else "right")
        for w in result.written:
            table.add_row(w.table, f"{w.rows:,}", f"{w.seconds:.1f}", f"{w.per_second:,.0f}")
        console.print(table)
    people = result.cast + next((w.rows for w in result.written if w.table == "users"), 0)
    if not people:
        console.print("nothing to seed: the site already has accounts")
        return
    console.print(
        f"seeded {people} people in {result.seconds:.1f} s; sign in as ann@example.com "
        f"(or anyone seeded) with password [bold]{DEMO_PASSWORD}[/]"
    )
    for line in result.content:
        console.print(line)


@app.command()
def demo(
    size: Size = typer.Option(
        Size.small, help="About 5 / 1,000 / 100,000 / 1,000,000 people, with groups to match"
    ),
    users: int | None = typer.Option(
        None, min=1, help="People in all; the first five are the demo cast"
    ),
    groups: int | None = typer.Option(None, min=0, help="Groups in all (the demo's two included)"),
    events: int | None = typer.Option(
        None, min=0, help="Events in all (the demo's three included)"
    ),
    posts: int | None = typer.Option(None, min=0, help="Posts in all (the demo's one included)"),
    seed: int | None = typer.Option(
        None, min=0, help="Same seed, same day: the same world (default: a random one, printed)"
    ),
    if_empty: bool = typer.Option(
        False, "--if-empty", help="Do nothing when the site already has accounts"
    ),
    force: bool = typer.Option(
        False, "--force", help="Seed even though the site has people who are not demo people"
    ),
) -> None:
    """Create a demo world (password: crewup-demo). The small one is five people, two
    groups, a post and three events near Berlin, one with a waitlist; larger ones add
    generated people, groups, events, RSVPs, posts and comments around real cities."""
    cfg = settings()
    world_seed = seed if seed is not None else random.SystemRandom().randrange(1_000_000)
    request = SeedRequest(
        SIZES[size.value].but(users=users, groups=groups, events=events, posts=posts),
        world_seed,
        if_empty=if_empty,
        force=force,
    )

    async def work() -> SeedResult:
        hasher = PasswordHasher(cfg.argon2_time_cost, cfg.argon2_memory_kib)
        columns = (
            TextColumn("{task.description:<20}"),
            BarColumn(),
            MofNCompleteColumn(),
            RowsPerSecond(),
            TimeElapsedColumn(),
        )
        async with database(cfg) as db:
            with Progress(*columns, console=console, transient=False) as bars:
                return await seed_demo(db, request, hasher.hash, TableBars(bars))

    result = run(work)
    if result.skipped:
        console.print("nothing to seed: the site already has accounts")
        return
    _print_result(result, world_seed)

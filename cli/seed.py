"""crewup-admin seed: a small demo so a newcomer sees a living site."""

from __future__ import annotations

import typer
from rich.progress import track

from cli.common import console, database, run, settings, transaction
from cli.demo_content import create_demo_content
from crewup.auth.passwords import PasswordHasher
from crewup.core.identity import Actor, Role
from crewup.users import service

app = typer.Typer(help="Demo data.", no_args_is_help=True)

DEMO_PASSWORD = "crewup-demo"
DEMO_PEOPLE = [
    ("ann@example.com", "Ann Admin", Role.admin, ["climbing", "hiking"]),
    ("mo@example.com", "Mo Moderator", Role.moderator, ["board games", "cycling"]),
    ("bea@example.com", "Bea", Role.user, ["climbing", "photography"]),
    ("carl@example.com", "Carl", Role.user, ["running", "hiking"]),
    ("dina@example.com", "Dina", Role.user, ["cycling", "cooking"]),
]


@app.command()
def demo(
    users: int = typer.Option(
        len(DEMO_PEOPLE), min=1, max=len(DEMO_PEOPLE), help="How many demo people"
    ),
    if_empty: bool = typer.Option(
        False, "--if-empty", help="Do nothing when the site already has accounts"
    ),
) -> None:
    """Create demo people (password: crewup-demo); with all of them, also demo groups,
    a post and events near Berlin."""
    cfg = settings()

    async def work() -> tuple[int, list[str]]:
        hasher = PasswordHasher(cfg.argon2_time_cost, cfg.argon2_memory_kib)
        async with transaction(cfg) as conn:
            if if_empty and await service.count_accounts(conn) > 0:
                return 0, []
        people: dict[str, Actor] = {}
        for email, name, role, interests in track(
            DEMO_PEOPLE[:users], description="people", console=console
        ):
            password_hash = await hasher.hash(DEMO_PASSWORD)
            async with transaction(cfg) as conn:
                if await service.find_account_by_email(conn, email) is not None:
                    continue
                account = await service.create_account(
                    conn, email=email, password_hash=password_hash, display_name=name, role=role
                )
                await service.update_profile(conn, account.id, {"interests": interests})
                people[email] = Actor(id=account.id, role=role, banned=False)
        if len(people) < len(DEMO_PEOPLE):
            return len(people), []  # groups and events need the whole cast, new
        async with database(cfg) as db:
            return len(people), await create_demo_content(db, people)

    created, content = run(work)
    if created:
        console.print(
            f"seeded {created} people; sign in as ann@example.com with "
            f"password [bold]{DEMO_PASSWORD}[/]"
        )
        for line in content:
            console.print(line)
    else:
        console.print("nothing to seed: the site already has accounts")

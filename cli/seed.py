"""crewup-admin seed: a small demo so a newcomer sees a living site."""

from __future__ import annotations

import typer
from rich.progress import track

from cli.common import console, run, settings, transaction
from crewup.auth.passwords import PasswordHasher
from crewup.users import service
from crewup.users.service import Role

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
    """Create demo people (password: crewup-demo)."""
    cfg = settings()

    async def work() -> int:
        hasher = PasswordHasher(cfg.argon2_time_cost, cfg.argon2_memory_kib)
        async with transaction(cfg) as conn:
            if if_empty and await service.count_accounts(conn) > 0:
                return 0
        created = 0
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
                created += 1
        return created

    created = run(work)
    if created:
        console.print(
            f"seeded {created} people; sign in as ann@example.com with "
            f"password [bold]{DEMO_PASSWORD}[/]"
        )
    else:
        console.print("nothing to seed: the site already has accounts")

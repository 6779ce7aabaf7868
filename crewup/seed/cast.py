"""The demo cast: the five people `make run` has always had (Ann is an admin, Mo a
moderator), and who counts as a demo person when deciding whether a site is safe to
seed into."""

from __future__ import annotations

from sqlalchemy import func, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core.identity import Actor, Role
from crewup.seed.people import DEMO_DOMAIN
from crewup.users import service as users_service
from crewup.users.tables import users

DEMO_PASSWORD = "crewup-demo"
DEMO_PEOPLE = [
    ("ann@example.com", "Ann Admin", Role.admin, ["climbing", "hiking"]),
    ("mo@example.com", "Mo Moderator", Role.moderator, ["board games", "cycling"]),
    ("bea@example.com", "Bea", Role.user, ["climbing", "photography"]),
    ("carl@example.com", "Carl", Role.user, ["running", "hiking"]),
    ("dina@example.com", "Dina", Role.user, ["cycling", "cooking"]),
]


async def count_other_people(conn: AsyncConnection) -> int:
    """Accounts that are neither the cast nor generated: real people (or deleted ones)."""
    cast = [email for email, *_ in DEMO_PEOPLE]
    return int(
        (
            await conn.execute(
                select(func.count())
                .select_from(users)
                .where(
                    or_(
                        users.c.email.is_(None),
                        not_(or_(users.c.email.in_(cast), users.c.email.like(f"%@{DEMO_DOMAIN}"))),
                    )
                )
            )
        ).scalar_one()
    )


async def create_cast(conn: AsyncConnection, how_many: int, password_hash: str) -> dict[str, Actor]:
    """The first `how_many` of the cast, those not there yet; by e-mail."""
    made: dict[str, Actor] = {}
    for email, name, role, interests in DEMO_PEOPLE[:how_many]:
        if await users_service.find_account_by_email(conn, email) is not None:
            continue
        account = await users_service.create_account(
            conn, email=email, password_hash=password_hash, display_name=name, role=role
        )
        await users_service.update_profile(conn, account.id, {"interests": interests})
        # The cast is who a newcomer signs in as: confirmed, so every feature is open to
        # them. The generated crowd is not, so no mail ever goes to its made-up addresses.
        await users_service.mark_email_verified(conn, account.id, email)
        made[email] = Actor(id=account.id, role=role, banned=False, verified=True)
    return made

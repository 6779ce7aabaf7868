"""users: access tokens issued before `tokens_valid_from` are refused

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 18:45:00

A password change or reset ended refresh tokens, page sessions and open sockets, but an
access token already handed out kept working until it expired (a leaked token outlived
the password change meant to stop it). `set_password` now sets this instant; each request
already reads the account, and now also refuses tokens issued before it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crewup.core.db import UtcDateTime

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("users", sa.Column("tokens_valid_from", UtcDateTime(), nullable=True))


def downgrade() -> None:
    # SQLite 3.35+ drops a plain column in place.
    op.drop_column("users", "tokens_valid_from")

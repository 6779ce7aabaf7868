"""The bus's own rows: the outbox, what each handler has already done, dead letters, and
the scheduler's jobs."""

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    text,
)

from crewup.core.db import UtcDateTime, metadata

# BigInteger ids on PostgreSQL; SQLite needs INTEGER PRIMARY KEY to autoincrement.
Id = BigInteger().with_variant(Integer(), "sqlite")

outbox = Table(
    "outbox",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    # The domain event's name (`rsvp.promoted`) is the routing key.
    Column("name", String(64), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("published_at", UtcDateTime, nullable=True),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("last_error", Text, nullable=True),
    # The relay reads only what is still to publish, oldest first.
    Index(
        "ix_outbox_pending",
        "id",
        postgresql_where=text("published_at IS NULL"),
        sqlite_where=text("published_at IS NULL"),
    ),
    Index("ix_outbox_published_at", "published_at"),
)

# A handler's transaction records the message here with its effects, so a message
# delivered twice (a retry, a redelivery after a crash) changes nothing the second time.
processed_messages = Table(
    "processed_messages",
    metadata,
    Column("handler", String(64), nullable=False),
    Column("message_id", BigInteger, nullable=False),
    Column("processed_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("handler", "message_id"),
    Index("ix_processed_messages_processed_at", "processed_at"),
)

# Messages a handler gave up on after its retries, whichever broker ran it (RabbitMQ's
# dead-letter queues hold only those the database could not take at that moment).
dead_letters = Table(
    "dead_letters",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("handler", String(64), nullable=False),
    Column("message_id", BigInteger, nullable=False),
    Column("name", String(64), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("error", Text, nullable=False),
    Column("died_at", UtcDateTime, nullable=False),
    Index("ix_dead_letters_handler_message_id", "handler", "message_id"),
)

# One row per scheduled job: whoever locks it first when it is due runs it, once.
scheduled_jobs = Table(
    "scheduled_jobs",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("next_run_at", UtcDateTime, nullable=False),
    Column("last_run_at", UtcDateTime, nullable=True),
    Column("last_error", Text, nullable=True),
)

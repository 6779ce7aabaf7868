"""What every crewup-admin command shares: settings, the database, errors as exit codes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, NoReturn, TypeVar, overload

import typer
from pydantic import TypeAdapter, ValidationError
from rich.console import Console
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core.db import Database
from crewup.core.errors import DomainError, Invalid
from crewup.core.outages import failure_reason
from crewup.core.settings import Settings, SettingsError, load_settings
from crewup.wiring import open_database

T = TypeVar("T")
console = Console()

EXIT_FAILED = 1
EXIT_USAGE = 2
# Ids are 32-bit in PostgreSQL: a larger one is a usage error, not a database error.
ID_MAX = 2**31 - 1


def fail(message: str, code: int = EXIT_FAILED) -> NoReturn:
    # One plain line, unwrapped, so scripts can grep it.
    typer.echo(f"crewup-admin: {' '.join(str(message).split())}", err=True)
    raise typer.Exit(code)


@overload
def checked_text(rule: Any, value: str, option: str) -> str: ...
@overload
def checked_text(rule: Any, value: str | None, option: str) -> str | None: ...
def checked_text(rule: Any, value: str | None, option: str) -> str | None:
    """An option's text checked by the very type the API checks the same field with
    (`rule`, e.g. crewup.moderation.schemas.Reason), so the console writes nothing the API
    would refuse with a 422; answers it as the API would pass it on (stripped). Refused:
    one line and exit 2, before anything is touched."""
    if value is None:
        return None
    try:
        checked: str = TypeAdapter(rule).validate_python(value)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        if error["type"] == "string_too_short" and not value.strip():
            fail(f"{option} may not be blank", EXIT_USAGE)
        fail(f"{option}: {error['msg'].removeprefix('Value error, ')}", EXIT_USAGE)
    return checked


def parse_id(text: str) -> int | None:
    """The id a text of ASCII digits names, as Typer reads an int (leading zeros
    allowed); None when no row could have it. The length is checked before converting:
    Python refuses to convert more than 4,300 digits."""
    digits = text.lstrip("0")
    if not text.isascii() or not text.isdigit() or len(digits) > len(str(ID_MAX)):
        return None
    value = int(digits or "0")
    return value if 1 <= value <= ID_MAX else None


def out_of_range(digits: str) -> str:
    """Why digits parse_id refused name no row, worded as Typer words it for an
    `int` argument with min=1, max=ID_MAX (`events show 99999999999`)."""
    if not digits.strip("0"):
        return "Input should be greater than or equal to 1"
    return f"Input should be less than or equal to {ID_MAX}"


def settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        fail(str(exc), EXIT_USAGE)


def run(work: Callable[[], Awaitable[T]]) -> T:
    """Run one command's async work; domain errors become one line and an exit code."""
    try:
        return asyncio.run(work())  # type: ignore[arg-type]
    except Invalid as exc:
        fail(exc.detail, EXIT_USAGE)
    except DomainError as exc:
        fail(exc.detail)
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError, PermissionError) as exc:
        # A file the command was told to write or read, not the database.
        fail(f"cannot use {exc.filename}: {exc.strerror}")
    except (OperationalError, OSError) as exc:
        fail(f"cannot reach the database: {failure_reason(exc)}")
    except Exception as exc:  # one line for operators, never a traceback
        fail(f"failed: {type(exc).__name__}: {getattr(exc, 'orig', None) or exc}")


@asynccontextmanager
async def database(cfg: Settings) -> AsyncIterator[Database]:
    db = open_database(cfg, pool_size=2)
    try:
        yield db
    finally:
        await db.dispose()


@asynccontextmanager
async def transaction(cfg: Settings) -> AsyncIterator[AsyncConnection]:
    async with database(cfg) as db, db.transaction() as conn:
        yield conn

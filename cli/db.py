"""crewup-admin db: schema migrations."""

import typer
from alembic.util import CommandError

from cli.common import console, fail, settings
from crewup.core import migrate

app = typer.Typer(help="Database schema migrations (Alembic).", no_args_is_help=True)


@app.command()
def upgrade(revision: str = typer.Argument("head", help="Target revision")) -> None:
    """Bring the schema up to REVISION (default: the newest)."""
    cfg = settings()
    cfg.data_dir.mkdir(parents=True, exist_ok=True)
    try:
        migrate.upgrade(cfg.effective_database_url, revision)
    except CommandError as exc:
        fail(str(exc), 2)
    except Exception as exc:  # driver errors vary by dialect; say what failed, not a trace
        fail(f"upgrade failed: {exc}")
    console.print(
        f"database at [bold]{migrate.current_revision_blocking(cfg.effective_database_url)}[/]"
    )


@app.command()
def downgrade(revision: str = typer.Argument(..., help="Target, e.g. -1 or base")) -> None:
    """Step the schema back to REVISION."""
    cfg = settings()
    try:
        migrate.downgrade(cfg.effective_database_url, revision)
    except CommandError as exc:
        fail(str(exc), 2)
    except Exception as exc:
        fail(f"downgrade failed: {exc}")
    now = migrate.current_revision_blocking(cfg.effective_database_url)
    console.print(f"database at [bold]{now or 'base (empty)'}[/]")


@app.command()
def current() -> None:
    """Show the schema revision; exit 1 if it is behind the code."""
    cfg = settings()
    if cfg.database_url is None and not (cfg.data_dir / "crewup.sqlite3").exists():
        fail(f"no database yet in {cfg.data_dir}: run `crewup-admin db upgrade`")
    try:
        revision = migrate.current_revision_blocking(cfg.effective_database_url)
    except Exception as exc:
        fail(f"cannot read the database: {exc}")
    head = migrate.head_revision()
    console.print(f"current: [bold]{revision or 'base (empty)'}[/]  code head: {head}")
    if revision != head:
        fail("database is behind the code: run `crewup-admin db upgrade`")

"""`crewup serve`: the web process. (`crewup worker` arrives with the message bus.)"""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import Any

import typer

from crewup.core.settings import SettingsError, load_settings

cli = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Run CrewUp. Settings come from CREWUP_CONFIG and CREWUP_* variables.",
)


@cli.callback()
def _group() -> None:
    """Keeps `serve` a sub-command even while it is the only one."""


def fail(message: str, code: int = 1) -> None:
    typer.echo(f"crewup: {message}", err=True)
    raise typer.Exit(code)


@cli.command()
def serve(
    host: str | None = typer.Option(None, help="Address to bind (default from settings)"),
    port: int | None = typer.Option(None, min=1, max=65535, help="Port to bind"),
) -> None:
    """Serve the REST API, the WebSocket endpoint and the pages."""
    from crewup.app import StartupError, create_app
    from crewup.web.observability import JsonAccessLogger, configure_logging
    from crewup.web.server import serve as serve_app

    overrides: dict[str, Any] = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
    try:
        settings = load_settings(**overrides)
    except SettingsError as exc:
        fail(str(exc), 2)
    configure_logging(settings.log_level)
    app = create_app(settings)

    def announce() -> None:
        print(f"CrewUp serving on http://{settings.host}:{settings.port}", file=sys.stderr)

    try:
        # Starts the app (database, Redis and keys checked) before listening, says so only
        # then, and on SIGTERM or SIGINT stops accepting, lets running requests finish
        # (up to 30 s) and runs the cleanup contexts.
        asyncio.run(
            serve_app(
                app,
                settings.host,
                settings.port,
                announce=announce,
                shutdown_timeout=30,
                access_log_class=JsonAccessLogger,
                access_log=logging.getLogger("aiohttp.access") if settings.access_log else None,
            )
        )
    except StartupError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot listen on {settings.host}:{settings.port}: {exc.strerror}")


def main() -> None:
    cli()


if __name__ == "__main__":
    main()

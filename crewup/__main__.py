"""`crewup serve` (the web process) and `crewup worker` (the bus's handlers and jobs)."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from typing import Any

import typer

from crewup.core.event_loops import EventLoopUnavailable, loop_factory, loop_name, run
from crewup.core.settings import SettingsError, load_settings

cli = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Run CrewUp. Settings come from CREWUP_CONFIG and CREWUP_* variables.",
)


@cli.callback()
def _group() -> None:
    """Sub-commands: serve and worker."""


def fail(message: str, code: int = 1) -> None:
    typer.echo(f"crewup: {message}", err=True)
    raise typer.Exit(code)


@cli.command()
def serve(
    host: str | None = typer.Option(None, help="Address to bind (default from settings)"),
    port: int | None = typer.Option(None, min=1, max=65535, help="Port to bind"),
    workers: int | None = typer.Option(
        None,
        min=1,
        max=256,
        help="Server processes on the port (default: the number of cores when Redis and "
        "PostgreSQL are configured, else 1)",
    ),
    reuse_port: bool = typer.Option(False, "--reuse-port", hidden=True),
    ready_fd: int | None = typer.Option(None, "--ready-fd", hidden=True),
) -> None:
    """Serve the REST API, the WebSocket endpoint and the pages."""
    from crewup.app import StartupError, create_app
    from crewup.supervisor import (
        Supervisor,
        SupervisorError,
        check_can_share,
        check_port_free,
        default_process_count,
    )
    from crewup.web.observability import JsonAccessLogger, configure_logging
    from crewup.web.server import serve as serve_app

    overrides: dict[str, Any] = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
    try:
        settings = load_settings(**overrides)
        loop_factory(settings.event_loop)  # an unavailable loop is refused before any child
    except (SettingsError, EventLoopUnavailable) as exc:
        fail(str(exc), 2)
    configure_logging(settings.log_level)
    count = workers if workers is not None else default_process_count(settings)
    try:
        check_can_share(settings, count)
    except SupervisorError as exc:
        fail(str(exc), 2)
    if count > 1:
        try:
            check_port_free(settings.host, settings.port)
        except SupervisorError as exc:
            fail(str(exc))
        print(
            f"CrewUp starting {count} server processes on http://{settings.host}:{settings.port}",
            file=sys.stderr,
        )
        one = ["serve", "--workers", "1", "--reuse-port"]
        where = ["--host", settings.host, "--port", str(settings.port)]
        raise typer.Exit(Supervisor([sys.executable, "-m", "crewup", *one, *where], count).run())
    app = create_app(settings)

    def announce() -> None:
        which = [f"process {os.getpid()}"] if reuse_port else []
        which.append(f"{loop_name(asyncio.get_running_loop())} event loop")
        print(
            f"CrewUp serving on http://{settings.host}:{settings.port} ({', '.join(which)})",
            file=sys.stderr,
        )
        if (
            ready_fd is not None
        ):  # the supervisor waits for this to tell a crash from a failed start
            os.write(ready_fd, b"1")
            os.close(ready_fd)

    try:
        # Starts the app (database, Redis and keys checked) before listening, says so only
        # then, and on SIGTERM or SIGINT stops accepting, lets running requests finish
        # (up to 30 s) and runs the cleanup contexts.
        run(
            serve_app(
                app,
                settings.host,
                settings.port,
                announce=announce,
                shutdown_timeout=30,
                reuse_port=reuse_port,
                backlog=settings.listen_backlog,
                access_log_class=JsonAccessLogger,
                access_log=logging.getLogger("aiohttp.access") if settings.access_log else None,
            ),
            settings.event_loop,
        )
    except StartupError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot listen on {settings.host}:{settings.port}: {exc.strerror}")


@cli.command()
def worker(
    metrics_port: int | None = typer.Option(
        None, min=1, max=65535, help="Also serve /metrics and /healthz on this port"
    ),
) -> None:
    """Run the bus: mail, push, notifications and the scheduled jobs."""
    from crewup.web.observability import configure_logging
    from crewup.worker import WorkerStartError, run_worker

    try:
        settings = load_settings()
        loop_factory(settings.event_loop)
    except (SettingsError, EventLoopUnavailable) as exc:
        fail(str(exc), 2)
    configure_logging(settings.log_level)

    def announce(line: str) -> None:
        print(f"{line} ({loop_name(asyncio.get_running_loop())} event loop)", file=sys.stderr)

    try:
        run(
            run_worker(settings, probe_port=metrics_port, announce=announce),
            settings.event_loop,
        )
    except WorkerStartError as exc:
        fail(str(exc))


def main() -> None:
    cli()


if __name__ == "__main__":
    main()

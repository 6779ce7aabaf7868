"""crewup-admin outbox: what the bus has in flight, and replaying what it gave up on."""

from __future__ import annotations

import json
from dataclasses import dataclass

import typer
from rich.table import Table

from cli.common import console, database, fail, run, settings
from crewup.bus import outbox
from crewup.bus.messages import Handler
from crewup.bus.rabbitmq import dead_letter_counts, replay_dead_letters
from crewup.bus.runtime import topology_for
from crewup.core import clock
from crewup.core.settings import Settings
from crewup.wiring import build_handlers

app = typer.Typer(
    help="The bus: messages waiting to be published or handled, and dead letters.",
    no_args_is_help=True,
)


@dataclass
class BusReport:
    pending: int
    failing: int
    lag_seconds: float
    backlog: dict[str, int]
    dead_letters: dict[str, int]
    rabbitmq: str  # "not used", "ok" or why it could not be read


async def _rabbit_dead_letters(
    cfg: Settings, handlers: list[Handler]
) -> tuple[dict[str, int], str]:
    if not cfg.amqp_url:
        return {}, "not used"
    try:
        return await dead_letter_counts(cfg.amqp_url, topology_for(cfg, handlers)), "ok"
    except Exception as exc:  # status is for outages too: say so, report the rest
        return {}, f"unreachable: {type(exc).__name__}: {str(exc) or repr(exc)}"


@app.command()
def status(as_json: bool = typer.Option(False, "--json", help="Print JSON")) -> None:
    """Messages not yet published, each handler's backlog, and dead letters."""
    cfg = settings()

    async def work() -> BusReport:
        async with database(cfg) as db:
            handlers = build_handlers(cfg, db)
            async with db.reading() as conn:
                state = await outbox.status(conn)
                backlog = await outbox.backlog(conn, handlers)
                buried = await outbox.dead_letters_by_handler(conn)
        rabbit, reachable = await _rabbit_dead_letters(cfg, handlers)
        names = [h.name for h in handlers] + sorted(set(buried) - {h.name for h in handlers})
        dead = {name: buried.get(name, 0) + rabbit.get(name, 0) for name in names}
        lag = state.lag_seconds(clock.now())
        return BusReport(state.pending, state.failing, lag, backlog, dead, reachable)

    report = run(work)
    if as_json:
        typer.echo(json.dumps(report.__dict__, indent=2))
        return
    console.print(
        f"outbox: {report.pending} to publish ({report.failing} failing), "
        f"oldest waiting {report.lag_seconds:.1f} s; RabbitMQ: {report.rabbitmq}",
        markup=False,
    )
    table = Table("handler", "in flight", "dead letters")
    for name, dead in report.dead_letters.items():
        table.add_row(name, str(report.backlog.get(name, "?")), str(dead))
    console.print(table)


@app.command()
def retry(
    dead: bool = typer.Option(False, "--dead", help="Also replay the dead letters"),
) -> None:
    """Retry at once what failed to publish; with --dead, also give every dead letter
    another go (after fixing what made it fail)."""
    cfg = settings()

    async def work() -> tuple[int, int, int | str]:
        async with database(cfg) as db:
            async with db.transaction() as conn:
                failing = await outbox.retry_failing(conn)
                local = await outbox.requeue_dead_letters(conn) if dead else 0
            if not (dead and cfg.amqp_url):
                return failing, local, 0
            topology = topology_for(cfg, build_handlers(cfg, db))
            try:
                return failing, local, await replay_dead_letters(cfg.amqp_url, topology)
            except Exception as exc:
                return failing, local, f"{type(exc).__name__}: {exc}"

    failing, local, remote = run(work)
    if isinstance(remote, str):
        fail(f"requeued {local} dead letters from the database; RabbitMQ unreachable: {remote}")
    console.print(f"{failing} failing to publish will be retried now", markup=False)
    if dead:
        console.print(
            f"requeued {local} dead letters from the database and {remote} from RabbitMQ",
            markup=False,
        )

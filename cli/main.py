"""crewup-admin entry point."""

import sys

import typer

# Typer vendors its own copy of click; its exceptions are the ones raised here.
from typer._click.exceptions import NoArgsIsHelpError, UsageError

from cli import (
    audit,
    bans,
    db,
    events,
    fix,
    groups,
    jobs,
    keys,
    media,
    notify,
    outbox,
    reports,
    search,
    seed,
    stats,
    users,
)
from cli.common import EXIT_FAILED, EXIT_USAGE

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Operate a CrewUp installation. Settings come from CREWUP_CONFIG and "
    "CREWUP_* variables, as for `crewup serve`.",
)
app.add_typer(db.app, name="db")
app.add_typer(users.app, name="users")
app.add_typer(bans.app, name="bans")
app.add_typer(reports.app, name="reports")
app.add_typer(audit.app, name="audit")
app.add_typer(keys.app, name="keys")
app.add_typer(seed.app, name="seed")
app.add_typer(groups.app, name="groups")
app.add_typer(events.app, name="events")
app.add_typer(fix.app, name="fix")
app.add_typer(outbox.app, name="outbox")
app.add_typer(notify.app, name="notify")
app.add_typer(jobs.app, name="jobs")
app.add_typer(search.app, name="search")
app.add_typer(media.app, name="media")
app.command("stats")(stats.stats)


def main() -> None:
    try:
        code = app(standalone_mode=False)
    except NoArgsIsHelpError as exc:
        exc.show()  # the group's help, as before
        sys.exit(EXIT_USAGE)
    except UsageError as exc:
        # Bad usage is one plain line on stderr and exit code 2, like every other
        # refusal (cli.common.fail), not a usage banner and a box.
        fail_line = " ".join(exc.format_message().split())
        typer.echo(f"crewup-admin: {fail_line}", err=True)
        sys.exit(EXIT_USAGE)
    except typer.Abort:
        typer.echo("crewup-admin: aborted", err=True)
        sys.exit(EXIT_FAILED)
    sys.exit(code if isinstance(code, int) else 0)

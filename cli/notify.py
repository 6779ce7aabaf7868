"""crewup-admin notify: check that mail leaves this installation."""

from __future__ import annotations

import typer
from pydantic import EmailStr, TypeAdapter, ValidationError

from cli.common import EXIT_USAGE, console, fail, run, settings
from crewup.core.mail import compose, mailer_for

app = typer.Typer(help="Notifications: test the mail settings.", no_args_is_help=True)
_address = TypeAdapter(EmailStr)


@app.command()
def test(to: str = typer.Argument(..., help="Address to send a test message to")) -> None:
    """Send a test message now, straight through the configured mailer (not the bus),
    so a wrong SMTP setting shows here as an error."""
    try:
        address = _address.validate_python(to)
    except ValidationError:
        fail(f"not an email address: {to!r}", EXIT_USAGE)
    cfg = settings()
    message = compose(cfg, to=address, subject="CrewUp test message", template="test", context={})

    async def work() -> str | None:
        mailer = mailer_for(cfg)
        try:
            await mailer.send(message)
        except Exception as exc:  # the point of the command: say why mail does not leave
            return f"{type(exc).__name__}: {exc}"
        finally:
            await mailer.close()
        return None

    refused = run(work)
    if refused:
        fail(f"the message to {address} was not sent: {refused}")
    where = cfg.smtp_url.split("@")[-1] if cfg.smtp_url else str(cfg.data_dir / "outbox" / "mail")
    console.print(f"test message sent to {address} via {where}", markup=False)

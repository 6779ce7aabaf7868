"""crewup-admin keys: JWT signing keys."""

import typer

from cli.common import console, fail, settings
from crewup.auth.keyring import KeyringError, keyring_for

app = typer.Typer(help="Access-token signing keys.", no_args_is_help=True)


@app.command()
def rotate() -> None:
    """Sign with a new key from now on. The old key stays in the JWKS until the tokens it
    signed have expired, so nobody is signed out; running servers pick the change up."""
    cfg = settings()
    keyring = keyring_for(cfg)
    try:
        keyring.load()
        new, pruned = keyring.rotate()
    except KeyringError as exc:
        fail(str(exc))
    console.print(
        f"new signing key [bold]{new.kid}[/]; "
        f"published keys: {', '.join(k['kid'] for k in keyring.jwks()['keys'])}"
    )
    if pruned:
        console.print(f"removed expired keys: {', '.join(pruned)}")

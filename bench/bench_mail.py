"""Outgoing mail: --messages notification-sized messages through `SmtpMailer.send` to a
local aiosmtpd, in its own process (its CPU is not ours): msg/s, the sender's CPU per
message, and how many connections the server saw. Every message must arrive exactly once.

Three servers: plain SMTP on loopback; STARTTLS and AUTH (a self-signed certificate the
sender is told to trust) as a provider asks for; the same behind a relay that delays
every byte by --rtt-ms / 2 each way, as a remote provider does. Senders: one at a time
(the bus sends a batch's mail in order) and --concurrency at once (several handlers or
workers).

`--code DIR` takes `SmtpMailer` from DIR/crewup/core/mail.py instead (the "before": a
checkout of the code before pooling; its other imports come from this tree)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import importlib.util
import ipaddress
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from common import cpu_seconds

parser = argparse.ArgumentParser()
parser.add_argument("--messages", type=int, default=500)
parser.add_argument("--concurrency", type=int, default=4)
parser.add_argument("--rtt-ms", type=float, default=10.0)
parser.add_argument("--code", type=Path, help="a checkout whose crewup/core/mail.py to use")
parser.add_argument("--serve", help=argparse.SUPPRESS)  # the server process: its options
args, _ = parser.parse_known_args()


# The server process -------------------------------------------------------------------


class Tally:
    def __init__(self) -> None:
        self.ids: list[str] = []
        self.connections = 0

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        if session.ssl is None:  # EHLO comes again after STARTTLS
            self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        for line in envelope.content.decode().splitlines():
            if line.lower().startswith("message-id:"):
                self.ids.append(line.split(":", 1)[1].strip())
        return "250 OK"


async def relay(listen: int, target: int, delay: float) -> asyncio.AbstractServer:
    """Every chunk reaches the other side `delay` seconds later, in order."""
    loop = asyncio.get_running_loop()

    async def pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while chunk := await reader.read(65536):
            loop.call_later(delay, writer.write, chunk)
        loop.call_later(delay, writer.close)

    async def connected(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", target)
        # Cancelled when the server ends; a cancelled handler would be logged as an error.
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(pump(reader, up_writer), pump(up_reader, writer))

    return await asyncio.start_server(connected, "127.0.0.1", listen)


async def _end_relays() -> None:
    """Connections the relay still carries end with the server (no pending-task noise)."""
    relays = asyncio.all_tasks() - {asyncio.current_task()}
    for task in relays:
        task.cancel()
    await asyncio.gather(*relays, return_exceptions=True)


def serve(options: dict[str, Any]) -> None:
    import logging
    import ssl

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    logging.getLogger("mail.log").setLevel(logging.ERROR)  # per-session chatter
    tally = Tally()
    kwargs: dict[str, Any] = {}
    if options["tls"]:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(options["cert"], options["key"])
        kwargs = {
            "tls_context": context,
            "require_starttls": True,
            "authenticator": lambda *_: AuthResult(success=True),
        }
    smtp_port = options["smtp_port"] if options["delay"] else options["port"]
    controller = Controller(tally, hostname="127.0.0.1", port=smtp_port, **kwargs)
    controller.start()
    loop = asyncio.new_event_loop()
    if options["delay"]:
        loop.run_until_complete(relay(options["port"], smtp_port, options["delay"]))
    print("ready", flush=True)
    loop.run_until_complete(loop.run_in_executor(None, sys.stdin.read))  # until told
    controller.stop()
    loop.run_until_complete(_end_relays())
    print(json.dumps({"ids": tally.ids, "connections": tally.connections}), flush=True)


# The sending side ---------------------------------------------------------------------


def certificate(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def message(n: int) -> EmailMessage:
    """About the size of a CrewUp notification (text and HTML parts)."""
    mail = EmailMessage()
    mail["From"] = "CrewUp <no-reply@example.org>"
    mail["To"] = f"person{n}@example.org"
    mail["Subject"] = f"Ann posted in Night Owls: message {n}"
    mail["Message-ID"] = f"<bench-{n}@example.org>"
    mail.set_content("Ann posted in Night Owls.\n\nhttps://crew.example.org/posts/1\n" * 8)
    mail.add_alternative("<p>Ann posted in <b>Night Owls</b>.</p>\n" * 20, subtype="html")
    return mail


async def send_all(url: str, count: int, concurrency: int) -> tuple[float, float]:
    import aiosmtplib  # noqa: F401  (imported before the clock starts, as in a warm worker)

    mailer = mail_module().SmtpMailer(url, 30.0)
    queue = [message(n) for n in range(count)]  # composing is not what is measured
    cpu, started = time.process_time(), time.monotonic()

    async def sender() -> None:
        while queue:
            await mailer.send(queue.pop())

    await asyncio.gather(*(sender() for _ in range(concurrency)))
    wall, cpu = time.monotonic() - started, time.process_time() - cpu
    close = getattr(mailer, "close", None)  # the code before pooling had none
    if close is not None:
        await close()
    return wall, cpu


def mail_module() -> Any:
    if args.code is None:
        import crewup.core.mail

        return crewup.core.mail
    path = args.code / "crewup" / "core" / "mail.py"
    spec = importlib.util.spec_from_file_location("bench_mail_before", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run(name: str, options: dict[str, Any], concurrency: int) -> dict[str, Any]:
    options = {**options, "port": free_port(), "smtp_port": free_port()}  # fresh each run
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", json.dumps(options)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None and server.stdin is not None
    assert server.stdout.readline().strip() == "ready"
    signed_in = "bench:secret@" if options["tls"] else ""
    url = f"smtp://{signed_in}127.0.0.1:{options['port']}"
    server_cpu = cpu_seconds(server.pid)  # from here: its start-up is not counted
    wall, cpu = asyncio.run(send_all(url, args.messages, concurrency))
    server_cpu = cpu_seconds(server.pid) - server_cpu
    server.stdin.close()
    tally = json.loads(server.stdout.readline())
    server.wait()
    ids = tally["ids"]
    expected = {f"<bench-{n}@example.org>" for n in range(args.messages)}
    return {
        "server": name,
        "senders": concurrency,
        "msg/s": round(args.messages / wall, 1),
        "sender CPU ms/msg": round(1000 * cpu / args.messages, 2),
        "server CPU ms/msg": round(1000 * server_cpu / args.messages, 2),
        "connections": tally["connections"],
        "exactly once": len(ids) == len(set(ids)) and set(ids) == expected,
    }


def main() -> None:
    print(f"code: {Path(mail_module().__file__).resolve().parents[2]}")
    print(f"load average at start: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        cert, key = certificate(Path(tmp))
        os.environ["SSL_CERT_FILE"] = str(cert)  # the sender trusts the bench certificate
        base = {"tls": False, "delay": 0, "cert": str(cert), "key": str(key)}
        servers = [
            ("plain, loopback", base),
            ("STARTTLS + AUTH, loopback", {**base, "tls": True}),
            (
                f"STARTTLS + AUTH, {args.rtt_ms:g} ms RTT",
                {**base, "tls": True, "delay": args.rtt_ms / 2000},
            ),
        ]
        rows = [
            run(name, options, senders)
            for name, options in servers
            for senders in (1, args.concurrency)
        ]
    print(f"load average at end: {os.getloadavg()}")
    print(" | ".join(rows[0]))
    for row in rows:
        print(" | ".join(str(value) for value in row.values()))


if __name__ == "__main__":
    if args.serve:
        serve(json.loads(args.serve))
    else:
        main()

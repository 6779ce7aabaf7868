"""`crewup serve --workers N`: N server processes listening on one port.

Each process is a whole `crewup serve` (its own event loop, pool and hub) binding the
port with SO_REUSEPORT, so the kernel spreads new connections across them; nothing is
proxied through this parent. The parent only supervises: it forwards SIGTERM/SIGINT so
every process drains its requests, restarts a process that dies while serving, and gives
up (exit 1) if one dies while starting (a dependency down, the port taken), since
restarting would only fail again. Processes share what must be shared through Redis
(sessions, rate limits, pub/sub) and PostgreSQL, which is why N > 1 requires both.

Why not gunicorn's GunicornWebWorker: it would add a dependency and its own
configuration surface for what this small loop does, and `crewup serve` already owns
start-up checks, draining and the problem+json protocol errors per process.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from types import FrameType

from crewup.core.settings import Settings

log = logging.getLogger("crewup.supervisor")
_PR_SET_PDEATHSIG = 1  # <sys/prctl.h>


class SupervisorError(Exception):
    """Serving cannot start with several processes; the message says why."""


def default_process_count(settings: Settings) -> int:
    """All cores where processes can share state (Redis and PostgreSQL); one otherwise,
    so the embedded default (`make run`) needs no services."""
    if settings.redis_url and not _is_sqlite(settings):
        return os.cpu_count() or 1
    return 1


def check_can_share(settings: Settings, count: int) -> None:
    if count <= 1:
        return
    if not settings.redis_url:
        raise SupervisorError(
            f"--workers {count} needs redis_url: sessions, rate limits and live updates "
            "are shared between processes through Redis (or use --workers 1)"
        )
    if _is_sqlite(settings):
        raise SupervisorError(
            f"--workers {count} needs PostgreSQL in database_url: SQLite has one writer "
            "and its queue lives in one process (or use --workers 1)"
        )


def check_port_free(host: str, port: int) -> None:
    """The processes bind with SO_REUSEPORT, which the kernel grants beside any other
    process of the same user doing so: a second installation on a taken port started
    without a word and took half the traffic (an operator's trial). A plain bind first,
    as `--workers 1` does, says the port is taken. TIME_WAIT remnants of a previous run
    do not count (SO_REUSEADDR, as asyncio binds)."""
    for family, kind, proto, _, address in socket.getaddrinfo(
        host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    ):
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError as exc:
                raise SupervisorError(
                    f"cannot listen on {host}:{port}: {exc.strerror or exc}"
                ) from None


def _end_with_parent() -> None:
    """In each child, before it runs: the kernel sends it SIGTERM (a graceful drain) if
    the supervisor dies, so a supervisor killed with SIGKILL leaves no servers behind
    that no later SIGTERM reaches (an operator's trial). Linux only; elsewhere the
    children outlive it, as before."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _is_sqlite(settings: Settings) -> bool:
    return (settings.database_url or "sqlite").startswith("sqlite")


@dataclass
class _Child:
    number: int
    process: subprocess.Popen[bytes]
    ready_fd: int  # the process writes a byte here once it serves (`--ready-fd`)
    ready: bool = False

    def check_ready(self) -> bool:
        if not self.ready:
            with contextlib.suppress(BlockingIOError):  # nothing written yet
                self.ready = os.read(self.ready_fd, 1) == b"1"
        return self.ready

    def forget(self) -> None:
        if self.ready_fd >= 0:
            os.close(self.ready_fd)
            self.ready_fd = -1


class Supervisor:
    def __init__(
        self,
        command: Sequence[str],
        count: int,
        *,
        grace_seconds: float = 35.0,
    ) -> None:
        self.command = list(command)
        self.count = count
        self.grace_seconds = grace_seconds
        self._stopping = False
        self._children: list[_Child] = []

    def run(self) -> int:
        """Serve until SIGTERM/SIGINT (answers 0 once every process has drained) or until
        a process fails to start (answers its exit code, after stopping the others)."""
        stop_signals = (signal.SIGTERM, signal.SIGINT)
        previous = {s: signal.signal(s, self._request_stop) for s in stop_signals}
        try:
            # The first process starts alone: if a dependency is down, one process says
            # so once, instead of N processes printing the same error.
            first = self._start(1)
            self._children = [first]
            failed = self._wait_ready(first)
            if failed is None:
                self._children += [self._start(n) for n in range(2, self.count + 1)]
                failed = self._watch()
        finally:
            self._stop_all()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        return failed

    def _request_stop(self, signum: int, _frame: FrameType | None) -> None:
        self._stopping = True

    def _start(self, number: int) -> _Child:
        log.info("starting server process", extra={"number": number, "of": self.count})
        read_end, write_end = os.pipe()
        os.set_blocking(read_end, False)
        try:
            command = [*self.command, "--ready-fd", str(write_end)]
            process = subprocess.Popen(
                command,
                pass_fds=(write_end,),
                preexec_fn=_end_with_parent if sys.platform == "linux" else None,
            )
        finally:
            os.close(write_end)
        return _Child(number, process, read_end)

    def _wait_ready(self, child: _Child) -> int | None:
        """None once the process serves; its exit code if it stopped before that."""
        while not self._stopping:
            code = child.process.poll()
            if child.check_ready():
                return None
            if code is not None:
                child.forget()
                return code or 1
            time.sleep(0.05)
        return 0

    def _watch(self) -> int:
        while not self._stopping:
            for index, child in enumerate(self._children):
                code = child.process.poll()
                ready = child.check_ready()  # after poll: a byte written before exit is here
                if code is None or self._stopping:
                    continue
                child.forget()
                if not ready:  # restarting would fail the same way: stop and say so
                    log.error("a server process failed to start", extra={"code": code})
                    return code or 1
                log.error(
                    "a server process died; starting another",
                    extra={"code": code, "pid": child.process.pid},
                )
                self._children[index] = self._start(child.number)
            time.sleep(0.2)
        return 0

    def _stop_all(self) -> None:
        running = [c.process for c in self._children if c.process.poll() is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.grace_seconds
        for process in running:
            try:
                process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for child in self._children:
            child.forget()
        self._children = []

"""Which event loop runs `crewup serve` and `crewup worker`: uvloop or asyncio's own.

uvloop (libuv, written in C) does a socket's wake-up, read and callback with less Python
than asyncio's selector loop; the `event_loop` setting chooses ("auto" takes uvloop where
it is installed: it has no build for Windows or PyPy). The loop is made by the runner
that runs the process's main coroutine (`asyncio.Runner(loop_factory=...)`, as uvloop
documents for Python 3.11), never by a global policy: importing CrewUp changes nothing,
and tests and `crewup-admin` keep asyncio's loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, Literal, TypeVar

EventLoopChoice = Literal["auto", "uvloop", "asyncio"]
LoopFactory = Callable[[], asyncio.AbstractEventLoop]

T = TypeVar("T")


class EventLoopUnavailable(Exception):
    """The chosen event loop cannot be had here; the message says why."""


def loop_factory(choice: EventLoopChoice) -> LoopFactory | None:
    """What makes the loop; None is asyncio's default."""
    if choice == "asyncio":
        return None
    try:
        import uvloop
    except ImportError as exc:
        if choice == "uvloop":
            raise EventLoopUnavailable(
                f'event_loop = "uvloop" but uvloop cannot be imported ({exc}); install '
                'it or choose "auto" or "asyncio"'
            ) from exc
        return None
    new_loop: LoopFactory = uvloop.new_event_loop
    return new_loop


def loop_name(loop: asyncio.AbstractEventLoop) -> str:
    """The loop's name, said when a process starts so that an operator sees which."""
    return "uvloop" if type(loop).__module__.startswith("uvloop") else "asyncio"


def run(main: Coroutine[Any, Any, T], choice: EventLoopChoice) -> T:
    """`asyncio.run(main)` on the chosen loop."""
    try:
        factory = loop_factory(choice)
    except EventLoopUnavailable:
        main.close()  # never awaited: no "coroutine was never awaited" warning
        raise
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(main)

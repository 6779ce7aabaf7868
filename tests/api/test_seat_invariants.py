"""Seats stay exact under any interleaving: a stateful property test (tests/support/
seat_machine.py) fires random batches of concurrent operations through the HTTP API of a
real server and checks every seat invariant after each batch, on both engines."""

from __future__ import annotations

from collections.abc import Callable

from crewup.core.settings import Settings
from tests.support.live_server import live_server
from tests.support.seat_machine import run_seat_machine


def test_seats_stay_exact_under_random_concurrent_batches(
    make_settings: Callable[..., Settings],
) -> None:
    with live_server(make_settings()) as base_url:
        run_seat_machine(base_url, examples=4, steps=6)

"""Where the real services are, and what a test does when one is missing: skip with the
reason on a newcomer's laptop, fail under CI=true."""

from __future__ import annotations

import os
import socket
import uuid
from urllib.parse import urlsplit

import pytest

PG_ADMIN_URL = os.environ.get(
    "CREWUP_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("CREWUP_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
AMQP_URL = os.environ.get("CREWUP_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
IN_CI = os.environ.get("CI", "").lower() in ("true", "1", "yes")
# Every database, Redis key and broker name this run makes carries it, so runs never collide.
RUN_ID = uuid.uuid4().hex[:8]


def reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or default_port), timeout=1
        ):
            return True
    except OSError:
        return False


def require_service(name: str, url: str, port: int) -> None:
    if reachable(url, port):
        return
    where = f"{urlsplit(url).hostname}:{urlsplit(url).port or port}"
    message = f"{name} is not reachable at {where} (start it, see README)"
    if IN_CI:
        pytest.fail(f"{message}; CI=true makes a missing service a failure")
    pytest.skip(message)

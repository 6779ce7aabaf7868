"""Settings for one test's installation (its own database, data dir and Redis prefix)."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Any

from crewup.core.settings import Settings
from tests.support.databases import Stack
from tests.support.services import AMQP_URL, REDIS_URL, RUN_ID

# Cheap hashing for tests only: argon2id still, but fast; production defaults are tested
# in test_settings. Rate limits high so only the tests about them trip them.
FAST: dict[str, Any] = {
    "argon2_time_cost": 1,
    "argon2_memory_kib": 1024,
    "rate_limit_login": "1000/minute",
    "rate_limit_register": "1000/minute",
    "rate_limit_password_reset": "1000/minute",
    "rate_limit_posting": "1000/minute",
    "rate_limit_safety_alerts": "1000/minute",
    "rate_limit_reports": "1000/minute",
    "access_log": False,
    # The bus retries quickly and wakes often, so tests see its work within a moment.
    "bus_retry_delays": (0.2, 0.4),
    "bus_poll_seconds": 0.2,
    "scheduler_tick_seconds": 0.2,
}
SECRET_KEY = "s" * 40


def base_settings(stack: Stack, database_url: str, data_dir: Path) -> dict[str, Any]:
    if not (data_dir / "keys").exists():
        shutil.copytree(stack.keys_dir, data_dir / "keys")
    base: dict[str, Any] = {
        "data_dir": data_dir,
        "database_url": database_url,
        "secret_key": SECRET_KEY,
        **FAST,
    }
    if stack.is_services:
        base["redis_url"] = REDIS_URL
        base["redis_prefix"] = f"crewup-test:{RUN_ID}:{uuid.uuid4().hex[:6]}:"
        # The real broker, consumed by the app itself (no separate worker in most tests);
        # exchanges and queues under a name of this test's own (see amqp.py).
        base["amqp_url"] = AMQP_URL
        base["amqp_prefix"] = f"crewup-test.{RUN_ID}.{uuid.uuid4().hex[:6]}."
        base["worker_in_process"] = True
    return base


def build_settings(base: dict[str, Any], **overrides: Any) -> Settings:
    return Settings(**{**base, **overrides})

"""The one place time comes from, so tests can move it (monkeypatch `clock.now`)."""

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)


def isoformat(moment: datetime) -> str:
    """ISO-8601 UTC with a Z, to the second, as the API promises."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

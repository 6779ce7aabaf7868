"""One settings object: TOML file named by CREWUP_CONFIG, overridden by CREWUP_* variables."""

from __future__ import annotations

import os
import secrets
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    AnyHttpUrl,
    BaseModel,
    ConfigDict,
    Field,
    IPvAnyNetwork,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

ENV_PREFIX = "CREWUP_"


class SettingsError(Exception):
    """A setting is wrong; the message is one line naming it."""


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    data_dir: Path = Path("./var")
    host: str = "127.0.0.1"
    port: int = Field(8080, ge=1, le=65535)
    public_url: AnyHttpUrl | None = None
    database_url: str | None = None
    database_pool_size: int = Field(20, ge=1, le=500)
    redis_url: str | None = None
    redis_prefix: str = "crewup:"
    # Connections one process keeps to Redis for sessions and rate limits; a request that
    # finds them all busy waits for one (up to redis_wait_seconds) instead of failing.
    redis_pool_size: int = Field(64, ge=2, le=10_000)
    redis_wait_seconds: float = Field(5.0, gt=0, le=60)
    amqp_url: str | None = None
    amqp_prefix: str = Field("crewup.", pattern=r"^[A-Za-z0-9._-]{0,64}$")
    # Run the bus's handlers and scheduler inside `crewup serve` too. Unset: yes without
    # amqp_url (the embedded default has nobody else to do it), no with it (run
    # `crewup worker` processes).
    worker_in_process: bool | None = None
    bus_retry_delays: tuple[float, ...] = (5.0, 30.0, 300.0)
    bus_poll_seconds: float = Field(1.0, gt=0, le=60)
    scheduler_tick_seconds: float = Field(15.0, gt=0, le=3600)
    # Chat messages left unread this long (the person was away) are notified, at most
    # once an hour per room.
    chat_digest_after_seconds: int = Field(300, ge=1, le=86400)
    smtp_url: str | None = None
    smtp_timeout_seconds: float = Field(30.0, gt=0, le=300)
    # Connections to the SMTP server stay open this long between messages (0: one
    # connection per message).
    smtp_keep_alive_seconds: float = Field(30.0, ge=0, le=3600)
    mail_from: str | None = None
    # Creating groups and events needs a verified e-mail address.
    require_verified_email: bool = False
    # Accept plain-http web push endpoints (a push service on this machine): tests and
    # local development only, since any signed-in person chooses where the server posts.
    push_allow_insecure_endpoints: bool = False
    secret_key: str | None = Field(None, min_length=32)
    jwt_private_key_file: Path | None = None
    jwt_audience: str = "crewup"
    access_token_ttl_seconds: int = Field(900, ge=30, le=86400)
    refresh_token_ttl_days: int = Field(30, ge=1, le=365)
    password_reset_ttl_minutes: int = Field(60, ge=5, le=1440)
    public_answer_cache_seconds: float = Field(1.0, ge=0, le=60)
    max_body_bytes: int = Field(1024 * 1024, ge=1024)
    # Images (avatars, covers): the largest upload accepted, and the most pixels a file
    # may declare before it is refused as a decompression bomb. Files go under
    # media_dir (default: <data_dir>/media).
    media_max_upload_bytes: int = Field(8 * 1024 * 1024, ge=1024, le=256 * 1024 * 1024)
    media_max_pixels: int = Field(40_000_000, ge=1, le=170_000_000)
    media_dir: Path | None = None
    # Files no row points at (a replaced or removed picture, a deleted group's) are
    # pruned once this much older than their last write: never on the request path, so
    # an upload whose row is not yet committed keeps its files (crewup.core.media_prune).
    media_prune_grace_seconds: int = Field(3600, ge=60, le=30 * 86400)
    # "local": files under media_dir. "s3": an S3-compatible bucket (AWS, MinIO, Garage,
    # Ceph...), which needs the `s3` extra (aiobotocore) and the media_s3_* settings.
    media_store: Literal["local", "s3"] = "local"
    media_s3_endpoint_url: AnyHttpUrl | None = None  # None: AWS's own endpoint
    media_s3_bucket: str | None = Field(None, pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
    media_s3_region: str = "us-east-1"
    media_s3_access_key_id: str | None = None
    media_s3_secret_access_key: str | None = None
    media_s3_prefix: str = Field("media/", pattern=r"^([A-Za-z0-9._-]+/)*$")
    # Set when the bucket (or a CDN before it) serves the objects publicly: /media/{name}
    # then redirects there. Unset: the app reads the object and serves it itself.
    media_s3_public_url: AnyHttpUrl | None = None
    argon2_time_cost: int = Field(3, ge=1)
    argon2_memory_kib: int = Field(65536, ge=1024)
    rate_limit_login: str = "10/minute"
    rate_limit_register: str = "20/hour"
    rate_limit_password_reset: str = "5/hour"
    rate_limit_posting: str = "30/minute;300/hour"
    rate_limit_chat: str = "20/10 seconds;600/hour"
    rate_limit_safety_alerts: str = "3/10 minutes;10/day"
    rate_limit_reports: str = "20/hour;100/day"
    # Invitations made per person (each notifies someone who asked for nothing), and
    # tries by e-mail address (each tells whether the address has an account).
    rate_limit_invites: str = "30/hour;200/day"
    # Requests to join private groups (each notifies the group's admins).
    rate_limit_join_requests: str = "10/hour;30/day"
    # People going to an event this close to an alert's point (on now or within the
    # hour) receive it as well as the author's groups.
    safety_alert_radius_km: float = Field(2.0, gt=0, le=50)
    # WebSockets: ping interval (a client that misses the pong is closed), the largest
    # frame a client may send, and how many frames may wait for a slow reader before its
    # socket is closed with 1013.
    ws_heartbeat_seconds: float = Field(30.0, gt=0, le=600)
    ws_max_frame_bytes: int = Field(64 * 1024, ge=1024, le=16 * 2**20)
    ws_send_queue: int = Field(512, ge=4, le=100_000)
    chat_max_chars: int = Field(4000, ge=1, le=100_000)
    metrics_token: str | None = Field(None, min_length=16)
    trusted_proxies: tuple[IPvAnyNetwork, ...] = ()
    map_tile_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    map_attribution: str = (
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
    )
    log_level: str = "INFO"
    access_log: bool = True
    # Connections the kernel queues for each process before it accepts them. Python's
    # default (100, aiohttp's 128) drops a burst's connections, and their clients retry
    # only after 1, 3, 7 s; Linux caps the figure at net.core.somaxconn.
    listen_backlog: int = Field(2048, ge=16, le=65535)
    # The event loop of `crewup serve` and `crewup worker`: "auto" is uvloop where it is
    # installed (crewup/core/event_loops.py), else asyncio's own.
    event_loop: Literal["auto", "uvloop", "asyncio"] = "auto"

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str | None) -> str | None:
        if value is None:
            return None
        scheme = value.split("://", 1)[0]
        if scheme not in {
            "sqlite",
            "sqlite+aiosqlite",
            "postgresql",
            "postgres",
            "postgresql+asyncpg",
        }:
            raise ValueError("must start with postgresql:// or sqlite:///")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    @field_validator("amqp_url")
    @classmethod
    def _amqp_scheme(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("amqp://", "amqps://")):
            raise ValueError("must start with amqp:// or amqps://")
        return value

    @field_validator("bus_retry_delays", mode="before")
    @classmethod
    def _delays(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("bus_retry_delays")
    @classmethod
    def _positive_delays(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if not value or any(d <= 0 or d > 86400 for d in value):
            raise ValueError("must be one or more delays in seconds, e.g. 5,30,300")
        return value

    @field_validator("smtp_url")
    @classmethod
    def _smtp_scheme(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("smtp://", "smtps://")):
            raise ValueError("must start with smtp:// (STARTTLS when offered) or smtps://")
        return value

    @property
    def runs_worker_in_process(self) -> bool:
        if self.worker_in_process is None:
            return self.amqp_url is None
        return self.worker_in_process

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _comma_list(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("map_tile_url")
    @classmethod
    def _tile_template(cls, value: str) -> str:
        if value and not (
            value.startswith(("https://", "http://", "/"))
            and all(part in value for part in ("{z}", "{x}", "{y}"))
        ):
            raise ValueError("must be empty (no maps) or a URL template with {z}, {x} and {y}")
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        if value.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return value.upper()

    @field_validator(
        "rate_limit_login",
        "rate_limit_register",
        "rate_limit_password_reset",
        "rate_limit_posting",
        "rate_limit_chat",
        "rate_limit_safety_alerts",
        "rate_limit_reports",
        "rate_limit_invites",
        "rate_limit_join_requests",
    )
    @classmethod
    def _rate(cls, value: str) -> str:
        from limits import parse_many

        try:
            parse_many(value)
        except ValueError as exc:
            raise ValueError("must look like '10/minute'") from exc
        return value

    @model_validator(mode="after")
    def _bucket_named(self) -> Settings:
        if self.media_store == "s3" and not self.media_s3_bucket:
            raise ValueError("media_s3_bucket is needed when media_store is 's3'")
        return self

    @property
    def effective_public_url(self) -> str:
        if self.public_url is not None:
            return str(self.public_url).rstrip("/")
        return f"http://{self.host}:{self.port}"

    @property
    def effective_media_dir(self) -> Path:
        return self.media_dir if self.media_dir is not None else self.data_dir / "media"

    @property
    def effective_database_url(self) -> str:
        """An async SQLAlchemy URL; SQLite in the data dir unless told otherwise."""
        url = self.database_url or f"sqlite:///{(self.data_dir / 'crewup.sqlite3').resolve()}"
        for plain, driver in (
            ("postgresql://", "postgresql+asyncpg://"),
            ("postgres://", "postgresql+asyncpg://"),
            ("sqlite://", "sqlite+aiosqlite://"),
        ):
            if url.startswith(plain):
                return driver + url[len(plain) :]
        return url


def _env_overrides(environ: Mapping[str, str]) -> dict[str, Any]:
    fields = Settings.model_fields
    found: dict[str, Any] = {}
    for key, value in environ.items():
        if key.startswith(ENV_PREFIX) and key != "CREWUP_CONFIG":
            name = key[len(ENV_PREFIX) :].lower()
            if name in fields:
                found[name] = value
    return found


def _describe(error: ErrorDetails, origin: dict[str, str]) -> str:
    name = str(error["loc"][0]) if error["loc"] else "settings"
    where = origin.get(name, "setting")
    if error["type"] == "extra_forbidden":
        return f"unknown setting {name!r} in {where}"
    return f"invalid setting {ENV_PREFIX}{name.upper()} ({where}): {error['msg']}"


def load_settings(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Read the TOML file and environment; raise SettingsError with one line on a bad value."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}
    config_path = environ.get("CREWUP_CONFIG")
    if config_path:
        try:
            with open(config_path, "rb") as fh:
                from_file = tomllib.load(fh)
        except OSError as exc:
            raise SettingsError(
                f"CREWUP_CONFIG: cannot read {config_path}: {exc.strerror}"
            ) from exc
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"CREWUP_CONFIG: {config_path} is not valid TOML: {exc}") from exc
        values.update(from_file)
        origin.update({k: config_path for k in from_file})
    env = _env_overrides(environ)
    values.update(env)
    origin.update({k: "environment" for k in env})
    values.update(overrides)
    try:
        return Settings.model_validate(values)
    except ValidationError as exc:
        raise SettingsError(_describe(exc.errors()[0], origin)) from None


def secret_key_of(settings: Settings) -> str:
    """The configured key, or one generated once into the data dir and reused after (web
    processes, workers and the CLI must sign alike)."""
    if settings.secret_key:
        return settings.secret_key
    path = settings.data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key

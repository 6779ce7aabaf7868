from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, StringConstraints, model_validator

from crewup.core.paging import Limit
from crewup.notifications.kinds import Channels, Kind
from crewup.notifications.service import Notification
from crewup.web.schemas import InputModel, UtcTimestamp


class NotificationOut(BaseModel):
    id: int
    kind: str
    text: str
    url: str
    data: dict[str, Any]
    created_at: UtcTimestamp
    read: bool

    @classmethod
    def of(cls, n: Notification) -> NotificationOut:
        return cls(
            id=n.id,
            kind=n.kind,
            text=n.text,
            url=n.url,
            data=n.data,
            created_at=n.created_at,
            read=n.read_at is not None,
        )


class NotificationPage(BaseModel):
    items: list[NotificationOut]
    next_cursor: str | None


class NotificationQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unread: bool = False
    limit: Limit = 20
    cursor: str | None = None  # its length is checked by decode_cursor: 400


class ReadIn(InputModel):
    ids: list[Annotated[int, Field(ge=1, lt=2**63)]] | None = Field(None, max_length=500)
    all: bool = False

    @model_validator(mode="after")
    def _one_of(self) -> ReadIn:
        if (self.ids is None) == (not self.all):
            raise ValueError("send either ids (a list) or all: true")
        return self


class CountOut(BaseModel):
    count: int


class ChannelsIO(BaseModel):
    model_config = ConfigDict(extra="forbid")

    in_app: bool
    email: bool
    push: bool

    @classmethod
    def of(cls, channels: Channels) -> ChannelsIO:
        return cls(in_app=channels.in_app, email=channels.email, push=channels.push)

    def channels(self) -> Channels:
        return Channels(self.in_app, self.email, self.push)


class SettingsIO(BaseModel):
    """Every kind with its three switches; a PUT may send only the kinds it changes."""

    model_config = ConfigDict(extra="forbid")

    join_request: ChannelsIO | None = None
    join_answer: ChannelsIO | None = None
    invite: ChannelsIO | None = None
    new_post: ChannelsIO | None = None
    reply: ChannelsIO | None = None
    promoted: ChannelsIO | None = None
    event_cancelled: ChannelsIO | None = None
    event_changed: ChannelsIO | None = None
    event_reminder: ChannelsIO | None = None
    chat_message: ChannelsIO | None = None
    report_outcome: ChannelsIO | None = None
    warning: ChannelsIO | None = None
    safety_alert: ChannelsIO | None = None

    @classmethod
    def of(cls, settings: dict[Kind, Channels]) -> SettingsIO:
        return cls(**{kind.value: ChannelsIO.of(c) for kind, c in settings.items()})

    def changes(self) -> dict[Kind, Channels]:
        return {
            Kind(name): value.channels() for name, value in self if isinstance(value, ChannelsIO)
        }


Key = Annotated[str, StringConstraints(min_length=8, max_length=200, pattern=r"^[A-Za-z0-9_=-]+$")]


class PushKeys(BaseModel):
    p256dh: Key
    auth: Key


class PushSubscriptionIn(InputModel):
    """The browser's PushSubscription, as JSON.stringify(subscription) gives it."""

    endpoint: HttpUrl
    keys: PushKeys
    expirationTime: int | None = None

    @model_validator(mode="after")
    def _https(self) -> PushSubscriptionIn:
        # A push service on this machine (tests) only where push_allow_insecure_endpoints.
        local = self.endpoint.host in ("127.0.0.1", "localhost")
        if self.endpoint.scheme != "https" and not local:
            raise ValueError("endpoint must be an https URL from the browser's push service")
        if len(str(self.endpoint)) > 2000:
            raise ValueError("endpoint is too long")
        return self


class PushEndpointIn(InputModel):
    endpoint: HttpUrl


class VapidKeyOut(BaseModel):
    public_key: str

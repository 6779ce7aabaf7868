"""Bodies, queries and answers of safety alerts."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from crewup.core.paging import Limit
from crewup.safety.access import Alert, Answer, Severity
from crewup.safety.service import (
    MAX_GROUPS,
    MAX_MESSAGE_CHARS,
    MAX_NOTE_CHARS,
    Acknowledgement,
    AlertDetail,
)
from crewup.web.geo_params import Latitude, Longitude
from crewup.web.schemas import PLAIN_TEXT, InputModel, UtcTimestamp

Message = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_MESSAGE_CHARS),
    PLAIN_TEXT,
]
Note = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=MAX_NOTE_CHARS), PLAIN_TEXT
]
EVENT_ID_REFUSED = (
    "event_id: an alert is about a place, not an event; send the event's lat and lon "
    "(people going to events on now or within the hour near it are reached) and its "
    "group in group_ids"
)
GroupId = Annotated[int, Field(ge=1, lt=2**31)]


class AlertIn(InputModel):
    message: Message
    lat: Latitude
    lon: Longitude
    severity: Severity = Severity.warning
    # Only these groups (all mine); left out: every group I am a member of.
    group_ids: Annotated[list[GroupId], Field(min_length=1, max_length=MAX_GROUPS)] | None = None

    @model_validator(mode="before")
    @classmethod
    def _not_about_an_event(cls, data: Any) -> Any:
        # A deliberate refusal, clearer than "extra inputs are not permitted": people at
        # an event are reached by place (going to an event on now near the point) and by
        # group, which is what the event page's "Raise an alert" fills in.
        if isinstance(data, dict) and "event_id" in data:
            raise ValueError(EVENT_ID_REFUSED)
        return data


class AcknowledgeIn(InputModel):
    status: Answer


class ResolveIn(InputModel):
    note: Note = ""


class AlertQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    active: bool = False  # only the open ones
    limit: Limit = 20
    cursor: str | None = Field(None, max_length=200)


class UserRef(BaseModel):
    id: int
    display_name: str


class AcknowledgementOut(BaseModel):
    user: UserRef
    status: Answer
    acknowledged_at: UtcTimestamp

    @classmethod
    def of(cls, ack: Acknowledgement) -> AcknowledgementOut:
        return cls(
            user=UserRef(id=ack.user_id, display_name=ack.display_name),
            status=ack.answer,
            acknowledged_at=ack.acknowledged_at,
        )


class AlertOut(BaseModel):
    id: int
    author: UserRef
    message: str
    severity: Severity
    lat: float
    lon: float
    radius_km: float
    group_ids: list[int]
    recipient_count: int
    status: str
    created_at: UtcTimestamp
    resolved_at: UtcTimestamp | None
    resolved_by: int | None
    resolution_note: str | None
    # My side of it: "author" or "recipient" (a moderator who is neither: null), and my
    # acknowledgement if I received it.
    my_role: str | None
    my_acknowledgement: Answer | None
    # Who answered: shown to the author and moderators only.
    acknowledgements: list[AcknowledgementOut] | None = None

    @classmethod
    def of(cls, alert: Alert, viewer_id: int) -> AlertOut:
        role = "author" if alert.author_id == viewer_id else None
        if role is None and alert.received:
            role = "recipient"
        return cls(
            id=alert.id,
            author=UserRef(id=alert.author_id, display_name=alert.author_name),
            message=alert.message,
            severity=alert.severity,
            lat=alert.lat,
            lon=alert.lon,
            radius_km=alert.radius_km,
            group_ids=alert.group_ids,
            recipient_count=alert.recipient_count,
            status=alert.status.value,
            created_at=alert.created_at,
            resolved_at=alert.resolved_at,
            resolved_by=alert.resolved_by,
            resolution_note=alert.resolution_note,
            my_role=role,
            my_acknowledgement=alert.my_answer,
        )

    @classmethod
    def detail(cls, found: AlertDetail, viewer_id: int) -> AlertOut:
        out = cls.of(found.alert, viewer_id)
        if found.acknowledgements is not None:
            out.acknowledgements = [AcknowledgementOut.of(a) for a in found.acknowledgements]
        return out


class AlertPage(BaseModel):
    items: list[AlertOut]
    next_cursor: str | None
